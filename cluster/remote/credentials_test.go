package remote_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cluster/remote"
)

func newCreds(t *testing.T) *remote.Credentials {
	t.Helper()
	c, err := remote.NewCredentials(0)
	require.NoError(t, err)
	return c
}

// assertPrivateCredentials checks that path is a regular file (not a
// symlink), mode 0600, holding creds.
func assertPrivateCredentials(t *testing.T, path string, creds *remote.Credentials) {
	t.Helper()
	fi, err := os.Lstat(path)
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular(), "%s is %v, want a regular file", path, fi.Mode())
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "mode of %s", path)
	got, err := remote.ReadCredentials(path)
	require.NoError(t, err)
	assert.Equal(t, creds.Token, got.Token)
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// diffNames returns the names only in after and those only in before.
func diffNames(before, after []string) (added, removed []string) {
	in := map[string]int{}
	for _, n := range before {
		in[n]--
	}
	for _, n := range after {
		in[n]++
	}
	for n, c := range in {
		if c > 0 {
			added = append(added, n)
		} else if c < 0 {
			removed = append(removed, n)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

// A world-readable file left at PATH.tmp (by an earlier run, or planted)
// must not lend its mode to the secret: the written file is 0600.
func TestCredentialsFileIgnoresPreexistingTempMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials.json")
	require.NoError(t, os.WriteFile(path+".tmp", []byte("stale"), 0o644))
	require.NoError(t, os.Chmod(path+".tmp", 0o644)) // whatever the umask
	creds := newCreds(t)
	require.NoError(t, creds.WriteFile(path))
	assertPrivateCredentials(t, path, creds)
	// The planted file is not ours to reuse or remove.
	b, err := os.ReadFile(path + ".tmp")
	require.NoError(t, err)
	assert.Equal(t, "stale", string(b))
}

// Symlinks planted at the old fixed temp name and at many other names in
// the directory are never followed: the files they point to stay as they
// were, the links stay links, and the only new entry is the 0600 file.
func TestCredentialsFileDoesNotFollowPlantedSymlinks(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	path := filepath.Join(dir, "credentials.json")
	planted := []string{path + ".tmp", filepath.Join(dir, ".credentials.json.tmp"), filepath.Join(dir, "credentials.json~")}
	for i := range 64 { // names a temp-file scheme might pick
		planted = append(planted,
			filepath.Join(dir, fmt.Sprintf(".credentials.json.tmp-%d", i)),
			filepath.Join(dir, fmt.Sprintf("credentials.json.tmp%d", i)),
			filepath.Join(dir, fmt.Sprintf("credentials.json%d", i)))
	}
	victims := map[string]string{}
	for i, p := range planted {
		v := filepath.Join(outside, fmt.Sprintf("victim-%d", i))
		if i%2 == 0 { // half dangling, half pointing at an existing file
			require.NoError(t, os.WriteFile(v, []byte("untouched"), 0o644))
		}
		victims[p] = v
		require.NoError(t, os.Symlink(v, p))
	}
	before := dirNames(t, dir)
	creds := newCreds(t)
	require.NoError(t, creds.WriteFile(path))
	assertPrivateCredentials(t, path, creds)

	for i, p := range planted {
		target, err := os.Readlink(p)
		if assert.NoError(t, err, "planted link %s", p) {
			assert.Equal(t, victims[p], target)
		}
		b, err := os.ReadFile(victims[p])
		if i%2 == 0 {
			assert.NoError(t, err)
			assert.True(t, string(b) == "untouched", "victim of %s was written through (%d bytes)", p, len(b))
		} else {
			assert.True(t, errors.Is(err, os.ErrNotExist), "dangling link %s was written through: %v", p, err)
		}
	}
	added, removed := diffNames(before, dirNames(t, dir))
	assert.Equal(t, []string{"credentials.json"}, added, "new entries of the directory")
	assert.Empty(t, removed, "planted entries that disappeared")
	// Nothing else appeared outside.
	for _, n := range dirNames(t, outside) {
		b, err := os.ReadFile(filepath.Join(outside, n))
		require.NoError(t, err)
		assert.False(t, bytes.Contains(b, []byte(creds.Token)), "%s holds the token", n)
	}
}

// A symlink planted at the destination itself is replaced, not followed.
func TestCredentialsFileReplacesSymlinkAtDestination(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "credentials.json")
	victim := filepath.Join(outside, "victim")
	require.NoError(t, os.WriteFile(victim, []byte("untouched"), 0o644))
	require.NoError(t, os.Symlink(victim, path))
	creds := newCreds(t)
	require.NoError(t, creds.WriteFile(path))
	assertPrivateCredentials(t, path, creds)
	b, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "untouched", string(b))
}

// Rewriting a file of an earlier cluster replaces it whole, with mode 0600
// even when the old one was world-readable, and leaves no temp file.
func TestCredentialsFileReplacesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials.json")
	require.NoError(t, os.WriteFile(path, bytes.Repeat([]byte("x"), 1<<16), 0o644))
	require.NoError(t, os.Chmod(path, 0o644))
	creds := newCreds(t)
	require.NoError(t, creds.WriteFile(path))
	assertPrivateCredentials(t, path, creds)
	assert.Equal(t, []string{"credentials.json"}, dirNames(t, dir))
}

// Anyone may rename or replace entries of a world-writable directory
// without the sticky bit, so a secret written there could be swapped
// before the workers read it: WriteFile refuses such a directory with
// ErrUnsafeDirectory. A sticky one (like /tmp) is fine.
func TestCredentialsFileRefusesWorldWritableDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	dir := filepath.Join(t.TempDir(), "shared")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.Chmod(dir, 0o777))
	path := filepath.Join(dir, "credentials.json")
	err := newCreds(t).WriteFile(path)
	assert.ErrorIs(t, err, remote.ErrUnsafeDirectory)
	var pe *os.PathError
	if assert.ErrorAs(t, err, &pe) {
		assert.Equal(t, dir, pe.Path)
	}
	assert.Empty(t, dirNames(t, dir), "nothing written into the unsafe directory")

	require.NoError(t, os.Chmod(dir, 0o777|os.ModeSticky))
	creds := newCreds(t)
	require.NoError(t, creds.WriteFile(path))
	assertPrivateCredentials(t, path, creds)
}
