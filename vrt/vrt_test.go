package vrt_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/vrt"
)

// tile writes a float32 tile whose values identify the tile and pixel, with
// a nodata hole in the middle when nodata is set.
func tile(t *testing.T, path string, id, w, h int, gt [6]float64, crs string, dt block.DType, nodata *float64) {
	t.Helper()
	d := block.Must(block.Float64, h, w)
	v := block.Values[float64](d)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v[y*w+x] = float64(id*10 + (x+y)%7)
			if nodata != nil && x > w/3 && x < w/2 && y > h/3 && y < h/2 {
				v[y*w+x] = *nodata
			}
		}
	}
	c, err := d.AsType(dt, block.CastOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := raster.WriteOptions{BlockSize: 32, Georef: raster.Georef{GeoTransform: gt, HasGeoTransform: true, CRS: crs}}
	if nodata != nil {
		o.NoData, o.HasNoData = *nodata, true
	}
	if _, err := raster.Write(context.Background(), ndarray.FromDense(c, chunk.Spec{}), path, o); err != nil {
		t.Fatal(err)
	}
}

func ptr(f float64) *float64 { return &f }

// tiles makes four overlapping tiles of two resolutions with nodata holes.
func tiles(t *testing.T, dir string) []string {
	nd := ptr(-9999)
	var out []string
	specs := []struct {
		x0, y0, res float64
		w, h        int
	}{
		{500000, 4600000, 10, 100, 80},
		{500700, 4599700, 10, 90, 70}, // overlaps the first
		{500000, 4599200, 20, 40, 30},
		{501300, 4599400, 20, 50, 40}, // overlaps the second
	}
	for i, s := range specs {
		p := filepath.Join(dir, fmt.Sprintf("t%d.tif", i))
		tile(t, p, i+1, s.w, s.h, [6]float64{s.x0, s.res, 0, s.y0, 0, -s.res}, "EPSG:32631", block.Float32, nd)
		out = append(out, p)
	}
	return out
}

func readAll(t *testing.T, path string) (*raster.Info, *block.Dense) {
	t.Helper()
	info, err := raster.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := info.Read(context.Background(), raster.ReadOptions{DType: block.Float64, Chunks: chunk.PerAxis(1, 64, 64)})
	if err != nil {
		t.Fatal(err)
	}
	return info, d
}

func samePixels(t *testing.T, what string, a, b *block.Dense, tol float64) {
	t.Helper()
	if fmt.Sprint(a.Shape()) != fmt.Sprint(b.Shape()) {
		t.Fatalf("%s: shapes %v vs %v", what, a.Shape(), b.Shape())
	}
	av, bv := a.Float64s(), b.Float64s()
	for i := range av {
		if math.IsNaN(av[i]) && math.IsNaN(bv[i]) {
			continue
		}
		if math.Abs(av[i]-bv[i]) > tol {
			t.Fatalf("%s: pixel %d (of shape %v): tessera %v, GDAL %v", what, i, a.Shape(), av[i], bv[i])
		}
	}
}

func TestMosaicMatchesGdalbuildvrt(t *testing.T) {
	dir := t.TempDir()
	in := tiles(t, dir)
	cases := []struct {
		name string
		o    vrt.Options
		args []string
	}{
		{"average", vrt.Options{}, nil},
		{"highest", vrt.Options{Resolution: "highest"}, []string{"-resolution", "highest"}},
		{"lowest", vrt.Options{Resolution: "lowest"}, []string{"-resolution", "lowest"}},
		{"user-te", vrt.Options{XRes: 7, YRes: 9, Extent: &[4]float64{500100, 4598900, 501234, 4599900}},
			[]string{"-tr", "7", "9", "-te", "500100", "4598900", "501234", "4599900"}},
		{"srcnodata-none", vrt.Options{SrcNoDataNone: true, VRTNoData: []float64{0}}, []string{"-srcnodata", "None", "-vrtnodata", "0"}},
		{"srcnodata-value", vrt.Options{SrcNoData: []float64{13}, Resolution: "highest"}, []string{"-srcnodata", "13", "-resolution", "highest"}},
		{"vrtnodata-none", vrt.Options{VRTNoDataNone: true}, []string{"-vrtnodata", "None"}},
		{"separate", vrt.Options{Separate: true, Resolution: "highest"}, []string{"-separate", "-resolution", "highest"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ours := filepath.Join(dir, c.name+".vrt")
			theirs := filepath.Join(dir, c.name+"-gdal.vrt")
			if _, err := vrt.Build(ours, in, c.o); err != nil {
				t.Fatal(err)
			}
			args := append(append([]string{"-q"}, c.args...), theirs)
			if out, err := exec.Command("gdalbuildvrt", append(args, in...)...).CombinedOutput(); err != nil {
				t.Fatalf("gdalbuildvrt: %v %s", err, out)
			}
			oi, od := readAll(t, ours)
			gi, gd := readAll(t, theirs)
			if oi.SourceBlockX != 32 || oi.SourceBlockY != 32 {
				t.Errorf("source blocks %dx%d, want the tiles' 32x32", oi.SourceBlockX, oi.SourceBlockY)
			}
			if oi.Width != gi.Width || oi.Height != gi.Height || oi.GeoTransform != gi.GeoTransform || len(oi.Bands) != len(gi.Bands) {
				t.Fatalf("tessera %v\ngdal    %v", oi, gi)
			}
			for b := range oi.Bands {
				if oi.Bands[b].HasNoData != gi.Bands[b].HasNoData || oi.Bands[b].NoData != gi.Bands[b].NoData {
					t.Errorf("band %d nodata %+v vs %+v", b+1, oi.Bands[b], gi.Bands[b])
				}
			}
			samePixels(t, c.name, od, gd, 0)
		})
	}
}

func TestRelativePathsSurviveAMove(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	os.MkdirAll(a, 0o755)
	in := tiles(t, a)
	if _, err := vrt.Build(filepath.Join(a, "m.vrt"), in, vrt.Options{}); err != nil {
		t.Fatal(err)
	}
	_, before := readAll(t, filepath.Join(a, "m.vrt"))
	b := filepath.Join(dir, "b")
	if err := os.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	_, after := readAll(t, filepath.Join(b, "m.vrt"))
	samePixels(t, "moved", after, before, 0)
	raw, _ := os.ReadFile(filepath.Join(b, "m.vrt"))
	d, err := vrt.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if f := d.Files(); len(f) != 4 || f[0] != "t0.tif" {
		t.Errorf("files %v", f)
	}
}

func TestWarpMatchesGdalwarp(t *testing.T) {
	dir := t.TempDir()
	in := tiles(t, dir)
	mosaic := filepath.Join(dir, "m.vrt")
	if _, err := vrt.Build(mosaic, in, vrt.Options{Resolution: "highest"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"near", "bilinear"} {
		t.Run(r, func(t *testing.T) {
			warped := filepath.Join(dir, "w-"+r+".vrt")
			o := vrt.WarpOptions{CRS: "EPSG:4326", XRes: 0.0001, YRes: 0.0001, Resampling: r}
			info, err := vrt.Warp(warped, mosaic, o)
			if err != nil {
				t.Fatal(err)
			}
			if info.EPSG != 4326 {
				t.Errorf("EPSG %d", info.EPSG)
			}
			ref := filepath.Join(dir, "w-"+r+".tif")
			if out, err := exec.Command("gdalwarp", "-q", "-t_srs", "EPSG:4326", "-tr", "0.0001", "0.0001", "-r", r, "-et", "0", mosaic, ref).CombinedOutput(); err != nil {
				t.Fatalf("gdalwarp: %v %s", err, out)
			}
			gi, err := raster.Open(ref)
			if err != nil {
				t.Fatal(err)
			}
			if gi.Width != info.Width || gi.Height != info.Height || gi.GeoTransform != info.GeoTransform {
				t.Fatalf("warped grid %v vs gdalwarp %v", info, gi)
			}
			// A window across tile borders and across the VRT's blocks.
			w := &raster.Window{X: info.Width / 4, Y: info.Height / 5, W: info.Width / 2, H: info.Height / 2}
			ro := raster.ReadOptions{Window: w, DType: block.Float64, Chunks: chunk.PerAxis(1, 64, 64)}
			ours, err := info.Read(context.Background(), ro)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := gi.Read(context.Background(), ro)
			if err != nil {
				t.Fatal(err)
			}
			samePixels(t, "warp "+r, ours, theirs, 0)
		})
	}
}

func TestBuildRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	gt := [6]float64{500000, 10, 0, 4600000, 0, -10}
	a := filepath.Join(dir, "a.tif")
	tile(t, a, 1, 40, 40, gt, "EPSG:32631", block.Float32, nil)
	other := filepath.Join(dir, "other.tif")
	tile(t, other, 2, 40, 40, gt, "EPSG:32632", block.Float32, nil)
	ints := filepath.Join(dir, "ints.tif")
	tile(t, ints, 3, 40, 40, gt, "EPSG:32631", block.Int16, nil)
	i8 := filepath.Join(dir, "i8.tif")
	tile(t, i8, 4, 40, 40, gt, "EPSG:32631", block.Int8, ptr(-1))
	dst := filepath.Join(dir, "m.vrt")
	if _, err := vrt.Build(dst, []string{a, other}, vrt.Options{}); !errors.Is(err, vrt.ErrCRSMismatch) {
		t.Errorf("CRS mismatch: %v", err)
	}
	if _, err := vrt.Build(dst, []string{a, other}, vrt.Options{AllowProjectionDifference: true}); err != nil {
		t.Errorf("allowed CRS difference: %v", err)
	}
	if _, err := vrt.Build(dst, []string{a, ints}, vrt.Options{}); !errors.Is(err, vrt.ErrMismatch) {
		t.Errorf("mixed dtypes: %v", err)
	}
	if info, err := vrt.Build(dst, []string{a, ints}, vrt.Options{Separate: true}); err != nil || info.Bands[1].DType != block.Int16 {
		t.Errorf("separate mixed dtypes: %v", err)
	} else {
		// Bands of mixed types read as their common type, exactly.
		d, err := info.Read(context.Background(), raster.ReadOptions{})
		if err != nil || d.DType() != info.DType || info.DType != block.Float32 || d.At(0, 3, 4) != 10+7%7 || d.At(1, 3, 4) != 30+7%7 {
			t.Errorf("mixed-dtype stack read: %v %v (%s)", d, err, info.DType)
		}
	}
	if _, err := vrt.Build(dst, []string{a, filepath.Join(dir, "missing.tif")}, vrt.Options{}); !errors.Is(err, raster.ErrOpen) {
		t.Errorf("missing input: %v", err)
	}
	if _, err := vrt.Build(dst, []string{i8}, vrt.Options{}); !errors.Is(err, vrt.ErrMismatch) {
		t.Errorf("int8 with nodata: %v", err)
	}
	if info, err := vrt.Build(dst, []string{i8}, vrt.Options{SrcNoDataNone: true, VRTNoDataNone: true}); err != nil {
		t.Errorf("int8 without nodata: %v", err)
	} else if d, err := info.Read(context.Background(), raster.ReadOptions{}); err != nil || d.DType() != block.Int8 || d.At(0, 0, 0) != 40 || d.At(0, 15, 15) != -1 {
		t.Errorf("int8 mosaic read: %v %v", d, err)
	}
	for _, o := range []vrt.Options{{Resolution: "best"}, {XRes: -1, YRes: 1}, {Extent: &[4]float64{1, 1, 0, 2}}, {Resolution: "highest", XRes: 1, YRes: 1}, {XRes: 1e-9, YRes: 1e-9}} {
		if _, err := vrt.Build(dst, []string{a}, o); !errors.Is(err, vrt.ErrOptions) {
			t.Errorf("options %+v: %v", o, err)
		}
	}
	if _, err := vrt.Build(dst, nil, vrt.Options{}); !errors.Is(err, vrt.ErrOptions) {
		t.Errorf("no inputs: %v", err)
	}
	if _, err := vrt.Warp(filepath.Join(dir, "w.vrt"), filepath.Join(dir, "missing.tif"), vrt.WarpOptions{CRS: "EPSG:4326"}); !errors.Is(err, raster.ErrOpen) {
		t.Errorf("warp of missing: %v", err)
	}
	if _, err := vrt.Warp(filepath.Join(dir, "w.vrt"), a, vrt.WarpOptions{CRS: "EPSG:999999"}); err == nil {
		t.Error("warp to a bogus CRS accepted")
	}
	if _, err := vrt.Warp(filepath.Join(dir, "w.vrt"), a, vrt.WarpOptions{Resampling: "magic"}); !errors.Is(err, vrt.ErrOptions) {
		t.Errorf("bad resampling: %v", err)
	}
}

// The warped VRT's lifetime is independent of anything Warp opened: reading
// it from many goroutines after Warp returned is safe.
func TestWarpedVRTConcurrentReads(t *testing.T) {
	dir := t.TempDir()
	in := tiles(t, dir)
	mosaic := filepath.Join(dir, "m.vrt")
	if _, err := vrt.Build(mosaic, in, vrt.Options{}); err != nil {
		t.Fatal(err)
	}
	info, err := vrt.Warp(filepath.Join(dir, "w.vrt"), mosaic, vrt.WarpOptions{CRS: "EPSG:3857"})
	if err != nil {
		t.Fatal(err)
	}
	one, err := info.Read(context.Background(), raster.ReadOptions{Chunks: chunk.Uniform(-1)})
	if err != nil {
		t.Fatal(err)
	}
	many, err := info.Read(context.Background(), raster.ReadOptions{Chunks: chunk.PerAxis(1, 16, 16)})
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, "concurrent warped", many, one, 0)
}

// A mosaic whose source goes bad after the VRT was built fails its reads
// with an error, never a crash.
func TestMosaicWithBrokenSource(t *testing.T) {
	dir := t.TempDir()
	in := tiles(t, dir)
	m := filepath.Join(dir, "m.vrt")
	info, err := vrt.Build(m, in, vrt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(in[1])
	os.WriteFile(in[1], b[:len(b)/2], 0o644) // truncated tile
	os.Remove(in[2])                         // missing tile
	raster.CloseIdle()
	_, err = info.Read(context.Background(), raster.ReadOptions{})
	if !errors.Is(err, raster.ErrRead) && !errors.Is(err, raster.ErrOpen) {
		t.Fatalf("broken mosaic read: %v", err)
	}
	if _, err := vrt.Build(m, in, vrt.Options{}); !errors.Is(err, raster.ErrOpen) {
		t.Errorf("rebuild over a missing tile: %v", err)
	}
}
