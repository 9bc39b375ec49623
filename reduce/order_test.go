package reduce

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// TestTwoNanMeansOfAStackInEitherOrder computes the NanMean over time and
// the NanMean over space of a 10-date stack of images in one Compute, in
// both orders of the outputs. The peak memory must not depend on the
// order: the partials over time (as large as a block) finish block by
// block instead of waiting while the mean over space sweeps every date.
func TestTwoNanMeansOfAStackInEitherOrder(t *testing.T) {
	var dates []*ndarray.Array
	for d := range 10 {
		dates = append(dates, ndarray.Random([]int{512, 512}, chunk.PerAxis(125, 130), uint64(d)).AsType(block.Float32, block.OverflowClip))
	}
	stack := ndarray.Stack(dates, 0)
	overTime := NanMean(stack, Axis(0))
	overSpace := NanMean(stack, Axis(1, 2))
	run := func(arrays ...*ndarray.Array) ([]*block.Dense, int64) {
		var peak int64
		ex := cluster.NewLocal(cluster.LocalOptions{Workers: 1, Progress: func(p cluster.Progress) { peak = max(peak, p.PeakBytes) }})
		out, err := ndarray.Compute(ctx, arrays, ndarray.WithExecutor(ex))
		require.NoError(t, err)
		return out, peak
	}
	a, timeFirst := run(overTime, overSpace)
	b, spaceFirst := run(overSpace, overTime)
	assert.True(t, a[0].Equal(b[1]) && a[1].Equal(b[0]), "results differ between orders")
	// Blocks of 125x130 are not a multiple of the 2048-element tile.
	block := int64(125 * 130 * 4)
	t.Logf("peak %d KB with the mean over time first, %d KB with the mean over space first (blocks of %d KB)", timeFirst>>10, spaceFirst>>10, block>>10)
	// The result (1 MiB) plus one column of partials over time (10 of
	// 381 KiB) and a few blocks: far below a sweep (200 partials).
	bound := overTime.Nbytes() + 16*int64(125*130*24) + 8*block
	assert.LessOrEqual(t, timeFirst, bound)
	assert.LessOrEqual(t, spaceFirst, bound)
}
