package linalg_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/linalg"
	"github.com/tessera-array/tessera/ndarray"
)

// BenchmarkMatmul times a @ b of n×n float64 operands held in memory
// (persisted-like: FromDense), whole and chunked, with a naive triple loop
// as the baseline on the smallest size.
func BenchmarkMatmul(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct{ n, c int }{{256, 256}, {256, 64}, {512, 512}, {512, 128}} {
		b.Run(fmt.Sprintf("n=%d/chunk=%d", tc.n, tc.c), func(b *testing.B) {
			x, err := ndarray.RandomNormal([]int{tc.n, tc.n}, chunk.Uniform(tc.n), 1).Compute(ctx)
			if err != nil {
				b.Fatal(err)
			}
			y, err := ndarray.RandomNormal([]int{tc.n, tc.n}, chunk.Uniform(tc.n), 2).Compute(ctx)
			if err != nil {
				b.Fatal(err)
			}
			p := linalg.Matmul(ndarray.FromDense(x, chunk.Uniform(tc.c)), ndarray.FromDense(y, chunk.Uniform(tc.c)))
			b.SetBytes(int64(3 * tc.n * tc.n * 8))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Compute(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("naive/n=256", func(b *testing.B) {
		n := 256
		x, y, z := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		for i := range x {
			x[i], y[i] = float64(i%7), float64(i%5)
		}
		b.SetBytes(int64(3 * n * n * 8))
		for b.Loop() {
			for i := range n {
				for k := range n {
					a := x[i*n+k]
					for j := range n {
						z[i*n+j] += a * y[k*n+j]
					}
				}
			}
		}
	})
}

// BenchmarkTSQR times Q and R of a 100,000×16 matrix in 10 row blocks.
func BenchmarkTSQR(b *testing.B) {
	ctx := context.Background()
	a := ndarray.RandomNormal([]int{100_000, 16}, chunk.PerAxis(10_000, -1), 3)
	q, r := linalg.TSQR(a)
	b.SetBytes(100_000 * 16 * 8)
	for b.Loop() {
		if _, err := ndarray.Compute(ctx, []*ndarray.Array{q, r}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPolyfit times a degree-2 fit of a (365, 100, 100) cube along
// time, without and with NaN skipping (the data have no NaN, so both use
// the shared pseudo-inverse; SkipNaN adds only the scan).
func BenchmarkPolyfit(b *testing.B) {
	ctx := context.Background()
	x := make([]float64, 365)
	for i := range x {
		x[i] = float64(i)
	}
	a := ndarray.RandomNormal([]int{365, 100, 100}, chunk.PerAxis(-1, 50, 50), 4)
	for _, skip := range []bool{false, true} {
		b.Run(fmt.Sprintf("skipnan=%v", skip), func(b *testing.B) {
			var opts []linalg.PolyfitOption
			if skip {
				opts = append(opts, linalg.SkipNaN())
			}
			r := linalg.Polyfit(a, 0, x, 2, opts...)
			b.SetBytes(365 * 100 * 100 * 8)
			for b.Loop() {
				if _, err := ndarray.Compute(ctx, []*ndarray.Array{r.Coefficients, r.Residuals}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
