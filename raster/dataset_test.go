package raster_test

import (
	"context"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/raster"
)

type peerRaster struct {
	X            []float64 `json:"x"`
	Y            []float64 `json:"y"`
	Band         []int64   `json:"band"`
	Dims         []string  `json:"dims"`
	NoData       []float64 `json:"nodatavals"`
	Scales       []float64 `json:"scales"`
	Offsets      []float64 `json:"offsets"`
	Descriptions []string  `json:"descriptions"`
	GeoTransform string    `json:"GeoTransform"`
	CRSWKT       string    `json:"crs_wkt"`
	Values       []float64 `json:"values"`
}

func computeF(t *testing.T, v *raster.Variable) []float64 {
	t.Helper()
	require.NoError(t, v.Data.Err(), v.Name)
	d, err := v.Data.Compute(context.Background())
	require.NoError(t, err, v.Name)
	return d.Float64s()
}

// TestRasterDatasetMatchesRioxarray: GeoTIFFs written by GDAL (through
// rasterio) described in the rioxarray convention match xarray's
// open_rasterio coordinates and rioxarray's GeoTransform/crs_wkt formulas
// (make_raster.py).
func TestRasterDatasetMatchesRioxarray(t *testing.T) {
	dir := t.TempDir()
	var want map[string]peerRaster
	runPeer(t, &want, "make_raster.py", dir)
	require.Len(t, want, 2)
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			info, err := raster.Open(filepath.Join(dir, name))
			require.NoError(t, err)
			ds, err := info.Dataset(raster.ReadOptions{})
			require.NoError(t, err)
			assert.Equal(t, []string{"band_data", "band", "x", "y", "spatial_ref"}, names(ds.Vars))
			for _, d := range ds.Dims {
				assert.Equal(t, d.Name, d.Coord)
			}
			bd, _ := ds.Var(raster.DataVar)
			assert.Equal(t, w.Dims, bd.Dims)
			assert.Equal(t, w.Values, computeF(t, bd), "raw values")
			x, _ := ds.Var("x")
			y, _ := ds.Var("y")
			band, _ := ds.Var("band")
			assert.Equal(t, w.X, computeF(t, x), "x pixel centres")
			assert.Equal(t, w.Y, computeF(t, y), "y pixel centres")
			assert.Equal(t, block.Int64, band.DType)
			gb := computeF(t, band)
			for k := range w.Band {
				assert.Equal(t, float64(w.Band[k]), gb[k])
			}
			assert.EqualValues(t, w.NoData[0], bd.Attrs["_FillValue"])
			assert.Equal(t, w.Scales[0], bd.Attrs["scale_factor"])
			assert.Equal(t, w.Offsets[0], bd.Attrs["add_offset"])
			assert.Equal(t, "spatial_ref", bd.Attrs["grid_mapping"])
			assert.Equal(t, int64(12), bd.Attrs["CLOUDS"], "numeric tags as numbers")
			assert.Equal(t, 0.75, bd.Attrs["RATIO"])
			assert.Equal(t, "test", bd.Attrs["SENSOR"])
			switch {
			case len(w.Descriptions) > 1:
				assert.Equal(t, w.Descriptions, bd.Attrs["long_name"])
			case len(w.Descriptions) == 1 && w.Descriptions[0] != "":
				assert.Equal(t, w.Descriptions[0], bd.Attrs["long_name"])
			default:
				assert.NotContains(t, bd.Attrs, "long_name")
			}
			sr, ok := ds.Var(raster.GridMappingVar)
			require.True(t, ok)
			assert.Empty(t, sr.Dims)
			assert.Equal(t, []float64{0}, computeF(t, sr))
			assert.Equal(t, w.GeoTransform, sr.Attrs["GeoTransform"])
			assert.Equal(t, w.CRSWKT, sr.Attrs["crs_wkt"])
			assert.Equal(t, w.CRSWKT, sr.Attrs["spatial_ref"])
			assert.Equal(t, "X", x.Attrs["axis"])

			// A window shifts the coordinates with it.
			win, err := info.Dataset(raster.ReadOptions{Window: &raster.Window{X: 2, Y: 3, W: 4, H: 2}, Bands: []int{1}, Chunks: chunk.Native()})
			require.NoError(t, err)
			wx, _ := win.Var("x")
			wy, _ := win.Var("y")
			assert.Equal(t, w.X[2:6], computeF(t, wx))
			assert.Equal(t, w.Y[3:5], computeF(t, wy))
		})
	}
}

func TestRasterDatasetRefusals(t *testing.T) {
	dir := t.TempDir()
	var want map[string]peerRaster
	runPeer(t, &want, "make_raster.py", dir)
	info, err := raster.Open(filepath.Join(dir, "utm.tif"))
	require.NoError(t, err)
	_, err = info.Dataset(raster.ReadOptions{MaskNoData: true})
	assert.ErrorIs(t, err, raster.ErrOptions)
	_, err = info.Dataset(raster.ReadOptions{Bands: []int{4}})
	assert.ErrorIs(t, err, raster.ErrBand)
	rot := *info
	rot.GeoTransform[2] = 0.5
	_, err = rot.Dataset(raster.ReadOptions{})
	assert.ErrorIs(t, err, raster.ErrRotated)
	mixed := *info
	mixed.Bands = append([]raster.Band(nil), info.Bands...)
	mixed.Bands[1].NoData = 7
	_, err = mixed.Dataset(raster.ReadOptions{})
	assert.ErrorIs(t, err, raster.ErrOptions)
	assert.ErrorContains(t, err, "bands 1 and 2")
	_, err = mixed.Dataset(raster.ReadOptions{Bands: []int{1, 3}})
	assert.NoError(t, err, "bands that agree")
}

func TestPyFloat(t *testing.T) {
	// Python 3: str(v) for each.
	for v, want := range map[float64]string{
		0: "0.0", 10: "10.0", -10: "-10.0", 499980: "499980.0", 0.1: "0.1", 1e16: "1e+16",
		1.5e-5: "1.5e-05", 1e-4: "0.0001", 123456789012345.6: "123456789012345.6", 2.5e22: "2.5e+22",
		math.Inf(1): "inf", math.Inf(-1): "-inf",
	} {
		assert.Equal(t, want, raster.PyFloat(v), "%v", v)
	}
	assert.Equal(t, "nan", raster.PyFloat(math.NaN()))
	assert.Equal(t, "-0.0", raster.PyFloat(math.Copysign(0, -1)))
}

// TestPyFloatMatchesPython checks PyFloat against Python's own str() on
// awkward values.
func TestPyFloatMatchesPython(t *testing.T) {
	vals := []float64{0, 1, -1, 0.1, 1e-4, 9.99e-5, 1e15, 9999999999999998, 1e16, 1.2345e17, 5e-324, math.MaxFloat64, 0.30000000000000004, 12345.678, -2.5e-7}
	var parts []string
	for _, v := range vals {
		parts = append(parts, strconv.FormatFloat(v, 'g', -1, 64))
	}
	var got []string
	runPeer(t, &got, "pyfloat.py", parts...)
	require.Len(t, got, len(vals))
	for k, v := range vals {
		assert.Equal(t, got[k], raster.PyFloat(v), "%v", v)
	}
}

func TestParseTag(t *testing.T) {
	assert.Equal(t, int64(12), raster.ParseTag("12"))
	assert.Equal(t, int64(-3), raster.ParseTag(" -3 "))
	assert.Equal(t, 0.75, raster.ParseTag("0.75"))
	assert.Equal(t, "Area", raster.ParseTag("Area"))
	assert.Equal(t, "0x10", raster.ParseTag("0x10"))
	assert.Equal(t, "", raster.ParseTag(""))
	assert.True(t, math.IsNaN(raster.ParseTag("nan").(float64)))
}

// FuzzParseTag: the result is the text, or a number that the text reads
// as.
func FuzzParseTag(f *testing.F) {
	for _, s := range []string{"12", " -3 ", "0.75", "Area", "0x10", "1e5", "nan", "inf", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			return
		}
		switch v := raster.ParseTag(s).(type) {
		case string:
			if v != s {
				t.Fatalf("text %q became %q", s, v)
			}
		case int64:
			if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err != nil || n != v {
				t.Fatalf("%q: int %d", s, v)
			}
		case float64:
			if g, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil || !(g == v || math.IsNaN(g) && math.IsNaN(v)) {
				t.Fatalf("%q: float %v", s, v)
			}
		default:
			t.Fatalf("%q: %T", s, v)
		}
	})
}

// FuzzPyFloat: the text reads back as the same number.
func FuzzPyFloat(f *testing.F) {
	for _, v := range []float64{0, 1, 1e16, 1.5e-5, 499980, -0.5} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		s := raster.PyFloat(v)
		g, err := strconv.ParseFloat(s, 64)
		if err != nil || !(g == v || math.IsNaN(g) && math.IsNaN(v)) {
			t.Fatalf("%v -> %q -> %v, %v", v, s, g, err)
		}
	})
}
