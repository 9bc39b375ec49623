package zarr

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// HTTPStore reads a store served over HTTP(S): GET for values, Range
// requests for partial reads. It is read-only.
type HTTPStore struct {
	base   string
	client *http.Client
	// MaxValue bounds one response body.
	maxValue int64
}

// NewHTTPStore returns a store reading base/KEY with client (nil:
// http.DefaultClient).
func NewHTTPStore(base string, client *http.Client) *HTTPStore {
	if client == nil {
		client = http.DefaultClient
	}
	return &HTTPStore{base: strings.TrimSuffix(base, "/"), client: client, maxValue: MaxZipValue}
}

// URL is the base URL.
func (s *HTTPStore) URL() string { return s.base }

func (s *HTTPStore) fetch(ctx context.Context, key, rng string) ([]byte, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/"+key, nil)
	if err != nil {
		return nil, fmt.Errorf("zarr: http get %q: %w", key, err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("zarr: http get %q: %w", key, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden,
		// a redirect to "key/" means the key is a directory, not a value
		strings.HasSuffix(resp.Request.URL.Path, "/"):
		return nil, notExist(key)
	case rng != "" && resp.StatusCode == http.StatusOK:
		return nil, errNoRange
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent:
		return nil, fmt.Errorf("zarr: http get %q: %s", key, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, s.maxValue+1))
	if err != nil {
		return nil, fmt.Errorf("zarr: http get %q: %w", key, err)
	}
	if int64(len(b)) > s.maxValue {
		return nil, fmt.Errorf("zarr: http get %q: body over %d bytes", key, s.maxValue)
	}
	return b, nil
}

var errNoRange = fmt.Errorf("zarr: server ignored the Range header")

func (s *HTTPStore) Get(ctx context.Context, key string) ([]byte, error) {
	return s.fetch(ctx, key, "")
}

// GetRange issues an HTTP Range request; servers that ignore Range get the
// whole value sliced locally.
func (s *HTTPStore) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	var rng string
	switch {
	case off < 0:
		rng = fmt.Sprintf("bytes=%d", off) // suffix range
	case n < 0:
		rng = fmt.Sprintf("bytes=%d-", off)
	case n == 0:
		return []byte{}, nil
	default:
		rng = fmt.Sprintf("bytes=%d-%d", off, off+n-1)
	}
	b, err := s.fetch(ctx, key, rng)
	if err == errNoRange {
		all, err := s.fetch(ctx, key, "")
		if err != nil {
			return nil, err
		}
		return sliceRange(all, key, off, n)
	}
	if err != nil {
		return nil, err
	}
	if n >= 0 && off >= 0 && int64(len(b)) != n {
		return nil, fmt.Errorf("%w: http range %q: got %d bytes, want %d", ErrRange, key, len(b), n)
	}
	return b, nil
}

func (s *HTTPStore) Set(ctx context.Context, key string, value []byte) error {
	return fmt.Errorf("%w: http %s", ErrReadOnly, s.base)
}

func (s *HTTPStore) Delete(ctx context.Context, key string) error {
	return fmt.Errorf("%w: http %s", ErrReadOnly, s.base)
}
