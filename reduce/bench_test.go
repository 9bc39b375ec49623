package reduce

import (
	"fmt"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// benchElems is the element count of every reduction benchmark: 16 Mi
// float64 values (128 MB if they were ever materialised, which they are
// not).
const benchElems = 1 << 24

// BenchmarkMeanRandom is the 60 GB mean story scaled down: the mean of a
// lazy random array in 400x400x100 chunks, through the generate-and-add
// fast path. SetBytes is the float64 size of the array reduced.
func BenchmarkMeanRandom(b *testing.B) {
	rows := benchElems / (400 * 100)
	a := ndarray.Random([]int{rows, 400, 100}, chunk.PerAxis(400, 400, 100), 0)
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 1})
	b.SetBytes(a.Nbytes())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Mean(a).Compute(ctx, ndarray.WithExecutor(ex)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSum reduces fused expressions tile by tile, over every axis and
// over the last axis only, beside the naive baseline of a plain loop over
// the same number of materialised values.
func BenchmarkSum(b *testing.B) {
	shape := []int{benchElems / 4096, 4096}
	x := ndarray.Random(shape, chunk.PerAxis(1000, 4096), 1)
	f32 := x.AsType(block.Float32, block.OverflowClip)
	cases := []struct {
		name string
		a    *ndarray.Array
		opts []Option
	}{
		{"expr=x*2+1/axes=all", ndarray.Add(ndarray.Mul(x, 2.0), 1.0), nil},
		{"expr=x*2+1/axes=1", ndarray.Add(ndarray.Mul(x, 2.0), 1.0), []Option{Axis(1)}},
		{"expr=x*2+1/axes=0", ndarray.Add(ndarray.Mul(x, 2.0), 1.0), []Option{Axis(0)}},
		{"expr=float32(x)/axes=all", f32, nil},
		{"expr=x>0.5/axes=all", ndarray.Greater(x, 0.5), nil},
	}
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 1})
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s := Sum(c.a, c.opts...)
			b.SetBytes(int64(benchElems) * 8)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Compute(ctx, ndarray.WithExecutor(ex)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, k := range []kind{kNanMean, kVar, kMax, kArgMax} {
		b.Run(fmt.Sprintf("kind=%s/expr=x*2+1/axes=all", k), func(b *testing.B) {
			s := build(k, ndarray.Add(ndarray.Mul(x, 2.0), 1.0), nil)
			b.SetBytes(int64(benchElems) * 8)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Compute(ctx, ndarray.WithExecutor(ex)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	v := make([]float64, benchElems)
	b.Run("baseline/naive-loop", func(b *testing.B) {
		b.SetBytes(int64(benchElems) * 8)
		b.ReportAllocs()
		for b.Loop() {
			s := 0.0
			for _, x := range v {
				s += x*2 + 1
			}
			v[0] = s * 0
		}
	})
}
