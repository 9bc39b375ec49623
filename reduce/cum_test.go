package reduce_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

type cumCase struct {
	Name      string
	Func      string
	DType     string
	Shape     []int
	Axis      int
	Data      []*float64
	Want      []*float64
	WantDType string `json:"want_dtype"`
}

func floats(p []*float64) []float64 {
	out := make([]float64, len(p))
	for i, x := range p {
		if x == nil {
			out[i] = math.NaN()
		} else {
			out[i] = *x
		}
	}
	return out
}

func denseOf(t *testing.T, dt string, data []float64, shape []int) *block.Dense {
	t.Helper()
	d, err := block.FromSlice(data, shape...)
	require.NoError(t, err)
	want, err := block.ParseDType(dt)
	require.NoError(t, err)
	c, err := d.AsType(want, block.CastOptions{Overflow: block.OverflowWrap})
	require.NoError(t, err)
	return c
}

var cumFuncs = map[string]func(*ndarray.Array, int) *ndarray.Array{
	"cumsum": reduce.CumSum, "cumprod": reduce.CumProd, "nancumsum": reduce.NanCumSum, "nancumprod": reduce.NanCumProd,
}

// TestCumGolden compares against numpy (testdata/gen_cum.py) for several
// chunkings of each input, crossing block and tile boundaries.
func TestCumGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/cum_golden.json")
	require.NoError(t, err)
	var g struct{ Cases []cumCase }
	require.NoError(t, json.Unmarshal(raw, &g))
	require.NotEmpty(t, g.Cases)
	ctx := context.Background()
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			d := denseOf(t, c.DType, floats(c.Data), c.Shape)
			want := floats(c.Want)
			specs := []chunk.Spec{chunk.Uniform(1 << 30), chunk.Uniform(7), chunk.Uniform(1000)}
			for _, spec := range specs {
				res, err := cumFuncs[c.Func](ndarray.FromDense(d, spec), c.Axis).Compute(ctx)
				require.NoError(t, err)
				assert.Equal(t, c.WantDType, res.DType().String())
				assert.Equal(t, c.Shape, res.Shape())
				got := res.Float64s()
				require.Len(t, got, len(want))
				for i := range want {
					if math.IsNaN(want[i]) {
						assert.True(t, math.IsNaN(got[i]), "element %d: got %v want NaN", i, got[i])
						continue
					}
					tol := 1e-9 * math.Max(1, math.Abs(want[i]))
					if c.DType == "float32" {
						tol = 1e-4 * math.Max(1, math.Abs(want[i]))
					}
					if res.DType() != block.Float32 && res.DType() != block.Float64 {
						tol = 0
					}
					if !assert.InDelta(t, want[i], got[i], tol, "element %d", i) {
						return
					}
				}
			}
		})
	}
}

func TestCumErrors(t *testing.T) {
	a := ndarray.Zeros(block.Float64, []int{3, 4}, chunk.Uniform(2))
	for _, axis := range []int{2, -3} {
		err := reduce.CumSum(a, axis).Err()
		assert.ErrorIs(t, err, reduce.ErrAxis, "axis %d", axis)
		assert.ErrorContains(t, err, "rank 2")
	}
	s := ndarray.Zeros(block.Complex128, []int{3}, chunk.Uniform(2))
	assert.ErrorIs(t, reduce.CumProd(s, 0).Err(), ndarray.ErrOpDType)
	assert.ErrorIs(t, reduce.NanCumSum(nil, 0).Err(), ndarray.ErrOperand)
	bad := ndarray.Errored(block.ErrShape)
	assert.ErrorIs(t, reduce.CumSum(bad, 0).Err(), block.ErrShape)
}

// TestCumWire round-trips a cumulative graph's tasks and refuses malformed
// params.
func TestCumWire(t *testing.T) {
	a := ndarray.Arange(0, 10, 1, chunk.Uniform(3))
	out := reduce.CumSum(a, 0)
	b := ndarray.NewBuilder()
	_, err := b.Keys(out)
	require.NoError(t, err)
	n := 0
	for _, k := range b.Graph().Keys() {
		tk, _ := b.Graph().Task(k)
		enc, err := cluster.EncodeTask(tk)
		require.NoError(t, err)
		dec, err := cluster.DecodeTask(enc)
		require.NoError(t, err)
		assert.Equal(t, tk.Op, dec.Op)
		if tk.Op.Kind() == "reduce.cum" {
			n++
		}
	}
	assert.Equal(t, 4+3+4, n) // a scan and an apply per block, a carry into each but the first
	for _, p := range []string{
		`{"Stage":"nope","Func":"cumsum","Axis":0,"DType":"int64","Shape":[3]}`,
		`{"Stage":"scan","Func":"cummax","Axis":0,"DType":"int64","Shape":[3]}`,
		`{"Stage":"scan","Func":"cumsum","Axis":1,"DType":"int64","Shape":[3]}`,
		`{"Stage":"scan","Func":"cumsum","Axis":0,"DType":"int8","Shape":[3]}`,
		`{"Stage":"scan","Func":"cumsum","Axis":0,"DType":"int64","Shape":[-3]}`,
	} {
		w, _ := json.Marshal(map[string]any{"Key": "k", "Kind": "reduce.cum", "Params": json.RawMessage(p)})
		_, err := cluster.DecodeTask(w)
		assert.ErrorIs(t, err, reduce.ErrCumOp, p)
	}
}

func BenchmarkCumSum(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1 << 16, 1 << 20} {
		a := ndarray.Random([]int{n}, chunk.Uniform(n/16), 1)
		b.Run(fmt.Sprint("random-", n), func(b *testing.B) {
			b.SetBytes(int64(n) * 8)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reduce.CumSum(a, 0).Compute(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCumDependsOnlyOnEarlierBlocks builds block 1 of a cumulative sum
// alone: its graph reads input blocks 0 and 1, never 2 or 3.
func TestCumDependsOnlyOnEarlierBlocks(t *testing.T) {
	src := ndarray.Arange(0, 12, 1, chunk.Uniform(3))
	in := ndarray.Add(src, 1) // fused: its blocks are distinct tasks only through the scan
	out := reduce.CumSum(in, 0)
	b := ndarray.NewBuilder()
	_, err := b.Key(out, []int{1})
	require.NoError(t, err)
	scans := 0
	for _, k := range b.Graph().Keys() {
		tk, _ := b.Graph().Task(k)
		if tk.Op.Kind() == "reduce.cum" {
			enc, err := json.Marshal(tk.Op)
			require.NoError(t, err)
			if containsStage(enc, "scan") {
				scans++
			}
		}
	}
	assert.Equal(t, 2, scans)
	d, err := ndarray.Compute(t.Context(), []*ndarray.Array{out.Index(ndarray.Sl(3, 6, 1))})
	require.NoError(t, err)
	assert.Equal(t, []float64{10, 15, 21}, d[0].Float64s())
}

func containsStage(enc []byte, stage string) bool {
	var v struct{ Stage string }
	return json.Unmarshal(enc, &v) == nil && v.Stage == stage
}

// TestCumViaWire runs a decoded cumulative graph (as a remote scheduler
// receives it) and compares every block with the direct computation.
func TestCumViaWire(t *testing.T) {
	a := ndarray.RandomNormal([]int{40, 30}, chunk.Uniform(7), 3)
	for _, out := range []*ndarray.Array{reduce.NanCumSum(a, 0), reduce.CumProd(a.Mul(0.1).Add(1), 1)} {
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
}
