// Package storetest is the conformance suite every zarr.Store passes, in
// the manner of testing/fstest: Run exercises reads, writes, deletes,
// listing, ranges, key validation and concurrent use.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
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
		full := Fixture["a/c/0/0"]
		for _, r := range [][2]int64{{0, 10}, {5, 100}, {1100, -1}, {-16, -1}, {0, 0}} {
			got, err := rg.GetRange(ctx, "a/c/0/0", r[0], r[1])
			off, n := r[0], r[1]
			if off < 0 {
				off += int64(len(full))
			}
			if n < 0 {
				n = int64(len(full)) - off
			}
			if err != nil || !bytes.Equal(got, full[off:off+n]) {
				t.Fatalf("GetRange%v = %d bytes, %v", r, len(got), err)
			}
		}
		if _, err := rg.GetRange(ctx, "a/c/0/0", 1190, 20); err == nil {
			t.Fatal("range past the end accepted")
		}
		if _, err := rg.GetRange(ctx, "missing", 0, 1); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("GetRange missing: %v", err)
		}
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
