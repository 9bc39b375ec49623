package zarr_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// Selecting a box of a lazy Zarr array reads only the box: each read task
// covers the part of one chunk inside it (declaring the part's bytes, and
// decoding only the Blosc blocks holding it), with no gather after the
// read. The result's chunks are the array's clipped to the box, as dask's.
func ExampleArray_Lazy_selection() {
	ctx := context.Background()
	s := zarr.NewMemoryStore()
	x := ndarray.Arange(0, 1e6, 1, chunk.Uniform(1e6)).Reshape([]int{1000, 1000})
	a, _, err := zarr.ToZarr(ctx, x, s, "x", zarr.CreateOptions{Format: 2, Chunks: []int{250, 250}})
	if err != nil {
		fmt.Println(err)
		return
	}
	lz := a.Lazy(chunk.Native())
	sel := lz.Index(ndarray.Sl(240, 260, 1), ndarray.At(-1))
	fmt.Println(sel.Shape(), sel.Chunks(), "tasks:", sel.Tasks())
	d, err := sel.Compute(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	v := block.Values[int64](d)
	fmt.Println(v[0], v[19])
	// Output:
	// [20] [[10 10]] tasks: 4
	// 240999 259999
}
