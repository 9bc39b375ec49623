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
