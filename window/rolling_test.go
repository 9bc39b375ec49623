package window_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

// naive reduces one window directly, as numpy's nan-functions do.
func naive(w []float64, red window.Reduction, ddof, minp int) float64 {
	var v []float64
	for _, x := range w {
		if x == x {
			v = append(v, x)
		}
	}
	n := len(v)
	if n < minp {
		return math.NaN()
	}
	switch red {
	case window.Count:
		return float64(n)
	case window.Sum, window.Mean:
		s := 0.0
		for _, x := range v {
			s += x
		}
		if red == window.Mean {
			return s / float64(n)
		}
		return s
	case window.Prod:
		p := 1.0
		for _, x := range v {
			p *= x
		}
		return p
	case window.Min:
		return slices.Min(v)
	case window.Max:
		return slices.Max(v)
	case window.Median:
		slices.Sort(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return (v[n/2-1] + v[n/2]) / 2
	case window.Var, window.Std:
		if n-ddof <= 0 {
			return math.NaN()
		}
		m := 0.0
		for _, x := range v {
			m += x
		}
		m /= float64(n)
		ss := 0.0
		for _, x := range v {
			ss += (x - m) * (x - m)
		}
		r := ss / float64(n-ddof)
		if red == window.Std {
			r = math.Sqrt(r)
		}
		return r
	}
	panic(red)
}

// TestRollingAgainstDirect compares every reduction with the direct
// computation of each window on a 3-d array with NaN, along each axis,
// with lanes wider than one gather tile (and, along axes 0 and 1, rows long
// enough for the row kernel), chunks smaller than the window, and
// infinities.
func TestRollingAgainstDirect(t *testing.T) {
	ctx := context.Background()
	shape := []int{23, 9, 71}
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, 23*9*71)
	for i := range vals {
		vals[i] = 0.5 + rng.Float64()
		if rng.Float64() < 0.1 {
			vals[i] = math.NaN()
		}
	}
	vals[500], vals[9*71*3+12], vals[9*71*3+13] = math.Inf(1), math.Inf(-1), math.Inf(1)
	d, err := block.FromSlice(vals, shape...)
	require.NoError(t, err)
	strides := chunk.Strides(shape)
	reds := []window.Reduction{window.Sum, window.Mean, window.Min, window.Max, window.Var, window.Std, window.Median, window.Count, window.Prod}
	for axis := range 3 {
		for _, cfg := range []struct {
			w      int
			center bool
			minp   int
			chunks []int
		}{{5, true, 0, []int{4, 4, 64}}, {6, false, 2, []int{2, 3, 7}}, {8, true, 1, []int{23, 9, 71}}} {
			a := ndarray.FromDense(d, chunk.PerAxis(cfg.chunks...))
			r := window.Rolling(a, axis, cfg.w, window.RollingOptions{Center: cfg.center, MinPeriods: cfg.minp})
			minp := cfg.minp
			if minp == 0 {
				minp = cfg.w
			}
			before := cfg.w - 1
			if cfg.center {
				before = cfg.w / 2
			}
			for _, red := range reds {
				name := fmt.Sprintf("axis %d %+v %v", axis, cfg, red)
				out, err := r.Of(red, 1, "").Compute(ctx)
				require.NoError(t, err, name)
				got := out.Float64s()
				for lin := range vals {
					idx := chunk.Unravel(lin, shape)
					i := idx[axis]
					var w []float64
					for p := max(0, i-before); p <= min(shape[axis]-1, i-before+cfg.w-1); p++ {
						w = append(w, vals[lin+(p-i)*strides[axis]])
					}
					want := naive(w, red, 1, minp)
					if math.IsNaN(want) {
						require.True(t, math.IsNaN(got[lin]), "%s at %v: got %v, want NaN", name, idx, got[lin])
						continue
					}
					require.InDelta(t, want, got[lin], 1e-10*math.Max(1, math.Abs(want)), "%s at %v", name, idx)
				}
			}
		}
	}
}

// TestRollingErrorDoesNotGrow: on a long lane with a large offset, the
// running sum and variance at the far end are as accurate as at the start
// (re-anchoring), and infinities enter and leave windows without leaving
// NaN behind.
func TestRollingErrorDoesNotGrow(t *testing.T) {
	ctx := context.Background()
	const n = 300_000
	vals := make([]float64, n)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range vals {
		vals[i] = 1e8 + rng.Float64()
	}
	vals[1000] = math.Inf(1)
	d, err := block.FromSlice(vals, n)
	require.NoError(t, err)
	a := ndarray.FromDense(d, chunk.Uniform(70_000))
	r := window.Rolling(a, 0, 10, window.RollingOptions{})
	sum, err := r.Sum().Compute(ctx)
	require.NoError(t, err)
	vr, err := r.Var(0).Compute(ctx)
	require.NoError(t, err)
	for _, i := range []int{20, 1005, 1009, 1010, 150_000, n - 1} {
		w := vals[i-9 : i+1]
		assert.InDelta(t, naive(w, window.Sum, 0, 10), sum.Float64(i), 1e-6, "sum at %d", i)
		wantVar := naive(w, window.Var, 0, 10)
		if math.IsNaN(wantVar) {
			assert.True(t, math.IsNaN(vr.Float64(i)), "var at %d", i)
		} else {
			assert.InDelta(t, wantVar, vr.Float64(i), 1e-6, "var at %d", i)
		}
	}
	assert.True(t, math.IsInf(sum.Float64(1005), 1))
	assert.False(t, math.IsNaN(sum.Float64(1010)))
}

// TestRollingIdenticalAcrossChunkings: the median does not depend on the
// chunks, bit for bit; the mean only to rounding (where the running sum is
// re-anchored depends on where a block starts).
func TestRollingIdenticalAcrossChunkings(t *testing.T) {
	ctx := context.Background()
	base := ndarray.RandomNormal([]int{3000, 3}, chunk.Uniform(3000), 9)
	var first, firstMean []float64
	for _, cs := range []int{1, 7, 100, 2048, 3000} {
		a := base.Rechunk(chunk.PerAxis(cs, 2))
		r := window.Rolling(a, 0, 31, window.RollingOptions{Center: true, MinPeriods: 1})
		out, err := r.Median().Compute(ctx)
		require.NoError(t, err)
		mean, err := r.Mean().Compute(ctx)
		require.NoError(t, err)
		if first == nil {
			first, firstMean = out.Float64s(), mean.Float64s()
			continue
		}
		assert.Equal(t, first, out.Float64s(), "chunks %d", cs)
		assert.InDeltaSlice(t, firstMean, mean.Float64s(), 1e-13, "chunks %d", cs)
	}
}
