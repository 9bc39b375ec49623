package ndarray

import (
	"context"
	"fmt"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// planSizes are the element counts the plan-cost benchmarks describe; the
// largest has 10^6 chunks of 1000 (the old per-chunk and per-element lists
// of 10^9 elements were gigabytes).
var planSizes = []int{1e6, 1e8, 1e9}

// dropOneN is the length of the "drop one element of a 400 MB float64
// array" benchmarks: 5e7 elements.
const dropOneN = 5e7

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

// benchSizes runs f for every plan size.
func benchSizes(b *testing.B, f func(b *testing.B, n int)) {
	for _, n := range planSizes {
		b.Run(fmt.Sprintf("n=%.0e", float64(n)), func(b *testing.B) {
			b.ReportAllocs()
			f(b, n)
		})
	}
}

// rigid is Random(n+1, 1000) shifted by one: a gathered (not generated)
// array, so rechunking it plans real data movement instead of re-cutting
// the generator.
func rigid(n int) *Array {
	return Random([]int{n + 1}, chunk.PerAxis(1000), 1).Index(Sl(1, None, 1))
}

func init() {
	// bench.identity returns its (halo'd) input: MapOverlap plans, the
	// function itself is not what these benchmarks measure.
	RegisterFunc("bench.identity", func(_ context.Context, in []*block.Dense, _ BlockInfo) (*block.Dense, error) {
		return in[0], nil
	})
}

// BenchmarkPlanSlice: Random(n, 1000)[5:n-5:3], described and its first
// block planned.
func BenchmarkPlanSlice(b *testing.B) {
	benchSizes(b, func(b *testing.B, n int) {
		for b.Loop() {
			describe(b, Random([]int{n}, chunk.PerAxis(1000), 1).Index(Sl(5, n-5, 3)))
		}
	})
}

// BenchmarkPlanTakeShort: Random(n, 1000).Take of five positions spread
// over the axis.
func BenchmarkPlanTakeShort(b *testing.B) {
	benchSizes(b, func(b *testing.B, n int) {
		pos := []int{n - 3, 5, n / 2, n / 3, 7}
		for b.Loop() {
			describe(b, Random([]int{n}, chunk.PerAxis(1000), 1).Take(pos, 0))
		}
	})
}

// dropOne is every position of [0, n) but n/2.
func dropOne(n int) []int {
	pos := make([]int, 0, n-1)
	for i := range n {
		if i != n/2 {
			pos = append(pos, i)
		}
	}
	return pos
}

// BenchmarkPlanTakeDropOne: "drop one element of a 400 MB lazy float64
// array" as a Take of the n-1 other positions (n = 5e7). The list is the
// user's, built once outside the loop; the plan may read it once.
func BenchmarkPlanTakeDropOne(b *testing.B) {
	pos := dropOne(dropOneN)
	b.ReportAllocs()
	for b.Loop() {
		describe(b, Random([]int{dropOneN}, chunk.PerAxis(1000), 1).Take(pos, 0))
	}
}

// BenchmarkPlanConcatDropOne: the same drop as a Concatenate of the two
// slices either side of the dropped element.
func BenchmarkPlanConcatDropOne(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		a := Random([]int{dropOneN}, chunk.PerAxis(1000), 1)
		describe(b, Concatenate([]*Array{a.Index(Sl(0, dropOneN/2, 1)), a.Index(Sl(dropOneN/2+1, None, 1))}, 0))
	}
}

// BenchmarkPlanPad: Random(n, 1000) padded by 10 on each side (reflect).
func BenchmarkPlanPad(b *testing.B) {
	benchSizes(b, func(b *testing.B, n int) {
		for b.Loop() {
			describe(b, Random([]int{n}, chunk.PerAxis(1000), 1).Pad([][2]int{{10, 10}}, PadReflect, 0))
		}
	})
}

// BenchmarkPlanPadHuge: Random(n, 1000) padded by 10^12 on each side
// (reflect); the first block is deep in the left border.
func BenchmarkPlanPadHuge(b *testing.B) {
	benchSizes(b, func(b *testing.B, n int) {
		for b.Loop() {
			describe(b, Random([]int{n}, chunk.PerAxis(1000), 1).Pad([][2]int{{1e12, 1e12}}, PadReflect, 0))
		}
	})
}

// BenchmarkPlanTranspose: Random((n/1000, 1000), (100, 100)) transposed.
func BenchmarkPlanTranspose(b *testing.B) {
	benchSizes(b, func(b *testing.B, n int) {
		for b.Loop() {
			describe(b, Random([]int{n / 1000, 1000}, chunk.PerAxis(100, 100), 1).Transpose())
		}
	})
}

// BenchmarkPlanReshape: Random(n, 1000) reshaped to (n/1000, 1000), and
// back from (n/1000, 1000) chunked (100, 1000) to (n,).
func BenchmarkPlanReshape(b *testing.B) {
	benchSizes(b, func(b *testing.B, n int) {
		for b.Loop() {
			describe(b, Random([]int{n}, chunk.PerAxis(1000), 1).Reshape([]int{n / 1000, 1000}))
			describe(b, rigid(n).Reshape([]int{n / 1000, 1000}).Reshape([]int{n}))
		}
	})
}

// BenchmarkPlanConcatenate: two Random(n/2, 1000) joined (with a partial
// chunk at the seam, so the axis is not regular).
func BenchmarkPlanConcatenate(b *testing.B) {
	benchSizes(b, func(b *testing.B, n int) {
		for b.Loop() {
			x := Random([]int{n/2 + 7}, chunk.PerAxis(1000), 1)
			y := Random([]int{n/2 - 7}, chunk.PerAxis(1000), 2)
			describe(b, Concatenate([]*Array{x, y}, 0))
		}
	})
}

// BenchmarkPlanRechunk: a gathered Random(n, 1000) rechunked to 1500
// (every target block straddles source blocks) and to 10^6 (a merge of a
// thousand source blocks per target block).
func BenchmarkPlanRechunk(b *testing.B) {
	benchSizes(b, func(b *testing.B, n int) {
		for b.Loop() {
			describe(b, rigid(n).Rechunk(chunk.PerAxis(1500)))
			describe(b, rigid(n).Rechunk(chunk.PerAxis(1e6)))
		}
	})
}

// BenchmarkPlanMapOverlap: a depth-2 halo over Random(n, 1000), and over
// the irregular axis of a concatenation.
func BenchmarkPlanMapOverlap(b *testing.B) {
	ov := Overlap{Depth: []int{2}, Boundary: BoundaryReflect}
	benchSizes(b, func(b *testing.B, n int) {
		for b.Loop() {
			describe(b, MapOverlap("bench.identity", Random([]int{n}, chunk.PerAxis(1000), 1), block.Float64, ov, nil))
			x := Random([]int{n/2 + 7}, chunk.PerAxis(1000), 1)
			y := Random([]int{n/2 - 7}, chunk.PerAxis(1000), 2)
			describe(b, MapOverlap("bench.identity", Concatenate([]*Array{x, y}, 0), block.Float64, ov, nil))
		}
	})
}
