package labelled_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/tessera-array/tessera/window"
)

// rcArray is an array as testdata/gen_rolling_coarsen.py writes it.
type rcArray struct {
	Dims   []string       `json:"dims"`
	Shape  []int          `json:"shape"`
	DType  string         `json:"dtype"`
	Values []*float64     `json:"values"`
	Attrs  map[string]any `json:"attrs"`
	Coords map[string]struct {
		Dims   []string       `json:"dims"`
		Values []*json.Number `json:"values"` // times need all of int64

	} `json:"coords"`
}

type rcGolden struct {
	Input rcArray `json:"input"`
	Cases []struct {
		Kind       string         `json:"kind"`
		Dim        string         `json:"dim"`
		Window     int            `json:"window"`
		Center     bool           `json:"center"`
		MinPeriods int            `json:"min_periods"`
		Reduction  string         `json:"reduction"`
		DDOF       int            `json:"ddof"`
		Factors    map[string]int `json:"factors"`
		Boundary   string         `json:"boundary"`
		Result     rcArray        `json:"result"`
	} `json:"cases"`
}

func rcFloats(vs []*float64) []float64 {
	out := make([]float64, len(vs))
	for i, p := range vs {
		out[i] = math.NaN()
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

func numFloats(vs []*json.Number) []float64 {
	out := make([]float64, len(vs))
	for i, p := range vs {
		out[i] = math.NaN()
		if p != nil {
			out[i], _ = p.Float64()
		}
	}
	return out
}

func rcInts(vs []*json.Number) []int64 {
	out := make([]int64, len(vs))
	for i, p := range vs {
		out[i], _ = p.Int64()
	}
	return out
}

// rcInput builds the fixture's input chunked by cs along time.
func rcInput(t *testing.T, in rcArray, cs int) *labelled.Array {
	d, err := block.FromSlice(rcFloats(in.Values), in.Shape...)
	require.NoError(t, err)
	ts, err := cftime.FromDatetime64s(rcInts(in.Coords["time"].Values), cftime.Standard)
	require.NoError(t, err)
	station, err := labelled.NewCoord("station", []string{"x"}, []int{5}, labelled.Int64Index(rcInts(in.Coords["station"].Values)), nil)
	require.NoError(t, err)
	doy, err := labelled.NewCoord("doy", []string{"time"}, []int{30}, labelled.Float64Index(numFloats(in.Coords["doy"].Values)), nil)
	require.NoError(t, err)
	return labelled.New(ndarray.FromDense(d, chunk.PerAxis(cs, 2)), in.Dims, labelled.Name("t2m"),
		labelled.Attrs(in.Attrs),
		labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts)),
			labelled.IndexCoord("x", labelled.Float64Index(numFloats(in.Coords["x"].Values))), station, doy))
}

func coordFloats(t *testing.T, c *labelled.Coord) []float64 {
	t.Helper()
	switch x := c.Values().(type) {
	case labelled.Float64Index:
		return x
	case labelled.Int64Index:
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out
	}
	t.Fatalf("coordinate %s of %T", c.Name(), c.Values())
	return nil
}

func TestRollingCoarsenAgainstXarray(t *testing.T) {
	raw, err := os.ReadFile("testdata/rolling_coarsen_golden.json")
	require.NoError(t, err)
	var g rcGolden
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&g))
	ctx := context.Background()
	bounds := map[string]window.Boundary{"exact": window.BoundaryExact, "trim": window.BoundaryTrim, "pad": window.BoundaryPad}
	for _, c := range g.Cases {
		var red window.Reduction
		require.NoError(t, red.UnmarshalText([]byte(c.Reduction)))
		for _, cs := range []int{1, 4, 30} {
			name := fmt.Sprintf("%s %v%v %s chunks %d", c.Kind, c.Dim, c.Factors, c.Reduction, cs)
			a := rcInput(t, g.Input, cs)
			var res *labelled.Array
			if c.Kind == "rolling" {
				res = a.Rolling(c.Dim, c.Window, labelled.RollingOptions{Center: c.Center, MinPeriods: c.MinPeriods}).Reduce(red, c.DDOF)
			} else {
				res = a.Coarsen(c.Factors, labelled.CoarsenOptions{Boundary: bounds[c.Boundary]}).Reduce(red, c.DDOF)
			}
			require.NoError(t, res.Err(), name)
			assert.Equal(t, c.Result.Dims, res.Dims(), name)
			assert.Equal(t, c.Result.Shape, res.Shape(), name)
			assert.Equal(t, c.Result.DType, res.DType().String(), name)
			assert.Equal(t, c.Result.Attrs, res.Attrs(), name)
			out, err := res.Compute(ctx)
			require.NoError(t, err, name)
			want := rcFloats(c.Result.Values)
			got := make([]float64, out.Len())
			for i := range got {
				got[i] = out.Float64(i)
			}
			for i := range want {
				if math.IsNaN(want[i]) {
					assert.True(t, math.IsNaN(got[i]), "%s element %d", name, i)
				} else {
					assert.InDelta(t, want[i], got[i], 1e-9, "%s element %d", name, i)
				}
			}
			require.Len(t, res.Coords(), len(c.Result.Coords), name)
			for cname, wc := range c.Result.Coords {
				co := res.Coord(cname)
				require.NotNil(t, co, "%s coordinate %s", name, cname)
				assert.Equal(t, wc.Dims, co.Dims(), name)
				if ti, ok := co.Values().(labelled.TimeIndex); ok {
					// nanoseconds since 1970 need int64: float64 rounds them
					ns, err := ti.Times().Datetime64()
					require.NoError(t, err)
					assert.Equal(t, rcInts(wc.Values), ns, "%s coordinate %s", name, cname)
					continue
				}
				assert.Equal(t, numFloats(wc.Values), coordFloats(t, co), "%s coordinate %s", name, cname)
			}
		}
	}
}

func TestRollingCoarsenErrors(t *testing.T) {
	a := labelled.New(ndarray.Zeros(block.Float64, []int{6, 2}, chunk.Uniform(3)), []string{"time", "x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.StringIndex{"a", "b"})))
	assert.ErrorIs(t, a.Rolling("nope", 2, labelled.RollingOptions{}).Mean().Err(), labelled.ErrDim)
	err := a.Rolling("time", 7, labelled.RollingOptions{}).Mean().Err()
	assert.ErrorIs(t, err, window.ErrWindow)
	assert.Contains(t, err.Error(), `rolling over "time"`)
	assert.ErrorIs(t, a.Rolling("time", 0, labelled.RollingOptions{}).Sum().Err(), window.ErrWindow)
	assert.ErrorIs(t, a.Rolling("time", 2, labelled.RollingOptions{MinPeriods: 3}).Sum().Err(), window.ErrWindow)
	assert.ErrorIs(t, a.Rolling("time", 2, labelled.RollingOptions{}).Func("unregistered").Err(), window.ErrUnknownFunc)
	assert.ErrorIs(t, a.Coarsen(map[string]int{"nope": 2}, labelled.CoarsenOptions{}).Mean().Err(), labelled.ErrDim)
	assert.ErrorIs(t, a.Coarsen(map[string]int{"time": 0}, labelled.CoarsenOptions{}).Mean().Err(), window.ErrFactor)
	err = a.Coarsen(map[string]int{"time": 4}, labelled.CoarsenOptions{}).Mean().Err()
	assert.ErrorIs(t, err, window.ErrBoundary)
	assert.Contains(t, err.Error(), "length 6, not a multiple of the factor 4")
	err = a.Coarsen(map[string]int{"x": 2}, labelled.CoarsenOptions{}).Mean().Err()
	assert.ErrorIs(t, err, labelled.ErrCoord)
	assert.Contains(t, err.Error(), `"x"`)
	// Dataset level: unknown dim.
	ds, err := labelled.NewDataset([]*labelled.Array{a.WithName("v")}, nil)
	require.NoError(t, err)
	_, err = ds.Rolling("nope", 2, labelled.RollingOptions{}, window.Mean, 0)
	assert.ErrorIs(t, err, labelled.ErrDim)
	_, err = ds.Coarsen(map[string]int{"nope": 2}, labelled.CoarsenOptions{}, window.Mean, 0)
	assert.ErrorIs(t, err, labelled.ErrDim)
}

func TestDatasetRollingCoarsen(t *testing.T) {
	ctx := context.Background()
	tv := labelled.New(ndarray.Arange(0, 12, 1, chunk.Uniform(5)).Reshape([]int{6, 2}), []string{"time", "x"}, labelled.Name("tv"))
	xv := labelled.New(ndarray.Arange(0, 2, 1, chunk.Uniform(2)), []string{"x"}, labelled.Name("xv"))
	ds, err := labelled.NewDataset([]*labelled.Array{tv, xv}, map[string]any{"title": "t"})
	require.NoError(t, err)
	r, err := ds.Rolling("time", 2, labelled.RollingOptions{}, window.Sum, 0)
	require.NoError(t, err)
	got, err := r.Var("tv").Compute(ctx)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(got.Float64(0)))
	assert.Equal(t, []float64{2, 4, 6, 8, 10, 12, 14, 16, 18, 20}, got.Float64s()[2:])
	x, err := r.Var("xv").Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 1}, x.Float64s(), "a variable without the dim is kept")
	c, err := ds.Coarsen(map[string]int{"time": 3}, labelled.CoarsenOptions{}, window.Mean, 0)
	require.NoError(t, err)
	m, err := c.Var("tv").Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{2, 3, 8, 9}, m.Float64s())
	assert.Equal(t, map[string]any{"title": "t"}, c.Attrs())
}
