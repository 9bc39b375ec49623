package block

import (
	"fmt"

	"github.com/tessera-array/tessera/chunk"
)

// This file is the untyped face of the element buffers, for kernels that
// hold a block's data as an any ([]bool, []int8, ..., []float64) and
// dispatch on its type once per tile rather than once per element.

// MakeSlice returns a new zeroed []T of n elements, T the storage type of
// dt, as an any: []float64 for Float64, []bool for Bool. It allocates at
// once; n is not bounded by MaxBlockBytes (callers size tiles). It panics
// on an invalid dtype or a negative n (programmer errors).
func MakeSlice(dt DType, n int) any { return makeSlice(dt, n) }

// SliceDType returns the dtype whose storage type is the element type of
// s ([]bool gives Bool, []float64 Float64, []int64 Int64 even when the
// slice holds datetime64 counts, []string String) and true, or 0 and false when s
// is not a slice of a storage type (a nil any, a []int, a named slice
// type). A nil []T of a storage type is an element slice.
func SliceDType(s any) (DType, bool) {
	switch s.(type) {
	case []bool:
		return Bool, true
	case []int8:
		return Int8, true
	case []int16:
		return Int16, true
	case []int32:
		return Int32, true
	case []int64:
		return Int64, true
	case []uint8:
		return Uint8, true
	case []uint16:
		return Uint16, true
	case []uint32:
		return Uint32, true
	case []uint64:
		return Uint64, true
	case []float32:
		return Float32, true
	case []float64:
		return Float64, true
	case []Half:
		return Float16, true
	case []complex64:
		return Complex64, true
	case []complex128:
		return Complex128, true
	case []string:
		return String, true
	}
	return 0, false
}

// Wrap is FromSlice for a slice held as an any: it wraps data (no copy) as
// a block of shape, of the dtype SliceDType gives; the block shares data
// with the caller, and is not pooled. It reports ErrDType when data is not
// an element slice and ErrShape when the shape is invalid or len(data) is
// not its element count.
func Wrap(data any, shape ...int) (*Dense, error) {
	dt, ok := SliceDType(data)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not an element slice", ErrDType, data)
	}
	if err := chunk.CheckShape(shape); err != nil {
		return nil, shapeError(err)
	}
	n := kern[dt].len(data)
	if int64(n) != chunk.Size(shape) {
		return nil, fmt.Errorf("%w: %d elements do not fill shape %v (%d)", ErrShape, n, shape, chunk.Size(shape))
	}
	return &Dense{dtype: dt, shape: cloneInts(shape), data: data}, nil
}

// WrapDType is Wrap for a dtype that shares its storage type with another:
// it wraps data (no copy) as a block of dtype dt, which must be the dtype
// whose storage type data has or, for a []int64, a datetime64 or
// timedelta64 dtype. It reports ErrDTypeMismatch when data is not dt's
// storage, ErrDType for an invalid dt and ErrShape as Wrap does.
func WrapDType(dt DType, data any, shape ...int) (*Dense, error) {
	if !dt.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrDType, uint8(dt))
	}
	sdt, ok := SliceDType(data)
	if !ok || (sdt != dt && !(sdt == Int64 && dt.IsTime())) {
		return nil, fmt.Errorf("%w: %T is not the storage of %s", ErrDTypeMismatch, data, dt)
	}
	d, err := Wrap(data, shape...)
	if err != nil {
		return nil, err
	}
	d.dtype = dt
	return d, nil
}

// CastSlice converts the len(src) elements of src into dst[:len(src)],
// element slices of any dtypes, with the rounding and overflow rules of
// AsType under policy pol; an unknown pol is treated as OverflowError, the
// strictest. It returns the index of the first value out of dst's range
// under OverflowError (dst then holds the elements before it), else -1. It
// panics when either is not an element slice or dst is shorter than src
// (programmer errors). src and dst must not overlap.
func CastSlice(dst, src any, pol Overflow) int {
	if pol > OverflowWrap {
		pol = OverflowError
	}
	return castAny(dst, src, pol)
}

// SliceFloat64 returns element i of a typed element slice converted to
// float64 (bool: 0 or 1). It panics when s is not a numeric element slice
// or i is out of range.
func SliceFloat64(s any, i int) float64 {
	// The per-element accessor of the fused kernels: one type switch is
	// three times faster here than a kernel-table call (BenchmarkSliceKernels).
	switch v := s.(type) {
	case []float64:
		return v[i]
	case []float32:
		return float64(v[i])
	case []int8:
		return float64(v[i])
	case []int16:
		return float64(v[i])
	case []int32:
		return float64(v[i])
	case []int64:
		return float64(v[i])
	case []uint8:
		return float64(v[i])
	case []uint16:
		return float64(v[i])
	case []uint32:
		return float64(v[i])
	case []uint64:
		return float64(v[i])
	case []bool:
		if v[i] {
			return 1
		}
		return 0
	}
	if k := sliceKernels(s); k != nil && k.float != nil {
		return k.float(s, i) // dtypes added to the table later
	}
	panic(fmt.Sprintf("block: %T is not a numeric element slice", s))
}

// FillSlice sets every element of a typed element slice to v converted as
// a Go conversion would (bool: v != 0; an integer dtype takes v's integer
// part, and a v out of its range gives what Go's conversion gives, which
// is implementation-defined). Values of s that are not numeric element
// slices are left alone.
func FillSlice(s any, v float64) {
	if k := sliceKernels(s); k != nil && k.fill != nil {
		k.fill(s, v)
	}
}
