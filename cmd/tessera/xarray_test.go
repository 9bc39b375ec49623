package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xwScript is the fixture script kept beside the zarr package's fixtures.
const xwScript = "../../zarr/testdata/xarray_write.py"

func xw(t *testing.T, args ...string) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xarray, zarr").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs Debian's python3-xarray and python3-zarr: %v", err)
		}
		t.Skipf("xarray not available: %v", err)
	}
	out, err := exec.Command(py, append([]string{xwScript}, args...)...).CombinedOutput()
	require.NoError(t, err, "xarray_write.py %v:\n%s", args, out)
}

// TestConvertXarrayStoreReadsAsWritten: tessera convert of xarray's own
// store, to v2 directly and through v3 and back, gives a store xarray reads
// with the same dims, coords, attrs, dtypes and values (the int month with
// its zeros, the first day of the time axis, the packed variable's fill).
func TestConvertXarrayStoreReadsAsWritten(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.zarr")
	xw(t, "make", ref)
	v2 := filepath.Join(dir, "v2.zarr")
	out, code := tessera(t, "convert", "-format", "2", ref, v2)
	require.Equal(t, 0, code, out)
	xw(t, "check", ref, v2)

	v3 := filepath.Join(dir, "v3.zarr")
	out, code = tessera(t, "convert", "-format", "3", ref, v3)
	require.Equal(t, 0, code, out)
	back := filepath.Join(dir, "back.zarr")
	out, code = tessera(t, "convert", "-format", "2", v3, back)
	require.Equal(t, 0, code, out)
	xw(t, "check", ref, back)
	b, err := os.ReadFile(filepath.Join(v3, "refl", "zarr.json"))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"_FillValue": -999`, "v3 carries xarray's _FillValue attribute")
	assert.Contains(t, string(b), `"dimension_names"`)
	b, err = os.ReadFile(filepath.Join(back, "month", ".zarray"))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"fill_value": null`)
}

// TestInfoListsDimsAndCoords: info on a Zarr store lists the group's dims
// and, for coordinate variables, the count and decoded first and last
// values; an array of an unknown dtype shows its error and the rest are
// still listed.
func TestInfoListsDimsAndCoords(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.zarr")
	xw(t, "make", ref)
	require.NoError(t, os.Mkdir(filepath.Join(ref, "weird"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(ref, "weird", ".zarray"), []byte(`{"zarr_format":2,"shape":[5],"chunks":[5],"dtype":"|V7","compressor":null,"fill_value":null,"filters":null,"order":"C"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(ref, "weird", ".zattrs"), []byte(`{"_ARRAY_DIMENSIONS":["time"]}`), 0o644))
	require.NoError(t, os.Remove(filepath.Join(ref, ".zmetadata"))) // list the directory, weird included
	out, _ := tessera(t, "info", ref)
	assert.Contains(t, out, "dims time=5 y=3 x=4")
	assert.Contains(t, out, "coord 5 values  first 2000-01-01  last 2000-01-05")
	assert.Contains(t, out, "coord 5 values  first 0  last 4") // month, a non-dimension coordinate
	assert.Contains(t, out, "coord 3 values  first 0  last 2")
	assert.Contains(t, out, "weird  array  unsupported dtype: ")
	assert.Contains(t, out, "temp  array v2  float64")
	temp, _, _ := strings.Cut(strings.SplitN(out, "temp  array", 2)[1], "time  array")
	assert.NotContains(t, temp, "coord", "temp is a data variable")
}
