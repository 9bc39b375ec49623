package cluster

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// foldOp sums its inputs into a value of a declared size.
type foldOp struct{ Bytes int64 }

func (foldOp) Kind() string { return "test.fold" }
func (o foldOp) Run(_ context.Context, in []Value) (Value, error) {
	s := 0.0
	for _, v := range in {
		s += v.(num).V
	}
	return num{V: s, Bytes: o.Bytes}, nil
}

func init() { Register("test.fold", func() Op { return &foldOp{} }) }

// stackGraph is the shape of two reductions of one (time, space) stack of
// blocks: over time, whose partials are as large as a block, and over
// space, whose partials are 8 bytes. It returns the roots of each.
func stackGraph(t *testing.T, times, spaces int, block int64) (*Graph, []Key, []Key) {
	g := NewGraph()
	var overTime, overSpace []Key
	for s := range spaces {
		var in []Key
		for tt := range times {
			b := Key(fmt.Sprintf("b%d-%d", tt, s))
			require.NoError(t, g.Add(Task{Key: b, Op: constOp{V: 1, Bytes: block}, Bytes: block}))
			p := Key(fmt.Sprintf("pt%d-%d", tt, s))
			require.NoError(t, g.Add(Task{Key: p, Op: foldOp{Bytes: block}, Inputs: []Key{b}, Bytes: block}))
			in = append(in, p)
		}
		k := Key(fmt.Sprintf("time%d", s))
		require.NoError(t, g.Add(Task{Key: k, Op: foldOp{Bytes: block}, Inputs: in, Bytes: block}))
		overTime = append(overTime, k)
	}
	for tt := range times {
		var in []Key
		for s := range spaces {
			p := Key(fmt.Sprintf("ps%d-%d", tt, s))
			require.NoError(t, g.Add(Task{Key: p, Op: foldOp{Bytes: 8}, Inputs: []Key{Key(fmt.Sprintf("b%d-%d", tt, s))}, Bytes: 8}))
			in = append(in, p)
		}
		k := Key(fmt.Sprintf("space%d", tt))
		require.NoError(t, g.Add(Task{Key: k, Op: foldOp{Bytes: 8}, Inputs: in, Bytes: 8}))
		overSpace = append(overSpace, k)
	}
	return g, overTime, overSpace
}

// TestPeakIndependentOfOutputOrder computes both reductions of a stack in
// both orders of the outputs. Whichever comes first, the large partials of
// the reduction over time must finish block by block instead of all
// waiting for the reduction over space to sweep the stack.
func TestPeakIndependentOfOutputOrder(t *testing.T) {
	const times, spaces, block = 10, 64, 1000
	g, overTime, overSpace := stackGraph(t, times, spaces, block)
	peak := func(want []Key, workers int) int64 {
		var p int64
		ex := NewLocal(LocalOptions{Workers: workers, Progress: func(pr Progress) { p = max(p, pr.PeakBytes) }})
		n := 0
		require.NoError(t, ex.Run(context.Background(), g, want, func(Key, Value) error { n++; return nil }))
		require.Equal(t, len(want), n)
		return p
	}
	for _, workers := range []int{1, 2} {
		timeFirst := peak(append(append([]Key(nil), overTime...), overSpace...), workers)
		spaceFirst := peak(append(append([]Key(nil), overSpace...), overTime...), workers)
		t.Logf("workers %d: peak %d bytes with the mean over time first, %d with the mean over space first", workers, timeFirst, spaceFirst)
		// One column of partials over time and a few blocks, not a sweep.
		bound := int64(2*times+8*workers) * block
		assert.LessOrEqual(t, timeFirst, bound, "time first, %d workers", workers)
		assert.LessOrEqual(t, spaceFirst, bound, "space first, %d workers", workers)
	}
}

// Without byte differences Order is the depth-first post-order.
func TestOrderIsDepthFirstWithoutSizes(t *testing.T) {
	g, root := tree(t, 8, 8)
	tasks := make([]runTask, 0, g.Len())
	ids := map[Key]int32{}
	for i, k := range g.Keys() {
		ids[k] = int32(i)
		tk, _ := g.Task(k)
		tasks = append(tasks, runTask{task: tk})
	}
	for i := range tasks {
		for _, in := range tasks[i].task.Inputs {
			tasks[i].inputs = append(tasks[i].inputs, ids[in])
			tasks[ids[in]].deps = append(tasks[ids[in]].deps, int32(i))
		}
	}
	prio := Order(localPlan(tasks), []int32{ids[root]})
	var post []int32
	PostOrder(len(tasks), []int32{ids[root]}, func(i int32) []int32 { return tasks[i].inputs }, func(i int32) { post = append(post, i) })
	for want, i := range post {
		assert.EqualValues(t, want, prio[i], "task %s", tasks[i].task.Key)
	}
}
