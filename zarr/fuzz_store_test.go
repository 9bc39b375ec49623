package zarr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/codec"
)

// FuzzResolveRange checks the range arithmetic every store shares against
// exact (big-integer) arithmetic: no panic, ErrRange exactly when the
// range is not inside the value, and then the bounds it returns.
func FuzzResolveRange(f *testing.F) {
	for _, c := range [][3]int64{
		{0, 10, 1200}, {5, math.MaxInt64, 1200}, {math.MaxInt64, 1, 1200}, {math.MinInt64, -1, 1200},
		{-16, 4, 1200}, {-1, math.MaxInt64, 1200}, {1200, 0, 1200}, {0, -1, 0}, {-1, -1, 0},
		{math.MaxInt64, 0, math.MaxInt64}, {math.MinInt64, math.MinInt64, math.MaxInt64},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, off, n, size int64) {
		if size < 0 {
			size = -(size + 1) // sizes are never negative
		}
		start, length, err := resolveRange("k", off, n, size)
		bs, bn, bsize := big.NewInt(off), big.NewInt(n), big.NewInt(size)
		if off < 0 {
			bs.Add(bs, bsize)
		}
		if n < 0 {
			bn.Sub(bsize, bs)
		}
		end := new(big.Int).Add(bs, bn)
		inside := bs.Sign() >= 0 && bs.Cmp(bsize) <= 0 && bn.Sign() >= 0 && end.Cmp(bsize) <= 0
		if inside != (err == nil) {
			t.Fatalf("resolveRange(%d, %d, %d) = %d, %d, %v; inside: %v", off, n, size, start, length, err, inside)
		}
		if err != nil {
			if !errors.Is(err, ErrRange) {
				t.Fatalf("error %v is not ErrRange", err)
			}
			return
		}
		if start != bs.Int64() || length != bn.Int64() {
			t.Fatalf("resolveRange(%d, %d, %d) = %d, %d; want %v, %v", off, n, size, start, length, bs, bn)
		}
	})
}

// FuzzParseContentRange: any header parses or fails without panicking,
// and what parses holds 0 <= start <= end+1, end < MaxInt64 and, with a
// known total, end < total.
func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-9/1200", "bytes */1200", "bytes 0-9/*", "bytes 0--1/0", "bytes 5-3/10",
		"bytes -1-5/10", "bytes 0-9223372036854775807/*", "bytes 1-2/3/4", "bytes=0-9/10", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if len(h) > 256 {
			return
		}
		start, end, total, err := parseContentRange(h)
		if err != nil {
			return
		}
		if start == -1 && end == -1 {
			if total < 0 {
				t.Fatalf("%q: unsatisfied range without a total", h)
			}
			return
		}
		if start < 0 || end < start-1 || end == math.MaxInt64 || total < -1 || (total >= 0 && end >= total) {
			t.Fatalf("%q parsed to %d-%d/%d", h, start, end, total)
		}
	})
}

// FuzzHTTPRangeAnswers puts the HTTP store in front of a server that
// answers each range request with a status, a Content-Range (honest,
// shifted, or arbitrary) and body bytes taken from the value at the
// position it claims, as the fuzzer picks. Whatever the server does,
// GetRange returns exactly the bytes asked for or an error: never other
// bytes of the value, never a panic.
func FuzzHTTPRangeAnswers(f *testing.F) {
	value := make([]byte, 1200)
	for i := range value {
		value[i] = byte(i*7 + i/256)
	}
	var mu sync.Mutex
	var behave struct {
		status int
		shift  int64
		header string
		extra  int
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b := behave
		mu.Unlock()
		var start, end int64
		rng := r.Header.Get("Range")
		switch {
		case rng == "":
			start, end = 0, int64(len(value))-1
		default:
			if _, err := fmt.Sscanf(rng, "bytes=%d-%d", &start, &end); err != nil {
				if _, err := fmt.Sscanf(rng, "bytes=%d-", &start); err == nil && start >= 0 {
					end = int64(len(value)) - 1
				} else if _, err := fmt.Sscanf(rng, "bytes=-%d", &start); err == nil {
					start, end = max(int64(len(value))-start, 0), int64(len(value))-1
				}
			}
		}
		start += b.shift
		end = min(end+b.shift, int64(len(value))-1)
		if b.status == http.StatusOK || start < 0 || start > end+1 {
			w.Write(value)
			return
		}
		body := value[start : end+1]
		if b.extra > 0 && int(end)+1+b.extra <= len(value) {
			body = value[start : int(end)+1+b.extra]
		}
		cr := fmt.Sprintf("bytes %d-%d/%d", start, end, len(value))
		if b.header != "" {
			cr = b.header
		}
		w.Header().Set("Content-Range", cr)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(b.status)
		w.Write(body)
	}))
	f.Cleanup(srv.Close)
	s := NewHTTPStore(srv.URL, srv.Client(), WithMaxValue(4096))
	f.Add(int64(100), int64(10), 206, int64(0), "", 0)
	f.Add(int64(100), int64(10), 206, int64(-100), "", 0)
	f.Add(int64(100), int64(10), 206, int64(0), "bytes 0-9/1200", 0)
	f.Add(int64(-16), int64(-1), 206, int64(0), "", 0)
	f.Add(int64(0), int64(-1), 200, int64(0), "", 0)
	f.Add(int64(1190), int64(20), 206, int64(0), "", 0)
	f.Add(int64(10), int64(5), 206, int64(0), "", 3)
	f.Add(int64(10), int64(5), 416, int64(0), "bytes */1200", 0)
	f.Fuzz(func(t *testing.T, off, n int64, status int, shift int64, header string, extra int) {
		if len(header) > 64 || shift < -2000 || shift > 2000 || extra < 0 || extra > 2000 {
			return
		}
		switch status {
		case 200, 206, 416:
		default:
			status = 206
		}
		mu.Lock()
		behave.status, behave.shift, behave.header, behave.extra = status, shift, header, extra
		mu.Unlock()
		got, err := s.GetRange(context.Background(), "v", off, n)
		if err != nil {
			return
		}
		want, rerr := sliceRange(value, "v", off, n)
		if rerr != nil {
			t.Fatalf("GetRange(%d, %d) = %d bytes for a range outside the value", off, n, len(got))
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("GetRange(%d, %d) with status %d shift %d header %q extra %d: wrong bytes", off, n, status, shift, header, extra)
		}
	})
}

// FuzzShardRegions decodes arbitrary shard bytes through partial reads of
// arbitrary regions (the RangeReader path, one inner chunk or several):
// corrupt shards are classified errors, never panics or reads out of
// bounds.
func FuzzShardRegions(f *testing.F) {
	ctx := context.Background()
	s, a, d, good := shardFixture(f, 1)
	f.Add(good, 0, 0, 2, 4)
	f.Add(good, 1, 1, 3, 7)
	f.Add(good[:len(good)-5], 0, 0, 4, 8)
	f.Add([]byte{}, 1, 1, 2, 3)
	f.Fuzz(func(t *testing.T, b []byte, y0, x0, y1, x1 int) {
		if len(b) > 1<<16 {
			return
		}
		box := chunk.Box{Lo: []int{y0, x0}, Hi: []int{y1, x1}}
		if y0 < 0 || x0 < 0 || y1 > 4 || x1 > 8 || y0 > y1 || x0 > x1 { // inside the first shard
			return
		}
		key := a.ChunkKey([]int{0, 0})
		if err := s.Set(ctx, key, b); err != nil {
			t.Fatal(err)
		}
		got, err := a.Read(ctx, box)
		if err != nil {
			var ce *codec.Error
			if !errors.Is(err, ErrCorruptShard) && !errors.Is(err, codec.ErrCorrupt) && !errors.Is(err, codec.ErrChecksum) && !errors.Is(err, codec.ErrTooLarge) && !errors.As(err, &ce) {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		if bytes.Equal(b, good) {
			want, _ := d.SubBlock(box)
			if !got.Equal(want) {
				t.Fatalf("region %v of the good shard differs", box)
			}
		}
	})
}
