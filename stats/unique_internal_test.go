package stats

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cluster"
)

func TestUniquePartialWire(t *testing.T) {
	p := &uniquePartial{Floats: []float64{-1, 2.5}, Counts: []int64{3, 4}, NaN: 2}
	b, err := cluster.EncodeValue(p)
	require.NoError(t, err)
	v, err := cluster.DecodeValue(b)
	require.NoError(t, err)
	assert.Equal(t, p, v)
	q := &uniquePartial{Floats: []float64{2.5, 7}, Counts: []int64{1, 1}}
	m, err := mergeUnique([]cluster.Value{v, q})
	require.NoError(t, err)
	assert.Equal(t, []float64{-1, 2.5, 7}, m.Floats)
	assert.Equal(t, []int64{3, 5, 1}, m.Counts)
	assert.Equal(t, int64(2), m.NaN)
	_, err = mergeUnique([]cluster.Value{&uniquePartial{Ints: []int64{1}}})
	assert.ErrorIs(t, err, ErrCountOp)
	for _, params := range []string{`{"Out":"median","Len":1,"Src":"int64"}`, `{"Out":"values","Len":-1,"Src":"int64"}`, `{"Out":"values","Len":1,"Src":"complex64"}`} {
		w, _ := json.Marshal(map[string]any{"Key": "k", "Kind": "stats.uniquefinal", "Params": json.RawMessage(params)})
		_, err := cluster.DecodeTask(w)
		assert.ErrorIs(t, err, ErrCountOp, params)
	}
}
