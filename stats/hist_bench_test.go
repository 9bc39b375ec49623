package stats_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/stats"
)

// BenchmarkHistogram bins uniform random data generated inside the fused
// partial tasks, against a naive baseline binning an in-memory slice by
// binary search.
func BenchmarkHistogram(b *testing.B) {
	for _, n := range []int{1 << 16, 1 << 22} {
		a := ndarray.Random([]int{n}, chunk.Uniform(1<<18), 1)
		for kind, bins := range map[string]stats.Bins{"uniform100": stats.UniformBins(100, 0, 1), "edges5": stats.EdgeBins(0, 0.1, 0.25, 0.5, 0.9, 1)} {
			b.Run(fmt.Sprintf("n=%d/%s", n, kind), func(b *testing.B) {
				b.SetBytes(int64(n) * 8)
				b.ReportAllocs()
				for b.Loop() {
					h, _ := stats.Histogram(a, bins)
					if _, err := h.Compute(b.Context()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		data, err := a.Compute(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		v := data.Float64s()
		edges := make([]float64, 101)
		for i := range edges {
			edges[i] = float64(i) / 100
		}
		b.Run(fmt.Sprintf("n=%d/naive-inmemory", n), func(b *testing.B) {
			b.SetBytes(int64(n) * 8)
			counts := make([]int64, 100)
			for b.Loop() {
				clear(counts)
				for _, x := range v {
					i := sort.SearchFloat64s(edges, x)
					if i > 0 && i <= 100 {
						counts[i-1]++
					}
				}
			}
		})
	}
}
