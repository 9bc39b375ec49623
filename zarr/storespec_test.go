package zarr_test

import (
	"context"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/zarr"
)

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
