package labelled_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/labelled"
)

// Fixtures of testdata/gen_quantile.py (xarray's quantile and median on
// DataArray, Dataset, groupby and resample).
type qResult struct {
	gbResult
	ScalarQ *float64 `json:"scalar_q"`
}

type qCase struct {
	Op     string             `json:"op"`
	Input  string             `json:"input"`
	Q      any                `json:"q"`
	Dims   []string           `json:"dims"`
	Method string             `json:"method"`
	SkipNA *bool              `json:"skipna"`
	Key    string             `json:"key"`
	Freq   string             `json:"freq"`
	Result qResult            `json:"result"`
	Vars   map[string]qResult `json:"vars"`
}

type qFixtures struct {
	Xarray string             `json:"xarray"`
	Inputs map[string]gbInput `json:"inputs"`
	Cases  []qCase            `json:"cases"`
}

// qOpts are a case's options, plus mem (a small budget forcing stats'
// radix plan) when positive.
func qOpts(c qCase, mem int64) []labelled.QuantileOption {
	var o []labelled.QuantileOption
	if c.Method != "" {
		o = append(o, labelled.QuantileMethod(c.Method))
	}
	if c.SkipNA != nil {
		o = append(o, labelled.QuantileSkipNA(*c.SkipNA))
	}
	if mem > 0 {
		o = append(o, labelled.QuantileMemory(mem))
	}
	return o
}

// qList is the case's q as a list and whether it was a list.
func qList(c qCase) ([]float64, bool) {
	switch q := c.Q.(type) {
	case float64:
		return []float64{q}, false
	case []any:
		out := make([]float64, len(q))
		for i, v := range q {
			out[i] = v.(float64)
		}
		return out, true
	}
	return nil, false
}

func quantileOf(a *labelled.Array, c qCase, dims []string, mem int64) *labelled.Array {
	qs, list := qList(c)
	if list {
		return a.Quantiles(qs, dims, qOpts(c, mem)...)
	}
	return a.Quantile(qs[0], dims, qOpts(c, mem)...)
}

func groupQuantile(g *labelled.GroupBy, c qCase, mem int64) *labelled.Array {
	if strings.HasSuffix(c.Op, "median") {
		return g.Median(qOpts(c, mem)...)
	}
	qs, list := qList(c)
	if list {
		return g.Quantiles(qs, qOpts(c, mem)...)
	}
	return g.Quantile(qs[0], qOpts(c, mem)...)
}

// checkQuantile compares r with xarray's want and returns r's values.
func checkQuantile(t *testing.T, r *labelled.Array, want qResult, what string) []float64 {
	require.NoError(t, r.Err(), what)
	assert.Equal(t, append([]string{}, want.Dims...), append([]string{}, r.Dims()...), "%s dims", what)
	assert.Equal(t, append([]int{}, want.Shape...), append([]int{}, r.Shape()...), "%s shape", what)
	assert.Equal(t, want.DType, r.DType().String(), "%s dtype", what)
	if want.ScalarQ != nil {
		c := r.Coord("quantile")
		require.NotNil(t, c, "%s: scalar quantile coord", what)
		assert.Empty(t, c.Dims(), what)
		assert.Equal(t, *want.ScalarQ, c.Values().Label(0), what)
	}
	for dim, labels := range want.Labels {
		ix := r.Index(dim)
		require.NotNil(t, ix, "%s index %s", what, dim)
		require.Equal(t, len(labels), ix.Len(), dim)
		for i, l := range labels {
			if s, ok := l.(string); ok {
				got := ix.Format(i)
				if _, isTime := ix.(labelled.TimeIndex); !isTime {
					got = fmt.Sprint(ix.Label(i))
				}
				assert.Equal(t, s, got, "%s %s label %d", what, dim, i)
				continue
			}
			assert.InDelta(t, anyFloat(l), toF(ix.Label(i)), 1e-12, "%s %s label %d", what, dim, i)
		}
	}
	d, err := r.Compute(context.Background())
	require.NoError(t, err, what)
	got := d.Float64s()
	require.Len(t, got, len(want.Values), what)
	tol := 1e-12
	if r.DType() == block.Float32 {
		tol = 1e-6
	}
	for i, v := range want.Values {
		w := anyFloat(v)
		if math.IsNaN(w) {
			if !assert.True(t, math.IsNaN(got[i]), "%s [%d]: got %v, want NaN", what, i, got[i]) {
				return got
			}
			continue
		}
		if !assert.InDelta(t, w, got[i], tol*math.Max(1, math.Abs(w)), "%s [%d]", what, i) {
			return got
		}
	}
	return got
}

func sameValues(t *testing.T, a, b []float64, what string) {
	require.Len(t, b, len(a), what)
	for i := range a {
		if !(a[i] == b[i] || math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			t.Fatalf("%s differs at %d: %v vs %v", what, i, b[i], a[i])
		}
	}
}

// TestQuantileMatchXarray compares every fixture case under several
// chunkings of the first dim and under a small memory budget (stats' radix
// plan where a slice does not fit): all must match xarray and agree
// exactly with each other.
func TestQuantileMatchXarray(t *testing.T) {
	raw, err := os.ReadFile("testdata/quantile_golden.json")
	require.NoError(t, err)
	var fx qFixtures
	require.NoError(t, json.Unmarshal(raw, &fx))
	require.NotEmpty(t, fx.Cases)
	for i, c := range fx.Cases {
		t.Run(fmt.Sprintf("%02d/%s/%s/%v/%v/%s%s%s", i, c.Op, c.Input, c.Q, c.Dims, c.Method, c.Key, c.Freq), func(t *testing.T) {
			inputs := strings.Split(c.Input, ",")
			n := fx.Inputs[inputs[0]].Shape[0]
			first := map[string][]float64{}
			for _, cfg := range []struct {
				tc  int
				mem int64
			}{{n, 0}, {37, 0}, {300, 0}, {37, 64 << 10}} {
				what := fmt.Sprintf("chunk %d mem %d", cfg.tc, cfg.mem)
				arrays := make([]*labelled.Array, len(inputs))
				for j, name := range inputs {
					arrays[j] = buildInput(t, fx.Inputs[name], cfg.tc)
				}
				a := arrays[0]
				got := map[string][]float64{}
				switch c.Op {
				case "quantile":
					got[""] = checkQuantile(t, quantileOf(a, c, c.Dims, cfg.mem), c.Result, what)
				case "median":
					got[""] = checkQuantile(t, a.MedianWith(c.Dims, qOpts(c, cfg.mem)...), c.Result, what)
				case "gb_median", "gb_quantile":
					got[""] = checkQuantile(t, groupQuantile(a.GroupBy(c.Key), c, cfg.mem), c.Result, what)
				case "rs_median", "rs_quantile":
					got[""] = checkQuantile(t, groupQuantile(a.Resample("time", c.Freq), c, cfg.mem), c.Result, what)
				case "ds_quantile", "ds_median":
					names := []string{"a", "b", "c"}
					for j := range arrays {
						arrays[j] = arrays[j].WithName(names[j])
					}
					ds, err := labelled.NewDataset(arrays, nil)
					require.NoError(t, err)
					var out *labelled.Dataset
					if c.Op == "ds_median" {
						out, err = ds.Median(c.Dims...)
					} else if qs, list := qList(c); list {
						out, err = ds.Quantiles(qs, c.Dims, qOpts(c, cfg.mem)...)
					} else {
						out, err = ds.Quantile(qs[0], c.Dims, qOpts(c, cfg.mem)...)
					}
					require.NoError(t, err)
					assert.ElementsMatch(t, names, out.Names())
					for name, want := range c.Vars {
						got[name] = checkQuantile(t, out.Var(name), want, what+" var "+name)
					}
				default:
					t.Fatalf("unknown op %q", c.Op)
				}
				if t.Failed() {
					return
				}
				for k, v := range got {
					if f, ok := first[k]; ok {
						sameValues(t, f, v, what)
					} else {
						first[k] = v
					}
				}
			}
		})
	}
}
