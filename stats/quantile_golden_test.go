package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

type goldenCase struct {
	Name     string            `json:"name"`
	Func     string            `json:"func"`
	DType    string            `json:"dtype"`
	Shape    []int             `json:"shape"`
	Data     []json.RawMessage `json:"data"`
	Q        json.RawMessage   `json:"q"`
	Method   string            `json:"method"`
	Axis     []int             `json:"axis"`
	KeepDims bool              `json:"keepdims"`
	OutDType string            `json:"out_dtype"`
	OutShape []int             `json:"out_shape"`
	Out      []json.RawMessage `json:"out"`
}

func loadGolden(t *testing.T, name string) []goldenCase {
	t.Helper()
	b, err := readTestdata(name)
	require.NoError(t, err)
	var g struct {
		Cases []goldenCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &g))
	require.NotEmpty(t, g.Cases)
	return g.Cases
}

// parseNum reads a fixture number: a hex float string or an integer.
func parseNum(t *testing.T, raw json.RawMessage) (float64, int64, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		f, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err, s)
		return f, 0, true
	}
	i, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		u, err2 := strconv.ParseUint(string(raw), 10, 64)
		require.NoError(t, err2, string(raw))
		return 0, int64(u), false
	}
	return 0, i, false
}

// denseOf builds the fixture's input block.
func denseOf(t *testing.T, dt block.DType, shape []int, vals []json.RawMessage) *block.Dense {
	d, err := block.New(dt, shape...)
	require.NoError(t, err)
	switch x := d.Data().(type) {
	case []float64:
		for i, r := range vals {
			x[i], _, _ = parseNum(t, r)
		}
	case []float32:
		for i, r := range vals {
			f, _, _ := parseNum(t, r)
			x[i] = float32(f)
		}
	case []int16:
		for i, r := range vals {
			_, v, _ := parseNum(t, r)
			x[i] = int16(v)
		}
	case []int64:
		for i, r := range vals {
			_, v, _ := parseNum(t, r)
			x[i] = v
		}
	case []uint8:
		for i, r := range vals {
			_, v, _ := parseNum(t, r)
			x[i] = uint8(v)
		}
	default:
		t.Fatalf("fixture dtype %v", dt)
	}
	return d
}

// build applies the case's function to a.
func (c goldenCase) build(a *ndarray.Array, extra ...QuantileOption) *ndarray.Array {
	opts := append([]QuantileOption{QuantileAxis(c.Axis...)}, extra...)
	if c.KeepDims {
		opts = append(opts, QuantileKeepDims())
	}
	if c.Method != "" && c.Method != "linear" {
		m, err := ParseQuantileMethod(c.Method)
		if err != nil {
			return ndarray.Errored(err)
		}
		opts = append(opts, WithQuantileMethod(m))
	}
	var q float64
	var qs []float64
	scalar := json.Unmarshal(c.Q, &q) == nil
	if !scalar {
		_ = json.Unmarshal(c.Q, &qs)
	}
	switch c.Func {
	case "median":
		return Median(a, opts...)
	case "nanmedian":
		return NanMedian(a, opts...)
	case "quantile":
		if scalar {
			return Quantile(a, q, opts...)
		}
		return Quantiles(a, qs, opts...)
	case "nanquantile":
		if scalar {
			return NanQuantile(a, q, opts...)
		}
		return NanQuantiles(a, qs, opts...)
	case "percentile":
		if scalar {
			return Percentile(a, q, opts...)
		}
		return Percentiles(a, qs, opts...)
	case "nanpercentile":
		if scalar {
			return NanPercentile(a, q, opts...)
		}
		return NanPercentiles(a, qs, opts...)
	}
	return ndarray.Errored(fmt.Errorf("unknown func %s", c.Func))
}

// chunkings gives several chunkings of shape: whole, small regular and
// uneven blocks.
func chunkings(shape []int) []chunk.Spec {
	small := make([]int, len(shape))
	odd := make([]int, len(shape))
	for i, n := range shape {
		small[i] = max(1, min(n, 2))
		odd[i] = max(1, (n+2)/3)
	}
	return []chunk.Spec{chunk.PerAxis(append([]int(nil), shape...)...), chunk.PerAxis(small...), chunk.PerAxis(odd...)}
}

func TestQuantileGolden(t *testing.T) {
	ctx := context.Background()
	for _, c := range loadGolden(t, "quantile_golden.json") {
		t.Run(c.Name, func(t *testing.T) {
			dt, err := block.ParseDType(c.DType)
			require.NoError(t, err)
			src := denseOf(t, dt, c.Shape, c.Data)
			wantDT, err := block.ParseDType(c.OutDType)
			require.NoError(t, err)
			plans := map[string][]QuantileOption{"select": nil, "radix": {func(q *quantileConfig) { q.radix = true }}}
			for plan, extra := range plans {
				for _, spec := range chunkings(c.Shape) {
					if chunk.Size(c.Shape) > 4000 && plan == "radix" && spec.String() != chunkings(c.Shape)[2].String() {
						continue // keep the radix runs of the large cases short
					}
					a := ndarray.FromDense(src, spec)
					r := c.build(a, extra...)
					require.NoError(t, r.Err(), "%s %s", plan, spec)
					got, err := r.Compute(ctx)
					require.NoError(t, err, "%s %s", plan, spec)
					assert.Equal(t, wantDT, got.DType(), "%s %s dtype", plan, spec)
					assert.Equal(t, c.OutShape, shapeOrEmpty(got.Shape()), "%s %s shape", plan, spec)
					require.Equal(t, len(c.Out), got.Len())
					for i, raw := range c.Out {
						wf, wi, isF := parseNum(t, raw)
						if isF {
							g := got.Float64(i)
							if math.IsNaN(wf) {
								assert.True(t, math.IsNaN(g), "%s %s [%d]: got %v want NaN", plan, spec, i, g)
							} else {
								assert.Equal(t, wf, g, "%s %s [%d]", plan, spec, i)
							}
						} else {
							assert.Equal(t, wi, intAt(got, i), "%s %s [%d]", plan, spec, i)
						}
					}
				}
			}
		})
	}
}

func readTestdata(name string) ([]byte, error) { return os.ReadFile("testdata/" + name) }

func shapeOrEmpty(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func intAt(d *block.Dense, i int) int64 {
	switch x := d.Data().(type) {
	case []int64:
		return x[i]
	case []int16:
		return int64(x[i])
	case []uint8:
		return int64(x[i])
	}
	return math.MinInt64
}
