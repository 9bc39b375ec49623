package ndarray

import (
	"fmt"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// BenchmarkRechunk moves a persisted 2000x1500 float64 array (24 MB) from
// 100x100 chunks to 2000x10 columns on one executor, beside the naive
// baseline of one whole-array copy. SetBytes is the array's size.
func BenchmarkRechunk(b *testing.B) {
	ex := cluster.NewLocal(cluster.LocalOptions{})
	src, err := Random([]int{2000, 1500}, chunk.PerAxis(100, 100), 1).Persist(ctx, ex)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Release(ex)
	for _, to := range []chunk.Spec{chunk.PerAxis(2000, 10), chunk.PerAxis(250, 250)} {
		r := src.Rechunk(to)
		b.Run(fmt.Sprintf("to=%v/rechunk", r.Grid().MaxChunkShape()), func(b *testing.B) {
			b.SetBytes(src.Nbytes())
			for b.Loop() {
				bl := NewBuilder()
				keys, err := bl.Keys(r)
				if err != nil {
					b.Fatal(err)
				}
				if err := ex.Run(ctx, bl.Graph(), keys, func(cluster.Key, cluster.Value) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	full := block.Must(block.Float64, 2000, 1500)
	dst := block.Must(block.Float64, 2000, 1500)
	b.Run("baseline/memcpy", func(b *testing.B) {
		b.SetBytes(src.Nbytes())
		for b.Loop() {
			copy(dst.Bytes(), full.Bytes())
		}
	})
}

// BenchmarkMapOverlap3x3 is a 3x3 window sum over 1000x1000 float64 in
// 250x250 chunks (reflect boundary) beside the naive direct loop over the
// whole array. SetBytes is the array's size.
func BenchmarkMapOverlap3x3(b *testing.B) {
	ex := cluster.NewLocal(cluster.LocalOptions{})
	src, err := Random([]int{1000, 1000}, chunk.PerAxis(250, 250), 1).Persist(ctx, ex)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Release(ex)
	m := MapOverlap("test.windowsum.core", src, block.Float64, Overlap{Depth: []int{1, 1}, Boundary: BoundaryReflect, NoTrim: true}, 1)
	b.Run("mapoverlap", func(b *testing.B) {
		b.SetBytes(src.Nbytes())
		for b.Loop() {
			bl := NewBuilder()
			keys, err := bl.Keys(m)
			if err != nil {
				b.Fatal(err)
			}
			if err := ex.Run(ctx, bl.Graph(), keys, func(cluster.Key, cluster.Value) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	whole, err := src.Compute(ctx, WithExecutor(ex))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("baseline/direct", func(b *testing.B) {
		b.SetBytes(src.Nbytes())
		for b.Loop() {
			windowSum(whole, 1, [2]int{0, 0}, [2]int{1000, 1000})
		}
	})
}
