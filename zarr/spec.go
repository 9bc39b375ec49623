package zarr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
)

// StoreSpec describes how to open a store: its URL and the options its
// constructor takes that change what a task does with it. It is plain data
// (JSON and gob encode it), so read and write tasks carry it to any
// process, which opens the store with the same options (OpenSpec): a lazy
// ToZarr into a directory store opened WithFsync fsyncs on every worker.
// Stores describe themselves through Specer.
type StoreSpec struct {
	// URL names the store: file:///dir (or a plain path) for a
	// DirectoryStore, zip:///file.zip, http:// or https:// (read-only),
	// mem://… for a MemoryStore of this process, or a scheme added with
	// RegisterScheme.
	URL string `json:"url"`
	// Fsync makes a directory store fsync each value and its directory
	// before Set returns (WithFsync). Read-only stores ignore it.
	Fsync bool `json:"fsync,omitempty"`
}

// Specer is the optional ability of a store to describe itself as a
// StoreSpec that another process (or a task in this one) opens with
// OpenSpec into a store with the same options. Lazy reads and Sinks need it
// (or URLer, for a URL without options). Spec may be called concurrently.
type Specer interface {
	// Spec describes the store: its URL and the options OpenSpec needs to
	// open an equivalent store.
	Spec() StoreSpec
}

// ErrStoreSpec reports a store spec that cannot be opened: an empty or
// malformed URL, or a scheme no one registered. The error text names the
// URL.
var ErrStoreSpec = errors.New("zarr: invalid store spec")

// maxSpecURL bounds the URL of a spec (specs arrive in tasks from the wire).
const maxSpecURL = 8 << 10

// SpecOf returns the spec that reopens s with its options: its Spec when it
// is a Specer, else its URL when it is a URLer, else an error wrapping
// ErrNotAddressable that names the store's type.
func SpecOf(s Store) (StoreSpec, error) {
	switch v := s.(type) {
	case Specer:
		if sp := v.Spec(); sp.URL != "" {
			return sp, nil
		}
	case URLer:
		if u := v.URL(); u != "" {
			return StoreSpec{URL: u}, nil
		}
	}
	return StoreSpec{}, fmt.Errorf("%w: %T", ErrNotAddressable, s)
}

// key is the spec's canonical form, equal for equal specs.
func (s StoreSpec) key() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// parseSpec splits a spec's URL into its scheme ("" for a plain path) and
// the parsed URL (nil for a plain path). It does no IO.
func parseSpec(s StoreSpec) (string, *url.URL, error) {
	if s.URL == "" || len(s.URL) > maxSpecURL {
		return "", nil, fmt.Errorf("%w: URL of %d bytes", ErrStoreSpec, len(s.URL))
	}
	if strings.ContainsRune(s.URL, 0) {
		return "", nil, fmt.Errorf("%w: URL %q holds a NUL byte", ErrStoreSpec, s.URL)
	}
	if !strings.Contains(s.URL, "://") {
		return "", nil, nil
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return "", nil, fmt.Errorf("%w: URL %q: %w", ErrStoreSpec, s.URL, err)
	}
	if u.Scheme == "" {
		return "", nil, fmt.Errorf("%w: URL %q has no scheme", ErrStoreSpec, s.URL)
	}
	return u.Scheme, u, nil
}

// localPath is the file path of a file:// or zip:// URL raw (parsed: u),
// which must name no other host.
func localPath(raw string, u *url.URL) (string, error) {
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("%w: URL %q names host %q (only local paths are supported)", ErrStoreSpec, raw, u.Host)
	}
	if u.Path == "" {
		return "", fmt.Errorf("%w: URL %q has no path", ErrStoreSpec, raw)
	}
	return u.Path, nil
}

// OpenFunc opens a store of a registered scheme from its spec. It must
// honour the spec's options or fail; it may be called concurrently.
type OpenFunc func(ctx context.Context, spec StoreSpec) (Store, error)

var schemes = struct {
	sync.RWMutex
	m map[string]OpenFunc
}{m: map[string]OpenFunc{}}

func init() {
	RegisterScheme("file", func(ctx context.Context, s StoreSpec) (Store, error) {
		_, u, _ := parseSpec(s)
		p, err := localPath(s.URL, u)
		if err != nil {
			return nil, err
		}
		return openDir(p, s)
	})
	RegisterScheme("zip", func(ctx context.Context, s StoreSpec) (Store, error) {
		_, u, _ := parseSpec(s)
		p, err := localPath(s.URL, u)
		if err != nil {
			return nil, err
		}
		return OpenZipStore(p)
	})
	openHTTP := func(ctx context.Context, s StoreSpec) (Store, error) { return NewHTTPStore(s.URL, nil), nil }
	RegisterScheme("http", openHTTP)
	RegisterScheme("https", openHTTP)
	RegisterScheme("mem", openMem)
}

// RegisterScheme makes OpenSpec and OpenStore open URLs of scheme with
// open (an object store, a test's instrumented store). It is meant for init
// functions; it panics when scheme is empty, not lower case, or already
// registered. A program whose tasks use the scheme on remote workers must
// register it in the worker binary too (the same binary, started through
// remote.MaybeServe).
func RegisterScheme(scheme string, open OpenFunc) {
	if scheme == "" || scheme != strings.ToLower(scheme) || open == nil {
		panic(fmt.Sprintf("zarr.RegisterScheme: bad scheme %q or nil opener", scheme))
	}
	schemes.Lock()
	defer schemes.Unlock()
	if _, dup := schemes.m[scheme]; dup {
		panic("zarr.RegisterScheme: duplicate scheme " + scheme)
	}
	schemes.m[scheme] = open
}

// OpenSpec opens the store a spec describes, with its options: the
// inverse of SpecOf. Each call opens a new store (zip stores hold a file
// open until closed). Errors wrap ErrStoreSpec for specs that name no store
// and ErrNotAddressable for memory stores of another process.
func OpenSpec(ctx context.Context, spec StoreSpec) (Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	scheme, _, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	if scheme == "" {
		return openDir(spec.URL, spec)
	}
	schemes.RLock()
	open, ok := schemes.m[scheme]
	schemes.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: URL %q: unknown scheme %q", ErrStoreSpec, spec.URL, scheme)
	}
	return open(ctx, spec)
}

func openDir(dir string, s StoreSpec) (Store, error) {
	var opts []DirOption
	if s.Fsync {
		opts = append(opts, WithFsync())
	}
	return NewDirectoryStore(dir, opts...)
}

// Spec describes the store: its file:// URL and whether it fsyncs.
func (s *DirectoryStore) Spec() StoreSpec { return StoreSpec{URL: s.URL(), Fsync: s.Fsync()} }

// Spec describes the store by its zip:// URL.
func (s *ZipStore) Spec() StoreSpec { return StoreSpec{URL: s.URL()} }

// Spec describes the store by its base URL. A custom *http.Client given to
// NewHTTPStore does not travel: a store opened from the spec uses
// http.DefaultClient.
func (s *HTTPStore) Spec() StoreSpec { return StoreSpec{URL: s.URL()} }

// Spec passes through the underlying store's spec: tasks open the store
// itself and read each array's own metadata.
func (c *consolidated) Spec() StoreSpec {
	sp, _ := SpecOf(c.Store)
	return sp
}
