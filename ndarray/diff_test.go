package ndarray_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

type diffCase struct {
	Name      string
	Op        string
	N         int
	Axis      int
	H         *float64
	Coords    []float64
	DType     string
	Shape     []int
	Data      []*float64
	Want      []*float64
	WantShape []int  `json:"want_shape"`
	WantDType string `json:"want_dtype"`
}

func nanFloats(p []*float64) []float64 {
	out := make([]float64, len(p))
	for i, x := range p {
		if x == nil {
			out[i] = math.NaN()
		} else {
			out[i] = *x
		}
	}
	return out
}

// TestDiffGradientGolden compares Diff and Gradient with numpy
// (testdata/gen_diff.py) under several chunkings.
func TestDiffGradientGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/diff_golden.json")
	require.NoError(t, err)
	var g struct{ Cases []diffCase }
	require.NoError(t, json.Unmarshal(raw, &g))
	require.NotEmpty(t, g.Cases)
	for _, c := range g.Cases {
		t.Run(c.Op+"/"+c.Name, func(t *testing.T) {
			src, err := block.FromSlice(nanFloats(c.Data), c.Shape...)
			require.NoError(t, err)
			dt, err := block.ParseDType(c.DType)
			require.NoError(t, err)
			d, err := src.AsType(dt, block.CastOptions{})
			require.NoError(t, err)
			want := nanFloats(c.Want)
			for _, spec := range []chunk.Spec{chunk.Uniform(1 << 30), chunk.Uniform(3), chunk.Uniform(700)} {
				a := ndarray.FromDense(d, spec)
				var out *ndarray.Array
				switch {
				case c.Op == "diff":
					out = ndarray.Diff(a, c.N, c.Axis)
				case c.Coords != nil:
					out = ndarray.Gradient(a, c.Axis, ndarray.CoordSpacing(c.Coords))
				case c.H != nil:
					out = ndarray.Gradient(a, c.Axis, ndarray.UniformSpacing(*c.H))
				default:
					out = ndarray.Gradient(a, c.Axis, ndarray.Spacing{})
				}
				res, err := out.Compute(t.Context())
				require.NoError(t, err)
				assert.Equal(t, c.WantDType, res.DType().String())
				assert.Equal(t, c.WantShape, res.Shape())
				got := res.Float64s()
				require.Len(t, got, len(want))
				tol := 1e-12
				if res.DType() == block.Float32 {
					tol = 1e-5
				}
				for i := range want {
					if math.IsNaN(want[i]) {
						assert.True(t, math.IsNaN(got[i]), "element %d: got %v want NaN", i, got[i])
						continue
					}
					if !assert.InDelta(t, want[i], got[i], tol*math.Max(1, math.Abs(want[i])), "element %d", i) {
						return
					}
				}
			}
		})
	}
}

func TestDiffGradientErrors(t *testing.T) {
	a := ndarray.Zeros(block.Float64, []int{3, 4}, chunk.Uniform(2))
	assert.ErrorIs(t, ndarray.Diff(a, -1, 0).Err(), ndarray.ErrDiffOrder)
	assert.ErrorContains(t, ndarray.Diff(a, -1, 0).Err(), "n = -1")
	assert.ErrorIs(t, ndarray.Diff(a, 1, 2).Err(), ndarray.ErrAxis)
	assert.ErrorIs(t, ndarray.Diff(a, 1, -3).Err(), ndarray.ErrAxis)
	s := ndarray.Full(block.Float64, 1, []int{}, chunk.Spec{})
	assert.ErrorIs(t, ndarray.Diff(s, 1, 0).Err(), ndarray.ErrAxis)
	assert.ErrorIs(t, ndarray.Gradient(a, 5, ndarray.Spacing{}).Err(), ndarray.ErrAxis)
	one := ndarray.Zeros(block.Float64, []int{1, 4}, chunk.Uniform(2))
	err := ndarray.Gradient(one, 0, ndarray.Spacing{}).Err()
	assert.ErrorIs(t, err, ndarray.ErrGradient)
	assert.ErrorIs(t, err, block.ErrShape)
	assert.ErrorContains(t, err, "axis 0 has 1 elements")
	assert.ErrorIs(t, ndarray.Gradient(a, 1, ndarray.CoordSpacing([]float64{1, 2})).Err(), ndarray.ErrGradient)
	b := ndarray.Zeros(block.Bool, []int{4}, chunk.Uniform(2))
	assert.ErrorIs(t, ndarray.Gradient(b, 0, ndarray.Spacing{}).Err(), ndarray.ErrOpDType)
	assert.ErrorIs(t, ndarray.Diff(nil, 1, 0).Err(), ndarray.ErrOperand)
}
