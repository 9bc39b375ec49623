package ndarray_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// Two arrays derived from one source are stored in one graph run, as
// dask's da.store([a, b], [ta, tb]) does: the source is computed once.
func ExampleStoreMany() {
	ctx := context.Background()
	s := zarr.NewMemoryStore()
	src := ndarray.Arange(0, 6, 1, chunk.PerAxis(3))
	a, b := ndarray.Mul(src, 10), ndarray.Add(src, 1)
	var targets []ndarray.StoreTarget
	for name, x := range map[string]*ndarray.Array{"a": a, "b": b} {
		arr, err := zarr.Create(ctx, s, name, zarr.CreateOptions{Shape: x.Shape(), DType: x.DType(), Chunks: []int{3}})
		if err != nil {
			fmt.Println(err)
			return
		}
		snk, err := arr.Sink()
		if err != nil {
			fmt.Println(err)
			return
		}
		targets = append(targets, ndarray.StoreTarget{Array: x, Sink: snk})
	}
	if _, err := ndarray.StoreMany(ctx, targets); err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"a", "b"} {
		arr, _ := zarr.OpenArray(ctx, s, name)
		d, _ := arr.ReadAll(ctx)
		fmt.Println(name, block.Values[int64](d))
	}
	// Output:
	// a [0 10 20 30 40 50]
	// b [1 2 3 4 5 6]
}
