package zarr

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// ZipStore reads a store packed in a zip file (zarr-python's ZipStore). It
// is read-only (build zip stores with ZipWriter) and safe for concurrent
// use. The file is opened once, so every read sees the zip as it was when
// OpenZipStore opened it, even if the file is replaced meanwhile.
type ZipStore struct {
	path  string
	f     *os.File
	r     *zip.Reader
	files map[string]*zip.File
	// maxValue bounds one decompressed value (zip bombs).
	maxValue int64
}

// MaxZipValue bounds the size of one value read from a zip store.
const MaxZipValue = 1 << 31

// OpenZipStore opens a zip file as a read-only store.
func OpenZipStore(path string) (*ZipStore, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("zarr: zip store %q: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("zarr: zip store %q: %w", path, err)
	}
	r, err := zip.NewReader(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("zarr: zip store %q: %w", path, err)
	}
	abs, _ := filepath.Abs(path)
	s := &ZipStore{path: abs, f: f, r: r, files: map[string]*zip.File{}, maxValue: MaxZipValue}
	for _, f := range r.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := strings.TrimPrefix(f.Name, "/")
		if ValidKey(name) != nil {
			continue // entries that could escape are not exposed
		}
		s.files[name] = f
	}
	return s, nil
}

// Close releases the zip file.
func (s *ZipStore) Close() error { return s.f.Close() }

// URL is zip://PATH.
func (s *ZipStore) URL() string { return (&url.URL{Scheme: "zip", Path: s.path}).String() }

// Get decompresses key's entry into a new slice the caller owns. A
// missing key is an error satisfying errors.Is(err, fs.ErrNotExist), an
// invalid key is ErrInvalidKey, and an entry that declares or decompresses
// to more than MaxZipValue bytes is ErrValueTooLarge.
func (s *ZipStore) Get(ctx context.Context, key string) ([]byte, error) {
	f, err := s.entry(key)
	if err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("zarr: zip entry %q: %w", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, s.maxValue+1))
	if err != nil {
		return nil, fmt.Errorf("zarr: zip entry %q: %w", key, err)
	}
	if int64(len(b)) > s.maxValue {
		return nil, fmt.Errorf("%w: zip entry %q exceeds %d bytes", ErrValueTooLarge, key, s.maxValue)
	}
	return b, nil
}

// entry returns the zip entry of key.
func (s *ZipStore) entry(key string) (*zip.File, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	f, ok := s.files[key]
	if !ok {
		return nil, notExist(key)
	}
	if f.UncompressedSize64 > uint64(s.maxValue) {
		return nil, fmt.Errorf("%w: zip entry %q declares %d bytes, over the %d limit", ErrValueTooLarge, key, f.UncompressedSize64, s.maxValue)
	}
	return f, nil
}

// GetRange reads a byte range of key (RangeGetter): straight from the zip
// file for stored (uncompressed) entries, as ZipWriter writes them, else
// by decompressing up to the end of the range.
func (s *ZipStore) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	f, err := s.entry(key)
	if err != nil {
		return nil, err
	}
	size := int64(f.UncompressedSize64) // <= maxValue
	start, length, err := resolveRange(key, off, n, size)
	if err != nil {
		return nil, err
	}
	b := make([]byte, length)
	if f.Method == zip.Store && f.CompressedSize64 == f.UncompressedSize64 {
		at, err := f.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("zarr: zip entry %q: %w", key, err)
		}
		if _, err := s.f.ReadAt(b, at+start); err != nil && !(errors.Is(err, io.EOF) && length == 0) {
			return nil, fmt.Errorf("zarr: zip entry %q: %w", key, err)
		}
		return b, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("zarr: zip entry %q: %w", key, err)
	}
	defer rc.Close()
	if _, err := io.CopyN(io.Discard, rc, start); err != nil {
		return nil, fmt.Errorf("zarr: zip entry %q: %w", key, err)
	}
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, fmt.Errorf("zarr: zip entry %q: %w", key, err)
	}
	return b, nil
}

// OpenRanges (RangeOpener): a zip store never changes, so every range of
// one key is of one generation.
func (s *ZipStore) OpenRanges(ctx context.Context, key string) (RangeReader, error) {
	if _, err := s.entry(key); err != nil {
		return nil, err
	}
	return &zipRanges{s: s, key: key}, nil
}

type zipRanges struct {
	s   *ZipStore
	key string
}

func (r *zipRanges) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	return r.s.GetRange(ctx, r.key, off, n)
}

func (r *zipRanges) Close() error { return nil }

// Set always fails with an error wrapping ErrReadOnly: a ZipStore only
// reads (build zip stores with ZipWriter).
func (s *ZipStore) Set(ctx context.Context, key string, value []byte) error {
	return fmt.Errorf("%w: zip %s", ErrReadOnly, s.path)
}

// Delete always fails with an error wrapping ErrReadOnly: a ZipStore only
// reads.
func (s *ZipStore) Delete(ctx context.Context, key string) error {
	return fmt.Errorf("%w: zip %s", ErrReadOnly, s.path)
}

// List yields the keys of the zip's file entries that start with prefix
// ("" for all), in no particular order, never with an error. Directory
// entries and entries whose name is not a valid key are left out.
func (s *ZipStore) List(ctx context.Context, prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for k := range s.files {
			if strings.HasPrefix(k, prefix) && !yield(k, nil) {
				return
			}
		}
	}
}

// ZipWriter builds a zip store: Set adds entries (stored uncompressed, as
// chunks are compressed already), Close finishes the file. The zip appears
// at its path only when Close succeeds (written to a temporary name and
// renamed). Setting one key twice is an error. Get reads keys written so far
// from memory; it is meant for metadata round trips while writing.
type ZipWriter struct {
	mu   sync.Mutex
	path string
	tmp  *os.File
	w    *zip.Writer
	keys map[string][]byte
}

// NewZipWriter starts a zip store at path.
func NewZipWriter(path string) (*ZipWriter, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return nil, fmt.Errorf("zarr: zip writer: %w", err)
	}
	return &ZipWriter{path: path, tmp: f, w: zip.NewWriter(f), keys: map[string][]byte{}}, nil
}

// ErrKeyExists reports a second write of one key to a write-once store.
var ErrKeyExists = errors.New("zarr: key already written")

// Set appends value to the zip as an uncompressed entry named key. Writing
// a key a second time is ErrKeyExists, an invalid key ErrInvalidKey, and
// Set after Close an error. The writer keeps a copy of metadata values
// (keys ending in .zarray, .zgroup, .zattrs, .zmetadata or zarr.json) for
// Get; other values go to the file only.
func (z *ZipWriter) Set(ctx context.Context, key string, value []byte) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.w == nil {
		return fmt.Errorf("zarr: zip writer closed")
	}
	if _, dup := z.keys[key]; dup {
		return fmt.Errorf("%w: %q", ErrKeyExists, key)
	}
	w, err := z.w.CreateHeader(&zip.FileHeader{Name: key, Method: zip.Store})
	if err != nil {
		return fmt.Errorf("zarr: zip set %q: %w", key, err)
	}
	if _, err := w.Write(value); err != nil {
		return fmt.Errorf("zarr: zip set %q: %w", key, err)
	}
	if strings.HasSuffix(key, ".zarray") || strings.HasSuffix(key, ".zgroup") || strings.HasSuffix(key, ".zattrs") || strings.HasSuffix(key, "zarr.json") || strings.HasSuffix(key, ".zmetadata") {
		z.keys[key] = append([]byte(nil), value...)
	} else {
		z.keys[key] = nil
	}
	return nil
}

// Get returns a copy of a metadata value written so far (a key ending in
// .zarray, .zgroup, .zattrs, .zmetadata or zarr.json). Any other key,
// written or not, is an error satisfying errors.Is(err, fs.ErrNotExist): a
// ZipWriter does not read chunks back. An invalid key is ErrInvalidKey.
func (z *ZipWriter) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	v, ok := z.keys[key]
	if !ok || v == nil {
		return nil, notExist(key)
	}
	return append([]byte(nil), v...), nil
}

// Delete always fails with an error wrapping ErrReadOnly: a zip is
// append-only while it is written.
func (z *ZipWriter) Delete(ctx context.Context, key string) error {
	return fmt.Errorf("%w: zip writer is append-only", ErrReadOnly)
}

// Close writes the zip directory and moves the file into place.
func (z *ZipWriter) Close() error {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.w == nil {
		return nil
	}
	err := z.w.Close()
	z.w = nil
	if err == nil {
		err = z.tmp.Sync()
	}
	if cerr := z.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(z.tmp.Name(), z.path)
	}
	if err != nil {
		os.Remove(z.tmp.Name())
		return fmt.Errorf("zarr: zip writer: %w", err)
	}
	return nil
}
