package zarr_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/zarr"
)

// TestHTTPWholeValueIsBounded: Get reads at most the store's maximum, with
// or without a Content-Length, and says so with ErrValueTooLarge.
func TestHTTPWholeValueIsBounded(t *testing.T) {
	big := bytes.Repeat([]byte{7}, 2<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			for i := 0; i < len(big); i += 64 << 10 {
				w.Write(big[i : i+64<<10])
				w.(http.Flusher).Flush() // no Content-Length
			}
			return
		}
		w.Write(big)
	}))
	defer srv.Close()
	s := zarr.NewHTTPStore(srv.URL, nil, zarr.WithMaxValue(1<<20))
	for _, key := range []string{"sized", "chunked"} {
		_, err := s.Get(ctx, key)
		assert.ErrorIs(t, err, zarr.ErrValueTooLarge, key)
		_, err = s.GetRange(ctx, key, 0, 2<<20)
		assert.ErrorIs(t, err, zarr.ErrValueTooLarge, key)
	}
	b, err := zarr.NewHTTPStore(srv.URL, nil, zarr.WithMaxValue(2<<20)).Get(ctx, "chunked")
	require.NoError(t, err)
	assert.Len(t, b, 2<<20)
}

// TestHTTPErrorsAreTyped: statuses come back as *HTTPError with the key
// and the code; refused redirects as ErrRedirect; WithCrossHostRedirects
// follows them.
func TestHTTPErrorsAreTyped(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("elsewhere"))
	}))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, elsewhere.URL+"/v", http.StatusFound)
			return
		}
		http.Error(w, "denied", http.StatusForbidden)
	}))
	defer srv.Close()
	_, err := zarr.NewHTTPStore(srv.URL, nil).Get(ctx, "a/b")
	var he *zarr.HTTPError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, "a/b", he.Key)
	assert.Equal(t, http.StatusForbidden, he.StatusCode)
	assert.ErrorIs(t, err, fs.ErrPermission)

	_, err = zarr.NewHTTPStore(srv.URL, nil).Get(ctx, "away")
	assert.ErrorIs(t, err, zarr.ErrRedirect)
	b, err := zarr.NewHTTPStore(srv.URL, nil, zarr.WithCrossHostRedirects()).Get(ctx, "away")
	require.NoError(t, err)
	assert.Equal(t, "elsewhere", string(b))
}

// changingServer serves a value whose generation the test controls: ETag
// (strong or weak) or only Last-Modified, honouring If-Match and
// If-Unmodified-Since as http.ServeContent does. It records the
// conditional headers it received.
type changingServer struct {
	mu       sync.Mutex
	gen      int
	validate string // "etag", "weak", "lastmod", "none"
	ifMatch  []string
	requests atomic.Int64
}

func (c *changingServer) value() []byte {
	return bytes.Repeat([]byte{byte(c.gen)}, 100+c.gen) // size changes too
}

func (c *changingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.requests.Add(1)
	c.mu.Lock()
	v, gen := c.value(), c.gen
	c.ifMatch = append(c.ifMatch, r.Header.Get("If-Match")+"|"+r.Header.Get("If-Unmodified-Since"))
	c.mu.Unlock()
	switch c.validate {
	case "etag":
		w.Header().Set("ETag", fmt.Sprintf(`"g%d"`, gen))
	case "weak":
		w.Header().Set("ETag", fmt.Sprintf(`W/"g%d"`, gen))
	}
	mod := timeOfGen(gen)
	if c.validate == "none" {
		mod = time.Time{} // ServeContent then sends no Last-Modified
	}
	http.ServeContent(w, r, "", mod, bytes.NewReader(v))
}

// TestHTTPRangeReaderSeesOneGeneration: after the first range, a
// RangeReader asks for the same generation (If-Match with a strong ETag,
// else If-Unmodified-Since) and reports a changed value as
// ErrValueChanged, whichever validator the server gives (the size alone
// when it gives none).
func TestHTTPRangeReaderSeesOneGeneration(t *testing.T) {
	for _, validate := range []string{"etag", "weak", "lastmod", "none"} {
		t.Run(validate, func(t *testing.T) {
			cs := &changingServer{gen: 1, validate: validate}
			srv := httptest.NewServer(cs)
			defer srv.Close()
			s := zarr.NewHTTPStore(srv.URL, nil)
			rr, err := s.OpenRanges(ctx, "v")
			require.NoError(t, err)
			defer rr.Close()
			b, err := rr.ReadRange(ctx, -4, -1)
			require.NoError(t, err)
			assert.Equal(t, []byte{1, 1, 1, 1}, b)
			b, err = rr.ReadRange(ctx, 0, 4)
			require.NoError(t, err, "unchanged value")
			assert.Equal(t, []byte{1, 1, 1, 1}, b)
			cs.mu.Lock()
			cs.gen = 2
			cs.mu.Unlock()
			b, err = rr.ReadRange(ctx, 10, 4)
			assert.ErrorIs(t, err, zarr.ErrValueChanged, "read %v of the next generation", b)
			cs.mu.Lock()
			defer cs.mu.Unlock()
			require.Len(t, cs.ifMatch, 3)
			assert.Equal(t, "|", cs.ifMatch[0], "the first request is unconditional")
			switch validate {
			case "etag":
				assert.Equal(t, `"g1"|`, cs.ifMatch[1])
			case "weak", "lastmod":
				assert.True(t, strings.HasPrefix(cs.ifMatch[1], "|") && len(cs.ifMatch[1]) > 1, "If-Unmodified-Since: %q", cs.ifMatch[1])
			}
		})
	}
}

// TestHTTPRangeReaderDeletedIsChanged: a value deleted after the first
// range is a change (retry), not a missing key read as fill.
func TestHTTPRangeReaderDeletedIsChanged(t *testing.T) {
	var gone atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if gone.Load() {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "", timeOfGen(1), bytes.NewReader(make([]byte, 64)))
	}))
	defer srv.Close()
	rr, err := zarr.NewHTTPStore(srv.URL, nil).OpenRanges(ctx, "v")
	require.NoError(t, err)
	_, err = rr.ReadRange(ctx, 0, 8)
	require.NoError(t, err)
	gone.Store(true)
	_, err = rr.ReadRange(ctx, 8, 8)
	assert.ErrorIs(t, err, zarr.ErrValueChanged)
	assert.False(t, errors.Is(err, fs.ErrNotExist))
}

// timeOfGen is generation g's modification time (a second apart, as
// Last-Modified resolves).
func timeOfGen(g int) time.Time { return time.Date(2026, 1, 1, 0, 0, g, 0, time.UTC) }
