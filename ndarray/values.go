package ndarray

import (
	"context"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cluster"
)

// The values ndarray's tasks produce, by their wire names. The names keep
// the "ndarray." prefix they had before blocks moved to package block, so
// spill files and workers of either layout agree.
func init() {
	cluster.RegisterValue("ndarray.dense", &block.Dense{})
	cluster.RegisterValue("ndarray.written", Written{})
}

// newBlock allocates an output block for an op: from the executor's buffer
// pool when there is one (contents undefined: the caller must write every
// element or clear it), else a zeroed block. zeroed says which.
func newBlock(ctx context.Context, dt block.DType, shape []int) (d *block.Dense, zeroed bool, err error) {
	if p := cluster.BufferPoolFrom(ctx); p != nil {
		return block.NewPooled(p, dt, shape...)
	}
	d, err = block.New(dt, shape...)
	return d, true, err
}

// Alloc returns a zero-filled block for a block function or op to fill and
// return. Under an executor with a buffer pool (cluster.Local) the memory
// is reused from blocks the executor has finished with, which saves the
// page faults of fresh memory and keeps the heap small; elsewhere it is
// block.New. The block may be recycled once the executor is done with it,
// so a function must not keep it after returning it.
func Alloc(ctx context.Context, dt block.DType, shape ...int) (*block.Dense, error) {
	d, zeroed, err := newBlock(ctx, dt, shape)
	if err != nil {
		return nil, err
	}
	if !zeroed {
		clear(d.Bytes())
	}
	return d, nil
}

// DecodeSpilled decodes a block spilled to disk by cluster.Local (the
// SpillDecode of cluster.LocalOptions for executors that persist arrays).
// Spill files use the block's wire form (MarshalBinary); malformed input is
// an error wrapping ErrCorruptBlock, never a panic.
func DecodeSpilled(b []byte) (cluster.Value, error) {
	d := &block.Dense{}
	if err := d.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return d, nil
}
