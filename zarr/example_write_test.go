package zarr_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// An array grows lazily along its first axis, as to_zarr(append_dim=...)
// does: the data are written first, then the new shape.
func ExampleArray_AppendLazy() {
	ctx := context.Background()
	s := zarr.NewMemoryStore()
	a, _, err := zarr.ToZarr(ctx, ndarray.Arange(0, 5, 1, chunk.PerAxis(2)), s, "t", zarr.CreateOptions{Format: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := a.AppendLazy(ctx, 0, ndarray.Arange(5, 8, 1, chunk.PerAxis(3))); err != nil {
		fmt.Println(err)
		return
	}
	d, err := a.ReadAll(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Shape(), block.Values[int64](d))
	// Output: [8] [0 1 2 3 4 5 6 7]
}

// A lazy array is written into a region that does not align with the
// chunks, as to_zarr(region=...) does; the partly covered chunks are
// read, updated and written back.
func ExampleArray_WriteRegion() {
	ctx := context.Background()
	s := zarr.NewMemoryStore()
	a, err := zarr.Create(ctx, s, "r", zarr.CreateOptions{Format: 3, Shape: []int{8}, DType: block.Float64, Chunks: []int{3}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := a.WriteRegion(ctx, []int{2}, ndarray.Full(block.Float64, 9, []int{4}, chunk.PerAxis(4))); err != nil {
		fmt.Println(err)
		return
	}
	d, _ := a.ReadAll(ctx)
	fmt.Println(block.Values[float64](d))
	// Output: [0 0 9 9 9 9 0 0]
}

// An integer variable without a _FillValue is written with a null fill
// value, so xarray reads its zeros as zeros; a float one gets NaN.
func ExampleWriteDataset() {
	ctx := context.Background()
	s := zarr.NewMemoryStore()
	month, _ := block.FromSlice([]int64{0, 1, 2}, 3)
	ds := zarr.Dataset{Vars: map[string]zarr.Variable{
		"month": {Dims: []string{"time"}, Data: ndarray.FromDense(month, chunk.PerAxis(3))},
		"temp":  {Dims: []string{"time"}, Data: ndarray.Full(block.Float64, 280, []int{3}, chunk.PerAxis(3))},
	}}
	if err := zarr.WriteDataset(ctx, s, "", ds, 2); err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range []string{"month", "temp"} {
		a, _ := zarr.OpenArray(ctx, s, v)
		fmt.Println(v, a.Meta().FillValue.Defined, a.Meta().FillValue.Value)
	}
	// Output:
	// month false 0
	// temp true NaN
}

// Irregular chunks are made regular before anything is written.
func ExampleRegularChunks() {
	x := ndarray.Concatenate([]*ndarray.Array{
		ndarray.Arange(0, 3, 1, chunk.PerAxis(3)),
		ndarray.Arange(3, 8, 1, chunk.PerAxis(5)),
	}, 0)
	y, chunks, err := zarr.RegularChunks(x, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x.Grid().AxisChunks(0), "->", chunks, y.Grid().AxisChunks(0))
	// Output: [3 5] -> [5] [5 3]
}
