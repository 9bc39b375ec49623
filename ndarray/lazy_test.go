package ndarray

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

var ctx = context.Background()

func mustCompute(t *testing.T, a *Array) *block.Dense {
	t.Helper()
	d, err := a.Compute(ctx)
	require.NoError(t, err, "compute %#v", a)
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
			require.True(t, d.Equal(ref), "chunks %v gave different random values", spec)
		}
	}
	v := ref.Float64s()
	mean := 0.0
	for _, x := range v {
		require.True(t, x >= 0 && x < 1, "uniform value %v out of [0,1)", x)
		mean += x
	}
	mean /= float64(len(v))
	assert.InDelta(t, 0.5, mean, 0.02, "mean of uniforms")
	other := mustCompute(t, Random(shape, chunk.PerAxis(10, 7, 2), 43))
	assert.False(t, other.Equal(ref), "different seeds gave equal arrays")
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
	assert.InDelta(t, 0, m, 0.01, "normal mean")
	assert.InDelta(t, 1, v, 0.02, "normal variance")
}

func TestElementwiseBroadcast(t *testing.T) {
	a := FromDense(must1(block.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)), chunk.PerAxis(1, 2))
	col := FromDense(must1(block.FromSlice([]float64{10, 20}, 2, 1)), chunk.PerAxis(1, 1))
	got := mustCompute(t, Add(Mul(a, 2), col))
	assert.Equal(t, []float64{12, 14, 16, 28, 30, 32}, got.Float64s())
	_, err := Add(a, Zeros(block.Float64, []int{4}, chunk.Spec{})).Compute(ctx)
	assert.ErrorIs(t, err, ErrBroadcast)
}

func must1[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
