package stats_test

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
	"github.com/tessera-array/tessera/reduce"
	"github.com/tessera-array/tessera/stats"
)

// countCase is one case of testdata/counts_golden.json (gen_counts.py).
type countCase struct {
	Name, Op, DType string
	Shape           []int
	Data, Want      []*float64
	WantShape       []int     `json:"want_shape"`
	WantDType       string    `json:"want_dtype"`
	WantEdges       []float64 `json:"want_edges"`
	WantEdgesY      []float64 `json:"want_edges_y"`
	N               *int
	Range           json.RawMessage
	Edges, Ex, Ey   []float64
	Bx, By          *int
	Weights, Y      []*float64
	WeightsDType    string `json:"weights_dtype"`
	YDType          string `json:"y_dtype"`
	Density, Right  bool
	Invert          bool
	Bins            []float64
	Values          []*float64
	Length          int
	Axis            []int
	Counts          []int64
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

func loadCases(t *testing.T, op string) []countCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/counts_golden.json")
	require.NoError(t, err)
	var g struct{ Cases []countCase }
	require.NoError(t, json.Unmarshal(raw, &g))
	var out []countCase
	for _, c := range g.Cases {
		if c.Op == op {
			out = append(out, c)
		}
	}
	require.NotEmpty(t, out, op)
	return out
}

func dense(t *testing.T, dt string, data []*float64, shape []int) *block.Dense {
	t.Helper()
	d, err := block.FromSlice(nanFloats(data), shape...)
	require.NoError(t, err)
	want, err := block.ParseDType(dt)
	require.NoError(t, err)
	c, err := d.AsType(want, block.CastOptions{})
	require.NoError(t, err)
	return c
}

// specs are the chunkings every golden case runs under: one block, tiny
// blocks, blocks past the tile.
var specs = []chunk.Spec{chunk.Uniform(1 << 30), chunk.Uniform(7), chunk.Uniform(2100)}

func checkValues(t *testing.T, c countCase, res *block.Dense, tol float64) {
	t.Helper()
	assert.Equal(t, c.WantDType, res.DType().String())
	if len(c.WantShape) == 0 {
		assert.Empty(t, res.Shape())
	} else {
		assert.Equal(t, c.WantShape, res.Shape())
	}
	want := nanFloats(c.Want)
	got := res.Float64s()
	require.Len(t, got, len(want))
	for i := range want {
		if math.IsNaN(want[i]) {
			assert.True(t, math.IsNaN(got[i]), "element %d", i)
			continue
		}
		if !assert.InDelta(t, want[i], got[i], tol*math.Max(1, math.Abs(want[i])), "element %d", i) {
			return
		}
	}
}

func rangeOf(t *testing.T, r json.RawMessage) []float64 {
	var v []float64
	require.NoError(t, json.Unmarshal(r, &v))
	return v
}

func TestHistogramGolden(t *testing.T) {
	for _, c := range loadCases(t, "histogram") {
		t.Run(c.Name, func(t *testing.T) {
			d := dense(t, c.DType, c.Data, c.Shape)
			var bins stats.Bins
			if c.Edges != nil {
				bins = stats.EdgeBins(c.Edges...)
			} else {
				r := rangeOf(t, c.Range)
				bins = stats.UniformBins(*c.N, r[0], r[1])
			}
			for _, spec := range specs {
				var opts []stats.HistOption
				if c.Weights != nil {
					w := dense(t, c.WeightsDType, c.Weights, c.Shape)
					opts = append(opts, stats.HistWeights(ndarray.FromDense(w, chunk.Uniform(500))))
				}
				if c.Density {
					opts = append(opts, stats.HistDensity())
				}
				h, edges := stats.Histogram(ndarray.FromDense(d, spec), bins, opts...)
				require.NoError(t, h.Err())
				assert.InDeltaSlice(t, c.WantEdges, edges, 1e-12)
				res, err := h.Compute(t.Context())
				require.NoError(t, err)
				checkValues(t, c, res, 1e-12)
			}
		})
	}
}

func TestHistogram2DGolden(t *testing.T) {
	for _, c := range loadCases(t, "histogram2d") {
		t.Run(c.Name, func(t *testing.T) {
			x := dense(t, c.DType, c.Data, c.Shape)
			y := dense(t, c.YDType, c.Y, c.Shape)
			var bx, by stats.Bins
			if c.Bx != nil {
				var r [][]float64
				require.NoError(t, json.Unmarshal(c.Range, &r))
				bx, by = stats.UniformBins(*c.Bx, r[0][0], r[0][1]), stats.UniformBins(*c.By, r[1][0], r[1][1])
			} else {
				bx, by = stats.EdgeBins(c.Ex...), stats.EdgeBins(c.Ey...)
			}
			for _, spec := range specs {
				var opts []stats.HistOption
				if c.Weights != nil {
					opts = append(opts, stats.HistWeights(ndarray.FromDense(dense(t, c.WeightsDType, c.Weights, c.Shape), spec)))
				}
				if c.Density {
					opts = append(opts, stats.HistDensity())
				}
				h, ex, ey := stats.Histogram2D(ndarray.FromDense(x, spec), ndarray.FromDense(y, chunk.Uniform(333)), bx, by, opts...)
				require.NoError(t, h.Err())
				assert.InDeltaSlice(t, c.WantEdges, ex, 1e-12)
				assert.InDeltaSlice(t, c.WantEdgesY, ey, 1e-12)
				res, err := h.Compute(t.Context())
				require.NoError(t, err)
				checkValues(t, c, res, 1e-12)
			}
		})
	}
}

func TestBincountGolden(t *testing.T) {
	for _, c := range loadCases(t, "bincount") {
		t.Run(c.Name, func(t *testing.T) {
			d := dense(t, c.DType, c.Data, c.Shape)
			for _, spec := range specs {
				var opts []stats.BincountOption
				if c.Weights != nil {
					opts = append(opts, stats.BincountWeights(ndarray.FromDense(dense(t, c.WeightsDType, c.Weights, c.Shape), chunk.Uniform(100))))
				}
				res, err := stats.Bincount(ndarray.FromDense(d, spec), c.Length, opts...).Compute(t.Context())
				require.NoError(t, err)
				checkValues(t, c, res, 1e-12)
			}
		})
	}
}

func TestDigitizeGolden(t *testing.T) {
	for _, c := range loadCases(t, "digitize") {
		t.Run(c.Name, func(t *testing.T) {
			d := dense(t, c.DType, c.Data, c.Shape)
			for _, spec := range specs {
				res, err := stats.Digitize(ndarray.FromDense(d, spec), c.Bins, c.Right).Compute(t.Context())
				require.NoError(t, err)
				checkValues(t, c, res, 0)
			}
		})
	}
}

func TestIsinGolden(t *testing.T) {
	for _, c := range loadCases(t, "isin") {
		t.Run(c.Name, func(t *testing.T) {
			d := dense(t, c.DType, c.Data, c.Shape)
			var opts []stats.IsinOption
			if c.Invert {
				opts = append(opts, stats.IsinInvert())
			}
			for _, spec := range specs {
				res, err := stats.Isin(ndarray.FromDense(d, spec), nanFloats(c.Values), opts...).Compute(t.Context())
				require.NoError(t, err)
				checkValues(t, c, res, 0)
			}
		})
	}
}

func TestCountNonzeroGolden(t *testing.T) {
	for _, c := range loadCases(t, "count_nonzero") {
		t.Run(c.Name, func(t *testing.T) {
			d := dense(t, c.DType, c.Data, c.Shape)
			var opts []reduce.Option
			if c.Axis != nil {
				opts = append(opts, reduce.Axis(c.Axis...))
			}
			for _, spec := range specs {
				res, err := stats.CountNonzero(ndarray.FromDense(d, spec), opts...).Compute(t.Context())
				require.NoError(t, err)
				checkValues(t, c, res, 0)
			}
		})
	}
}
