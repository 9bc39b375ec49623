package zarr_test

import (
	"context"
	"fmt"
	"os"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
	"github.com/tessera-array/tessera/zarr"
)

func ExampleCreate() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	s, _ := zarr.NewDirectoryStore(dir)

	// A v3 array of int16 in 2x2 chunks packed into 4x4 shards.
	a, _ := zarr.Create(ctx, s, "refl", zarr.CreateOptions{Shape: []int{4, 6}, Chunks: []int{2, 2}, Shards: []int{4, 4}, DType: block.Int16})
	d, _ := block.FromSlice([]int16{1, 2, 3, 4, 5, 6}, 1, 6)
	_, _ = a.Write(ctx, chunk.Box{Lo: []int{1, 0}, Hi: []int{2, 6}}, d) // partial: read-modify-write

	b, _ := zarr.OpenArray(ctx, s, "refl")
	row, _ := b.Read(ctx, chunk.Box{Lo: []int{1, 2}, Hi: []int{2, 5}})
	fmt.Println(b.Meta().Format, b.Chunks(), block.Values[int16](row))
	// Output: 3 [4 4] [3 4 5]
}

func ExampleToZarr() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	s, _ := zarr.NewDirectoryStore(dir)

	// Store a lazy array as Zarr v2 (one write task per block), then take
	// the mean of the stored array lazily.
	x := ndarray.Arange(0, 100, 1, chunk.Uniform(25)).AsType(block.Float32, block.OverflowError)
	a, _, err := zarr.ToZarr(ctx, x, s, "x", zarr.CreateOptions{Format: 2})
	if err != nil {
		panic(err)
	}
	m, _ := reduce.Mean(a.Lazy(chunk.Spec{})).Compute(ctx)
	fmt.Println(a.Chunks(), m.Float64s())
	// Output: [25] [49.5]
}
