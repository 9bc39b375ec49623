package labelled_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/zarr"
)

// TestTimeDataVariablesAgainstXarray: data variables holding CF times
// (time_bnds in float days, obs in float hours with a NaT) open as lazy
// datetime64[ns] with xarray's values to the nanosecond, units and
// calendar moved to the encoding; a noleap one (cftime objects in
// xarray) stays numbers with its units. Fixture: testdata/gen_timevars.py.
func TestTimeDataVariablesAgainstXarray(t *testing.T) {
	raw, err := os.ReadFile("testdata/timevars_golden.json")
	require.NoError(t, err)
	var golden map[string]struct {
		Dims  []string `json:"dims"`
		Shape []int    `json:"shape"`
		NS    []*int64 `json:"ns"`
		Units string   `json:"encoding_units"`
	}
	require.NoError(t, json.Unmarshal(raw, &golden))
	ctx := context.Background()
	s, err := zarr.NewDirectoryStore("testdata/timevars.zarr")
	require.NoError(t, err)
	ds, err := labelled.OpenZarr(ctx, s, "")
	require.NoError(t, err)
	ns, err := block.ParseTimeUnit("ns")
	require.NoError(t, err)
	for _, name := range []string{"time_bnds", "obs"} {
		want := golden[name]
		v := ds.Var(name)
		require.NotNil(t, v, name)
		assert.Equal(t, block.DateTime64(ns), v.DType(), name)
		assert.Equal(t, want.Dims, v.Dims(), name)
		assert.NotContains(t, v.Attrs(), "units", name)
		assert.Equal(t, want.Units, v.Encoding()["units"], name)
		d, err := v.Compute(ctx)
		require.NoError(t, err, name)
		assert.Equal(t, want.Shape, d.Shape(), name)
		got := block.Values[int64](d)
		for i, w := range want.NS {
			if w == nil {
				assert.Equal(t, block.NaT, got[i], "%s[%d]", name, i)
			} else {
				assert.Equal(t, *w, got[i], "%s[%d]", name, i)
			}
		}
	}
	nl := ds.Var("noleap_t")
	require.NotNil(t, nl)
	assert.Equal(t, block.Int32, nl.DType())
	assert.Equal(t, "days since 2001-01-01", nl.Attrs()["units"])

	// Written back, the times are CF-encoded again in their units and
	// stored dtype: tessera and xarray read the same instants.
	dir := t.TempDir()
	out, err := zarr.NewDirectoryStore(dir)
	require.NoError(t, err)
	require.NoError(t, ds.ToZarr(ctx, out, "", labelled.ZarrOptions{Format: 2}))
	back, err := labelled.OpenZarr(ctx, out, "")
	require.NoError(t, err)
	for _, name := range []string{"time_bnds", "obs"} {
		want, err := ds.Var(name).Compute(ctx)
		require.NoError(t, err)
		got, err := back.Var(name).Compute(ctx)
		require.NoError(t, err)
		assert.Equal(t, block.Values[int64](want), block.Values[int64](got), name)
		assert.Equal(t, ds.Var(name).Encoding()["units"], back.Var(name).Encoding()["units"], name)
	}
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xarray, zarr").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI without xarray/zarr for %s: %v", py, err)
		}
		t.Skipf("no xarray/zarr for %s: %v", py, err)
	}
	check := `import sys, numpy as np, xarray as xr, warnings
warnings.simplefilter("ignore")
a, b = xr.open_zarr(sys.argv[1]), xr.open_zarr(sys.argv[2])
for n in ["time_bnds", "obs", "noleap_t", "t", "time"]:
    assert a[n].dtype == b[n].dtype, (n, a[n].dtype, b[n].dtype)
    assert np.array_equal(a[n].values, b[n].values, equal_nan=a[n].dtype.kind in "fM"), n
print("same")`
	res, err := exec.Command(py, "-c", check, "testdata/timevars.zarr", dir).CombinedOutput()
	require.NoError(t, err, string(res))
	assert.Equal(t, "same\n", string(res))
}
