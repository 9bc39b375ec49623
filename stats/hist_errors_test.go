package stats_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
	"github.com/tessera-array/tessera/stats"
)

func TestHistogramErrors(t *testing.T) {
	a := ndarray.Random([]int{100}, chunk.Uniform(30), 1)
	for name, tc := range map[string]struct {
		bins stats.Bins
		opts []stats.HistOption
		want error
		msg  string
	}{
		"decreasing":  {bins: stats.EdgeBins(0, 2, 1), want: stats.ErrHistBins, msg: "edge 2 (1) is below edge 1 (2)"},
		"one edge":    {bins: stats.EdgeBins(1), want: stats.ErrHistBins, msg: "1 edges"},
		"no edges":    {bins: stats.EdgeBins(), want: stats.ErrHistBins},
		"zero bins":   {bins: stats.UniformBins(0, 0, 1), want: stats.ErrHistBins, msg: "0 bins"},
		"neg bins":    {bins: stats.UniformBins(-3, 0, 1), want: stats.ErrHistBins, msg: "-3 bins"},
		"lo==hi":      {bins: stats.UniformBins(3, 1, 1), want: stats.ErrHistBins, msg: "range [1, 1]"},
		"lo>hi":       {bins: stats.UniformBins(3, 2, 1), want: stats.ErrHistBins, msg: "range [2, 1]"},
		"nan range":   {bins: stats.UniformBins(3, 0, nan()), want: stats.ErrHistBins},
		"zero Bins":   {bins: stats.Bins{}, want: stats.ErrHistBins},
		"weights":     {bins: stats.UniformBins(3, 0, 1), opts: []stats.HistOption{stats.HistWeights(ndarray.Ones(block.Float64, []int{99}, chunk.Uniform(30)))}, want: stats.ErrHistWeights, msg: "weights of shape [99] for data of shape [100]"},
		"weights str": {bins: stats.UniformBins(3, 0, 1), opts: []stats.HistOption{stats.HistWeights(ndarray.Zeros(block.Complex128, []int{100}, chunk.Uniform(30)))}, want: stats.ErrHistWeights},
	} {
		t.Run(name, func(t *testing.T) {
			h, edges := stats.Histogram(a, tc.bins, tc.opts...)
			assert.ErrorIs(t, h.Err(), tc.want)
			assert.ErrorContains(t, h.Err(), "stats.Histogram")
			if tc.msg != "" {
				assert.ErrorContains(t, h.Err(), tc.msg)
			}
			assert.Nil(t, edges)
		})
	}
	c := ndarray.Zeros(block.Complex64, []int{4}, chunk.Uniform(2))
	h, _ := stats.Histogram(c, stats.UniformBins(2, 0, 1))
	assert.ErrorIs(t, h.Err(), stats.ErrHistDType)
	h, _ = stats.Histogram(nil, stats.UniformBins(2, 0, 1))
	assert.ErrorIs(t, h.Err(), ndarray.ErrOperand)
	h2, _, _ := stats.Histogram2D(a, ndarray.Random([]int{10}, chunk.Uniform(3), 2), stats.UniformBins(2, 0, 1), stats.UniformBins(2, 0, 1))
	assert.ErrorIs(t, h2.Err(), block.ErrShape)
	h2, _, _ = stats.Histogram2D(a, a, stats.UniformBins(2, 0, 1), stats.EdgeBins(3, 2))
	assert.ErrorIs(t, h2.Err(), stats.ErrHistBins)
	assert.ErrorContains(t, h2.Err(), "Histogram2D y")
}

func nan() float64 { var z float64; return z / z }

func TestBincountErrors(t *testing.T) {
	ctx := t.Context()
	f := ndarray.Random([]int{10}, chunk.Uniform(3), 1)
	assert.ErrorIs(t, stats.Bincount(f, 5).Err(), stats.ErrHistDType)
	assert.ErrorContains(t, stats.Bincount(f, 5).Err(), "float64")
	u := ndarray.Zeros(block.Uint64, []int{3}, chunk.Uniform(3))
	assert.ErrorIs(t, stats.Bincount(u, 5).Err(), stats.ErrHistDType)
	m := ndarray.Zeros(block.Int32, []int{3, 2}, chunk.Uniform(3))
	assert.ErrorIs(t, stats.Bincount(m, 5).Err(), block.ErrShape)
	x := ndarray.Arange(-2, 5, 1, chunk.Uniform(3)) // -2 -1 0 1 2 3 4
	assert.ErrorIs(t, stats.Bincount(x, -1).Err(), stats.ErrHistBins)
	_, err := stats.Bincount(x, 10).Compute(ctx)
	var be *stats.BincountError
	require.ErrorAs(t, err, &be)
	assert.ErrorIs(t, err, stats.ErrBincount)
	assert.Equal(t, []int{0}, be.Index)
	assert.Equal(t, int64(-2), be.Value)
	assert.ErrorContains(t, err, "value -2 at [0] is negative")
	pos := ndarray.Arange(0, 7, 1, chunk.Uniform(3))
	_, err = stats.Bincount(pos, 6).Compute(ctx) // only the last value, 6, is out of range
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []int{6}, be.Index)
	assert.ErrorContains(t, err, "value 6 at [6] is not below the length 6")
	w := ndarray.Ones(block.Float64, []int{6}, chunk.Uniform(3))
	assert.ErrorIs(t, stats.Bincount(pos, 7, stats.BincountWeights(w)).Err(), stats.ErrHistWeights)
}

func TestDigitizeIsinCountErrors(t *testing.T) {
	a := ndarray.Random([]int{10}, chunk.Uniform(3), 1)
	err := stats.Digitize(a, []float64{0, 2, 1}, false).Err()
	assert.ErrorIs(t, err, stats.ErrDigitizeBins)
	assert.ErrorContains(t, err, "stats.Digitize")
	assert.ErrorIs(t, stats.Digitize(a, []float64{0, nan()}, false).Err(), stats.ErrDigitizeBins)
	s := ndarray.Zeros(block.Complex64, []int{4}, chunk.Uniform(2))
	assert.ErrorIs(t, stats.Digitize(s, []float64{0}, false).Err(), stats.ErrHistDType)
	assert.ErrorIs(t, stats.Isin(s, []float64{0}).Err(), stats.ErrHistDType)
	assert.ErrorIs(t, stats.CountNonzero(a, reduce.Axis(3)).Err(), reduce.ErrAxis)
	assert.ErrorIs(t, stats.CountNonzero(nil).Err(), ndarray.ErrOperand)
}

// TestCountWire round-trips every task of a weighted 2-d histogram and
// refuses malformed params of the counting ops.
func TestCountWire(t *testing.T) {
	x := ndarray.Random([]int{100}, chunk.Uniform(7), 1)
	y := ndarray.Random([]int{100}, chunk.Uniform(9), 2)
	h, _, _ := stats.Histogram2D(x.Mul(2), y, stats.UniformBins(3, 0, 2), stats.EdgeBins(0, 0.5, 1), stats.HistWeights(y), stats.HistDensity())
	b := ndarray.NewBuilder()
	_, err := b.Keys(h)
	require.NoError(t, err)
	kinds := map[string]int{}
	for _, k := range b.Graph().Keys() {
		tk, _ := b.Graph().Task(k)
		enc, err := cluster.EncodeTask(tk)
		require.NoError(t, err)
		dec, err := cluster.DecodeTask(enc)
		require.NoError(t, err, tk.Op.Kind())
		kinds[dec.Op.Kind()]++
	}
	assert.Equal(t, 15, kinds["stats.countpartial"])
	assert.Equal(t, 2, kinds["stats.countsum"])
	assert.Equal(t, 1, kinds["stats.countfinal"])
	for kind, p := range map[string]string{
		"stats.countfinal":   `{"Spec":{"Mode":"median"}}`,
		"stats.countsum":     `{"DType":"int8","Shape":[3]}`,
		"stats.countpartial": `{"Spec":{"Mode":"hist","Edges":[[2,1]],"Uniform":[false]}}`,
	} {
		w, _ := json.Marshal(map[string]any{"Key": "k", "Kind": kind, "Params": json.RawMessage(p)})
		_, err := cluster.DecodeTask(w)
		assert.True(t, errors.Is(err, stats.ErrCountOp), "%s: %v", kind, err)
	}
}

// TestLookupWire round-trips Digitize and Isin tasks and refuses
// malformed lookups from the wire.
func TestLookupWire(t *testing.T) {
	a := ndarray.Random([]int{50}, chunk.Uniform(20), 3).Mul(10)
	for _, out := range []*ndarray.Array{stats.Digitize(a, []float64{9, 5, 1}, true), stats.Isin(ndarray.Floor(a), []float64{3, 1}, stats.IsinInvert())} {
		b := ndarray.NewBuilder()
		_, err := b.Keys(out)
		require.NoError(t, err)
		for _, k := range b.Graph().Keys() {
			tk, _ := b.Graph().Task(k)
			enc, err := cluster.EncodeTask(tk)
			require.NoError(t, err)
			_, err = cluster.DecodeTask(enc)
			require.NoError(t, err)
		}
	}
	for _, p := range []string{
		`{"Spec":{}}`,
		`{"Spec":{"Digitize":{"Bins":[1,3,2]}}}`,
		`{"Spec":{"Isin":{"Values":[3,1]}}}`,
		`{"Spec":{"Isin":{"Values":[1]},"Digitize":{"Bins":[1]}}}`,
	} {
		w, _ := json.Marshal(map[string]any{"Key": "k", "Kind": "stats.lookup", "Params": json.RawMessage(p)})
		_, err := cluster.DecodeTask(w)
		assert.Error(t, err, p)
	}
}

// TestHistogramMemoryBounded bins 256 MiB of generated data within a
// 24 MiB budget: the partial tasks fold tiles, never whole blocks.
func TestHistogramMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("bins 2^25 values")
	}
	n := 1 << 25
	a := ndarray.Random([]int{n}, chunk.Uniform(1<<22), 9)
	h, _ := stats.Histogram(a, stats.UniformBins(4, 0, 1))
	d, err := h.Compute(t.Context(), ndarray.WithMemoryBudget(24<<20))
	require.NoError(t, err)
	var total int64
	for _, c := range d.Data().([]int64) {
		total += c
		assert.InDelta(t, float64(n)/4, float64(c), float64(n)/100)
	}
	assert.Equal(t, int64(n), total)
}

// TestCountEdgeCases: a zero-length bincount of empty data, Isin and
// Digitize of bool data.
func TestCountEdgeCases(t *testing.T) {
	e := ndarray.Zeros(block.Int64, []int{0}, chunk.Uniform(4))
	d, err := stats.Bincount(e, 0).Compute(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []int{0}, d.Shape())
	b, err := block.FromSlice([]bool{true, false, true}, 3)
	require.NoError(t, err)
	in, err := stats.Isin(ndarray.FromDense(b, chunk.Uniform(2)), []float64{1}).Compute(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true}, in.Data())
	dg, err := stats.Digitize(ndarray.FromDense(b, chunk.Uniform(2)), []float64{0.5}, false).Compute(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []int64{1, 0, 1}, dg.Data())
}
