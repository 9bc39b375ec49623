package zarr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// HTTPStore reads a store served over HTTP(S): GET for values, Range
// requests for partial reads. It is read-only and safe for concurrent use.
//
// Answers: 2xx is a value; 404 and 410 are a missing key (fs.ErrNotExist),
// as is a redirect to "KEY/" (a directory); 401 and 403 are an *HTTPError
// satisfying errors.Is(err, fs.ErrPermission); any other status is an
// *HTTPError naming the key and the status. A range answer is used only
// when its Content-Range is the range asked for (a server that ignores
// Range and sends the whole value has it sliced locally, within the
// store's size limit). Every body is bounded: a range by its length, a
// whole value by the store's maximum (WithMaxValue, default
// DefaultHTTPMaxValue). Keys holding '?', '#' or '%' are refused
// (ErrInvalidKey); other characters are percent-encoded, so a key names
// exactly one path under the base URL. Redirects to another host, or from
// https to http, are refused (ErrRedirect) unless WithCrossHostRedirects.
type HTTPStore struct {
	base      string
	client    *http.Client
	maxValue  int64
	crossHost bool
}

// DefaultHTTPMaxValue bounds one value read whole from an HTTPStore
// unless WithMaxValue says otherwise.
const DefaultHTTPMaxValue = 1 << 30

// HTTPOption configures an HTTPStore.
type HTTPOption func(*HTTPStore)

// WithMaxValue bounds the bytes of one value (or one range) the store
// reads; larger values are ErrValueTooLarge. n <= 0 keeps the default.
func WithMaxValue(n int64) HTTPOption {
	return func(s *HTTPStore) {
		if n > 0 {
			s.maxValue = n
		}
	}
}

// WithCrossHostRedirects lets the store follow redirects to other hosts
// (a CDN, a pre-signed object URL) and from https to http.
func WithCrossHostRedirects() HTTPOption { return func(s *HTTPStore) { s.crossHost = true } }

// ErrRedirect reports a redirect the store refused to follow.
var ErrRedirect = errors.New("zarr: redirect to another host refused")

// ErrBadResponse reports an HTTP answer that does not match its request:
// a range other than the one asked for, a malformed Content-Range, an
// encoded body where raw bytes were asked for.
var ErrBadResponse = errors.New("zarr: HTTP response does not match the request")

// HTTPError is an HTTP answer that is neither a value nor a missing key.
// 401 and 403 satisfy errors.Is(err, fs.ErrPermission).
type HTTPError struct {
	Key        string // the store key asked for
	StatusCode int    // e.g. 403
	Status     string // e.g. "403 Forbidden"
}

// Error formats the answer as `zarr: http get "KEY": STATUS`, e.g.
// `zarr: http get "a/zarr.json": 403 Forbidden`.
func (e *HTTPError) Error() string { return fmt.Sprintf("zarr: http get %q: %s", e.Key, e.Status) }

// Is makes 401 and 403 match fs.ErrPermission.
func (e *HTTPError) Is(target error) bool {
	return target == fs.ErrPermission && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// defaultHTTPTransport is shared by every store made without a client
// (like http.DefaultTransport, so stores reopened per task share
// connections). Its timeouts bound connecting, the TLS handshake and the
// wait for response headers; nothing bounds the whole body, so large reads
// are not cut off (cancel the context for that).
var defaultHTTPTransport = &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	ForceAttemptHTTP2:     true,
	MaxIdleConns:          100,
	MaxIdleConnsPerHost:   16,
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   10 * time.Second,
	ResponseHeaderTimeout: 60 * time.Second,
	ExpectContinueTimeout: time.Second,
}

// NewHTTPStore returns a store reading base/KEY. base must not carry a
// query or a fragment. A nil client uses a shared transport with dial
// (30 s), TLS handshake (10 s) and response header (60 s) timeouts. The
// store uses a copy of client whose CheckRedirect also enforces the
// redirect policy (then calls client's own CheckRedirect, if any).
func NewHTTPStore(base string, client *http.Client, opts ...HTTPOption) *HTTPStore {
	s := &HTTPStore{base: strings.TrimSuffix(base, "/"), maxValue: DefaultHTTPMaxValue}
	for _, o := range opts {
		o(s)
	}
	var c http.Client
	if client != nil {
		c = *client
	} else {
		c.Transport = defaultHTTPTransport
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if !s.crossHost && (req.URL.Host != first.Host || first.Scheme == "https" && req.URL.Scheme != "https") {
			return fmt.Errorf("%w: %s to %s", ErrRedirect, first.Redacted(), req.URL.Redacted())
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	s.client = &c
	return s
}

// URL is the base URL.
func (s *HTTPStore) URL() string { return s.base }

// keyURL checks key and returns its URL: each segment percent-encoded,
// and no '?', '#' or '%' (an escape such as %2e%2e must not reach the
// server, whatever it decodes).
func (s *HTTPStore) keyURL(key string) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", err
	}
	if i := strings.IndexAny(key, "?#%"); i >= 0 {
		return "", fmt.Errorf("%w: %q: %q is not allowed in an HTTP store key", ErrInvalidKey, key, key[i])
	}
	segs := strings.Split(key, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return s.base + "/" + strings.Join(segs, "/"), nil
}

// httpReply is one answer: the body of a 200 (the whole value) or of a
// 206 (bytes start.. of a value of total bytes, -1 unknown), or a 416 with
// the value's total size.
type httpReply struct {
	status  int
	body    []byte
	start   int64
	total   int64
	etag    string
	lastMod string
}

// httpGen holds the validators of the first answer a RangeReader got, so
// that later ranges come from the same generation of the value.
type httpGen struct {
	seen          bool // validators recorded (from a 2xx answer)
	etag, lastMod string
	total         int64 // -1 until known
}

// condition asks the server to answer only from the recorded generation:
// If-Match with a strong ETag, else If-Unmodified-Since.
func (g *httpGen) condition(h http.Header) {
	if g == nil || !g.seen {
		return
	}
	switch {
	case g.etag != "" && !strings.HasPrefix(g.etag, "W/"):
		h.Set("If-Match", g.etag)
	case g.lastMod != "":
		h.Set("If-Unmodified-Since", g.lastMod)
	}
}

// check records the first answer's validators and compares later ones.
func (g *httpGen) check(key string, r *httpReply) error {
	if g == nil {
		return nil
	}
	if r.total >= 0 {
		if g.total >= 0 && r.total != g.total {
			return fmt.Errorf("%w: http %q: %d bytes, then %d", ErrValueChanged, key, g.total, r.total)
		}
		g.total = r.total
	}
	if r.status/100 != 2 {
		return nil
	}
	if !g.seen {
		g.seen, g.etag, g.lastMod = true, r.etag, r.lastMod
		return nil
	}
	if r.etag != g.etag || r.lastMod != g.lastMod {
		return fmt.Errorf("%w: http %q: validators %q %q became %q %q", ErrValueChanged, key, g.etag, g.lastMod, r.etag, r.lastMod)
	}
	return nil
}

// do sends one GET for key with the Range header rng (none when empty).
// want bounds a 206 body (the range's length; -1: the store maximum); a
// 200 body is bounded by the store maximum.
func (s *HTTPStore) do(ctx context.Context, key, rng string, want int64, g *httpGen) (*httpReply, error) {
	u, err := s.keyURL(key)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("zarr: http get %q: %w", key, err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	g.condition(req.Header)
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("zarr: http get %q: %w", key, err)
	}
	defer resp.Body.Close()
	r := &httpReply{status: resp.StatusCode, total: -1, etag: resp.Header.Get("ETag"), lastMod: resp.Header.Get("Last-Modified")}
	if strings.HasSuffix(resp.Request.URL.Path, "/") {
		return nil, notExist(key) // a redirect to "key/": a directory, not a value
	}
	limit := s.maxValue
	switch resp.StatusCode {
	case http.StatusOK:
		if rng != "" && g != nil && g.seen {
			// a whole value where a range of a known generation was
			// asked: usable only if it is that generation
			r.total = resp.ContentLength
		}
	case http.StatusPartialContent:
		if rng == "" {
			return nil, fmt.Errorf("%w: http get %q: 206 to a request without Range", ErrBadResponse, key)
		}
		start, end, total, err := parseContentRange(resp.Header.Get("Content-Range"))
		if err != nil {
			return nil, fmt.Errorf("%w: http get %q: %w", ErrBadResponse, key, err)
		}
		r.start, r.total = start, total
		limit = end - start + 1
		if want >= 0 && limit > want {
			return nil, fmt.Errorf("%w: http get %q: server sent bytes %d-%d for %s", ErrBadResponse, key, start, end, rng)
		}
		if limit > s.maxValue {
			return nil, fmt.Errorf("%w: http get %q: range of %d bytes, over the %d limit", ErrValueTooLarge, key, limit, s.maxValue)
		}
		if resp.ContentLength >= 0 && resp.ContentLength != limit {
			return nil, fmt.Errorf("%w: http get %q: Content-Length %d for Content-Range %d-%d", ErrBadResponse, key, resp.ContentLength, start, end)
		}
	case http.StatusRequestedRangeNotSatisfiable:
		if _, _, total, err := parseContentRange(resp.Header.Get("Content-Range")); err == nil && total >= 0 {
			r.total = total
		}
		return r, g.check(key, r)
	case http.StatusNotFound, http.StatusGone:
		if g != nil && g.seen {
			return nil, fmt.Errorf("%w: http %q: deleted while being read", ErrValueChanged, key)
		}
		return nil, notExist(key)
	case http.StatusPreconditionFailed:
		if g != nil && g.seen {
			return nil, fmt.Errorf("%w: http %q: %s", ErrValueChanged, key, resp.Status)
		}
		return nil, &HTTPError{Key: key, StatusCode: resp.StatusCode, Status: resp.Status}
	default:
		return nil, &HTTPError{Key: key, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && ce != "identity" {
		return nil, fmt.Errorf("%w: http get %q: body in Content-Encoding %q", ErrBadResponse, key, ce)
	}
	if err := g.check(key, r); err != nil {
		return nil, err
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: http get %q: %d bytes, over the %d limit", ErrValueTooLarge, key, resp.ContentLength, limit)
	}
	r.body, err = readBody(resp, limit)
	if resp.StatusCode == http.StatusPartialContent && errors.Is(err, ErrValueTooLarge) {
		return nil, fmt.Errorf("%w: http get %q: body longer than its Content-Range %d-%d", ErrBadResponse, key, r.start, r.start+limit-1)
	}
	if err != nil {
		return nil, fmt.Errorf("zarr: http get %q: %w", key, err)
	}
	if resp.StatusCode == http.StatusPartialContent && int64(len(r.body)) != limit {
		return nil, fmt.Errorf("%w: http get %q: %d bytes for a range of %d", ErrBadResponse, key, len(r.body), limit)
	}
	if resp.StatusCode == http.StatusOK {
		r.total = int64(len(r.body))
		if err := g.check(key, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// readBody reads at most limit bytes of resp's body (more is
// ErrValueTooLarge), allocating once when the length is known.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 && n <= limit {
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: body over %d bytes", ErrValueTooLarge, limit)
	}
	return b, nil
}

// parseContentRange parses "bytes START-END/TOTAL" (TOTAL may be "*":
// -1) or "bytes */TOTAL" (START and END -1). It never panics and checks
// 0 <= START <= END+1 and END < TOTAL.
func parseContentRange(h string) (start, end, total int64, err error) {
	spec, ok := strings.CutPrefix(h, "bytes ")
	rng, tot, ok2 := strings.Cut(spec, "/")
	if !ok || !ok2 {
		return 0, 0, 0, fmt.Errorf("Content-Range %q", h)
	}
	total = -1
	if tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil || total < 0 {
			return 0, 0, 0, fmt.Errorf("Content-Range %q", h)
		}
	}
	if rng == "*" {
		return -1, -1, total, nil
	}
	a, b, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, 0, fmt.Errorf("Content-Range %q", h)
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	// end == start-1 is an empty range: net/http's file server answers a
	// suffix range of an empty file with "bytes 0--1/0"
	if err1 != nil || err2 != nil || start < 0 || end < start-1 || end == math.MaxInt64 || (total >= 0 && end >= total) {
		return 0, 0, 0, fmt.Errorf("Content-Range %q", h)
	}
	return start, end, total, nil
}

// Get reads the whole value of key, at most the store's maximum.
func (s *HTTPStore) Get(ctx context.Context, key string) ([]byte, error) {
	r, err := s.do(ctx, key, "", -1, nil)
	if err != nil {
		return nil, err
	}
	if r.status != http.StatusOK {
		return nil, fmt.Errorf("%w: http get %q: status %d", ErrBadResponse, key, r.status)
	}
	return r.body, nil
}

// GetRange reads a byte range of key with an HTTP Range request
// (RangeGetter): exactly the bytes asked for, checked against the
// answer's Content-Range; a server that ignores Range has the whole
// value (within the store's maximum) sliced locally.
func (s *HTTPStore) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	return s.readRange(ctx, key, off, n, nil)
}

// naturalRange is the Range header that asks for exactly (off, n) without
// knowing the value's size, and the most bytes the answer may hold; ok is
// false for requests that need the size first (empty ranges, ranges over
// the store's maximum, ends that overflow).
func naturalRange(off, n, maxValue int64) (rng string, want int64, ok bool) {
	switch {
	case off >= 0 && n > 0:
		if n > maxValue || n-1 > math.MaxInt64-off {
			return "", 0, false
		}
		return fmt.Sprintf("bytes=%d-%d", off, off+n-1), n, true
	case off >= 0 && n < 0:
		return fmt.Sprintf("bytes=%d-", off), maxValue, true
	case off < 0 && off != math.MinInt64 && -off <= maxValue && (n < 0 || n == -off):
		return fmt.Sprintf("bytes=%d", off), -off, true
	}
	return "", 0, false
}

func (s *HTTPStore) readRange(ctx context.Context, key string, off, n int64, g *httpGen) ([]byte, error) {
	if _, err := s.keyURL(key); err != nil {
		return nil, err
	}
	total := int64(-1)
	if g != nil {
		total = g.total
	}
	if total < 0 {
		if rng, want, ok := naturalRange(off, n, s.maxValue); ok {
			r, err := s.do(ctx, key, rng, want, g)
			if err != nil {
				return nil, err
			}
			return s.fromReply(r, key, off, n)
		}
		// learn the size from the first byte (or from the 416)
		r, err := s.do(ctx, key, "bytes=0-0", 1, g)
		if err != nil {
			return nil, err
		}
		if r.status == http.StatusOK {
			return s.fromReply(r, key, off, n)
		}
		if total = r.total; total < 0 {
			return nil, fmt.Errorf("%w: http get %q: no value size in the answer", ErrBadResponse, key)
		}
	}
	start, length, err := resolveRange(key, off, n, total)
	if err != nil {
		return nil, err
	}
	if length == 0 {
		return []byte{}, nil
	}
	if length > s.maxValue {
		return nil, fmt.Errorf("%w: http get %q: range of %d bytes, over the %d limit", ErrValueTooLarge, key, length, s.maxValue)
	}
	r, err := s.do(ctx, key, fmt.Sprintf("bytes=%d-%d", start, start+length-1), length, g)
	if err != nil {
		return nil, err
	}
	return s.fromReply(r, key, off, n)
}

// fromReply returns the range (off, n) of key from an answer, checking
// that a 206 holds exactly that range of the value.
func (s *HTTPStore) fromReply(r *httpReply, key string, off, n int64) ([]byte, error) {
	switch r.status {
	case http.StatusOK: // Range ignored: the whole value
		b, err := sliceRange(r.body, key, off, n)
		if err != nil {
			return nil, err
		}
		if len(b) == len(r.body) {
			return b, nil
		}
		return append([]byte(nil), b...), nil // do not keep the whole value alive
	case http.StatusRequestedRangeNotSatisfiable:
		if r.total < 0 {
			return nil, fmt.Errorf("%w: http get %q: 416 without the value's size", ErrBadResponse, key)
		}
		_, length, err := resolveRange(key, off, n, r.total)
		if err != nil {
			return nil, err
		}
		if length != 0 {
			return nil, fmt.Errorf("%w: http get %q: 416 for %d+%d inside %d bytes", ErrBadResponse, key, off, n, r.total)
		}
		return []byte{}, nil
	}
	if r.total < 0 {
		if off >= 0 && n > 0 && r.start == off && int64(len(r.body)) == n {
			return r.body, nil
		}
		return nil, fmt.Errorf("%w: http get %q: range %d+%d of a value of unknown size", ErrBadResponse, key, off, n)
	}
	start, length, err := resolveRange(key, off, n, r.total)
	if err != nil {
		return nil, err
	}
	if r.start != start || int64(len(r.body)) != length {
		return nil, fmt.Errorf("%w: http get %q: server sent %d bytes at %d for %d+%d of %d bytes", ErrBadResponse, key, len(r.body), r.start, off, n, r.total)
	}
	return r.body, nil
}

// OpenRanges (RangeOpener) reads ranges of one generation of key: the
// first answer's ETag (or Last-Modified) and size are recorded, later
// requests carry If-Match (a strong ETag) or If-Unmodified-Since, and an
// answer of 412, of other validators or of another size is
// ErrValueChanged. With only Last-Modified, a rewrite within the server's
// timestamp resolution that keeps the size cannot be seen; servers
// without either validator are checked on the size alone. It sends no
// request itself: a missing key is reported by the first ReadRange.
func (s *HTTPStore) OpenRanges(ctx context.Context, key string) (RangeReader, error) {
	if _, err := s.keyURL(key); err != nil {
		return nil, err
	}
	return &httpRanges{s: s, key: key, gen: httpGen{total: -1}}, nil
}

type httpRanges struct {
	s   *HTTPStore
	key string
	gen httpGen
}

func (r *httpRanges) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	return r.s.readRange(ctx, r.key, off, n, &r.gen)
}

func (r *httpRanges) Close() error { return nil }

// Set always fails with an error wrapping ErrReadOnly: an HTTP store only
// reads.
func (s *HTTPStore) Set(ctx context.Context, key string, value []byte) error {
	return fmt.Errorf("%w: http %s", ErrReadOnly, s.base)
}

// Delete always fails with an error wrapping ErrReadOnly: an HTTP store
// only reads.
func (s *HTTPStore) Delete(ctx context.Context, key string) error {
	return fmt.Errorf("%w: http %s", ErrReadOnly, s.base)
}
