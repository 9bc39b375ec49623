package ndarray

import (
	"context"
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// ComputeOption configures Compute, Persist and Store.
type ComputeOption func(*computeConfig)

type computeConfig struct {
	exec     cluster.Executor
	own      bool // exec was made here
	progress func(cluster.Progress)
	budget   int64
}

// WithExecutor runs the graph on e instead of a fresh local executor.
// WithMemoryBudget and WithProgress then apply to e's runs: e must take
// them (cluster.OptionRunner, as cluster.Local does; the remote scheduler
// takes WithProgress only), else Compute and Store fail with an error
// wrapping cluster.ErrUnsupportedOption before anything runs.
func WithExecutor(e cluster.Executor) ComputeOption { return func(c *computeConfig) { c.exec = e } }

// WithProgress reports progress after each task of the run, from the
// executor's scheduling goroutine (see cluster.LocalOptions.Progress).
func WithProgress(fn func(cluster.Progress)) ComputeOption {
	return func(c *computeConfig) { c.progress = fn }
}

// WithMemoryBudget bounds the run's memory (bytes): what the executor
// holds and produces at once plus the result Compute assembles. With
// WithExecutor it can lower the executor's own budget, not raise it.
func WithMemoryBudget(n int64) ComputeOption { return func(c *computeConfig) { c.budget = n } }

func configure(opts []ComputeOption) *computeConfig {
	c := &computeConfig{}
	for _, o := range opts {
		o(c)
	}
	if c.exec == nil {
		c.exec = cluster.NewLocal(cluster.LocalOptions{MemoryBudget: c.budget})
		c.own = true
	}
	return c
}

// run runs the graph on the configured executor with the per-run options
// it needs: reserved is what emit keeps (Compute's result), copies says
// emit keeps no value. An option the executor cannot take is an error.
func (c *computeConfig) run(ctx context.Context, g *cluster.Graph, want []cluster.Key, reserved int64, copies bool, emit func(cluster.Key, cluster.Value) error) error {
	ro := cluster.RunOptions{Reserved: reserved, EmitCopies: copies, Progress: c.progress}
	if !c.own {
		ro.MemoryBudget = c.budget
	}
	if or, ok := c.exec.(cluster.OptionRunner); ok {
		return or.RunWith(ctx, g, want, emit, ro)
	}
	switch {
	case c.budget > 0:
		return fmt.Errorf("%w: WithMemoryBudget with an executor of type %T", cluster.ErrUnsupportedOption, c.exec)
	case c.progress != nil:
		return fmt.Errorf("%w: WithProgress with an executor of type %T", cluster.ErrUnsupportedOption, c.exec)
	}
	return c.exec.Run(ctx, g, want, emit)
}

// ErrTooLarge reports a Compute whose result would not fit in one
// in-memory block; store the array (or reduce it) instead.
var ErrTooLarge = errors.New("ndarray: result too large to compute into memory")

// Compute evaluates the arrays in one pass over one graph, so work they
// share runs once, and returns each as a dense block. The results count
// against the memory budget for the whole run (the executor's, or
// WithMemoryBudget): a Compute whose results alone exceed it is refused
// before any task runs with an error wrapping cluster.ErrOverBudget that
// names the sizes. Each block is copied into its result as it arrives and
// its memory is reused at once.
func Compute(ctx context.Context, arrays []*Array, opts ...ComputeOption) ([]*block.Dense, error) {
	cfg := configure(opts)
	b := NewBuilder()
	type target struct {
		out int
		box chunk.Box
	}
	targets := map[cluster.Key][]target{}
	outs := make([]*block.Dense, len(arrays))
	var want []cluster.Key
	var reserved int64
	for _, a := range arrays {
		if a == nil {
			return nil, fmt.Errorf("%w: nil *Array", ErrOperand)
		}
		if a.err != nil {
			return nil, a.err
		}
		if a.Nbytes() > block.MaxBlockBytes {
			return nil, fmt.Errorf("%w: %s is %d bytes", ErrTooLarge, a, a.Nbytes())
		}
		if err := b.Reserve(a.grid.Len(), fmt.Sprintf("computing %s (shape %v)", a.name, a.grid.Shape())); err != nil {
			return nil, err
		}
		reserved += a.Nbytes()
	}
	if cfg.budget > 0 && reserved > cfg.budget {
		return nil, fmt.Errorf("ndarray.Compute: %w: the results of %d arrays need %d bytes, budget is %d", cluster.ErrOverBudget, len(arrays), reserved, cfg.budget)
	}
	for i, a := range arrays {
		out, err := block.New(a.dtype, a.grid.Shape()...)
		if err != nil {
			return nil, err
		}
		outs[i] = out
		for idx := range a.grid.Blocks() {
			k, err := b.Key(a, idx)
			if err != nil {
				return nil, err
			}
			if _, seen := targets[k]; !seen {
				want = append(want, k)
			}
			targets[k] = append(targets[k], target{out: i, box: a.grid.BlockBox(idx)})
		}
	}
	err := cfg.run(ctx, b.Graph(), want, reserved, true, func(k cluster.Key, v cluster.Value) error {
		d, ok := v.(*block.Dense)
		if !ok {
			return fmt.Errorf("ndarray: task %s produced %T, not a block", k, v)
		}
		for _, t := range targets[k] {
			if err := block.CopyBox(outs[t.out], t.box, d, chunk.BoxOf(d.Shape())); err != nil {
				return fmt.Errorf("ndarray: block %s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, cluster.ErrOverBudget) {
			return nil, fmt.Errorf("ndarray.Compute: %d arrays, results of %d bytes: %w", len(arrays), reserved, err)
		}
		return nil, err
	}
	return outs, nil
}

// Compute evaluates the array into one dense block.
func (a *Array) Compute(ctx context.Context, opts ...ComputeOption) (*block.Dense, error) {
	out, err := Compute(ctx, []*Array{a}, opts...)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

type persistLayer struct{ src *Array }

func (l persistLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	k, err := b.Key(l.src, idx)
	if err != nil {
		return cluster.Task{}, err
	}
	return cluster.Task{Op: &identityOp{}, Inputs: []cluster.Key{k}, Bytes: a.grid.BlockBox(idx).Size() * int64(a.dtype.Size())}, nil
}

// Persist computes every block of a and keeps them in p (in memory, or
// wherever the executor keeps persisted values). The returned array reads
// those blocks: later computations on it reuse them instead of recomputing,
// and elementwise expressions over it stop fusing at its blocks. Release
// frees them.
func (a *Array) Persist(ctx context.Context, p cluster.Persister) (*Array, error) {
	if a.err != nil {
		return nil, a.err
	}
	w := NewArray(a.dtype, a.grid, "persist "+a.name, persistLayer{src: a})
	b := NewBuilder()
	keys, err := b.Keys(w)
	if err != nil {
		return nil, err
	}
	if err := p.Persist(ctx, b.Graph(), keys); err != nil {
		return nil, err
	}
	return w, nil
}

// Release drops the persisted blocks of a (an array returned by Persist).
func (a *Array) Release(p cluster.Persister) {
	if a.err != nil {
		return
	}
	keys := make([]cluster.Key, 0, a.grid.Len())
	for idx := range a.grid.Blocks() {
		keys = append(keys, a.BlockKey(idx))
	}
	p.Release(keys...)
}
