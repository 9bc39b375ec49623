package stats_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/stats"
)

// A histogram of 0, 0.5, ..., 4.5 in four bins over [0, 4]: the last bin
// is closed, so 4 counts and 4.5 does not.
func ExampleHistogram() {
	a := ndarray.Arange(0, 5, 0.5, chunk.Uniform(3))
	h, edges := stats.Histogram(a, stats.UniformBins(4, 0, 4))
	counts, err := h.Compute(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(edges)
	fmt.Println(counts.Data())
	// Output:
	// [0 1 2 3 4]
	// [2 2 2 3]
}

func ExampleUnique() {
	d, _ := block.FromSlice([]int32{3, 1, 3, 7, 1, 3}, 6)
	values, counts, err := stats.Unique(context.Background(), ndarray.FromDense(d, chunk.Uniform(4)))
	if err != nil {
		panic(err)
	}
	fmt.Println(values.Data(), counts.Data())
	// Output: [1 3 7] [2 3 1]
}

func ExampleBincount() {
	d, _ := block.FromSlice([]int64{0, 1, 1, 3, 1}, 5)
	c, _ := stats.Bincount(ndarray.FromDense(d, chunk.Uniform(2)), 5).Compute(context.Background())
	fmt.Println(c.Data())
	// Output: [1 3 0 1 0]
}

func ExampleDigitize() {
	d, _ := block.FromSlice([]float64{0.2, 6.4, 3.0, 1.6}, 4)
	i, _ := stats.Digitize(ndarray.FromDense(d, chunk.Uniform(2)), []float64{0, 1, 2.5, 4, 10}, false).Compute(context.Background())
	fmt.Println(i.Data())
	// Output: [1 4 3 2]
}
