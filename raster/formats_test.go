package raster_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
)

// writeNetCDF3 writes a classic (CDF-1) NetCDF file with float32 variables
// of shape (y, x), big-endian, per the NetCDF classic format spec; it is
// only a fixture maker (Debian's GDAL 3.6 cannot write two variables into
// one file).
func writeNetCDF3(t *testing.T, path string, h, w int, vars map[string][]float32, order []string) {
	t.Helper()
	var hdr bytes.Buffer
	i32 := func(v int) { binary.Write(&hdr, binary.BigEndian, int32(v)) }
	name := func(s string) {
		i32(len(s))
		hdr.WriteString(s)
		for hdr.Len()%4 != 0 {
			hdr.WriteByte(0)
		}
	}
	hdr.WriteString("CDF\x01")
	i32(0) // numrecs
	i32(0x0A)
	i32(2)
	name("y")
	i32(h)
	name("x")
	i32(w)
	i32(0) // no global attributes
	i32(0)
	// Variable headers: sizes are known, offsets are patched after.
	i32(0x0B)
	i32(len(order))
	vsize := h * w * 4
	var beginPos []int
	for _, v := range order {
		name(v)
		i32(2)
		i32(0)
		i32(1)
		i32(0) // no attributes
		i32(0)
		i32(5) // NC_FLOAT
		i32(vsize)
		beginPos = append(beginPos, hdr.Len())
		i32(0)
	}
	b := hdr.Bytes()
	off := len(b)
	for k := range order {
		binary.BigEndian.PutUint32(b[beginPos[k]:], uint32(off+k*vsize))
	}
	var data bytes.Buffer
	data.Write(b)
	for _, v := range order {
		binary.Write(&data, binary.BigEndian, vars[v])
	}
	if err := os.WriteFile(path, data.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestNetCDFSubdatasets(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "two.nc")
	h, w := 30, 40
	a, b := make([]float32, h*w), make([]float32, h*w)
	for i := range a {
		a[i], b[i] = float32(i), float32(-i)/2
	}
	writeNetCDF3(t, path, h, w, map[string][]float32{"alpha": a, "beta": b}, []string{"alpha", "beta"})
	info, err := raster.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.SubDatasets) != 2 || !strings.Contains(info.SubDatasets[1], "beta") {
		t.Fatalf("subdatasets %v", info.SubDatasets)
	}
	if _, err := info.Read(ctx, raster.ReadOptions{}); !errors.Is(err, raster.ErrBand) {
		t.Errorf("reading a container: %v", err)
	}
	sub, err := raster.Open(info.SubDatasets[1])
	if err != nil {
		t.Fatal(err)
	}
	if sub.Width != w || sub.Height != h || sub.DType != block.Float32 {
		t.Fatalf("subdataset %v", sub)
	}
	d, err := sub.Read(ctx, raster.ReadOptions{Chunks: chunk.PerAxis(1, 7, 9)})
	if err != nil {
		t.Fatal(err)
	}
	// GDAL presents NetCDF rows bottom-up or top-down depending on the
	// coordinates; without coordinates the file order is kept or flipped.
	got := block.Values[float32](d)
	flipped := true
	same := true
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if got[y*w+x] != b[y*w+x] {
				same = false
			}
			if got[y*w+x] != b[(h-1-y)*w+x] {
				flipped = false
			}
		}
	}
	if !same && !flipped {
		t.Errorf("NetCDF values differ from the file's")
	}
}

func TestVSICurl(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := pattern(block.Float32, 1, 300, 200)
	if _, err := raster.Write(ctx, ndarray.FromDense(src, chunk.Spec{}), filepath.Join(dir, "r.tif"), raster.WriteOptions{BlockSize: 64, Compress: "ZSTD", Georef: utm31}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	info, err := raster.Open("/vsicurl/" + srv.URL + "/r.tif")
	if err != nil {
		t.Fatal(err)
	}
	if info.EPSG != 32631 || info.Width != 200 {
		t.Fatalf("info %v", info)
	}
	d, err := info.Read(ctx, raster.ReadOptions{Chunks: chunk.PerAxis(1, 64, 64)})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Equal(src) {
		t.Error("values over /vsicurl/ differ")
	}
	if _, err := raster.Open("/vsicurl/" + srv.URL + "/missing.tif"); !errors.Is(err, raster.ErrOpen) {
		t.Errorf("missing URL: %v", err)
	}
}
