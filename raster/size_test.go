package raster_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/reduce"
)

// TestHugeDeclaredRasterIsRefused: a 116-byte VRT declaring 2^31 x 2^31
// pixels is an ErrSize error at Open, and an Info of such a size is one at
// Lazy — never a reduction that plans 2^48 reads.
func TestHugeDeclaredRasterIsRefused(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	info, err := raster.Open("testdata/huge-2p31.vrt")
	if err == nil {
		// The old code opened it; its mean then planned every block.
		_, merr := reduce.Mean(info.Lazy(raster.ReadOptions{})).Compute(context.Background())
		require.Error(t, merr)
	}
	runtime.ReadMemStats(&after)
	require.Error(t, err)
	assert.ErrorIs(t, err, raster.ErrSize)
	assert.Contains(t, err.Error(), "2147483647x2147483647")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20))

	fake := &raster.Info{Path: "fake.tif", Width: 1 << 30, Height: 1 << 30, DType: block.Float64,
		Bands: make([]raster.Band, 1<<10)}
	for i := range fake.Bands {
		fake.Bands[i].DType = block.Float64
	}
	a := fake.Lazy(raster.ReadOptions{})
	assert.ErrorIs(t, a.Err(), raster.ErrSize)
}
