package zarr_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// needStrace skips the test when strace cannot trace a child here (it is
// installed by scripts/setup.sh; containers may forbid ptrace).
func needStrace(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed (scripts/setup.sh installs it)")
	}
	if out, err := exec.Command(p, "-qq", "-o", os.DevNull, "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here: %v %s", err, out)
	}
	return p
}

var (
	// strace -y lines: "[PID ]fsync(FD<PATH>) = 0", or split in two when
	// another thread's call comes between: "[PID ]fsync(FD<PATH> <unfinished ...>"
	// then "[PID ]<... fsync resumed>) = 0".
	fsyncDone     = regexp.MustCompile(`^(\d+ +)?fsync\(\d+<([^>]*)>\)\s*=\s*0`)
	fsyncStarted  = regexp.MustCompile(`^(\d+ +)?fsync\(\d+<([^>]*)> <unfinished`)
	fsyncResumed0 = regexp.MustCompile(`^(\d+ +)?<\.\.\. fsync resumed>.*=\s*0`)
)

// fsyncedPaths reads strace -y output files and returns the paths that were
// fsynced successfully.
func fsyncedPaths(t *testing.T, files ...string) []string {
	t.Helper()
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		pending := map[string]string{} // by pid prefix
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := sc.Text()
			if m := fsyncDone.FindStringSubmatch(line); m != nil {
				out = append(out, m[2])
			} else if m := fsyncStarted.FindStringSubmatch(line); m != nil {
				pending[m[1]] = m[2]
			} else if m := fsyncResumed0.FindStringSubmatch(line); m != nil {
				if p, ok := pending[m[1]]; ok {
					out = append(out, p)
					delete(pending, m[1])
				}
			}
		}
	}
	return out
}

// unsyncedChunks lists the chunk keys of a (under dir) whose file was never
// fsynced: the directory store fsyncs a temporary file named
// ".tmp-BASE-*" in the key's directory before renaming it to the key.
func unsyncedChunks(t *testing.T, dir string, a *zarr.Array, synced []string) []string {
	t.Helper()
	var missing []string
	for idx := range a.Grid().Blocks() {
		key := a.ChunkKey(idx)
		p := filepath.Join(dir, filepath.FromSlash(key))
		prefix := filepath.Join(filepath.Dir(p), ".tmp-"+filepath.Base(p)+"-")
		found := false
		for _, s := range synced {
			if strings.HasPrefix(s, prefix) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, key)
		}
	}
	return missing
}

// fsyncChildEnv makes the test binary run fsyncChild instead of the tests
// (see TestMain), so that the parent can trace it with strace.
const fsyncChildEnv = "TESSERA_ZARR_FSYNC_CHILD"

// fsyncChild stores a lazy array with ToZarr into a directory store opened
// WithFsync, on the local executor.
func fsyncChild(dir string) int {
	s, err := zarr.NewDirectoryStore(dir, zarr.WithFsync())
	if err == nil {
		x := ndarray.Random([]int{40, 30}, chunk.PerAxis(10, 15), 1)
		_, _, err = zarr.ToZarr(ctx, x, s, "a", zarr.CreateOptions{})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fsync child:", err)
		return 1
	}
	return 0
}

// A lazy ToZarr into a directory store opened WithFsync fsyncs every chunk
// it writes (DESIGN invariant 4), although the write tasks open the store
// themselves: observed with strace on a real process, not through the
// store.
func TestLazyToZarrFsyncsEachChunk(t *testing.T) {
	strace := needStrace(t)
	dir := t.TempDir()
	trace := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-y", "-e", "trace=fsync", "-o", trace, os.Args[0])
	cmd.Env = append(os.Environ(), fsyncChildEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child: %s", out)

	s, err := zarr.NewDirectoryStore(dir)
	require.NoError(t, err)
	a, err := zarr.OpenArray(ctx, s, "a")
	require.NoError(t, err)
	synced := fsyncedPaths(t, trace)
	assert.Empty(t, unsyncedChunks(t, dir, a, synced), "chunks written without fsync (of %d fsyncs: %v)", len(synced), synced)
}
