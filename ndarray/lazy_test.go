package ndarray

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

var ctx = context.Background()

func mustCompute(t *testing.T, a *Array) *block.Dense {
	t.Helper()
	d, err := a.Compute(ctx)
	if err != nil {
		t.Fatalf("compute %s: %v", a, err)
	}
	return d
}

func TestRandomIndependentOfChunking(t *testing.T) {
	shape := []int{37, 23, 5}
	var ref *block.Dense
	for _, spec := range []chunk.Spec{chunk.PerAxis(37, 23, 5), chunk.PerAxis(10, 7, 2), chunk.Explicit([]int{1, 36}, []int{20, 3}, []int{5})} {
		for _, mk := range []func(chunk.Spec) *Array{
			func(s chunk.Spec) *Array { return Random(shape, s, 42) },
		} {
			d := mustCompute(t, mk(spec))
			if ref == nil {
				ref = d
				continue
			}
			if !d.Equal(ref) {
				t.Fatalf("chunks %v gave different random values", spec)
			}
		}
	}
	v := ref.Float64s()
	mean := 0.0
	for _, x := range v {
		if x < 0 || x >= 1 {
			t.Fatalf("uniform value %v out of [0,1)", x)
		}
		mean += x
	}
	mean /= float64(len(v))
	if math.Abs(mean-0.5) > 0.02 {
		t.Fatalf("mean of uniforms %v", mean)
	}
	other := mustCompute(t, Random(shape, chunk.PerAxis(10, 7, 2), 43))
	if other.Equal(ref) {
		t.Fatal("different seeds gave equal arrays")
	}
}

func TestNormalMoments(t *testing.T) {
	d := mustCompute(t, RandomNormal([]int{200000}, chunk.Uniform(30000), 7))
	var s, s2 float64
	for _, x := range d.Float64s() {
		s += x
		s2 += x * x
	}
	n := float64(d.Len())
	m, v := s/n, s2/n-(s/n)*(s/n)
	if math.Abs(m) > 0.01 || math.Abs(v-1) > 0.02 {
		t.Fatalf("normal mean %v var %v", m, v)
	}
}

func TestElementwiseBroadcast(t *testing.T) {
	a := FromDense(must1(block.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)), chunk.PerAxis(1, 2))
	col := FromDense(must1(block.FromSlice([]float64{10, 20}, 2, 1)), chunk.PerAxis(1, 1))
	got := mustCompute(t, Add(Mul(a, 2), col))
	want := []float64{12, 14, 16, 28, 30, 32}
	for i, x := range got.Float64s() {
		if x != want[i] {
			t.Fatalf("got %v want %v", got.Float64s(), want)
		}
	}
	if _, err := Add(a, Zeros(block.Float64, []int{4}, chunk.Spec{})).Compute(ctx); !errors.Is(err, ErrBroadcast) {
		t.Fatalf("broadcast err = %v", err)
	}
}

func must1[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
