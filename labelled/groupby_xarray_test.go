package labelled_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// Fixtures of testdata/gen_groupby.py (xarray's groupby, groupby_bins,
// resample and interpolate_na; numpy's interp).
type gbInput struct {
	Dims     []string `json:"dims"`
	Shape    []int    `json:"shape"`
	DType    string   `json:"dtype"`
	Values   []any    `json:"values"`
	Calendar string   `json:"calendar"`
	Coords   map[string]struct {
		Times  [][6]int `json:"times"`
		Values []any    `json:"values"`
	} `json:"coords"`
}

type gbResult struct {
	Dims   []string         `json:"dims"`
	Shape  []int            `json:"shape"`
	DType  string           `json:"dtype"`
	Values []any            `json:"values"`
	Labels map[string][]any `json:"labels"`
}

type gbCase struct {
	Op         string    `json:"op"`
	Input      string    `json:"input"`
	Key        string    `json:"key"`
	Reduction  string    `json:"reduction"`
	DDOF       int       `json:"ddof"`
	Edges      []float64 `json:"edges"`
	Right      bool      `json:"right"`
	Labels     []string  `json:"labels"`
	Freq       string    `json:"freq"`
	Targets    []float64 `json:"targets"`
	TTargets   [][6]int  `json:"ttargets"`
	Method     string    `json:"method"`
	Dim        string    `json:"dim"`
	MaxGap     float64   `json:"maxgap"`
	MaxGapDays int       `json:"maxgap_days"`
	Result     gbResult  `json:"result"`
}

type gbFixtures struct {
	Xarray string             `json:"xarray"`
	Inputs map[string]gbInput `json:"inputs"`
	Cases  []gbCase           `json:"cases"`
}

func anyFloat(v any) float64 {
	switch x := v.(type) {
	case nil:
		return math.NaN()
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	case string:
		if x == "inf" {
			return math.Inf(1)
		}
		return math.Inf(-1)
	}
	panic(fmt.Sprintf("fixture value %T", v))
}

func loadGroupby(t *testing.T) gbFixtures {
	raw, err := os.ReadFile("testdata/groupby_golden.json")
	require.NoError(t, err)
	var fx gbFixtures
	require.NoError(t, json.Unmarshal(raw, &fx))
	return fx
}

// buildInput makes the labelled array of in with the time dim (its first)
// in chunks of tc.
func buildInput(t *testing.T, in gbInput, tc int) *labelled.Array {
	vs := make([]float64, len(in.Values))
	for i, v := range in.Values {
		vs[i] = anyFloat(v)
	}
	d, err := block.FromSlice(vs, in.Shape...)
	require.NoError(t, err)
	dt, err := block.ParseDType(in.DType)
	require.NoError(t, err)
	sizes := slices.Clone(in.Shape)
	sizes[0] = tc
	for i := 1; i < len(sizes); i++ {
		sizes[i] = 2
	}
	a := ndarray.FromDense(d, chunk.PerAxis(sizes...))
	if dt != block.Float64 {
		a = a.AsType(dt, block.OverflowError)
	}
	var coords []*labelled.Coord
	for name, c := range in.Coords {
		if c.Times != nil {
			cal, err := cftime.ParseCalendar(in.Calendar)
			require.NoError(t, err)
			ts := make([]cftime.Time, len(c.Times))
			for i, p := range c.Times {
				ts[i] = cftime.MustDate(cal, p[0], p[1], p[2], p[3], p[4], p[5], 0)
			}
			tt, err := cftime.TimesOf(ts)
			require.NoError(t, err)
			coords = append(coords, labelled.IndexCoord(name, labelled.NewTimeIndex(tt)))
			continue
		}
		x := make(labelled.Float64Index, len(c.Values))
		for i, v := range c.Values {
			x[i] = anyFloat(v)
		}
		coords = append(coords, labelled.IndexCoord(name, x))
	}
	out := labelled.New(a, in.Dims, labelled.Coords(coords...))
	require.NoError(t, out.Err())
	return out
}

var reductionNames = map[string]labelled.Reduction{
	"mean": labelled.Mean, "sum": labelled.Sum, "min": labelled.Min, "max": labelled.Max, "std": labelled.Std,
	"var": labelled.Var, "count": labelled.Count, "prod": labelled.Prod, "any": labelled.Any, "all": labelled.All,
}

func reduceGroups(g *labelled.GroupBy, name string, ddof int) *labelled.Array {
	switch name {
	case "first":
		return g.First()
	case "last":
		return g.Last()
	}
	return g.Reduce(reductionNames[name], labelled.DDOF(ddof))
}

func runCase(t *testing.T, fx gbFixtures, c gbCase, tc int) *labelled.Array {
	a := buildInput(t, fx.Inputs[c.Input], tc)
	switch c.Op {
	case "groupby":
		return reduceGroups(a.GroupBy(c.Key), c.Reduction, c.DDOF)
	case "bins":
		return reduceGroups(a.GroupByBins(c.Key, c.Edges, c.Labels, c.Right), c.Reduction, c.DDOF)
	case "resample":
		return reduceGroups(a.Resample("time", c.Freq), c.Reduction, c.DDOF)
	case "anomaly":
		return a.GroupBy(c.Key).Sub(a.GroupBy(c.Key).Mean())
	case "anomaly_div":
		return a.GroupBy(c.Key).Div(a.GroupBy(c.Key).Max())
	case "interp":
		if c.TTargets != nil {
			cal, _ := cftime.ParseCalendar(fx.Inputs[c.Input].Calendar)
			ts := make([]cftime.Time, len(c.TTargets))
			for i, p := range c.TTargets {
				ts[i] = cftime.MustDate(cal, p[0], p[1], p[2], p[3], p[4], p[5], 0)
			}
			return a.Interp("time", ts, labelled.InterpLinear)
		}
		return a.Interp(a.Dims()[0], c.Targets, labelled.InterpLinear)
	case "interpna":
		if c.MaxGapDays > 0 {
			return a.InterpolateNA(c.Dim, labelled.InterpLinear, time.Duration(c.MaxGapDays)*24*time.Hour)
		}
		return a.InterpolateNA(c.Dim, labelled.InterpLinear, c.MaxGap)
	}
	t.Fatalf("unknown op %q", c.Op)
	return nil
}

func caseName(c gbCase) string {
	return fmt.Sprintf("%s/%s/%s%s%s/%s/right=%v/%v", c.Op, c.Input, c.Key, c.Freq, c.Dim, c.Reduction, c.Right, c.MaxGap+float64(c.MaxGapDays))
}

// TestGroupbyResampleInterpMatchXarray compares every fixture case, each
// under several chunkings of the grouped dim (which must all agree).
func TestGroupbyResampleInterpMatchXarray(t *testing.T) {
	fx := loadGroupby(t)
	require.NotEmpty(t, fx.Cases)
	for _, c := range fx.Cases {
		t.Run(caseName(c), func(t *testing.T) {
			n := fx.Inputs[c.Input].Shape[0]
			var first []float64
			for _, tc := range []int{n, 37, 300} {
				r := runCase(t, fx, c, tc)
				require.NoError(t, r.Err())
				r = r.Transpose(c.Result.Dims...)
				require.NoError(t, r.Err())
				assert.Equal(t, c.Result.Shape, r.Shape())
				if c.Op != "interp" {
					assert.Equal(t, c.Result.DType, r.DType().String(), "dtype")
				}
				for dim, labels := range c.Result.Labels {
					ix := r.Index(dim)
					require.NotNil(t, ix, dim)
					require.Equal(t, len(labels), ix.Len(), dim)
					for i, l := range labels {
						switch want := l.(type) {
						case string:
							got := ix.Format(i)
							if _, isTime := ix.(labelled.TimeIndex); !isTime {
								got = fmt.Sprint(ix.Label(i))
							}
							assert.Equal(t, want, got, "%s label %d", dim, i)
						default:
							assert.InDelta(t, anyFloat(want), toF(ix.Label(i)), 1e-12, "%s label %d", dim, i)
						}
					}
				}
				d, err := r.Compute(context.Background())
				require.NoError(t, err)
				got := d.Float64s()
				tol := 1e-9
				if r.DType() == block.Float32 || fx.Inputs[c.Input].DType == "float32" {
					tol = 2e-5
				}
				for i, v := range c.Result.Values {
					w := anyFloat(v)
					if math.IsNaN(w) || math.IsInf(w, 0) {
						if !assert.Equal(t, fmt.Sprint(w), fmt.Sprint(got[i]), "[%d] chunk %d", i, tc) {
							return
						}
						continue
					}
					if !assert.InDelta(t, w, got[i], tol*math.Max(1, math.Abs(w)), "[%d] chunk %d", i, tc) {
						return
					}
				}
				if first == nil {
					first = got
				} else {
					for i := range got {
						if !(got[i] == first[i] || (math.IsNaN(got[i]) && math.IsNaN(first[i]))) && math.Abs(got[i]-first[i]) > 1e-12*math.Max(1, math.Abs(first[i])) {
							t.Fatalf("chunking %d differs at %d: %v vs %v", tc, i, got[i], first[i])
						}
					}
				}
			}
		})
	}
}

func toF(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	}
	return math.NaN()
}
