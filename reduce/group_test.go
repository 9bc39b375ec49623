package reduce

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// groupRef is the plain definition: gather each group's members along
// axis 0 of an (n, m) matrix and reduce them one by one.
func groupRef(k GroupKind, v []float64, n, m int, codes []int, ng, ddof int) []float64 {
	out := make([]float64, ng*m)
	for g := range ng {
		for j := range m {
			var xs []float64
			for i := range n {
				if codes[i] == g {
					x := v[i*m+j]
					if k.skipNaN() && math.IsNaN(x) {
						continue
					}
					xs = append(xs, x)
				}
			}
			r := math.NaN()
			switch k {
			case GroupSum, GroupNanSum:
				r = 0
				for _, x := range xs {
					r += x
				}
			case GroupCount:
				r = float64(len(xs))
			case GroupMean, GroupNanMean:
				s := 0.0
				for _, x := range xs {
					s += x
				}
				r = s / float64(len(xs))
			case GroupVar, GroupNanVar, GroupStd, GroupNanStd:
				s := 0.0
				for _, x := range xs {
					s += x
				}
				mu := s / float64(len(xs))
				q := 0.0
				for _, x := range xs {
					q += (x - mu) * (x - mu)
				}
				if len(xs)-ddof > 0 {
					r = q / float64(len(xs)-ddof)
				}
				if k == GroupStd || k == GroupNanStd {
					r = math.Sqrt(r)
				}
			case GroupMin, GroupNanMin, GroupMax, GroupNanMax:
				for i, x := range xs {
					isMin := k == GroupMin || k == GroupNanMin
					if i == 0 || math.IsNaN(x) || (!math.IsNaN(r) && ((isMin && x < r) || (!isMin && x > r))) {
						r = x
					}
					if math.IsNaN(r) {
						break
					}
				}
			case GroupFirst, GroupNanFirst:
				if len(xs) > 0 {
					r = xs[0]
				}
			case GroupLast, GroupNanLast:
				if len(xs) > 0 {
					r = xs[len(xs)-1]
				}
			case GroupProd, GroupNanProd:
				r = 1
				for _, x := range xs {
					r *= x
				}
			case GroupAny:
				r = 0
				for _, x := range xs {
					if x != 0 {
						r = 1
					}
				}
			case GroupAll:
				r = 1
				for _, x := range xs {
					if x == 0 {
						r = 0
					}
				}
			}
			out[g*m+j] = r
		}
	}
	return out
}

var allGroupKinds = []GroupKind{GroupSum, GroupNanSum, GroupProd, GroupNanProd, GroupMean, GroupNanMean, GroupVar, GroupNanVar,
	GroupStd, GroupNanStd, GroupMin, GroupNanMin, GroupMax, GroupNanMax, GroupCount, GroupFirst, GroupNanFirst,
	GroupLast, GroupNanLast, GroupAny, GroupAll}

func TestGroupReduceMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, m, ng := 3000, 3, 7
	v := make([]float64, n*m)
	for i := range v {
		v[i] = rng.Float64()*4 - 1
		if rng.IntN(20) == 0 {
			v[i] = math.NaN()
		}
	}
	codes := make([]int, n)
	for i := range codes {
		codes[i] = rng.IntN(ng+1) - 1 // -1 drops
	}
	// group 5 absent; group 6 only once, in the last block
	for i := range codes {
		if codes[i] >= 5 {
			codes[i] = -1
		}
	}
	codes[n-1] = 6
	d, err := block.FromSlice(v, n, m)
	require.NoError(t, err)
	for _, k := range allGroupKinds {
		want := groupRef(k, v, n, m, codes, ng, 1)
		for _, spec := range []chunk.Spec{chunk.Uniform(n), chunk.PerAxis(7, 2), chunk.PerAxis(2100, 1), chunk.PerAxis(64, 3)} {
			got, err := GroupReduce(ndarray.FromDense(d, spec), 0, codes, ng, k, DDOF(1), SplitEvery(3)).Compute(ctx)
			require.NoError(t, err, k)
			require.Equal(t, []int{ng, m}, got.Shape())
			for e, w := range want {
				g := got.Float64(e)
				if math.IsNaN(w) {
					assert.True(t, math.IsNaN(g), "%s %v [%d]: got %v, want NaN", k, spec, e, g)
				} else {
					assert.InDelta(t, w, g, 1e-9*math.Max(1, math.Abs(w)), "%s %v [%d]", k, spec, e)
				}
			}
		}
	}
}

func TestGroupReduceLastAxisAndInts(t *testing.T) {
	// (2, 5) int32 grouped along the last axis
	v := []int32{1, 2, 3, 4, 5, 10, 20, 30, 40, 50}
	d, _ := block.FromSlice(v, 2, 5)
	codes := []int{0, 1, 0, -1, 1}
	a := ndarray.FromDense(d, chunk.PerAxis(1, 2))
	s := GroupReduce(a, -1, codes, 2, GroupSum)
	require.NoError(t, s.Err())
	assert.Equal(t, block.Int64, s.DType())
	got, err := s.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{4, 7, 40, 70}, got.Data())
	mx, err := GroupReduce(a, 1, codes, 3, GroupMax).Compute(ctx) // group 2 empty: float64 with NaN
	require.NoError(t, err)
	assert.Equal(t, block.Float64, mx.DType())
	assert.Equal(t, []float64{3, 5}, mx.Data().([]float64)[0:2])
	assert.True(t, math.IsNaN(mx.Float64(2)))
	mean, err := GroupReduce(a, 1, codes, 2, GroupMean).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{2, 3.5, 20, 35}, mean.Data())
}

func TestGroupReduceErrors(t *testing.T) {
	a := ndarray.Zeros(block.Float32, []int{4, 2}, chunk.Uniform(2))
	for name, got := range map[string]*ndarray.Array{
		"short codes": GroupReduce(a, 0, []int{0, 1}, 2, GroupSum),
		"code high":   GroupReduce(a, 0, []int{0, 1, 2, 0}, 2, GroupSum),
		"code low":    GroupReduce(a, 0, []int{0, -2, 1, 0}, 2, GroupSum),
	} {
		assert.ErrorIs(t, got.Err(), ErrGroupCodes, name)
	}
	assert.ErrorIs(t, GroupReduce(a, 2, []int{0, 0}, 1, GroupSum).Err(), ErrAxis)
	assert.Error(t, GroupReduce(a, 0, []int{0, 0, 0, 0}, 1, "median").Err())
	assert.Error(t, GroupReduce(a, 0, []int{0, 0, 0, 0}, 1, GroupSum, SplitEvery(1)).Err())
}

// TestGroupPartialWire: the partial task crosses the wire as JSON, and
// malformed params decoded from it fail with an error, not a panic.
func TestGroupPartialWire(t *testing.T) {
	a := ndarray.Arange(0, 10, 1, chunk.Uniform(4)).AsType(block.Float64, block.OverflowError)
	codes := []int{0, 0, 1, 1, 0, 0, 1, 1, 2, 2}
	g := GroupReduce(a, 0, codes, 3, GroupMean)
	b := ndarray.NewBuilder()
	_, err := b.Keys(g)
	require.NoError(t, err)
	var task cluster.Task
	for _, key := range b.Graph().Keys() {
		tk, _ := b.Graph().Task(key)
		if tk.Op.Kind() == "reduce.grouppartial" && slices.Equal(tk.Op.(*groupPartialOp).Codes, []int{0, 0, 1, 1}) {
			task = *tk
		}
	}
	require.NotNil(t, task.Op, "each partial carries only its block's codes")
	raw, err := json.Marshal(task.Op)
	require.NoError(t, err)
	var op groupPartialOp
	require.NoError(t, json.Unmarshal(raw, &op))
	_, err = op.Run(ctx, nil)
	require.NoError(t, err)
	for name, mutate := range map[string]func(o *groupPartialOp){
		"codes length": func(o *groupPartialOp) { o.Codes = o.Codes[:2] },
		"code range":   func(o *groupPartialOp) { o.Codes = []int{0, 5, 0, 0} },
		"axis":         func(o *groupPartialOp) { o.Axis = 3 },
		"kind":         func(o *groupPartialOp) { o.Reduction = "nope" },
		"kernel":       func(o *groupPartialOp) { o.Kernel = ndarray.FusedBlock{} },
	} {
		var bad groupPartialOp
		require.NoError(t, json.Unmarshal(raw, &bad))
		mutate(&bad)
		_, err := bad.Run(ctx, nil)
		assert.Error(t, err, name)
	}
	_, err = (&groupCombineOp{Reduction: "mean"}).Run(ctx, []cluster.Value{&groupPartial{Kind: "mean", Shape: []int{2}, S: []float64{1}}})
	assert.Error(t, err)
	_, err = (&groupFinalizeOp{Reduction: "mean", DType: block.Float64, Shape: []int{3}}).Run(ctx, []cluster.Value{&groupPartial{Kind: "mean", Shape: []int{2}, N: []float64{1, 1}, S: []float64{1, 1}, C: []float64{0, 0}}})
	assert.Error(t, err)
}

// TestGroupReduceMemoryIndependentOfGroupSize: a mean over 2^20 positions
// in 256 blocks, all one group, declares no task bigger than a block, and
// runs within a budget of a few blocks.
func TestGroupReduceMemoryIndependentOfGroupSize(t *testing.T) {
	n, c := 1<<20, 1<<12
	a := ndarray.Random([]int{n, 4}, chunk.PerAxis(c, 4), 3)
	codes := make([]int, n)
	g := GroupReduce(a, 0, codes, 1, GroupMean)
	b := ndarray.NewBuilder()
	_, err := b.Keys(g)
	require.NoError(t, err)
	blockBytes := int64(c * 4 * 8)
	for _, key := range b.Graph().Keys() {
		tk, _ := b.Graph().Task(key)
		assert.LessOrEqual(t, tk.Bytes+tk.Scratch, blockBytes, tk.Key)
	}
	got, err := g.Compute(ctx, ndarray.WithMemoryBudget(4*blockBytes))
	require.NoError(t, err)
	assert.InDelta(t, 0.5, got.Float64(0), 0.01)
}

// BenchmarkGroupReduce: a monthly-style mean (12 groups) along the first
// axis of a random float32 (n, 64, 64) array, beside the ungrouped Mean
// over the same axis as the baseline.
func BenchmarkGroupReduce(b *testing.B) {
	for _, n := range []int{365, 3650} {
		a := ndarray.Random([]int{n, 64, 64}, chunk.PerAxis(365, 64, 64), 1).AsType(block.Float32, block.OverflowWrap)
		codes := make([]int, n)
		for i := range codes {
			codes[i] = (i / 31) % 12
		}
		b.Run(fmt.Sprintf("group-mean/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n) * 64 * 64 * 4)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := GroupReduce(a, 0, codes, 12, GroupNanMean).Compute(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("mean-baseline/n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n) * 64 * 64 * 4)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NanMean(a, Axis(0)).Compute(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
