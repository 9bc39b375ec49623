package labelled_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// The anomaly of every variable of a dataset, as xarray's
// ds - ds.mean("time").
func ExampleDataset_Sub() {
	ctx := context.Background()
	time := labelled.IndexCoord("time", labelled.Int64Index{0, 1, 2})
	t2m, _ := block.FromSlice([]float64{270, 273, 279}, 3)
	pr, _ := block.FromSlice([]float64{1, 0, 5}, 3)
	ds, _ := labelled.NewDataset([]*labelled.Array{
		labelled.New(ndarray.FromDense(t2m, chunk.Spec{}), []string{"time"}, labelled.Name("t2m"), labelled.Coords(time)),
		labelled.New(ndarray.FromDense(pr, chunk.Spec{}), []string{"time"}, labelled.Name("pr"), labelled.Coords(time)),
	}, nil)
	mean, _ := ds.Mean("time")
	anom, err := ds.Sub(mean)
	for _, name := range anom.Names() {
		d, _ := anom.Var(name).Compute(ctx)
		fmt.Println(name, d.Float64s())
	}
	fmt.Println(err)
	// Output:
	// t2m [-4 -1 5]
	// pr [-1 -2 3]
	// <nil>
}
