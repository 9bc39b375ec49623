package zarr

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"weak"
)

// MemoryStore keeps values in memory. It is safe for concurrent use; the
// zero value is not usable: call NewMemoryStore.
//
// A MemoryStore has an address, mem://PROCESS/N (Spec), that OpenSpec
// resolves in the process that made the store, for as long as the store is
// reachable from the program: lazy reads and Sinks of in-memory arrays run
// on the local executor. Workers in other processes cannot reach it; their
// tasks fail with ErrNotAddressable naming the store.
type MemoryStore struct {
	mu sync.RWMutex
	m  map[string][]byte

	addrOnce sync.Once
	addr     string // mem://PROCESS/N, set by the first Spec
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: map[string][]byte{}} }

// value returns the stored slice of key (never modified in place; callers
// copy before handing it out).
func (s *MemoryStore) value(key string) ([]byte, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	s.mu.RLock()
	v, ok := s.m[key]
	s.mu.RUnlock()
	if !ok {
		return nil, notExist(key)
	}
	return v, nil
}

// Get returns a copy of key's value, which the caller owns. A missing key
// is an error satisfying errors.Is(err, fs.ErrNotExist); an invalid key is
// ErrInvalidKey.
func (s *MemoryStore) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := s.value(key)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), v...), nil
}

// GetRange returns a copy of n bytes of key's value from off, with
// RangeGetter's meaning of off and n. A range outside the value is
// ErrRange, a missing key fs.ErrNotExist, an invalid key ErrInvalidKey.
func (s *MemoryStore) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	v, err := s.value(key)
	if err != nil {
		return nil, err
	}
	b, err := sliceRange(v, key, off, n)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// OpenRanges (RangeOpener) holds the value key has now: values are never
// modified in place (Set stores a copy under a new slice), so every
// ReadRange reads that one generation.
func (s *MemoryStore) OpenRanges(ctx context.Context, key string) (RangeReader, error) {
	v, err := s.value(key)
	if err != nil {
		return nil, err
	}
	return &copyRanges{wholeRanges{key: key, b: v}}, nil
}

// copyRanges hands out copies, so callers never hold the store's memory.
type copyRanges struct{ wholeRanges }

func (r *copyRanges) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	b, err := r.wholeRanges.ReadRange(ctx, off, n)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// Set stores a copy of value under key, replacing any value it had; the
// caller keeps value. An invalid key is ErrInvalidKey.
func (s *MemoryStore) Set(ctx context.Context, key string, value []byte) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	v := append([]byte(nil), value...)
	s.mu.Lock()
	s.m[key] = v
	s.mu.Unlock()
	return nil
}

// Delete removes key; a missing key is not an error. An invalid key is
// ErrInvalidKey.
func (s *MemoryStore) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
	return nil
}

// List yields the keys that start with prefix ("" for all), in no
// particular order, never with an error. The keys are those held when the
// iteration starts; Set and Delete during it do not change what it yields.
func (s *MemoryStore) List(ctx context.Context, prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		s.mu.RLock()
		keys := make([]string, 0, len(s.m))
		for k := range s.m {
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		s.mu.RUnlock()
		for _, k := range keys {
			if !yield(k, nil) {
				return
			}
		}
	}
}

// memProcess names this process in mem:// URLs: its pid and a random
// number, so a URL made by another process (on this host or another) never
// resolves here. Set once at init.
var memProcess = strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(rand.Uint64(), 36)

// memStores resolves mem:// URLs to the stores of this process. It holds
// them weakly: an address does not keep a store alive.
var memStores = struct {
	sync.Mutex
	next uint64
	m    map[uint64]weak.Pointer[MemoryStore]
}{m: map[uint64]weak.Pointer[MemoryStore]{}}

// Spec gives the store its address, mem://PROCESS/N, valid in this process
// while the store is reachable (see MemoryStore).
func (s *MemoryStore) Spec() StoreSpec {
	s.addrOnce.Do(func() {
		memStores.Lock()
		memStores.next++
		id := memStores.next
		memStores.m[id] = weak.Make(s)
		memStores.Unlock()
		runtime.AddCleanup(s, func(id uint64) {
			memStores.Lock()
			delete(memStores.m, id)
			memStores.Unlock()
		}, id)
		s.addr = "mem://" + memProcess + "/" + strconv.FormatUint(id, 10)
	})
	return StoreSpec{URL: s.addr}
}

// openMem resolves a mem:// spec to a handle on a MemoryStore of this
// process.
func openMem(ctx context.Context, spec StoreSpec) (Store, error) {
	_, u, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	if u.Host != memProcess {
		return nil, fmt.Errorf("%w: memory store %s was made by another process (this is process %s); "+
			"a MemoryStore is reachable only from the process that made it: give remote workers a store on shared storage",
			ErrNotAddressable, spec.URL, memProcess)
	}
	id, err := strconv.ParseUint(strings.TrimPrefix(u.Path, "/"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: memory store URL %q", ErrStoreSpec, spec.URL)
	}
	memStores.Lock()
	wp, ok := memStores.m[id]
	memStores.Unlock()
	if !ok || wp.Value() == nil {
		return nil, fmt.Errorf("%w: memory store %s no longer exists", ErrNotAddressable, spec.URL)
	}
	return &memHandle{p: wp, url: spec.URL}, nil
}

// memHandle is a MemoryStore opened by its address. It holds the store
// weakly, so caches of opened stores never keep one alive; once the store
// is gone, every call fails with ErrNotAddressable.
type memHandle struct {
	p   weak.Pointer[MemoryStore]
	url string
}

func (h *memHandle) store() (*MemoryStore, error) {
	if s := h.p.Value(); s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("%w: memory store %s no longer exists", ErrNotAddressable, h.url)
}

func (h *memHandle) Get(ctx context.Context, key string) ([]byte, error) {
	s, err := h.store()
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, key)
}

func (h *memHandle) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	s, err := h.store()
	if err != nil {
		return nil, err
	}
	return s.GetRange(ctx, key, off, n)
}

func (h *memHandle) Set(ctx context.Context, key string, value []byte) error {
	s, err := h.store()
	if err != nil {
		return err
	}
	return s.Set(ctx, key, value)
}

func (h *memHandle) Delete(ctx context.Context, key string) error {
	s, err := h.store()
	if err != nil {
		return err
	}
	return s.Delete(ctx, key)
}

func (h *memHandle) List(ctx context.Context, prefix string) iter.Seq2[string, error] {
	s, err := h.store()
	if err != nil {
		return func(yield func(string, error) bool) { yield("", err) }
	}
	return s.List(ctx, prefix)
}

// Spec is the address the handle was opened with.
func (h *memHandle) Spec() StoreSpec { return StoreSpec{URL: h.url} }
