package zarr

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"strings"
)

// Store is the small interface every Zarr store implements: keys are
// "/"-separated paths relative to the store root (validated by ValidKey).
// Get of a missing key returns an error that satisfies
// errors.Is(err, fs.ErrNotExist). Implementations are safe for concurrent
// use; Set is atomic (a reader sees the old value or the new one, never a
// torn one); Get returns a slice the caller owns.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte) error
	Delete(ctx context.Context, key string) error
}

// Lister is the optional ability to list keys under a prefix ("" for all),
// in no particular order.
type Lister interface {
	List(ctx context.Context, prefix string) iter.Seq2[string, error]
}

// RangeGetter is the optional ability to read n bytes of a value from
// offset off (n < 0: to the end; off < 0: the last -off bytes), used for
// partial reads of shards.
type RangeGetter interface {
	GetRange(ctx context.Context, key string, off, n int64) ([]byte, error)
}

// AppendGetter is the optional ability to read a value appended to a
// caller's buffer, so chunk reads can reuse buffers instead of allocating
// (and leaving garbage) per chunk.
type AppendGetter interface {
	GetAppend(ctx context.Context, key string, buf []byte) ([]byte, error)
}

// URLer is the optional ability to name the store by a URL that another
// process (a remote worker) can open with OpenStore. A URL carries no
// options; stores with options implement Specer, which tasks prefer.
type URLer interface {
	URL() string
}

// Errors about stores.
var (
	// ErrInvalidKey reports a key that is empty, absolute, has empty, "."
	// or ".." segments, backslashes or control characters: a key that
	// could escape the store root.
	ErrInvalidKey = errors.New("zarr: invalid store key")
	// ErrReadOnly reports a write to a read-only store.
	ErrReadOnly = errors.New("zarr: store is read-only")
	// ErrRange reports a byte range outside a stored value.
	ErrRange = errors.New("zarr: byte range outside value")
)

// ValidKey checks a store key. Keys never escape the store root.
func ValidKey(key string) error {
	if key == "" || len(key) > 4096 {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
	}
	for _, c := range key {
		if c < 0x20 || c == 0x7f || c == '\\' || c == ':' {
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
	}
	return nil
}

func notExist(key string) error {
	return &fs.PathError{Op: "get", Path: key, Err: fs.ErrNotExist}
}

// getRange reads a byte range through RangeGetter when the store has it,
// else by reading the whole value.
func getRange(ctx context.Context, s Store, key string, off, n int64) ([]byte, error) {
	if rg, ok := s.(RangeGetter); ok {
		return rg.GetRange(ctx, key, off, n)
	}
	b, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return sliceRange(b, key, off, n)
}

func sliceRange(b []byte, key string, off, n int64) ([]byte, error) {
	size := int64(len(b))
	if off < 0 {
		off += size
	}
	if n < 0 {
		n = size - off
	}
	if off < 0 || off > size || n < 0 || off+n > size {
		return nil, fmt.Errorf("%w: %d+%d outside %q of %d bytes", ErrRange, off, n, key, size)
	}
	return b[off : off+n], nil
}
