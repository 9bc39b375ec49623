package zarr

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
)

// zipArray writes a zip store holding a small array "a" and returns its
// spec.
func zipArray(t *testing.T, name string) ArraySpec {
	t.Helper()
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), name)
	w, err := NewZipWriter(p)
	require.NoError(t, err)
	a, err := Create(ctx, w, "a", CreateOptions{Shape: []int{4}, Chunks: []int{2}, DType: block.Int8})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	tok, err := metaToken(a.meta)
	require.NoError(t, err)
	return ArraySpec{Store: StoreSpec{URL: "zip://" + p}, Path: "a", Meta: tok, Options: Options{Concurrency: 1}}
}

// An array evicted while a task uses it stays usable until the task gives
// it back; then its zip store is closed.
func TestEvictedArrayInUseIsClosedOnRelease(t *testing.T) {
	ctx := context.Background()
	c := newOpenCache(1)
	s1, s2 := zipArray(t, "1.zip"), zipArray(t, "2.zip")
	a1, release1, err := c.acquire(ctx, s1)
	require.NoError(t, err)
	_, release2, err := c.acquire(ctx, s2) // evicts s1's entry
	require.NoError(t, err)
	release2()
	assert.Len(t, c.arrays, 1)
	_, err = a1.store.Get(ctx, "a/zarr.json")
	assert.NoError(t, err, "store closed under a running task")
	release1()
	_, err = a1.store.Get(ctx, "a/zarr.json")
	assert.Error(t, err, "evicted store left open after its last task")
	assert.Len(t, c.stores, 1, "stores open")

	// The same spec again opens it anew.
	a1b, release, err := c.acquire(ctx, s1)
	require.NoError(t, err)
	defer release()
	_, err = a1b.store.Get(ctx, "a/zarr.json")
	assert.NoError(t, err)
}

// A task whose metadata token is not the array's runs on the current
// metadata, and the array is not cached under its token.
func TestStaleTokenIsNotCached(t *testing.T) {
	ctx := context.Background()
	c := newOpenCache(4)
	s := zipArray(t, "z.zip")
	s.Meta = "zarr-meta-0000000000000000"
	a, release, err := c.acquire(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, []int{4}, a.Shape())
	assert.Empty(t, c.arrays, "cached under a token that is not its own")
	release()
	assert.Empty(t, c.stores, "store of an uncached array left open")
}
