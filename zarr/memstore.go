package zarr

import (
	"context"
	"iter"
	"strings"
	"sync"
)

// MemoryStore keeps values in memory. It is safe for concurrent use; the
// zero value is not usable: call NewMemoryStore.
type MemoryStore struct {
	mu sync.RWMutex
	m  map[string][]byte
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: map[string][]byte{}} }

func (s *MemoryStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	s.mu.RLock()
	v, ok := s.m[key]
	s.mu.RUnlock()
	if !ok {
		return nil, notExist(key)
	}
	return append([]byte(nil), v...), nil
}

func (s *MemoryStore) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	s.mu.RLock()
	v, ok := s.m[key]
	s.mu.RUnlock()
	if !ok {
		return nil, notExist(key)
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
	if err := ValidKey(key); err != nil {
		return nil, err
	}
	s.mu.RLock()
	v, ok := s.m[key]
	s.mu.RUnlock()
	if !ok {
		return nil, notExist(key)
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

func (s *MemoryStore) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
	return nil
}

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
