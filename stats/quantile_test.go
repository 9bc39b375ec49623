package stats

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// TestMedianAcrossTimeChunks: the per-pixel median of a stack chunked 8
// ways along time (dask's median needs that axis in one chunk) equals
// numpy's, by both plans.
func TestMedianAcrossTimeChunks(t *testing.T) {
	ctx := context.Background()
	for _, c := range loadGolden(t, "quantile_golden.json") {
		if c.Name != "float32-stack-median" && c.Name != "float64-stack-nanmedian" {
			continue
		}
		dt, err := block.ParseDType(c.DType)
		require.NoError(t, err)
		a := ndarray.FromDense(denseOf(t, dt, c.Shape, c.Data), chunk.PerAxis(8, 3, 5))
		require.Equal(t, 8, a.Grid().Axis(0).NumChunks())
		radix := func(q *quantileConfig) { q.radix = true }
		// the last: one output element per pass's state block, each a
		// part of an input block's kept region
		for _, extra := range [][]QuantileOption{nil, {radix}, {radix, QuantileMemory(64 << 10)}} {
			got, err := c.build(a, extra...).Compute(ctx)
			require.NoError(t, err)
			for i, raw := range c.Out {
				want, _, _ := parseNum(t, raw)
				if math.IsNaN(want) {
					assert.True(t, math.IsNaN(got.Float64(i)))
				} else {
					assert.Equal(t, want, got.Float64(i), "%s [%d]", c.Name, i)
				}
			}
		}
	}
}

// TestRadixBoundedMemory: the median of 10^7 float64 (80 MB) with a
// budget of 4 MiB per task takes the multi-pass plan and runs under an
// executor budget of 24 MiB, and equals the median found by sorting.
func TestRadixBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("10^7 elements")
	}
	ctx := context.Background()
	const n = 10_000_000
	a := ndarray.Random([]int{n}, chunk.PerAxis(250_000), 7)
	med := Median(a, QuantileMemory(4<<20))
	require.NoError(t, med.Err())
	require.True(t, strings.HasPrefix(med.Name(), "stats.radix"), "a 4 MiB budget must force the radix plan: %s", med.Name())
	q := Quantiles(a, []float64{0.01, 0.5, 0.99}, QuantileMemory(4<<20), WithQuantileMethod(Nearest))
	const budget = 16 << 20
	var peak int64
	got, err := ndarray.Compute(ctx, []*ndarray.Array{med, q}, ndarray.WithMemoryBudget(budget),
		ndarray.WithProgress(func(p cluster.Progress) { peak = max(peak, p.PeakBytes) }))
	require.NoError(t, err)
	assert.Less(t, peak, int64(budget), "bytes held by the executor")
	assert.Less(t, peak, int64(n*8/4), "far below the data size")
	t.Logf("peak held %d bytes for %d bytes of data", peak, n*8)
	all, err := a.Compute(ctx)
	require.NoError(t, err)
	x := slices.Clone(all.Data().([]float64))
	slices.Sort(x)
	assert.Equal(t, (x[n/2-1]+x[n/2])/2, got[0].Float64(0))
	for i, qq := range []float64{0.01, 0.5, 0.99} {
		assert.Equal(t, x[int(math.RoundToEven(float64(n-1)*qq))], got[1].Float64(i))
	}
}

func TestQuantileErrors(t *testing.T) {
	a := ndarray.FromDense(block.Must(block.Float64, 4, 3), chunk.PerAxis(2, 3))
	cases := []struct {
		name string
		arr  *ndarray.Array
		is   error
		msg  string
	}{
		{"q above 1", Quantile(a, 1.5), ErrQuantile, "q[0] = 1.5 is not in [0, 1]"},
		{"q below 0", Quantiles(a, []float64{0.5, -0.1}), ErrQuantile, "q[1] = -0.1"},
		{"NaN q", Quantile(a, math.NaN()), ErrQuantile, "NaN"},
		{"percentile above 100", Percentile(a, 101), ErrQuantile, "is not in [0, 100]"},
		{"nan percentile below 0", NanPercentiles(a, []float64{-1}), ErrQuantile, "NanPercentiles"},
		{"no q", Quantiles(a, nil), ErrQuantile, "no q"},
		{"bad method", Quantile(a, 0.5, WithQuantileMethod(QuantileMethod(77))), ErrMethod, "QuantileMethod(77)"},
		{"axis out of range", Median(a, QuantileAxis(2)), ErrAxis, "axis 2 for an array of rank 2"},
		{"negative axis out of range", NanMedian(a, QuantileAxis(-3)), ErrAxis, "axis -3"},
		{"repeated axis", Quantile(a, 0.5, QuantileAxis(0, -2)), ErrAxis, "repeated"},
		{"bool dtype", Median(ndarray.Zeros(block.Bool, []int{3}, chunk.Spec{})), ErrDType, "bool"},
		{"empty", Quantile(ndarray.Zeros(block.Float64, []int{0, 3}, chunk.Spec{}), 0.5, QuantileAxis(0)), ErrEmpty, "hold no element"},
		{"errored input", Median(ndarray.Errored(ErrAxis)), ErrAxis, ""},
		{"nil input", Median(nil), ndarray.ErrOperand, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.arr.Err()
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
	var qe *QuantileError
	require.ErrorAs(t, Quantiles(a, []float64{0, 2}).Err(), &qe)
	assert.Equal(t, 1, qe.Index)
	assert.Equal(t, 2.0, qe.Q)
	_, err := ParseQuantileMethod("cubic")
	assert.ErrorIs(t, err, ErrMethod)
	assert.Contains(t, err.Error(), `"cubic"`)
	assert.Error(t, Median(a, QuantileMemory(1000)).Err())
	m, err := ParseQuantileMethod("median_unbiased")
	require.NoError(t, err)
	assert.Equal(t, MedianUnbiased, m)
	assert.Equal(t, "median_unbiased", m.String())
}

// TestQuantileOpsWire: every op round-trips through JSON, and malformed
// params from the wire are refused at decode.
func TestQuantileOpsWire(t *testing.T) {
	good := qParams{Q: []float64{0.5}, Method: "linear", In: block.Float32, Out: block.Float64}
	ops := []cluster.Op{
		&selectOp{Params: good, Reduced: []bool{true}, Shape: []int{1}},
		&radixHistOp{Params: good, Pass: 2, Reduced: []bool{true}, Sub: chunk.Box{Lo: []int{0}, Hi: []int{3}}},
		&radixStepOp{Params: good, Pass: 1, M: 1},
		&radixFinalOp{Params: good, Shape: []int{1}},
		&radixSumOp{},
	}
	for _, op := range ops {
		b, err := json.Marshal(op)
		require.NoError(t, err)
		fresh, err := cluster.NewOp(op.Kind())
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, fresh), op.Kind())
	}
	bad := []string{
		`{"Params":{"Q":[0.5],"Method":"cubic","In":"float32","Out":"float64"},"Reduced":[true],"Shape":[1]}`,
		`{"Params":{"Q":[1.5],"Method":"linear","In":"float32","Out":"float64"},"Reduced":[true],"Shape":[1]}`,
		`{"Params":{"Q":[],"Method":"linear","In":"float32","Out":"float64"},"Reduced":[true],"Shape":[1]}`,
		`{"Params":{"Q":[0.5],"Method":"linear","In":"bool","Out":"float64"},"Reduced":[true],"Shape":[1]}`,
		`{"Params":{"Q":[0.5],"Method":"linear","In":"float32","Out":"int8"},"Reduced":[true],"Shape":[1]}`,
		`{"Params":{"Q":[0.5],"Method":"linear","In":"float32","Out":"float64"},"Reduced":[true],"Shape":[-1]}`,
	}
	for _, s := range bad {
		assert.Error(t, json.Unmarshal([]byte(s), &selectOp{}), s)
	}
	assert.Error(t, json.Unmarshal([]byte(`{"Params":{"Q":[0.5],"Method":"linear","In":"float32","Out":"float64"},"Pass":9,"Reduced":[true],"Sub":{"Lo":[0],"Hi":[1]}}`), &radixHistOp{}))
	assert.Error(t, json.Unmarshal([]byte(`{"Params":{"Q":[0.5],"Method":"linear","In":"float32","Out":"float64"},"Pass":1,"Reduced":[true],"Sub":{"Lo":[2],"Hi":[1]}}`), &radixHistOp{}))
	assert.Error(t, json.Unmarshal([]byte(`{"Params":{"Q":[0.5],"Method":"linear","In":"int8","Out":"float64"},"Pass":2,"M":1}`), &radixStepOp{}))
	assert.Error(t, json.Unmarshal([]byte(`{"Params":{"Q":[0.5],"Method":"nope","In":"int8","Out":"float64"},"Shape":[1]}`), &radixFinalOp{}))
	// a task given the wrong inputs fails with an error, not a panic
	_, err := (&radixSumOp{}).Run(context.Background(), []cluster.Value{block.Must(block.Float64, 2)})
	assert.Error(t, err)
	_, err = (&selectOp{Params: good, Reduced: []bool{true}, Shape: []int{1}}).Run(context.Background(), []cluster.Value{block.Must(block.Int8, 2)})
	assert.Error(t, err)
}

func TestKeyOrder(t *testing.T) {
	f := []float64{math.Inf(-1), -1e300, -1, -math.SmallestNonzeroFloat64, 0, math.SmallestNonzeroFloat64, 2, math.Inf(1)}
	for i := 1; i < len(f); i++ {
		assert.Less(t, keyOf(f[i-1]), keyOf(f[i]))
		assert.Equal(t, f[i], valueOf[float64](keyOf(f[i])))
	}
	for _, v := range []int16{-32768, -1, 0, 1, 32767} {
		assert.Equal(t, v, valueOf[int16](keyOf(v)))
	}
	assert.Less(t, keyOf(int64(-5)), keyOf(int64(3)))
	assert.Less(t, keyOf(float32(-5)), keyOf(float32(-4)))
	assert.Equal(t, float32(-4.5), valueOf[float32](keyOf(float32(-4.5))))
}

// TestQuantileRankZero: the quantile of a 0-d array is its value (numpy).
func TestQuantileRankZero(t *testing.T) {
	x, err := block.FromSlice([]int16{7})
	require.NoError(t, err)
	a := ndarray.FromDense(x, chunk.Spec{})
	require.Equal(t, 0, a.Rank())
	m, err := Median(a).Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []float64{7}, m.Data())
	q, err := Quantiles(a, []float64{0, 1}, WithQuantileMethod(Higher)).Compute(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []int16{7, 7}, q.Data())
}
