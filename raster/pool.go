package raster

import (
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/airbusgeo/godal"
)

// idlePool keeps idle GDAL dataset handles per key (a path with its size
// and modification time, see poolKey) for reuse. A handle is taken by
// exactly one goroutine at a time (take removes it from the pool, give
// returns it), which is what GDAL 3.6 needs: one dataset handle is not
// safe for concurrent use, one handle per goroutine is. Keying local files
// by size and modification time too means a file replaced on disk (Write
// renames over it) is never read through a stale handle. It serves the
// raster handles (godal) and the multidimensional ones (raw cgo) alike.
type idlePool[H any] struct {
	mu    sync.Mutex
	idle  map[string][]H
	max   int
	close func(H)
}

func newIdlePool[H any](close func(H)) *idlePool[H] {
	return &idlePool[H]{idle: map[string][]H{}, max: 2 * runtime.GOMAXPROCS(0), close: close}
}

// take removes and returns an idle handle of key, if there is one.
func (p *idlePool[H]) take(key string) (H, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	hs := p.idle[key]
	if len(hs) == 0 {
		var zero H
		return zero, false
	}
	h := hs[len(hs)-1]
	p.idle[key] = hs[:len(hs)-1]
	return h, true
}

// give returns a handle; beyond the idle bound it is closed.
func (p *idlePool[H]) give(key string, h H) {
	p.mu.Lock()
	if len(p.idle[key]) < p.max {
		p.idle[key] = append(p.idle[key], h)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.close(h)
}

// closeIdle closes every idle handle, in key order. Handles taken at the
// time are returned later and kept.
func (p *idlePool[H]) closeIdle() {
	p.mu.Lock()
	all := p.idle
	p.idle = map[string][]H{}
	p.mu.Unlock()
	for _, k := range slices.Sorted(maps.Keys(all)) {
		for _, h := range all[k] {
			p.close(h)
		}
	}
}

var pool = newIdlePool(func(ds *godal.Dataset) { ds.Close(quiet()) })

func poolKey(path string) string {
	if strings.HasPrefix(path, "/vsi") || strings.Contains(path, ":") && !strings.HasPrefix(path, "/") {
		return path
	}
	fi, err := os.Stat(path)
	if err != nil {
		return path
	}
	return path + "\x00" + fi.ModTime().Format(time.RFC3339Nano) + "\x00" + strconv.FormatInt(fi.Size(), 10)
}

// getRaster returns a raster handle for path owned by the caller until
// pool.give(key, ds).
func getRaster(path string) (*godal.Dataset, string, error) {
	key := poolKey(path)
	if ds, ok := pool.take(key); ok {
		return ds, key, nil
	}
	register()
	ds, err := godal.Open(path, godal.RasterOnly(), quiet())
	return ds, key, err
}

// CloseIdle closes every idle dataset handle the package keeps for reuse.
// Reads running at the time keep their handles and return them afterwards.
// Write calls it after replacing a file. Call it after changing files
// outside this package that a long-running process has read (a VRT's
// handles keep its sources open), or when the process has finished with
// rasters.
func CloseIdle() {
	pool.closeIdle()
	mdPool.closeIdle()
}
