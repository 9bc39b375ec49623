package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// badGroup writes a v2 group holding a good array "ok" and, as array
// "bad", the adversarial metadata file of the zarr package's testdata.
func badGroup(t *testing.T, file string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "g.zarr")
	s, err := zarr.NewDirectoryStore(dir)
	require.NoError(t, err)
	_, err = zarr.CreateGroup(ctx, s, "", 2, nil)
	require.NoError(t, err)
	_, _, err = zarr.ToZarr(ctx, ndarray.Arange(0, 6, 1, chunk.PerAxis(3)), s, "ok", zarr.CreateOptions{Format: 2})
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join("..", "..", "zarr", "testdata", "adversarial", file))
	require.NoError(t, err)
	name := ".zarray"
	if strings.HasSuffix(file, ".json") {
		name = "zarr.json"
	}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bad"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad", name), b, 0o644))
	return dir
}

// TestInfoAndConvertReportBadSizes: tessera info lists a group whose array
// has impossible sizes, printing that array's error and the other arrays,
// and convert reports the error — neither crashes.
func TestInfoAndConvertReportBadSizes(t *testing.T) {
	for _, file := range []string{"chunks-maxint.zarray", "shard-2p29-inner.json", "blocks-overflow.zarray"} {
		t.Run(file, func(t *testing.T) {
			dir := badGroup(t, file)
			out, code := tessera(t, "info", dir)
			assert.Equal(t, 1, code, out)
			assert.Contains(t, out, "ok  array v2  int64  shape [6]")
			assert.Contains(t, out, "bad  array  error: zarr: invalid metadata")
			assert.Contains(t, out, "1 array(s) could not be opened")

			out, code = tessera(t, "convert", dir, filepath.Join(t.TempDir(), "out.zarr"))
			assert.Equal(t, 1, code, out)
			assert.Contains(t, out, "/bad: zarr: invalid metadata")
		})
	}
}

// TestConvertRefusesHugeArray: converting an array of 2^40 chunks is
// refused with a task-count error, not an out-of-memory kill.
func TestConvertRefusesHugeArray(t *testing.T) {
	dir := badGroup(t, "shape-2p40-chunks-1.zarray")
	out, code := tessera(t, "info", dir)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "bad  array v2  uint8  shape [1099511627776]  chunks [1]")
	out, code = tessera(t, "convert", dir, filepath.Join(t.TempDir(), "out.zarr"))
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, ndarray.ErrTooManyTasks.Error())
}
