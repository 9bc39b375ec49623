package ndarray

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cluster"
)

// The executor's wire codec knows ndarray's values by name.
func TestValuesCrossTheWire(t *testing.T) {
	d, err := block.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	require.NoError(t, err)
	b, err := cluster.EncodeValue(d)
	require.NoError(t, err)
	v, err := cluster.DecodeValue(b)
	require.NoError(t, err)
	assert.True(t, v.(*block.Dense).Equal(d), "round trip gave %v", v)

	w, err := cluster.EncodeValue(Written{Bytes: 42})
	require.NoError(t, err)
	v, err = cluster.DecodeValue(w)
	require.NoError(t, err)
	assert.Equal(t, int64(42), v.(Written).Bytes)
}
