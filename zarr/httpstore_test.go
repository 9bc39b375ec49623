package zarr_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/zarr"
)

// TestHTTPStatusesAreNotFillValues: only 404 and 410 mean a missing key
// (which reads as the fill value); 401 and 403 are permission errors,
// and any other non-2xx answer is an error naming the key and the status,
// for whole and for range reads.
func TestHTTPStatusesAreNotFillValues(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/s/"))
		http.Error(w, "no", code)
	}))
	defer srv.Close()
	s := zarr.NewHTTPStore(srv.URL, srv.Client())
	cases := []struct {
		code            int
		missing, denied bool
	}{
		{404, true, false}, {410, true, false},
		{401, false, true}, {403, false, true},
		{400, false, false}, {405, false, false}, {418, false, false}, {429, false, false},
		{500, false, false}, {502, false, false}, {503, false, false},
	}
	for _, c := range cases {
		key := fmt.Sprintf("s/%d", c.code)
		_, errGet := s.Get(ctx, key)
		_, errRange := s.GetRange(ctx, key, 0, 8)
		for what, err := range map[string]error{"Get": errGet, "GetRange": errRange} {
			require.Error(t, err, "%s %d", what, c.code)
			assert.Equal(t, c.missing, errors.Is(err, fs.ErrNotExist), "%s %d: %v is ErrNotExist", what, c.code, err)
			assert.Equal(t, c.denied, errors.Is(err, fs.ErrPermission), "%s %d: %v is ErrPermission", what, c.code, err)
			if !c.missing {
				assert.Contains(t, err.Error(), key)
				assert.Contains(t, err.Error(), strconv.Itoa(c.code))
			}
		}
	}
}

// rangeServer serves one 1200-byte value, answering range requests the
// way mode says.
func rangeServer(t *testing.T, value []byte, mode string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode {
		case "ignores Range": // 200 with the whole value
			w.Write(value)
		case "another range": // 206 with the value's first 10 bytes, whatever was asked
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-9/%d", len(value)))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(value[:10])
		case "no Content-Range": // 206 with the first bytes, no Content-Range
			var a, b int
			fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-%d", &a, &b)
			w.WriteHeader(http.StatusPartialContent)
			w.Write(value[:b-a+1])
		case "whole as 206": // 206 claiming the whole value
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(value)-1, len(value)))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(value)
		case "garbled Content-Range":
			w.Header().Set("Content-Range", "bytes 100-90/x")
			w.WriteHeader(http.StatusPartialContent)
			w.Write(value[:10])
		default:
			t.Errorf("mode %q", mode)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHTTPRangeAnswersAreChecked: a range read returns exactly the bytes
// asked for. A server that ignores Range has its whole answer sliced
// locally; an answer with another range, no Content-Range or a malformed
// one is an error, never the wrong bytes.
func TestHTTPRangeAnswersAreChecked(t *testing.T) {
	value := make([]byte, 1200)
	for i := range value {
		value[i] = byte(i * 7)
	}
	t.Run("ignores Range", func(t *testing.T) {
		s := zarr.NewHTTPStore(rangeServer(t, value, "ignores Range").URL, nil)
		for _, r := range [][2]int64{{100, 10}, {0, 1200}, {-16, -1}, {1190, -1}} {
			b, err := s.GetRange(ctx, "v", r[0], r[1])
			require.NoError(t, err, "%v", r)
			off := r[0]
			if off < 0 {
				off += 1200
			}
			end := off + r[1]
			if r[1] < 0 {
				end = 1200
			}
			assert.Equal(t, value[off:end], b, "%v", r)
		}
		_, err := s.GetRange(ctx, "v", 1190, 20)
		assert.ErrorIs(t, err, zarr.ErrRange)
	})
	for _, mode := range []string{"another range", "no Content-Range", "whole as 206", "garbled Content-Range"} {
		t.Run(mode, func(t *testing.T) {
			s := zarr.NewHTTPStore(rangeServer(t, value, mode).URL, nil)
			b, err := s.GetRange(ctx, "v", 100, 10)
			assert.Error(t, err, "got %v for bytes %v", b, value[100:110])
			assert.False(t, errors.Is(err, fs.ErrNotExist))
		})
	}
}

// TestHTTPRangeBodyIsBoundedByTheRange: a server that answers a 10-byte
// range with a 64 MiB body (no Content-Length) gets its connection closed
// after the range: the client does not read what it cannot use. The
// bound asserted (under 16 MiB accepted by the connection) is generous:
// socket buffers hold a few MiB.
func TestHTTPRangeBodyIsBoundedByTheRange(t *testing.T) {
	const total = 64 << 20
	var sent atomic.Int64
	var handlers sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-9/%d", total))
		w.WriteHeader(http.StatusPartialContent)
		chunk := bytes.Repeat([]byte{1}, 64<<10)
		for sent.Load() < total {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	s := zarr.NewHTTPStore(srv.URL, nil)
	b, err := s.GetRange(ctx, "v", 0, 10)
	if err == nil {
		assert.Len(t, b, 10)
	}
	srv.CloseClientConnections()
	handlers.Wait()
	srv.Close()
	t.Logf("the server got %d of its %d bytes accepted", sent.Load(), total)
	assert.Less(t, sent.Load(), int64(16<<20), "the client read far past the range")
}

// TestHTTPKeysCannotEscapeTheBase: keys with '?', '#' or '%' (an escape
// such as %2e%2e that the server would decode to "..") are refused without
// a request; other characters are percent-encoded so the server sees the
// key itself.
func TestHTTPKeysCannotEscapeTheBase(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path)
		mu.Unlock()
		w.Write([]byte("value"))
	}))
	defer srv.Close()
	s := zarr.NewHTTPStore(srv.URL+"/base", srv.Client())
	for _, key := range []string{"%2e%2e/%2e%2e/secret", "a/%2e%2e", "a%2Fb", "a?x=1", "a#frag", "a/b?c", "%41"} {
		_, err := s.Get(ctx, key)
		assert.ErrorIs(t, err, zarr.ErrInvalidKey, "Get(%q)", key)
		_, err = s.GetRange(ctx, key, 0, 1)
		assert.ErrorIs(t, err, zarr.ErrInvalidKey, "GetRange(%q)", key)
	}
	mu.Lock()
	assert.Empty(t, seen, "requests were sent for refused keys")
	seen = nil
	mu.Unlock()
	b, err := s.Get(ctx, "dir one/c+d/é")
	require.NoError(t, err)
	assert.Equal(t, "value", string(b))
	mu.Lock()
	assert.Equal(t, []string{"/base/dir one/c+d/é"}, seen)
	mu.Unlock()
}

// TestHTTPRedirectsStayOnTheHost: a redirect to another host is refused
// (no request reaches it); one on the same host is followed.
func TestHTTPRedirectsStayOnTheHost(t *testing.T) {
	var other atomic.Int64
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		w.Write([]byte("elsewhere"))
	}))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, elsewhere.URL+"/v", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, "/here", http.StatusMovedPermanently)
		case "/here":
			w.Write([]byte("here"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	s := zarr.NewHTTPStore(srv.URL, nil)
	b, err := s.Get(ctx, "away")
	assert.Error(t, err, "followed a redirect to another host and read %q", b)
	_, err = s.GetRange(ctx, "away", 0, 4)
	assert.Error(t, err)
	assert.Zero(t, other.Load(), "a request reached the other host")
	b, err = s.Get(ctx, "moved")
	require.NoError(t, err)
	assert.Equal(t, "here", string(b))
}
