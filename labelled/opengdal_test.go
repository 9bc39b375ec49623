package labelled_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/raster"
)

// xrRec and xrRef are what testdata/xr_gdal.py prints.
type xrRec struct {
	Dims   []string `json:"dims"`
	Shape  []int    `json:"shape"`
	DType  string   `json:"dtype"`
	Values []any    `json:"values"`
	Coord  bool     `json:"coord"`
}

type xrRef struct {
	Xarray string           `json:"xarray"`
	Vars   map[string]xrRec `json:"vars"`
	Cases  []xrRec          `json:"cases"`
	NoData float64          `json:"nodata"`
	Scaled xrRec            `json:"scaled"`
}

// runXarray runs testdata/xr_gdal.py with Debian's Python, skipping when
// the peer is missing.
func runXarray(t *testing.T, args ...string) xrRef {
	t.Helper()
	return runXarrayScript(t, "xr_gdal.py", args...)
}

// runXarrayScript runs a script of testdata and decodes its JSON.
func runXarrayScript(t *testing.T, script string, args ...string) xrRef {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3: cannot run xarray as the reference")
	}
	if err := exec.Command(py, "-c", "import xarray, netCDF4, cftime").Run(); err != nil {
		t.Skip("python3 lacks xarray, netCDF4 or cftime: cannot run the reference")
	}
	cmd := exec.Command(py, append([]string{filepath.Join("testdata", script)}, args...)...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		require.NoError(t, err, string(ee.Stderr))
	}
	require.NoError(t, err)
	var ref xrRef
	require.NoError(t, json.Unmarshal(out, &ref))
	return ref
}

// labelsOf is an Index's labels as xr_gdal.py prints them: times as ISO
// text, strings as text, numbers as float64.
func labelsOf(ix labelled.Index) []any {
	out := make([]any, ix.Len())
	for i := range out {
		switch l := ix.Label(i).(type) {
		case string:
			out[i] = l
		case float64:
			out[i] = l
		case int64:
			out[i] = float64(l)
		default:
			out[i] = ix.Format(i)
		}
	}
	return out
}

// assertValues compares an array's computed values with xarray's.
func assertValues(t *testing.T, want xrRec, got *labelled.Array, what string) {
	t.Helper()
	require.NoError(t, got.Err(), what)
	if len(want.Dims)+len(got.Dims()) > 0 {
		assert.Equal(t, want.Dims, got.Dims(), "%s: dims", what)
		assert.Equal(t, want.Shape, got.Shape(), "%s: shape", what)
	}
	d, err := got.Compute(context.Background())
	require.NoError(t, err, what)
	vs := d.Float64s()
	wv := floats(want.Values)
	require.Len(t, vs, len(wv), what)
	for i := range wv {
		if math.IsNaN(wv[i]) {
			assert.True(t, math.IsNaN(vs[i]), "%s[%d]: want NaN, got %v", what, i, vs[i])
			continue
		}
		// xarray decodes small packed ints to float32, tessera to float64.
		assert.InDelta(t, wv[i], vs[i], 2e-7*math.Max(1, math.Abs(wv[i])), "%s[%d]", what, i)
	}
}

func checkVars(t *testing.T, ds *labelled.Dataset, ref xrRef) {
	t.Helper()
	for name, want := range ref.Vars {
		if c := coordNamed(ds, name); c != nil {
			assert.Equal(t, want.Dims, c.Dims(), "coordinate %q dims", name)
			assert.Equal(t, want.Values, labelsOf(c.Values()), "coordinate %q values", name)
			continue
		}
		assert.False(t, want.Coord, "%q is a coordinate in xarray", name)
		assertValues(t, want, ds.Var(name), name)
		assert.Equal(t, want.DType, ds.Var(name).DType().String(), "%q: decoded dtype", name)
	}
}

func coordNamed(ds *labelled.Dataset, name string) *labelled.Coord {
	for _, c := range ds.Coords() {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// TestOpenNetCDFMatchesXarray opens raster's NetCDF fixtures (made by
// raster/testdata/make_netcdf.py with xarray and netCDF4) and compares
// dims, coordinates (noleap and standard times as text), decoded data
// (packed int16 with scale/offset/_FillValue, a float _FillValue) and sel
// and reductions with what xarray's open_dataset computes.
func TestOpenNetCDFMatchesXarray(t *testing.T) {
	ctx := context.Background()
	cases := map[string]func(ds *labelled.Dataset) []*labelled.Array{
		"pr4.nc": func(ds *labelled.Dataset) []*labelled.Array {
			pr, tmin := ds.Var("pr"), ds.Var("tmin")
			return []*labelled.Array{
				pr.Sel(labelled.Label("lat", 55.0)),
				pr.Sel(labelled.Slice("lat", 58.0, 42.0), labelled.Slice("lon", -6.0, 1.0)),
				pr.Sel(labelled.Label("lon", -4.0).WithMethod(labelled.Nearest)),
				pr.Sel(labelled.Label("time", "2001-02")),
				pr.Mean("time"),
				tmin.Max("lat"),
			}
		},
		"classic.nc": func(ds *labelled.Dataset) []*labelled.Array {
			tas := ds.Var("tas")
			return []*labelled.Array{
				tas.Sel(labelled.Slice("time", "1990-01-01T01", "1990-01-01T02")),
				tas.Sum("lat"),
				tas.Sel(labelled.Labels("lat", 30.0, 10.0)),
			}
		},
		"strings.nc": func(ds *labelled.Dataset) []*labelled.Array {
			return []*labelled.Array{ds.Var("t2m").Mean("station")}
		},
	}
	for file, ops := range cases {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("..", "raster", "testdata", file)
			ref := runXarray(t, "netcdf", path)
			ds, err := labelled.OpenNetCDF(ctx, path, labelled.NetCDFOptions{})
			require.NoError(t, err)
			checkVars(t, ds, ref)
			got := ops(ds)
			require.Len(t, got, len(ref.Cases))
			for i, want := range ref.Cases {
				assertValues(t, want, got[i], file+" case "+string(rune('0'+i)))
			}
		})
	}
}

func TestOpenNetCDFEncoding(t *testing.T) {
	ds, err := labelled.OpenNetCDF(context.Background(), filepath.Join("..", "raster", "testdata", "pr4.nc"), labelled.NetCDFOptions{})
	require.NoError(t, err)
	tmin := ds.Var("tmin")
	enc := tmin.Encoding()
	assert.Equal(t, "int16", enc["dtype"])
	assert.Equal(t, 0.1, enc["scale_factor"])
	assert.Equal(t, int16(-32767), enc["_FillValue"])
	assert.NotContains(t, tmin.Attrs(), "scale_factor")
	assert.Contains(t, tmin.Attrs(), "valid_range")
	time := coordNamed(ds, "time")
	require.NotNil(t, time)
	_, isTime := time.Values().(labelled.TimeIndex)
	assert.True(t, isTime, "time decoded")
	assert.NotContains(t, time.Attrs(), "units")

	assert.Equal(t, []int{12, 5, 2}, ds.Var("pr").Encoding()["chunksizes"], "NetCDF-4 storage chunks")
	assert.Equal(t, "kg m-2 s-1", ds.Var("pr").Attrs()["units"])

	raw, err := labelled.OpenNetCDF(context.Background(), filepath.Join("..", "raster", "testdata", "pr4.nc"), labelled.NetCDFOptions{Raw: true})
	require.NoError(t, err)
	assert.Equal(t, "int16", raw.Var("tmin").DType().String())
	assert.Contains(t, raw.Var("tmin").Attrs(), "scale_factor")
}

// TestOpenNetCDFGroup opens a sub-group, as open_dataset(group="grp"):
// its variable keeps the dims it shares with the root group (values made
// by raster/testdata/make_netcdf.py: arange(6) in a 2×3 array).
func TestOpenNetCDFGroup(t *testing.T) {
	ds, err := labelled.OpenNetCDF(context.Background(), filepath.Join("..", "raster", "testdata", "groups.nc"), labelled.NetCDFOptions{Group: "/obs"})
	require.NoError(t, err)
	temp := ds.Var("temp")
	require.NotNil(t, temp)
	assert.Equal(t, []string{"t", "x"}, temp.Dims())
	assert.Equal(t, "sub-group", ds.Attrs()["source"])
	d, err := temp.Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 1, 2, 3, 4, 5}, d.Float64s())
}

// TestOpenNetCDFChunks: chunks by dim name, as xarray's chunks= dict.
func TestOpenNetCDFChunks(t *testing.T) {
	ds, err := labelled.OpenNetCDF(context.Background(), filepath.Join("..", "raster", "testdata", "pr4.nc"),
		labelled.NetCDFOptions{Chunks: map[string]int{"time": 12, "lat": -1, "lon": 2}})
	require.NoError(t, err)
	assert.Equal(t, [][]int{{12, 12, 12}, {5}, {2, 2}}, ds.Var("pr").Data().Chunks())
	_, err = labelled.OpenNetCDF(context.Background(), filepath.Join("..", "raster", "testdata", "pr4.nc"),
		labelled.NetCDFOptions{Chunks: map[string]int{"time": -2}})
	assert.ErrorIs(t, err, raster.ErrOptions)
}

func TestOpenNetCDFErrors(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := labelled.OpenNetCDF(cancelled, filepath.Join("..", "raster", "testdata", "pr4.nc"), labelled.NetCDFOptions{})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = labelled.OpenNetCDF(ctx, "", labelled.NetCDFOptions{})
	assert.ErrorIs(t, err, labelled.ErrArgument)
	_, err = labelled.OpenNetCDF(ctx, filepath.Join(t.TempDir(), "missing.nc"), labelled.NetCDFOptions{})
	assert.ErrorIs(t, err, raster.ErrOpen)
	_, err = labelled.OpenNetCDF(ctx, filepath.Join("..", "raster", "testdata", "groups.nc"), labelled.NetCDFOptions{Group: "/nope"})
	assert.ErrorIs(t, err, raster.ErrNoVariable)
	_, err = labelled.OpenRaster(ctx, "", labelled.RasterOptions{})
	assert.ErrorIs(t, err, labelled.ErrArgument)
	_, err = labelled.OpenRaster(ctx, filepath.Join(t.TempDir(), "missing.tif"), labelled.RasterOptions{})
	assert.ErrorIs(t, err, raster.ErrOpen)
}

// TestOpenRasterMatchesXarray writes a GeoTIFF with rasterio (the script)
// and compares OpenRaster(Masked) with xarray's open_rasterio masked as
// rioxarray's masked=True masks: coords, data and sel/mean results.
func TestOpenRasterMatchesXarray(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import rasterio").Run(); err != nil {
		t.Skip("python3 has no rasterio: cannot write the reference GeoTIFF")
	}
	dir := t.TempDir()
	ref := runXarray(t, "raster", dir)
	ctx := context.Background()
	ds, err := labelled.OpenRaster(ctx, filepath.Join(dir, "r.tif"), labelled.RasterOptions{Masked: true})
	require.NoError(t, err)
	checkVars(t, ds, ref)
	sr := coordNamed(ds, raster.GridMappingVar)
	require.NotNil(t, sr, "spatial_ref coordinate")
	assert.Empty(t, sr.Dims())
	assert.Contains(t, sr.Attrs()["crs_wkt"], "UTM zone 31N")
	bd := ds.Var(raster.DataVar)
	assert.EqualValues(t, ref.NoData, bd.Encoding()["_FillValue"], "nodata in the encoding")
	assert.NotContains(t, bd.Attrs(), "_FillValue")
	got := []*labelled.Array{
		bd.Sel(labelled.Label("x", 500015.0).WithMethod(labelled.Nearest)),
		bd.Sel(labelled.Slice("y", 5200000.0, 5199900.0)),
		bd.Sel(labelled.Labels("band", int64(3), int64(1))),
		bd.Mean("band"),
	}
	require.Len(t, got, len(ref.Cases))
	for i, want := range ref.Cases {
		assertValues(t, want, got[i], "raster case "+string(rune('0'+i)))
	}

	assert.Equal(t, 0.5, bd.Attrs()["scale_factor"], "Masked leaves the scale an attribute")

	scaled, err := labelled.OpenRaster(ctx, filepath.Join(dir, "r.tif"), labelled.RasterOptions{MaskAndScale: true})
	require.NoError(t, err)
	assertValues(t, ref.Scaled, scaled.Var(raster.DataVar), "mask_and_scale")
	assert.Equal(t, ref.Scaled.DType, scaled.Var(raster.DataVar).DType().String(), "mask_and_scale dtype")
	assert.Equal(t, 0.5, scaled.Var(raster.DataVar).Encoding()["scale_factor"])

	raw, err := labelled.OpenRaster(ctx, filepath.Join(dir, "r.tif"), labelled.RasterOptions{})
	require.NoError(t, err)
	assert.Equal(t, "int16", raw.Var(raster.DataVar).DType().String())
	assert.Contains(t, raw.Var(raster.DataVar).Attrs(), "_FillValue")
}

// TestOpenNetCDFCalendars decodes a time axis in every CF calendar (one
// NETCDF4_CLASSIC file each, written by testdata/xr_gdal.py) and compares
// the dates with what xarray decodes through cftime, and a partial-date
// slice across February with xarray's.
func TestOpenNetCDFCalendars(t *testing.T) {
	dir := t.TempDir()
	ref := runXarray(t, "calendars", dir)
	cals := []string{"standard", "gregorian", "proleptic_gregorian", "julian", "noleap", "365_day", "all_leap", "366_day", "360_day"}
	require.Len(t, ref.Cases, len(cals))
	for i, cal := range cals {
		ds, err := labelled.OpenNetCDF(context.Background(), filepath.Join(dir, "cal_"+cal+".nc"), labelled.NetCDFOptions{})
		require.NoError(t, err, cal)
		c := coordNamed(ds, "time")
		require.NotNil(t, c, cal)
		assert.Equal(t, ref.Vars[cal].Values, labelsOf(c.Values()), "calendar %s", cal)
		assertValues(t, ref.Cases[i], ds.Var("v").Sel(labelled.Slice("time", "1600-02-27", "1600-03-02")), cal+" slice")
	}
}
