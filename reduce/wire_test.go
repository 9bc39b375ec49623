package reduce

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// oldPartialParams is the params of a "reduce.partial" task as the build
// before the fused-reduction hook encoded them (exported PartialOp holding
// an ndarray.Kernel): the first block of sum(float64(arange(3000)) +
// random(3000, seed 4)) in chunks of 2500.
const oldPartialParams = `{"Reduction":"sum","Kernel":{"Lo":[0],"Hi":[2500],"Prog":[{"op":"arange","dtype":"int64","f":[0,1],"shape":[3000]},{"op":"astype","dtype":"float64","args":[0]},{"op":"random","dtype":"float64","seed":4,"shape":[3000]},{"op":"add","dtype":"float64","args":[1,2]}]},"Reduced":[true],"Shape":[3000]}`

// TestPartialWireFormUnchanged: workers of either build agree on the wire.
// The params of the old build decode into the unexported op and run, and
// the new build encodes the same task to the same bytes.
func TestPartialWireFormUnchanged(t *testing.T) {
	var op partialOp
	require.NoError(t, json.Unmarshal([]byte(oldPartialParams), &op))
	v, err := op.Run(ctx, nil)
	require.NoError(t, err)
	p := v.(*partial)

	a := ndarray.Add(ndarray.Arange(0, 3000, 1, chunk.Uniform(2500)).AsType(block.Float64, block.OverflowError), ndarray.Random([]int{3000}, chunk.Uniform(2500), 4))
	want, err := Sum(a.Index(ndarray.Sl(0, 2500, 1))).Compute(ctx)
	require.NoError(t, err)
	assert.InDelta(t, want.Float64(0), p.S[0]+p.C[0], 1e-9)

	b := ndarray.NewBuilder()
	_, err = b.Keys(Sum(a))
	require.NoError(t, err)
	var found bool
	for _, k := range b.Graph().Keys() {
		tk, _ := b.Graph().Task(k)
		if tk.Op.Kind() != "reduce.partial" || tk.Op.(*partialOp).Kernel.Box().Lo[0] != 0 {
			continue
		}
		found = true
		enc, err := json.Marshal(tk.Op)
		require.NoError(t, err)
		assert.JSONEq(t, oldPartialParams, string(enc))
		assert.Equal(t, oldPartialParams, string(enc), "byte for byte")
	}
	assert.True(t, found, "no partial task for block 0")

	// A whole reduction graph round-trips through JSON and computes the
	// same result from the decoded graph.
	keys, err := b.Keys(Sum(a))
	require.NoError(t, err)
	wire, err := json.Marshal(b.Graph())
	require.NoError(t, err)
	g := cluster.NewGraph()
	require.NoError(t, json.Unmarshal(wire, g))
	var got cluster.Value
	require.NoError(t, cluster.NewLocal(cluster.LocalOptions{}).Run(ctx, g, keys, func(_ cluster.Key, v cluster.Value) error {
		got = v
		return nil
	}))
	direct, err := Sum(a).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, direct.Float64(0), got.(*block.Dense).Float64(0))
}

// TestPartialValueRoundTrip: partials keep their registered value name and
// gob form, so a tree combine can gather them from workers of either build.
func TestPartialValueRoundTrip(t *testing.T) {
	p := newPartial(kVar, []int{2, 1}, block.Int16)
	p.N[0], p.S[0], p.M2[0] = 3, 1.5, 0.25
	enc, err := cluster.EncodeValue(p)
	require.NoError(t, err)
	back, err := cluster.DecodeValue(enc)
	require.NoError(t, err)
	assert.Equal(t, p, back)
	assert.Contains(t, cluster.ValueNames(), "reduce.partial")
}

// TestMalformedPartialTaskIsAnError decodes "reduce.partial" tasks whose
// programs are malformed, as a worker would receive them, and runs them:
// an error, never a panic. It goes through the op registry only, so it
// runs unchanged against any build.
func TestMalformedPartialTaskIsAnError(t *testing.T) {
	cases := map[string]string{
		"random not float64":   `{"Reduction":"sum","Kernel":{"Lo":[0],"Hi":[3000],"Prog":[{"op":"random","dtype":"int32","shape":[3000]}]},"Reduced":[true],"Shape":[3000]}`,
		"mean of random uint8": `{"Reduction":"mean","Kernel":{"Lo":[0],"Hi":[3000],"Prog":[{"op":"random","dtype":"uint8","shape":[3000]}]},"Reduced":[true],"Shape":[3000]}`,
		"ranks differ":         `{"Reduction":"sum","Kernel":{"Lo":[0,0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":[1]}]},"Reduced":[true,true],"Shape":[4]}`,
		"reduced flags":        `{"Reduction":"sum","Kernel":{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":[1]}]},"Reduced":[true,false],"Shape":[4]}`,
		"empty program":        `{"Reduction":"max","Kernel":{"Lo":[0],"Hi":[4],"Prog":[]},"Reduced":[true],"Shape":[4]}`,
		"unknown reduction":    `{"Reduction":"median","Kernel":{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":[1]}]},"Reduced":[true],"Shape":[4]}`,
		"arg shape rank":       `{"Reduction":"argmax","Kernel":{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":[1]}]},"Reduced":[true],"Shape":[]}`,
	}
	for name, params := range cases {
		t.Run(name, func(t *testing.T) {
			tk, err := cluster.DecodeTask([]byte(`{"key":"k","kind":"reduce.partial","params":` + params + `}`))
			require.NoError(t, err)
			var out cluster.Value
			require.NotPanics(t, func() { out, err = tk.Op.Run(ctx, nil) })
			assert.Error(t, err, "ran to %v", out)
		})
	}
}
