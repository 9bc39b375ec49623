package reduce

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// TestMeanOfHugeGraphIsRefused: the mean of 2^40 one-element chunks is
// refused with ErrTooManyTasks before any of its 10^12 tasks is built,
// and the mean of a small slice of it is culled to that slice's blocks.
func TestMeanOfHugeGraphIsRefused(t *testing.T) {
	a := ndarray.Random([]int{1 << 40}, chunk.PerAxis(1), 1)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Mean(a).Compute(context.Background())
	runtime.ReadMemStats(&after)
	require.Error(t, err)
	assert.ErrorIs(t, err, ndarray.ErrTooManyTasks)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20))

	m, err := Mean(a.Index(ndarray.Sl(1<<39, 1<<39+1000, 1))).Compute(context.Background())
	require.NoError(t, err)
	want, err := Mean(ndarray.Random([]int{1 << 40}, chunk.PerAxis(1<<20), 1).Index(ndarray.Sl(1<<39, 1<<39+1000, 1))).Compute(context.Background())
	require.NoError(t, err)
	assert.InDelta(t, want.Float64(0), m.Float64(0), 1e-12)
}
