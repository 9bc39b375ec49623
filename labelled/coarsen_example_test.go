package labelled_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

// Coarsening by 2 along x, as xarray's da.coarsen(x=2, boundary="trim").mean():
// the x coordinate becomes the mean of each block.
func ExampleArray_Coarsen() {
	da := labelled.New(ndarray.Arange(0, 7, 1, chunk.Uniform(3)), []string{"x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{0, 10, 20, 30, 40, 50, 60})))
	m := da.Coarsen(map[string]int{"x": 2}, labelled.CoarsenOptions{Boundary: window.BoundaryTrim}).Mean()
	out, _ := m.Compute(context.Background())
	fmt.Println(out.Float64s(), m.Coord("x").Values())
	// Output: [0.5 2.5 4.5] [5 25 45]
}
