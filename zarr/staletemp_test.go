package zarr_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/zarr"
)

// tempWriter is the child process of TestRemoveStaleTempAfterKilledWriters:
// it sets large values with fsync, over and over, until it is killed.
func tempWriter(dir string) {
	s, err := zarr.NewDirectoryStore(dir, zarr.WithFsync())
	if err != nil {
		os.Exit(3)
	}
	v := make([]byte, 8<<20)
	for i := 0; ; i++ {
		v[0] = byte(i)
		if err := s.Set(ctx, fmt.Sprintf("k/%d", i%4), v); err != nil {
			os.Exit(4)
		}
	}
}

// tempFiles lists the names under dir/k that look like temporary files.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "k"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestRemoveStaleTempAfterKilledWriters kills writer processes (SIGKILL)
// while they are inside Set, so they leave temporary files behind, then
// checks that RemoveStaleTemp removes exactly those once they are older
// than the given age: not a fresh temporary file (a live writer's), not
// an old file of another name, not an old one of another user, and no
// key.
func TestRemoveStaleTempAfterKilledWriters(t *testing.T) {
	if dir := os.Getenv("TESSERA_TEMP_WRITER"); dir != "" {
		tempWriter(dir)
		return
	}
	dir := t.TempDir()
	s, err := zarr.NewDirectoryStore(dir)
	require.NoError(t, err)
	for kills := 0; kills < 25 && len(tempFiles(t, dir)) < 3; kills++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRemoveStaleTempAfterKilledWriters$")
		cmd.Env = append(os.Environ(), "TESSERA_TEMP_WRITER="+dir)
		require.NoError(t, cmd.Start())
		before := len(tempFiles(t, dir))
		for i := 0; len(tempFiles(t, dir)) <= before; i++ { // wait until it is inside a Set
			require.Less(t, i, 60000, "the writer never started a Set")
			time.Sleep(time.Millisecond)
		}
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()
	}
	stale := tempFiles(t, dir)
	require.NotEmpty(t, stale, "no killed writer left a temporary file")
	t.Logf("killed writers left %d temporary files: %v", len(stale), stale)

	old := time.Now().Add(-2 * time.Hour)
	k := filepath.Join(dir, "k")
	for _, name := range stale {
		require.NoError(t, os.Chtimes(filepath.Join(k, name), old, old))
	}
	plant := func(name string, mtime time.Time) {
		p := filepath.Join(k, name)
		require.NoError(t, os.WriteFile(p, []byte("x"), 0o600))
		require.NoError(t, os.Chtimes(p, mtime, mtime))
	}
	plant(".tmp-0-123456789", old) // the name os.CreateTemp gave earlier versions
	stale = append(stale, ".tmp-0-123456789")
	plant(".tmp-1-0123456789abcdef", time.Now()) // a live writer's
	plant(".tmp-notes", old)                     // not the temporary-file form
	plant("keep.tmp-1", old)
	kept := []string{".tmp-1-0123456789abcdef", ".tmp-notes", "keep.tmp-1"}
	if os.Geteuid() == 0 {
		plant(".tmp-2-fedcba9876543210", old)
		require.NoError(t, os.Chown(filepath.Join(k, ".tmp-2-fedcba9876543210"), 65534, 65534))
		kept = append(kept, ".tmp-2-fedcba9876543210")
	}
	var keysBefore []string
	for key, err := range s.List(ctx, "") {
		require.NoError(t, err)
		keysBefore = append(keysBefore, key)
	}

	_, err = s.RemoveStaleTemp(ctx, 0)
	require.ErrorIs(t, err, fs.ErrInvalid)
	n, err := s.RemoveStaleTemp(ctx, time.Hour)
	require.NoError(t, err)
	assert.Equal(t, len(stale), n)
	var left []string
	ents, err := os.ReadDir(k)
	require.NoError(t, err)
	for _, e := range ents {
		left = append(left, e.Name())
	}
	for _, name := range stale {
		assert.NotContains(t, left, name)
	}
	for _, name := range kept {
		assert.Contains(t, left, name)
	}
	var keysAfter []string
	for key, err := range s.List(ctx, "") {
		require.NoError(t, err)
		keysAfter = append(keysAfter, key)
		_, err := s.Get(ctx, key)
		require.NoError(t, err)
	}
	assert.ElementsMatch(t, keysBefore, keysAfter)
}
