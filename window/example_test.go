package window_test

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

// A centred 3-element rolling mean, as xarray's
// da.rolling(t=3, center=True).mean(): NaN where a window is short.
func ExampleRolling() {
	d, _ := block.FromSlice([]float64{1, 2, 3, math.NaN(), 5, 6}, 6)
	a := ndarray.FromDense(d, chunk.Uniform(2))
	mean, _ := window.Rolling(a, 0, 3, window.RollingOptions{Center: true}).Mean().Compute(context.Background())
	fmt.Println(mean.Float64s())
	// With min_periods=1 NaN is skipped and short windows count.
	sum, _ := window.Rolling(a, 0, 3, window.RollingOptions{Center: true, MinPeriods: 1}).Sum().Compute(context.Background())
	fmt.Println(sum.Float64s())
	// Output:
	// [NaN 2 NaN NaN NaN NaN]
	// [3 6 5 8 11 11]
}

func init() {
	// A custom rolling function, registered by name so workers find it.
	window.RegisterFunc("example.range", func(w []float64) float64 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range w {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		return hi - lo
	})
}

// A custom reduction over each window, as xarray's rolling(...).reduce.
func ExampleRoller_Reduce() {
	d, _ := block.FromSlice([]float64{1, 4, 2, 8, 5}, 5)
	a := ndarray.FromDense(d, chunk.Uniform(2))
	out, _ := window.Rolling(a, 0, 2, window.RollingOptions{}).Reduce("example.range").Compute(context.Background())
	fmt.Println(out.Float64s())
	// Output: [NaN 3 2 6 3]
}

// Coarsening a 4x6 grid by 2 along both axes, as xarray's
// da.coarsen(y=2, x=2).mean(); an axis of 5 with BoundaryPad gets NaN at
// its end, which the NaN-skipping reductions ignore.
func ExampleCoarsen() {
	a := ndarray.Arange(0, 24, 1, chunk.Uniform(24)).Reshape([]int{4, 6}).Rechunk(chunk.PerAxis(3, 3))
	m, _ := window.Coarsen(a, map[int]int{0: 2, 1: 2}, window.CoarsenOptions{}).Mean().Compute(context.Background())
	fmt.Println(m.Shape(), m.Float64s())
	b := ndarray.Arange(1, 6, 1, chunk.Uniform(5))
	s, _ := window.Coarsen(b, map[int]int{0: 2}, window.CoarsenOptions{Boundary: window.BoundaryPad}).Sum().Compute(context.Background())
	fmt.Println(s.DType(), s.Float64s())
	// Output:
	// [2 3] [3.5 5.5 7.5 15.5 17.5 19.5]
	// float64 [3 7 5]
}
