package vrt_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/vrt"
)

func TestParseGDALWritten(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.vrt")
	if len(files) < 3 {
		t.Fatalf("seeds missing: %v (run testdata/make.sh)", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := vrt.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if filepath.Base(f) != "gdalwarp.vrt" && len(d.Files()) == 0 {
			t.Errorf("%s: no sources", f)
		}
	}
}

// FuzzParse: no input makes Parse panic, and what it accepts marshals and
// parses again to the same structure.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.vrt")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1"/></VRTDataset>`))
	f.Add([]byte(`<VRTDataset rasterXSize="-1" rasterYSize="1">`))
	adv, _ := filepath.Glob("testdata/adversarial/*.vrt")
	for _, p := range adv {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`<VRTDataset rasterXSize="9223372036854775807" rasterYSize="9223372036854775807"><VRTRasterBand dataType="Byte" band="1"/></VRTDataset>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		d, err := vrt.Parse(b)
		if err != nil {
			return
		}
		// What parses has a declared size within raster's limit.
		px := int64(d.RasterXSize) * int64(d.RasterYSize)
		if d.RasterXSize > raster.MaxRasterBytes || d.RasterYSize > raster.MaxRasterBytes || px > raster.MaxRasterBytes {
			t.Fatalf("parsed a VRT of %dx%d", d.RasterXSize, d.RasterYSize)
		}
		out, err := d.Marshal()
		if err != nil {
			t.Fatalf("marshal of parsed VRT: %v", err)
		}
		d2, err := vrt.Parse(out)
		if err != nil {
			t.Fatalf("reparse: %v\n%s", err, out)
		}
		if d2.RasterXSize != d.RasterXSize || len(d2.Bands) != len(d.Bands) || len(d2.Files()) != len(d.Files()) {
			t.Fatalf("round trip changed the VRT")
		}
	})
}

// TestParseRefusesHugeDeclaredSize: a VRT whose declared pixels x bands x
// type size overflow or exceed raster.MaxRasterBytes is ErrFormat and
// raster.ErrSize at Parse.
func TestParseRefusesHugeDeclaredSize(t *testing.T) {
	files, _ := filepath.Glob("testdata/adversarial/*.vrt")
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		_, err = vrt.Parse(b)
		assert.ErrorIs(t, err, vrt.ErrFormat, f)
		assert.ErrorIs(t, err, raster.ErrSize, f)
	}
}
