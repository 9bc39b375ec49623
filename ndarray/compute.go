package ndarray

import (
	"context"
	"errors"
	"fmt"
	"math"

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
		if err := a.Err(); err != nil {
			return nil, err
		}
		if a.Nbytes() > block.MaxBlockBytes {
			return nil, fmt.Errorf("%w: %s (shape %v) is %d bytes", ErrTooLarge, a.name, a.grid.Shape(), a.Nbytes())
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

// Compute evaluates the array into one dense block, as the package-level
// Compute does for several arrays.
func (a *Array) Compute(ctx context.Context, opts ...ComputeOption) (*block.Dense, error) {
	out, err := Compute(ctx, []*Array{a}, opts...)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// scalar computes a, which must hold exactly one element (any rank), for
// the method named by what.
func (a *Array) scalar(ctx context.Context, what string, opts []ComputeOption) (*block.Dense, error) {
	if err := a.Err(); err != nil {
		return nil, err
	}
	if n := a.Size(); n != 1 {
		return nil, fmt.Errorf("%w: ndarray.%s needs an array of one element, %s has shape %v (%d elements)", block.ErrShape, what, a.name, a.grid.Shape(), n)
	}
	return a.Compute(ctx, opts...)
}

// Float64 computes an array of exactly one element (a full reduction, or
// any shape of size 1) and returns that element converted to float64:
// reduce.Mean(a).Float64(ctx) in one call. An array of any other size is
// an error wrapping block.ErrShape, checked before anything runs; errors
// of building or computing the array are returned as Compute returns them.
func (a *Array) Float64(ctx context.Context, opts ...ComputeOption) (float64, error) {
	d, err := a.scalar(ctx, "Float64", opts)
	if err != nil {
		return 0, err
	}
	if !d.HasFloat() {
		return 0, fmt.Errorf("ndarray: Float64 of a %s array: %w", d.DType(), &block.UnsupportedError{Op: "Float64", DType: d.DType()})
	}
	return d.Float64(0), nil
}

// Int64 computes an array of exactly one element of an integer or bool
// dtype and returns it as int64: reduce.Count(a).Int64(ctx) in one call.
// A float dtype is an error wrapping block.ErrDTypeMismatch (use Float64),
// a uint64 value above math.MaxInt64 one wrapping block.ErrOverflow, and
// an array of another size one wrapping block.ErrShape.
func (a *Array) Int64(ctx context.Context, opts ...ComputeOption) (int64, error) {
	if err := a.Err(); err != nil {
		return 0, err
	}
	if !a.dtype.IsInt() && !a.dtype.IsBool() {
		return 0, fmt.Errorf("%w: ndarray.Int64 of a %s array (use Float64)", block.ErrDTypeMismatch, a.dtype)
	}
	d, err := a.scalar(ctx, "Int64", opts)
	if err != nil {
		return 0, err
	}
	switch v := d.Data().(type) {
	case []int8:
		return int64(v[0]), nil
	case []int16:
		return int64(v[0]), nil
	case []int32:
		return int64(v[0]), nil
	case []int64:
		return v[0], nil
	case []uint8:
		return int64(v[0]), nil
	case []uint16:
		return int64(v[0]), nil
	case []uint32:
		return int64(v[0]), nil
	case []uint64:
		if v[0] > math.MaxInt64 {
			return 0, fmt.Errorf("%w: ndarray.Int64: uint64 value %d", block.ErrOverflow, v[0])
		}
		return int64(v[0]), nil
	case []bool:
		if v[0] {
			return 1, nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("%w: ndarray.Int64 of a %s block", block.ErrDTypeMismatch, d.DType())
}

// Scalar computes an array of exactly one element whose dtype is T's
// (block.DTypeOf[T]) and returns the element: Scalar[int64](ctx,
// reduce.Count(a)). Another dtype is an error wrapping
// block.ErrDTypeMismatch (AsType first to convert), another size one
// wrapping block.ErrShape.
func Scalar[T block.Elem](ctx context.Context, a *Array, opts ...ComputeOption) (T, error) {
	var zero T
	if err := a.Err(); err != nil {
		return zero, err
	}
	if want := block.DTypeOf[T](); a.dtype != want {
		return zero, fmt.Errorf("%w: ndarray.Scalar[%s] of a %s array", block.ErrDTypeMismatch, want, a.dtype)
	}
	d, err := a.scalar(ctx, "Scalar", opts)
	if err != nil {
		return zero, err
	}
	return block.Values[T](d)[0], nil
}

// persistLayer gives persisted blocks keys of their own: one identity task
// per block over the source's block.
type persistLayer struct{ src *Array }

// BlockTask is an identity task over the source's block idx.
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
//
// An errored array (or a nil Persister, an error wrapping ErrOperand)
// returns its error and persists nothing.
func (a *Array) Persist(ctx context.Context, p cluster.Persister) (*Array, error) {
	if err := a.Err(); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("%w: ndarray.Persist with a nil Persister", ErrOperand)
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

// Release drops the persisted blocks of a (an array returned by Persist);
// it does nothing for an errored array or a nil Persister.
func (a *Array) Release(p cluster.Persister) {
	if a.Err() != nil || p == nil {
		return
	}
	keys := make([]cluster.Key, 0, a.grid.Len())
	for idx := range a.grid.Blocks() {
		keys = append(keys, a.BlockKey(idx))
	}
	p.Release(keys...)
}
