package ndarray

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

func TestScalarResults(t *testing.T) {
	ctx := context.Background()
	v, err := Full(block.Float32, 2.5, []int{1, 1, 1}, chunk.Spec{}).Float64(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2.5, v)

	zero, err := Arange(7, 8, 1, chunk.Spec{}).Reshape([]int{}).Int64(ctx) // 0-d int64
	require.NoError(t, err)
	assert.Equal(t, int64(7), zero)

	big := FromDense(must1(block.FromSlice([]int64{math.MaxInt64 - 1})), chunk.Spec{})
	n, err := big.Int64(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(math.MaxInt64-1), n, "exact, not through float64")

	s, err := Scalar[int64](ctx, big)
	require.NoError(t, err)
	assert.Equal(t, int64(math.MaxInt64-1), s)

	_, err = Ones(block.Float64, []int{2}, chunk.Spec{}).Float64(ctx)
	assert.ErrorIs(t, err, block.ErrShape)
	_, err = Ones(block.Int8, []int{0, 3}, chunk.Spec{}).Int64(ctx)
	assert.ErrorIs(t, err, block.ErrShape)
	_, err = Ones(block.Float64, []int{1}, chunk.Spec{}).Int64(ctx)
	assert.ErrorIs(t, err, block.ErrDTypeMismatch)
	_, err = Scalar[float32](ctx, big)
	assert.ErrorIs(t, err, block.ErrDTypeMismatch)
	huge := FromDense(must1(block.FromSlice([]uint64{math.MaxUint64})), chunk.Spec{})
	_, err = huge.Int64(ctx)
	assert.ErrorIs(t, err, block.ErrOverflow)
	u, err := Scalar[uint64](ctx, huge)
	require.NoError(t, err)
	assert.Equal(t, uint64(math.MaxUint64), u)

	boom := errors.New("boom")
	_, err = Errored(boom).Float64(ctx)
	assert.ErrorIs(t, err, boom)
	_, err = Scalar[int64](ctx, nil)
	assert.ErrorIs(t, err, ErrOperand)
}

type scaleParams struct {
	Factor float64 `json:"factor"`
	Label  string  `json:"label"`
}

func init() {
	RegisterBlockFunc("test.scale", func(_ context.Context, in []*block.Dense, p scaleParams, _ BlockInfo) (*block.Dense, error) {
		if p.Label != "ok" {
			return nil, errors.New("label did not arrive")
		}
		out := in[0].Clone()
		v := block.Values[float64](out)
		for i := range v {
			v[i] *= p.Factor
		}
		return out, nil
	})
}

func TestTypedBlockFuncParams(t *testing.T) {
	ctx := context.Background()
	x := Arange(0, 6, 1, chunk.Uniform(4)).AsType(block.Float64, block.OverflowError)
	y := MapBlocks("test.scale", []*Array{x}, block.Float64, nil, scaleParams{Factor: 3, Label: "ok"})
	d, err := y.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 3, 6, 9, 12, 15}, block.Values[float64](d))

	// A pointer and a json.RawMessage encode the same way.
	z := MapBlocks("test.scale", []*Array{x}, block.Float64, nil, &scaleParams{Factor: 3, Label: "ok"})
	require.NoError(t, z.Err())
	r := MapBlocks("test.scale", []*Array{x}, block.Float64, nil, json.RawMessage(`{"factor":3,"label":"ok"}`))
	require.NoError(t, r.Err())
	assert.Equal(t, y.Name(), r.Name(), "equal params give equal tokens")

	// Params that cannot encode: an error on the returned array.
	bad := MapBlocks("test.scale", []*Array{x}, block.Float64, nil, func() {})
	assert.ErrorIs(t, bad.Err(), ErrParams)
	var pe *ParamsError
	require.ErrorAs(t, bad.Err(), &pe)
	assert.Equal(t, "test.scale", pe.Func)
	_, err = bad.Compute(ctx)
	assert.ErrorIs(t, err, ErrParams)

	// Params of the wrong type: found at MapBlocks and MapOverlap.
	wrong := MapOverlap("test.scale", x, block.Float64, Overlap{Depth: []int{0}}, "three")
	require.ErrorAs(t, wrong.Err(), &pe)
	assert.Equal(t, "ndarray.scaleParams", pe.Type)

	// A task decoded from the wire whose params do not decode: a typed
	// error when it runs, not a panic.
	g := NewBuilder()
	k, err := g.Key(y, []int{0})
	require.NoError(t, err)
	task, _ := g.Graph().Task(k)
	wire, err := cluster.EncodeTask(task)
	require.NoError(t, err)
	tampered := strings.Replace(string(wire), `"Params":"`, `"Params":"`+"eyJmYWN0b3IiOiJ4In0="+`","Old":"`, 1) // {"factor":"x"}
	dec, err := cluster.DecodeTask([]byte(tampered))
	require.NoError(t, err)
	in := block.Must(block.Float64, 4)
	_, err = dec.Op.Run(ctx, []cluster.Value{in})
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, ErrParams)

	// Untampered, the decoded task computes the block.
	dec, err = cluster.DecodeTask(wire)
	require.NoError(t, err)
	out, err := dec.Op.Run(ctx, []cluster.Value{must1(block.FromSlice([]float64{1, 2, 3, 4}, 4))})
	require.NoError(t, err)
	assert.Equal(t, []float64{3, 6, 9, 12}, block.Values[float64](out.(*block.Dense)))
}

func TestReprFields(t *testing.T) {
	a := Random([]int{1000, 1000}, chunk.PerAxis(250, 1000), 1)
	s := a.String()
	for _, want := range []string{"shape=[1000 1000]", "dtype=float64", "chunksize=[250 1000]", "chunks=4", "tasks=4",
		"7.63 MiB", "1.91 MiB", "4 tasks", "4 chunks", "[250 1000]", "float64"} {
		assert.Contains(t, s, want)
	}
	one := fmtV(a)
	assert.NotContains(t, one, "\n")
	assert.Equal(t, strings.SplitN(s, "\n", 2)[0], one, "%#v is String's first line")
	assert.Equal(t, s, fmtS(a))

	e := Errored(errors.New("no such file"))
	assert.Equal(t, "ndarray.Array<error: no such file>", e.String())
	assert.Equal(t, e.String(), fmtV(e))
	var nilArr *Array
	assert.Contains(t, fmtS(nilArr), "nil *Array")
}

// TestTasksMatchTheBuiltGraph: the symbolic count equals the number of
// tasks a Builder adds for every block, for recipes of one task per block
// that read every block of their inputs. (A slice reads fewer: the count
// is the whole recipe's, as dask's; MapOverlap's halo slabs are not
// counted: see Array.Tasks.)
func TestTasksMatchTheBuiltGraph(t *testing.T) {
	lit := FromDense(must1(block.FromSlice([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4)), chunk.PerAxis(2, 3))
	other := FromDense(must1(block.FromSlice([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4)), chunk.PerAxis(1, 4))
	mapped := MapBlocks("test.scale", []*Array{lit}, block.Float64, nil, scaleParams{Factor: 2, Label: "ok"})
	cases := map[string]*Array{
		"random":           Random([]int{30, 40}, chunk.PerAxis(7, 9), 1),
		"literal":          lit,
		"fused chain":      lit.Add(1).Mul(lit).Sub(2),
		"two literals":     Add(lit, lit.Mul(2)),
		"mapblocks":        mapped,
		"mapblocks+expr":   mapped.Add(lit),
		"diamond":          Add(mapped, MapBlocks("test.scale", []*Array{mapped}, block.Float64, nil, scaleParams{Factor: 1, Label: "ok"})),
		"rechunked inputs": Add(lit, other),
		"rechunk":          lit.Rechunk(chunk.PerAxis(2, 2)),
		"transpose":        lit.Transpose(),
		"pad":              lit.Pad([][2]int{{1, 1}, {2, 2}}, PadEdge, 0),
		"reshape":          lit.Reshape([]int{12}),
		"concatenate":      Concatenate([]*Array{lit, lit.Add(1)}, 0),
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, a.Err())
			b := NewBuilder()
			_, err := b.Keys(a)
			require.NoError(t, err)
			assert.Equal(t, int64(b.Graph().Len()), a.Tasks())
		})
	}
}

// TestReprOfHugeArrayIsOrderLayers: the repr of arrays of 10^12 tasks
// costs O(layers): it allocates no more than a small plan does.
func TestReprOfHugeArrayIsOrderLayers(t *testing.T) {
	var s string
	n := allocDuring(func() {
		x := Random([]int{1 << 20, 1 << 20}, chunk.PerAxis(1, 1), 1)
		m := MapBlocks("test.scale", []*Array{x}, block.Float64, nil, scaleParams{Factor: 2, Label: "ok"})
		y := Sqrt(Add(m.Mul(2), x))
		s = y.String()
	})
	assert.Less(t, n, uint64(planLimit))
	assert.Contains(t, s, "tasks=3298534883328") // 3 * 2^40: random, mapblocks, the fused chain
	assert.Contains(t, s, "8.00 TiB")
}

// TestTasksOfPersistedStopAtIt: a persisted array counts one task per
// block, not the recipe it was computed from.
func TestTasksOfPersistedStopAtIt(t *testing.T) {
	ex := cluster.NewLocal(cluster.LocalOptions{})
	src := MapBlocks("test.scale", []*Array{Random([]int{20, 30}, chunk.PerAxis(6, 7), 1)}, block.Float64, nil, scaleParams{Factor: 2, Label: "ok"})
	require.Equal(t, int64(40), src.Tasks())
	p, err := src.Persist(context.Background(), ex)
	require.NoError(t, err)
	defer p.Release(ex)
	assert.Equal(t, int64(20), p.Tasks())
	assert.Equal(t, int64(40), p.Add(1).Tasks())
}

func fmtV(a *Array) string { return fmt.Sprintf("%#v", a) }
func fmtS(a *Array) string { return fmt.Sprintf("%s", a) }

// BenchmarkArrayString: the repr of an array of 3*2^40 tasks (a source,
// a block function over it, a fused chain over both) costs O(layers).
func BenchmarkArrayString(b *testing.B) {
	x := Random([]int{1 << 20, 1 << 20}, chunk.PerAxis(1, 1), 1)
	m := MapBlocks("test.scale", []*Array{x}, block.Float64, nil, scaleParams{Factor: 2, Label: "ok"})
	y := Sqrt(Add(m.Mul(2), x))
	require.NoError(b, y.Err())
	b.ReportAllocs()
	for b.Loop() {
		_ = y.String()
	}
}
