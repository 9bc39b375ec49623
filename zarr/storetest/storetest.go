// Package storetest is the conformance suite every zarr.Store passes, in
// the manner of testing/fstest: Run exercises reads, writes, deletes,
// listing, ranges (including ranges whose arithmetic overflows), ranges of
// one generation (RangeOpener), key validation and concurrent use.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"sync"
	"testing"

	"github.com/tessera-array/tessera/zarr"
)

// Fixture is the content ReadOnly stores must be built with.
var Fixture = map[string][]byte{
	"zarr.json":      []byte(`{"zarr_format":3,"node_type":"group"}`),
	"a/zarr.json":    []byte(`{"zarr_format":3}`),
	"a/c/0/0":        bytes.Repeat([]byte{1, 2, 3, 4}, 300),
	"a/c/0/1":        {},
	"b/.zarray":      []byte(`{}`),
	"b/0.0":          []byte("chunk"),
	"deep/x/y/z/key": []byte("deep value"),
}

// Run tests a writable store made fresh (and empty) by newStore.
func Run(t *testing.T, newStore func(t *testing.T) zarr.Store) {
	ctx := context.Background()
	t.Run("SetGet", func(t *testing.T) {
		s := newStore(t)
		for k, v := range Fixture {
			if err := s.Set(ctx, k, v); err != nil {
				t.Fatalf("Set %q: %v", k, err)
			}
		}
		checkFixture(t, s)
		// overwrite
		if err := s.Set(ctx, "b/0.0", []byte("new")); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, "b/0.0"); string(got) != "new" {
			t.Fatalf("overwrite: got %q", got)
		}
		// the caller owns what Get returns
		got, _ := s.Get(ctx, "b/0.0")
		got[0] = 'X'
		if again, _ := s.Get(ctx, "b/0.0"); string(again) != "new" {
			t.Fatal("Get returned a slice shared with the store")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		if err := s.Set(ctx, "x/y", []byte("1")); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, "x/y"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "x/y"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("after delete: %v", err)
		}
		if err := s.Delete(ctx, "x/y"); err != nil {
			t.Fatalf("delete of a missing key: %v", err)
		}
	})
	t.Run("InvalidKeys", func(t *testing.T) {
		s := newStore(t)
		for _, k := range []string{"", "/abs", "../escape", "a/../../b", "a//b", "a/./b", "a\\b", "nul\x00", "trailing/"} {
			if err := s.Set(ctx, k, []byte("x")); !errors.Is(err, zarr.ErrInvalidKey) {
				t.Errorf("Set(%q) = %v, want ErrInvalidKey", k, err)
			}
			if _, err := s.Get(ctx, k); !errors.Is(err, zarr.ErrInvalidKey) {
				t.Errorf("Get(%q) = %v, want ErrInvalidKey", k, err)
			}
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k := fmt.Sprintf("c/%d", i%4)
				v := bytes.Repeat([]byte{byte(i)}, 4096)
				for range 20 {
					if err := s.Set(ctx, k, v); err != nil {
						errs <- err
						return
					}
					got, err := s.Get(ctx, k)
					if err != nil {
						errs <- err
						return
					}
					// never torn: all bytes equal
					if len(got) != 4096 || bytes.Count(got, got[:1]) != 4096 {
						errs <- fmt.Errorf("torn value for %s", k)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
	t.Run("OneGeneration", func(t *testing.T) {
		s := newStore(t)
		ro, ok := s.(zarr.RangeOpener)
		if !ok {
			t.Skip("no RangeOpener")
		}
		oldV := bytes.Repeat([]byte("old."), 256)
		if err := s.Set(ctx, "g/v", oldV); err != nil {
			t.Fatal(err)
		}
		rr, err := ro.OpenRanges(ctx, "g/v")
		if err != nil {
			t.Fatal(err)
		}
		defer rr.Close()
		if b, err := rr.ReadRange(ctx, -8, -1); err != nil || !bytes.Equal(b, oldV[len(oldV)-8:]) {
			t.Fatalf("first range = %q, %v", b, err)
		}
		if err := s.Set(ctx, "g/v", bytes.Repeat([]byte("NEW!"), 100)); err != nil {
			t.Fatal(err)
		}
		// the reader sees the old generation, or says it cannot
		b, err := rr.ReadRange(ctx, 512, 16)
		if err != nil && !errors.Is(err, zarr.ErrValueChanged) {
			t.Fatalf("range after a rewrite: %v", err)
		}
		if err == nil && !bytes.Equal(b, oldV[512:528]) {
			t.Fatalf("range after a rewrite = %q: a different generation", b)
		}
	})
	t.Run("ReadOnlyChecks", func(t *testing.T) {
		s := newStore(t)
		for k, v := range Fixture {
			if err := s.Set(ctx, k, v); err != nil {
				t.Fatal(err)
			}
		}
		RunReadOnly(t, s)
	})
}

// RunReadOnly tests a store that holds Fixture.
func RunReadOnly(t *testing.T, s zarr.Store) {
	checkFixture(t, s)
}

func checkFixture(t *testing.T, s zarr.Store) {
	ctx := context.Background()
	for k, v := range Fixture {
		got, err := s.Get(ctx, k)
		if err != nil || !bytes.Equal(got, v) {
			t.Fatalf("Get %q = %q, %v; want %q", k, got, err, v)
		}
	}
	for _, k := range []string{"missing", "a/c/9/9", "deep/x"} {
		if _, err := s.Get(ctx, k); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Get missing %q: %v, want fs.ErrNotExist", k, err)
		}
	}
	if rg, ok := s.(zarr.RangeGetter); ok {
		checkRanges(t, "GetRange", func(key string, off, n int64) ([]byte, error) {
			return rg.GetRange(ctx, key, off, n)
		})
	}
	if ro, ok := s.(zarr.RangeOpener); ok {
		checkRanges(t, "OpenRanges+ReadRange", func(key string, off, n int64) ([]byte, error) {
			rr, err := ro.OpenRanges(ctx, key)
			if err != nil {
				return nil, err
			}
			defer rr.Close()
			b, err := rr.ReadRange(ctx, off, n)
			if err != nil {
				return nil, err
			}
			// a second range from the same reader
			if _, err := rr.ReadRange(ctx, 0, 0); err != nil {
				return nil, fmt.Errorf("second range: %w", err)
			}
			return b, nil
		})
	}
	if ag, ok := s.(zarr.AppendGetter); ok {
		got, err := ag.GetAppend(ctx, "b/0.0", []byte("pre:"))
		if err != nil || string(got) != "pre:"+string(Fixture["b/0.0"]) {
			t.Fatalf("GetAppend = %q, %v", got, err)
		}
		if _, err := ag.GetAppend(ctx, "missing", nil); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("GetAppend missing: %v", err)
		}
	}
	if l, ok := s.(zarr.Lister); ok {
		var keys []string
		for k, err := range l.List(ctx, "a/") {
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		want := []string{"a/c/0/0", "a/c/0/1", "a/zarr.json"}
		if fmt.Sprint(keys) != fmt.Sprint(want) {
			t.Fatalf("List(a/) = %v, want %v", keys, want)
		}
	}
}

// rangeCase is one (off, n) request on a fixture value, and what it must
// give: ok with the bytes value[lo:hi], or errors.Is(err, zarr.ErrRange).
type rangeCase struct {
	key    string
	off, n int64
	ok     bool
	lo, hi int64
}

// rangeCases holds a store to RangeGetter's contract on the 1200-byte
// fixture value and the empty one: negative offsets count from the end,
// negative lengths read to the end, and every range outside the value,
// including ones whose end overflows int64, is ErrRange (never a panic,
// never a short or wrong slice).
var rangeCases = []rangeCase{
	{"a/c/0/0", 0, 10, true, 0, 10},
	{"a/c/0/0", 5, 100, true, 5, 105},
	{"a/c/0/0", 1100, -1, true, 1100, 1200},
	{"a/c/0/0", -16, -1, true, 1184, 1200},
	{"a/c/0/0", -16, 4, true, 1184, 1188},
	{"a/c/0/0", -1200, -1, true, 0, 1200},
	{"a/c/0/0", 0, -1, true, 0, 1200},
	{"a/c/0/0", 0, 1200, true, 0, 1200},
	{"a/c/0/0", 0, 0, true, 0, 0},
	{"a/c/0/0", 600, 0, true, 600, 600},
	{"a/c/0/0", 1200, 0, true, 1200, 1200},
	{"a/c/0/0", 1200, -1, true, 1200, 1200},
	{"a/c/0/0", 1199, 1, true, 1199, 1200},
	{"a/c/0/0", 1190, 20, false, 0, 0},
	{"a/c/0/0", 0, 1201, false, 0, 0},
	{"a/c/0/0", 1201, 0, false, 0, 0},
	{"a/c/0/0", 1201, -1, false, 0, 0},
	{"a/c/0/0", -1201, -1, false, 0, 0},
	{"a/c/0/0", -16, 17, false, 0, 0},
	{"a/c/0/0", 5, math.MaxInt64, false, 0, 0},
	{"a/c/0/0", math.MaxInt64, 1, false, 0, 0},
	{"a/c/0/0", math.MaxInt64, 0, false, 0, 0},
	{"a/c/0/0", math.MaxInt64, -1, false, 0, 0},
	{"a/c/0/0", math.MaxInt64 - 1, math.MaxInt64, false, 0, 0},
	{"a/c/0/0", math.MinInt64, -1, false, 0, 0},
	{"a/c/0/0", math.MinInt64, 1, false, 0, 0},
	{"a/c/0/0", -1, math.MaxInt64, false, 0, 0},
	{"a/c/0/1", 0, 0, true, 0, 0},
	{"a/c/0/1", 0, -1, true, 0, 0},
	{"a/c/0/1", 1, 0, false, 0, 0},
	{"a/c/0/1", -1, -1, false, 0, 0},
	{"a/c/0/1", 0, 1, false, 0, 0},
}

// checkRanges runs rangeCases through get (a GetRange, or a range reader
// of an opened value).
func checkRanges(t *testing.T, what string, get func(key string, off, n int64) ([]byte, error)) {
	t.Helper()
	for _, c := range rangeCases {
		var got []byte
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			got, err = get(c.key, c.off, c.n)
		}()
		if c.ok {
			want := Fixture[c.key][c.lo:c.hi]
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s(%q, %d, %d) = %d bytes, %v; want %d bytes", what, c.key, c.off, c.n, len(got), err, len(want))
			}
			continue
		}
		if !errors.Is(err, zarr.ErrRange) {
			t.Errorf("%s(%q, %d, %d) = %d bytes, %v; want ErrRange", what, c.key, c.off, c.n, len(got), err)
		}
	}
	if _, err := get("missing", 0, 1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s of a missing key: %v, want fs.ErrNotExist", what, err)
	}
}
