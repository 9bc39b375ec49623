package raster_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/airbusgeo/godal"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
)

// pattern is a deterministic value per (band, y, x) that fits every dtype.
func pattern(dt block.DType, nb, h, w int) *block.Dense {
	d := block.Must(block.Float64, nb, h, w)
	v := block.Values[float64](d)
	for b := 0; b < nb; b++ {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				f := float64((b*31+y*7+x*3)%120) - 50
				if dt.IsUnsigned() {
					f += 60
				}
				if dt.IsFloat() {
					f += 0.25
				}
				v[(b*h+y)*w+x] = f
			}
		}
	}
	out, err := d.AsType(dt, block.CastOptions{})
	if err != nil {
		panic(err)
	}
	return out
}

type gdalInfo struct {
	Size             []int     `json:"size"`
	GeoTransform     []float64 `json:"geoTransform"`
	CoordinateSystem struct {
		WKT string `json:"wkt"`
	} `json:"coordinateSystem"`
	Metadata map[string]map[string]string `json:"metadata"`
	Bands    []struct {
		Type        string                       `json:"type"`
		Block       []int                        `json:"block"`
		NoDataValue any                          `json:"noDataValue"`
		Scale       *float64                     `json:"scale"`
		Offset      *float64                     `json:"offset"`
		Overviews   []json.RawMessage            `json:"overviews"`
		Metadata    map[string]map[string]string `json:"metadata"`
	} `json:"bands"`
}

func runGdalinfo(t *testing.T, path string) gdalInfo {
	t.Helper()
	out, err := exec.Command("gdalinfo", "-json", path).Output()
	if err != nil {
		t.Fatalf("gdalinfo -json %s: %v", path, err)
	}
	var gi gdalInfo
	if err := json.Unmarshal(out, &gi); err != nil {
		t.Fatalf("gdalinfo output: %v", err)
	}
	return gi
}

// gdalRead reads every band of path with GDAL directly (not through this
// package) as float64.
func gdalRead(t *testing.T, path string, signed bool) []float64 {
	t.Helper()
	godal.RegisterAll()
	ds, err := godal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	st := ds.Structure()
	n := st.NBands * st.SizeX * st.SizeY
	if signed {
		buf := make([]uint8, n)
		if err := ds.Read(0, 0, buf, st.SizeX, st.SizeY, godal.BandInterleaved()); err != nil {
			t.Fatal(err)
		}
		out := make([]float64, n)
		for i, b := range buf {
			out[i] = float64(int8(b))
		}
		return out
	}
	buf := make([]float64, n)
	if err := ds.Read(0, 0, buf, st.SizeX, st.SizeY, godal.BandInterleaved()); err != nil {
		t.Fatal(err)
	}
	return buf
}

var utm31 = raster.Georef{GeoTransform: [6]float64{500000, 10, 0, 4600000, 0, -10}, HasGeoTransform: true, CRS: "EPSG:32631"}

func TestWriteReadBackWithGDAL(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	types := map[block.DType]string{block.Uint8: "Byte", block.Int8: "Byte", block.Int16: "Int16", block.Uint16: "UInt16",
		block.Int32: "Int32", block.Uint32: "UInt32", block.Float32: "Float32", block.Float64: "Float64"}
	comps := []string{"DEFLATE", "ZSTD", "LZW", "NONE"}
	i := 0
	for dt, gname := range types {
		comp := comps[i%len(comps)]
		i++
		t.Run(dt.String()+"-"+comp, func(t *testing.T) {
			src := pattern(dt, 2, 100, 130)
			a := ndarray.FromDense(src, chunk.PerAxis(1, 64, 64))
			path := filepath.Join(dir, dt.String()+".tif")
			o := raster.WriteOptions{Compress: comp, BlockSize: 64, Georef: utm31, NoData: 7, HasNoData: true,
				Scale: 0.5, Offset: 3, Metadata: map[string]string{"SOURCE": "tessera"}}
			if comp != "NONE" {
				o.Predictor = 2
				if dt.IsFloat() {
					o.Predictor = 3
				}
			}
			if _, err := raster.Write(ctx, a, path, o); err != nil {
				t.Fatal(err)
			}
			gi := runGdalinfo(t, path)
			if gi.Size[0] != 130 || gi.Size[1] != 100 || len(gi.Bands) != 2 {
				t.Fatalf("gdalinfo size %v bands %d", gi.Size, len(gi.Bands))
			}
			if fmt.Sprint(gi.GeoTransform) != fmt.Sprint(utm31.GeoTransform[:]) {
				t.Errorf("geotransform %v", gi.GeoTransform)
			}
			if !strings.Contains(gi.CoordinateSystem.WKT, `ID["EPSG",32631]`) {
				t.Errorf("CRS %q", gi.CoordinateSystem.WKT)
			}
			wantComp := comp
			if comp == "NONE" {
				wantComp = ""
			}
			if got := gi.Metadata["IMAGE_STRUCTURE"]["COMPRESSION"]; got != wantComp {
				t.Errorf("COMPRESSION %q, want %q", got, wantComp)
			}
			if got, want := gi.Metadata["IMAGE_STRUCTURE"]["PREDICTOR"], map[int]string{0: "", 2: "2", 3: "3"}[o.Predictor]; got != want {
				t.Errorf("PREDICTOR %q, want %q", got, want)
			}
			if gi.Metadata[""]["SOURCE"] != "tessera" {
				t.Errorf("metadata %v", gi.Metadata)
			}
			for _, b := range gi.Bands {
				if b.Type != gname || fmt.Sprint(b.Block) != "[64 64]" {
					t.Errorf("band type %s block %v", b.Type, b.Block)
				}
				if fmt.Sprint(b.NoDataValue) != "7" || b.Scale == nil || *b.Scale != 0.5 || b.Offset == nil || *b.Offset != 3 {
					t.Errorf("band nodata %v scale %v offset %v", b.NoDataValue, b.Scale, b.Offset)
				}
				if dt == block.Int8 && b.Metadata["IMAGE_STRUCTURE"]["PIXELTYPE"] != "SIGNEDBYTE" {
					t.Errorf("int8 band metadata %v", b.Metadata)
				}
			}
			got := gdalRead(t, path, dt == block.Int8)
			want := src.Float64s()
			for k := range want {
				if got[k] != want[k] {
					t.Fatalf("GDAL reads %v at %d, wrote %v", got[k], k, want[k])
				}
			}
			// And this package reads the same values, typed.
			info, err := raster.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.DType != dt || info.EPSG != 32631 || info.Bands[0].Scale != 0.5 {
				t.Errorf("info %v epsg %d", info, info.EPSG)
			}
			back, err := info.Read(ctx, raster.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equal(src) {
				t.Error("round trip differs")
			}
			dec, err := info.Read(ctx, raster.ReadOptions{MaskNoData: true, ApplyScale: true, Window: &raster.Window{X: 5, Y: 6, W: 70, H: 50}})
			if err != nil {
				t.Fatal(err)
			}
			for b := 0; b < 2; b++ {
				for y := 0; y < 50; y++ {
					for x := 0; x < 70; x++ {
						s := src.At(b, y+6, x+5)
						g := dec.At(b, y, x)
						if s == 7 && !math.IsNaN(g) || s != 7 && g != s*0.5+3 {
							t.Fatalf("decoded %v at %d,%d,%d from %v", g, b, y, x, s)
						}
					}
				}
			}
		})
	}
}

func TestCOGWithOverviews(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cog.tif")
	src := pattern(block.Float32, 1, 1200, 1100)
	a := ndarray.FromDense(src, chunk.PerAxis(1, 512, 512))
	if _, err := raster.Write(ctx, a, path, raster.WriteOptions{COG: true, Compress: "ZSTD", Level: 9, Predictor: 3, Georef: utm31, Resampling: "average"}); err != nil {
		t.Fatal(err)
	}
	gi := runGdalinfo(t, path)
	if is := gi.Metadata["IMAGE_STRUCTURE"]; is["LAYOUT"] != "COG" || is["COMPRESSION"] != "ZSTD" || is["PREDICTOR"] != "3" {
		t.Errorf("image structure %v", gi.Metadata["IMAGE_STRUCTURE"])
	}
	if len(gi.Bands[0].Overviews) < 1 || fmt.Sprint(gi.Bands[0].Block) != "[512 512]" {
		t.Errorf("overviews %d, block %v", len(gi.Bands[0].Overviews), gi.Bands[0].Block)
	}
	got := gdalRead(t, path, false)
	for k, w := range src.Float64s() {
		if got[k] != w {
			t.Fatalf("COG value %v at %d, want %v", got[k], k, w)
		}
	}
	// Overviews in a plain GeoTIFF, and BIGTIFF.
	p2 := filepath.Join(t.TempDir(), "ovr.tif")
	if _, err := raster.Write(ctx, a, p2, raster.WriteOptions{Overviews: []int{2, 4}, BigTIFF: "YES"}); err != nil {
		t.Fatal(err)
	}
	if gi := runGdalinfo(t, p2); len(gi.Bands[0].Overviews) != 2 {
		t.Errorf("plain overviews %d", len(gi.Bands[0].Overviews))
	}
}

func TestConcurrentReadsOfOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.tif")
	src := pattern(block.Int32, 3, 512, 640)
	if _, err := raster.Write(ctx, ndarray.FromDense(src, chunk.PerAxis(1, 128, 128)), path, raster.WriteOptions{BlockSize: 64, Compress: "ZSTD"}); err != nil {
		t.Fatal(err)
	}
	info, err := raster.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// Many tasks at once through the executor...
	a := info.Lazy(raster.ReadOptions{Chunks: chunk.PerAxis(1, 64, 64)})
	got, err := a.Compute(ctx, ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{Workers: 16})))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(src) {
		t.Fatal("concurrent lazy read differs from the source")
	}
	// ...and 32 goroutines reading every block by hand, each block checked.
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 40; k++ {
				n := (g*40 + k) % (3 * 8 * 10)
				b, by, bx := n/80, (n/10)%8, n%10
				op := &raster.ReadOp{Path: path, Bands: []int{b + 1}, X: bx * 64, Y: by * 64, W: 64, H: 64, Stored: block.Int32, Out: block.Int32}
				v, err := op.Run(ctx, nil)
				if err != nil {
					errs <- err
					return
				}
				d := v.(*block.Dense)
				want, _ := src.SubBlock(chunk.Box{Lo: []int{b, by * 64, bx * 64}, Hi: []int{b + 1, by*64 + 64, bx*64 + 64}})
				if !d.Equal(want) {
					errs <- fmt.Errorf("goroutine %d block %d,%d,%d differs", g, b, by, bx)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := raster.Open(filepath.Join(dir, "missing.tif")); !errors.Is(err, raster.ErrOpen) {
		t.Errorf("missing file: %v", err)
	}
	junk := filepath.Join(dir, "junk.tif")
	os.WriteFile(junk, []byte("II*\x00garbage that is not a tiff at all"), 0o644)
	if _, err := raster.Open(junk); !errors.Is(err, raster.ErrOpen) {
		t.Errorf("corrupt file: %v", err)
	}
	// A truncated tile: header intact, data cut off.
	good := filepath.Join(dir, "good.tif")
	src := pattern(block.Float64, 1, 256, 256)
	if _, err := raster.Write(ctx, ndarray.FromDense(src, chunk.Uniform(-1)), good, raster.WriteOptions{BlockSize: 64}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	trunc := filepath.Join(dir, "trunc.tif")
	os.WriteFile(trunc, b[:len(b)*2/3], 0o644)
	if info, err := raster.Open(trunc); err == nil {
		if _, err := info.Read(ctx, raster.ReadOptions{}); !errors.Is(err, raster.ErrRead) {
			t.Errorf("truncated tile read: %v", err)
		}
	} else if !errors.Is(err, raster.ErrOpen) {
		t.Errorf("truncated open: %v", err)
	}
	info, err := raster.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []raster.Window{{-1, 0, 10, 10}, {250, 0, 10, 10}, {0, 0, 0, 5}, {0, 250, 10, 7}} {
		if _, err := info.Read(ctx, raster.ReadOptions{Window: &w}); !errors.Is(err, raster.ErrWindow) {
			t.Errorf("window %+v: %v", w, err)
		}
	}
	if _, err := info.Read(ctx, raster.ReadOptions{Bands: []int{2}}); !errors.Is(err, raster.ErrBand) {
		t.Errorf("band 2: %v", err)
	}
	if _, err := (&raster.ReadOp{Path: good, Bands: []int{1}, X: 200, W: 100, H: 1, Stored: block.Float64, Out: block.Float64}).Run(ctx, nil); !errors.Is(err, raster.ErrWindow) {
		t.Errorf("op window: %v", err)
	}
	if _, err := raster.Write(ctx, ndarray.Zeros(block.Int64, []int{4, 4}, chunk.Spec{}), filepath.Join(dir, "i64.tif"), raster.WriteOptions{}); !errors.Is(err, raster.ErrDType) {
		t.Errorf("int64 write: %v", err)
	}
	if _, err := raster.Write(ctx, ndarray.Zeros(block.Uint8, []int{4}, chunk.Spec{}), filepath.Join(dir, "1d.tif"), raster.WriteOptions{}); !errors.Is(err, raster.ErrOptions) {
		t.Errorf("1-d write: %v", err)
	}
	for _, o := range []raster.WriteOptions{{Compress: "JPEG2000"}, {Predictor: 5}, {Level: 30, Compress: "ZSTD"}, {BlockSize: 100}, {BigTIFF: "MAYBE"}, {Georef: raster.Georef{CRS: "not a crs"}}} {
		if _, err := raster.Write(ctx, ndarray.Zeros(block.Uint8, []int{4, 4}, chunk.Spec{}), filepath.Join(dir, "bad.tif"), o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.tif")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a failed write left a file behind")
	}
	// Writing into a missing directory fails cleanly.
	if _, err := raster.Write(ctx, ndarray.Zeros(block.Uint8, []int{4, 4}, chunk.Spec{}), filepath.Join(dir, "no", "x.tif"), raster.WriteOptions{}); !errors.Is(err, raster.ErrWrite) {
		t.Errorf("missing dir: %v", err)
	}
}

func TestInt8RoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "i8.tif")
	vals := make([]int8, 256)
	for i := range vals {
		vals[i] = int8(i - 128)
	}
	d, _ := block.FromSlice(vals, 16, 16)
	if _, err := raster.Write(ctx, ndarray.FromDense(d, chunk.Spec{}), path, raster.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	info, err := raster.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.DType != block.Int8 {
		t.Fatalf("dtype %s", info.DType)
	}
	got, err := info.Read(ctx, raster.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g := block.Values[int8](got)
	for i := range vals {
		if g[i] != vals[i] {
			t.Fatalf("int8 %d read as %d", vals[i], g[i])
		}
	}
}

func TestReadIntoMatchesLazy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ri.tif")
	src := pattern(block.Int16, 2, 300, 260)
	if _, err := raster.Write(ctx, ndarray.FromDense(src, chunk.Spec{}), path, raster.WriteOptions{BlockSize: 32, NoData: 7, HasNoData: true, Scale: 0.5, Offset: 1}); err != nil {
		t.Fatal(err)
	}
	info, err := raster.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []raster.ReadOptions{
		{},
		{Window: &raster.Window{X: 13, Y: 40, W: 200, H: 100}, Chunks: chunk.PerAxis(1, 32, 64)},
		{MaskNoData: true, ApplyScale: true, Bands: []int{2}, DType: block.Float32},
		{MaskNoData: true, ApplyScale: true, Window: &raster.Window{X: 5, Y: 5, W: 77, H: 99}, DType: block.Float64},
	} {
		want, err := info.Read(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		dst := block.Must(want.DType(), want.Shape()...)
		if err := info.ReadInto(ctx, dst, o, 3); err != nil {
			t.Fatal(err)
		}
		a, b := want.Float64s(), dst.Float64s()
		for k := range a {
			if a[k] != b[k] && !(math.IsNaN(a[k]) && math.IsNaN(b[k])) {
				t.Fatalf("options %+v: ReadInto %v at %d, Lazy %v", o, b[k], k, a[k])
			}
		}
	}
	if err := info.ReadInto(ctx, block.Must(block.Int16, 1, 2, 3), raster.ReadOptions{}, 1); !errors.Is(err, raster.ErrWindow) {
		t.Errorf("wrong shape: %v", err)
	}
	if err := info.ReadInto(ctx, block.Must(block.Int16, 2, 300, 260), raster.ReadOptions{ApplyScale: true}, 1); !errors.Is(err, raster.ErrOptions) {
		t.Errorf("int scale: %v", err)
	}
	if err := info.ReadInto(ctx, block.Must(block.Int64, 2, 300, 260), raster.ReadOptions{}, 1); !errors.Is(err, raster.ErrDType) {
		t.Errorf("int64: %v", err)
	}
}

// Read tasks are data: a graph's op survives JSON and runs elsewhere.
func TestReadOpIsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.tif")
	src := pattern(block.Uint16, 2, 64, 64)
	if _, err := raster.Write(ctx, ndarray.FromDense(src, chunk.Spec{}), path, raster.WriteOptions{NoData: 60, HasNoData: true, Scale: 2, BlockSize: 16}); err != nil {
		t.Fatal(err)
	}
	info, _ := raster.Open(path)
	a := info.Lazy(raster.ReadOptions{MaskNoData: true, ApplyScale: true, Chunks: chunk.PerAxis(1, 32, 32)})
	b := ndarray.NewBuilder()
	keys, err := b.Keys(a)
	if err != nil {
		t.Fatal(err)
	}
	task, _ := b.Graph().Task(keys[3])
	js, err := json.Marshal(task.Op)
	if err != nil {
		t.Fatal(err)
	}
	var op raster.ReadOp
	if err := json.Unmarshal(js, &op); err != nil {
		t.Fatal(err)
	}
	v, err := op.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := a.Compute(ctx)
	got := v.(*block.Dense)
	sub, _ := want.SubBlock(a.Grid().BlockBox(a.Grid().Unlinear(3)))
	g, w := got.Float64s(), sub.Float64s()
	for k := range g {
		if g[k] != w[k] && !(math.IsNaN(g[k]) && math.IsNaN(w[k])) {
			t.Fatalf("decoded op differs at %d: %v vs %v", k, g[k], w[k])
		}
	}
}

// Blocks that do not line up with the tiles still write correctly: GDAL's
// single writer merges partial tiles.
func TestWriteUnalignedBlocks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "u.tif")
	src := pattern(block.Float32, 3, 200, 230)
	if _, err := raster.Write(ctx, ndarray.FromDense(src, chunk.PerAxis(2, 50, 70)), path, raster.WriteOptions{BlockSize: 64, Compress: "ZSTD"}); err != nil {
		t.Fatal(err)
	}
	got := gdalRead(t, path, false)
	for k, w := range src.Float64s() {
		if got[k] != w {
			t.Fatalf("value %v at %d, want %v", got[k], k, w)
		}
	}
}
