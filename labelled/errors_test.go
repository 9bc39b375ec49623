package labelled_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

func vec(t testing.TB, vals ...float64) *ndarray.Array {
	t.Helper()
	d, err := block.FromSlice(vals, len(vals))
	require.NoError(t, err)
	return ndarray.FromDense(d, chunk.Spec{})
}

func TestSelErrors(t *testing.T) {
	nonMono := labelled.New(vec(t, 1, 2, 3, 4), []string{"x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{3, 1, 4, 2})))
	require.NoError(t, nonMono.Err())
	t2m := t2mExample()

	cases := []struct {
		name     string
		got      *labelled.Array
		sentinel error
		dim      string
		label    any
	}{
		{"slice on a non-monotonic index", nonMono.Sel(labelled.Slice("x", 1.0, 3.0)), labelled.ErrNotMonotonic, "x", 1.0},
		{"nearest on a non-monotonic index", nonMono.Sel(labelled.Label("x", 1.5).WithMethod(labelled.Nearest)), labelled.ErrNotMonotonic, "x", 1.5},
		{"missing label", t2m.Sel(labelled.Label("lon", 5.0)), labelled.ErrNotFound, "lon", 5.0},
		{"missing label in a list", t2m.Sel(labelled.Labels("lon", 0.0, 7.0)), labelled.ErrNotFound, "lon", 7.0},
		{"pad before the first label", t2m.Sel(labelled.Label("lon", -50.0).WithMethod(labelled.Pad)), labelled.ErrNotFound, "lon", -50.0},
		{"backfill past the last label", t2m.Sel(labelled.Label("lon", 50.0).WithMethod(labelled.Backfill)), labelled.ErrNotFound, "lon", 50.0},
		{"string on a numeric index", t2m.Sel(labelled.Label("lat", "north")), labelled.ErrLabelType, "lat", "north"},
		{"string slice on a numeric index", t2m.Sel(labelled.Slice("lat", "a", nil)), labelled.ErrLabelType, "lat", "a"},
		{"NaN label", t2m.Sel(labelled.Label("lat", nanv())), labelled.ErrNotFound, "lat", nil},
		{"no index", labelled.New(vec(t, 1, 2), []string{"x"}).Sel(labelled.Label("x", 1.0)), labelled.ErrNoIndex, "x", nil},
		{"missing non-monotonic", nonMono.Sel(labelled.Label("x", 9.0)), labelled.ErrNotFound, "x", 9.0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.got.Err()
			require.Error(t, err)
			assert.ErrorIs(t, err, c.sentinel)
			var le *labelled.LabelError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, c.dim, le.Dim)
			if c.label != nil {
				assert.Equal(t, c.label, le.Label)
			}
			assert.Contains(t, err.Error(), `"`+c.dim+`"`)
			// The error travels through later steps.
			_, cerr := c.got.Mean().Compute(context.Background())
			assert.ErrorIs(t, cerr, c.sentinel)
		})
	}
	// A non-monotonic index still selects exact labels and lists by scan.
	got := nonMono.Sel(labelled.Labels("x", 2.0, 3.0))
	d, err := got.Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []float64{4, 1}, d.Float64s())
	// A string index refuses nearest (no distance).
	st := labelled.New(vec(t, 1, 2), []string{"s"}, labelled.Coords(labelled.IndexCoord("s", labelled.StringIndex{"a", "c"})))
	assert.ErrorIs(t, st.Sel(labelled.Label("s", "b").WithMethod(labelled.Nearest)).Err(), labelled.ErrLabelType)
	// Pad and backfill work on strings.
	p := st.Sel(labelled.Label("s", "b").WithMethod(labelled.Pad))
	require.NoError(t, p.Err())
	assert.Equal(t, labelled.StringIndex{"a"}, p.Coord("s").Values())
}

func nanv() float64 { z := 0.0; return z / z }

func TestArgumentErrors(t *testing.T) {
	t2m := t2mExample()
	assert.ErrorIs(t, t2m.Sel(labelled.Label("depth", 1.0)).Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.Isel(labelled.At("depth", 1)).Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.Isel(labelled.At("lat", 3)).Err(), ndarray.ErrIndex)
	assert.ErrorIs(t, t2m.Isel(labelled.Take("lat", 0, -4)).Err(), ndarray.ErrIndex)
	assert.ErrorIs(t, t2m.Isel(labelled.Range("lat", 0, 2, 0)).Err(), ndarray.ErrIndex)
	assert.ErrorIs(t, t2m.Isel(labelled.At("lat", 0), labelled.At("lat", 1)).Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.Sel(labelled.Label("lat", 45.0).WithTolerance(-1)).Err(), labelled.ErrArgument)
	assert.ErrorIs(t, t2m.Mean("depth").Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.Reduce(labelled.ArgMax, []string{"lat", "lon"}).Err(), labelled.ErrArgument)
	assert.ErrorIs(t, t2m.Reduce(labelled.Reduction(99), nil).Err(), labelled.ErrArgument)
	assert.ErrorIs(t, t2m.Transpose("lat", "lon").Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.Transpose("lat", "lat", "lon").Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.Rename(map[string]string{"depth": "z"}).Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.Rename(map[string]string{"lat": "lon"}).Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.ExpandDims("lat", 0).Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.ExpandDims("band", 5).Err(), labelled.ErrDim)
	assert.ErrorIs(t, t2m.Squeeze("lat").Err(), labelled.ErrDim)
	assert.ErrorIs(t, labelled.New(nil, nil).Err(), labelled.ErrArgument)
	assert.ErrorIs(t, labelled.New(vec(t, 1, 2), []string{"x", "y"}).Err(), labelled.ErrDim)
	assert.ErrorIs(t, labelled.New(vec(t, 1, 2), []string{"x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{1, 2, 3}))).Err(), labelled.ErrCoord)
	assert.ErrorIs(t, labelled.New(vec(t, 1, 2), []string{"x"},
		labelled.Coords(labelled.IndexCoord("y", labelled.Float64Index{1, 2}))).Err(), labelled.ErrCoord)
	assert.ErrorIs(t, labelled.New(vec(t, 1, 2), []string{"x"}, labelled.Coords(nil)).Err(), labelled.ErrCoord)
	_, err := labelled.NewCoord("c", []string{"x"}, []int{3}, labelled.Float64Index{1}, nil)
	assert.ErrorIs(t, err, labelled.ErrCoord)
	_, err = labelled.NewCoord("c", []string{"x", "x"}, []int{1, 1}, labelled.Float64Index{1}, nil)
	assert.ErrorIs(t, err, labelled.ErrCoord)
	_, err = labelled.ScalarCoord("c", struct{}{})
	assert.ErrorIs(t, err, labelled.ErrCoord)
	assert.ErrorIs(t, labelled.Add(t2m, "x").Err(), labelled.ErrArgument)
	assert.ErrorIs(t, labelled.Add(t2m, vec(t, 1)).Err(), labelled.ErrArgument)
	assert.ErrorIs(t, labelled.Add(1.0, 2.0).Err(), labelled.ErrArgument)
	assert.ErrorIs(t, labelled.Where(nil, 1.0, 2.0).Err(), labelled.ErrArgument)
	var nilArr *labelled.Array
	assert.ErrorIs(t, nilArr.Err(), labelled.ErrArgument)
	assert.ErrorIs(t, labelled.Add(nilArr, t2m).Err(), labelled.ErrArgument)
	assert.ErrorIs(t, labelled.Concat("", nil, nil).Err(), labelled.ErrArgument)
}

func TestAlignErrors(t *testing.T) {
	// One dim name, two sizes, no index.
	a := labelled.New(vec(t, 1, 2, 3), []string{"x"})
	b := labelled.New(vec(t, 1, 2), []string{"x"})
	err := labelled.Add(a, b).Err()
	var ae *labelled.AlignError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "x", ae.Dim)
	assert.ErrorIs(t, err, labelled.ErrAlign)

	// An unindexed dim against an index of another length.
	c := labelled.New(vec(t, 1, 2), []string{"x"}, labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{5, 6})))
	assert.ErrorIs(t, labelled.Add(a, c).Err(), labelled.ErrAlign)
	// Same length: the index is taken.
	d := labelled.New(vec(t, 1, 2), []string{"x"})
	s := labelled.Add(d, c)
	require.NoError(t, s.Err())
	assert.Equal(t, labelled.Float64Index{5, 6}, s.Index("x"))

	// Repeated labels cannot be re-indexed.
	dup := labelled.New(vec(t, 1, 2, 3), []string{"x"}, labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{5, 5, 6})))
	require.ErrorAs(t, labelled.Add(dup, c).Err(), &ae)
	assert.Contains(t, ae.Detail, "more than once")

	// Labels of different kinds do not join.
	str := labelled.New(vec(t, 1, 2), []string{"x"}, labelled.Coords(labelled.IndexCoord("x", labelled.StringIndex{"a", "b"})))
	assert.ErrorIs(t, labelled.Add(str, c, labelled.WithJoin(labelled.JoinOuter)).Err(), labelled.ErrAlign)

	// Concat with other indexes off the concat dim.
	e := labelled.New(vec(t, 1, 2), []string{"x"}, labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{7, 8})))
	assert.ErrorIs(t, labelled.Concat("member", []*labelled.Array{c, e}, nil).Err(), labelled.ErrAlign)
	assert.ErrorIs(t, labelled.Concat("member", []*labelled.Array{c, c}, labelled.Int64Index{1}).Err(), labelled.ErrCoord)
}

func TestDatasetErrors(t *testing.T) {
	t2m := t2mExample()
	_, err := labelled.NewDataset([]*labelled.Array{t2m.WithName("")}, nil)
	assert.ErrorIs(t, err, labelled.ErrArgument)
	_, err = labelled.NewDataset([]*labelled.Array{t2m, t2m}, nil)
	assert.ErrorIs(t, err, labelled.ErrMerge)
	short := t2m.Isel(labelled.Range("lat", 0, 2, 1)).DropCoords("lat").WithName("short")
	_, err = labelled.NewDataset([]*labelled.Array{t2m, short}, nil)
	var ae *labelled.AlignError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "lat", ae.Dim)
	other := t2m.WithCoords(labelled.IndexCoord("lon", labelled.Float64Index{1, 2, 3, 4})).WithName("other")
	_, err = labelled.NewDataset([]*labelled.Array{t2m, other}, nil)
	assert.ErrorIs(t, err, labelled.ErrMerge)
	assert.Contains(t, err.Error(), `"lon"`)

	ds, err := labelled.NewDataset([]*labelled.Array{t2m}, map[string]any{"title": "t"})
	require.NoError(t, err)
	assert.ErrorIs(t, ds.Var("nope").Err(), labelled.ErrArgument)
	_, err = ds.Sel(labelled.Label("depth", 1.0))
	assert.ErrorIs(t, err, labelled.ErrDim)
	_, err = ds.Sel(labelled.Label("lat", 44.0))
	assert.ErrorIs(t, err, labelled.ErrNotFound)
	_, err = labelled.Merge()
	assert.ErrorIs(t, err, labelled.ErrArgument)
	_, err = labelled.Merge(ds, nil)
	assert.ErrorIs(t, err, labelled.ErrArgument)
	assert.True(t, errors.Is(err, labelled.ErrArgument))
}

func TestIndexCoordWinsOverScalar(t *testing.T) {
	t2m := t2mExample()
	row := t2m.Sel(labelled.Label("lat", 45.0)) // lat is a scalar coordinate
	s := labelled.Add(row, t2m)                 // t2m has lat as its index
	require.NoError(t, s.Err())
	assert.Equal(t, []string{"time", "lon", "lat"}, s.Dims())
	assert.Equal(t, labelled.Float64Index{60, 45, 30}, s.Index("lat"))
	assert.ErrorIs(t, t2m.Sel(labelled.Slice("lat", 60.0, 30.0).WithMethod(labelled.Nearest)).Err(), labelled.ErrArgument)
}
