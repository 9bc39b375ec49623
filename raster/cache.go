package raster

// #cgo pkg-config: gdal
// #include <gdal.h>
import "C"

import (
	"context"
	"sync"

	"github.com/tessera-array/tessera/cluster"
)

// GDALCacheShare is the share of an executor's memory budget that GDAL's
// block cache may take in a process that reads rasters under it: GDAL's
// cache (a process-wide LRU of decoded blocks, ~5 % of RAM by default) is
// bounded to budget/GDALCacheShare and the bound is counted in the budget.
const GDALCacheShare = 16

// gdalCacheName is the reservation the bound is counted under.
const gdalCacheName = "raster.gdal-block-cache"

// cacheMu serialises changes to GDAL's process-wide cache bound.
var cacheMu sync.Mutex

// GDALCacheMax is the bound of GDAL's block cache in this process, bytes.
func GDALCacheMax() int64 { return int64(C.GDALGetCacheMax64()) }

// boundGDALCache bounds GDAL's block cache from the memory budget of the
// executor running the op (cluster.MemoryFrom): to budget/GDALCacheShare,
// never raising a lower bound already set (by a smaller budget, or by the
// user through GDAL_CACHEMAX), and reserves the bound in that executor's
// accounting so that its admission counts the cache as in use. Without a
// budget it does nothing.
func boundGDALCache(ctx context.Context) {
	m := cluster.MemoryFrom(ctx)
	if m == nil || m.Budget() <= 0 {
		return
	}
	want := max(m.Budget()/GDALCacheShare, 1)
	cacheMu.Lock()
	cur := GDALCacheMax()
	if want < cur {
		C.GDALSetCacheMax64(C.GIntBig(want))
		cur = GDALCacheMax()
	}
	cacheMu.Unlock()
	m.Reserve(gdalCacheName, cur)
}
