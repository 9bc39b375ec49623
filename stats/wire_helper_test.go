package stats_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/stats"
)

// viaWire encodes the whole graph of out as a remote scheduler would send
// it, decodes it, runs the decoded graph on a fresh local executor and
// checks every block equals the block computed directly.
func viaWire(t *testing.T, out *ndarray.Array) {
	t.Helper()
	b := ndarray.NewBuilder()
	keys, err := b.Keys(out)
	require.NoError(t, err)
	wire, err := json.Marshal(b.Graph())
	require.NoError(t, err)
	g := cluster.NewGraph()
	require.NoError(t, json.Unmarshal(wire, g))
	got := map[cluster.Key]*block.Dense{}
	require.NoError(t, cluster.NewLocal(cluster.LocalOptions{Workers: 2}).Run(t.Context(), g, keys, func(k cluster.Key, v cluster.Value) error {
		got[k] = v.(*block.Dense).Clone()
		return nil
	}))
	direct, err := out.Compute(t.Context())
	require.NoError(t, err)
	i := 0
	for idx := range out.Grid().Blocks() {
		want, err := direct.SubBlock(out.Grid().BlockBox(idx))
		require.NoError(t, err)
		require.NotNil(t, got[keys[i]])
		assert.True(t, want.Equal(got[keys[i]]), "block %v", idx)
		i++
	}
}

func TestCountsViaWire(t *testing.T) {
	x := ndarray.RandomNormal([]int{3000}, chunk.Uniform(700), 1)
	y := ndarray.Random([]int{3000}, chunk.Uniform(900), 2)
	h2, _, _ := stats.Histogram2D(x, y, stats.UniformBins(5, -2, 2), stats.EdgeBins(0, 0.3, 1), stats.HistWeights(y), stats.HistDensity())
	viaWire(t, h2)
	h, _ := stats.Histogram(x.Mul(2), stats.EdgeBins(-3, 0, 0.5, 3))
	viaWire(t, h)
	idx := ndarray.Floor(y.Mul(20)).AsType(block.Int16, block.OverflowError)
	viaWire(t, stats.Bincount(idx, 20, stats.BincountWeights(x)))
	viaWire(t, stats.Digitize(x, []float64{1, 0, -1}, false))
	viaWire(t, stats.Isin(idx, []float64{3, 4, 19}))
}
