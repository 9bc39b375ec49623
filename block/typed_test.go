package block_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

func TestAs(t *testing.T) {
	d, err := block.Make[float32](2, 3)
	require.NoError(t, err)
	assert.Equal(t, block.Float32, d.DType())
	v, err := block.As[float32](d)
	require.NoError(t, err)
	require.Len(t, v, 6)
	v[4] = 2.5 // shared, not copied
	assert.Equal(t, 2.5, d.At(1, 1))

	_, err = block.As[float64](d)
	assert.ErrorIs(t, err, block.ErrDTypeMismatch)
	assert.ErrorContains(t, err, "float32")

	// Every dtype reads back through its storage type.
	for _, dt := range block.DTypes() {
		b := block.Must(dt, 3)
		var err error
		switch dt {
		case block.Bool:
			_, err = block.As[bool](b)
		case block.Int8:
			_, err = block.As[int8](b)
		case block.Int16:
			_, err = block.As[int16](b)
		case block.Int32:
			_, err = block.As[int32](b)
		case block.Int64:
			_, err = block.As[int64](b)
		case block.Uint8:
			_, err = block.As[uint8](b)
		case block.Uint16:
			_, err = block.As[uint16](b)
		case block.Uint32:
			_, err = block.As[uint32](b)
		case block.Uint64:
			_, err = block.As[uint64](b)
		case block.Float32:
			_, err = block.As[float32](b)
		case block.Float64:
			_, err = block.As[float64](b)
		}
		assert.NoError(t, err, dt.String())
	}

	// Negative lengths are ErrShape (and chunk.ErrShape), as New documents.
	_, err = block.Make[int16](-1)
	assert.ErrorIs(t, err, block.ErrShape)
	assert.ErrorIs(t, err, chunk.ErrShape)
	assert.EqualError(t, err, "block: chunk: invalid shape: axis 0 has negative length -1")
	_, err = block.New(block.Int16, 2, -1)
	assert.ErrorIs(t, err, block.ErrShape)
	_, _, err = block.NewPooled(&pool{}, block.Int16, -1)
	assert.ErrorIs(t, err, block.ErrShape)
	_, err = block.FromSlice([]int8{}, -1)
	assert.ErrorIs(t, err, block.ErrShape)
}

func TestGetSet(t *testing.T) {
	d, err := block.Make[int64](2, 3, 4)
	require.NoError(t, err)
	block.Set(d, int64(1)<<62+1, 1, 2, 3) // beyond float64's 53 bits: exact
	assert.Equal(t, int64(1)<<62+1, block.Get[int64](d, 1, 2, 3))
	assert.Equal(t, int64(1)<<62+1, block.Values[int64](d)[23])

	b, _ := block.Make[bool](2)
	block.Set(b, true, 1)
	assert.True(t, block.Get[bool](b, 1))

	assert.Panics(t, func() { block.Get[int32](d, 0, 0, 0) }, "dtype mismatch")
	assert.Panics(t, func() { block.Get[int64](d, 0, 0) }, "rank")
	assert.Panics(t, func() { block.Set(d, int64(0), 0, 3, 0) }, "range")
	assert.Panics(t, func() { block.Get[int64](d, -1, 0, 0) }, "negative")
}

func TestRowIsAZeroCopyView(t *testing.T) {
	d, err := block.FromSlice([]int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 2, 2)
	require.NoError(t, err)
	r, err := d.Row(1)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 2}, r.Shape())
	assert.Equal(t, []int32{4, 5, 6, 7}, block.Values[int32](r))
	assert.True(t, block.Overlaps(r, d))
	block.Set(r, int32(-1), 1, 0)
	assert.Equal(t, int32(-1), block.Get[int32](d, 1, 1, 0), "write through the row")

	// A row of a row: the elements stay shared.
	rr, err := r.Row(0)
	require.NoError(t, err)
	assert.Equal(t, []int32{4, 5}, block.Values[int32](rr))
	// Appending to a view never writes past it into the parent.
	v := append(block.Values[int32](rr), 99)
	_ = v
	assert.Equal(t, int32(-1), block.Values[int32](d)[6])

	_, err = d.Row(3)
	assert.ErrorIs(t, err, block.ErrShape)
	_, err = block.Must(block.Int8).Row(0)
	assert.ErrorIs(t, err, block.ErrShape)
}

func TestView(t *testing.T) {
	d, err := block.FromSlice([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4)
	require.NoError(t, err)
	box := func(lo, hi []int) chunk.Box {
		b, err := chunk.NewBox(lo, hi)
		require.NoError(t, err)
		return b
	}
	for _, tc := range []struct {
		name   string
		lo, hi []int
		want   []float64
	}{
		{"rows", []int{1, 0}, []int{3, 4}, []float64{4, 5, 6, 7, 8, 9, 10, 11}},
		{"part of a row", []int{2, 1}, []int{3, 3}, []float64{9, 10}},
		{"all", []int{0, 0}, []int{3, 4}, block.Values[float64](d)},
		{"empty", []int{1, 2}, []int{1, 4}, []float64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := d.View(box(tc.lo, tc.hi))
			require.NoError(t, err)
			assert.Equal(t, box(tc.lo, tc.hi).Shape(), v.Shape())
			assert.Equal(t, tc.want, block.Values[float64](v))
			want, err := d.SubBlock(box(tc.lo, tc.hi))
			require.NoError(t, err)
			assert.True(t, v.Equal(want), "view differs from the copy")
		})
	}
	_, err = d.View(box([]int{0, 1}, []int{2, 3}))
	assert.ErrorIs(t, err, block.ErrNotContiguous)
	_, err = d.View(box([]int{0, 0}, []int{4, 4}))
	assert.ErrorIs(t, err, block.ErrShape)
}

// pool hands out fresh buffers and counts what comes back.
type pool struct{ put int }

func (p *pool) Get(n int) []byte { return make([]byte, n) }
func (p *pool) Put([]byte)       { p.put++ }

func TestViewKeepsPooledBufferOut(t *testing.T) {
	p := &pool{}
	d, _, err := block.NewPooled(p, block.Float32, 4, 4)
	require.NoError(t, err)
	r, err := d.Row(2)
	require.NoError(t, err)
	d.Recycle()
	assert.Zero(t, p.put, "buffer recycled while a view shares it")
	block.Set(r, float32(3), 1)
	assert.Equal(t, float32(3), block.Get[float32](d, 2, 1))

	d2, _, err := block.NewPooled(p, block.Float32, 4, 4)
	require.NoError(t, err)
	d2.Recycle()
	assert.Equal(t, 1, p.put, "unshared pooled buffer not returned")
}

// An unknown overflow policy decoded from a task is the strictest, never
// garbage: the old kernels left the element unwritten.
func TestCastSliceUnknownPolicyIsStrict(t *testing.T) {
	dst := []int8{42, 42}
	assert.Equal(t, 1, block.CastSlice(dst, []float64{1, 300}, block.Overflow(9)))
	assert.Equal(t, int8(1), dst[0])
	assert.Equal(t, -1, block.CastSlice(dst, []float64{-3, 4}, block.Overflow(9)))
	assert.Equal(t, []int8{-3, 4}, dst)
}
