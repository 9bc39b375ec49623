package raster_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
)

// Reads run by a budgeted executor bound GDAL's block cache to a share of
// the budget and count it there; a larger budget never raises the bound.
func TestReadBoundsGDALCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.tif")
	src := pattern(block.Int16, 1, 512, 512)
	_, err := raster.Write(ctx, ndarray.FromDense(src, chunk.PerAxis(1, 128, 128)), path, raster.WriteOptions{BlockSize: 128, Compress: "ZSTD"})
	require.NoError(t, err)
	info, err := raster.Open(path)
	require.NoError(t, err)
	a := info.Lazy(raster.ReadOptions{Chunks: chunk.PerAxis(1, 128, 128)})
	const budget = 64 << 20

	ex := cluster.NewLocal(cluster.LocalOptions{MemoryBudget: budget})
	got, err := a.Compute(ctx, ndarray.WithExecutor(ex))
	require.NoError(t, err)
	assert.True(t, got.Equal(src))
	assert.LessOrEqual(t, raster.GDALCacheMax(), int64(budget/raster.GDALCacheShare))
	assert.Positive(t, ex.ReservedBytes())
	assert.EqualValues(t, raster.GDALCacheMax(), ex.ReservedBytes(), "the cache bound is counted in the budget")

	big := cluster.NewLocal(cluster.LocalOptions{MemoryBudget: 16 * budget})
	_, err = a.Compute(ctx, ndarray.WithExecutor(big))
	require.NoError(t, err)
	assert.LessOrEqual(t, raster.GDALCacheMax(), int64(budget/raster.GDALCacheShare), "a larger budget raised the bound")
	assert.EqualValues(t, raster.GDALCacheMax(), big.ReservedBytes())
}
