package stats

import (
	"context"
	"encoding/json"
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

// TestSelectColumnPlan: a stack chunked along the reduced axis (irregular
// time chunks, kept chunks that fit) is selected by one task per kept
// block over its column of time blocks, with no rechunk task; every task
// computes the same block after a trip through its wire form; the medians
// and quantiles equal those found by sorting each pixel's values, NaN
// pixels included, and equal the one-block result.
func TestSelectColumnPlan(t *testing.T) {
	ctx := context.Background()
	const T, Y, X = 21, 9, 40
	r := rand.New(rand.NewPCG(5, 9))
	d := block.Must(block.Float32, T, Y, X)
	v := block.Values[float32](d)
	for i := range v {
		v[i] = float32(r.IntN(50)) / 4 // ties, as real data have
	}
	v[3*Y*X+2*X+7] = float32(math.NaN()) // pixel (2, 7) holds a NaN
	a := ndarray.FromDense(d, chunk.Explicit([]int{3, 8, 10}, []int{4, 5}, []int{40}))
	require.NoError(t, a.Err())
	med := Median(a, QuantileAxis(0))
	nq := NanQuantiles(a, []float64{0.1, 0.5, 0.9}, QuantileAxis(0))

	b := ndarray.NewBuilder()
	keys, err := b.Keys(med)
	require.NoError(t, err)
	require.Len(t, keys, 2, "one task per kept block")
	g := b.Graph()
	selects := 0
	for _, k := range g.Keys() {
		tk, ok := g.Task(k)
		require.True(t, ok)
		assert.NotEqual(t, "ndarray.assemble", tk.Op.Kind(), "no rechunk of the time blocks")
		if tk.Op.Kind() == "stats.select" {
			selects++
			assert.Len(t, tk.Inputs, 3, "the column of time blocks")
		}
	}
	assert.Equal(t, 2, selects)
	// each select task, decoded as a remote worker does, gives the block
	for _, k := range keys {
		tk, _ := g.Task(k)
		wire, err := json.Marshal(tk.Op)
		require.NoError(t, err)
		fresh, err := cluster.NewOp(tk.Op.Kind())
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(wire, fresh))
		var in []cluster.Value
		for _, ik := range tk.Inputs {
			it, _ := g.Task(ik)
			iv, err := it.Op.Run(ctx, nil)
			require.NoError(t, err)
			in = append(in, iv)
		}
		v1, err := tk.Op.Run(ctx, in)
		require.NoError(t, err)
		v2, err := fresh.Run(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, f32bits(v1.(*block.Dense)), f32bits(v2.(*block.Dense)))
	}

	gotMed, err := med.Compute(ctx)
	require.NoError(t, err)
	gotQ, err := nq.Compute(ctx)
	require.NoError(t, err)
	one, err := Median(ndarray.FromDense(d, chunk.PerAxis(T, Y, X)), QuantileAxis(0)).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, f32bits(one), f32bits(gotMed))
	buf := make([]float64, 0, T)
	for y := range Y {
		for x := range X {
			buf = buf[:0]
			nan := false
			for tt := range T {
				f := float64(v[(tt*Y+y)*X+x])
				if math.IsNaN(f) {
					nan = true
					continue
				}
				buf = append(buf, f)
			}
			slices.Sort(buf)
			n := len(buf)
			e := y*X + x
			if nan {
				assert.True(t, math.IsNaN(gotMed.Float64(e)), "median (%d, %d) of a NaN pixel", y, x)
			} else {
				assert.Equal(t, (buf[(n-1)/2]+buf[n/2])/2, gotMed.Float64(e), "median (%d, %d)", y, x)
			}
			for i, q := range []float64{0.1, 0.5, 0.9} {
				pos := q * float64(n-1)
				lo := int(math.Floor(pos))
				hi := min(lo+1, n-1)
				want := buf[lo] + (buf[hi]-buf[lo])*(pos-float64(lo))
				assert.InDelta(t, want, gotQ.Float64(i*Y*X+e), 1e-12, "q%g (%d, %d)", q, y, x)
			}
		}
	}
}

// TestSelectOpSplitWire: malformed splits from the wire are refused at
// decode; inputs that do not match the split fail the task with an error.
func TestSelectOpSplitWire(t *testing.T) {
	good := qParams{Q: []float64{0.5}, Method: "median", In: block.Float32, Out: block.Float32}
	op := &selectOp{Params: good, Reduced: []bool{true, false}, Shape: []int{2}, Split: []int{2, 1}}
	wire, err := json.Marshal(op)
	require.NoError(t, err)
	var back selectOp
	require.NoError(t, json.Unmarshal(wire, &back))
	assert.Equal(t, op.Split, back.Split)
	const p = `{"Params":{"Q":[0.5],"Method":"median","In":"float32","Out":"float32"},"Reduced":[true,false],"Shape":[2]`
	for _, s := range []string{
		p + `,"Split":[2,2]}`,     // split along a kept axis
		p + `,"Split":[0,1]}`,     // no block
		p + `,"Split":[2]}`,       // wrong rank
		p + `,"Split":[-3,1]}`,    // negative
		p + `,"Split":[70000,1]}`, // past maxSelectInputs
		p + `,"Split":[1,"x"]}`,   // not a number
	} {
		assert.Error(t, json.Unmarshal([]byte(s), &selectOp{}), s)
	}
	ctx := context.Background()
	x := block.Must(block.Float32, 3, 2)
	_, err = op.Run(ctx, []cluster.Value{x})
	assert.ErrorContains(t, err, "1 inputs, want 2")
	_, err = op.Run(ctx, []cluster.Value{x, block.Must(block.Float32, 3, 3)})
	assert.ErrorIs(t, err, block.ErrShape)
	_, err = op.Run(ctx, []cluster.Value{x, block.Must(block.Float64, 3, 2)})
	assert.ErrorIs(t, err, block.ErrShape)
	got, err := op.Run(ctx, []cluster.Value{x, block.Must(block.Float32, 1, 2)})
	require.NoError(t, err)
	assert.Equal(t, []int{2}, got.(*block.Dense).Shape())
}

// f32bits is the bit patterns of a float32 block (NaN compare equal).
func f32bits(d *block.Dense) []uint32 {
	v := block.Values[float32](d)
	b := make([]uint32, len(v))
	for i, x := range v {
		b[i] = math.Float32bits(x)
	}
	return b
}

// TestSelectLongColumnRechunks: a reduced axis split into more blocks
// than one task may read is rechunked whole first, and the median is
// still exact.
func TestSelectLongColumnRechunks(t *testing.T) {
	n := maxSelectInputs + 3
	d := block.Must(block.Int16, n, 2)
	v := block.Values[int16](d)
	for i := range v {
		v[i] = int16((i*7919)%1001 - 500)
	}
	a := ndarray.FromDense(d, chunk.PerAxis(1, 2))
	med := Median(a, QuantileAxis(0))
	require.NoError(t, med.Err())
	got, err := med.Compute(context.Background())
	require.NoError(t, err)
	for x := range 2 {
		col := make([]float64, 0, n)
		for tt := range n {
			col = append(col, float64(v[tt*2+x]))
		}
		slices.Sort(col)
		assert.Equal(t, (col[(n-1)/2]+col[n/2])/2, got.Float64(x), "pixel %d", x)
	}
}
