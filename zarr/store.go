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
	// Get returns key's value in a slice the caller owns; a missing key is
	// an error satisfying errors.Is(err, fs.ErrNotExist).
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores value under key atomically, replacing any value it had.
	// It does not retain value.
	Set(ctx context.Context, key string, value []byte) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Lister is the optional ability to list keys under a prefix ("" for all),
// in no particular order.
type Lister interface {
	// List yields the keys that start with prefix, in no particular
	// order. A failure is yielded as an empty key with the error, and
	// ends the iteration.
	List(ctx context.Context, prefix string) iter.Seq2[string, error]
}

// RangeGetter is the optional ability to read n bytes of a value from
// offset off (n < 0: to the end; off < 0: from -off bytes before the end),
// used for partial reads of shards. A range that does not lie inside the
// value (an end past it, an offset before its start, or an end that
// overflows int64) is an error satisfying errors.Is(err, ErrRange); a
// missing key is fs.ErrNotExist. Separate calls may see different
// generations of a value that is being rewritten; RangeOpener reads
// several ranges of one generation.
type RangeGetter interface {
	// GetRange returns n bytes of key's value from off (see RangeGetter
	// for negative off and n) in a slice the caller owns.
	GetRange(ctx context.Context, key string, off, n int64) ([]byte, error)
}

// RangeOpener is the optional ability to open one generation of a value
// and read several byte ranges of it: a shard's index and the inner
// chunks it points to must come from the same generation of the shard,
// even while another writer replaces it. OpenRanges may report a missing
// key itself or leave it to the first ReadRange (fs.ErrNotExist either
// way).
type RangeOpener interface {
	// OpenRanges opens the value key has now, for ReadRange calls that
	// all read that one generation of it.
	OpenRanges(ctx context.Context, key string) (RangeReader, error)
}

// RangeReader reads byte ranges (with RangeGetter's meaning of off and n)
// of the one generation of a value that RangeOpener opened. A reader that
// finds the value replaced since its first read, and cannot read the old
// generation any more, fails with an error satisfying
// errors.Is(err, ErrValueChanged): the caller retries from OpenRanges. A
// RangeReader is not safe for concurrent use; Close releases what it holds
// (a file handle), and the slices ReadRange returned stay the caller's.
type RangeReader interface {
	// ReadRange returns n bytes from off of the opened generation, with
	// RangeGetter's meaning of off and n, in a slice the caller owns.
	ReadRange(ctx context.Context, off, n int64) ([]byte, error)
	// Close releases what the reader holds.
	Close() error
}

// AppendGetter is the optional ability to read a value appended to a
// caller's buffer, so chunk reads can reuse buffers instead of allocating
// (and leaving garbage) per chunk.
type AppendGetter interface {
	// GetAppend appends key's value to buf and returns the extended slice;
	// a missing key is fs.ErrNotExist, as for Get.
	GetAppend(ctx context.Context, key string, buf []byte) ([]byte, error)
}

// URLer is the optional ability to name the store by a URL that another
// process (a remote worker) can open with OpenStore. A URL carries no
// options; stores with options implement Specer, which tasks prefer.
type URLer interface {
	// URL is the store's address, which OpenStore opens in any process.
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
	// ErrOutsideRoot reports a key that is valid but resolves outside the
	// store's root, through a symbolic link: the store refuses to read,
	// write, delete or list anything there.
	ErrOutsideRoot = errors.New("zarr: key resolves outside the store root")
	// ErrValueChanged reports a value that was replaced between two reads
	// of one RangeReader, which cannot read the old generation any more.
	// It is transient: reopen the value and read again.
	ErrValueChanged = errors.New("zarr: value changed while being read")
	// ErrValueTooLarge reports a value, or a response, larger than the
	// store's limit for one value or than the caller can use.
	ErrValueTooLarge = errors.New("zarr: value too large")
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

// openRanges opens key of s to read several ranges of one generation of
// it: through RangeOpener when s has it, else by reading the whole value
// once (a Get is atomic), so a store without the ability is still read
// consistently, only not partially.
func openRanges(ctx context.Context, s Store, key string) (RangeReader, error) {
	if ro, ok := s.(RangeOpener); ok {
		return ro.OpenRanges(ctx, key)
	}
	b, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return &wholeRanges{key: key, b: b}, nil
}

// wholeRanges is a RangeReader over a value held in memory (immutable).
type wholeRanges struct {
	key string
	b   []byte
}

func (r *wholeRanges) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	return sliceRange(r.b, r.key, off, n)
}

func (r *wholeRanges) Close() error { return nil }

// sliceRange is b[off:off+n] with RangeGetter's meaning of off and n,
// checked (resolveRange).
func sliceRange(b []byte, key string, off, n int64) ([]byte, error) {
	start, length, err := resolveRange(key, off, n, int64(len(b)))
	if err != nil {
		return nil, err
	}
	return b[start : start+length], nil
}

// resolveRange turns a RangeGetter request (off < 0 counts from the end,
// n < 0 reads to the end) on a value of size bytes into an absolute start
// and length with 0 <= start <= start+length <= size, or ErrRange naming
// the key. The arithmetic cannot overflow: no sum is formed before its
// operands are checked against size.
func resolveRange(key string, off, n, size int64) (start, length int64, err error) {
	start = off
	if off < 0 {
		start = size + off // size >= 0 and off < 0: cannot overflow
	}
	if start < 0 || start > size {
		return 0, 0, rangeErr(key, off, n, size)
	}
	length = n
	if n < 0 {
		length = size - start
	}
	if length > size-start {
		return 0, 0, rangeErr(key, off, n, size)
	}
	return start, length, nil
}

func rangeErr(key string, off, n, size int64) error {
	return fmt.Errorf("%w: %d+%d outside %q of %d bytes", ErrRange, off, n, key, size)
}
