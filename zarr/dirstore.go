package zarr

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// DirectoryStore keeps each key as a file under a root directory, like
// zarr-python's DirectoryStore / LocalStore. It is safe for concurrent
// use.
//
// Writes are atomic: the value goes to a temporary file (".tmp-NAME-HEX")
// in the destination directory, is optionally fsynced, and is renamed over
// the key, so a crash leaves either the old or the new value, plus at most
// a stale temporary file that List never shows and RemoveStaleTemp
// removes.
//
// Every key resolves inside the root: the store opens the root once as an
// os.Root, so a symbolic link (a file or a directory on the key's path)
// that leads outside the root is refused with ErrOutsideRoot by every
// operation, while links that stay inside the root work.
type DirectoryStore struct {
	root string
	sync bool
	r    *os.Root
	id   string // lock identity: the root with symbolic links resolved
}

// DirOption configures a DirectoryStore.
type DirOption func(*DirectoryStore)

// WithFsync makes every Set fsync the file and its directory before
// returning (durable across power loss, slower).
func WithFsync() DirOption { return func(s *DirectoryStore) { s.sync = true } }

// NewDirectoryStore opens (creating if needed) a store rooted at dir. The
// store holds an open handle on the root directory until Close (or until
// the store is garbage collected).
func NewDirectoryStore(dir string, opts ...DirOption) (*DirectoryStore, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("zarr: directory store %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("zarr: directory store: %w", err)
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("zarr: directory store: %w", err)
	}
	id := abs
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		id = real
	}
	s := &DirectoryStore{root: abs, r: r, id: "dir:" + id}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Root is the store's directory.
func (s *DirectoryStore) Root() string { return s.root }

// Fsync reports whether Set fsyncs (WithFsync).
func (s *DirectoryStore) Fsync() bool { return s.sync }

// URL is file://ROOT.
func (s *DirectoryStore) URL() string { return (&url.URL{Scheme: "file", Path: s.root}).String() }

// Close releases the handle on the root directory; the store must not be
// used afterwards.
func (s *DirectoryStore) Close() error { return s.r.Close() }

func (s *DirectoryStore) identity() string { return s.id }

// name validates key and returns its path relative to the root.
func (s *DirectoryStore) name(key string) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", err
	}
	return filepath.FromSlash(key), nil
}

// opErr classifies an error of the root's file operations: a key that a
// symbolic link leads outside the root is ErrOutsideRoot, a missing key
// (or a path through a value, which cannot hold keys) is fs.ErrNotExist
// when notExistOK.
func opErr(op, key string, err error, notExistOK bool) error {
	if escapes(err) {
		return fmt.Errorf("zarr: %s %q: %w: %w", op, key, ErrOutsideRoot, err)
	}
	if notExistOK && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
		return &fs.PathError{Op: op, Path: key, Err: fs.ErrNotExist}
	}
	return fmt.Errorf("zarr: %s %q: %w", op, key, err)
}

// escapes reports os.Root's refusal of a path that leaves the root (the
// error is not exported; its text is part of os's behaviour since Go
// 1.24).
func escapes(err error) bool {
	for err != nil {
		if err.Error() == "path escapes from parent" {
			return true
		}
		switch e := err.(type) {
		case *fs.PathError:
			err = e.Err
		case *os.LinkError:
			err = e.Err
		default:
			err = errors.Unwrap(err)
		}
	}
	return false
}

// Get reads the whole file of key into a new slice the caller owns. A
// missing key, or a key naming a directory, is an error satisfying
// errors.Is(err, fs.ErrNotExist); an invalid key is ErrInvalidKey, one
// whose path leads outside the root through a symbolic link is
// ErrOutsideRoot, and a file too large for one slice is ErrValueTooLarge.
func (s *DirectoryStore) Get(ctx context.Context, key string) ([]byte, error) {
	return s.GetAppend(ctx, key, nil)
}

// open opens the file of key for reading and returns its size; a missing
// key or a directory is fs.ErrNotExist.
func (s *DirectoryStore) open(key string) (*os.File, int64, error) {
	name, err := s.name(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := s.r.Open(name)
	if err != nil {
		return nil, 0, opErr("get", key, err, true)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, opErr("get", key, err, false)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, notExist(key)
	}
	return f, fi.Size(), nil
}

// GetRange reads a byte range of key (RangeGetter).
func (s *DirectoryStore) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	f, size, err := s.open(key)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readFileRange(f, key, size, off, n)
}

// OpenRanges opens key once (RangeOpener): every ReadRange reads the same
// file, so a value renamed over key meanwhile is not seen, and the reader
// never reports ErrValueChanged. Close the reader to release the file.
func (s *DirectoryStore) OpenRanges(ctx context.Context, key string) (RangeReader, error) {
	f, size, err := s.open(key)
	if err != nil {
		return nil, err
	}
	return &fileRanges{f: f, key: key, size: size}, nil
}

type fileRanges struct {
	f    *os.File
	key  string
	size int64
}

func (r *fileRanges) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return readFileRange(r.f, r.key, r.size, off, n)
}

func (r *fileRanges) Close() error { return r.f.Close() }

func readFileRange(f *os.File, key string, size, off, n int64) ([]byte, error) {
	off, n, err := resolveRange(key, off, n, size)
	if err != nil {
		return nil, err
	}
	if n > math.MaxInt {
		return nil, fmt.Errorf("%w: %d bytes of %q", ErrValueTooLarge, n, key)
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, fmt.Errorf("zarr: get %q: %w", key, err)
	}
	return b, nil
}

// tempPrefix starts the name of every temporary file Set writes:
// ".tmp-" + the key's base name (at most maxTempBase bytes of it) + "-" +
// 16 hex digits. RemoveStaleTemp removes only names of this form (and of
// the older ".tmp-NAME-DECIMAL" form).
const (
	tempPrefix  = ".tmp-"
	maxTempBase = 100
)

func tempName(base string) string {
	if len(base) > maxTempBase {
		base = base[:maxTempBase]
	}
	var r [8]byte
	for i := range r {
		r[i] = byte(rand.Uint32())
	}
	return tempPrefix + base + "-" + hex.EncodeToString(r[:])
}

// isTempName reports whether name has the form of Set's temporary files.
func isTempName(name string) bool {
	rest, ok := strings.CutPrefix(name, tempPrefix)
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 || len(rest)-i-1 < 1 || len(rest)-i-1 > 20 {
		return false
	}
	for _, c := range rest[i+1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Set writes value to key atomically (temporary file, optional fsync,
// rename; with WithFsync the directory is fsynced too).
func (s *DirectoryStore) Set(ctx context.Context, key string, value []byte) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	// Work inside the key's directory, opened once as a root of its own:
	// the temporary file, the rename and the directory fsync are then
	// single-name operations on one directory handle.
	d := s.r
	if dir := filepath.Dir(name); dir != "." {
		d, err = s.r.OpenRoot(dir)
		if errors.Is(err, fs.ErrNotExist) {
			if err := s.r.MkdirAll(dir, 0o755); err != nil {
				return opErr("set", key, err, false)
			}
			d, err = s.r.OpenRoot(dir)
		}
		if err != nil {
			return opErr("set", key, err, false)
		}
		defer d.Close()
	}
	base := filepath.Base(name)
	var f *os.File
	var tmp string
	for range 16 {
		tmp = tempName(base)
		f, err = d.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return opErr("set", key, err, false)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			d.Remove(tmp)
		}
	}()
	if _, err := f.Write(value); err != nil {
		return fmt.Errorf("zarr: set %q: %w", key, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("zarr: set %q: %w", key, err)
	}
	if s.sync {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("zarr: set %q: %w", key, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("zarr: set %q: %w", key, err)
	}
	if err := d.Rename(tmp, base); err != nil {
		return opErr("set", key, err, false)
	}
	ok = true
	if s.sync {
		if df, err := d.Open("."); err == nil {
			_ = df.Sync()
			df.Close()
		}
	}
	return nil
}

// Delete removes key; a missing key is not an error. A key that is a
// symbolic link is removed itself, never the file it points to.
func (s *DirectoryStore) Delete(ctx context.Context, key string) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	if err := s.r.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return opErr("delete", key, err, false)
	}
	return nil
}

// List yields the keys under prefix: regular files inside the root, and
// symbolic links to regular files inside the root. It does not descend
// into symbolically linked directories (keys under them can be read by
// name but are not listed) and never shows temporary files.
func (s *DirectoryStore) List(ctx context.Context, prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		start := "."
		if i := strings.LastIndexByte(prefix, '/'); i > 0 && fs.ValidPath(prefix[:i]) {
			start = prefix[:i]
		}
		fsys := s.r.FS()
		err := fs.WalkDir(fsys, start, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == start && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll // nothing under prefix
				}
				if escapes(err) {
					return fmt.Errorf("%w: %w", ErrOutsideRoot, err)
				}
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.IsDir() || strings.HasPrefix(d.Name(), tempPrefix) || !strings.HasPrefix(p, prefix) {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// only links that resolve to a file inside the root
				fi, err := s.r.Stat(filepath.FromSlash(p))
				if err != nil || !fi.Mode().IsRegular() {
					return nil
				}
			} else if !d.Type().IsRegular() {
				return nil
			}
			if !yield(p, nil) {
				return fs.SkipAll
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.SkipAll) {
			yield("", fmt.Errorf("zarr: list %q: %w", prefix, err))
		}
	}
}

// Size returns the stored size of key without reading it.
func (s *DirectoryStore) Size(ctx context.Context, key string) (int64, error) {
	name, err := s.name(key)
	if err != nil {
		return 0, err
	}
	fi, err := s.r.Stat(name)
	if err != nil {
		return 0, opErr("size", key, err, true)
	}
	if !fi.Mode().IsRegular() {
		return 0, notExist(key)
	}
	return fi.Size(), nil
}

// GetAppend reads key appended to buf (AppendGetter), so callers can reuse
// buffers instead of allocating one per value.
func (s *DirectoryStore) GetAppend(ctx context.Context, key string, buf []byte) ([]byte, error) {
	f, size, err := s.open(key)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	start := len(buf)
	if size > int64(math.MaxInt-start) {
		return nil, fmt.Errorf("%w: %q is %d bytes", ErrValueTooLarge, key, size)
	}
	n := int(size)
	if cap(buf)-start < n {
		nb := make([]byte, start, start+n)
		copy(nb, buf)
		buf = nb
	}
	buf = buf[:start+n]
	if _, err := io.ReadFull(f, buf[start:]); err != nil {
		return nil, fmt.Errorf("zarr: get %q: %w", key, err)
	}
	return buf, nil
}

// RemoveStaleTemp removes temporary files that writers killed mid-Set
// left behind, and returns how many it removed. It is a maintenance call:
// opening a store never runs it. It walks the whole root (not following
// symbolic links) and removes only regular files whose name has the form
// of Set's temporary files (".tmp-NAME-HEX"), that were last modified more
// than olderThan ago, and that belong to the current user (on systems
// without Unix file ownership it removes nothing). olderThan must be
// positive, and longer than any Set in flight can take: a live writer
// whose temporary file is removed gets an error from Set (the key keeps
// its old value; nothing is torn). It is safe to call concurrently with
// any other operation.
func (s *DirectoryStore) RemoveStaleTemp(ctx context.Context, olderThan time.Duration) (int, error) {
	if olderThan <= 0 {
		return 0, fmt.Errorf("zarr: RemoveStaleTemp: age %v: %w", olderThan, fs.ErrInvalid)
	}
	cutoff := time.Now().Add(-olderThan)
	removed := 0
	err := fs.WalkDir(s.r.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() || !isTempName(d.Name()) {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // renamed meanwhile
		}
		if err != nil {
			return err
		}
		if !fi.ModTime().Before(cutoff) || !ownedByCurrentUser(fi) {
			return nil
		}
		if err := s.r.Remove(filepath.FromSlash(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed++
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("zarr: remove stale temporary files in %s: %w", s.root, err)
	}
	return removed, nil
}
