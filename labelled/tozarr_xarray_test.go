package labelled_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/zarr"
)

type xrVar struct {
	Dims     []string       `json:"dims"`
	DType    string         `json:"dtype"`
	Values   []any          `json:"values"`
	Attrs    map[string]any `json:"attrs"`
	Calendar string         `json:"calendar"`
	Encoding map[string]any `json:"encoding"`
}

type xrDataset struct {
	Xarray string           `json:"xarray"`
	Sizes  map[string]int   `json:"sizes"`
	Attrs  map[string]any   `json:"attrs"`
	Coords map[string]xrVar `json:"coords"`
	Vars   map[string]xrVar `json:"vars"`
}

// xarrayRead runs testdata/read_tozarr.py on the store at dir: what
// xarray.open_zarr reads there.
func xarrayRead(t *testing.T, dir string) xrDataset {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xarray, zarr, cftime").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI without xarray/zarr/cftime for %s: %v", py, err)
		}
		t.Skipf("no xarray/zarr/cftime for %s: %v", py, err)
	}
	out, err := exec.Command(py, filepath.Join("testdata", "read_tozarr.py"), dir).Output()
	if ee, ok := err.(*exec.ExitError); ok {
		require.NoError(t, err, string(ee.Stderr))
	}
	require.NoError(t, err)
	var x xrDataset
	require.NoError(t, json.Unmarshal(out, &x), string(out))
	return x
}

// timeText is a time as read_tozarr.py prints it.
func timeText(tm cftime.Time) string {
	y, mo, d := tm.Date()
	h, mi, s := tm.Clock()
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s)
}

// assertXarraySees checks that xarray read ds as tessera holds it: sizes,
// attrs, every coordinate (dims, labels — times as the same dates in the
// same calendar —, attrs) and every data variable (dims, attrs, values
// within tol, NaN where NaN).
func assertXarraySees(t *testing.T, ds *labelled.Dataset, x xrDataset, tol float64) {
	t.Helper()
	assert.Equal(t, ds.Sizes(), x.Sizes)
	assert.Equal(t, orNilMap(ds.Attrs()), orNilMap(x.Attrs))
	var names []string
	for _, c := range ds.Coords() {
		names = append(names, c.Name())
		xc, ok := x.Coords[c.Name()]
		if !assert.True(t, ok, "xarray has no coordinate %q (it has %v)", c.Name(), x.Coords) {
			continue
		}
		assert.Equal(t, orNil(c.Dims()), orNil(xc.Dims), "coordinate %q dims", c.Name())
		assert.Equal(t, orNilMap(c.Attrs()), orNilMap(xc.Attrs), "coordinate %q attrs", c.Name())
		ix := c.Values()
		require.Len(t, xc.Values, ix.Len(), "coordinate %q", c.Name())
		if tix, ok := ix.(labelled.TimeIndex); ok {
			assert.Equal(t, tix.Times().Calendar().String(), xc.Calendar, "coordinate %q calendar", c.Name())
		}
		for i, w := range xc.Values {
			switch l := ix.Label(i).(type) {
			case cftime.Time:
				assert.Equal(t, timeText(l), w, "coordinate %q label %d", c.Name(), i)
			case string:
				assert.Equal(t, l, w, "coordinate %q label %d", c.Name(), i)
			default:
				assert.InDelta(t, labelFloat(l), w, 0, "coordinate %q label %d", c.Name(), i)
			}
		}
	}
	var xnames []string
	for n := range x.Coords {
		xnames = append(xnames, n)
	}
	assert.ElementsMatch(t, names, xnames, "coordinates")
	assert.ElementsMatch(t, ds.Names(), slices.Collect(func(yield func(string) bool) {
		for n := range x.Vars {
			if !yield(n) {
				return
			}
		}
	}), "data variables")
	for _, n := range ds.Names() {
		v := ds.Var(n)
		xv, ok := x.Vars[n]
		if !assert.True(t, ok, "xarray has no variable %q", n) {
			continue
		}
		assert.Equal(t, v.Dims(), xv.Dims, n)
		assert.Equal(t, orNilMap(v.Attrs()), orNilMap(xv.Attrs), "%s attrs", n)
		d, err := v.Compute(t.Context())
		require.NoError(t, err)
		if d.DType().IsInt() {
			assert.Equal(t, d.DType().String(), xv.DType, "%s dtype", n)
		}
		got := d.Float64s()
		require.Len(t, xv.Values, len(got), n)
		for i, w := range xv.Values {
			if math.IsNaN(got[i]) {
				assert.Nil(t, w, "%s[%d]", n, i)
				continue
			}
			if assert.NotNil(t, w, "%s[%d] is NaN in xarray, %v in tessera", n, i, got[i]) {
				assert.InDelta(t, got[i], w, tol, "%s[%d]", n, i)
			}
		}
	}
}

// TestToZarrXarrayReads writes datasets with ToZarr (v2) in the standard,
// noleap, 360_day, julian and all_leap calendars and checks that
// xarray.open_zarr reads the same dims, coordinates (times decoded to the
// same dates in the same calendar, string and scalar coordinates, the
// non-dimension elev), values, attrs, and that the packing survives
// (t2m's encoding is int16 with the scale, offset and _FillValue given).
func TestToZarrXarrayReads(t *testing.T) {
	for _, cal := range []cftime.Calendar{cftime.Standard, cftime.NoLeap, cftime.Day360, cftime.Julian, cftime.AllLeap} {
		t.Run(cal.String(), func(t *testing.T) {
			ds := writeCube(t, cal, 100)
			dir := filepath.Join(t.TempDir(), "cube.zarr")
			s, err := zarr.NewDirectoryStore(dir)
			require.NoError(t, err)
			require.NoError(t, ds.ToZarr(t.Context(), s, "", labelled.ZarrOptions{Format: 2}))
			x := xarrayRead(t, dir)
			assertXarraySees(t, ds, x, 0.005+1e-9)
			enc := x.Vars["t2m"].Encoding
			assert.Equal(t, "int16", enc["dtype"])
			assert.InDelta(t, 0.01, enc["scale_factor"], 1e-15)
			assert.InDelta(t, 280.0, enc["add_offset"], 0)
			assert.InDelta(t, -32768.0, enc["_FillValue"], 0)
			assert.Equal(t, "int64", x.Vars["count"].DType, "count keeps its zeros and its dtype")
		})
	}
}

// TestAppendZarrXarrayReads writes the first 60 days with ToZarr and
// appends the other 40 with AppendZarr; xarray reads the whole 100 days,
// times (encoded in the store's own units) and values as one dataset.
func TestAppendZarrXarrayReads(t *testing.T) {
	for _, cal := range []cftime.Calendar{cftime.Standard, cftime.Day360} {
		t.Run(cal.String(), func(t *testing.T) {
			ds := writeCube(t, cal, 100)
			first, err := ds.Isel(labelled.Range("time", 0, 60, 1))
			require.NoError(t, err)
			rest, err := ds.Isel(labelled.Range("time", 60, 100, 1))
			require.NoError(t, err)
			dir := filepath.Join(t.TempDir(), "grown.zarr")
			s, err := zarr.NewDirectoryStore(dir)
			require.NoError(t, err)
			require.NoError(t, first.ToZarr(t.Context(), s, "", labelled.ZarrOptions{Format: 2}))
			require.NoError(t, rest.AppendZarr(t.Context(), s, "", "time", labelled.ZarrOptions{}))
			assertXarraySees(t, ds, xarrayRead(t, dir), 0.005+1e-9)
			back, err := labelled.OpenZarr(t.Context(), s, "")
			require.NoError(t, err)
			assertSameDataset(t, ds, back, 0.005+1e-9)
		})
	}
}

// TestToZarrRegionRewritesPart writes a dataset, then writes new values
// for days 10..19 into its region; OpenZarr reads the new values there
// and the old ones elsewhere.
func TestToZarrRegionRewritesPart(t *testing.T) {
	ds := writeCube(t, cftime.NoLeap, 40)
	s := zarr.NewMemoryStore()
	require.NoError(t, ds.ToZarr(t.Context(), s, "", labelled.ZarrOptions{Format: 3}))
	part, err := ds.Isel(labelled.Range("time", 10, 20, 1))
	require.NoError(t, err)
	var arrays []*labelled.Array
	for _, n := range part.Names() {
		arrays = append(arrays, labelled.Add(part.Var(n), 1.0).WithName(n).WithAttrs(part.Var(n).Attrs()))
	}
	bumped, err := labelled.NewDataset(arrays, nil)
	require.NoError(t, err)
	require.NoError(t, bumped.ToZarrRegion(t.Context(), s, "", map[string]int{"time": 10}, labelled.ZarrOptions{}))
	back, err := labelled.OpenZarr(t.Context(), s, "")
	require.NoError(t, err)
	before, err := ds.Var("obs").Compute(t.Context())
	require.NoError(t, err)
	after, err := back.Var("obs").Compute(t.Context())
	require.NoError(t, err)
	b, a := block.Values[float64](before), after.Float64s()
	for i := range b {
		want := b[i]
		if day := i / 3; day >= 10 && day < 20 {
			want++
		}
		assert.InDelta(t, want, a[i], 1e-12, "obs[%d]", i)
	}
	tix := back.Var("obs").Coord("time").Values()
	assert.Equal(t, ds.Var("obs").Coord("time").Values().Key(15), tix.Key(15), "times written in the stored units")
}
