package main

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/benchmarks/internal/child"
)

// TestQuick makes the -quick cube, runs tessera's side in this process,
// and, with xarray present, the peer's script on the same store: both
// must give the same monthly means. Nothing is timed.
func TestQuick(t *testing.T) {
	ctx := context.Background()
	cfg := config{Days: 730, NLat: 18, NLon: 36, Chunks: []int{100, 9, 18}}
	dir := t.TempDir()
	store := storePath(cfg, dir)
	made, err := ensureCube(ctx, store, cfg)
	require.NoError(t, err)
	require.True(t, made)
	made, err = ensureCube(ctx, store, cfg)
	require.NoError(t, err)
	assert.False(t, made, "the cube is reused")
	out := filepath.Join(dir, "t.f64")
	m, err := runTessera(ctx, store, out, 2, false)
	require.NoError(t, err)
	assert.Equal(t, []int{12, 18, 36}, m.Shape)
	got, err := child.ReadFloat64s(out)
	require.NoError(t, err)
	for _, v := range got {
		require.InDelta(t, 250, v, 70, "a mean temperature in K")
	}
	script := findScript()
	if script == "" {
		t.Skip("xarray side skipped: /usr/bin/python3 with xarray, dask and zarr not found")
	}
	pout := filepath.Join(dir, "x.f64")
	b, err := exec.Command("/usr/bin/python3", script, store, pout, "2").Output()
	require.NoError(t, err, "%s", b)
	var p measurement
	require.NoError(t, json.Unmarshal(b, &p))
	assert.Equal(t, m.Shape, p.Shape)
	d, err := child.MaxAbsDiff(out, pout)
	require.NoError(t, err)
	assert.Less(t, d, 1e-3, "tessera's and xarray's monthly means agree")
}
