package window_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

func init() {
	// The naive baseline: the mean of each window recomputed from scratch.
	window.RegisterFunc("bench.naivemean", func(w []float64) float64 {
		s, n := 0.0, 0
		for _, v := range w {
			if v == v {
				s += v
				n++
			}
		}
		return s / float64(n)
	})
}

// BenchmarkRolling is the rolling reductions along time of a (365, 64, 64)
// float32 cube in chunks of 73 days, against a custom function that
// recomputes each window (the naive O(n·w) baseline) in the same table.
func BenchmarkRolling(b *testing.B) {
	ctx := context.Background()
	shape := []int{365, 64, 64}
	src, err := ndarray.RandomNormal(shape, chunk.Uniform(1<<20), 1).AsType(block.Float32, 0).Compute(ctx)
	if err != nil {
		b.Fatal(err)
	}
	a := ndarray.FromDense(src, chunk.PerAxis(73, 64, 64))
	for _, w := range []int{7, 31} {
		r := window.Rolling(a, 0, w, window.RollingOptions{Center: true})
		for _, c := range []struct {
			name string
			arr  *ndarray.Array
		}{
			{"mean", r.Mean()},
			{"naive-mean", r.Reduce("bench.naivemean")},
			{"std", r.Std(0)},
			{"max", r.Max()},
			{"median", r.Median()},
		} {
			b.Run(fmt.Sprintf("w=%d/%s", w, c.name), func(b *testing.B) {
				b.SetBytes(src.Nbytes())
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.arr.Compute(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCoarsen is a 4x4 spatial coarsen mean and median of the same
// kind of cube.
func BenchmarkCoarsen(b *testing.B) {
	ctx := context.Background()
	src, err := ndarray.RandomNormal([]int{64, 256, 256}, chunk.Uniform(1<<20), 1).AsType(block.Float32, 0).Compute(ctx)
	if err != nil {
		b.Fatal(err)
	}
	a := ndarray.FromDense(src, chunk.PerAxis(16, 256, 256))
	c := window.Coarsen(a, map[int]int{1: 4, 2: 4}, window.CoarsenOptions{})
	for name, arr := range map[string]*ndarray.Array{"mean": c.Mean(), "median": c.Median()} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(src.Nbytes())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := arr.Compute(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
