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
	if err := a.Err(); err != nil {
		return 0, err
	}
	if sink == nil {
		return 0, fmt.Errorf("%w: ndarray.Store with a nil Sink", ErrOperand)
	}
	cfg := configure(opts)
	b := NewBuilder()
	var want []cluster.Key
	wname := Token("store "+a.name, fmt.Sprintf("%T%+v", sink, sink))
	if err := b.Reserve(satDouble(a.grid.Len()), fmt.Sprintf("storing %s (shape %v)", a.name, a.grid.Shape())); err != nil {
		return 0, err
	}
	for idx := range a.grid.Blocks() {
		k, err := b.Key(a, idx)
		if err != nil {
			return 0, err
		}
		box := a.grid.BlockBox(idx)
		op, err := sink.WriteOp(box, a.dtype)
		if err != nil {
			return 0, fmt.Errorf("ndarray.Store: block %v: %w", idx, err)
		}
		wk := cluster.Key(fmt.Sprintf("%s%v", wname, idx))
		if err := b.Graph().Add(cluster.Task{Key: wk, Op: op, Inputs: []cluster.Key{k}, Bytes: 8}); err != nil {
			return 0, err
		}
		want = append(want, wk)
	}
	var total int64
	err := cfg.run(ctx, b.Graph(), want, 0, true, func(k cluster.Key, v cluster.Value) error {
		w, ok := v.(Written)
		if !ok {
			if p, ok2 := v.(*Written); ok2 {
				w = *p
			} else {
				return fmt.Errorf("ndarray.Store: write task %s returned %T, not Written", k, v)
			}
		}
		total += w.Bytes
		return nil
	})
	return total, err
}

// satDouble is 2n, saturating (a block and its write task).
func satDouble(n int) int {
	if n > math.MaxInt/2 {
		return math.MaxInt
	}
	return 2 * n
}
