package window_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

// TestEmptyAndUnitAxes: an empty axis beside the rolled one gives an
// empty result; a length-1 axis rolls with a window of 1 and coarsens by 1.
func TestEmptyAndUnitAxes(t *testing.T) {
	ctx := context.Background()
	empty := ndarray.Zeros(block.Float32, []int{5, 0}, chunk.Uniform(2))
	out, err := window.Rolling(empty, 0, 3, window.RollingOptions{}).Median().Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int{5, 0}, out.Shape())
	c, err := window.Coarsen(empty, map[int]int{0: 5}, window.CoarsenOptions{}).Sum().Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 0}, c.Shape())

	unit := ndarray.Full(block.Int16, 7, []int{1, 4}, chunk.Uniform(3))
	r, err := window.Rolling(unit, 0, 1, window.RollingOptions{}).Sum().Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{7, 7, 7, 7}, r.Float64s())
	m, err := window.Coarsen(unit, map[int]int{0: 1, 1: 2}, window.CoarsenOptions{}).Max().Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, block.Int16, m.DType())
	assert.Equal(t, []int{1, 2}, m.Shape())
	assert.ErrorIs(t, window.Rolling(unit, 0, 2, window.RollingOptions{}).Err(), window.ErrWindow)
}
