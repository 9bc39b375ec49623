package labelled_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
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

type zarrResult struct {
	Dims   []string       `json:"dims"`
	Shape  []int          `json:"shape"`
	Values []*float64     `json:"values"`
	Coords map[string]any `json:"coords"`
}

type zarrExpected struct {
	Xarray        string                `json:"xarray"`
	CubeDims      map[string]int        `json:"cube_dims"`
	CubeAttrs     map[string]any        `json:"cube_attrs"`
	T2mAttrs      map[string]any        `json:"t2m_attrs"`
	T2mCoords     []string              `json:"t2m_coords"`
	TimeFirstLast []string              `json:"time_first_last"`
	Cases         map[string]zarrResult `json:"cases"`
}

// xarrayStores runs testdata/make_zarr.py: xarray writes the stores and
// what it computes from them.
func xarrayStores(t *testing.T) (string, zarrExpected) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xarray, zarr, cftime").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI without xarray/zarr/cftime for %s: %v", py, err)
		}
		t.Skipf("no xarray/zarr/cftime for %s: %v", py, err)
	}
	dir := t.TempDir()
	out, err := exec.Command(py, filepath.Join("testdata", "make_zarr.py"), dir).CombinedOutput()
	require.NoError(t, err, string(out))
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	require.NoError(t, err)
	var e zarrExpected
	require.NoError(t, json.Unmarshal(b, &e))
	return dir, e
}

func checkResult(t *testing.T, name string, want zarrResult, got *labelled.Array) {
	t.Helper()
	require.NoError(t, got.Err(), name)
	assert.Equal(t, want.Dims, nilIfEmpty(got.Dims()), "%s dims", name)
	assert.Equal(t, want.Shape, nilIfEmptyInts(got.Shape()), "%s shape", name)
	d, err := got.Compute(t.Context())
	require.NoError(t, err, name)
	gv := d.Float64s()
	require.Len(t, gv, len(want.Values), name)
	for i, w := range want.Values {
		if w == nil {
			assert.True(t, gv[i] != gv[i], "%s value %d: want NaN, got %v", name, i, gv[i])
			continue
		}
		// xarray 2023.01 decodes the packed int16 to float32 (its
		// _choose_float_dtype tests "add_offset" in attrs after moving it to
		// encoding; later versions give float64, as tessera does), so its
		// values carry float32 rounding of numbers near 280 K (an ulp is
		// 3e-5): compare to 1e-4 absolute or 1e-6 relative.
		assert.InDelta(t, *w, gv[i], max(1e-4, 1e-6*math.Abs(*w)), "%s value %d", name, i)
	}
	for cname, wc := range want.Coords {
		c := got.Coord(cname)
		if !assert.NotNil(t, c, "%s coordinate %q", name, cname) {
			continue
		}
		ix := c.Values()
		wl := wc.([]any)
		require.Equal(t, len(wl), ix.Len(), "%s coordinate %q", name, cname)
		for i, w := range wl {
			switch w := w.(type) {
			case string: // a time, as xarray prints it
				tm, ok := ix.Label(i).(cftime.Time)
				require.True(t, ok, "%s coordinate %q label %d is %T", name, cname, i, ix.Label(i))
				assert.Equal(t, w, timeString(tm), "%s coordinate %q label %d", name, cname, i)
			case float64:
				assert.InDelta(t, w, labelFloat(ix.Label(i)), 1e-12, "%s coordinate %q label %d", name, cname, i)
			}
		}
	}
}

// timeString prints a time as the fixture script does: cftime's str()
// for cftime dates, numpy's ISO form to the second for datetime64.
func timeString(t cftime.Time) string {
	switch t.Calendar() {
	case cftime.Standard, cftime.ProlepticGregorian:
		return t.ISO()
	}
	return t.String()
}

func labelFloat(l any) float64 {
	switch v := l.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

// TestOpenZarrAgainstXarray opens stores xarray wrote (packed int16 with
// scale/offset/_FillValue, a noleap daily time, a descending lat, a
// non-dimension coordinate; a standard-calendar hourly store not
// consolidated) and compares dims, coords, attrs and the results of sel
// (partial dates, slices, nearest) and reductions over named dims with
// xarray's.
func TestOpenZarrAgainstXarray(t *testing.T) {
	dir, want := xarrayStores(t)
	cubeStore, err := zarr.NewDirectoryStore(filepath.Join(dir, "cube.zarr"))
	require.NoError(t, err)
	cube, err := labelled.OpenZarr(t.Context(), cubeStore, "")
	require.NoError(t, err)
	assert.Equal(t, want.CubeDims, cube.Sizes())
	assert.Equal(t, want.CubeAttrs, cube.Attrs())
	t2m := cube.Var("t2m")
	require.NoError(t, t2m.Err())
	assert.Equal(t, want.T2mAttrs, t2m.Attrs())
	var names []string
	for _, c := range t2m.Coords() {
		names = append(names, c.Name())
	}
	assert.ElementsMatch(t, want.T2mCoords, names)
	ix := t2m.Coord("time").Values()
	assert.Equal(t, want.TimeFirstLast, []string{timeString(ix.Label(0).(cftime.Time)), timeString(ix.Label(ix.Len() - 1).(cftime.Time))})

	stdStore, err := zarr.NewDirectoryStore(filepath.Join(dir, "std.zarr"))
	require.NoError(t, err)
	std, err := labelled.OpenZarr(t.Context(), stdStore, "")
	require.NoError(t, err)
	v := std.Var("v")

	got := map[string]*labelled.Array{
		"feb_box_mean": t2m.Sel(labelled.Label("time", "2001-02"), labelled.Slice("lat", 50.0, 40.0), labelled.Slice("lon", 0.0, 10.0)).Mean("time"),
		"nearest_point": t2m.Sel(labelled.Label("lat", 41.0).WithMethod(labelled.Nearest),
			labelled.Label("lon", 3.1).WithMethod(labelled.Nearest)),
		"spatial_mean":  t2m.Mean("lat", "lon"),
		"anomaly_first": labelled.Sub(t2m, t2m.Mean("time")).Isel(labelled.At("time", 0)),
		"std_day":       v.Sel(labelled.Label("time", "2020-03-02")),
		"std_slice":     v.Sel(labelled.Slice("time", "2020-03-01T20", "2020-03-02T03")),
	}
	for name, w := range want.Cases {
		t.Run(name, func(t *testing.T) {
			g, ok := got[name]
			require.True(t, ok, "no tessera operation for %q", name)
			checkResult(t, name, w, g)
		})
	}
	assert.Len(t, got, len(want.Cases))
}

// A coordinate whose CF time attributes cannot be read fails the open with
// an error naming the coordinate and what is wrong, as xarray's does.
func TestOpenZarrBadTimeAttributes(t *testing.T) {
	for _, tc := range []struct {
		units, calendar string
		want            error
	}{
		{"days since 2001-01-01", "martian", cftime.ErrCalendar},
		{"fortnights since 2001-01-01", "noleap", cftime.ErrUnits},
		{"days since 2001-13-45", "standard", cftime.ErrUnits},
	} {
		s := zarr.NewMemoryStore()
		days, err := block.FromSlice([]int64{0, 1, 2}, 3)
		require.NoError(t, err)
		require.NoError(t, zarr.WriteDataset(t.Context(), s, "", zarr.Dataset{Vars: map[string]zarr.Variable{
			"time": {Dims: []string{"time"}, Data: ndarray.FromDense(days, chunk.Spec{}),
				Attrs: map[string]any{"units": tc.units, "calendar": tc.calendar}},
		}}, 2))
		_, err = labelled.OpenZarr(t.Context(), s, "")
		require.Error(t, err, tc.units)
		assert.ErrorIs(t, err, tc.want, tc.units)
		assert.Contains(t, err.Error(), `"time"`, "the error names the coordinate")
	}
}
