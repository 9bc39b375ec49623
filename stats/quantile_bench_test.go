package stats

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// BenchmarkMedianStack: the per-pixel median of a (64, n, n) float32
// stack chunked (8, n/2, n/2), by the in-block plan and the radix plan,
// beside a naive baseline that sorts each pixel's values.
func BenchmarkMedianStack(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{64, 256} {
		src := ndarray.Random([]int{64, n, n}, chunk.PerAxis(64, n, n), 3).AsType(block.Float32, block.OverflowError)
		d, err := src.Compute(ctx)
		if err != nil {
			b.Fatal(err)
		}
		a := ndarray.FromDense(d, chunk.PerAxis(8, n/2, n/2))
		bytes := int64(64 * n * n * 4)
		b.Run(fmt.Sprintf("select/%d", n), func(b *testing.B) {
			b.SetBytes(bytes)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Median(a, QuantileAxis(0)).Compute(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("radix/%d", n), func(b *testing.B) {
			b.SetBytes(bytes)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Median(a, QuantileAxis(0), func(c *quantileConfig) { c.radix = true }).Compute(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("naive-sort/%d", n), func(b *testing.B) {
			b.SetBytes(bytes)
			x := d.Data().([]float32)
			buf := make([]float32, 64)
			out := make([]float32, n*n)
			for b.Loop() {
				for p := range n * n {
					for t := range 64 {
						buf[t] = x[t*n*n+p]
					}
					slices.Sort(buf)
					out[p] = (buf[31] + buf[32]) / 2
				}
			}
		})
	}
}

// BenchmarkSelectSmall: the two middle order statistics of 64 float32
// values (one pixel of a 64-step stack), per pixel, by selectK.
func BenchmarkSelectSmall(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n, pixels = 64, 4096
	src := make([]float32, n*pixels)
	for i := range src {
		src[i] = r.Float32()
	}
	idx := []int64{31, 32}
	vals := make([]float32, 2)
	buf := make([]float32, n)
	b.SetBytes(n * pixels * 4)
	for b.Loop() {
		for p := range pixels {
			copy(buf, src[p*n:])
			orderStats(buf, idx, vals)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*pixels), "ns/pixel")
}
