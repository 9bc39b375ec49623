package stats_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/stats"
)

// Quantiles of each row, exact although every row crosses three chunks;
// as np.quantile(x, [0.25, 0.5, 0.9], axis=1).
func ExampleQuantiles() {
	x, _ := block.FromSlice([]float64{
		7, 1, 5, 3, 9, 2,
		10, 40, 20, 60, 50, 30,
	}, 2, 6)
	a := ndarray.FromDense(x, chunk.PerAxis(1, 2))
	q, err := stats.Quantiles(a, []float64{0.25, 0.5, 0.9}, stats.QuantileAxis(1)).Compute(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Shape(), q.Data())
	lo, _ := stats.Quantile(a, 0.5, stats.WithQuantileMethod(stats.Lower)).Compute(context.Background())
	fmt.Println(lo.Data())
	// Output:
	// [3 2] [2.25 22.5 4 35 8 55]
	// [9]
}

// The per-pixel median of a (time, y, x) stack chunked along time, which
// dask's median refuses; as np.median(x, axis=0).
func ExampleMedian() {
	stack := ndarray.Arange(0, 24, 1, chunk.Spec{}).Reshape([]int{4, 2, 3}).Rechunk(chunk.PerAxis(1, 2, 3))
	m, err := stats.Median(stack, stats.QuantileAxis(0)).Compute(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.DType(), m.Shape(), m.Data())
	// Output:
	// float64 [2 3] [9 10 11 12 13 14]
}

// The three largest values of each row, largest first, as
// dask.array.topk(x, 3, axis=1).
func ExampleTopK() {
	x, _ := block.FromSlice([]int32{5, 1, 9, 3, 7, 2, 8, 6}, 2, 4)
	a := ndarray.FromDense(x, chunk.PerAxis(2, 2))
	top, _ := stats.TopK(a, 3, 1).Compute(context.Background())
	pos, _ := stats.ArgTopK(a, 3, 1).Compute(context.Background())
	srt, _ := stats.Sort(a, 1).Compute(context.Background())
	fmt.Println(top.Data(), pos.Data(), srt.Data())
	// Output:
	// [9 5 3 8 7 6] [2 0 3 2 0 3] [1 3 5 9 2 6 7 8]
}
