package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tessera-array/tessera/raster"
)

func TestBuildVRTAndInfo(t *testing.T) {
	dir := t.TempDir()
	var in []string
	for i, ul := range []string{"500000 4600000 501000 4599000", "500800 4599500 501800 4598500"} {
		p := filepath.Join(dir, "t"+string(rune('a'+i))+".tif")
		args := append([]string{"-q", "-of", "GTiff", "-outsize", "100", "100", "-ot", "Int16", "-burn", "7", "-a_srs", "EPSG:32631", "-a_nodata", "0", "-a_ullr"}, strings.Fields(ul)...)
		if out, err := exec.Command("gdal_create", append(args, p)...).CombinedOutput(); err != nil {
			t.Fatalf("gdal_create: %v %s", err, out)
		}
		in = append(in, p)
	}
	out := filepath.Join(dir, "m.vrt")
	if msg, code := tessera(t, append([]string{"buildvrt", "-resolution", "highest", "-srcnodata", "0", out}, in...)...); code != 0 {
		t.Fatalf("buildvrt: %d %s", code, msg)
	}
	if msg, code := tessera(t, append([]string{"buildvrt", out}, in...)...); code != 1 || !strings.Contains(msg, "-overwrite") {
		t.Errorf("existing output: %d %s", code, msg)
	}
	msg, code := tessera(t, "info", "-json", out)
	if code != 0 {
		t.Fatalf("info: %s", msg)
	}
	var info raster.Info
	if err := json.Unmarshal([]byte(msg), &info); err != nil {
		t.Fatal(err)
	}
	if info.Width != 180 || info.Height != 150 || info.EPSG != 32631 || info.Driver != "VRT" || !info.Bands[0].HasNoData {
		t.Errorf("info %+v", info)
	}
	if msg, code := tessera(t, "info", out); code != 0 || !strings.Contains(msg, "vrt sources: 2 file(s), first ta.tif") {
		t.Errorf("vrt info: %s", msg)
	}
	png := filepath.Join(dir, "m.png")
	if msg, code := tessera(t, "quicklook", "-o", png, "-cmap", "greys", out); code != 0 || !strings.Contains(msg, "m.png") {
		t.Errorf("raster quicklook: %d %s", code, msg)
	}
	if msg, code := tessera(t, "info", in[0]); code != 0 || !strings.Contains(msg, "EPSG:32631") || !strings.Contains(msg, "nodata=0") {
		t.Errorf("text info: %s", msg)
	}
	if msg, code := tessera(t, "info", filepath.Join(dir, "missing.tif")); code != 1 || !strings.Contains(msg, "cannot open") {
		t.Errorf("missing: %d %s", code, msg)
	}
	if _, code := tessera(t, "nope"); code != 2 {
		t.Error("unknown command accepted")
	}
	if msg, code := tessera(t, "help"); code != 0 || !strings.Contains(msg, "buildvrt") {
		t.Errorf("help: %s", msg)
	}
}

func TestParseBuildVRT(t *testing.T) {
	a, err := parseBuildVRT(strings.Fields("-te 1 2 3 4 -tr 0.5 0.5 out.vrt -separate a.tif b.tif -srcnodata None -vrtnodata 5 -allow_projection_difference"))
	if err != nil {
		t.Fatal(err)
	}
	if a.out != "out.vrt" || len(a.inputs) != 2 || !a.opts.Separate || !a.opts.SrcNoDataNone || a.opts.VRTNoData[0] != 5 || a.opts.Extent[3] != 4 || a.opts.XRes != 0.5 || !a.opts.AllowProjectionDifference {
		t.Errorf("%+v", a)
	}
	for _, bad := range []string{"", "out.vrt", "-te 1 2 3 out.vrt a.tif", "-tr x 1 o.vrt a", "-resolution best o.vrt a", "-frobnicate o.vrt a", "-srcnodata", "-resolution user o.vrt a", "-tr nan 1 o a"} {
		if _, err := parseBuildVRT(strings.Fields(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseBuildVRT(f *testing.F) {
	for _, s := range []string{"-te 1 2 3 4 -tr 0.5 0.5 out.vrt a.tif", "-srcnodata \"1 2\" o a", "-resolution user -tr 1 1 o a", "-input_file_list l o"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseBuildVRT(strings.Fields(s))
		if err != nil {
			return
		}
		if a.out == "" || len(a.inputs) == 0 && a.listFile == "" {
			t.Fatalf("accepted %q without output or inputs", s)
		}
	})
}
