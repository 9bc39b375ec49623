package zarr_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// TestMain lets the local process cluster start this test binary as its
// workers (remote.MaybeServe), so the ops and stores of this package
// resolve there, and runs the fsync child of TestLazyToZarrFsyncsEachChunk.
func TestMain(m *testing.M) {
	remote.MaybeServe()
	if dir := os.Getenv(fsyncChildEnv); dir != "" {
		os.Exit(fsyncChild(dir))
	}
	os.Exit(m.Run())
}

// Store options travel with the tasks to worker processes: a ToZarr run
// on remote workers into a directory store opened WithFsync fsyncs each
// chunk in the workers (traced with strace), and Options.WriteEmptyChunks
// stores all-fill blocks there. A MemoryStore's tasks fail there with an
// error naming the store.
func TestStoreOptionsReachRemoteWorkers(t *testing.T) {
	strace := needStrace(t)
	exe, err := os.Executable()
	require.NoError(t, err)
	traces := t.TempDir()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := remote.StartLocalCluster(sctx, remote.LocalClusterOptions{Workers: 2, Threads: 2,
		Command: []string{strace, "-f", "-ff", "-qq", "-y", "-e", "trace=fsync", "-o", filepath.Join(traces, "w"), exe}})
	require.NoError(t, err)
	defer c.Close()

	dir := t.TempDir()
	s, err := zarr.NewDirectoryStore(dir, zarr.WithFsync())
	require.NoError(t, err)
	x := ndarray.Random([]int{40, 30}, chunk.PerAxis(10, 15), 9)
	a, _, err := zarr.ToZarr(ctx, x, s, "a", zarr.CreateOptions{}, ndarray.WithExecutor(c))
	require.NoError(t, err)
	want, err := x.Compute(ctx)
	require.NoError(t, err)
	got, err := a.ReadAll(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(want), "stored values differ")

	e, err := zarr.Create(ctx, s, "empty", zarr.CreateOptions{Shape: []int{8, 6}, Chunks: []int{4, 3}, DType: block.Int16},
		zarr.Options{WriteEmptyChunks: true})
	require.NoError(t, err)
	snk, err := e.Sink()
	require.NoError(t, err)
	_, err = ndarray.Store(ctx, ndarray.Zeros(block.Int16, []int{8, 6}, chunk.PerAxis(4, 3)), snk, ndarray.WithExecutor(c))
	require.NoError(t, err)
	assert.Empty(t, missingChunkFiles(dir, e), "all-fill chunks not stored by the workers")

	// A memory store is out of the workers' reach: the error names it.
	mem := zarr.NewMemoryStore()
	ma, _, err := zarr.ToZarr(ctx, x, mem, "m", zarr.CreateOptions{})
	require.NoError(t, err)
	_, err = ma.Lazy(chunk.Spec{}).Compute(ctx, ndarray.WithExecutor(c))
	assert.ErrorContains(t, err, mem.Spec().URL)
	assert.ErrorContains(t, err, "another process")

	// The traces are complete once the workers have exited.
	require.NoError(t, c.Close())
	files, err := filepath.Glob(filepath.Join(traces, "w.*"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no strace output from the workers")
	synced := fsyncedPaths(t, files...)
	assert.Empty(t, unsyncedChunks(t, dir, a, synced), "chunks the workers wrote without fsync")
	assert.Empty(t, unsyncedChunks(t, dir, e, synced), "empty chunks the workers wrote without fsync")
}
