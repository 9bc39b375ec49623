package labelled_test

import (
	"context"
	"fmt"
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
	"github.com/tessera-array/tessera/raster"
)

// mfFiles writes testdata/xr_mf.py's files into a temporary directory and
// returns it with xarray's open_mfdataset reference.
func mfFiles(t *testing.T) (string, xrRef) {
	t.Helper()
	dir := t.TempDir()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xarray, netCDF4, cftime, dask").Run(); err != nil {
		t.Skip("python3 lacks xarray, netCDF4, cftime or dask: cannot run open_mfdataset as the reference")
	}
	return dir, runXarrayScript(t, "xr_mf.py", dir)
}

// TestOpenMFMatchesXarray combines three files by their 360_day time
// coordinate (given in an order that is not the time order) and compares
// vars, coords, a time slice across files, a mean over time and a nearest
// time with xr.open_mfdataset(combine="by_coords").
func TestOpenMFMatchesXarray(t *testing.T) {
	dir, ref := mfFiles(t)
	ctx := context.Background()
	ds, err := labelled.OpenMF(ctx, []string{filepath.Join(dir, "[abc].nc")}, "time", labelled.MFOptions{})
	require.NoError(t, err)
	checkVars(t, ds, ref)
	tas := ds.Var("tas")
	got := []*labelled.Array{
		tas.Sel(labelled.Slice("time", "2000-01-03", "2000-01-10")),
		tas.Mean("time"),
		tas.Sel(labelled.Label("time", cftime.MustDate(cftime.Day360, 2000, 1, 6, 20, 0, 0, 0)).WithMethod(labelled.Nearest)),
	}
	// Runs dated by their file names, ordered by date along a new dim.
	runs, err := labelled.OpenMF(ctx, []string{filepath.Join(dir, "m_*.nc")}, "run", labelled.MFOptions{PathLabel: labelled.DateFromName("20060102")})
	require.NoError(t, err)
	ix := runs.Var("tas").Index("run")
	require.NotNil(t, ix)
	assert.Equal(t, []string{"2020-01-01T00:00:00", "2020-02-01T00:00:00", "2020-03-01T00:00:00"}, []string{ix.Format(0), ix.Format(1), ix.Format(2)})
	got = append(got, runs.Var("tas").Mean("time"))
	require.Len(t, got, len(ref.Cases))
	for i, want := range ref.Cases {
		assertValues(t, want, got[i], "mf case "+string(rune('0'+i)))
	}
	_, err = labelled.OpenMF(ctx, []string{filepath.Join(dir, "a.nc")}, "run", labelled.MFOptions{PathLabel: labelled.DateFromName("20060102")})
	assert.ErrorIs(t, err, labelled.ErrCoord, "no date in the name")
	assert.ErrorContains(t, err, "a.nc")

	// Nested keeps the order given: c, a, b is the time order.
	nested, err := labelled.OpenMF(ctx, []string{filepath.Join(dir, "c.nc"), filepath.Join(dir, "a.nc"), filepath.Join(dir, "b.nc")},
		"time", labelled.MFOptions{Combine: labelled.Nested})
	require.NoError(t, err)
	checkVars(t, nested, ref)
}

func TestOpenMFErrors(t *testing.T) {
	dir, _ := mfFiles(t)
	ctx := context.Background()
	_, err := labelled.OpenMF(ctx, []string{filepath.Join(dir, "a.nc"), filepath.Join(dir, "bad.nc")}, "time", labelled.MFOptions{})
	var ae *labelled.AlignError
	require.ErrorAs(t, err, &ae, "lat differs")
	assert.Equal(t, "lat", ae.Dim)
	assert.ErrorIs(t, err, labelled.ErrAlign)

	_, err = labelled.OpenMF(ctx, []string{filepath.Join(dir, "a.nc"), filepath.Join(dir, "a.nc")}, "time", labelled.MFOptions{})
	assert.ErrorIs(t, err, labelled.ErrAlign, "overlapping times")
	assert.ErrorContains(t, err, "overlap")

	_, err = labelled.OpenMF(ctx, []string{filepath.Join(dir, "*.zz")}, "time", labelled.MFOptions{})
	assert.ErrorIs(t, err, labelled.ErrArgument)
	_, err = labelled.OpenMF(ctx, nil, "time", labelled.MFOptions{})
	assert.ErrorIs(t, err, labelled.ErrArgument)
	_, err = labelled.OpenMF(ctx, []string{filepath.Join(dir, "a.nc")}, "", labelled.MFOptions{})
	assert.ErrorIs(t, err, labelled.ErrArgument)
	_, err = labelled.OpenMF(ctx, []string{filepath.Join(dir, "a.nc")}, "member", labelled.MFOptions{})
	assert.ErrorIs(t, err, labelled.ErrDim, "by coords along a new dim")
}

func TestOpenMFNewDim(t *testing.T) {
	dir, _ := mfFiles(t)
	ctx := context.Background()
	ds, err := labelled.OpenMF(ctx, []string{filepath.Join(dir, "a.nc"), filepath.Join(dir, "a.nc")}, "member",
		labelled.MFOptions{Combine: labelled.Nested, Labels: labelled.StringIndex{"r1", "r2"}})
	require.NoError(t, err)
	assert.Equal(t, 2, ds.Sizes()["member"])
	r2 := ds.Var("tas").Sel(labelled.Label("member", "r2"))
	require.NoError(t, r2.Err())
	assert.Equal(t, []string{"time", "lat", "lon"}, r2.Dims())
}

// TestOpenMFRasters stacks GeoTIFFs (written with GDAL through
// raster.Write, dated in their names) into a time series of rasters along
// a new time dim, ordered by date: the open_mfdataset of rioxarray users.
func TestOpenMFRasters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	geo := raster.Georef{CRS: "EPSG:4326", GeoTransform: [6]float64{10, 0.5, 0, 50, 0, -0.5}, HasGeoTransform: true}
	for _, month := range []int{3, 1, 2} {
		vals := make([]float32, 2*3)
		for i := range vals {
			vals[i] = float32(100*month + i)
		}
		d, err := block.FromSlice(vals, 1, 2, 3)
		require.NoError(t, err)
		path := filepath.Join(dir, fmt.Sprintf("ndvi_2021%02d15.tif", month))
		_, err = raster.Write(ctx, ndarray.FromDense(d, chunk.Spec{}), path, raster.WriteOptions{Georef: geo})
		require.NoError(t, err)
	}
	ds, err := labelled.OpenMF(ctx, []string{filepath.Join(dir, "ndvi_*.tif")}, "time", labelled.MFOptions{
		PathLabel: labelled.DateFromName("20060102"),
		Open: func(ctx context.Context, p string) (*labelled.Dataset, error) {
			return labelled.OpenRaster(ctx, p, labelled.RasterOptions{Masked: true})
		},
	})
	require.NoError(t, err)
	bd := ds.Var(raster.DataVar)
	assert.Equal(t, []string{"time", "band", "y", "x"}, bd.Dims())
	assert.Equal(t, []int{3, 1, 2, 3}, bd.Shape())
	feb, err := bd.Sel(labelled.Label("time", "2021-02-15"), labelled.Label("y", 49.75), labelled.Label("x", 10.25)).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{200}, feb.Float64s(), "February's top-left pixel")
	m, err := bd.Mean("time").Sel(labelled.Label("band", int64(1))).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{200, 201, 202, 203, 204, 205}, m.Float64s())
	assert.NotNil(t, coordNamed(ds, raster.GridMappingVar), "spatial_ref kept")
}
