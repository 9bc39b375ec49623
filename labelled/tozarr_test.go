package labelled_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// writeCube is the dataset the ToZarr tests write: t2m(time, lat, lon)
// packed as int16 with scale/offset/_FillValue and one NaN, count(time)
// int64, obs(time, site) on a string site coordinate, a descending lat, a
// non-dimension coordinate elev(lat, lon), scalar coordinates level (a
// number) and band (a string), and a daily time in cal starting 2000-12-01.
func writeCube(t testing.TB, cal cftime.Calendar, nt int) *labelled.Dataset {
	t.Helper()
	counts := make([]int64, nt)
	for i := range counts {
		counts[i] = int64(i)
	}
	ts, err := cftime.NewTimes(cftime.MustDate(cal, 2000, 12, 1, 0, 0, 0, 0), cftime.Day, counts)
	require.NoError(t, err)
	lat := labelled.Float64Index{60, 55, 50, 45}
	lon := labelled.Float64Index{-10, -5, 0, 5, 10}
	vals := make([]float64, nt*4*5)
	for i := range vals {
		vals[i] = 270 + float64(i%97)*0.25
	}
	vals[7] = math.NaN()
	d, err := block.FromSlice(vals, nt, 4, 5)
	require.NoError(t, err)
	elev := make([]float64, 20)
	for i := range elev {
		elev[i] = float64(i * 10)
	}
	elevC, err := labelled.NewCoord("elev", []string{"lat", "lon"}, []int{4, 5}, labelled.Float64Index(elev), map[string]any{"units": "m"})
	require.NoError(t, err)
	level, err := labelled.ScalarCoord("level", 850.0)
	require.NoError(t, err)
	band, err := labelled.ScalarCoord("band", "red")
	require.NoError(t, err)
	timeC := labelled.IndexCoord("time", labelled.NewTimeIndex(ts)).WithAttrs(map[string]any{"standard_name": "time"})
	t2m := labelled.New(ndarray.FromDense(d, chunk.PerAxis(10, 4, 5)), []string{"time", "lat", "lon"},
		labelled.Name("t2m"),
		labelled.Attrs(map[string]any{"units": "K", "long_name": "2 m temperature"}),
		labelled.Encoding(map[string]any{"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32768.0}),
		labelled.Coords(timeC, labelled.IndexCoord("lat", lat), labelled.IndexCoord("lon", lon), elevC, level, band))
	cnt := make([]int64, nt)
	for i := range cnt {
		cnt[i] = int64(i % 3) // zeros must stay zeros
	}
	cd, err := block.FromSlice(cnt, nt)
	require.NoError(t, err)
	count := labelled.New(ndarray.FromDense(cd, chunk.Spec{}), []string{"time"}, labelled.Name("count"), labelled.Coords(timeC))
	obsV := make([]float64, nt*3)
	for i := range obsV {
		obsV[i] = float64(i) / 4
	}
	od, err := block.FromSlice(obsV, nt, 3)
	require.NoError(t, err)
	obs := labelled.New(ndarray.FromDense(od, chunk.Spec{}), []string{"time", "site"}, labelled.Name("obs"),
		labelled.Coords(timeC, labelled.IndexCoord("site", labelled.StringIndex{"a", "bb", "ccc"})))
	ds, err := labelled.NewDataset([]*labelled.Array{t2m, count, obs}, map[string]any{"title": "tessera cube", "version": 2.0})
	require.NoError(t, err)
	return ds
}

// assertSameDataset checks that got has want's dims, coordinates (labels,
// dims, attrs), data variables (values within tol, attrs) and attrs.
func assertSameDataset(t *testing.T, want, got *labelled.Dataset, tol float64) {
	t.Helper()
	ctx := context.Background()
	assert.Equal(t, want.Sizes(), got.Sizes())
	assert.Equal(t, orNilMap(want.Attrs()), orNilMap(got.Attrs()))
	assert.ElementsMatch(t, want.Names(), got.Names())
	gc := map[string]*labelled.Coord{}
	for _, c := range got.Coords() {
		gc[c.Name()] = c
	}
	require.Len(t, gc, len(want.Coords()))
	for _, w := range want.Coords() {
		g := gc[w.Name()]
		require.NotNil(t, g, "coordinate %q", w.Name())
		assert.Equal(t, orNil(w.Dims()), orNil(g.Dims()), "coordinate %q", w.Name())
		assert.Equal(t, orNilMap(w.Attrs()), orNilMap(g.Attrs()), "coordinate %q", w.Name())
		require.Equal(t, w.Values().Len(), g.Values().Len(), "coordinate %q", w.Name())
		for i := range w.Values().Len() {
			assert.Equal(t, w.Values().Key(i), g.Values().Key(i), "coordinate %q label %d", w.Name(), i)
		}
	}
	for _, n := range want.Names() {
		wv, gv := want.Var(n), got.Var(n)
		assert.Equal(t, wv.Dims(), gv.Dims(), n)
		assert.Equal(t, orNilMap(wv.Attrs()), orNilMap(gv.Attrs()), n)
		wd, err := wv.Compute(ctx)
		require.NoError(t, err)
		gd, err := gv.Compute(ctx)
		require.NoError(t, err)
		if wd.DType().IsString() {
			assert.Equal(t, block.Values[string](wd), block.Values[string](gd), n)
			continue
		}
		wf, gf := wd.Float64s(), gd.Float64s()
		require.Len(t, gf, len(wf), n)
		for i := range wf {
			if math.IsNaN(wf[i]) {
				assert.True(t, math.IsNaN(gf[i]), "%s[%d] = %v, want NaN", n, i, gf[i])
				continue
			}
			assert.InDelta(t, wf[i], gf[i], tol, "%s[%d]", n, i)
		}
	}
}

// TestToZarrRoundTrip writes datasets with ToZarr in both formats and
// every calendar kind, and checks that OpenZarr reads back what was
// written: dims, coordinates (times in their calendar, strings, scalar and
// non-dimension ones), packed values within half a packing step, attrs,
// and integer zeros left as zeros.
func TestToZarrRoundTrip(t *testing.T) {
	for _, cal := range []cftime.Calendar{cftime.Standard, cftime.NoLeap, cftime.Day360, cftime.Julian, cftime.AllLeap, cftime.ProlepticGregorian} {
		for _, format := range []int{2, 3} {
			t.Run(cal.String()+"/v"+string(rune('0'+format)), func(t *testing.T) {
				ds := writeCube(t, cal, 100)
				s := zarr.NewMemoryStore()
				require.NoError(t, ds.ToZarr(t.Context(), s, "cube", labelled.ZarrOptions{Format: format}))
				back, err := labelled.OpenZarr(t.Context(), s, "cube")
				require.NoError(t, err)
				assertSameDataset(t, ds, back, 0.005+1e-9)
				cnt, err := back.Var("count").Compute(t.Context())
				require.NoError(t, err)
				assert.Equal(t, block.Int64, cnt.DType(), "an integer variable without _FillValue stays integer")
				tix, ok := back.Var("t2m").Coord("time").Values().(labelled.TimeIndex)
				require.True(t, ok)
				assert.Equal(t, cal, tix.Times().Calendar())
				// Written again from what was read, it reads the same.
				s2 := zarr.NewMemoryStore()
				require.NoError(t, back.ToZarr(t.Context(), s2, "", labelled.ZarrOptions{Format: format}))
				again, err := labelled.OpenZarr(t.Context(), s2, "")
				require.NoError(t, err)
				assertSameDataset(t, back, again, 1e-12)
			})
		}
	}
}

func orNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func orNilMap(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// TestToZarrBadArguments: each bad argument is a clear error wrapping a
// sentinel and naming what is wrong, and nothing is written.
func TestToZarrBadArguments(t *testing.T) {
	ds := writeCube(t, cftime.NoLeap, 10)
	ctx := t.Context()
	s := zarr.NewMemoryStore()
	var nilDS *labelled.Dataset
	for name, c := range map[string]struct {
		err  error
		want string
		run  func() error
	}{
		"nil dataset": {labelled.ErrArgument, "nil dataset", func() error { return nilDS.ToZarr(ctx, s, "", labelled.ZarrOptions{}) }},
		"nil store":   {labelled.ErrArgument, "nil store", func() error { return ds.ToZarr(ctx, nil, "", labelled.ZarrOptions{}) }},
		"format":      {labelled.ErrArgument, "format 4", func() error { return ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 4}) }},
		"unknown encoding name": {labelled.ErrArgument, `"nope"`, func() error {
			return ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Encoding: map[string]map[string]any{"nope": {"dtype": "int16"}}})
		}},
		"bad dtype": {labelled.ErrArgument, `variable "t2m"`, func() error {
			return ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Encoding: map[string]map[string]any{"t2m": {"dtype": "int17"}}})
		}},
		"calendar mismatch": {labelled.ErrCoord, `coordinate "time"`, func() error {
			return ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Encoding: map[string]map[string]any{"time": {"calendar": "360_day"}}})
		}},
		"unknown calendar": {cftime.ErrCalendar, `coordinate "time"`, func() error {
			return ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Encoding: map[string]map[string]any{"time": {"calendar": "martian"}}})
		}},
		"unparsable units": {cftime.ErrUnits, `coordinate "time"`, func() error {
			return ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Encoding: map[string]map[string]any{"time": {"units": "fortnights since then"}}})
		}},
		"append dim": {labelled.ErrDim, `"depth"`, func() error { return ds.AppendZarr(ctx, s, "", "depth", labelled.ZarrOptions{}) }},
		"region dim": {labelled.ErrDim, `"depth"`, func() error {
			return ds.ToZarrRegion(ctx, s, "", map[string]int{"depth": 0}, labelled.ZarrOptions{})
		}},
		"errored array": {labelled.ErrArgument, "no variable", func() error { return ds.Var("missing").ToZarr(ctx, s, "", labelled.ZarrOptions{}) }},
	} {
		t.Run(name, func(t *testing.T) {
			err := c.run()
			require.Error(t, err)
			assert.ErrorIs(t, err, c.err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, err := s.Get(ctx, ".zgroup")
	assert.Error(t, err, "a refused write leaves nothing behind")
	_, err = s.Get(ctx, "zarr.json")
	assert.Error(t, err, "a refused write leaves nothing behind")
}

// TestToZarrKeepsStoredUnits: a time coordinate opened from a store keeps
// the store's units and calendar spelling in its encoding when written
// again, rather than inferred ones.
func TestToZarrKeepsStoredUnits(t *testing.T) {
	ctx := t.Context()
	ds := writeCube(t, cftime.Day360, 10)
	s := zarr.NewMemoryStore()
	enc := map[string]map[string]any{"time": {"units": "hours since 2000-01-01", "calendar": "360_day"}}
	require.NoError(t, ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2, Encoding: enc}))
	a, err := zarr.OpenArray(ctx, s, "time")
	require.NoError(t, err)
	assert.Equal(t, "hours since 2000-01-01 00:00:00", a.Meta().Attributes["units"])
	raw, err := a.ReadAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(11*30*24), block.Values[int64](raw)[0], "2000-12-01 is 330 days of 24 h after 2000-01-01 in 360_day")
	back, err := labelled.OpenZarr(ctx, s, "")
	require.NoError(t, err)
	tc := back.Var("t2m").Coord("time").WithEncoding(map[string]any{"units": "hours since 2000-01-01", "calendar": "360_day"})
	assert.Equal(t, "hours since 2000-01-01", tc.Encoding()["units"])
	assertSameDataset(t, ds, back, 0.005+1e-9)
}

// TestToZarrEncodingOption: opts.Encoding applies to a variable that has
// no encoding of its own (count is stored int32) and overrides keys of
// one that has (t2m's chunks), leaving its other keys (int16 packing).
func TestToZarrEncodingOption(t *testing.T) {
	ctx := t.Context()
	ds := writeCube(t, cftime.Standard, 30)
	s := zarr.NewMemoryStore()
	enc := map[string]map[string]any{"count": {"dtype": "int32"}, "t2m": {"chunks": []int{7, 2, 5}}}
	require.NoError(t, ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2, Encoding: enc}))
	c, err := zarr.OpenArray(ctx, s, "count")
	require.NoError(t, err)
	assert.Equal(t, block.Int32, c.DType())
	a, err := zarr.OpenArray(ctx, s, "t2m")
	require.NoError(t, err)
	assert.Equal(t, block.Int16, a.DType())
	assert.Equal(t, []int{7, 2, 5}, a.Chunks())
	back, err := labelled.OpenZarr(ctx, s, "")
	require.NoError(t, err)
	assertSameDataset(t, ds, back, 0.005+1e-9)
}

// TestAppendZarrStringCoord appends stations (a string dimension
// coordinate, written from memory) in both formats; OpenZarr reads every
// station and value.
func TestAppendZarrStringCoord(t *testing.T) {
	mk := func(names []string, start float64) *labelled.Dataset {
		vals := make([]float64, len(names))
		for i := range vals {
			vals[i] = start + float64(i)
		}
		d, err := block.FromSlice(vals, len(names))
		require.NoError(t, err)
		a := labelled.New(ndarray.FromDense(d, chunk.Spec{}), []string{"station"}, labelled.Name("pr"),
			labelled.Coords(labelled.IndexCoord("station", labelled.StringIndex(names))))
		ds, err := labelled.NewDataset([]*labelled.Array{a}, nil)
		require.NoError(t, err)
		return ds
	}
	for _, format := range []int{2, 3} {
		s := zarr.NewMemoryStore()
		require.NoError(t, mk([]string{"Bergen", "Oslo"}, 0).ToZarr(t.Context(), s, "g", labelled.ZarrOptions{Format: format}))
		require.NoError(t, mk([]string{"Tromsø", "Ås", "Bodø"}, 2).AppendZarr(t.Context(), s, "g", "station", labelled.ZarrOptions{}))
		back, err := labelled.OpenZarr(t.Context(), s, "g")
		require.NoError(t, err)
		assertSameDataset(t, mk([]string{"Bergen", "Oslo", "Tromsø", "Ås", "Bodø"}, 0), back, 0)
	}
}

// TestToZarrTimeDType: a time coordinate's encoding dtype is honoured
// (int32 offsets), and an integer dtype for times that are not whole
// units is ErrCoord naming the coordinate, not a silent truncation.
func TestToZarrTimeDType(t *testing.T) {
	ctx := t.Context()
	ds := writeCube(t, cftime.NoLeap, 20)
	s := zarr.NewMemoryStore()
	require.NoError(t, ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2, Encoding: map[string]map[string]any{"time": {"dtype": "int32"}}}))
	a, err := zarr.OpenArray(ctx, s, "time")
	require.NoError(t, err)
	assert.Equal(t, block.Int32, a.DType())
	back, err := labelled.OpenZarr(ctx, s, "")
	require.NoError(t, err)
	assertSameDataset(t, ds, back, 0.005+1e-9)

	err = ds.ToZarr(ctx, zarr.NewMemoryStore(), "", labelled.ZarrOptions{Encoding: map[string]map[string]any{
		"time": {"dtype": "int64", "units": "days since 2000-11-30 12:00:00"}}})
	require.Error(t, err)
	assert.ErrorIs(t, err, labelled.ErrCoord)
	assert.Contains(t, err.Error(), `coordinate "time"`)
}

// A time coordinate opened from a store keeps its units and calendar as
// its encoding, so writing the dataset back stores the same numbers.
func TestOpenedTimesKeepTheirUnits(t *testing.T) {
	ctx := t.Context()
	src := zarr.NewMemoryStore()
	hours, err := block.FromSlice([]int64{0, 6, 12, 18}, 4)
	require.NoError(t, err)
	vals, err := block.FromSlice([]float64{1, 2, 3, 4}, 4)
	require.NoError(t, err)
	require.NoError(t, zarr.WriteDataset(ctx, src, "", zarr.Dataset{Vars: map[string]zarr.Variable{
		"time": {Dims: []string{"time"}, Data: ndarray.FromDense(hours, chunk.Spec{}),
			Attrs: map[string]any{"units": "hours since 2001-01-01 00:00:00", "calendar": "360_day"}},
		"v": {Dims: []string{"time"}, Data: ndarray.FromDense(vals, chunk.Spec{})},
	}}, 2))
	ds, err := labelled.OpenZarr(ctx, src, "")
	require.NoError(t, err)
	c := ds.Var("v").Coord("time")
	assert.Equal(t, "hours since 2001-01-01 00:00:00", c.Encoding()["units"])
	assert.NotContains(t, c.Attrs(), "units", "units are encoding, not attrs")

	dst := zarr.NewMemoryStore()
	require.NoError(t, ds.ToZarr(ctx, dst, "", labelled.ZarrOptions{Format: 2}))
	back, err := zarr.OpenDataset(ctx, dst, "", false)
	require.NoError(t, err)
	assert.Equal(t, "hours since 2001-01-01 00:00:00", back.Vars["time"].Attrs["units"])
	assert.Equal(t, "360_day", back.Vars["time"].Attrs["calendar"])
	d, err := back.Vars["time"].Data.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 6, 12, 18}, d.Float64s())
}
