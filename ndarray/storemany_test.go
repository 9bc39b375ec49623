package ndarray

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// runCounter counts graph runs and the tasks of each graph it is given.
type runCounter struct {
	inner cluster.Executor
	mu    sync.Mutex
	runs  int
	tasks int
}

func (c *runCounter) Run(ctx context.Context, g *cluster.Graph, want []cluster.Key, emit func(cluster.Key, cluster.Value) error) error {
	c.mu.Lock()
	c.runs++
	c.tasks += g.Len()
	c.mu.Unlock()
	return c.inner.Run(ctx, g, want, emit)
}

// TestStoreManyOneRun: two arrays derived from one source go to two sinks
// in one graph run, the source's blocks computed once for both (as
// da.store of several arrays), and each sink's bytes are reported.
func TestStoreManyOneRun(t *testing.T) {
	src := FromDense(block.Must(block.Float64, 8, 6), chunk.PerAxis(4, 3))
	src = Add(src, Arange(0, 48, 1, chunk.PerAxis(48)).Reshape([]int{8, 6}).Rechunk(chunk.PerAxis(4, 3)))
	lit := FromDense(mustCompute(t, src), chunk.PerAxis(4, 3)) // 4 literal source tasks
	a, b := Mul(lit, 2.0), Add(lit, 1.0)
	memTargets.Lock()
	memTargets.m["many-a"] = block.Must(block.Float64, 8, 6)
	memTargets.m["many-b"] = block.Must(block.Float64, 8, 6)
	memTargets.Unlock()
	ex := &runCounter{inner: cluster.NewLocal(cluster.LocalOptions{Workers: 2})}
	n, err := StoreMany(ctx, []StoreTarget{{a, memSink{Name: "many-a"}}, {b, memSink{Name: "many-b"}}}, WithExecutor(ex))
	require.NoError(t, err)
	assert.Equal(t, 1, ex.runs)
	assert.Equal(t, 4+4+4+8, ex.tasks, "4 source tasks shared, 4 per derived array, 8 writes")
	assert.Equal(t, []int64{a.Nbytes(), b.Nbytes()}, n)
	memTargets.Lock()
	ga, gb := memTargets.m["many-a"], memTargets.m["many-b"]
	memTargets.Unlock()
	assert.True(t, ga.Equal(mustCompute(t, a)))
	assert.True(t, gb.Equal(mustCompute(t, b)))

	_, err = StoreMany(ctx, []StoreTarget{{a, memSink{Name: "many-a"}}, {a, nil}})
	assert.ErrorIs(t, err, ErrOperand)
	assert.ErrorContains(t, err, "target 1")
	_, err = StoreMany(ctx, []StoreTarget{{a, memSink{Name: "many-a"}}, {a, memSink{Name: "many-a"}}})
	assert.ErrorIs(t, err, ErrOperand, "the same blocks twice into one sink")
	_, err = StoreMany(ctx, []StoreTarget{{nil, memSink{Name: "many-a"}}})
	assert.ErrorIs(t, err, ErrOperand)
	n, err = StoreMany(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, n)
}
