package labelled_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// daily is a (time, x) array of n days in cal, values i*10+x, time in
// chunks of tc.
func daily(t *testing.T, cal cftime.Calendar, n, tc int) *labelled.Array {
	ts := make([]cftime.Time, n)
	t0 := cftime.MustDate(cal, 2001, 1, 1, 0, 0, 0, 0)
	v := make([]float64, n*2)
	for i := range ts {
		var err error
		ts[i], err = t0.AddDays(int64(i))
		require.NoError(t, err)
		v[2*i], v[2*i+1] = float64(i*10), float64(i*10+1)
	}
	tt, err := cftime.TimesOf(ts)
	require.NoError(t, err)
	d, _ := block.FromSlice(v, n, 2)
	a := labelled.New(ndarray.FromDense(d, chunk.PerAxis(tc, 2)), []string{"time", "x"},
		labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(tt)), labelled.IndexCoord("x", labelled.Int64Index{0, 1})))
	require.NoError(t, a.Err())
	return a
}

func TestGroupByErrors(t *testing.T) {
	a := daily(t, cftime.NoLeap, 60, 7)
	x := labelled.New(ndarray.Zeros(block.Float64, []int{3}, chunk.Uniform(3)), []string{"x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{1, 2, 3})))
	for name, tc := range map[string]struct {
		err  error
		want error
	}{
		"missing coord":         {a.GroupBy("lat").Err(), labelled.ErrGroup},
		"unknown component":     {a.GroupBy("time.fortnight").Err(), labelled.ErrGroup},
		"component of non-time": {a.GroupBy("x.month").Err(), labelled.ErrGroup},
		"bins not increasing":   {x.GroupByBins("x", []float64{0, 2, 2, 3}, nil, true).Err(), labelled.ErrGroup},
		"bins missing coord":    {x.GroupByBins("y", []float64{0, 1}, nil, true).Err(), labelled.ErrGroup},
		"bin labels":            {x.GroupByBins("x", []float64{0, 1, 2}, []string{"a"}, true).Err(), labelled.ErrGroup},
		"freq 3X":               {a.Resample("time", "3X").Err(), labelled.ErrFrequency},
		"freq bad anchor":       {a.Resample("time", "QS-FOO").Err(), labelled.ErrFrequency},
		"resample non-time":     {a.Resample("x", "MS").Err(), labelled.ErrFrequency},
		"resample no dim":       {a.Resample("lat", "MS").Err(), labelled.ErrDim},
		"interp targets":        {x.Interp("x", []string{"a"}, labelled.InterpLinear).Err(), labelled.ErrLabelType},
		"interp time targets":   {a.Interp("time", []float64{1}, labelled.InterpLinear).Err(), labelled.ErrLabelType},
		"interp dim":            {x.Interp("y", []float64{1}, labelled.InterpLinear).Err(), labelled.ErrDim},
		"maxgap zero":           {x.InterpolateNA("x", labelled.InterpLinear, 0.0).Err(), labelled.ErrArgument},
		"maxgap negative":       {a.InterpolateNA("time", labelled.InterpLinear, -time.Hour).Err(), labelled.ErrArgument},
		"maxgap type":           {a.InterpolateNA("time", labelled.InterpLinear, 2.0).Err(), labelled.ErrArgument},
		"argmin grouped":        {a.GroupBy("time.month").Reduce(labelled.ArgMin).Err(), labelled.ErrArgument},
	} {
		assert.ErrorIs(t, tc.err, tc.want, name)
	}
	err := a.GroupBy("time.fortnight").Err()
	assert.Contains(t, err.Error(), "fortnight")
	assert.Contains(t, a.Resample("time", "3X").Err().Error(), `"3X"`)
	// an errored grouping errors every result
	assert.ErrorIs(t, a.GroupBy("lat").Mean().Err(), labelled.ErrGroup)
	assert.ErrorIs(t, a.GroupBy("lat").Sub(a).Err(), labelled.ErrGroup)
}

func TestGroupByReduceEachHook(t *testing.T) {
	a := daily(t, cftime.Day360, 120, 11)
	g := a.GroupBy("time.month")
	viaHook := g.ReduceEach("nanmax", func(x *ndarray.Array, axis int) *ndarray.Array { return reduce.NanMax(x, reduce.Axis(axis)) })
	require.NoError(t, viaHook.Err())
	assert.Equal(t, []string{"month", "x"}, viaHook.Dims())
	got, err := viaHook.Compute(context.Background())
	require.NoError(t, err)
	want, err := g.Max().Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, want.Float64s(), got.Float64s())
	// 360_day: month m ends on day 30, values (30m-1)*10 + x
	assert.Equal(t, []float64{290, 291, 590, 591, 890, 891, 1190, 1191}, got.Float64s())
	bad := g.ReduceEach("keep", func(x *ndarray.Array, axis int) *ndarray.Array { return x })
	assert.ErrorIs(t, bad.Err(), labelled.ErrArgument)
	assert.Contains(t, bad.Err().Error(), "keep")
	assert.ErrorIs(t, g.ReduceEach("nil", nil).Err(), labelled.ErrArgument)
}

func TestGroupByArithmeticMissingGroup(t *testing.T) {
	a := daily(t, cftime.NoLeap, 59, 10) // January and February
	g := a.GroupBy("time.month")
	clim := g.Mean().Isel(labelled.Take("month", 0)) // January only
	require.NoError(t, clim.Err())
	anom := g.Sub(clim)
	require.NoError(t, anom.Err())
	assert.Equal(t, []string{"time", "x"}, anom.Dims())
	d, err := anom.Compute(context.Background())
	require.NoError(t, err)
	assert.InDelta(t, -150, d.Float64(0), 1e-9) // day 0 minus January's mean 150
	assert.True(t, math.IsNaN(d.Float64(2*40)), "February has no climatology")
	assert.ErrorIs(t, g.Sub(a).Err(), labelled.ErrDim)
}

func TestInterpNearestAndInts(t *testing.T) {
	d, _ := block.FromSlice([]int32{0, 10, 20, 40}, 4)
	a := labelled.New(ndarray.FromDense(d, chunk.Uniform(3)), []string{"x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{0, 1, 2, 4})))
	n := a.Interp("x", []float64{-1, 0.4, 0.5, 0.6, 3, 3.5, 4, 5}, labelled.InterpNearest)
	require.NoError(t, n.Err())
	got, err := n.Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, block.Float64, got.DType())
	v := got.Float64s()
	assert.True(t, math.IsNaN(v[0]) && math.IsNaN(v[7]))
	assert.Equal(t, []float64{0, 0, 10, 20, 40, 40}, v[1:7], "ties go to the lower label, as scipy")
	l, err := a.Interp("x", []int{3}, labelled.InterpLinear).Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []float64{30}, l.Float64s())
	f, _ := block.FromSlice([]float64{1, math.NaN(), math.NaN(), 4, math.NaN()}, 5)
	b := labelled.New(ndarray.FromDense(f, chunk.Uniform(2)), []string{"x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{0, 1, 2, 3, 4})))
	r, err := b.InterpolateNA("x", labelled.InterpNearest, math.Inf(1)).Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 1, 4, 4}, r.Float64s()[:4])
	assert.True(t, math.IsNaN(r.Float64s()[4]))
}

// TestGroupByMeanMemory: a monthly mean of a long daily axis runs within
// a budget of a few input blocks, whatever the size of the groups.
func TestGroupByMeanMemory(t *testing.T) {
	n := 365 * 40
	ts := make([]cftime.Time, n)
	t0 := cftime.MustDate(cftime.NoLeap, 1980, 1, 1, 0, 0, 0, 0)
	for i := range ts {
		ts[i], _ = t0.AddDays(int64(i))
	}
	tt, err := cftime.TimesOf(ts)
	require.NoError(t, err)
	data := ndarray.Random([]int{n, 64, 64}, chunk.PerAxis(365, 64, 64), 1)
	blockBytes := int64(365 * 64 * 64 * 8)
	a := labelled.New(data, []string{"time", "y", "x"}, labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(tt))))
	m := a.GroupBy("time.month").Mean()
	require.NoError(t, m.Err())
	d, err := m.Compute(context.Background(), ndarray.WithMemoryBudget(3*blockBytes))
	require.NoError(t, err)
	assert.Equal(t, []int{12, 64, 64}, d.Shape())
	assert.InDelta(t, 0.5, d.Float64(0), 0.1)
}

// TestInterpolateNAParamsFromWire: malformed params decoded from a task
// are errors, not panics.
func TestInterpolateNAParamsFromWire(t *testing.T) {
	fn, err := ndarray.LookupFunc("labelled.interpolate_na")
	require.NoError(t, err)
	d, _ := block.FromSlice([]float64{1, math.NaN(), 3}, 3)
	ok, err := fn(context.Background(), []*block.Dense{d}, ndarray.BlockInfo{Params: []byte(`{"Axis":0,"X":[0,1,2],"Method":0,"MaxGap":5}`)})
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2, 3}, ok.Float64s())
	for _, p := range []string{
		`{"Axis":1,"X":[0,1,2],"Method":0,"MaxGap":5}`,
		`{"Axis":0,"X":[0,1],"Method":0,"MaxGap":5}`,
		`{"Axis":0,"X":[0,1,2],"Method":7,"MaxGap":5}`,
		`{"Axis":0,"X":[0,1,2],"Method":0,"MaxGap":0}`,
		`{"Axis":"a"}`,
	} {
		_, err := fn(context.Background(), []*block.Dense{d}, ndarray.BlockInfo{Params: []byte(p)})
		assert.Error(t, err, p)
	}
}
