package block

import (
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/chunk"
)

// This file is the typed face of a Dense: Go code that knows its element
// type works with []T and T, no type switches. Every function here checks
// the buffer's Go storage type, never that T is a number, so it serves the
// dtypes whose storage is not a number of their own (issue 13's datetime64
// and timedelta64 are stored as int64, fixed-width strings as their own
// storage type) as it serves the numeric ones.

// ErrNotContiguous reports a view asked of a region of a block whose
// elements are not one run of its buffer, so that only a copy could hold
// them (use SubBlock for that).
var ErrNotContiguous = errors.New("block: region is not contiguous in the block's buffer")

// As returns d's buffer as a []T, shared with d and not copied: writes
// through it change d. It reports an error wrapping ErrDTypeMismatch when
// T is not the storage type of d's dtype (float32 for Float32, ...). It is
// Values without the panic, for code that does not know d's dtype.
func As[T Elem](d *Dense) ([]T, error) {
	v, ok := d.data.([]T)
	if !ok {
		return nil, fmt.Errorf("%w: block is %s, not %T", ErrDTypeMismatch, d.dtype, *new(T))
	}
	return v, nil
}

// Make allocates a zero-filled block of the dtype whose storage type is T
// (DTypeOf[T]), such as Make[float32](2, 3). Like New it reports ErrShape
// for a negative length or a block over MaxBlockBytes. Dtypes that share
// a storage type with another (a future datetime64 stored as int64) are
// made with New.
func Make[T Elem](shape ...int) (*Dense, error) { return New(DTypeOf[T](), shape...) }

// Get returns the element of d at the n-d index idx. It panics when T is
// not d's storage type, when len(idx) is not d's rank or when an index is
// out of range (programmer errors, as for a slice index).
func Get[T Elem](d *Dense, idx ...int) T {
	return Values[T](d)[d.linear("block.Get", idx)]
}

// Set stores v at the n-d index idx of d. It panics as Get does.
func Set[T Elem](d *Dense, v T, idx ...int) {
	Values[T](d)[d.linear("block.Set", idx)] = v
}

// linear is the C-order linear index of idx; it panics, naming op, when
// idx does not index d.
func (d *Dense) linear(op string, idx []int) int {
	if len(idx) != len(d.shape) {
		panic(fmt.Sprintf("%s: index %v for shape %v", op, idx, d.shape))
	}
	lin := 0
	for a, i := range idx {
		if i < 0 || i >= d.shape[a] {
			panic(fmt.Sprintf("%s: index %v out of range for shape %v", op, idx, d.shape))
		}
		lin = lin*d.shape[a] + i
	}
	return lin
}

// Row returns d[i], the block of rank d.Rank()-1 at index i of axis 0 (a
// row of a 2-D block, a plane of a 3-D one), as a view sharing d's buffer:
// no copy, and writes through either change both. It reports ErrShape for
// a rank-0 block or an i out of range. A pooled d is marked shared (see
// Share), so its buffer is never recycled under the view.
func (d *Dense) Row(i int) (*Dense, error) {
	if len(d.shape) == 0 {
		return nil, fmt.Errorf("%w: Row of a rank-0 block", ErrShape)
	}
	if i < 0 || i >= d.shape[0] {
		return nil, fmt.Errorf("%w: Row %d of a block of shape %v", ErrShape, i, d.shape)
	}
	lo, hi := cloneInts(d.shape), cloneInts(d.shape)
	for a := range lo {
		lo[a] = 0
	}
	lo[0], hi[0] = i, i+1
	v, err := d.View(chunk.Box{Lo: lo, Hi: hi})
	if err != nil {
		return nil, err
	}
	v.shape = v.shape[1:]
	return v, nil
}

// View returns the elements of d inside box as a block of box's shape
// that shares d's buffer (no copy; writes through either change both). It
// is zero-copy only, so box must be one contiguous run of the buffer: it
// spans whole trailing axes after its first axis longer than one, e.g. rows
// [r0, r1) of a 2-D block, or any part of one row. Other boxes get
// ErrNotContiguous (SubBlock copies them); a box of the wrong rank or
// outside d gets ErrShape. A pooled d is marked shared (see Share).
func (d *Dense) View(box chunk.Box) (*Dense, error) {
	r := len(d.shape)
	if box.Rank() != r || !chunk.BoxOf(d.shape).Contains(box) {
		return nil, fmt.Errorf("%w: view %v of a block of shape %v", ErrShape, box, d.shape)
	}
	shape := box.Shape()
	if box.Empty() {
		return &Dense{dtype: d.dtype, shape: shape, data: makeSlice(d.dtype, 0)}, nil
	}
	last := -1 // the last axis box does not cover whole
	for a := r - 1; a >= 0; a-- {
		if box.Lo[a] != 0 || box.Hi[a] != d.shape[a] {
			last = a
			break
		}
	}
	for a := 0; a < last; a++ {
		if shape[a] != 1 {
			return nil, fmt.Errorf("%w: view %v of a block of shape %v", ErrNotContiguous, box, d.shape)
		}
	}
	lo := linear(box.Lo, d.shape)
	n := int(box.Size())
	d.Share()
	return &Dense{dtype: d.dtype, shape: shape, data: kern[d.dtype].slice(d.data, lo, lo+n)}, nil
}
