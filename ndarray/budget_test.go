package ndarray

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// The assembled result counts against the budget: a Compute whose result
// alone exceeds it is refused before any task runs, with the sizes named,
// whether Compute makes its executor or is given one.
func TestComputeResultOverBudgetRefused(t *testing.T) {
	a := Random([]int{2048, 2048}, chunk.PerAxis(256, 256), 1) // 32 MiB of float64
	ran := 0
	_, err := a.Compute(ctx, WithMemoryBudget(8<<20), WithProgress(func(cluster.Progress) { ran++ }))
	assert.ErrorIs(t, err, cluster.ErrOverBudget)
	assert.ErrorContains(t, err, "33554432 bytes")
	ex := cluster.NewLocal(cluster.LocalOptions{MemoryBudget: 8 << 20, Progress: func(cluster.Progress) { ran++ }})
	_, err = a.Compute(ctx, WithExecutor(ex))
	assert.ErrorIs(t, err, cluster.ErrOverBudget)
	assert.ErrorContains(t, err, "33554432 bytes")
	assert.Zero(t, ran, "tasks ran before the refusal")
	// Within the budget the result is assembled and the peak counts it.
	var peak int64
	d, err := a.Compute(ctx, WithMemoryBudget(48<<20), WithProgress(func(p cluster.Progress) { peak = max(peak, p.PeakBytes) }))
	require.NoError(t, err)
	assert.Equal(t, []int{2048, 2048}, d.Shape())
	assert.GreaterOrEqual(t, peak, a.Nbytes())
	assert.LessOrEqual(t, peak, int64(48<<20))
}

// bare is an executor that takes no per-run options.
type bare struct{ ex cluster.Executor }

func (b bare) Run(ctx context.Context, g *cluster.Graph, want []cluster.Key, emit func(cluster.Key, cluster.Value) error) error {
	return b.ex.Run(ctx, g, want, emit)
}

// WithMemoryBudget and WithProgress apply to a given executor's run, or
// are an error when it cannot take them; they are never dropped.
func TestOptionsWithExecutorHonouredOrRefused(t *testing.T) {
	a := Random([]int{256, 256}, chunk.PerAxis(64, 64), 2) // 512 KiB
	b := bare{cluster.NewLocal(cluster.LocalOptions{})}
	_, err := a.Compute(ctx, WithExecutor(b), WithMemoryBudget(1<<20))
	assert.ErrorIs(t, err, cluster.ErrUnsupportedOption)
	assert.ErrorContains(t, err, "WithMemoryBudget")
	_, err = a.Compute(ctx, WithExecutor(b), WithProgress(func(cluster.Progress) {}))
	assert.ErrorIs(t, err, cluster.ErrUnsupportedOption)
	_, err = Store(ctx, a, discard{}, WithExecutor(b), WithMemoryBudget(1<<20))
	assert.ErrorIs(t, err, cluster.ErrUnsupportedOption)
	_, err = a.Compute(ctx, WithExecutor(b))
	assert.NoError(t, err)

	ex := cluster.NewLocal(cluster.LocalOptions{})
	n := 0
	_, err = a.Compute(ctx, WithExecutor(ex), WithProgress(func(cluster.Progress) { n++ }))
	require.NoError(t, err)
	assert.Equal(t, 16, n, "progress of a given executor's run")
	_, err = a.Compute(ctx, WithExecutor(ex), WithMemoryBudget(256<<10))
	assert.ErrorIs(t, err, cluster.ErrOverBudget, "a per-run budget on a given executor")
}

// discard is a Sink whose write op drops the block.
type discard struct{}

func (discard) WriteOp(chunk.Box, block.DType) (cluster.Op, error) { return &discardOp{}, nil }

type discardOp struct{}

func (*discardOp) Kind() string { return "ndarraytest.discard" }
func (*discardOp) Run(_ context.Context, in []cluster.Value) (cluster.Value, error) {
	if len(in) != 1 {
		return nil, errors.New("want one block")
	}
	return Written{Bytes: in[0].Nbytes()}, nil
}

func init() { cluster.Register("ndarraytest.discard", func() cluster.Op { return &discardOp{} }) }
