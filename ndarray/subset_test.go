package ndarray

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// boxLiteral is a SubsetLayer over an in-memory block: the array is the
// part of d starting at off, its blocks literal tasks of that part. It
// counts the Subset calls; decline makes it refuse them.
type boxLiteral struct {
	d       *block.Dense
	off     []int
	decline bool
	calls   *int
}

func (l boxLiteral) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	box := a.grid.BlockBox(idx)
	for i := range box.Lo {
		box.Lo[i] += l.off[i]
		box.Hi[i] += l.off[i]
	}
	sub, err := l.d.SubBlock(box)
	if err != nil {
		return cluster.Task{}, err
	}
	return cluster.Task{Op: &literalOp{DType: sub.DType(), Shape: sub.Shape(), Data: sub.Bytes()}, Bytes: sub.Nbytes()}, nil
}

func (l boxLiteral) Subset(a *Array, box chunk.Box, grid *chunk.Grid) (Layer, bool) {
	*l.calls++
	if l.decline {
		return nil, false
	}
	off := make([]int, len(l.off))
	for i := range off {
		off[i] = l.off[i] + box.Lo[i]
	}
	return boxLiteral{d: l.d, off: off, calls: l.calls}, true
}

// TestIndexAsksSubsetLayer: step-1 boxes, integers (negative too), new
// axes and contiguous lists go through Subset, with one task per selected
// block and the gather path's values and chunks; steps, reversed and
// repeated lists, empty and whole selections do not ask; a declining
// layer falls back to the gather; names are deterministic.
func TestIndexAsksSubsetLayer(t *testing.T) {
	ctx := context.Background()
	d := block.Must(block.Int32, 9, 3000)
	for i, v := 0, block.Values[int32](d); i < len(v); i++ {
		v[i] = int32(i)
	}
	ref := FromDense(d, chunk.PerAxis(4, 1024))
	mk := func(decline bool) (*Array, *int) {
		n := 0
		return NewArray(block.Int32, ref.grid, "box-literal", boxLiteral{d: d, off: []int{0, 0}, decline: decline, calls: &n}), &n
	}
	cases := []struct {
		items []Index
		asks  bool
		tasks int
	}{
		{[]Index{Sl(2, 7, 1), Sl(1000, 2100, 1)}, true, 2 * 3},
		{[]Index{At(-1), Sl(-2000, None, 1)}, true, 3 + 3}, // reads + reshapes
		{[]Index{Sl(1, 2, 1), NewAxis, At(5)}, true, 1},    // same shape: no reshape
		{[]Index{List(3, 4, 5, 6), Sl(0, 10, 1)}, true, 2},
		{[]Index{Sl(0, 9, 3)}, false, 0},
		{[]Index{List(4, 3)}, false, 0},
		{[]Index{List(3, 3)}, false, 0},
		{[]Index{Sl(4, 4, 1)}, false, 0},
		{[]Index{Sl(8, 0, -1)}, false, 0},
	}
	for _, c := range cases {
		x, calls := mk(false)
		got, want := x.Index(c.items...), ref.Index(c.items...)
		require.NoError(t, got.Err(), "%v", c.items)
		assert.Equal(t, c.asks, *calls > 0, "%v asked Subset %d times", c.items, *calls)
		assert.Equal(t, want.Chunks(), got.Chunks(), "%v", c.items)
		if c.asks {
			b := NewBuilder()
			_, err := b.Keys(got)
			require.NoError(t, err)
			assert.Equal(t, c.tasks, b.Graph().Len(), "%v", c.items)
			again, _ := mk(false)
			assert.Equal(t, got.Name(), again.Index(c.items...).Name(), "names are deterministic")
		}
		gv, err := got.Compute(ctx)
		require.NoError(t, err)
		wv, err := want.Compute(ctx)
		require.NoError(t, err)
		assert.True(t, gv.Equal(wv), "%v: values differ", c.items)

		y, ycalls := mk(true)
		dv, err := y.Index(c.items...).Compute(ctx)
		require.NoError(t, err)
		assert.Equal(t, c.asks, *ycalls > 0)
		assert.True(t, dv.Equal(wv), "%v: declined values differ", c.items)
	}
	whole, calls := mk(false)
	var err error
	assert.Same(t, whole, whole.Index(Sl(0, 9, 1)))
	assert.Zero(t, *calls)
	// A selection after an integer stays direct: one read and one reshape.
	x, _ := mk(false)
	chained := x.Index(At(4), Sl(100, 2900, 1)).Index(Sl(-100, None, 1))
	b := NewBuilder()
	_, err = b.Keys(chained)
	require.NoError(t, err)
	kinds := map[string]int{}
	for _, k := range b.Graph().Keys() {
		task, _ := b.Graph().Task(k)
		kinds[task.Op.Kind()]++
	}
	assert.Equal(t, map[string]int{"ndarray.literal": 1, "ndarray.reshape": 1}, kinds)
	cv, err := chained.Compute(ctx)
	require.NoError(t, err)
	cw, err := ref.Index(At(4), Sl(2800, 2900, 1)).Compute(ctx)
	require.NoError(t, err)
	assert.True(t, cv.Equal(cw))
	// A chained selection composes offsets.
	x, _ = mk(false)
	got, err := x.Index(Sl(3, 9, 1), Sl(500, 2900, 1)).Index(At(2), Sl(-100, None, 1)).Compute(ctx)
	require.NoError(t, err)
	want, err := ref.Index(At(5), Sl(2800, 2900, 1)).Compute(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(want))
}
