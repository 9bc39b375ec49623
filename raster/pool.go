package raster

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/airbusgeo/godal"
)

// handlePool keeps idle GDAL dataset handles per path for reuse. A handle is
// taken by exactly one goroutine at a time (get removes it from the pool,
// put returns it), which is what GDAL 3.6 needs: one dataset handle is not
// safe for concurrent use, one handle per goroutine is. Handles of a local
// file are keyed by its size and modification time too, so a file replaced
// on disk (Write renames over it) is never read through a stale handle.
type handlePool struct {
	mu   sync.Mutex
	idle map[string][]*godal.Dataset
	max  int
}

var pool = &handlePool{idle: map[string][]*godal.Dataset{}, max: 2 * runtime.GOMAXPROCS(0)}

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

// get returns a handle for path owned by the caller until put.
func (p *handlePool) get(path string) (*godal.Dataset, string, error) {
	key := poolKey(path)
	p.mu.Lock()
	if hs := p.idle[key]; len(hs) > 0 {
		h := hs[len(hs)-1]
		p.idle[key] = hs[:len(hs)-1]
		p.mu.Unlock()
		return h, key, nil
	}
	p.mu.Unlock()
	register()
	ds, err := godal.Open(path, godal.RasterOnly(), quiet())
	return ds, key, err
}

// put returns a handle; beyond the idle bound it is closed.
func (p *handlePool) put(key string, ds *godal.Dataset) {
	p.mu.Lock()
	if len(p.idle[key]) < p.max {
		p.idle[key] = append(p.idle[key], ds)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	ds.Close(quiet())
}

// CloseIdle closes every idle dataset handle the package keeps for reuse.
// Reads running at the time keep their handles and return them afterwards.
// Write calls it after replacing a file. Call it after changing files
// outside this package that a long-running process has read (a VRT's
// handles keep its sources open), or when the process has finished with
// rasters.
func CloseIdle() {
	p := pool
	p.mu.Lock()
	all := p.idle
	p.idle = map[string][]*godal.Dataset{}
	p.mu.Unlock()
	for _, hs := range all {
		for _, ds := range hs {
			ds.Close(quiet())
		}
	}
	closeIdleMultidim()
}
