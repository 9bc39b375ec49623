package ndarray

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// allBut is every position of [0, n) except drop.
func allBut(n, drop int) []int {
	l := make([]int, 0, n-1)
	for i := range n {
		if i != drop {
			l = append(l, i)
		}
	}
	return l
}

// TestTakeDropOnePlansInListSize: dropping one element of a lazy 1-D
// array with Take costs about one copy of the user's list to plan, not a
// formatted token and a map entry per element (the old plan of 5e7
// positions allocated 5.7 GB); the values are the array without it.
func TestTakeDropOnePlansInListSize(t *testing.T) {
	const n = 1 << 20
	pos := allBut(n, n/2)
	listBytes := uint64(8 * len(pos))
	src := Random([]int{n}, chunk.PerAxis(1000), 3)
	var tk *Array
	got := allocDuring(func() {
		tk = src.Take(pos, 0)
		require.NoError(t, tk.Err())
		_ = tk.String()
		_, err := NewBuilder().Key(tk, []int{0})
		require.NoError(t, err)
	})
	assert.Less(t, got, 3*listBytes, "plan of a %d-position Take", len(pos))
	assert.Equal(t, []int{n - 1}, tk.Shape())
	// Chunks follow the source's blocks: the block holding n/2 loses one.
	ax := tk.Grid().Axis(0)
	b := n / 2 / 1000
	assert.Equal(t, 1000, ax.Size(0))
	assert.Equal(t, 999, ax.Size(b))

	// Values: a window across the dropped element, > 2048 elements.
	win := tk.Index(Sl(n/2-3000, n/2+3000, 1))
	want := Concatenate([]*Array{src.Index(Sl(n/2-3000, n/2, 1)), src.Index(Sl(n/2+1, n/2+3001, 1))}, 0)
	assert.Equal(t, mustCompute(t, want).Float64s(), mustCompute(t, win).Float64s())
}

// TestTakeTokenNamesTheList: two Takes of different lists have different
// names, equal lists equal names, although lists are hashed, not printed.
func TestTakeTokenNamesTheList(t *testing.T) {
	a := Arange(0, 5000, 1, chunk.PerAxis(1000))
	x, y := a.Take([]int{1, 2, 3}, 0), a.Take([]int{1, 2, 4}, 0)
	assert.NotEqual(t, x.Name(), y.Name())
	assert.Equal(t, x.Name(), a.Take([]int{1, 2, 3}, 0).Name())
	assert.NotEqual(t, x.Name(), a.Take([]int{1, 2, 3, 3}, 0).Name())
	assert.Equal(t, a.Take([]int{-1}, 0).Name(), a.Take([]int{-1}, 0).Name())
}

// TestTakeMonotonicChunks: a monotonic list keeps the source's block
// boundaries, increasing or decreasing, with repeats; any other list is
// cut into the source's largest chunk.
func TestTakeMonotonicChunks(t *testing.T) {
	a := Arange(0, 5000, 1, chunk.PerAxis(1000))
	cases := []struct {
		pos  []int
		want []int
	}{
		{[]int{0, 1, 999, 1000, 1000, 4999}, []int{3, 2, 1}},
		{[]int{4999, 3000, 2999, 5, 5, 0}, []int{1, 1, 1, 3}},
		{[]int{7, 7, 7}, []int{3}},
		{[]int{1, 3000, 2}, []int{3}},
		{[]int{-1, 0}, []int{1, 1}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.pos), func(t *testing.T) {
			tk := a.Take(tc.pos, 0)
			require.NoError(t, tk.Err())
			sizes, err := tk.Grid().Axis(0).Sizes()
			require.NoError(t, err)
			assert.Equal(t, tc.want, sizes)
			want := make([]float64, len(tc.pos))
			for i, p := range tc.pos {
				want[i] = float64((p + 5000) % 5000)
			}
			assert.Equal(t, want, mustCompute(t, tk).Float64s())
		})
	}
}

// TestGatherEveryDType: the width-generic gather kernel moves every dtype's
// bit patterns exactly, through a stepped, reversed and listed index of a
// 2-D block (more than 2048 elements).
func TestGatherEveryDType(t *testing.T) {
	const rows, cols = 60, 70
	for _, dt := range block.DTypes() {
		t.Run(dt.String(), func(t *testing.T) {
			d := block.Must(dt, rows, cols)
			for i := range rows * cols {
				v := float64(i % 97)
				if dt.IsBool() {
					v = float64(i % 3 % 2)
				}
				block.FillSlice(sliceAt(d, i), v)
			}
			a := FromDense(d, chunk.PerAxis(16, 32))
			rowsIdx := []int{59, 0, 17, 17, 33}
			g := a.Index(List(rowsIdx...), Sl(None, None, -3))
			require.NoError(t, g.Err())
			got := mustCompute(t, g)
			require.Equal(t, []int{len(rowsIdx), (cols + 2) / 3}, got.Shape())
			for i, r := range rowsIdx {
				for j := range got.Shape()[1] {
					c := cols - 1 - 3*j
					assert.Equal(t, d.At(r, c), got.At(i, j), "%s [%d %d]", dt, r, c)
				}
			}
			tr := mustCompute(t, a.Transpose())
			for i := 0; i < rows*cols; i += 7 {
				r, c := i/cols, i%cols
				assert.Equal(t, d.At(r, c), tr.At(c, r))
			}
		})
	}
}

// sliceAt is element i of d's buffer as a one-element typed slice.
func sliceAt(d *block.Dense, i int) any {
	switch v := d.Data().(type) {
	case []bool:
		return v[i : i+1]
	case []int8:
		return v[i : i+1]
	case []int16:
		return v[i : i+1]
	case []int32:
		return v[i : i+1]
	case []int64:
		return v[i : i+1]
	case []uint8:
		return v[i : i+1]
	case []uint16:
		return v[i : i+1]
	case []uint32:
		return v[i : i+1]
	case []uint64:
		return v[i : i+1]
	case []float32:
		return v[i : i+1]
	case []float64:
		return v[i : i+1]
	}
	panic(d.DType())
}

// TestGeometryOpsCrossTheWire: graphs of gather, assemble and reshape
// tasks encode as JSON under their registered kinds and field names and
// compute the same values after decoding, although the op types are
// unexported.
func TestGeometryOpsCrossTheWire(t *testing.T) {
	src := Arange(0, 6000, 1, chunk.PerAxis(1000))
	cases := map[string]struct {
		a      *Array
		fields []string
	}{
		"ndarray.gather":   {src.Index(Sl(4000, 10, -3)), []string{`"pieces"`, `"dtype"`, `"dst"`, `"axis"`}},
		"ndarray.assemble": {src.Index(Sl(1, None, 1)).Rechunk(chunk.PerAxis(2500)), []string{`"Pieces"`, `"DType"`, `"Src"`, `"Dst"`}},
		"ndarray.reshape":  {src.Index(Sl(2, None, 1)).Reshape([]int{2, 2999}), []string{`"Shape"`}},
	}
	for kind, tc := range cases {
		t.Run(kind, func(t *testing.T) {
			require.NoError(t, tc.a.Err())
			b := NewBuilder()
			keys, err := b.Keys(tc.a)
			require.NoError(t, err)
			found := false
			for _, k := range b.Graph().Keys() {
				task, _ := b.Graph().Task(k)
				if task.Op.Kind() != kind {
					continue
				}
				found = true
				enc, err := cluster.EncodeTask(task)
				require.NoError(t, err)
				for _, f := range tc.fields {
					assert.Contains(t, string(enc), f)
				}
			}
			require.True(t, found, "no %s task in the graph", kind)
			wire, err := json.Marshal(b.Graph())
			require.NoError(t, err)
			g := cluster.NewGraph()
			require.NoError(t, json.Unmarshal(wire, g))
			got := map[cluster.Key]*block.Dense{}
			err = cluster.NewLocal(cluster.LocalOptions{}).Run(ctx, g, keys, func(k cluster.Key, v cluster.Value) error {
				got[k] = v.(*block.Dense)
				return nil
			})
			require.NoError(t, err)
			var flat []float64
			for _, k := range keys {
				flat = append(flat, got[k].Float64s()...)
			}
			assert.Equal(t, mustCompute(t, tc.a).Float64s(), flat)
		})
	}
}

func init() {
	RegisterFunc("test.identity1d", func(_ context.Context, in []*block.Dense, _ BlockInfo) (*block.Dense, error) {
		return in[0], nil
	})
}

// testAxes are chunkings of length 5000 of every kind chunk.Axis stores:
// regular, concatenated, unit-step and stepped slices, and listed.
func testAxes(t *testing.T) map[string]chunk.Axis {
	t.Helper()
	reg := func(n, c int) chunk.Axis {
		a, err := chunk.RegularAxis(n, c)
		require.NoError(t, err)
		return a
	}
	cat := func(p ...chunk.Axis) chunk.Axis {
		a, err := chunk.ConcatAxes(p...)
		require.NoError(t, err)
		return a
	}
	sl := func(a chunk.Axis, start, step, count int) chunk.Axis {
		s, err := a.Slice(start, step, count)
		require.NoError(t, err)
		return s
	}
	list, err := chunk.ListAxis([]int{1000, 1, 2999, 500, 500})
	require.NoError(t, err)
	return map[string]chunk.Axis{
		"regular":      reg(5000, 300),
		"one chunk":    reg(5000, 5000),
		"concat":       cat(reg(2507, 100), reg(2493, 100)),
		"unit slice":   sl(reg(5017, 100), 17, 1, 5000),
		"step slice":   sl(reg(15000, 100), 2, 3, 5000),
		"listed":       list,
		"concat mixed": cat(sl(reg(3017, 64), 17, 1, 3000), list.Pieces()[0], reg(1000, 7)),
	}
}

// TestChunkRunsMatchSizes: chunkRuns is the axis's chunk sizes run-length
// encoded, and axisOfRuns rebuilds the same chunks.
func TestChunkRunsMatchSizes(t *testing.T) {
	for name, ax := range testAxes(t) {
		t.Run(name, func(t *testing.T) {
			want, err := ax.Sizes()
			require.NoError(t, err)
			runs, err := chunkRuns(ax)
			require.NoError(t, err)
			var got []int
			for _, r := range runs {
				assert.Positive(t, r.count)
				for range r.count {
					got = append(got, r.size)
				}
			}
			assert.Equal(t, want, got)
			back, err := axisOfRuns(runs)
			require.NoError(t, err)
			assert.True(t, back.Equal(ax), "%v rebuilt as %v", ax, back)
		})
	}
}

// TestContractAxisMatchesReference: contractAxis merges chunks into
// multiples of a factor exactly as the chunk-by-chunk reference (dask's
// reshape_rechunk step).
func TestContractAxisMatchesReference(t *testing.T) {
	ref := func(chunks []int, factor int) []int {
		var out []int
		res := 0
		for _, c := range chunks {
			c += res
			good := c / factor * factor
			res = c - good
			if good > 0 {
				out = append(out, good)
			}
		}
		return out
	}
	for name, ax := range testAxes(t) {
		for _, f := range []int{1, 2, 10, 100, 250, 1000} {
			t.Run(fmt.Sprint(name, "/", f), func(t *testing.T) {
				sizes, err := ax.Sizes()
				require.NoError(t, err)
				got, err := contractAxis(ax, f)
				require.NoError(t, err)
				gs, err := got.Sizes()
				require.NoError(t, err)
				assert.Equal(t, ref(sizes, f), gs)
			})
		}
	}
}

// TestHaloAxisMatchesReference: haloAxis is every chunk widened by the
// depth (clipped at the edges under BoundaryNone), for every kind of axis
// and depths below, at and beyond a chunk.
func TestHaloAxisMatchesReference(t *testing.T) {
	for name, ax := range testAxes(t) {
		for _, dep := range []int{0, 1, 7, 300, 2600} {
			for _, clip := range []bool{false, true} {
				t.Run(fmt.Sprint(name, "/", dep, "/", clip), func(t *testing.T) {
					n := ax.Len()
					var want []int
					for i := range ax.NumChunks() {
						from, to := haloRange(ax.Start(i), ax.Start(i+1), dep, n, clip)
						want = append(want, to-from)
					}
					got, err := haloAxis(ax, dep, n, clip)
					require.NoError(t, err)
					gs, err := got.Sizes()
					require.NoError(t, err)
					assert.Equal(t, want, gs)
				})
			}
		}
	}
}

// TestMapOverlapIrregularChunksValues: a 5x5 window sum over an array
// whose row chunks are irregular (a concatenation) equals the same sum
// over regular chunks, for every boundary (2800 elements).
func TestMapOverlapIrregularChunksValues(t *testing.T) {
	top := Random([]int{33, 40}, chunk.PerAxis(10, 10), 1)
	bot := Random([]int{37, 40}, chunk.PerAxis(10, 10), 2)
	irr := Concatenate([]*Array{top, bot}, 0)
	whole := mustCompute(t, irr)
	reg := FromDense(whole, chunk.PerAxis(10, 10))
	for _, bd := range []Boundary{BoundaryReflect, BoundaryPeriodic, BoundaryNearest, BoundaryConstant, BoundaryNone} {
		t.Run(bd.String(), func(t *testing.T) {
			ov := Overlap{Depth: []int{2, 2}, Boundary: bd, Value: 3}
			got := mustCompute(t, MapOverlap("test.windowsum", irr, block.Float64, ov, 2))
			want := mustCompute(t, MapOverlap("test.windowsum", reg, block.Float64, ov, 2))
			assert.Equal(t, want.Float64s(), got.Float64s())
		})
	}
}

// TestStackManyPlansPerBlockTouched: each block of a Stack of 2000 arrays
// is planned from the arrays it overlaps (a binary search), not by
// scanning all 2000 per block (the old plan of every block allocated
// hundreds of MB); the values are the inputs in order (8000 elements).
func TestStackManyPlansPerBlockTouched(t *testing.T) {
	const k = 2000
	xs := make([]*Array, k)
	for i := range xs {
		xs[i] = Arange(float64(4*i), float64(4*i+4), 1, chunk.PerAxis(4))
	}
	st := Stack(xs, 0)
	require.NoError(t, st.Err())
	got := allocDuring(func() {
		_, err := NewBuilder().Keys(st)
		require.NoError(t, err)
	})
	assert.Less(t, got, uint64(64<<20))
	want := make([]float64, 4*k)
	for i := range want {
		want[i] = float64(i)
	}
	assert.Equal(t, want, mustCompute(t, st).Float64s())
}
