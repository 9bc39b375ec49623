package zarr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// DirectoryStore keeps each key as a file under a root directory, like
// zarr-python's DirectoryStore / LocalStore. Writes are atomic: the value
// goes to a temporary file in the destination directory, is optionally
// fsynced, and is renamed over the key, so a crash leaves either the old or
// the new value.
type DirectoryStore struct {
	root string
	sync bool
}

// DirOption configures a DirectoryStore.
type DirOption func(*DirectoryStore)

// WithFsync makes every Set fsync the file and its directory before
// returning (durable across power loss, slower).
func WithFsync() DirOption { return func(s *DirectoryStore) { s.sync = true } }

// NewDirectoryStore opens (creating if needed) a store rooted at dir.
func NewDirectoryStore(dir string, opts ...DirOption) (*DirectoryStore, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("zarr: directory store %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("zarr: directory store: %w", err)
	}
	s := &DirectoryStore{root: abs}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Root is the store's directory.
func (s *DirectoryStore) Root() string { return s.root }

// URL is file://ROOT.
func (s *DirectoryStore) URL() string { return (&url.URL{Scheme: "file", Path: s.root}).String() }

func (s *DirectoryStore) path(key string) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", err
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

func (s *DirectoryStore) Get(ctx context.Context, key string) ([]byte, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isDirErr(p) {
			return nil, notExist(key)
		}
		return nil, fmt.Errorf("zarr: get %q: %w", key, err)
	}
	return b, nil
}

func isDirErr(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// open opens the file of key for reading and returns its size; a missing
// key or a directory is fs.ErrNotExist.
func (s *DirectoryStore) open(key string) (*os.File, int64, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, notExist(key)
		}
		return nil, 0, fmt.Errorf("zarr: get %q: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if fi.IsDir() {
		f.Close()
		return nil, 0, notExist(key)
	}
	return f, fi.Size(), nil
}

func (s *DirectoryStore) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	f, size, err := s.open(key)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	off, n, err = resolveRange(key, off, n, size)
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, fmt.Errorf("zarr: get %q: %w", key, err)
	}
	return b, nil
}

func (s *DirectoryStore) Set(ctx context.Context, key string, value []byte) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("zarr: set %q: %w", key, err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(p)+"-*")
	if err != nil {
		return fmt.Errorf("zarr: set %q: %w", key, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(value); err != nil {
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
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("zarr: set %q: %w", key, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("zarr: set %q: %w", key, err)
	}
	ok = true
	if s.sync {
		if d, err := os.Open(dir); err == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	return nil
}

func (s *DirectoryStore) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("zarr: delete %q: %w", key, err)
	}
	return nil
}

func (s *DirectoryStore) List(ctx context.Context, prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.IsDir() || strings.HasPrefix(d.Name(), ".tmp-") {
				return nil
			}
			rel, err := filepath.Rel(s.root, p)
			if err != nil {
				return err
			}
			k := filepath.ToSlash(rel)
			if strings.HasPrefix(k, prefix) {
				if !yield(k, nil) {
					return fs.SkipAll
				}
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
	p, err := s.path(key)
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, notExist(key)
		}
		return 0, err
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
	n := int(size)
	start := len(buf)
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
