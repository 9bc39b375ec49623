package remote_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
)

// active counts the overlapOps running in this process (a worker).
var active, mostActive atomic.Int64

// overlapOp runs for a while and returns the largest number of overlapOps
// it saw running at once in its worker process.
type overlapOp struct {
	I     int
	Sleep time.Duration
}

func (overlapOp) Kind() string { return "remotetest.overlap" }
func (o overlapOp) Run(ctx context.Context, _ []cluster.Value) (cluster.Value, error) {
	n := active.Add(1)
	defer active.Add(-1)
	for {
		m := mostActive.Load()
		if n <= m || mostActive.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-time.After(o.Sleep):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return num{V: float64(mostActive.Load()), Bytes: 8}, nil
}

// maxOp returns the largest of its inputs.
type maxOp struct{}

func (maxOp) Kind() string { return "remotetest.max" }
func (maxOp) Run(_ context.Context, in []cluster.Value) (cluster.Value, error) {
	m := 0.0
	for _, v := range in {
		m = max(m, v.(num).V)
	}
	return num{V: m, Bytes: 8}, nil
}

func init() {
	cluster.Register("remotetest.overlap", func() cluster.Op { return &overlapOp{} })
	cluster.Register("remotetest.max", func() cluster.Op { return &maxOp{} })
}

// A worker admits tasks only within its memory limit: with two threads
// and tasks that each declare 60 % of the limit, they run one at a time.
func TestWorkerAdmitsWithinMemoryLimit(t *testing.T) {
	g := cluster.NewGraph()
	var want []cluster.Key
	for i := range 4 {
		k := cluster.Key(fmt.Sprintf("o%d", i))
		require.NoError(t, g.Add(cluster.Task{Key: k, Op: overlapOp{I: i, Sleep: 200 * time.Millisecond}, Bytes: 2500 << 10}))
		want = append(want, k)
	}
	c := start(t, remote.LocalClusterOptions{Workers: 1, Threads: 2, MemoryLimit: 4 << 20})
	most, n := 0.0, 0
	require.NoError(t, c.Run(context.Background(), g, want, func(_ cluster.Key, v cluster.Value) error {
		most = max(most, v.(num).V)
		n++
		return nil
	}))
	assert.Equal(t, 4, n)
	assert.Equal(t, 1.0, most, "two tasks of 60 % of the worker's limit ran at once")
}

// The scheduler refuses, before any task runs, a graph with a task that
// cannot fit any worker's memory limit with its inputs: the sentinel is
// the local executor's.
func TestSchedulerRefusesTaskOverEveryWorkerLimit(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 2, Threads: 1, MemoryLimit: 1 << 20})
	g := cluster.NewGraph()
	require.NoError(t, g.Add(cluster.Task{Key: "a", Op: constOp{V: 1}, Bytes: 600 << 10}))
	require.NoError(t, g.Add(cluster.Task{Key: "b", Op: constOp{V: 2}, Bytes: 600 << 10}))
	// sumOp{Fail} would give a *cluster.TaskError if it ever ran.
	require.NoError(t, g.Add(cluster.Task{Key: "ab", Op: sumOp{Fail: true}, Inputs: []cluster.Key{"a", "b"}, Bytes: 8}))
	_, err := runOne(context.Background(), c, g, "ab")
	assert.ErrorIs(t, err, cluster.ErrOverBudget)
	assert.ErrorContains(t, err, "ab (remotetest.sum) needs 1228808 bytes")
	local := cluster.NewLocal(cluster.LocalOptions{MemoryBudget: 1 << 20})
	_, lerr := runOne(context.Background(), local, g, "ab")
	assert.ErrorIs(t, lerr, cluster.ErrOverBudget, "the local executor refuses the same graph")
	// The cluster stays usable.
	g2, root := tree(t, 8, constOp{})
	got, err := runOne(context.Background(), c, g2, root)
	require.NoError(t, err)
	assert.Equal(t, 28.0, got)
}

// RunWith honours a per-run progress function and refuses a per-run
// memory budget, which the workers' limits replace.
func TestRunWithOptions(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 1, Threads: 2})
	g, root := tree(t, 8, constOp{})
	emit := func(cluster.Key, cluster.Value) error { return nil }
	err := c.RunWith(context.Background(), g, []cluster.Key{root}, emit, cluster.RunOptions{MemoryBudget: 1 << 20})
	assert.ErrorIs(t, err, cluster.ErrUnsupportedOption)
	n := 0
	require.NoError(t, c.RunWith(context.Background(), g, []cluster.Key{root}, emit, cluster.RunOptions{Progress: func(cluster.Progress) { n++ }}))
	assert.Equal(t, g.Len(), n)
}
