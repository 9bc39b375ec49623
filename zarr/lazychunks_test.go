package zarr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/zarr"
)

// An array stored in small chunks, opened with the zero spec, gets auto
// chunks in whole multiples of its chunks (xarray's open_zarr(chunks=
// "auto")); chunk.Native() gets exactly its chunks. Nothing is written:
// metadata alone fixes the grid.
func TestLazyZeroSpecIsAutoInMultiplesOfChunks(t *testing.T) {
	s := zarr.NewMemoryStore()
	for _, tc := range []struct {
		name           string
		shape, chunks  []int
		shards         []int
		wantMultipleOf []int
	}{
		{"chunks", []int{20000, 20000}, []int{100, 200}, nil, []int{100, 200}},
		{"shards", []int{20000, 20000}, []int{50, 50}, []int{100, 200}, []int{100, 200}},
		{"3d", []int{365, 4000, 4000}, []int{1, 256, 256}, nil, []int{1, 256, 256}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := zarr.Create(ctx, s, tc.name, zarr.CreateOptions{Shape: tc.shape, Chunks: tc.chunks, Shards: tc.shards, DType: block.Float64})
			require.NoError(t, err)
			zero := a.Lazy(chunk.Spec{})
			require.NoError(t, zero.Err())
			auto := a.Lazy(chunk.Auto())
			require.NoError(t, auto.Err())
			assert.True(t, zero.Grid().Equal(auto.Grid()), "zero spec %v, auto %v", zero.Grid().MaxChunkShape(), auto.Grid().MaxChunkShape())

			c := zero.Grid().MaxChunkShape()
			bytes := int64(8)
			for k, n := range c {
				bytes *= int64(n)
				assert.Zero(t, n%tc.wantMultipleOf[k], "axis %d: chunk %d not a multiple of %d", k, n, tc.wantMultipleOf[k])
			}
			assert.LessOrEqual(t, bytes, int64(chunk.DefaultAutoBytes))
			assert.Greater(t, bytes, int64(chunk.DefaultAutoBytes/4), "auto chunk %v far below the target", c)

			native := a.Lazy(chunk.Native())
			require.NoError(t, native.Err())
			assert.True(t, native.Grid().Equal(a.Grid()), "native %v, array grid %v", native.Grid().MaxChunkShape(), a.Grid().MaxChunkShape())
		})
	}
}

// A chunk already bigger than the target is taken whole, never split.
func TestLazyAutoKeepsBigChunksWhole(t *testing.T) {
	s := zarr.NewMemoryStore()
	a, err := zarr.Create(ctx, s, "big", zarr.CreateOptions{Shape: []int{8192, 8192}, Chunks: []int{8192, 4096}, DType: block.Float64})
	require.NoError(t, err)
	lazy := a.Lazy(chunk.Spec{}) // 256 MiB chunks against the 128 MiB target
	require.NoError(t, lazy.Err())
	assert.Equal(t, []int{8192, 4096}, lazy.Grid().MaxChunkShape())
}
