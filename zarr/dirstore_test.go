package zarr_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/zarr"
)

// escapeFixture is a directory store whose root holds "sub", a symlink to
// a directory outside the root holding "secret", "link", a symlink to that
// secret file, and "alias", a symlink to the root's own "real" directory.
type escapeFixture struct {
	s                     *zarr.DirectoryStore
	root, outside, secret string
}

func newEscapeFixture(t *testing.T) escapeFixture {
	t.Helper()
	f := escapeFixture{root: t.TempDir(), outside: t.TempDir()}
	f.secret = filepath.Join(f.outside, "secret")
	require.NoError(t, os.WriteFile(f.secret, []byte("outside the root"), 0o644))
	require.NoError(t, os.Symlink(f.outside, filepath.Join(f.root, "sub")))
	require.NoError(t, os.Symlink(f.secret, filepath.Join(f.root, "link")))
	s, err := zarr.NewDirectoryStore(f.root)
	require.NoError(t, err)
	f.s = s
	require.NoError(t, s.Set(ctx, "real/v", []byte("inside")))
	require.NoError(t, os.Symlink("real", filepath.Join(f.root, "alias")))
	return f
}

// untouched checks that nothing outside the root changed.
func (f escapeFixture) untouched(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(f.secret)
	require.NoError(t, err, "the file outside the root is gone")
	assert.Equal(t, "outside the root", string(b))
	ents, err := os.ReadDir(f.outside)
	require.NoError(t, err)
	assert.Len(t, ents, 1, "files appeared outside the root")
}

// TestDirectoryStoreStaysInsideRoot plants a symlinked subdirectory and a
// symlinked file that point outside the store's root and checks that no
// operation reads, writes, deletes, sizes or lists anything through them,
// while a symlink that stays inside the root keeps working.
func TestDirectoryStoreStaysInsideRoot(t *testing.T) {
	for _, key := range []string{"sub/secret", "link"} {
		t.Run("reads/"+key, func(t *testing.T) {
			f := newEscapeFixture(t)
			b, err := f.s.Get(ctx, key)
			assert.ErrorIs(t, err, zarr.ErrOutsideRoot, "Get read %q", b)
			b, err = f.s.GetRange(ctx, key, 0, -1)
			assert.ErrorIs(t, err, zarr.ErrOutsideRoot, "GetRange read %q", b)
			b, err = f.s.GetAppend(ctx, key, nil)
			assert.ErrorIs(t, err, zarr.ErrOutsideRoot, "GetAppend read %q", b)
			n, err := f.s.Size(ctx, key)
			assert.ErrorIs(t, err, zarr.ErrOutsideRoot, "Size gave %d", n)
			f.untouched(t)
		})
	}
	t.Run("Set through the directory", func(t *testing.T) {
		f := newEscapeFixture(t)
		assert.ErrorIs(t, f.s.Set(ctx, "sub/new", []byte("escaped")), zarr.ErrOutsideRoot)
		assert.ErrorIs(t, f.s.Set(ctx, "sub/deeper/new", []byte("escaped")), zarr.ErrOutsideRoot)
		assert.ErrorIs(t, f.s.Set(ctx, "sub/secret", []byte("escaped")), zarr.ErrOutsideRoot)
		f.untouched(t)
	})
	t.Run("Set of the link", func(t *testing.T) {
		// Setting the symlinked file's key replaces the link inside the
		// root; the file it pointed to is untouched.
		f := newEscapeFixture(t)
		require.NoError(t, f.s.Set(ctx, "link", []byte("replaced")))
		b, err := f.s.Get(ctx, "link")
		require.NoError(t, err)
		assert.Equal(t, "replaced", string(b))
		f.untouched(t)
	})
	t.Run("Delete through the directory", func(t *testing.T) {
		f := newEscapeFixture(t)
		assert.ErrorIs(t, f.s.Delete(ctx, "sub/secret"), zarr.ErrOutsideRoot)
		f.untouched(t)
	})
	t.Run("Delete of the link", func(t *testing.T) {
		f := newEscapeFixture(t)
		require.NoError(t, f.s.Delete(ctx, "link")) // removes the link itself
		_, err := os.Lstat(filepath.Join(f.root, "link"))
		assert.True(t, errors.Is(err, fs.ErrNotExist), "link still there: %v", err)
		f.untouched(t)
	})
	t.Run("List", func(t *testing.T) {
		f := newEscapeFixture(t)
		var keys []string
		for k, err := range f.s.List(ctx, "") {
			require.NoError(t, err)
			keys = append(keys, k)
		}
		slices.Sort(keys)
		assert.Equal(t, []string{"real/v"}, keys)
	})
	t.Run("inside symlinks work", func(t *testing.T) {
		f := newEscapeFixture(t)
		b, err := f.s.Get(ctx, "alias/v")
		require.NoError(t, err)
		assert.Equal(t, "inside", string(b))
	})
	t.Run("missing is not outside", func(t *testing.T) {
		f := newEscapeFixture(t)
		_, err := f.s.Get(ctx, "none/none")
		assert.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
		assert.False(t, errors.Is(err, zarr.ErrOutsideRoot))
	})
}
