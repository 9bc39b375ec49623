package block

import (
	"sync/atomic"
	"unsafe"

	"github.com/tessera-array/tessera/chunk"
)

// Pool is where a pooled block borrows its buffer and returns it on
// Recycle. Get returns a buffer of exactly n bytes whose contents are
// undefined; Put takes back a buffer from Get. Implementations must be safe
// for concurrent use (cluster.BufferPool is one).
type Pool interface {
	// Get returns a buffer of exactly n bytes whose contents are undefined.
	Get(n int) []byte
	// Put takes back a buffer that Get returned; the caller must not use b
	// afterwards.
	Put(b []byte)
}

// pooled is the buffer of a block borrowed from a Pool. keep is set when
// another block or a user function may share the buffer; such a buffer is
// never returned.
type pooled struct {
	pool Pool
	raw  []byte
	keep atomic.Bool
	done atomic.Bool
}

// NewPooled returns a block of dt and shape whose buffer is borrowed from
// p, and whether its contents are zeroed. A borrowed buffer's contents are
// undefined: the caller must write every element or clear it. With a nil
// p, for Bool and String, for empty blocks and for blocks over MaxBlockBytes it is
// New's zeroed block (zeroed is true). The block returns its buffer to p
// on Recycle.
func NewPooled(p Pool, dt DType, shape ...int) (d *Dense, zeroed bool, err error) {
	if p == nil || dt == Bool || dt == String || !dt.Valid() {
		d, err := New(dt, shape...)
		return d, true, err
	}
	if err := chunk.CheckShape(shape); err != nil {
		return nil, false, shapeError(err)
	}
	n := chunk.Size(shape)
	if n == 0 || n > MaxBlockBytes/int64(dt.Size()) {
		d, err := New(dt, shape...)
		return d, true, err
	}
	raw := p.Get(int(n) * dt.Size())
	d = &Dense{dtype: dt, shape: cloneInts(shape), data: typedView(dt, raw, int(n)), pb: &pooled{pool: p, raw: raw}}
	return d, false, nil
}

// typedView reinterprets raw (from make, so aligned for any element type)
// as n elements of dt.
func typedView(dt DType, raw []byte, n int) any {
	if dt == Uint8 {
		return raw[:n]
	}
	return kernelsOf(dt).view(unsafe.Pointer(unsafe.SliceData(raw)), n)
}

// Recycle returns a pooled block's buffer to its Pool (it is the
// cluster.Recycler upgrade); it does nothing for other blocks or when the
// buffer may be shared (see Share). The block must not be used afterwards.
func (d *Dense) Recycle() {
	if d.pb == nil || d.pb.keep.Load() || !d.pb.done.CompareAndSwap(false, true) {
		return
	}
	d.pb.pool.Put(d.pb.raw)
}

// Share marks d's buffer as shared with another block or kept by a caller:
// it is then never returned to its Pool. Ops whose output aliases an input
// call it on the input.
func (d *Dense) Share() {
	if d.pb != nil {
		d.pb.keep.Store(true)
	}
}

// Overlaps reports whether two blocks' buffers share memory.
func Overlaps(a, b *Dense) bool {
	if a.dtype == String || b.dtype == String {
		x, y := a.data.([]string), b.data.([]string)
		if a.dtype != b.dtype || len(x) == 0 || len(y) == 0 {
			return false
		}
		x0, y0 := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
		const w = unsafe.Sizeof("")
		return x0 < y0+uintptr(len(y))*w && y0 < x0+uintptr(len(x))*w
	}
	x, y := a.Bytes(), b.Bytes()
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	x0, y0 := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	return x0 < y0+uintptr(len(y)) && y0 < x0+uintptr(len(x))
}
