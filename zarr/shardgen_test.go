//go:build unix

package zarr_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/zarr"
)

// etagFileServer serves dir like a static web server that sends a strong
// ETag made of the file's inode, modification time and size (as nginx
// does), and honours Range, If-Match and If-Range (http.ServeContent).
// It counts its 412 (Precondition Failed) answers in failed.
func etagFileServer(dir string, failed *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w = statusCounter{w, failed}
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || fi.IsDir() {
			http.NotFound(w, r)
			return
		}
		var ino uint64
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			ino = st.Ino
		}
		w.Header().Set("ETag", fmt.Sprintf(`"%x-%x-%x"`, ino, fi.ModTime().UnixNano(), fi.Size()))
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
	})
}

type statusCounter struct {
	http.ResponseWriter
	failed *atomic.Int64
}

func (c statusCounter) WriteHeader(code int) {
	if code == http.StatusPreconditionFailed {
		c.failed.Add(1)
	}
	c.ResponseWriter.WriteHeader(code)
}

// generation returns the 64×64 int32 block of rewrite g: every element
// holds its own linear position + 1, except the inner chunks whose index
// plus g is a multiple of 3, which hold the fill value 0 and are left out
// of the shard, so that the inner chunks' offsets move from one
// generation to the next.
func generation(g int) *block.Dense {
	d := block.Must(block.Int32, 64, 64)
	v := block.Values[int32](d)
	for i := range 64 {
		for j := range 64 {
			if ((i/8)*8+j/8+g)%3 != 0 {
				v[i*64+j] = int32(i*64 + j + 1)
			}
		}
	}
	return d
}

// TestShardReadsSeeOneGeneration rewrites a shard over and over while
// readers read single inner chunks of it (the index and the chunk by
// separate range reads). Every value read must be the fill value or the
// element's own position: a read that took the index of one generation
// and the bytes of another would put values at the wrong position. Reads
// may fail only with ErrValueChanged (a reader that saw the value change
// on every one of its bounded retries).
func TestShardReadsSeeOneGeneration(t *testing.T) {
	const rewrites = 300
	var failed atomic.Int64 // 412 answers of the HTTP server
	cases := []struct {
		name string
		open func(t *testing.T, dir string) zarr.Store
	}{
		{"directory", func(t *testing.T, dir string) zarr.Store {
			s, err := zarr.NewDirectoryStore(dir)
			require.NoError(t, err)
			return s
		}},
		{"http", func(t *testing.T, dir string) zarr.Store {
			srv := httptest.NewServer(etagFileServer(dir, &failed))
			t.Cleanup(srv.Close)
			return zarr.NewHTTPStore(srv.URL, srv.Client())
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			ws, err := zarr.NewDirectoryStore(dir)
			require.NoError(t, err)
			w, err := zarr.Create(ctx, ws, "a", zarr.CreateOptions{Shape: []int{64, 64}, Chunks: []int{8, 8}, Shards: []int{64, 64}, DType: block.Int32,
				Codecs: []json.RawMessage{json.RawMessage(`{"name":"bytes","configuration":{"endian":"little"}}`)}})
			require.NoError(t, err)
			_, err = w.WriteAll(ctx, generation(0))
			require.NoError(t, err)
			r, err := zarr.OpenArray(ctx, c.open(t, dir), "a")
			require.NoError(t, err)

			var done atomic.Bool
			var reads, misplaced, changed atomic.Int64
			var other sync.Map
			var wg sync.WaitGroup
			wg.Go(func() {
				defer done.Store(true)
				for g := 1; g <= rewrites; g++ {
					if _, err := w.WriteAll(ctx, generation(g)); err != nil {
						other.Store("write: "+err.Error(), true)
						return
					}
				}
			})
			for seed := range 2 {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(seed), 1))
					for !done.Load() {
						i, j := rng.IntN(8)*8, rng.IntN(8)*8
						d, err := r.Read(ctx, chunk.Box{Lo: []int{i, j}, Hi: []int{i + 8, j + 8}})
						reads.Add(1)
						if errors.Is(err, zarr.ErrValueChanged) {
							changed.Add(1)
							continue
						}
						if err != nil {
							other.Store(err.Error(), true)
							continue
						}
						v := block.Values[int32](d)
					check:
						for y := range 8 {
							for x := range 8 {
								got := v[y*8+x]
								if got != 0 && got != int32((i+y)*64+j+x+1) {
									misplaced.Add(1)
									break check
								}
							}
						}
					}
				})
			}
			wg.Wait()
			t.Logf("%d reads during %d rewrites: %d with misplaced values, %d gave up on a changing value; %d answers 412", reads.Load(), rewrites, misplaced.Load(), changed.Load(), failed.Load())
			other.Range(func(k, _ any) bool {
				t.Errorf("read error: %v", k)
				return true
			})
			assert.Zero(t, misplaced.Load(), "reads put values at the wrong position with no error")
			assert.Less(t, changed.Load(), reads.Load(), "no read succeeded")
		})
	}
}
