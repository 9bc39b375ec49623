package zarr_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// countingWriter counts response body bytes.
type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c countingWriter) Write(b []byte) (int, error) {
	c.n.Add(int64(len(b)))
	return c.ResponseWriter.Write(b)
}

// TestShardPartialReadOverHTTP reads one inner chunk's worth of a sharded
// array over HTTP: only the index and that inner chunk travel, by Range
// requests, not the whole shard.
func TestShardPartialReadOverHTTP(t *testing.T) {
	dir := t.TempDir()
	s, _ := zarr.NewDirectoryStore(dir)
	a, err := zarr.Create(ctx, s, "a", zarr.CreateOptions{Shape: []int{64, 64}, Chunks: []int{8, 8}, Shards: []int{64, 64}, DType: block.Float64})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := ndarray.Random([]int{64, 64}, chunk.Spec{}, 1).Compute(ctx)
	if _, err := a.WriteAll(ctx, x); err != nil {
		t.Fatal(err)
	}
	shardSize, _ := s.Size(ctx, a.ChunkKey([]int{0, 0}))
	var served atomic.Int64
	fsrv := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fsrv.ServeHTTP(countingWriter{w, &served}, r)
	}))
	defer srv.Close()
	h := zarr.NewHTTPStore(srv.URL, srv.Client())
	b, err := zarr.OpenArray(ctx, h, "a")
	if err != nil {
		t.Fatal(err)
	}
	served.Store(0)
	box := chunk.Box{Lo: []int{16, 24}, Hi: []int{24, 32}} // exactly one inner chunk
	got, err := b.Read(ctx, box)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := x.SubBlock(box)
	if !got.Equal(want) {
		t.Fatal("values differ")
	}
	n := served.Load()
	t.Logf("read %d bytes of a %d-byte shard", n, shardSize)
	if n > shardSize/8 {
		t.Fatalf("partial read moved %d bytes of a %d-byte shard", n, shardSize)
	}
}
