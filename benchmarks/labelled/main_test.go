package main

import (
	"context"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/benchmarks/internal/child"

	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/zarr"
)

// TestQuick makes the -quick stores, runs every tessera workload in this
// process, and checks shapes and labels; with xarray present it runs the
// peer's script on the same stores and checks that both compute the same
// means and select the same shape. Nothing is timed.
func TestQuick(t *testing.T) {
	ctx := context.Background()
	cfg := quickConfig()
	dir := t.TempDir()
	cube, long := stores(cfg, dir)
	made, err := ensureCube(ctx, cube, cfg)
	require.NoError(t, err)
	require.True(t, made)
	made, err = ensureCube(ctx, cube, cfg)
	require.NoError(t, err)
	assert.False(t, made, "a cube of the same shape and chunks is reused")
	require.NoError(t, ensureLong(ctx, long, cfg))

	s, err := zarr.NewDirectoryStore(cube)
	require.NoError(t, err)
	ds, err := labelled.OpenZarr(ctx, s, "")
	require.NoError(t, err)
	t2m := ds.Var("t2m")
	require.NoError(t, t2m.Err())
	assert.Equal(t, []string{"time", "lat", "lon"}, t2m.Dims())
	assert.Equal(t, "2000-01-01T00:00:00", t2m.Index("time").Format(0))
	assert.Equal(t, 87.5, t2m.Index("lat").Label(0), "lat descends from the north")

	script := findScript()
	cj, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, w := range []struct {
		name, store string
		shape       []int
	}{
		// 2000-03-01 .. 2001-06-30 is 306 + 181 days; 30..60 N on a 5 degree
		// grid is 6 rows, -10..40 E 10 columns.
		{"sel-mean", cube, []int{306 + 181, 6, 10}},
		{"full-mean", cube, []int{cfg.Days, cfg.NLat, cfg.NLon}},
		{"long-sel", long, []int{30 * 24, 3, 5}}, // a 10 degree grid
	} {
		t.Run(w.name, func(t *testing.T) {
			out := filepath.Join(dir, w.name+".tessera.f64")
			m, err := runTessera(ctx, w.name, w.store, out, cfg, 2)
			require.NoError(t, err)
			assert.Equal(t, w.shape, m.Shape)
			assert.Positive(t, m.Tasks)
			if w.name != "long-sel" {
				got, err := child.ReadFloat64s(out)
				require.NoError(t, err)
				require.Len(t, got, w.shape[1]*w.shape[2])
				for _, v := range got {
					require.InDelta(t, 250, v, 60, "a mean temperature in K")
				}
			}
			if script == "" {
				t.Skip("xarray side skipped: /usr/bin/python3 with xarray, dask and zarr not found")
			}
			pout := filepath.Join(dir, w.name+".xarray.f64")
			cmd := exec.Command("/usr/bin/python3", script, w.name, w.store, pout, string(cj), "2")
			b, err := cmd.Output()
			require.NoError(t, err, "%s", b)
			var p measurement
			require.NoError(t, json.Unmarshal(b, &p))
			assert.Equal(t, w.shape, p.Shape, "xarray selects the same")
			if w.name != "long-sel" {
				d, err := child.MaxAbsDiff(out, pout)
				require.NoError(t, err)
				assert.Less(t, d, 1e-3, "tessera's and xarray's means agree")
			}
		})
	}
}

// TestMaxAbsDiff checks the comparison, NaN rules included.
func TestMaxAbsDiff(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	require.NoError(t, child.WriteFloat64s(a, []float64{1, 2, nan()}))
	require.NoError(t, child.WriteFloat64s(b, []float64{1.5, 2, nan()}))
	require.NoError(t, child.WriteFloat64s(c, []float64{1, nan(), nan()}))
	d, err := child.MaxAbsDiff(a, b)
	require.NoError(t, err)
	assert.Equal(t, 0.5, d)
	d, err = child.MaxAbsDiff(a, c)
	require.NoError(t, err)
	assert.True(t, d > 1e300, "a NaN against a number is an infinite difference")
	require.NoError(t, child.WriteFloat64s(c, []float64{1}))
	_, err = child.MaxAbsDiff(a, c)
	assert.Error(t, err, "lengths differ")
}

// TestSummary checks min and median of odd and even counts.
func TestSummary(t *testing.T) {
	lo, med, rss := summary([]measurement{{Seconds: 3, MaxRSS: 10}, {Seconds: 1, MaxRSS: 30}, {Seconds: 2}})
	assert.Equal(t, []float64{1, 2, 30}, []float64{lo, med, rss})
	_, med, _ = summary([]measurement{{Seconds: 4}, {Seconds: 1}})
	assert.Equal(t, 2.5, med)
}

func nan() float64 { return math.NaN() }

// TestMedianRun checks that the split printed for long-sel is the median
// run's.
func TestMedianRun(t *testing.T) {
	m := medianRun([]measurement{{Seconds: 3, OpenSeconds: 3}, {Seconds: 1, OpenSeconds: 1}, {Seconds: 2, OpenSeconds: 2}})
	assert.Equal(t, 2.0, m.OpenSeconds)
}
