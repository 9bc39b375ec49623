package ndarray

import (
	"fmt"
	"testing"

	"github.com/tessera-array/tessera/chunk"
)

// planSizes are the element counts the plan-cost benchmarks describe; the
// largest has 10^6 chunks of 1000 (the old per-chunk and per-element lists
// of 10^9 elements were gigabytes).
var planSizes = []int{1e6, 1e8, 1e9}

// describe touches what a user asks of a lazy array without computing it,
// plus the plan of its first block (culling builds only what that needs).
func describe(b *testing.B, a *Array) {
	if err := a.Err(); err != nil {
		b.Fatal(err)
	}
	_ = a.Shape()
	_ = a.Nbytes()
	_ = a.String()
	_ = a.Grid().Len()
	if _, err := NewBuilder().Key(a, make([]int, a.Rank())); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPlanSlice: Random(n, 1000)[5:n-5:3], described and its first
// block planned.
func BenchmarkPlanSlice(b *testing.B) {
	for _, n := range planSizes {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				describe(b, Random([]int{n}, chunk.PerAxis(1000), 1).Index(Sl(5, n-5, 3)))
			}
		})
	}
}

// BenchmarkPlanPad: Random(n, 1000) padded by 10 on each side (reflect).
func BenchmarkPlanPad(b *testing.B) {
	for _, n := range planSizes {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				describe(b, Random([]int{n}, chunk.PerAxis(1000), 1).Pad([][2]int{{10, 10}}, PadReflect, 0))
			}
		})
	}
}

// BenchmarkPlanConcatenate: two Random(n/2, 1000) joined (with a partial
// chunk at the seam, so the axis is not regular).
func BenchmarkPlanConcatenate(b *testing.B) {
	for _, n := range planSizes {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x := Random([]int{n/2 + 7}, chunk.PerAxis(1000), 1)
				y := Random([]int{n/2 - 7}, chunk.PerAxis(1000), 2)
				describe(b, Concatenate([]*Array{x, y}, 0))
			}
		})
	}
}
