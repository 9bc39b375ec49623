package zarr_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/tessera-array/tessera/zarr"
	"github.com/tessera-array/tessera/zarr/storetest"
)

func TestDirectoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) zarr.Store {
		s, err := zarr.NewDirectoryStore(t.TempDir(), zarr.WithFsync())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) zarr.Store { return zarr.NewMemoryStore() })
}

func writeFixtureZip(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "f.zip")
	w, err := zarr.NewZipWriter(p)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range storetest.Fixture {
		if err := w.Set(context.Background(), k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Set(context.Background(), "b/0.0", []byte("again")); !errors.Is(err, zarr.ErrKeyExists) {
		t.Fatalf("second write: %v", err)
	}
	if _, err := os.Stat(p); err == nil {
		t.Fatal("zip visible before Close")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestZipStore(t *testing.T) {
	p := writeFixtureZip(t)
	s, err := zarr.OpenZipStore(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.RunReadOnly(t, s)
	if err := s.Set(context.Background(), "x", nil); !errors.Is(err, zarr.ErrReadOnly) {
		t.Fatalf("Set on zip: %v", err)
	}
}

func TestHTTPStore(t *testing.T) {
	dir := t.TempDir()
	ds, _ := zarr.NewDirectoryStore(dir)
	for k, v := range storetest.Fixture {
		if err := ds.Set(context.Background(), k, v); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	s := zarr.NewHTTPStore(srv.URL, srv.Client())
	storetest.RunReadOnly(t, s)
	opened, err := zarr.OpenStore(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := opened.Get(context.Background(), "zarr.json"); err != nil {
		t.Fatal(err)
	}
}

func TestDirectoryStoreLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	s, _ := zarr.NewDirectoryStore(dir)
	for i := range 10 {
		if err := s.Set(context.Background(), "k/v", []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "k"))
	if len(ents) != 1 {
		t.Fatalf("entries %v", ents)
	}
}
