package ndarray

import (
	"context"
	"sync/atomic"
	"unsafe"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// pooled is the buffer of a block borrowed from an executor's
// cluster.BufferPool. keep is set when another block or a user function
// may share the buffer; such a buffer is never returned.
type pooled struct {
	pool *cluster.BufferPool
	raw  []byte
	keep atomic.Bool
	done atomic.Bool
}

// newBlock allocates an output block for an op: from the executor's buffer
// pool when there is one (contents undefined: the caller must write every
// element or clear it), else a zeroed NewDense. Bool blocks are never
// pooled.
func newBlock(ctx context.Context, dt DType, shape []int) (*Dense, bool, error) {
	p := cluster.BufferPoolFrom(ctx)
	if p == nil || dt == Bool || !dt.Valid() {
		d, err := NewDense(dt, shape...)
		return d, true, err
	}
	if err := chunk.CheckShape(shape); err != nil {
		return nil, false, err
	}
	n := chunk.Size(shape)
	if n == 0 || n > MaxBlockBytes/int64(dt.Size()) {
		d, err := NewDense(dt, shape...)
		return d, true, err
	}
	raw := p.Get(int(n) * dt.Size())
	d := &Dense{dtype: dt, shape: cloneInts(shape), data: typedView(dt, raw, int(n)), pb: &pooled{pool: p, raw: raw}}
	return d, false, nil
}

// Alloc returns a zero-filled block for a block function or op to fill and
// return. Under an executor with a buffer pool (cluster.Local) the memory
// is reused from blocks the executor has finished with, which saves the
// page faults of fresh memory and keeps the heap small; elsewhere it is
// NewDense. The block may be recycled once the executor is done with it,
// so a function must not keep it after returning it.
func Alloc(ctx context.Context, dt DType, shape ...int) (*Dense, error) {
	d, zeroed, err := newBlock(ctx, dt, shape)
	if err != nil {
		return nil, err
	}
	if !zeroed {
		clear(d.Bytes())
	}
	return d, nil
}

// typedView reinterprets raw (from make, so aligned for any element type)
// as n elements of dt.
func typedView(dt DType, raw []byte, n int) any {
	ptr := unsafe.Pointer(unsafe.SliceData(raw))
	switch dt {
	case Int8:
		return unsafe.Slice((*int8)(ptr), n)
	case Int16:
		return unsafe.Slice((*int16)(ptr), n)
	case Int32:
		return unsafe.Slice((*int32)(ptr), n)
	case Int64:
		return unsafe.Slice((*int64)(ptr), n)
	case Uint8:
		return raw[:n]
	case Uint16:
		return unsafe.Slice((*uint16)(ptr), n)
	case Uint32:
		return unsafe.Slice((*uint32)(ptr), n)
	case Uint64:
		return unsafe.Slice((*uint64)(ptr), n)
	case Float32:
		return unsafe.Slice((*float32)(ptr), n)
	case Float64:
		return unsafe.Slice((*float64)(ptr), n)
	}
	panic("ndarray: typedView of " + dt.String())
}

// Recycle returns a pooled block's buffer to its executor's pool (see
// cluster.Recycler); it does nothing for other blocks or when the buffer
// may be shared. The block must not be used afterwards.
func (d *Dense) Recycle() {
	if d.pb == nil || d.pb.keep.Load() || !d.pb.done.CompareAndSwap(false, true) {
		return
	}
	d.pb.pool.Put(d.pb.raw)
}

// share marks d's buffer as shared with another block: never recycled.
func (d *Dense) share() {
	if d.pb != nil {
		d.pb.keep.Store(true)
	}
}

// overlaps reports whether two blocks' buffers share memory.
func overlaps(a, b *Dense) bool {
	x, y := a.Bytes(), b.Bytes()
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	x0, y0 := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	return x0 < y0+uintptr(len(y)) && y0 < x0+uintptr(len(x))
}
