package codec

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// randomBox is a box inside shape (empty on an axis now and then).
func randomBox(r *rand.Rand, shape []int) chunk.Box {
	lo, hi := make([]int, len(shape)), make([]int, len(shape))
	for i, n := range shape {
		lo[i] = r.IntN(n + 1)
		hi[i] = lo[i] + r.IntN(n-lo[i]+1)
		if hi[i] == lo[i] && r.IntN(4) > 0 && lo[i] < n {
			hi[i]++
		}
	}
	return chunk.Box{Lo: lo, Hi: hi}
}

// TestDecodeBoxMatchesWholeDecode decodes random boxes of Blosc chunks of
// several dtypes, compressors, shuffles and block sizes (blocks smaller
// than a row, rows spanning blocks, a short last block, memcpyed frames)
// into random places of a larger block, and compares with decoding the
// whole chunk and copying the box.
func TestDecodeBoxMatchesWholeDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][]int{{37, 23, 11}, {1000}, {3, 700}, {5, 1, 9, 13}}
	codecs := []struct {
		cname              string
		clevel, shuf, bsiz int
	}{
		{"lz4", 5, ByteShuffle, 0}, {"lz4", 5, ByteShuffle, 256}, {"zstd", 3, BitShuffle, 512},
		{"blosclz", 5, NoShuffle, 300}, {"lz4", 0, ByteShuffle, 0}, {"zlib", 1, ByteShuffle, 1000},
	}
	for _, shape := range shapes {
		for _, dt := range []block.DType{block.Float32, block.Float64, block.Int16, block.Uint8} {
			spec := ChunkSpec{DType: dt, Shape: shape}
			d, err := block.New(dt, shape...)
			require.NoError(t, err)
			raw := d.Bytes()
			for i := range raw {
				raw[i] = byte(r.IntN(7)) // compressible
			}
			for _, c := range codecs {
				name := fmt.Sprintf("%v/%s/%s-%d-%d-%d", shape, dt, c.cname, c.clevel, c.shuf, c.bsiz)
				bl, err := NewBlosc(c.cname, c.clevel, c.shuf, c.bsiz, 0)
				require.NoError(t, err, name)
				p, err := NewPipeline(spec, bl)
				require.NoError(t, err, name)
				require.True(t, p.DecodesBoxes(), name)
				enc, err := p.Encode(nil, d)
				require.NoError(t, err, name)
				for range 20 {
					sb := randomBox(r, shape)
					big := make([]int, len(shape))
					db := chunk.Box{Lo: make([]int, len(shape)), Hi: make([]int, len(shape))}
					for i, n := range sb.Shape() {
						big[i] = n + r.IntN(3)
						db.Lo[i] = r.IntN(big[i] - n + 1)
						db.Hi[i] = db.Lo[i] + n
					}
					got, err := block.New(dt, big...)
					require.NoError(t, err)
					want, err := block.New(dt, big...)
					require.NoError(t, err)
					ok, err := p.DecodeBox(got, db, enc, sb)
					require.NoError(t, err, name)
					require.True(t, ok, name)
					require.NoError(t, block.CopyBox(want, db, d, sb))
					assert.Equal(t, want.Bytes(), got.Bytes(), "%s: box %v into %v", name, sb, db)
				}
			}
		}
	}
}

// TestDecodeBoxRejects checks the errors: boxes outside the chunk or the
// destination, shapes that differ, and corrupt or truncated frames (an
// error wrapping ErrCorrupt, never a panic); and that other pipelines
// report false.
func TestDecodeBoxRejects(t *testing.T) {
	spec := ChunkSpec{DType: block.Float32, Shape: []int{10, 20}}
	bl, err := NewBlosc("lz4", 5, ByteShuffle, 128, 0)
	require.NoError(t, err)
	p, err := NewPipeline(spec, bl)
	require.NoError(t, err)
	d, err := block.New(block.Float32, 10, 20)
	require.NoError(t, err)
	for i, v := range d.Data().([]float32) {
		d.Data().([]float32)[i] = v + float32(i%13)
	}
	enc, err := p.Encode(nil, d)
	require.NoError(t, err)
	dst, err := block.New(block.Float32, 4, 4)
	require.NoError(t, err)
	box := func(a, b, c, e int) chunk.Box { return chunk.Box{Lo: []int{a, b}, Hi: []int{c, e}} }
	for _, tc := range []struct{ src, dst chunk.Box }{
		{box(0, 0, 11, 4), box(0, 0, 4, 4)},
		{box(0, 0, 4, 4), box(1, 1, 5, 5)},
		{box(0, 0, 4, 3), box(0, 0, 4, 4)},
		{chunk.Box{Lo: []int{0}, Hi: []int{4}}, box(0, 0, 4, 4)},
	} {
		ok, err := p.DecodeBox(dst, tc.dst, enc, tc.src)
		assert.True(t, ok)
		assert.ErrorIs(t, err, ErrSpec, "%v into %v", tc.src, tc.dst)
	}
	full := box(6, 0, 10, 4)
	for _, n := range []int{0, 10, bloscHeader + 3, len(enc) / 2, len(enc) - 1} {
		_, err := p.DecodeBox(dst, box(0, 0, 4, 4), enc[:n], full)
		require.Error(t, err, "truncated to %d", n)
		assert.True(t, errors.Is(err, ErrCorrupt), "truncated to %d: %v", n, err)
	}
	bad := append([]byte(nil), enc...)
	bad[bloscHeader+4*3+2] ^= 0x7f // the offset of block 3, which holds row 6
	_, err = p.DecodeBox(dst, box(0, 0, 4, 4), bad, full)
	assert.ErrorIs(t, err, ErrCorrupt)
	plain, err := NewPipeline(spec, &Zstd{Level: 1})
	require.NoError(t, err)
	ok, err := plain.DecodeBox(dst, box(0, 0, 4, 4), enc, full)
	assert.False(t, ok)
	assert.NoError(t, err)
	assert.False(t, plain.DecodesBoxes())
}

// FuzzDecodeBox feeds arbitrary frames and boxes to DecodeBox: it may fail
// with ErrCorrupt, ErrTooLarge, ErrUnsupported or ErrSpec, never panic.
func FuzzDecodeBox(f *testing.F) {
	spec := ChunkSpec{DType: block.Int16, Shape: []int{8, 30}}
	bl, _ := NewBlosc("lz4", 5, ByteShuffle, 64, 0)
	p, _ := NewPipeline(spec, bl)
	d, _ := block.New(block.Int16, 8, 30)
	enc, _ := p.Encode(nil, d)
	f.Add(enc, uint8(1), uint8(7), uint8(3), uint8(20))
	f.Fuzz(func(t *testing.T, frame []byte, r0, r1, c0, c1 uint8) {
		src := chunk.Box{Lo: []int{int(r0 % 9), int(c0 % 31)}, Hi: []int{int(r1 % 9), int(c1 % 31)}}
		sh := src.Shape()
		for _, n := range sh {
			if n < 0 {
				return
			}
		}
		dst, err := block.New(block.Int16, max(sh[0], 1), max(sh[1], 1))
		require.NoError(t, err)
		_, err = p.DecodeBox(dst, chunk.Box{Lo: []int{0, 0}, Hi: sh}, frame, src)
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrSpec) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}
