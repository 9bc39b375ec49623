package ndarray

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// allocDuring reports the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// planLimit is the allocation any plan of a few blocks stays far below;
// per-chunk lists of the arrays here would be gigabytes.
const planLimit = 8 << 20

// TestHugeArrayIsDescribedInOrderRank: a lazy array of 2^40 one-element
// chunks (10^12 tasks) is described (shape, chunks, Nbytes, String) without
// any per-chunk list.
func TestHugeArrayIsDescribedInOrderRank(t *testing.T) {
	var a *Array
	n := allocDuring(func() {
		a = Random([]int{1 << 40}, chunk.PerAxis(1), 1)
		require.NoError(t, a.Err())
		assert.Equal(t, []int{1 << 40}, a.Shape())
		assert.Equal(t, int64(8<<40), a.Nbytes())
		assert.Equal(t, 1<<40, a.Grid().Len())
		assert.Contains(t, a.String(), "shape=[1099511627776]")
	})
	assert.Less(t, n, uint64(planLimit))
}

// TestHugeSliceIsCulled: computing a few elements of a strided slice of a
// 10^12-element array builds only the blocks they need.
func TestHugeSliceIsCulled(t *testing.T) {
	n := allocDuring(func() {
		a := Random([]int{1e12}, chunk.PerAxis(1000), 7)
		s := a.Index(Sl(5, 1e12-5, 3))
		require.NoError(t, s.Err())
		assert.Equal(t, []int{(int(1e12) - 10 + 2) / 3}, s.Shape())
		assert.Equal(t, int(1e9), s.Grid().Len())
		head := s.Index(Sl(0, 4, 1))
		got, err := head.Compute(ctx)
		require.NoError(t, err)
		want, err := a.Index(List(5, 8, 11, 14)).Compute(ctx)
		require.NoError(t, err)
		assert.Equal(t, want.Float64s(), got.Float64s())
	})
	assert.Less(t, n, uint64(planLimit))
}

// TestHugeGraphIsRefused: a computation needing more tasks than the limit
// is refused with ErrTooManyTasks before it allocates them, and one too
// large for memory with ErrTooLarge.
func TestHugeGraphIsRefused(t *testing.T) {
	a := Random([]int{1 << 40}, chunk.PerAxis(1), 1)
	n := allocDuring(func() {
		_, err := a.Index(Sl(0, 1<<26, 1)).Compute(ctx)
		assert.ErrorIs(t, err, ErrTooManyTasks)
		_, err = a.Compute(ctx)
		assert.ErrorIs(t, err, ErrTooLarge)
		_, err = NewBuilder().Keys(a)
		assert.ErrorIs(t, err, ErrTooManyTasks)
	})
	assert.Less(t, n, uint64(planLimit))
}

// TestPadHugeWidthPlansPerBlock: Pad by 2^40 on each side is planned from
// O(rank) descriptions: describing it and computing a window across the
// border allocate nothing per element.
func TestPadHugeWidthPlansPerBlock(t *testing.T) {
	base := Arange(0, 10, 1, chunk.PerAxis(4))
	n := allocDuring(func() {
		for _, mode := range []PadMode{PadConstant, PadEdge, PadReflect, PadSymmetric, PadWrap} {
			p := base.Pad([][2]int{{1 << 40, 1 << 40}}, mode, 0)
			require.NoError(t, p.Err(), mode)
			assert.Equal(t, []int{2<<40 + 10}, p.Shape())
			// Across the left border, and far out in it (period
			// arithmetic, not a walk over 2^40 positions).
			for _, lo := range []int{1<<40 - 3, 3, 1<<39 + 1} {
				got, err := p.Index(Sl(lo, lo+6, 1)).Compute(ctx)
				require.NoError(t, err, mode)
				for k, v := range got.Float64s() {
					want := float64(max(mapBoundary(lo+k-(1<<40), 10, mode), 0))
					assert.Equal(t, want, v, "%s at %d", mode, lo+k)
				}
			}
		}
	})
	assert.Less(t, n, uint64(planLimit))
}

// TestConcatenateHugeIsOrderRank: concatenating 10^12-element lazy arrays
// keeps regular pieces; a window across the seam computes.
func TestConcatenateHugeIsOrderRank(t *testing.T) {
	n := allocDuring(func() {
		a := Arange(0, 1e12, 1, chunk.PerAxis(1000))
		b := Arange(0, 1e12+7, 1, chunk.PerAxis(999))
		c := Concatenate([]*Array{a, b, a}, 0)
		require.NoError(t, c.Err())
		assert.Equal(t, []int{3e12 + 7}, c.Shape())
		got, err := c.Index(Sl(1e12-2, 1e12+2, 1)).Compute(ctx)
		require.NoError(t, err)
		assert.Equal(t, []float64{1e12 - 2, 1e12 - 1, 0, 1}, got.Float64s())
	})
	assert.Less(t, n, uint64(planLimit))
}

// TestTransposeHugeIsOrderRank: Transpose no longer lists every position.
func TestTransposeHugeIsOrderRank(t *testing.T) {
	n := allocDuring(func() {
		a := Random([]int{1 << 30, 1 << 20}, chunk.PerAxis(64, 64), 3)
		tr := a.Transpose()
		require.NoError(t, tr.Err())
		got, err := tr.Index(Sl(5, 7, 1), Sl(9, 10, 1)).Compute(ctx)
		require.NoError(t, err)
		want, err := a.Index(Sl(9, 10, 1), Sl(5, 7, 1)).Compute(ctx)
		require.NoError(t, err)
		assert.Equal(t, want.Float64s(), got.Float64s())
	})
	assert.Less(t, n, uint64(planLimit))
}

// TestArangeTooLongIsAnError: a length past an int is ErrShape, not a
// silently empty array (the float-to-int conversion wrapped).
func TestArangeTooLongIsAnError(t *testing.T) {
	a := Arange(0, 1e300, 1, chunk.Auto())
	assert.ErrorIs(t, a.Err(), block.ErrShape)
	b := Arange(0, 1e12, 1, chunk.PerAxis(1000))
	require.NoError(t, b.Err())
	assert.Equal(t, []int{1e12}, b.Shape())
}

// TestHaloOfIrregularHugeAxisIsOrderPieces: the halo axis of a
// concatenation of 10^9 elements in 10^6 chunks is mapped per piece, not
// listed per chunk (the old plan listed every halo chunk: 64 MB).
func TestHaloOfIrregularHugeAxisIsOrderPieces(t *testing.T) {
	n := allocDuring(func() {
		x := Random([]int{5e8 + 7}, chunk.PerAxis(1000), 1)
		y := Random([]int{5e8 - 7}, chunk.PerAxis(1000), 2)
		for _, bd := range []Boundary{BoundaryReflect, BoundaryNone} {
			m := MapOverlap("test.identity1d", Concatenate([]*Array{x, y}, 0), block.Float64, Overlap{Depth: []int{3}, Boundary: bd}, nil)
			require.NoError(t, m.Err())
			_, err := NewBuilder().Key(m, []int{500000})
			require.NoError(t, err)
		}
	})
	assert.Less(t, n, uint64(planLimit))
}

// TestReshapeOfShiftedHugeAxisIsOrderPieces: reshaping a unit-step slice
// of a 10^9-element array (first chunk short, then regular) plans its
// merge rechunk per piece (the old plan listed 10^6 chunk sizes twice: 50
// MB).
func TestReshapeOfShiftedHugeAxisIsOrderPieces(t *testing.T) {
	n := allocDuring(func() {
		a := Random([]int{1e9 + 1}, chunk.PerAxis(1000), 1).Index(Sl(1, None, 1))
		r := a.Reshape([]int{1e6, 1000})
		require.NoError(t, r.Err())
		assert.Equal(t, []int{1e6, 1000}, r.Shape())
		_, err := NewBuilder().Key(r, []int{0, 0})
		require.NoError(t, err)
	})
	assert.Less(t, n, uint64(planLimit))
}

// TestPadHugeIsPlannedOrRefused: padding a small array by 10^12 per side
// plans in O(blocks touched) on one axis, and on two axes (10^24
// elements) or past an int is refused with ErrShape at once.
func TestPadHugeIsPlannedOrRefused(t *testing.T) {
	small := Arange(0, 3000, 1, chunk.PerAxis(1000))
	n := allocDuring(func() {
		p := small.Pad([][2]int{{1e12, 1e12}}, PadWrap, 0)
		require.NoError(t, p.Err())
		got, err := p.Index(Sl(1e12-1500, 1e12+1500, 1)).Compute(ctx)
		require.NoError(t, err)
		for k, v := range got.Float64s() {
			assert.Equal(t, float64(((k-1500)%3000+3000)%3000), v)
		}
	})
	assert.Less(t, n, uint64(planLimit))
	sq := Random([]int{10, 10}, chunk.PerAxis(4, 4), 1)
	assert.ErrorIs(t, sq.Pad([][2]int{{1e12, 1e12}, {1e12, 1e12}}, PadReflect, 0).Err(), block.ErrShape)
	assert.ErrorIs(t, small.Pad([][2]int{{1 << 62, 1 << 62}}, PadEdge, 0).Err(), block.ErrShape)
}
