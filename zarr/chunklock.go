package zarr

import (
	"hash/maphash"
	"reflect"
	"strconv"
	"sync"
)

// chunkLocks orders every write to a stored chunk within this process. It
// is process-wide on purpose: lazy write tasks reopen the store and the
// array per task, so two Array values (or two store values opened on the
// same directory) that write one key must still take one lock. A lock is
// chosen by hashing the store's identity (storeIdentity) and the key into
// a fixed table of stripes; two keys may share a stripe, which costs only
// contention, never correctness, because a writer holds at most one stripe
// at a time (so stripes cannot deadlock).
//
// The table is the package's only mutable global state. It orders writers
// in one process only: writers in different processes are not ordered and
// must write disjoint chunks (each chunk write is still atomic, so a chunk
// is never torn, but one process's read-modify-write can undo another's).
var chunkLocks [1024]sync.Mutex

// lockSeed is fixed at init; it only spreads keys over stripes.
var lockSeed = maphash.MakeSeed()

// identifier is implemented by stores whose identity is not their URL (a
// directory store names its root with symlinks resolved, so two paths to
// one directory share locks) or that wrap another store.
type identifier interface {
	identity() string
}

// storeIdentity names the storage s writes to, so that every store value
// on the same storage maps to the same chunk locks: the store's identity or
// URL when it has one, else the store value itself (its pointer), else its
// type (all such stores then share stripes: slower, never wrong).
func storeIdentity(s Store) string {
	if id, ok := s.(identifier); ok {
		return id.identity()
	}
	if u, ok := s.(URLer); ok {
		if url := u.URL(); url != "" {
			return "url:" + url
		}
	}
	v := reflect.ValueOf(s)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.UnsafePointer:
		return "ptr:" + v.Type().String() + ":" + strconv.FormatUint(uint64(v.Pointer()), 16)
	}
	return "type:" + reflect.TypeOf(s).String()
}

// chunkLock returns the process-wide lock ordering writes to key of the
// storage s writes to.
func chunkLock(s Store, key string) *sync.Mutex {
	var h maphash.Hash
	h.SetSeed(lockSeed)
	h.WriteString(storeIdentity(s))
	h.WriteByte(0)
	h.WriteString(key)
	return &chunkLocks[h.Sum64()%uint64(len(chunkLocks))]
}
