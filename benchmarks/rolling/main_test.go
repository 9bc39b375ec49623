package main

import (
	"context"
	"encoding/json"
	"math"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuick makes the -quick store, runs the tessera side in this process
// and, with xarray present, the peer's script on the same store, and checks
// that both give the same mean and the same pixel series (NaN where the
// window is short or only at the edges). Nothing is timed.
func TestQuick(t *testing.T) {
	ctx := context.Background()
	cfg := quickConfig()
	dir := t.TempDir()
	path := storePath(cfg, dir)
	made, err := ensureCube(ctx, path, cfg)
	require.NoError(t, err)
	require.True(t, made)
	made, err = ensureCube(ctx, path, cfg)
	require.NoError(t, err)
	assert.False(t, made, "a finished store is reused")

	m, err := runTessera(ctx, path, cfg, 2)
	require.NoError(t, err)
	require.Len(t, m.Series, cfg.Days)
	assert.True(t, math.IsNaN(m.Series[0]) && math.IsNaN(m.Series[2]) && math.IsNaN(m.Series[cfg.Days-1]), "centred windows are short at both ends")
	assert.InDelta(t, 280, m.Mean, 5)

	script := findScript()
	if script == "" {
		t.Skip("xarray side skipped: /usr/bin/python3 with xarray, dask and zarr not found")
	}
	cj, err := json.Marshal(cfg)
	require.NoError(t, err)
	b, err := exec.Command("/usr/bin/python3", script, path, string(cj), "2").Output()
	require.NoError(t, err, "%s", b)
	var p measurement
	require.NoError(t, json.Unmarshal(b, &p))
	assert.InDelta(t, p.Mean, m.Mean, 1e-4, "tessera's and xarray's means agree")
	assert.Less(t, agree(m, p), 1e-4, "tessera's and xarray's pixel series agree, NaN included")
}

// TestAgree checks the series comparison, NaN rules and lengths included.
func TestAgree(t *testing.T) {
	nan := math.NaN()
	a := measurement{Series: []float64{1, nan, 3}}
	assert.Equal(t, 0.5, agree(a, measurement{Series: []float64{1.5, nan, 3}}))
	assert.True(t, math.IsInf(agree(a, measurement{Series: []float64{1, 2, 3}}), 1))
	assert.True(t, math.IsInf(agree(a, measurement{Series: []float64{1}}), 1))
	// A measurement survives the JSON of the child line, NaN as null.
	b, err := json.Marshal(a)
	require.NoError(t, err)
	var back measurement
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, 0.0, agree(a, back))
}
