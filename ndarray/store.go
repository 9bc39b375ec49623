package ndarray

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// Sink is where Store puts an array's blocks: a Zarr array, a GeoTIFF, any
// storage. WriteOp returns the op of a task that writes one block: the task
// has the block as its single input and runs wherever the executor places
// it (on a remote worker too), so the op must be a registered, serializable
// struct that names its target (a path, a URL), never a Go func. The op
// returns a Written value.
//
// Store may run several write tasks at once; a sink whose target cannot
// take concurrent writes of distinct regions must serialise them itself.
type Sink interface {
	// WriteOp returns the registered, serializable op of the task that
	// writes the block covering box, of dtype dt, to the target, or an
	// error when the sink cannot take that block.
	WriteOp(box chunk.Box, dt block.DType) (cluster.Op, error)
}

// Written is the small value a write task returns (registered as the
// cluster value "ndarray.written", so it crosses the wire).
type Written struct {
	Bytes int64 // bytes written to the target (after encoding)
}

// Nbytes makes Written a cluster.Value: the 8 bytes it holds.
func (Written) Nbytes() int64 { return 8 }

// Store computes a and writes every block through sink, one write task per
// block, within the memory budget of the options (as Compute). It returns
// the total bytes the sink reported. An errored array returns its error
// before anything runs.
func Store(ctx context.Context, a *Array, sink Sink, opts ...ComputeOption) (int64, error) {
	n, err := StoreMany(ctx, []StoreTarget{{Array: a, Sink: sink}}, opts...)
	if err != nil {
		return 0, err
	}
	return n[0], nil
}

// StoreTarget is one (array, sink) pair of StoreMany.
type StoreTarget struct {
	Array *Array
	Sink  Sink
}

// StoreMany computes every target's array and writes its blocks through
// its sink in one graph run, like dask's da.store([...], [...]): tasks the
// arrays share (a source read, an intermediate) are computed once and
// feed every write that needs them. It returns the bytes each sink
// reported, in target order. The targets' arrays are checked (errored
// array, nil sink, a sink refusing a block) before anything runs; the
// error names the target by its index.
func StoreMany(ctx context.Context, targets []StoreTarget, opts ...ComputeOption) ([]int64, error) {
	for i, t := range targets {
		if t.Array == nil {
			return nil, fmt.Errorf("%w: ndarray.StoreMany target %d has a nil Array", ErrOperand, i)
		}
		if err := t.Array.Err(); err != nil {
			return nil, err
		}
		if t.Sink == nil {
			return nil, fmt.Errorf("%w: ndarray.Store with a nil Sink (target %d)", ErrOperand, i)
		}
	}
	cfg := configure(opts)
	b := NewBuilder()
	var want []cluster.Key
	owner := map[cluster.Key]int{}
	for i, t := range targets {
		a := t.Array
		wname := Token("store "+a.name, fmt.Sprintf("%T%+v", t.Sink, t.Sink))
		if err := b.Reserve(satDouble(a.grid.Len()), fmt.Sprintf("storing %s (shape %v)", a.name, a.grid.Shape())); err != nil {
			return nil, err
		}
		for idx := range a.grid.Blocks() {
			k, err := b.Key(a, idx)
			if err != nil {
				return nil, err
			}
			box := a.grid.BlockBox(idx)
			op, err := t.Sink.WriteOp(box, a.dtype)
			if err != nil {
				if len(targets) > 1 {
					return nil, fmt.Errorf("ndarray.Store: target %d: block %v: %w", i, idx, err)
				}
				return nil, fmt.Errorf("ndarray.Store: block %v: %w", idx, err)
			}
			wk := cluster.Key(fmt.Sprintf("%s%v", wname, idx))
			if _, dup := owner[wk]; dup {
				return nil, fmt.Errorf("%w: ndarray.StoreMany targets %d and %d write the same blocks to the same sink", ErrOperand, owner[wk], i)
			}
			owner[wk] = i
			if err := b.Graph().Add(cluster.Task{Key: wk, Op: op, Inputs: []cluster.Key{k}, Bytes: 8}); err != nil {
				return nil, err
			}
			want = append(want, wk)
		}
	}
	totals := make([]int64, len(targets))
	err := cfg.run(ctx, b.Graph(), want, 0, true, func(k cluster.Key, v cluster.Value) error {
		w, ok := v.(Written)
		if !ok {
			if p, ok2 := v.(*Written); ok2 {
				w = *p
			} else {
				return fmt.Errorf("ndarray.Store: write task %s returned %T, not Written", k, v)
			}
		}
		totals[owner[k]] += w.Bytes
		return nil
	})
	if err != nil {
		return nil, err
	}
	return totals, nil
}

// satDouble is 2n, saturating (a block and its write task).
func satDouble(n int) int {
	if n > math.MaxInt/2 {
		return math.MaxInt
	}
	return 2 * n
}
