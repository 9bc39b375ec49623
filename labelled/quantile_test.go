package labelled_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/stats"
)

func TestQuantileBadInput(t *testing.T) {
	da := dailySeries()
	for name, tc := range map[string]struct {
		r    *labelled.Array
		want error
		in   string
	}{
		"q above 1":      {da.Quantile(1.5, nil), stats.ErrQuantile, "1.5"},
		"q below 0":      {da.Quantiles([]float64{0.5, -0.1}, nil), stats.ErrQuantile, "-0.1"},
		"NaN q":          {da.Quantile(math.NaN(), nil), stats.ErrQuantile, "NaN"},
		"no q":           {da.Quantiles(nil, nil), stats.ErrQuantile, "no q"},
		"unknown dim":    {da.Quantile(0.5, []string{"lat"}), labelled.ErrDim, `"lat"`},
		"repeated dim":   {da.Quantile(0.5, []string{"time", "time"}), labelled.ErrDim, "twice"},
		"median dim":     {da.Median("lat"), labelled.ErrDim, "median"},
		"unknown method": {da.Quantile(0.5, nil, labelled.QuantileMethod("cubic")), stats.ErrMethod, "cubic"},
		"bad memory":     {da.Quantile(0.5, nil, labelled.QuantileMemory(-1)), labelled.ErrArgument, "memory"},
		"group q":        {da.GroupBy("time.month").Quantile(2, labelled.QuantileMethod("linear")), stats.ErrQuantile, "2"},
		"group list q":   {da.GroupBy("time.month").Quantiles([]float64{0.1, 7}), stats.ErrQuantile, "7"},
		"group no q":     {da.GroupBy("time.month").Quantiles(nil), stats.ErrQuantile, "no q"},
		"group method":   {da.Resample("time", "MS").Quantile(0.5, labelled.QuantileMethod("spline")), stats.ErrMethod, "spline"},
		"bad group key":  {da.GroupBy("time.fortnight").Median(), labelled.ErrGroup, "fortnight"},
		"errored input":  {labelled.Errored(errors.New("boom")).Median(), nil, "boom"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.r.Err()
			require.Error(t, err)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			assert.Contains(t, err.Error(), tc.in)
		})
	}
	var qe *stats.QuantileError
	require.ErrorAs(t, da.Quantiles([]float64{0.5, 3}, nil).Err(), &qe)
	assert.Equal(t, 1, qe.Index)

	b, err := block.FromSlice([]bool{true, false}, 2)
	require.NoError(t, err)
	flags := labelled.New(ndarray.FromDense(b, chunk.Uniform(2)), []string{"x"})
	require.NoError(t, flags.Err())
	assert.ErrorIs(t, flags.Quantile(0.5, nil).Err(), stats.ErrDType)

	ds, err := labelled.NewDataset([]*labelled.Array{da.WithName("v")}, nil)
	require.NoError(t, err)
	_, err = ds.Quantile(0.5, []string{"lat"})
	assert.ErrorIs(t, err, labelled.ErrDim)
	_, err = ds.Median("lat")
	assert.ErrorIs(t, err, labelled.ErrDim)
	_, err = ds.Quantiles([]float64{2}, nil)
	assert.ErrorIs(t, err, stats.ErrQuantile)
	assert.Contains(t, err.Error(), `"v"`)
}

// A list quantile of an array that already has a "quantile" dim, over
// another dim, would give two dims of that name: ErrDim.
func TestQuantilesOfQuantiles(t *testing.T) {
	da := dailySeries().ExpandDims("x", 0)
	require.NoError(t, da.Err())
	q := da.Quantiles([]float64{0.5}, []string{"time"})
	require.NoError(t, q.Err())
	require.Equal(t, []string{"quantile", "x"}, q.Dims())
	assert.ErrorIs(t, q.Quantiles([]float64{0.5}, []string{"x"}).Err(), labelled.ErrDim)
	assert.ErrorIs(t, dailySeries().Quantiles([]float64{0.5}, nil).GroupBy("quantile").Quantiles([]float64{0.5}).Err(), labelled.ErrDim)
}

// Options: skipna off gives NaN where a slice holds NaN; attrs are
// dropped unless kept; other coords on kept dims stay.
func TestQuantileOptions(t *testing.T) {
	d, err := block.FromSlice([]float64{1, math.NaN(), 3, 4, 5, 6}, 3, 2)
	require.NoError(t, err)
	x, err := labelled.NewCoord("lon", []string{"x"}, []int{2}, labelled.Float64Index{10, 20}, nil)
	require.NoError(t, err)
	da := labelled.New(ndarray.FromDense(d, chunk.Uniform(2)), []string{"t", "x"},
		labelled.Coords(x), labelled.Attrs(map[string]any{"units": "K"}))
	require.NoError(t, da.Err())
	ctx := context.Background()

	skip, err := da.Quantile(0.5, []string{"t"}).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{3, 5}, skip.Float64s())
	noskip := da.Quantile(0.5, []string{"t"}, labelled.QuantileSkipNA(false))
	v, err := noskip.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3.0, v.Float64(0))
	assert.True(t, math.IsNaN(v.Float64(1)))
	assert.Empty(t, noskip.Attrs())
	assert.NotNil(t, noskip.Coord("lon"))

	kept := da.Quantile(0.5, []string{"t"}, labelled.QuantileKeepAttrs())
	assert.Equal(t, "K", kept.Attrs()["units"])
	med := da.MedianWith([]string{"t"}, labelled.QuantileKeepAttrs(), labelled.QuantileSkipNA(false))
	assert.Equal(t, "K", med.Attrs()["units"])
	assert.Nil(t, med.Coord("quantile"))
	mv, err := med.Compute(ctx)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(mv.Float64(1)))
}
