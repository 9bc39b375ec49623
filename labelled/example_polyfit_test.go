package labelled_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

func ExampleArray_Polyfit() {
	// xarray: da.polyfit("t", deg=1, full=True)
	d, _ := block.FromSlice([]float64{1, 5, 3, 4, 5, 3, 7, 2}, 4, 2)
	da := labelled.New(ndarray.FromDense(d, chunk.Uniform(2)), []string{"t", "x"},
		labelled.Coords(labelled.IndexCoord("t", labelled.Float64Index{0, 1, 2, 3})))
	ds, err := da.Polyfit("t", 1, labelled.PolyfitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	coef := ds.Var("polyfit_coefficients")
	c, err := coef.Compute(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.Names(), coef.Dims(), coef.Index("degree"))
	fmt.Printf("slopes %.1f %.1f, intercepts %.1f %.1f\n", c.At(0, 0), c.At(0, 1), c.At(1, 0), c.At(1, 1))
	// Output:
	// [polyfit_coefficients polyfit_residuals] [degree x] [1 0]
	// slopes 2.0 -1.0, intercepts 1.0 5.0
}
