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
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
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

// countOpens watches dir with inotify and returns a function that reports
// how many times name was opened since the watch began. The kernel merges
// an event into an identical one still unread at the queue's tail, so
// close events are watched too: opens done one after another (each file
// closed before the next open) are each counted.
func countOpens(t *testing.T, dir, name string) func() int {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	require.NoError(t, err)
	t.Cleanup(func() { syscall.Close(fd) })
	_, err = syscall.InotifyAddWatch(fd, dir, syscall.IN_OPEN|syscall.IN_CLOSE_NOWRITE)
	require.NoError(t, err)
	n := 0
	return func() int {
		buf := make([]byte, 64<<10)
		for {
			k, err := syscall.Read(fd, buf)
			if err == syscall.EAGAIN || k <= 0 {
				return n
			}
			require.NoError(t, err)
			for off := 0; off+syscall.SizeofInotifyEvent <= k; {
				ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
				nameBytes := buf[off+syscall.SizeofInotifyEvent : off+syscall.SizeofInotifyEvent+int(ev.Len)]
				if ev.Mask&syscall.IN_OPEN != 0 && string(bytes.TrimRight(nameBytes, "\x00")) == name {
					n++
				}
				off += syscall.SizeofInotifyEvent + int(ev.Len)
			}
		}
	}
}

// A lazy read of many blocks reads the array's metadata once in this
// process, not once per block: counted by the kernel (inotify open events
// on zarr.json), whatever store instance the tasks use. One executor
// thread keeps the opens apart so that the kernel counts each
// (TestConcurrentBlockReadsLoadMetadataOnce covers concurrent tasks).
func TestLazyReadReadsMetadataOncePerProcess(t *testing.T) {
	dir := t.TempDir()
	s, err := zarr.NewDirectoryStore(dir)
	require.NoError(t, err)
	want, err := ndarray.Random([]int{60, 40}, chunk.PerAxis(60, 40), 2).Compute(ctx)
	require.NoError(t, err)
	// written eagerly, so that no task of this process has opened it yet
	a, err := zarr.Create(ctx, s, "r", zarr.CreateOptions{Shape: []int{60, 40}, Chunks: []int{10, 10}, DType: block.Float64})
	require.NoError(t, err)
	_, err = a.WriteAll(ctx, want)
	require.NoError(t, err)
	lazy := a.Lazy(chunk.Native()) // one read task per chunk
	require.NoError(t, lazy.Err())
	require.Equal(t, 24, lazy.Grid().Len())

	opens := countOpens(t, filepath.Join(dir, "r"), "zarr.json")
	one := ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{Workers: 1}))
	got, err := lazy.Compute(ctx, one)
	require.NoError(t, err)
	assert.True(t, got.Equal(want), "lazy read differs")
	assert.Equal(t, 1, opens(), "zarr.json opened per block")

	// A second computation of the same lazy array opens it no more.
	_, err = lazy.Compute(ctx, one)
	require.NoError(t, err)
	assert.Equal(t, 1, opens(), "zarr.json opened again on a second computation")
}

// openFDs counts this process's open file descriptors on path.
func openFDs(t *testing.T, path string) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && l == path {
			n++
		}
	}
	return n
}

// The tasks' cache of open stores is bounded, and a zip store it evicts is
// closed: its file descriptor goes away (seen in /proc/self/fd).
func TestEvictedZipStoresAreClosed(t *testing.T) {
	dir := t.TempDir()
	src := zarr.NewMemoryStore()
	_, err := zarr.Create(ctx, src, "a", zarr.CreateOptions{Shape: []int{4}, Chunks: []int{2}, DType: block.Int32})
	require.NoError(t, err)
	paths := make([]string, zarr.MaxCachedArrays+1)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("%d.zip", i))
		w, err := zarr.NewZipWriter(paths[i])
		require.NoError(t, err)
		b, err := src.Get(ctx, "a/zarr.json")
		require.NoError(t, err)
		require.NoError(t, w.Set(ctx, "a/zarr.json", b))
		require.NoError(t, w.Close())
	}
	read := func(p string) {
		z, err := zarr.OpenZipStore(p)
		require.NoError(t, err)
		a, err := zarr.OpenArray(ctx, z, "a")
		require.NoError(t, err)
		lazy := a.Lazy(chunk.Spec{})
		require.NoError(t, z.Close())
		_, err = lazy.Compute(ctx)
		require.NoError(t, err)
	}
	read(paths[0])
	assert.Equal(t, 1, openFDs(t, paths[0]), "zip store of the tasks not kept open")
	for _, p := range paths[1:] {
		read(p)
	}
	assert.Equal(t, 0, openFDs(t, paths[0]), "evicted zip store left open")
	assert.Equal(t, 1, openFDs(t, paths[len(paths)-1]), "most recent zip store not kept open")
}
