package zarr

import (
	"fmt"
	"net/url"
	"strings"
)

// OpenStore opens a store by URL: file:///path (or a plain path), zip:///path
// (read-only), http:// and https:// (read-only). Remote workers reopen stores
// this way, so lazy reads of URL-addressable stores travel as plain data.
func OpenStore(u string) (Store, error) {
	if !strings.Contains(u, "://") {
		return NewDirectoryStore(u)
	}
	p, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("zarr: store URL %q: %w", u, err)
	}
	switch p.Scheme {
	case "file":
		return NewDirectoryStore(p.Path)
	case "zip":
		return OpenZipStore(p.Path)
	case "http", "https":
		return NewHTTPStore(u, nil), nil
	}
	return nil, fmt.Errorf("zarr: store URL %q: unknown scheme %q", u, p.Scheme)
}
