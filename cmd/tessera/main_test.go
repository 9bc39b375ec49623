package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

var ctx = context.Background()

func tessera(t *testing.T, args ...string) (string, int) {
	var out, errb bytes.Buffer
	code := run(ctx, &out, &errb, args)
	return out.String() + errb.String(), code
}

func TestConvertAndInfo(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.zarr")
	s, _ := zarr.NewDirectoryStore(src)
	x := ndarray.Random([]int{40, 30, 6}, chunk.PerAxis(10, 10, 3), 3).Pack(block.ScaleOffset{Scale: 1e-4}, block.Int16, block.OverflowError)
	ds := zarr.Dataset{Attrs: map[string]any{"title": "t"}, Vars: map[string]zarr.Variable{"refl": {Dims: []string{"y", "x", "band"}, Data: x}}}
	if err := zarr.WriteDataset(ctx, s, "", ds, 2); err != nil {
		t.Fatal(err)
	}
	want, _ := x.Compute(ctx)

	v3 := filepath.Join(dir, "v3.zarr")
	if out, code := tessera(t, "convert", "-format", "3", "-shards", "2,3,2", "-compressor", "zstd:3", src, v3); code != 0 {
		t.Fatalf("convert: %s", out)
	}
	back := filepath.Join(dir, "back.zarr")
	if out, code := tessera(t, "convert", "-format", "2", "-compressor", "blosc-lz4", v3, back); code != 0 {
		t.Fatalf("convert back: %s", out)
	}
	for _, p := range []string{v3, back} {
		st, _ := zarr.NewDirectoryStore(p)
		a, err := zarr.OpenArray(ctx, st, "refl")
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.ReadAll(ctx)
		if err != nil || !got.Equal(want) {
			t.Fatalf("%s: values differ (%v)", p, err)
		}
	}
	out, code := tessera(t, "info", v3)
	if code != 0 || !strings.Contains(out, "refl  array v3  int16  shape [40 30 6]  chunks [20 30 6]") || !strings.Contains(out, "sharding(inner [10,10,3])") || !strings.Contains(out, "dims [y x band]") {
		t.Fatalf("info:\n%s", out)
	}
	if !strings.Contains(out, "group v3") || !strings.Contains(out, "logical") {
		t.Fatalf("info:\n%s", out)
	}
	png := filepath.Join(dir, "q.png")
	if out, code := tessera(t, "quicklook", "-o", png, "-index", "0", back, "refl"); code != 0 || !strings.Contains(out, "30x40") && !strings.Contains(out, "6x30") {
		t.Fatalf("quicklook: %s", out)
	}
	// zarr-python reads the v2 result, when it is here
	if exec.Command("/usr/bin/python3", "-c", "import zarr").Run() == nil {
		py := `import zarr, sys, json; a = zarr.open_array(sys.argv[1] + "/refl", mode="r"); print(json.dumps([int(a[...].astype("int64").sum()), str(a.dtype)]))`
		o, err := exec.Command("/usr/bin/python3", "-c", py, back).Output()
		if err != nil {
			t.Fatal(err)
		}
		var r []any
		json.Unmarshal(o, &r)
		var sum int64
		for _, v := range block.Values[int16](want) {
			sum += int64(v)
		}
		if int64(r[0].(float64)) != sum || r[1] != "int16" {
			t.Fatalf("zarr-python read %v, want sum %d", r, sum)
		}
	}
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"nosuch"}, {"info"}, {"info", "/nonexistent/path"}, {"convert", "a"}, {"convert", "-format", "4", "a", "b"},
		{"convert", "-shards", "0,1", "a", "b"}, {"convert", "-format", "2", "-shards", "2", "a", "b"},
	} {
		if out, code := tessera(t, args...); code == 0 {
			t.Errorf("%v succeeded: %s", args, out)
		}
	}
	if _, code := tessera(t, "help"); code != 0 {
		t.Error("help failed")
	}
}
