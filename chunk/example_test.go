package chunk_test

import (
	"fmt"

	"github.com/tessera-array/tessera/chunk"
)

func ExampleGrid_Intersect() {
	// A 10x10 array in 4x4 chunks; read the window rows 3..6, cols 2..5.
	g, _ := chunk.NewRegularGrid([]int{10, 10}, []int{4, 4})
	window, _ := chunk.NewBox([]int{3, 2}, []int{6, 5})
	pieces, _ := g.Intersect(window)
	for _, p := range pieces {
		fmt.Println("block", p.Block, "read", p.Src, "into", p.Dst)
	}
	// Output:
	// block [0 0] read [3:4, 2:4] into [0:1, 0:2]
	// block [0 1] read [3:4, 0:1] into [0:1, 2:3]
	// block [1 0] read [0:2, 2:4] into [1:3, 0:2]
	// block [1 1] read [0:2, 0:1] into [1:3, 2:3]
}

func ExampleSpec_Normalize() {
	// dask's chunks=(100, -1) and chunks="auto" with a 1 MiB target.
	spec, opts, _ := chunk.ParseSpec("(100, -1)")
	g, _ := spec.Normalize([]int{250, 30}, 8, opts)
	fmt.Println(g.Chunks())

	spec, opts, _ = chunk.ParseSpec("1MiB")
	g, _ = spec.Normalize([]int{1000, 1000}, 8, opts)
	fmt.Println(g.MaxChunkShape())
	// Output:
	// [[100 100 50] [30]]
	// [362 362]
}

func ExampleSpec_Normalize_sourceChunks() {
	// A 1000x1000 float64 array stored in 32x64 chunks, a 1 MiB target:
	// auto scales the stored chunk alike on both axes (dask's figures),
	// and the zero Spec means the same. Native is the stored chunks.
	opts := chunk.NormalizeOptions{TargetBytes: 1 << 20, Previous: []int{32, 64}}
	auto, _ := chunk.Auto().Normalize([]int{1000, 1000}, 8, opts)
	zero, _ := chunk.Spec{}.Normalize([]int{1000, 1000}, 8, opts)
	native, _ := chunk.Native().Normalize([]int{1000, 1000}, 8, opts)
	fmt.Println(auto.MaxChunkShape(), zero.Equal(auto), native.MaxChunkShape())

	// A stored chunk over the target is kept whole, never split.
	opts.Previous = []int{1000, 500}
	big, _ := chunk.Spec{}.Normalize([]int{1000, 1000}, 8, opts)
	fmt.Println(big.MaxChunkShape())
	// Output:
	// [256 512] true [32 64]
	// [1000 500]
}

func ExampleParseSpec() {
	spec, opts, _ := chunk.ParseSpec("native, auto, 64MiB")
	fmt.Println(spec, opts.TargetBytes)
	spec, _, _ = chunk.ParseSpec("((10, 10, 5), -1)")
	g, _ := spec.Normalize([]int{25, 7}, 4, chunk.NormalizeOptions{})
	fmt.Println(g.Chunks())
	// Output:
	// (native, auto, auto) 67108864
	// [[10 10 5] [7]]
}

func ExampleNewRegularGrid() {
	g, _ := chunk.NewRegularGrid([]int{10, 7}, []int{4, 4})
	fmt.Println(g.NumBlocks(), g.Chunks(), g.BlockBox([]int{2, 1}))
	// Output: [3 2] [[4 4 2] [4 3]] [8:10, 4:7]
}
