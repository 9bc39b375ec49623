package zarr

import (
	"container/list"
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"golang.org/x/sync/singleflight"
)

// maxCachedArrays bounds the arrays the task cache keeps open.
const maxCachedArrays = 64

// taskArrays is the process-wide cache of the arrays (and their stores)
// that read and write tasks open, so that a task does not open its store
// and parse the array's metadata again for every block. It is the one
// piece of mutable package state besides the registries; it is bounded
// (maxCachedArrays arrays, least recently used evicted) and safe for
// concurrent use.
//
// Entries are keyed by the whole ArraySpec, the token of the metadata the
// task was built against included: an array whose metadata changed
// (Append, Resize, attributes, a new array at the path) has a new token,
// so its tasks never meet an entry of the old metadata. Metadata written
// through an Array of this process also drops the entries of that array
// (same store URL and path), so tasks built before the change reopen it. A cold open that finds
// other metadata than the task's token runs that task on the current
// metadata without caching it (each such task reads the metadata itself).
//
// Stores are shared by the cached arrays of one spec and closed (zip) when
// the last array using them is evicted and no task is using it. A zip
// file replaced on disk is reopened.
var taskArrays = newOpenCache(maxCachedArrays)

type openCache struct {
	max    int
	mu     sync.Mutex
	arrays map[string]*arrayEntry // cached entries, by ArraySpec key
	lru    list.List              // of *arrayEntry, most recently used first
	stores map[string]*storeEntry // open stores, by StoreSpec key
	flight singleflight.Group
}

func newOpenCache(max int) *openCache {
	return &openCache{max: max, arrays: map[string]*arrayEntry{}, stores: map[string]*storeEntry{}}
}

type arrayEntry struct {
	key    string
	url    string // of the store
	path   string
	arr    *Array
	st     *storeEntry
	refs   int  // tasks using arr now
	cached bool // in arrays and lru
	closed bool // st released; arr must not be used
	elem   *list.Element
}

type storeEntry struct {
	key     string
	s       Store
	refs    int         // array entries (cached or in use) on this store
	current func() bool // reports that the store still shows its source (nil: always)
}

// acquire returns the array spec names, opened or from the cache, and the
// function that gives it back once the task is done with it.
func (c *openCache) acquire(ctx context.Context, spec ArraySpec) (*Array, func(), error) {
	key := spec.key()
	for attempt := 0; ; attempt++ {
		if e, ok := c.hit(key); ok {
			return e.arr, func() { c.release(e) }, nil
		}
		v, err, _ := c.flight.Do(key, func() (any, error) {
			c.mu.Lock()
			e := c.arrays[key]
			c.mu.Unlock()
			if e != nil {
				return e, nil // loaded by a flight that ended before this one began
			}
			return c.load(ctx, spec, key)
		})
		if err != nil {
			if ctx.Err() == nil && isContextErr(err) && attempt < 3 {
				continue // the flight we joined was cancelled, we were not
			}
			return nil, nil, err
		}
		e := v.(*arrayEntry)
		c.mu.Lock()
		if !e.closed {
			e.refs++
			c.mu.Unlock()
			return e.arr, func() { c.release(e) }, nil
		}
		c.mu.Unlock()
		if attempt >= 3 { // evicted again and again by other tasks: open it for this task alone
			e, err := c.load(ctx, spec, "")
			if err != nil {
				return nil, nil, err
			}
			c.mu.Lock()
			e.refs++
			c.mu.Unlock()
			return e.arr, func() { c.release(e) }, nil
		}
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// hit takes a reference on the cached entry of key when its store is
// current.
func (c *openCache) hit(key string) (*arrayEntry, bool) {
	c.mu.Lock()
	e, ok := c.arrays[key]
	if !ok {
		c.mu.Unlock()
		return nil, false
	}
	e.refs++
	c.lru.MoveToFront(e.elem)
	current := e.st.current
	c.mu.Unlock()
	if current == nil || current() {
		return e, true
	}
	c.release(e)
	c.dropStore(e.st)
	return nil, false
}

// load opens the array of spec, on a shared store entry. With a key, an
// array whose metadata has the spec's token is cached under it; other
// entries are the loading tasks' own, closed when they release them.
func (c *openCache) load(ctx context.Context, spec ArraySpec, key string) (*arrayEntry, error) {
	st, err := c.store(ctx, spec.Store)
	if err != nil {
		return nil, err
	}
	a, err := OpenArray(ctx, st.s, spec.Path, spec.Options)
	if err == nil {
		var tok string
		if tok, err = metaToken(a.meta); err == nil && tok != spec.Meta {
			key = "" // metadata changed since the task was built, or the task names none
		}
	}
	if err != nil {
		c.mu.Lock()
		closer := c.unrefStore(st)
		c.mu.Unlock()
		closeStore(closer)
		return nil, err
	}
	e := &arrayEntry{key: key, url: spec.Store.URL, path: a.path, arr: a, st: st}
	if key == "" {
		return e, nil
	}
	c.mu.Lock()
	e.cached = true
	c.arrays[key] = e
	e.elem = c.lru.PushFront(e)
	var closers []Store
	for c.lru.Len() > c.max {
		old := c.lru.Back().Value.(*arrayEntry)
		closers = append(closers, c.evict(old))
	}
	c.mu.Unlock()
	for _, s := range closers {
		closeStore(s)
	}
	return e, nil
}

// store returns the open store of spec with a reference taken for a new
// array entry, opening it when needed.
func (c *openCache) store(ctx context.Context, spec StoreSpec) (*storeEntry, error) {
	key := spec.key()
	c.mu.Lock()
	st, ok := c.stores[key]
	if ok {
		st.refs++
		current := st.current
		c.mu.Unlock()
		if current == nil || current() {
			return st, nil
		}
		c.dropStore(st)
		c.mu.Lock()
		closer := c.unrefStore(st)
		c.mu.Unlock()
		closeStore(closer)
	} else {
		c.mu.Unlock()
	}
	current := sourceCheck(spec) // before opening: a file replaced meanwhile reads as changed
	s, err := OpenSpec(ctx, spec)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if other, ok := c.stores[key]; ok { // opened by another task meanwhile
		other.refs++
		c.mu.Unlock()
		closeStore(s)
		return other, nil
	}
	st = &storeEntry{key: key, s: s, refs: 1, current: current}
	c.stores[key] = st
	c.mu.Unlock()
	return st, nil
}

// sourceCheck returns, for stores that read their source once when opened
// (a zip file's directory), a function reporting whether the source is
// still the one opened; nil for stores that read their source on every
// call.
func sourceCheck(spec StoreSpec) func() bool {
	scheme, u, err := parseSpec(spec)
	if err != nil || scheme != "zip" {
		return nil
	}
	p, err := localPath(spec.URL, u)
	if err != nil {
		return nil
	}
	before, err := os.Stat(p)
	if err != nil {
		return nil // the open fails or the next one checks again
	}
	return func() bool {
		now, err := os.Stat(p)
		return err == nil && os.SameFile(before, now) && now.Size() == before.Size() && now.ModTime().Equal(before.ModTime())
	}
}

// release gives back a reference taken by acquire.
func (c *openCache) release(e *arrayEntry) {
	c.mu.Lock()
	e.refs--
	var closer Store
	if e.refs == 0 && !e.cached && !e.closed {
		closer = c.closeEntry(e)
	}
	c.mu.Unlock()
	closeStore(closer)
}

// evict removes a cached entry; it is closed now when no task uses it, else
// by the last release. It returns a store to close (after unlocking).
// c.mu must be held.
func (c *openCache) evict(e *arrayEntry) Store {
	if !e.cached {
		return nil
	}
	e.cached = false
	delete(c.arrays, e.key)
	c.lru.Remove(e.elem)
	if e.refs == 0 {
		return c.closeEntry(e)
	}
	return nil
}

// closeEntry releases an entry's store reference. c.mu must be held.
func (c *openCache) closeEntry(e *arrayEntry) Store {
	e.closed = true
	return c.unrefStore(e.st)
}

// unrefStore drops one reference on st and returns it to be closed when it
// was the last. c.mu must be held.
func (c *openCache) unrefStore(st *storeEntry) Store {
	st.refs--
	if st.refs > 0 {
		return nil
	}
	if c.stores[st.key] == st {
		delete(c.stores, st.key)
	}
	return st.s
}

// dropStore stops serving a store whose source changed: new tasks open it
// afresh, and its cached arrays are evicted.
func (c *openCache) dropStore(st *storeEntry) {
	c.mu.Lock()
	if c.stores[st.key] == st {
		delete(c.stores, st.key)
	}
	var closers []Store
	for _, e := range c.arrays {
		if e.st == st {
			closers = append(closers, c.evict(e))
		}
	}
	c.mu.Unlock()
	for _, s := range closers {
		closeStore(s)
	}
}

// forget evicts the cached arrays at path in the store at url (whatever
// its options): their metadata was rewritten in this process.
func (c *openCache) forget(url, path string) {
	c.mu.Lock()
	var closers []Store
	for _, e := range c.arrays {
		if e.path == path && e.url == url {
			closers = append(closers, c.evict(e))
		}
	}
	c.mu.Unlock()
	for _, s := range closers {
		closeStore(s)
	}
}

func closeStore(s Store) {
	if c, ok := s.(io.Closer); ok {
		_ = c.Close()
	}
}
