package block

import (
	"fmt"

	"github.com/tessera-array/tessera/chunk"
)

// This file is the untyped face of the element buffers, for kernels that
// hold a block's data as an any ([]bool, []int8, ..., []float64) and
// dispatch on its type once per tile rather than once per element.

// MakeSlice returns a new zeroed []T of n elements for dt's Go type T, as
// an any. It panics on an invalid dtype (a programmer error).
func MakeSlice(dt DType, n int) any { return makeSlice(dt, n) }

// SliceDType returns the dtype of a typed element slice ([]bool, ...,
// []float64) and whether s is one.
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
	}
	return 0, false
}

// Wrap is FromSlice for a slice held as an any: it wraps data (no copy) as
// a block of shape. It reports ErrDType when data is not a typed element
// slice and ErrShape when its length does not fill shape.
func Wrap(data any, shape ...int) (*Dense, error) {
	dt, ok := SliceDType(data)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not an element slice", ErrDType, data)
	}
	if err := chunk.CheckShape(shape); err != nil {
		return nil, fmt.Errorf("block: %w", err)
	}
	n := sliceLen(data)
	if int64(n) != chunk.Size(shape) {
		return nil, fmt.Errorf("%w: %d elements do not fill shape %v (%d)", ErrShape, n, shape, chunk.Size(shape))
	}
	return &Dense{dtype: dt, shape: cloneInts(shape), data: data}, nil
}

// CastSlice converts the elements of src into dst (typed element slices of
// equal length, of any dtypes) with the rounding and overflow rules of
// AsType. It returns the index of the first value out of dst's range under
// OverflowError, else -1.
func CastSlice(dst, src any, pol Overflow) int { return castAny(dst, src, pol) }

// SliceFloat64 returns element i of a typed element slice converted to
// float64 (bool: 0 or 1). It panics when s is not an element slice.
func SliceFloat64(s any, i int) float64 {
	switch v := s.(type) {
	case []bool:
		if v[i] {
			return 1
		}
		return 0
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
	case []float32:
		return float64(v[i])
	case []float64:
		return v[i]
	}
	panic(fmt.Sprintf("block: %T is not an element slice", s))
}

// FillSlice sets every element of a typed element slice to v converted as
// a Go conversion would (bool: v != 0). Other values of s are ignored.
func FillSlice(s any, v float64) {
	switch s := s.(type) {
	case []bool:
		fillT(s, v != 0)
	case []int8:
		fillT(s, int8(v))
	case []int16:
		fillT(s, int16(v))
	case []int32:
		fillT(s, int32(v))
	case []int64:
		fillT(s, int64(v))
	case []uint8:
		fillT(s, uint8(v))
	case []uint16:
		fillT(s, uint16(v))
	case []uint32:
		fillT(s, uint32(v))
	case []uint64:
		fillT(s, uint64(v))
	case []float32:
		fillT(s, float32(v))
	case []float64:
		fillT(s, v)
	}
}

func sliceLen(s any) int {
	switch v := s.(type) {
	case []bool:
		return len(v)
	case []int8:
		return len(v)
	case []int16:
		return len(v)
	case []int32:
		return len(v)
	case []int64:
		return len(v)
	case []uint8:
		return len(v)
	case []uint16:
		return len(v)
	case []uint32:
		return len(v)
	case []uint64:
		return len(v)
	case []float32:
		return len(v)
	case []float64:
		return len(v)
	}
	return 0
}
