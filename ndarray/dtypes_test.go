package ndarray_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// TestNewDTypesRefusedOrMoved: float16 and complex arrays are moved
// (indexed, rechunked) and cast, and arithmetic on them is an errored
// Array naming the op and the dtype, never a panic.
func TestNewDTypesRefusedOrMoved(t *testing.T) {
	ctx := context.Background()
	c, err := block.FromSlice([]complex128{1 + 2i, 3, 4i, -1}, 4)
	require.NoError(t, err)
	ac := ndarray.FromDense(c, chunk.PerAxis(3))
	got, err := ac.Index(ndarray.List(3, 0, 2)).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []complex128{-1, 1 + 2i, 4i}, block.Values[complex128](got))
	re, err := ac.Rechunk(chunk.PerAxis(1)).Compute(ctx)
	require.NoError(t, err)
	assert.True(t, re.Equal(c))

	f, _ := block.FromSlice([]float64{0.5, -2, 65504}, 3)
	h := ndarray.FromDense(f, chunk.Spec{}).AsType(block.Float16, block.OverflowError)
	require.NoError(t, h.Err())
	back, err := h.AsType(block.Float32, block.OverflowError).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float32{0.5, -2, 65504}, block.Values[float32](back))

	for name, bad := range map[string]*ndarray.Array{
		"add float16":      ndarray.Add(h, h),
		"mul complex":      ndarray.Mul(ac, 2),
		"sqrt float16":     ndarray.Sqrt(h),
		"less complex":     ndarray.Less(ac, ac),
		"where":            ndarray.Where(ndarray.Greater(ndarray.FromDense(f, chunk.Spec{}), 0), h, h),
		"complex to float": ac.AsType(block.Float64, block.OverflowWrap),
	} {
		require.Error(t, bad.Err(), name)
		assert.ErrorIs(t, bad.Err(), block.ErrUnsupported, name)
	}
	assert.Contains(t, ndarray.Add(h, h).Err().Error(), "float16")
	assert.ErrorIs(t, ndarray.Add(h, h).Err(), ndarray.ErrOpDType)
}
