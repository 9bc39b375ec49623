package raster_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/airbusgeo/godal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/zarr"
)

// sparseTiff creates a tiled float64 GeoTIFF whose blocks are never
// written (SPARSE_OK), so a large raster costs a few bytes on disk.
func sparseTiff(t *testing.T, bands, h, w, block int) string {
	t.Helper()
	godal.RegisterAll()
	p := filepath.Join(t.TempDir(), "sparse.tif")
	ds, err := godal.Create(godal.GTiff, p, bands, godal.Float64, w, h, godal.CreationOption(
		"TILED=YES", "SPARSE_OK=TRUE", "BLOCKXSIZE="+strconv.Itoa(block), "BLOCKYSIZE="+strconv.Itoa(block)))
	require.NoError(t, err)
	require.NoError(t, ds.Close())
	return p
}

// The zero chunk.Spec has one meaning in every package: for the same
// source chunking (GDAL blocks of one band, Zarr chunks, the chunks of a
// lazy array) it gives the same grid, auto chunks in whole multiples of
// the source's, scaled alike on every axis.
func TestZeroSpecSameGridEverywhere(t *testing.T) {
	const bands, h, w, bs = 2, 8192, 6144, 256
	shape, native := []int{bands, h, w}, []int{1, bs, bs}

	info, err := raster.Open(sparseTiff(t, bands, h, w, bs))
	require.NoError(t, err)
	fromRaster := info.Lazy(raster.ReadOptions{ChunkBytes: chunk.DefaultAutoBytes})
	require.NoError(t, fromRaster.Err())

	za, err := zarr.Create(context.Background(), zarr.NewMemoryStore(), "a", zarr.CreateOptions{Shape: shape, Chunks: native, DType: block.Float64})
	require.NoError(t, err)
	fromZarr := za.Lazy(chunk.Spec{})
	require.NoError(t, fromZarr.Err())

	fromNdarray := ndarray.Zeros(block.Float64, shape, chunk.PerAxis(native...)).Rechunk(chunk.Spec{})
	require.NoError(t, fromNdarray.Err())

	want, err := chunk.Auto().Normalize(shape, 8, chunk.NormalizeOptions{Previous: native})
	require.NoError(t, err)
	for name, a := range map[string]*ndarray.Array{"raster": fromRaster, "zarr": fromZarr, "ndarray": fromNdarray} {
		assert.True(t, a.Grid().Equal(want), "%s: zero spec gives %v, auto %v", name, a.Grid().MaxChunkShape(), want.MaxChunkShape())
	}
	c := want.MaxChunkShape()
	for k, n := range c {
		assert.Zero(t, n%native[k], "axis %d: %d not a multiple of %d", k, n, native[k])
	}
	assert.Greater(t, c[1], bs, "auto chunks no bigger than the blocks")

	// Native: exactly one block of one band per chunk.
	nat := info.Lazy(raster.ReadOptions{Chunks: chunk.Native()})
	require.NoError(t, nat.Err())
	assert.Equal(t, native, nat.Grid().MaxChunkShape())
	assert.Equal(t, []int{bands, h / bs, w / bs}, nat.Grid().NumBlocks())
}
