package zarr_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// Options.WriteEmptyChunks of the array a Sink comes from holds in its
// write tasks: a block of only the fill value is stored, not deleted.
func TestSinkKeepsWriteEmptyChunks(t *testing.T) {
	dir := t.TempDir()
	s, err := zarr.NewDirectoryStore(dir)
	require.NoError(t, err)
	a, err := zarr.Create(ctx, s, "e", zarr.CreateOptions{Shape: []int{8, 6}, Chunks: []int{4, 3}, DType: ndarray.Float32},
		zarr.Options{WriteEmptyChunks: true})
	require.NoError(t, err)
	snk, err := a.Sink()
	require.NoError(t, err)
	n, err := ndarray.Store(ctx, ndarray.Zeros(ndarray.Float32, []int{8, 6}, chunk.PerAxis(4, 3)), snk)
	require.NoError(t, err)
	assert.Positive(t, n, "bytes written")
	for idx := range a.Grid().Blocks() {
		_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(a.ChunkKey(idx))))
		assert.NoError(t, err, "all-fill chunk %v not stored", idx)
	}
}

// A MemoryStore works with Lazy, Sink and ToZarr on the local executor.
func TestMemoryStoreLazyAndSink(t *testing.T) {
	s := zarr.NewMemoryStore()
	x := ndarray.Random([]int{30, 20}, chunk.PerAxis(10, 10), 4)
	a, n, err := zarr.ToZarr(ctx, x, s, "m", zarr.CreateOptions{})
	require.NoError(t, err)
	assert.Positive(t, n)
	want, err := x.Compute(ctx)
	require.NoError(t, err)
	stored, err := a.ReadAll(ctx)
	require.NoError(t, err)
	assert.True(t, stored.Equal(want), "ToZarr into memory stored other values")

	got, err := a.Lazy(chunk.Spec{}).Compute(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(want), "lazy read from memory differs")

	b, err := zarr.Create(ctx, s, "copy", zarr.CreateOptions{Shape: []int{30, 20}, Chunks: []int{10, 10}, DType: ndarray.Float64})
	require.NoError(t, err)
	snk, err := b.Sink()
	require.NoError(t, err)
	_, err = ndarray.Store(ctx, ndarray.Mul(a.Lazy(chunk.Spec{}), 2.0), snk)
	require.NoError(t, err)
	doubled, err := b.ReadAll(ctx)
	require.NoError(t, err)
	w2, err := ndarray.Mul(x, 2.0).Compute(ctx)
	require.NoError(t, err)
	assert.True(t, doubled.Equal(w2), "memory-to-memory store through a Sink differs")
}

// The spec in a write task carries the store's and the array's options
// through the wire form of the task, and the store opened from it has
// them.
func TestWriteTaskCarriesStoreOptions(t *testing.T) {
	s, err := zarr.NewDirectoryStore(t.TempDir(), zarr.WithFsync())
	require.NoError(t, err)
	a, err := zarr.Create(ctx, s, "w", zarr.CreateOptions{Shape: []int{4}, Chunks: []int{2}, DType: ndarray.Uint8},
		zarr.Options{WriteEmptyChunks: true, Concurrency: 3})
	require.NoError(t, err)
	snk, err := a.Sink()
	require.NoError(t, err)
	op, err := snk.WriteOp(chunk.Box{Lo: []int{0}, Hi: []int{2}}, ndarray.Uint8)
	require.NoError(t, err)
	b, err := cluster.EncodeTask(&cluster.Task{Key: "k", Op: op, Inputs: []cluster.Key{"in"}})
	require.NoError(t, err)
	task, err := cluster.DecodeTask(b)
	require.NoError(t, err)
	w, ok := task.Op.(*zarr.WriteOp)
	require.True(t, ok, "decoded %T", task.Op)
	assert.Equal(t, zarr.StoreSpec{URL: s.URL(), Fsync: true}, w.Array.Store)
	assert.Equal(t, zarr.Options{WriteEmptyChunks: true, Concurrency: 3}, w.Array.Options)
	assert.Equal(t, "w", w.Array.Path)
	assert.NotEmpty(t, w.Array.Meta)

	var gobbed zarr.ArraySpec
	var buf bytes.Buffer
	require.NoError(t, gob.NewEncoder(&buf).Encode(w.Array))
	require.NoError(t, gob.NewDecoder(&buf).Decode(&gobbed))
	assert.Equal(t, w.Array, gobbed, "gob round trip")

	opened, err := zarr.OpenSpec(ctx, w.Array.Store)
	require.NoError(t, err)
	ds, ok := opened.(*zarr.DirectoryStore)
	require.True(t, ok, "opened %T", opened)
	assert.True(t, ds.Fsync(), "store opened from the spec does not fsync")
	assert.Equal(t, s.Root(), ds.Root())
}

// OpenSpec opens each built-in scheme with its options and rejects specs
// that name no store with errors that name them.
func TestOpenSpec(t *testing.T) {
	dir := t.TempDir()
	for _, sp := range []zarr.StoreSpec{{URL: dir}, {URL: "file://" + dir}, {URL: "file://localhost" + dir, Fsync: true}} {
		s, err := zarr.OpenSpec(ctx, sp)
		require.NoError(t, err, "%+v", sp)
		ds, ok := s.(*zarr.DirectoryStore)
		require.True(t, ok, "%+v: %T", sp, s)
		assert.Equal(t, sp.Fsync, ds.Fsync(), "%+v", sp)
		assert.Equal(t, sp.Fsync, ds.Spec().Fsync)
	}
	zp := writeFixtureZip(t)
	z, err := zarr.OpenSpec(ctx, zarr.StoreSpec{URL: "zip://" + zp})
	require.NoError(t, err)
	assert.IsType(t, &zarr.ZipStore{}, z)
	z.(*zarr.ZipStore).Close()
	h, err := zarr.OpenSpec(ctx, zarr.StoreSpec{URL: "https://example.org/data.zarr"})
	require.NoError(t, err)
	assert.Equal(t, zarr.StoreSpec{URL: "https://example.org/data.zarr"}, h.(zarr.Specer).Spec())

	for _, bad := range []string{"", "s3://bucket/x", "file://otherhost/x", "file://", "zip://host/a.zip", "://x", "a\x00b"} {
		_, err := zarr.OpenSpec(ctx, zarr.StoreSpec{URL: bad})
		assert.ErrorIs(t, err, zarr.ErrStoreSpec, "%q", bad)
		if bad != "" && bad != "a\x00b" {
			assert.ErrorContains(t, err, bad)
		}
	}
	_, err = zarr.OpenStore("s3://bucket/x")
	assert.ErrorIs(t, err, zarr.ErrStoreSpec)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = zarr.OpenSpec(cancelled, zarr.StoreSpec{URL: dir})
	assert.ErrorIs(t, err, context.Canceled)

	assert.Panics(t, func() { zarr.RegisterScheme("counting", nil) })
	assert.Panics(t, func() {
		zarr.RegisterScheme("file", func(context.Context, zarr.StoreSpec) (zarr.Store, error) { return nil, nil })
	})
	assert.Panics(t, func() {
		zarr.RegisterScheme("Upper", func(context.Context, zarr.StoreSpec) (zarr.Store, error) { return nil, nil })
	})
}

// A memory store's address resolves in this process while the store
// lives, and nowhere else: other processes' addresses, unknown ids and
// collected stores are ErrNotAddressable errors naming the address.
func TestMemoryStoreAddress(t *testing.T) {
	m := zarr.NewMemoryStore()
	require.NoError(t, m.Set(ctx, "k", []byte("v")))
	sp := m.Spec()
	require.True(t, strings.HasPrefix(sp.URL, "mem://"), sp.URL)
	assert.Equal(t, sp, m.Spec(), "address changes")
	assert.NotEqual(t, sp, zarr.NewMemoryStore().Spec(), "two stores share an address")
	h, err := zarr.OpenSpec(ctx, sp)
	require.NoError(t, err)
	v, err := h.Get(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, "v", string(v))
	require.NoError(t, h.Set(ctx, "k2", []byte("w")))
	v, err = m.Get(ctx, "k2")
	require.NoError(t, err)
	assert.Equal(t, "w", string(v), "handle writes elsewhere")
	got, err := zarr.SpecOf(h)
	require.NoError(t, err)
	assert.Equal(t, sp, got)

	u, err := url.Parse(sp.URL)
	require.NoError(t, err)
	for _, other := range []string{"mem://1-other/1", "mem://" + u.Host + "/999999999"} {
		_, err := zarr.OpenSpec(ctx, zarr.StoreSpec{URL: other})
		assert.ErrorIs(t, err, zarr.ErrNotAddressable, other)
		assert.ErrorContains(t, err, other)
	}
	_, err = zarr.OpenSpec(ctx, zarr.StoreSpec{URL: "mem://" + u.Host + "/x"})
	assert.ErrorIs(t, err, zarr.ErrStoreSpec)

	// An address does not keep its store alive.
	gone := zarr.NewMemoryStore().Spec()
	for range 10 {
		runtime.GC()
		if _, err = zarr.OpenSpec(ctx, gone); err != nil {
			break
		}
	}
	assert.ErrorIs(t, err, zarr.ErrNotAddressable)
	assert.ErrorContains(t, err, gone.URL)
	runtime.KeepAlive(m)
}
