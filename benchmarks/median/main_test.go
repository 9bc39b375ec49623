package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuick writes the -quick stack, runs the tessera side in this
// process and, with dask present, the peer's script on the same file, and
// checks that both medians are equal element for element. Nothing is
// timed.
func TestQuick(t *testing.T) {
	ctx := context.Background()
	cfg := quickConfig()
	dir := t.TempDir()
	data := dataPath(cfg, dir)
	require.NoError(t, ensureData(ctx, data, cfg))
	tOut := filepath.Join(dir, "tessera.f32")
	m, err := runTessera(ctx, data, tOut, cfg, 2)
	require.NoError(t, err)
	assert.Positive(t, m.Seconds)
	script := findScript()
	if script == "" {
		t.Skip("no /usr/bin/python3 with dask")
	}
	dOut := filepath.Join(dir, "dask.f32")
	_, err = runDask(script, data, dOut, cfg, 2, false)
	require.NoError(t, err)
	d, err := maxAbsDiff(tOut, dOut)
	require.NoError(t, err)
	assert.Zero(t, d, "tessera's and dask's medians differ")
}
