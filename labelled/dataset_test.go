package labelled_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

func TestDatasetSelAndRepr(t *testing.T) {
	ctx := context.Background()
	t2m := t2mExample()
	clim := t2m.Mean("time").WithName("clim")
	h, err := labelled.ScalarCoord("height", 2.0)
	require.NoError(t, err)
	ds, err := labelled.NewDataset([]*labelled.Array{t2m.WithCoords(h), clim}, map[string]any{"title": "demo"})
	require.NoError(t, err)
	assert.Equal(t, []string{"t2m", "clim"}, ds.Names())
	assert.Equal(t, []string{"time", "lat", "lon"}, ds.Dims())
	assert.Equal(t, map[string]int{"time": 4, "lat": 3, "lon": 4}, ds.Sizes())

	// ds.sel(lat=45) applies to both variables; clim keeps its dims without
	// time, and the scalar coordinate height reaches every variable.
	sub, err := ds.Sel(labelled.Label("lat", 45.0), labelled.Slice("time", 1, 2))
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"time": 2, "lon": 4}, sub.Sizes())
	c := sub.Var("clim")
	assert.Equal(t, []string{"lon"}, c.Dims())
	require.NotNil(t, c.Coord("lat"))
	assert.Empty(t, c.Coord("lat").Dims())
	require.NotNil(t, c.Coord("height"))
	v, err := c.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{22, 23, 24, 25}, v.Float64s())
	v, err = sub.Var("t2m").Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{16, 17, 18, 19, 28, 29, 30, 31}, v.Float64s())

	is, err := ds.Isel(labelled.At("lon", 0))
	require.NoError(t, err)
	assert.Equal(t, []string{"time", "lat"}, is.Var("t2m").Dims())

	r := ds.String()
	for _, want := range []string{
		"<labelled.Dataset> Size: ",
		"Dimensions:  (time: 4, lat: 3, lon: 4)",
		"  * lat      (lat) float64 24B 60.0 45.0 30.0",
		"    height   float64 8B 2.0",
		"    t2m      (time, lat, lon) float64 384B ndarray.Array<chunksize=",
		"    clim     (lat, lon) float64 96B",
		"    title:    demo",
	} {
		assert.Contains(t, r, want)
	}
	// First and last labels of a long coordinate.
	long := longAxis(t)
	assert.Contains(t, long.String(), "  * time     (time) int64 800kB 0 3600 ... 359996400")
	assert.Contains(t, long.String(), "<labelled.Array (time: 100000, lat: 180, lon: 360)> Size: 26GB")
	assert.True(t, strings.HasPrefix(labelled.Errored(labelled.ErrDim).String(), "<labelled.Array error:"))
}

func TestCoordinatesFollowSelection(t *testing.T) {
	ctx := context.Background()
	// obs(station, time) with string stations and lat/lon on the station dim.
	st := labelled.New(vec(t, 1, 2, 3, 4, 5, 6), []string{"station"},
		labelled.Name("obs"),
		labelled.Coords(
			labelled.IndexCoord("station", labelled.StringIndex{"a", "b", "b", "c", "d", "e"}),
			must(labelled.NewCoord("slat", []string{"station"}, []int{6}, labelled.Float64Index{50, 51, 52, 53, 54, 55}, nil)),
		))
	require.NoError(t, st.Err())
	// A repeated label selects all its positions and keeps the dim.
	b := st.Sel(labelled.Label("station", "b"))
	require.NoError(t, b.Err())
	assert.Equal(t, []string{"station"}, b.Dims())
	assert.Equal(t, labelled.Float64Index{51, 52}, b.Coord("slat").Values())
	// Rename follows coordinates; ExpandDims lifts a scalar coordinate to a
	// dimension coordinate.
	one := st.Sel(labelled.Label("station", "d"))
	require.NoError(t, one.Err())
	assert.Empty(t, one.Dims())
	back := one.ExpandDims("station", 0)
	require.NoError(t, back.Err())
	assert.Equal(t, labelled.StringIndex{"d"}, back.Index("station"))
	ren := st.Rename(map[string]string{"station": "site"})
	require.NoError(t, ren.Err())
	assert.Equal(t, []string{"site"}, ren.Dims())
	assert.NotNil(t, ren.Index("site"))
	assert.Equal(t, []string{"site"}, ren.Coord("slat").Dims())
	// Squeeze with no names drops every length-one dim.
	sq := back.Squeeze()
	require.NoError(t, sq.Err())
	assert.Empty(t, sq.Dims())
	v, err := sq.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{5}, v.Float64s())
	// Attrs stay through selection and are dropped by arithmetic.
	a := t2mExample()
	assert.Equal(t, "K", a.Isel(labelled.At("time", 0)).Attrs()["units"])
	assert.Empty(t, labelled.Add(a, 1.0).Attrs())
	assert.Equal(t, "K", a.Reduce(labelled.Mean, []string{"time"}, labelled.KeepAttrs()).Attrs()["units"])
	// Encoding is kept apart from attrs.
	e := labelled.New(vec(t, 1), []string{"x"}, labelled.Encoding(map[string]any{"_FillValue": -9999.0}), labelled.Attrs(map[string]any{"units": "m"}))
	assert.Equal(t, map[string]any{"_FillValue": -9999.0}, e.Encoding())
	assert.Equal(t, map[string]any{"units": "m"}, e.Attrs())
}

// TestDatasetCoordWithoutVariable: a coordinate on a dim no variable has is
// selected with the rest, as xarray keeps it.
func TestDatasetCoordWithoutVariable(t *testing.T) {
	s := labelled.New(vec(t, 1, 2, 3), []string{"time"}, labelled.Name("s"),
		labelled.Coords(labelled.IndexCoord("time", labelled.Int64Index{0, 1, 2})))
	ds, err := labelled.NewDataset([]*labelled.Array{s}, nil)
	require.NoError(t, err)
	band := labelled.New(vec(t, 0, 0), []string{"band"}, labelled.Name("unused"),
		labelled.Coords(labelled.IndexCoord("band", labelled.StringIndex{"red", "nir"})))
	ds2, err := labelled.NewDataset([]*labelled.Array{band}, nil)
	require.NoError(t, err)
	m, err := labelled.Merge(ds, ds2)
	require.NoError(t, err)
	only, err := labelled.Merge(ds)
	require.NoError(t, err)
	_ = only
	sub, err := m.Sel(labelled.Label("band", "nir"), labelled.Slice("time", 1, nil))
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"time": 2}, sub.Sizes())
	var names []string
	for _, c := range sub.Coords() {
		names = append(names, c.Name())
	}
	assert.ElementsMatch(t, []string{"time", "band"}, names)
	v, err := sub.Var("s").Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []float64{2, 3}, v.Float64s())
	_, err = m.Isel(labelled.At("band", 2))
	assert.Error(t, err)
}

// Dataset reductions refuse dims the dataset lacks; Map may drop variables.
func TestDatasetReduceAndMapErrors(t *testing.T) {
	d, err := block.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	require.NoError(t, err)
	a := labelled.New(ndarray.FromDense(d, chunk.Spec{}), []string{"y", "x"}, labelled.Name("a"))
	b := labelled.New(ndarray.FromDense(d, chunk.Spec{}).Mul(2), []string{"y", "x"}, labelled.Name("b"))
	ds, err := labelled.NewDataset([]*labelled.Array{a, b}, map[string]any{"title": "t"})
	require.NoError(t, err)

	_, err = ds.Reduce(labelled.Mean, []string{"time"})
	assert.ErrorIs(t, err, labelled.ErrDim)

	only, err := ds.Map(func(name string, v *labelled.Array) *labelled.Array {
		if name == "a" {
			return nil
		}
		return labelled.Add(v, 1.0)
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, only.Names())
	assert.Equal(t, map[string]any{"title": "t"}, only.Attrs())
	m, err := only.Mean("x")
	require.NoError(t, err)
	v, err := m.Var("b").Compute(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []float64{5, 11}, v.Float64s()) // mean of 2*[1 2 3]+1, of 2*[4 5 6]+1

	_, err = ds.Map(func(string, *labelled.Array) *labelled.Array { return labelled.Errored(labelled.ErrCoord) })
	assert.ErrorIs(t, err, labelled.ErrCoord)
}
