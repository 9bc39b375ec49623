package ndarray

import (
	"context"
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// ComputeOption configures Compute, Persist and Store.
type ComputeOption func(*computeConfig)

type computeConfig struct {
	exec     cluster.Executor
	progress func(cluster.Progress)
	budget   int64
}

// WithExecutor runs the graph on e instead of a fresh local executor.
func WithExecutor(e cluster.Executor) ComputeOption { return func(c *computeConfig) { c.exec = e } }

// WithProgress reports progress when Compute makes its own local executor.
func WithProgress(fn func(cluster.Progress)) ComputeOption {
	return func(c *computeConfig) { c.progress = fn }
}

// WithMemoryBudget bounds the local executor Compute makes (bytes).
func WithMemoryBudget(n int64) ComputeOption { return func(c *computeConfig) { c.budget = n } }

func configure(opts []ComputeOption) *computeConfig {
	c := &computeConfig{}
	for _, o := range opts {
		o(c)
	}
	if c.exec == nil {
		c.exec = cluster.NewLocal(cluster.LocalOptions{Progress: c.progress, MemoryBudget: c.budget})
	}
	return c
}

// ErrTooLarge reports a Compute whose result would not fit in one
// in-memory block; store the array (or reduce it) instead.
var ErrTooLarge = errors.New("ndarray: result too large to compute into memory")

// Compute evaluates the arrays in one pass over one graph, so work they
// share runs once, and returns each as a dense block.
func Compute(ctx context.Context, arrays []*Array, opts ...ComputeOption) ([]*Dense, error) {
	cfg := configure(opts)
	b := NewBuilder()
	type target struct {
		out int
		box chunk.Box
	}
	targets := map[cluster.Key][]target{}
	outs := make([]*Dense, len(arrays))
	var want []cluster.Key
	for i, a := range arrays {
		if a == nil {
			return nil, fmt.Errorf("%w: nil *Array", ErrOperand)
		}
		if a.err != nil {
			return nil, a.err
		}
		if a.Nbytes() > MaxBlockBytes {
			return nil, fmt.Errorf("%w: %s is %d bytes", ErrTooLarge, a, a.Nbytes())
		}
		if err := b.Reserve(a.grid.Len(), fmt.Sprintf("computing %s (shape %v)", a.name, a.grid.Shape())); err != nil {
			return nil, err
		}
		out, err := NewDense(a.dtype, a.grid.Shape()...)
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
	err := cfg.exec.Run(ctx, b.Graph(), want, func(k cluster.Key, v cluster.Value) error {
		d, ok := v.(*Dense)
		if !ok {
			return fmt.Errorf("ndarray: task %s produced %T, not a block", k, v)
		}
		for _, t := range targets[k] {
			if err := CopyBox(outs[t.out], t.box, d, chunk.BoxOf(d.shape)); err != nil {
				return fmt.Errorf("ndarray: block %s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return outs, nil
}

// Compute evaluates the array into one dense block.
func (a *Array) Compute(ctx context.Context, opts ...ComputeOption) (*Dense, error) {
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
	return cluster.Task{Op: &IdentityOp{}, Inputs: []cluster.Key{k}, Bytes: a.grid.BlockBox(idx).Size() * int64(a.dtype.Size())}, nil
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
