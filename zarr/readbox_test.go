package zarr_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/zarr"
)

// TestReadBoxesDecodePartsOfChunks reads random boxes of a Blosc array
// whose blocks (256 bytes) are smaller than its chunks, with chunks left
// unwritten (fill value), under a buffer pool whose buffers hold garbage:
// every element of every result must be the stored one, whether its chunk
// was decoded in part (codec.Pipeline.DecodeBox), read whole, or filled.
func TestReadBoxesDecodePartsOfChunks(t *testing.T) {
	s := zarr.NewMemoryStore()
	shape, chunks := []int{30, 17, 23}, []int{8, 9, 10}
	comp := raw(`{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":256}`)
	fill := -7.0
	a, err := zarr.Create(ctx, s, "x", zarr.CreateOptions{Format: 2, Shape: shape, Chunks: chunks, DType: block.Float32, Compressor: comp, FillValue: &fill})
	require.NoError(t, err)
	want := randomDense(t, block.Float32, shape...)
	written := chunk.Box{Lo: []int{0, 0, 0}, Hi: []int{24, 17, 23}} // the last time chunk stays missing
	part, err := want.SubBlock(written)
	require.NoError(t, err)
	_, err = a.Write(ctx, written, part)
	require.NoError(t, err)
	filled := block.Must(block.Float32, 6, 17, 23)
	for i := range block.Values[float32](filled) {
		block.Values[float32](filled)[i] = float32(fill)
	}
	require.NoError(t, block.CopyBox(want, chunk.Box{Lo: []int{24, 0, 0}, Hi: shape}, filled, chunk.BoxOf(filled.Shape())))

	pool := &cluster.BufferPool{}
	pctx := cluster.WithBufferPool(context.Background(), pool)
	r := rand.New(rand.NewPCG(3, 4))
	for range 60 {
		lo, hi := make([]int, 3), make([]int, 3)
		for i, n := range shape {
			lo[i] = r.IntN(n)
			hi[i] = lo[i] + 1 + r.IntN(n-lo[i])
		}
		box := chunk.Box{Lo: lo, Hi: hi}
		// dirty the pool's buffer of this size first
		n := int(chunk.Size(box.Shape())) * 4
		junk := pool.Get(n)
		for i := range junk {
			junk[i] = 0x5a
		}
		pool.Put(junk)
		got, err := a.Read(pctx, box)
		require.NoError(t, err, "%v", box)
		ref, err := want.SubBlock(box)
		require.NoError(t, err)
		assert.True(t, got.Equal(ref), "box %v differs", box)
		got.Recycle()
	}
}
