package storetest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tessera-array/tessera/zarr"
	"github.com/tessera-array/tessera/zarr/storetest"
)

// A writable store's test hands Run a constructor of fresh, empty stores.
// Run needs the *testing.T of a test, so this example shows the test
// function and is not run itself.
func ExampleRun() {
	testDirectoryStore := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) zarr.Store {
			s, err := zarr.NewDirectoryStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	}
	_ = testDirectoryStore
}

// A read-only store is built holding Fixture, then checked by RunReadOnly.
// Here the fixture goes through a ZipWriter into a ZipStore. The example
// shows the test function and is not run itself.
func ExampleRunReadOnly() {
	testZipStore := func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "fixture.zip")
		w, err := zarr.NewZipWriter(path)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range storetest.Fixture {
			if err := w.Set(context.Background(), k, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		s, err := zarr.OpenZipStore(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		storetest.RunReadOnly(t, s)
	}
	_ = testZipStore
}
