package labelled_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// Fixtures of testdata/gen_dsgroupby.py (xarray's Dataset groupby,
// resample and groupby arithmetic).
type dsgVar struct {
	Dims   []string `json:"dims"`
	Shape  []int    `json:"shape"`
	DType  string   `json:"dtype"`
	Values []any    `json:"values"`
}

type dsgCase struct {
	Op        string `json:"op"`
	Key       string `json:"key"`
	Freq      string `json:"freq"`
	Reduction string `json:"reduction"`
	Result    struct {
		Dim    string            `json:"dim"`
		Labels []any             `json:"labels"`
		Vars   map[string]dsgVar `json:"vars"`
	} `json:"result"`
}

type dsgFixtures struct {
	Input struct {
		Times [][3]int `json:"times"`
		X     []float64
		A     []any `json:"a"`
		B     []any `json:"b"`
		C     []any `json:"c"`
		D     []any `json:"d"`
	} `json:"input"`
	Cases []dsgCase `json:"cases"`
}

func loadDsg(t *testing.T) dsgFixtures {
	raw, err := os.ReadFile("testdata/dsgroupby_golden.json")
	require.NoError(t, err)
	var fx dsgFixtures
	require.NoError(t, json.Unmarshal(raw, &fx))
	return fx
}

// dsgDataset builds the fixture's dataset with time in chunks of tc.
func dsgDataset(t *testing.T, fx dsgFixtures, tc int) *labelled.Dataset {
	in := fx.Input
	n, nx := len(in.Times), len(in.X)
	ts := make([]cftime.Time, n)
	for i, p := range in.Times {
		ts[i] = cftime.MustDate(cftime.NoLeap, p[0], p[1], p[2], 0, 0, 0, 0)
	}
	tt, err := cftime.TimesOf(ts)
	require.NoError(t, err)
	tcoord, xcoord := labelled.IndexCoord("time", labelled.NewTimeIndex(tt)), labelled.IndexCoord("x", labelled.Float64Index(in.X))
	mk := func(name string, vs []any, dt block.DType, shape ...int) *labelled.Array {
		d, err := block.FromSlice(floats(vs), shape...)
		require.NoError(t, err)
		spec := chunk.PerAxis(2)
		dims, coords := []string{"x"}, labelled.Coords(xcoord)
		if len(shape) == 2 {
			spec, dims, coords = chunk.PerAxis(tc, 2), []string{"time", "x"}, labelled.Coords(tcoord, xcoord)
		}
		a := ndarray.FromDense(d, spec)
		if dt != block.Float64 {
			a = a.AsType(dt, block.OverflowError)
		}
		out := labelled.New(a, dims, coords).WithName(name)
		require.NoError(t, out.Err())
		return out
	}
	ds, err := labelled.NewDataset([]*labelled.Array{
		mk("a", in.A, block.Float64, n, nx),
		mk("b", in.B, block.Float32, n, nx),
		mk("c", in.C, block.Float64, nx),
		mk("d", in.D, block.Int32, n, nx),
	}, nil)
	require.NoError(t, err)
	return ds
}

func runDsg(t *testing.T, ds *labelled.Dataset, c dsgCase) *labelled.Dataset {
	var (
		out *labelled.Dataset
		err error
	)
	switch c.Op {
	case "groupby", "resample":
		g := ds.GroupBy(c.Key)
		if c.Op == "resample" {
			g = ds.Resample("time", c.Freq)
		}
		require.NoError(t, g.Err())
		switch c.Reduction {
		case "mean":
			out, err = g.Mean()
		case "median":
			out, err = g.Median()
		case "sum":
			out, err = g.Sum()
		case "std":
			out, err = g.Std()
		default:
			t.Fatalf("reduction %q", c.Reduction)
		}
	case "anomaly":
		clim, cerr := ds.GroupBy(c.Key).Mean()
		require.NoError(t, cerr)
		out, err = ds.GroupBy(c.Key).Sub(clim)
	default:
		t.Fatalf("op %q", c.Op)
	}
	require.NoError(t, err)
	return out
}

func checkLabels(t *testing.T, ix labelled.Index, want []any) {
	require.NotNil(t, ix)
	require.Equal(t, len(want), ix.Len())
	for i, w := range want {
		switch w := w.(type) {
		case string:
			assert.Equal(t, w, ix.Label(i), "label %d", i)
		case float64:
			assert.Equal(t, int64(w), ix.Label(i), "label %d", i)
		case []any:
			tm, ok := ix.Label(i).(cftime.Time)
			require.True(t, ok, "label %d is %T", i, ix.Label(i))
			y, m, d := tm.Date()
			assert.Equal(t, []int{int(w[0].(float64)), int(w[1].(float64)), int(w[2].(float64))}, []int{y, m, d}, "label %d", i)
		}
	}
}

func computeF(t *testing.T, a *labelled.Array) []float64 {
	d, err := a.Compute(context.Background())
	require.NoError(t, err)
	return d.Float64s()
}

func assertClose(t *testing.T, want []any, got []float64, tol float64, what string) {
	require.Len(t, got, len(want), what)
	for i, v := range want {
		w := anyFloat(v)
		if math.IsNaN(w) {
			if !assert.True(t, math.IsNaN(got[i]), "%s[%d]: want NaN, got %v", what, i, got[i]) {
				return
			}
			continue
		}
		if !assert.InDelta(t, w, got[i], tol*math.Max(1, math.Abs(w)), "%s[%d]", what, i) {
			return
		}
	}
}

// TestDatasetGroupByMatchesXarray compares each case's grouped variables
// (a float64, b float32, d int32, all with time) with xarray's, dtypes
// included, under three chunkings of time (which must agree to 1e-12: the
// partial sums combine in chunk order), and checks that c, which lacks
// time, is kept unchanged (the installed xarray broadcasts it along the
// groups: each of its rows must equal c).
func TestDatasetGroupByMatchesXarray(t *testing.T) {
	fx := loadDsg(t)
	require.Len(t, fx.Cases, 4)
	n := len(fx.Input.Times)
	for _, c := range fx.Cases {
		t.Run(c.Op+"/"+c.Key+c.Freq+"/"+c.Reduction, func(t *testing.T) {
			first := map[string][]float64{}
			for _, tc := range []int{n, 37, 300} {
				out := runDsg(t, dsgDataset(t, fx, tc), c)
				assert.Equal(t, []string{"a", "b", "c", "d"}, out.Names())
				for _, name := range []string{"a", "b", "d"} {
					want := c.Result.Vars[name]
					v := out.Var(name)
					require.NoError(t, v.Err())
					assert.Equal(t, want.Dims, v.Dims(), name)
					assert.Equal(t, want.Shape, v.Shape(), name)
					assert.Equal(t, want.DType, v.DType().String(), name)
					checkLabels(t, v.Index(c.Result.Dim), c.Result.Labels)
					got := computeF(t, v)
					tol := 1e-9
					if name == "b" {
						tol = 2e-5
					}
					assertClose(t, want.Values, got, tol, name)
					if f, ok := first[name]; ok {
						for i := range got {
							same := got[i] == f[i] || (math.IsNaN(got[i]) && math.IsNaN(f[i]))
							if !same && math.Abs(got[i]-f[i]) > 1e-12*math.Max(1, math.Abs(f[i])) {
								t.Fatalf("%s: chunking %d differs at %d: %v vs %v", name, tc, i, got[i], f[i])
							}
						}
					} else {
						first[name] = got
					}
				}
				cv := out.Var("c")
				assert.Equal(t, []string{"x"}, cv.Dims())
				got := computeF(t, cv)
				want := c.Result.Vars["c"]
				nx := len(fx.Input.X)
				for row := 0; row*nx < len(want.Values); row++ {
					assertClose(t, want.Values[row*nx:(row+1)*nx], got, 1e-12, "c")
				}
			}
		})
	}
}
