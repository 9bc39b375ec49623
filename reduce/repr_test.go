package reduce

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// TestTaskCountMatchesTheBuiltGraph: the symbolic task count of a
// reduction (its tree, and only the inputs of the fused recipe it reads)
// equals the number of tasks a Builder adds for every block.
func TestTaskCountMatchesTheBuiltGraph(t *testing.T) {
	d, err := block.FromSlice(make([]float64, 100*90), 100, 90)
	require.NoError(t, err)
	lit := ndarray.FromDense(d, chunk.PerAxis(7, 9))
	r := ndarray.Random([]int{300, 200}, chunk.PerAxis(7, 9), 1)
	for name, a := range map[string]*ndarray.Array{
		"mean of random": Mean(r),
		"sum over axis0": Sum(r, Axis(0)),
		"mean of lit+1":  Mean(lit.Add(1)),
		"std over axis1": Std(lit, Axis(1)),
		"mean of mean":   Mean(Mean(lit, Axis(0))),
		"rechunked":      Sum(lit.Rechunk(chunk.PerAxis(50, 45)), SplitEvery(2)),
		"count keepdims": Count(ndarray.Greater(lit, 0), KeepDims()),
	} {
		t.Run(name, func(t *testing.T) {
			b := ndarray.NewBuilder()
			_, err := b.Keys(a)
			require.NoError(t, err)
			assert.Equal(t, int64(b.Graph().Len()), a.Tasks())
			assert.Contains(t, a.String(), "tasks=")
		})
	}
}

// TestTaskCountOfHugeReduction: the mean of 2^40 blocks counts its tree
// without building it (a Builder would refuse it).
func TestTaskCountOfHugeReduction(t *testing.T) {
	m := Mean(ndarray.Random([]int{1 << 20, 1 << 20}, chunk.PerAxis(1, 1), 1), SplitEvery(1<<10))
	require.NoError(t, m.Err())
	// A fan-in of 2^10 is 2^5 per axis: 2^40 partials, combine levels of
	// 2^30, 2^20, 2^10 and 1 blocks, and one finalize task.
	assert.Equal(t, int64(1<<40+1<<30+1<<20+1<<10+1+1), m.Tasks())
}
