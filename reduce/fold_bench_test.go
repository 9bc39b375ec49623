package reduce

import (
	"fmt"
	"math"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// BenchmarkFold measures the fold kernels on materialised blocks, as a
// Zarr read hands them over: float32 and float64 (time, lat, lon) cubes of
// 4 Mi elements in one chunk, reduced over time (the kept last axis takes
// the per-element path) and over every axis, with and without NaN
// skipping, and with 1% NaN for the skipping kinds. SetBytes is the input's
// size in its own dtype.
func BenchmarkFold(b *testing.B) {
	const nt, ny, nx = 128, 128, 256
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 1})
	for _, dt := range []block.DType{block.Float32, block.Float64} {
		for _, nan := range []bool{false, true} {
			d, err := block.New(dt, nt, ny, nx)
			if err != nil {
				b.Fatal(err)
			}
			for i := range nt * ny * nx {
				v := math.Sin(float64(i)) * 300
				if nan && i%100 == 7 {
					v = math.NaN()
				}
				switch s := d.Data().(type) {
				case []float32:
					s[i] = float32(v)
				case []float64:
					s[i] = v
				}
			}
			// persisted, so each run folds the block in the executor's
			// memory instead of copying it out of FromDense's source first
			a, err := ndarray.FromDense(d, chunk.PerAxis(nt, ny, nx)).Persist(ctx, ex)
			if err != nil {
				b.Fatal(err)
			}
			for _, k := range []kind{kMean, kNanMean, kSum, kNanSum, kVar, kNanVar} {
				if nan && !k.skipNaN() {
					continue
				}
				for _, axes := range [][]int{{0}, nil} {
					name := fmt.Sprintf("dtype=%s/nan=%v/kind=%s/axes=%v", dt, nan, k, axes)
					if axes == nil {
						name = fmt.Sprintf("dtype=%s/nan=%v/kind=%s/axes=all", dt, nan, k)
					}
					b.Run(name, func(b *testing.B) {
						var opts []Option
						if axes != nil {
							opts = append(opts, Axis(axes...))
						}
						r := build(k, a, opts)
						b.SetBytes(int64(nt*ny*nx) * int64(dt.Size()))
						for b.Loop() {
							if _, err := r.Compute(ctx, ndarray.WithExecutor(ex)); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
		}
	}
}
