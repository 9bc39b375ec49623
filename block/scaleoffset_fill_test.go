package block

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScaleOffsetFill: with a fill value NaN packs to the fill under every
// policy (before, OverflowError failed on NaN and OverflowClip and
// OverflowWrap stored 0), other values as without it, and the fill
// unpacks to NaN.
func TestScaleOffsetFill(t *testing.T) {
	src, err := FromSlice([]float64{1, math.NaN(), -2.5, 400}, 4)
	require.NoError(t, err)
	fill := -128.0
	so := ScaleOffset{Scale: 0.5, Offset: 0, Fill: &fill}
	want := map[Overflow][]int8{OverflowClip: {2, -128, -5, 127}, OverflowWrap: {2, -128, -5, 32}}
	for pol, w := range want {
		got, err := so.Pack(src, Int8, pol)
		require.NoError(t, err, pol)
		assert.Equal(t, w, Values[int8](got), pol)
	}
	_, err = so.Pack(src, Int8, OverflowError)
	var ce *CastError
	require.ErrorAs(t, err, &ce, "400 is still out of range")
	assert.Equal(t, 400.0, ce.Value)
	small, err := FromSlice([]float64{math.NaN(), 3}, 2)
	require.NoError(t, err)
	got, err := so.Pack(small, Int8, OverflowError)
	require.NoError(t, err)
	assert.Equal(t, []int8{-128, 6}, Values[int8](got))
	un, err := so.Unpack(got, Float32)
	require.NoError(t, err)
	v := Values[float32](un)
	assert.True(t, math.IsNaN(float64(v[0])))
	assert.Equal(t, float32(3), v[1])
	for _, bad := range []float64{math.NaN(), 0.5, 200} {
		_, err := ScaleOffset{Scale: 1, Fill: &bad}.Pack(small, Int8, OverflowClip)
		assert.ErrorIs(t, err, ErrOverflow, "fill %v", bad)
	}
	// A NaN fill into a float type is allowed and is simply NaN.
	nan := math.NaN()
	f, err := ScaleOffset{Scale: 1, Fill: &nan}.Pack(small, Float32, OverflowError)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(float64(Values[float32](f)[0])))
}
