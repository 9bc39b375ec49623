package block

import (
	"fmt"
	"unsafe"
)

// This file is the one place that knows every dtype's Go storage type. A
// table of kernels keyed by DType, filled once at init from generic
// functions, replaces the per-type switches: adding a dtype (issue 13's
// datetime64, timedelta64 and fixed-width strings) is one more table
// entry, and a kernel a dtype cannot have (a float view of strings) is a
// nil entry that callers report, not a case that panics.

// kernels are the untyped operations on one dtype's buffer, an any
// holding a []T of the dtype's storage type T.
type kernels struct {
	make  func(n int) any                                 // a zeroed []T of n elements
	view  func(p unsafe.Pointer, n int) any               // n elements of T starting at p (no copy)
	ptr   func(s any) unsafe.Pointer                      // the first element of s (nil when empty)
	len   func(s any) int                                 // len(s)
	slice func(s any, lo, hi int) any                     // s[lo:hi:hi] (no copy)
	float func(s any, i int) float64                      // s[i] as float64; nil for non-numbers
	fill  func(s any, v float64)                          // every element to v as a Go conversion would; nil for non-numbers
	cast  [numDTypes]func(dst, src any, pol Overflow) int // cast[dst dtype]: see castAny; nil when no conversion exists
}

// kern is indexed by DType; entry 0 (the invalid dtype) is zero. It is
// written only by init.
var kern [numDTypes]kernels

func init() {
	boolKernels()
	numKernels[int8](Int8)
	numKernels[int16](Int16)
	numKernels[int32](Int32)
	numKernels[int64](Int64)
	numKernels[uint8](Uint8)
	numKernels[uint16](Uint16)
	numKernels[uint32](Uint32)
	numKernels[uint64](Uint64)
	numKernels[float32](Float32)
	numKernels[float64](Float64)
}

// storageKernels are the kernels every storage type has, numbers or not.
func storageKernels[T any]() kernels {
	return kernels{
		make: func(n int) any { return make([]T, n) },
		view: func(p unsafe.Pointer, n int) any { return unsafe.Slice((*T)(p), n) },
		ptr: func(s any) unsafe.Pointer {
			return unsafe.Pointer(unsafe.SliceData(s.([]T)))
		},
		len:   func(s any) int { return len(s.([]T)) },
		slice: func(s any, lo, hi int) any { return s.([]T)[lo:hi:hi] },
	}
}

func boolKernels() {
	k := storageKernels[bool]()
	k.float = func(s any, i int) float64 {
		if s.([]bool)[i] {
			return 1
		}
		return 0
	}
	k.fill = func(s any, v float64) { fillT(s.([]bool), v != 0) }
	k.cast = [numDTypes]func(dst, src any, pol Overflow) int{
		Bool:    func(dst, src any, _ Overflow) int { copy(dst.([]bool), src.([]bool)); return -1 },
		Int8:    castFromBool[int8],
		Int16:   castFromBool[int16],
		Int32:   castFromBool[int32],
		Int64:   castFromBool[int64],
		Uint8:   castFromBool[uint8],
		Uint16:  castFromBool[uint16],
		Uint32:  castFromBool[uint32],
		Uint64:  castFromBool[uint64],
		Float32: castFromBool[float32],
		Float64: castFromBool[float64],
	}
	kern[Bool] = k
}

func numKernels[T Number](dt DType) {
	k := storageKernels[T]()
	k.float = func(s any, i int) float64 { return float64(s.([]T)[i]) }
	k.fill = func(s any, v float64) { fillT(s.([]T), T(v)) }
	k.cast = [numDTypes]func(dst, src any, pol Overflow) int{
		Bool:    castToBool[T],
		Int8:    castNumAny[T, int8],
		Int16:   castNumAny[T, int16],
		Int32:   castNumAny[T, int32],
		Int64:   castNumAny[T, int64],
		Uint8:   castNumAny[T, uint8],
		Uint16:  castNumAny[T, uint16],
		Uint32:  castNumAny[T, uint32],
		Uint64:  castNumAny[T, uint64],
		Float32: castNumAny[T, float32],
		Float64: castNumAny[T, float64],
	}
	kern[dt] = k
}

func castFromBool[D Number](dst, src any, _ Overflow) int { return fromBool(dst.([]D), src.([]bool)) }
func castToBool[S Number](dst, src any, _ Overflow) int   { return toBool(dst.([]bool), src.([]S)) }
func castNumAny[S, D Number](dst, src any, pol Overflow) int {
	return castNum(dst.([]D), src.([]S), pol)
}

// kernelsOf returns dt's kernels; it panics on an invalid dtype (a
// programmer error: every exported constructor checks dtypes first).
func kernelsOf(dt DType) *kernels {
	if !dt.Valid() {
		panic(fmt.Sprintf("block: invalid dtype %d", uint8(dt)))
	}
	return &kern[dt]
}

// sliceKernels returns the kernels of an element slice's dtype, or nil
// when s is not one.
func sliceKernels(s any) *kernels {
	dt, ok := SliceDType(s)
	if !ok {
		return nil
	}
	return &kern[dt]
}
