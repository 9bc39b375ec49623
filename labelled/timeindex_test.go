package labelled_test

import (
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

// fixtureEpoch is the epoch of make_fixtures.py's time values.
var fixtureEpoch = cftime.MustDate(cftime.Standard, 2020, 1, 1, 0, 0, 0, 0)

// noleapDays is a daily noleap axis of n days from 2001-01-01 with values
// 0..n-1, chunked in 30 days.
func noleapDays(t *testing.T, n int) *labelled.Array {
	t.Helper()
	counts := make([]int64, n)
	vals := make([]float64, n)
	for i := range counts {
		counts[i], vals[i] = int64(i), float64(i)
	}
	ts, err := cftime.NewTimes(cftime.MustDate(cftime.NoLeap, 2001, 1, 1, 0, 0, 0, 0), cftime.Day, counts)
	require.NoError(t, err)
	c, err := labelled.NewCoord("time", []string{"time"}, []int{n}, labelled.NewTimeIndex(ts), nil)
	require.NoError(t, err)
	d, err := block.FromSlice(vals, n)
	require.NoError(t, err)
	a := labelled.New(ndarray.FromDense(d, chunk.Uniform(30)), []string{"time"}, labelled.Name("v"), labelled.Coords(c))
	require.NoError(t, a.Err())
	return a
}

func values(t *testing.T, a *labelled.Array) []float64 {
	t.Helper()
	require.NoError(t, a.Err())
	d, err := a.Compute(t.Context())
	require.NoError(t, err)
	return d.Float64s()
}

// A date that does not exist in the axis's calendar, or a label that is
// not a time, is an error naming the label and the dim (xarray raises
// ValueError for the first and TypeError for the others).
func TestTimeIndexBadLabels(t *testing.T) {
	a := noleapDays(t, 3*365)
	for label, want := range map[any]error{
		"2002-02-29": labelled.ErrLabelType, // no leap day in noleap
		"2002-13":    labelled.ErrLabelType,
		"tomorrow":   labelled.ErrLabelType,
		3.5:          labelled.ErrLabelType,
		time.Now():   labelled.ErrLabelType, // Go times are real-calendar only
		cftime.MustDate(cftime.Day360, 2002, 2, 30, 0, 0, 0, 0): labelled.ErrLabelType,
	} {
		err := a.Sel(labelled.Label("time", label)).Err()
		var le *labelled.LabelError
		require.ErrorAs(t, err, &le, "%v", label)
		assert.Equal(t, "time", le.Dim)
		assert.ErrorIs(t, err, want, "%v", label)
	}
}

// Tolerances are in seconds; a finer string is a point for Nearest.
func TestTimeIndexNearestTolerance(t *testing.T) {
	a := noleapDays(t, 365)
	near := a.Sel(labelled.Label("time", "2001-03-01T13:00").WithMethod(labelled.Nearest))
	assert.Equal(t, []float64{60}, values(t, near)) // 11 h before 03-02 (day 60)
	far := a.Sel(labelled.Label("time", "2001-03-01T13:00").WithMethod(labelled.Nearest).WithTolerance(3600))
	assert.ErrorIs(t, far.Err(), labelled.ErrNotFound)
	ok := a.Sel(labelled.Label("time", "2001-03-01T13:00").WithMethod(labelled.Nearest).WithTolerance(12 * 3600))
	assert.Equal(t, []float64{60}, values(t, ok))
}

// Take and Concat keep the times and the calendar; the repr and DType say
// the calendar as xarray's do.
func TestTimeIndexTakeConcatRepr(t *testing.T) {
	a := noleapDays(t, 3*365)
	ix := a.Coord("time").Values().(labelled.TimeIndex)
	assert.Equal(t, "cftime[noleap]", ix.DType())
	assert.Equal(t, "2001-01-01T00:00:00", ix.Format(0))
	first, rest := ix.Take([]int{0, 1, 2}), ix.Take([]int{3, 4})
	joined, err := first.Concat(rest)
	require.NoError(t, err)
	require.Equal(t, 5, joined.Len())
	for i := range 5 {
		assert.Equal(t, ix.Label(i), joined.Label(i))
	}
	_, err = first.Concat(labelled.Float64Index{1})
	assert.ErrorIs(t, err, labelled.ErrMerge)
	halves := labelled.Concat("time", []*labelled.Array{
		a.Isel(labelled.Range("time", 0, 400, 1)), a.Isel(labelled.Range("time", 400, 3*365, 1)),
	}, nil)
	assert.Equal(t, values(t, a), values(t, halves))
	assert.Contains(t, a.String(), "2001-01-01")
	assert.Contains(t, a.String(), "2003-12-31")

	std, err := cftime.NewTimes(fixtureEpoch, cftime.Hour, []int64{0, 1, 2})
	require.NoError(t, err)
	assert.Equal(t, "datetime64[ns]", labelled.NewTimeIndex(std).DType())
}

// On an hourly standard axis a day is an interval (coarser than the
// resolution), as pandas reads it; on a daily one it is a point.
func TestTimeIndexResolution(t *testing.T) {
	counts := make([]int64, 72)
	vals := make([]float64, 72)
	for i := range counts {
		counts[i], vals[i] = int64(i), float64(i)
	}
	ts, err := cftime.NewTimes(fixtureEpoch, cftime.Hour, counts)
	require.NoError(t, err)
	c, err := labelled.NewCoord("time", []string{"time"}, []int{72}, labelled.NewTimeIndex(ts), nil)
	require.NoError(t, err)
	d, err := block.FromSlice(vals, 72)
	require.NoError(t, err)
	a := labelled.New(ndarray.FromDense(d, chunk.Uniform(10)), []string{"time"}, labelled.Coords(c))
	day := values(t, a.Sel(labelled.Label("time", "2020-01-02")))
	require.Len(t, day, 24)
	assert.Equal(t, 24.0, day[0])
	assert.Equal(t, []float64{25}, values(t, a.Sel(labelled.Label("time", "2020-01-02T01"))))
}
