package stats_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/stats"
)

func TestUniqueGolden(t *testing.T) {
	for _, c := range loadCases(t, "unique") {
		t.Run(c.Name, func(t *testing.T) {
			d := dense(t, c.DType, c.Data, c.Shape)
			for _, spec := range specs {
				vals, counts, err := stats.Unique(t.Context(), ndarray.FromDense(d, spec))
				require.NoError(t, err)
				checkValues(t, c, vals, 0)
				assert.Equal(t, block.Int64, counts.DType())
				got := counts.Data().([]int64)
				if len(c.Counts) == 0 {
					assert.Empty(t, got)
				} else {
					assert.Equal(t, c.Counts, got)
				}
			}
		})
	}
}

// TestUniqueFusedAndErrors runs Unique over a fused expression on a given
// executor, and its errors.
func TestUniqueFusedAndErrors(t *testing.T) {
	a := ndarray.Arange(0, 5000, 1, chunk.Uniform(700))
	m := ndarray.Floor(ndarray.Div(a, 1000)) // fused into the partial tasks
	vals, counts, err := stats.Unique(t.Context(), m, ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{})))
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 1, 2, 3, 4}, vals.Float64s())
	assert.Equal(t, []int64{1000, 1000, 1000, 1000, 1000}, counts.Data().([]int64))
	_, _, err = stats.Unique(t.Context(), ndarray.Zeros(block.Complex64, []int{3}, chunk.Uniform(2)))
	assert.ErrorIs(t, err, stats.ErrHistDType)
	_, _, err = stats.Unique(t.Context(), ndarray.Errored(block.ErrShape))
	assert.ErrorIs(t, err, block.ErrShape)
}

// TestUniqueWire encodes every task of a Unique graph and a partial value
// as a remote worker would receive them.
func TestUniqueWire(t *testing.T) {
	d, err := block.FromSlice([]float64{3, 1, 3, 2, 1, 3}, 6)
	require.NoError(t, err)
	a := ndarray.FromDense(d, chunk.Uniform(4))
	vals, counts, err := stats.Unique(t.Context(), a)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2, 3}, vals.Float64s())
	assert.Equal(t, []int64{2, 1, 3}, counts.Data().([]int64))
	for _, kind := range []string{"stats.uniquepartial", "stats.uniquemerge", "stats.uniquefinal"} {
		_, err := cluster.NewOp(kind)
		assert.NoError(t, err, kind)
	}
	assert.Contains(t, cluster.ValueNames(), "stats.uniquepartial")
}
