package zarr_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
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
	a, err := zarr.Create(ctx, s, "e", zarr.CreateOptions{Shape: []int{8, 6}, Chunks: []int{4, 3}, DType: block.Float32},
		zarr.Options{WriteEmptyChunks: true})
	require.NoError(t, err)
	snk, err := a.Sink()
	require.NoError(t, err)
	n, err := ndarray.Store(ctx, ndarray.Zeros(block.Float32, []int{8, 6}, chunk.PerAxis(4, 3)), snk)
	require.NoError(t, err)
	assert.Positive(t, n, "bytes written")
	assert.Empty(t, missingChunkFiles(dir, a), "all-fill chunks not stored")
}

// missingChunkFiles lists the chunk keys of a that have no file under dir.
func missingChunkFiles(dir string, a *zarr.Array) []string {
	var missing []string
	for idx := range a.Grid().Blocks() {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(a.ChunkKey(idx)))); err != nil {
			missing = append(missing, a.ChunkKey(idx))
		}
	}
	return missing
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

	b, err := zarr.Create(ctx, s, "copy", zarr.CreateOptions{Shape: []int{30, 20}, Chunks: []int{10, 10}, DType: block.Float64})
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

// countingStore is a directory store registered under the test scheme
// "counting" that counts the metadata reads of each directory.
type countingStore struct {
	*zarr.DirectoryStore
	url string
}

var metaGets sync.Map // directory → *atomic.Int64

func metaGetsOf(dir string) *atomic.Int64 {
	v, _ := metaGets.LoadOrStore(dir, new(atomic.Int64))
	return v.(*atomic.Int64)
}

func init() {
	zarr.RegisterScheme("counting", func(ctx context.Context, s zarr.StoreSpec) (zarr.Store, error) {
		u, err := url.Parse(s.URL)
		if err != nil {
			return nil, err
		}
		ds, err := zarr.OpenSpec(ctx, zarr.StoreSpec{URL: u.Path, Fsync: s.Fsync})
		if err != nil {
			return nil, err
		}
		return &countingStore{DirectoryStore: ds.(*zarr.DirectoryStore), url: s.URL}, nil
	})
}

func (s *countingStore) Get(ctx context.Context, key string) ([]byte, error) {
	switch path.Base(key) {
	case "zarr.json", ".zarray", ".zattrs":
		metaGetsOf(s.Root()).Add(1)
	}
	return s.DirectoryStore.Get(ctx, key)
}

func (s *countingStore) Spec() zarr.StoreSpec {
	return zarr.StoreSpec{URL: s.url, Fsync: s.DirectoryStore.Fsync()}
}

// Many tasks reading blocks of one array at once load its metadata once:
// the first opens it, the others wait for it (counted by a store of a
// registered scheme, which tasks open from their spec).
func TestConcurrentBlockReadsLoadMetadataOnce(t *testing.T) {
	dir := t.TempDir()
	s, err := zarr.OpenSpec(ctx, zarr.StoreSpec{URL: "counting://" + dir})
	require.NoError(t, err)
	for _, format := range []int{2, 3} {
		name := fmt.Sprintf("v%d", format)
		want, err := ndarray.Random([]int{100, 80}, chunk.PerAxis(100, 80), uint64(format)).Compute(ctx)
		require.NoError(t, err)
		a, err := zarr.Create(ctx, s, name, zarr.CreateOptions{Format: format, Shape: []int{100, 80}, Chunks: []int{10, 8}, DType: block.Float64})
		require.NoError(t, err)
		_, err = a.WriteAll(ctx, want)
		require.NoError(t, err)
		lazy := a.Lazy(chunk.Native()) // one read task per chunk
		require.NoError(t, lazy.Err())

		before := metaGetsOf(dir).Load()
		got, err := lazy.Compute(ctx, ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{Workers: 16})))
		require.NoError(t, err)
		assert.True(t, got.Equal(want), "format %d: lazy read differs", format)
		// one open: v3 reads zarr.json; v2 looks for zarr.json, then reads .zarray and .zattrs
		wantGets := map[int]int64{2: 3, 3: 1}[format]
		assert.Equal(t, wantGets, metaGetsOf(dir).Load()-before, "format %d: metadata Gets for %d blocks", format, lazy.Grid().Len())
	}
}

// The spec in a write task carries the store's and the array's options
// through the wire form of the task, and the store opened from it has
// them.
func TestWriteTaskCarriesStoreOptions(t *testing.T) {
	s, err := zarr.NewDirectoryStore(t.TempDir(), zarr.WithFsync())
	require.NoError(t, err)
	a, err := zarr.Create(ctx, s, "w", zarr.CreateOptions{Shape: []int{4}, Chunks: []int{2}, DType: block.Uint8},
		zarr.Options{WriteEmptyChunks: true, Concurrency: 3})
	require.NoError(t, err)
	snk, err := a.Sink()
	require.NoError(t, err)
	op, err := snk.WriteOp(chunk.Box{Lo: []int{0}, Hi: []int{2}}, block.Uint8)
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

// Tasks built after an Append see the new shape, and write tasks built
// before it do not undo it: a cached array is never served with metadata
// older than the array's in this process.
func TestAppendIsNotServedStale(t *testing.T) {
	s, err := zarr.NewDirectoryStore(t.TempDir())
	require.NoError(t, err)
	a, err := zarr.Create(ctx, s, "ts", zarr.CreateOptions{Shape: []int{10, 3}, Chunks: []int{4, 3}, DType: block.Float64})
	require.NoError(t, err)
	x := ndarray.Full(block.Float64, 1, []int{10, 3}, chunk.PerAxis(4, 3))
	snk, err := a.Sink()
	require.NoError(t, err)
	_, err = ndarray.Store(ctx, x, snk)
	require.NoError(t, err)
	_, err = a.Lazy(chunk.Spec{}).Compute(ctx) // cache the array as it is
	require.NoError(t, err)

	more, err := ndarray.Full(block.Float64, 2, []int{2, 3}, chunk.PerAxis(2, 3)).Compute(ctx)
	require.NoError(t, err)
	_, err = a.Append(ctx, 0, more) // rows 10 and 11 land in the edge chunk [8, 12)
	require.NoError(t, err)
	got, err := a.Lazy(chunk.Spec{}).Compute(ctx)
	require.NoError(t, err)
	require.Equal(t, []int{12, 3}, got.Shape())
	f := got.Float64s()
	assert.Equal(t, []float64{1, 1, 1, 2, 2, 2, 2, 2, 2}, f[27:], "lazy read after Append")

	// The old sink's tasks rewrite rows 8 and 9 with a read-modify-write of
	// the chunk they now share with the appended rows.
	_, err = ndarray.Store(ctx, ndarray.Full(block.Float64, 3, []int{10, 3}, chunk.PerAxis(4, 3)), snk)
	require.NoError(t, err)
	all, err := a.ReadAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2}, all.Float64s()[24:], "appended rows lost to a stale write")
}

// A zip store replaced on disk is reopened: tasks read the new file.
func TestReplacedZipIsReopened(t *testing.T) {
	p := filepath.Join(t.TempDir(), "z.zip")
	write := func(v float64) {
		mem := zarr.NewMemoryStore()
		_, _, err := zarr.ToZarr(ctx, ndarray.Full(block.Float64, v, []int{6}, chunk.PerAxis(3)), mem, "a", zarr.CreateOptions{})
		require.NoError(t, err)
		w, err := zarr.NewZipWriter(p)
		require.NoError(t, err)
		for k, err := range mem.List(ctx, "") {
			require.NoError(t, err)
			b, err := mem.Get(ctx, k)
			require.NoError(t, err)
			require.NoError(t, w.Set(ctx, k, b))
		}
		require.NoError(t, w.Close())
	}
	read := func() []float64 {
		z, err := zarr.OpenZipStore(p)
		require.NoError(t, err)
		defer z.Close()
		a, err := zarr.OpenArray(ctx, z, "a")
		require.NoError(t, err)
		d, err := a.Lazy(chunk.Spec{}).Compute(ctx)
		require.NoError(t, err)
		return d.Float64s()
	}
	write(1)
	assert.Equal(t, []float64{1, 1, 1, 1, 1, 1}, read())
	write(2) // same metadata, other chunks
	assert.Equal(t, []float64{2, 2, 2, 2, 2, 2}, read(), "read the replaced zip file")
}
