package window_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

func TestRollingErrors(t *testing.T) {
	a := ndarray.Random([]int{10, 4}, chunk.Uniform(3), 1)
	cases := []struct {
		name     string
		arr      *ndarray.Array
		axis, w  int
		opts     window.RollingOptions
		sentinel error
		says     string
	}{
		{"window 0", a, 0, 0, window.RollingOptions{}, window.ErrWindow, "window 0 along axis 0 of length 10"},
		{"window past the axis", a, 1, 5, window.RollingOptions{}, window.ErrWindow, "window 5 along axis 1 of length 4"},
		{"min_periods above the window", a, 0, 3, window.RollingOptions{MinPeriods: 4}, window.ErrWindow, "min_periods 4 for a window of 3"},
		{"negative min_periods", a, 0, 3, window.RollingOptions{MinPeriods: -1}, window.ErrWindow, "min_periods -1"},
		{"axis past the rank", a, 2, 3, window.RollingOptions{}, window.ErrAxis, "axis 2 of an array of rank 2"},
		{"axis before the start", a, -3, 3, window.RollingOptions{}, window.ErrAxis, "axis -3"},
		{"bool data", ndarray.Greater(a, 0.5), 0, 3, window.RollingOptions{}, window.ErrDType, "bool"},
		{"empty axis", ndarray.Zeros(block.Float64, []int{0, 3}, chunk.Uniform(2)), 0, 1, window.RollingOptions{}, window.ErrWindow, "length 0"},
		{"errored input", ndarray.Errored(ndarray.ErrIndex), 0, 3, window.RollingOptions{}, ndarray.ErrIndex, ""},
		{"nil input", nil, 0, 3, window.RollingOptions{}, window.ErrParams, "nil array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := window.Rolling(c.arr, c.axis, c.w, c.opts)
			require.Error(t, r.Err())
			assert.ErrorIs(t, r.Err(), c.sentinel)
			assert.Contains(t, r.Err().Error(), c.says)
			out := r.Mean()
			assert.ErrorIs(t, out.Err(), c.sentinel)
			_, err := out.Compute(context.Background())
			assert.ErrorIs(t, err, c.sentinel)
		})
	}
	r := window.Rolling(a, -1, 2, window.RollingOptions{})
	require.NoError(t, r.Err())
	err := r.Reduce("no-such-func").Err()
	assert.ErrorIs(t, err, window.ErrUnknownFunc)
	assert.Contains(t, err.Error(), `"no-such-func"`)
	assert.ErrorIs(t, r.Var(-1).Err(), window.ErrWindow)
	assert.ErrorIs(t, r.Of(window.Reduction(99), 0, "").Err(), window.ErrReduction)
	assert.ErrorIs(t, r.Of(window.Mean, 0, "ptp").Err(), window.ErrParams)
}

func TestCoarsenErrors(t *testing.T) {
	a := ndarray.Random([]int{10, 4}, chunk.Uniform(3), 1)
	cases := []struct {
		name     string
		arr      *ndarray.Array
		f        map[int]int
		b        window.Boundary
		sentinel error
		says     string
	}{
		{"factor 0", a, map[int]int{0: 0}, window.BoundaryTrim, window.ErrFactor, "factor 0 for axis 0"},
		{"no factors", a, nil, window.BoundaryTrim, window.ErrFactor, "no axes"},
		{"exact, not a multiple", a, map[int]int{1: 3}, window.BoundaryExact, window.ErrBoundary, "axis 1 has length 4, not a multiple of the factor 3"},
		{"axis past the rank", a, map[int]int{2: 2}, window.BoundaryTrim, window.ErrAxis, "axis 2 of an array of rank 2"},
		{"one axis twice", a, map[int]int{1: 2, -1: 2}, window.BoundaryTrim, window.ErrAxis, "axis 1 given twice"},
		{"unknown boundary", a, map[int]int{0: 2}, window.Boundary(7), window.ErrBoundary, "unknown boundary"},
		{"complex data", ndarray.Zeros(block.Complex128, []int{4}, chunk.Uniform(2)), map[int]int{0: 2}, window.BoundaryExact, window.ErrDType, "complex128"},
		{"errored input", ndarray.Errored(ndarray.ErrIndex), map[int]int{0: 2}, window.BoundaryExact, ndarray.ErrIndex, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			co := window.Coarsen(c.arr, c.f, window.CoarsenOptions{Boundary: c.b})
			require.Error(t, co.Err())
			assert.ErrorIs(t, co.Err(), c.sentinel)
			assert.Contains(t, co.Err().Error(), c.says)
			_, err := co.Sum().Compute(context.Background())
			assert.ErrorIs(t, err, c.sentinel)
		})
	}
	co := window.Coarsen(a, map[int]int{0: 2}, window.CoarsenOptions{})
	require.NoError(t, co.Err())
	assert.ErrorIs(t, co.Of(window.Custom, 0).Err(), window.ErrReduction)
	assert.ErrorIs(t, co.Var(-2).Err(), window.ErrFactor)
	// A rechunk to align the chunks that does not fit its budget fails
	// before anything runs.
	big := ndarray.FromDense(block.Must(block.Float64, 400, 400), chunk.PerAxis(33, 400))
	err := window.Coarsen(big, map[int]int{0: 2}, window.CoarsenOptions{RechunkMemory: 1 << 10}).Err()
	assert.ErrorIs(t, err, ndarray.ErrRechunkMemory)
}

// TestTaskParamsFromTheWire: a graph travels as JSON and runs the same
// after decoding; params that do not describe a valid op are refused with
// an error, not a panic.
func TestTaskParamsFromTheWire(t *testing.T) {
	ctx := context.Background()
	a := ndarray.Random([]int{40, 3}, chunk.PerAxis(6, 2), 3)
	for name, arr := range map[string]*ndarray.Array{
		"rolling": window.Rolling(a, 0, 7, window.RollingOptions{Center: true, MinPeriods: 2}).Std(1),
		"custom":  window.Rolling(a, 0, 9, window.RollingOptions{}).Reduce("ptp"),
		"coarsen": window.Coarsen(a, map[int]int{0: 4, 1: 3}, window.CoarsenOptions{Boundary: window.BoundaryPad}).Median(),
	} {
		b := ndarray.NewBuilder()
		keys, err := b.Keys(arr)
		require.NoError(t, err, name)
		wire, err := json.Marshal(b.Graph())
		require.NoError(t, err, name)
		g := cluster.NewGraph()
		require.NoError(t, json.Unmarshal(wire, g), name)
		got := map[cluster.Key]*block.Dense{}
		require.NoError(t, cluster.NewLocal(cluster.LocalOptions{}).Run(ctx, g, keys, func(k cluster.Key, v cluster.Value) error {
			got[k] = v.(*block.Dense)
			return nil
		}), name)
		direct, err := arr.Compute(ctx)
		require.NoError(t, err, name)
		n := 0
		for _, k := range keys {
			n += got[k].Len()
		}
		assert.Equal(t, direct.Len(), n, name)
	}

	roll, err := ndarray.LookupFunc("window.rolling")
	require.NoError(t, err)
	in := block.Must(block.Float64, 5, 2)
	info := ndarray.BlockInfo{Box: chunk.BoxOf([]int{5, 2}), ArrayShape: []int{5, 2}, Halo: [][2]int{{0, 0}, {0, 0}}}
	for _, bad := range []struct{ params, sentinel string }{
		{`{"Axis":0,"Before":2,"After":0,"MinPeriods":1,"Reduction":"nosuch","Out":"float64"}`, "reduction"},
		{`{"Axis":3,"Before":2,"After":0,"MinPeriods":1,"Reduction":"mean","Out":"float64"}`, "axis"},
		{`{"Axis":0,"Before":-1,"After":0,"MinPeriods":1,"Reduction":"mean","Out":"float64"}`, "before"},
		{`{"Axis":0,"Before":2,"After":0,"MinPeriods":9,"Reduction":"mean","Out":"float64"}`, "min_periods"},
		{`{"Axis":0,"Before":2,"After":0,"MinPeriods":1,"Reduction":"custom","Func":"gone","Out":"float64"}`, "gone"},
		{`{"Axis":0,"Before":2,"After":0,"MinPeriods":1,"Reduction":"mean","Out":"int8"}`, "dtype"},
		{`{"Axis":0,"Before":2,"After":0,"MinPeriods":1,"Reduction":"mean","Out":"float64"}`, "halo"}, // input shorter than the halo says
		{`[1,2]`, "decoding"},
	} {
		info := info
		if bad.sentinel == "halo" {
			info.Halo = [][2]int{{2, 0}, {0, 0}}
		}
		info.Params = []byte(bad.params)
		_, err := roll(ctx, []*block.Dense{in}, info)
		require.Error(t, err, bad.params)
		assert.Contains(t, err.Error(), bad.sentinel, bad.params)
	}

	co, err := ndarray.LookupFunc("window.coarsen")
	require.NoError(t, err)
	info.Box = chunk.BoxOf([]int{1, 2})
	for _, bad := range []struct{ params, says string }{
		{`{"Factors":[5],"Reduction":"sum","Out":"float64"}`, "factors for rank"},
		{`{"Factors":[0,1],"Reduction":"sum","Out":"float64"}`, "factor 0"},
		{`{"Factors":[5,1],"Reduction":"custom","Out":"float64"}`, "custom"},
		{`{"Factors":[5,1],"Reduction":"sum","Out":"int64"}`, "declared"},
		{`{"Factors":[2,1],"Reduction":"sum","Out":"float64"}`, "factors [2 1]"},
		{`{"Factors":[5,2],"Reduction":"sum","Out":"float64"}`, "output block"},
	} {
		info.Params = []byte(bad.params)
		_, err := co(ctx, []*block.Dense{in}, info)
		require.Error(t, err, bad.params)
		assert.Contains(t, err.Error(), bad.says, bad.params)
		assert.True(t, errors.Is(err, window.ErrParams) || errors.Is(err, window.ErrFactor) || errors.Is(err, window.ErrReduction), bad.params)
	}
}
