package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/zarr"
)

// TestRunSmall tells the story on a small cube (2 years at 10°) and checks
// the written climatology and anomaly against a plain loop over the
// cube's values: the DJF mean inside the box, and the mean of the winter
// 2000/01 minus it.
func TestRunSmall(t *testing.T) {
	var out bytes.Buffer
	c := config{Var: "t2m", Dir: t.TempDir(), Years: 2, Res: 10, Calendar: cftime.NoLeap, Winter: 2000,
		North: 60, South: 30, West: -10, East: 40}
	res, err := run(t.Context(), &out, c)
	require.NoError(t, err)
	t.Log("\n" + out.String())
	for _, want := range []string{"ds = xr.open_zarr(path)", `time.dt.season == "DJF"`, "to_zarr(out)", "<labelled.Dataset>"} {
		assert.Contains(t, out.String(), want)
	}

	s, err := zarr.NewDirectoryStore(res.Cube)
	require.NoError(t, err)
	cube, err := labelled.OpenZarr(t.Context(), s, "")
	require.NoError(t, err)
	t2m := cube.Var("t2m")
	d, err := t2m.Compute(t.Context())
	require.NoError(t, err)
	vals := d.Float64s()
	tix := t2m.Index("time").(labelled.TimeIndex)
	lat, lon := t2m.Index("lat").(labelled.Float64Index), t2m.Index("lon").(labelled.Float64Index)
	nlat, nlon := len(lat), len(lon)
	var ilat, ilon []int
	for i, v := range lat {
		if v <= 60 && v >= 30 {
			ilat = append(ilat, i)
		}
	}
	for i, v := range lon {
		if v >= -10 && v <= 40 {
			ilon = append(ilon, i)
		}
	}
	clim := make([]float64, len(ilat)*len(ilon))
	win := make([]float64, len(clim))
	nd, nw := 0, 0
	for ti := range tix.Len() {
		tm, _ := tix.Times().At(ti)
		if tm.Season() != "DJF" {
			continue
		}
		inWinter := (tm.Year() == 2000 && tm.Month() == 12) || (tm.Year() == 2001 && tm.Month() <= 2)
		nd++
		if inWinter {
			nw++
		}
		for a, i := range ilat {
			for b, j := range ilon {
				v := vals[(ti*nlat+i)*nlon+j]
				clim[a*len(ilon)+b] += v
				if inWinter {
					win[a*len(ilon)+b] += v
				}
			}
		}
	}
	require.Equal(t, 2*(31+28+31), nd, "two Decembers, Januaries and Februaries of a noleap 2000-2001")
	require.Equal(t, 90, nw)

	got := res.Dataset
	assert.Equal(t, map[string]int{"lat": len(ilat), "lon": len(ilon)}, got.Sizes())
	gc, err := got.Var("clim").Compute(t.Context())
	require.NoError(t, err)
	ga, err := got.Var("anom").Compute(t.Context())
	require.NoError(t, err)
	for k := range clim {
		want := clim[k] / float64(nd)
		assert.InDelta(t, want, gc.Float64s()[k], 1e-4, "clim[%d] (float32 data)", k)
		assert.InDelta(t, win[k]/float64(nw)-want, ga.Float64s()[k], 1e-4, "anom[%d] (float32 data)", k)
	}
	assert.False(t, math.IsNaN(ga.Float64s()[0]))
	assert.True(t, strings.Contains(out.String(), "anom"))
}

// TestXarrayAgrees runs the xarray lines the story prints
// (testdata/xarray_story.py) on the cube the story made, and compares the
// box, the climatology and the anomaly with what the story wrote.
func TestXarrayAgrees(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xarray, zarr, cftime").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI without xarray/zarr/cftime for %s: %v", py, err)
		}
		t.Skipf("no xarray/zarr/cftime for %s: %v", py, err)
	}
	c := config{Var: "t2m", Dir: t.TempDir(), Years: 3, Res: 5, Calendar: cftime.Day360, Winter: 2001,
		North: 62, South: 28, West: -12, East: 33}
	res, err := run(t.Context(), io.Discard, c)
	require.NoError(t, err)
	cmd := exec.Command(py, filepath.Join("testdata", "xarray_story.py"), res.Cube, "62", "28", "-12", "33", "2001")
	b, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		require.NoError(t, err, string(ee.Stderr))
	}
	require.NoError(t, err)
	var x struct {
		Sizes      map[string]int
		Lat, Lon   []float64
		Clim, Anom []float64
	}
	require.NoError(t, json.Unmarshal(b, &x))
	assert.Equal(t, map[string]int{"time": 3 * 90, "lat": len(x.Lat), "lon": len(x.Lon)}, x.Sizes)
	got := res.Dataset
	assert.Equal(t, x.Lat, []float64(got.Var("clim").Index("lat").(labelled.Float64Index)))
	assert.Equal(t, x.Lon, []float64(got.Var("clim").Index("lon").(labelled.Float64Index)))
	gc, err := got.Var("clim").Compute(t.Context())
	require.NoError(t, err)
	ga, err := got.Var("anom").Compute(t.Context())
	require.NoError(t, err)
	require.Len(t, gc.Float64s(), len(x.Clim))
	for i := range x.Clim {
		assert.InDelta(t, x.Clim[i], gc.Float64s()[i], 1e-3, "clim[%d]", i)
		assert.InDelta(t, x.Anom[i], ga.Float64s()[i], 1e-3, "anom[%d]", i)
	}
}

// TestOpensXarrayCube runs the story on a cube xarray wrote
// (testdata/make_cube.py: datetime64 times in the standard calendar, a
// leap year) through -store, and checks the result against the same
// xarray lines.
func TestOpensXarrayCube(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xarray, zarr, pandas").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI without xarray/zarr/pandas for %s: %v", py, err)
		}
		t.Skipf("no xarray/zarr/pandas for %s: %v", py, err)
	}
	cube := filepath.Join(t.TempDir(), "xr.zarr")
	out, err := exec.Command(py, filepath.Join("testdata", "make_cube.py"), cube).CombinedOutput()
	require.NoError(t, err, string(out))
	c := config{Store: cube, Var: "t2m", Dir: t.TempDir(), Winter: 2000, North: 60, South: 20, West: -30, East: 30}
	var buf bytes.Buffer
	res, err := run(t.Context(), &buf, c)
	require.NoError(t, err)
	assert.NotContains(t, buf.String(), "ds.to_zarr(path)", "an existing cube is opened, not made")
	b, err := exec.Command(py, filepath.Join("testdata", "xarray_story.py"), cube, "60", "20", "-30", "30", "2000").Output()
	if ee, ok := err.(*exec.ExitError); ok {
		require.NoError(t, err, string(ee.Stderr))
	}
	require.NoError(t, err)
	var x struct {
		Sizes      map[string]int
		Clim, Anom []float64
	}
	require.NoError(t, json.Unmarshal(b, &x))
	assert.Equal(t, 31+29+31+31+28+31, x.Sizes["time"], "DJF days of 2000 (a leap year) and 2001")
	gc, err := res.Dataset.Var("clim").Compute(t.Context())
	require.NoError(t, err)
	ga, err := res.Dataset.Var("anom").Compute(t.Context())
	require.NoError(t, err)
	require.Len(t, gc.Float64s(), len(x.Clim))
	for i := range x.Clim {
		assert.InDelta(t, x.Clim[i], gc.Float64s()[i], 1e-3, "clim[%d]", i)
		assert.InDelta(t, x.Anom[i], ga.Float64s()[i], 1e-3, "anom[%d]", i)
	}
}
