package block

import (
	"fmt"
	"math"
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
	halfKernels()
	complexKernels[complex64](Complex64)
	complexKernels[complex128](Complex128)
	stringKernels()
	for u := UnitYear; u < numUnits; u++ {
		timeKernels(DateTime64(u))
		timeKernels(TimeDelta64(u))
	}
	// Every number casts to the newer dtypes: fill in the numeric rows.
	for s := Bool; s < numNumeric; s++ {
		kern[s].cast[Float16] = toHalfFrom(s)
		kern[s].cast[Complex64] = toComplexFrom[complex64](s)
		kern[s].cast[Complex128] = toComplexFrom[complex128](s)
	}
	for u := UnitYear; u < numUnits; u++ {
		kern[Int64].cast[DateTime64(u)] = copyCast[int64]
		kern[Int64].cast[TimeDelta64(u)] = copyCast[int64]
	}
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
		Bool:    copyCast[bool],
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

// copyCast is the cast between two dtypes of one storage type that keeps
// every value (datetime64 to and from its int64 count, string to string).
func copyCast[T any](dst, src any, _ Overflow) int { copy(dst.([]T), src.([]T)); return -1 }

func halfKernels() {
	k := storageKernels[Half]()
	k.float = func(s any, i int) float64 { return float64(s.([]Half)[i].Float32()) }
	k.fill = func(s any, v float64) { fillT(s.([]Half), HalfFromFloat64(v)) }
	k.cast[Float16] = copyCast[Half]
	for d := Bool; d < numNumeric; d++ {
		k.cast[d] = fromHalfTo(d)
	}
	k.cast[Complex64] = func(dst, src any, _ Overflow) int {
		o := dst.([]complex64)
		for i, h := range src.([]Half) {
			o[i] = complex(h.Float32(), 0)
		}
		return -1
	}
	k.cast[Complex128] = func(dst, src any, _ Overflow) int {
		o := dst.([]complex128)
		for i, h := range src.([]Half) {
			o[i] = complex(float64(h.Float32()), 0)
		}
		return -1
	}
	kern[Float16] = k
}

// fromHalfTo converts binary16 to numeric dtype d through float32 (exact),
// a tile of 256 at a time, with castNum's rules from float32.
func fromHalfTo(d DType) func(dst, src any, pol Overflow) int {
	return func(dst, src any, pol Overflow) int {
		var tmp [256]float32
		h := src.([]Half)
		for off := 0; off < len(h); off += len(tmp) {
			n := min(len(tmp), len(h)-off)
			for i := range n {
				tmp[i] = h[off+i].Float32()
			}
			if bad := kern[Float32].cast[d](kern[d].slice(dst, off, off+n), tmp[:n], pol); bad >= 0 {
				return off + bad
			}
		}
		return -1
	}
}

// toHalfFrom converts numeric dtype s to binary16, rounding to nearest
// even: finite values beyond ±65504 follow pol (wrap gives ±Inf, as
// numpy's cast does).
func toHalfFrom(s DType) func(dst, src any, pol Overflow) int {
	return func(dst, src any, pol Overflow) int {
		o := dst.([]Half)
		f := kern[s].float
		for i := range o {
			v := f(src, i)
			h := HalfFromFloat64(v)
			if h&0x7c00 == 0x7c00 && h&0x3ff == 0 && !math.IsInf(v, 0) {
				switch pol {
				case OverflowError:
					return i
				case OverflowClip:
					h = HalfFromFloat64(math.Copysign(MaxFloat16, v))
				}
			}
			o[i] = h
		}
		return -1
	}
}

// toComplexFrom converts numeric dtype s to a complex type: the value as
// the real part (float64 beyond float32's range into complex64 follows
// pol as for float32).
func toComplexFrom[C complex64 | complex128](s DType) func(dst, src any, pol Overflow) int {
	return func(dst, src any, pol Overflow) int {
		o := dst.([]C)
		f := kern[s].float
		small := unsafe.Sizeof(*new(C)) == 8
		for i := range o {
			v := f(src, i)
			if small && (v > math.MaxFloat32 || v < -math.MaxFloat32) && !math.IsInf(v, 0) {
				switch pol {
				case OverflowError:
					return i
				case OverflowClip:
					v = math.Copysign(math.MaxFloat32, v)
				}
			}
			o[i] = C(complex(v, 0))
		}
		return -1
	}
}

func complexKernels[C complex64 | complex128](dt DType) {
	k := storageKernels[C]()
	// no float view and no fill from a float64: a complex value is not
	// one number (FillComplex fills)
	k.cast[Complex64] = func(dst, src any, pol Overflow) int {
		o := dst.([]complex64)
		for i, c := range src.([]C) {
			re, im := real(complex128(c)), imag(complex128(c))
			if big := math.MaxFloat32; (math.Abs(re) > big && !math.IsInf(re, 0)) || (math.Abs(im) > big && !math.IsInf(im, 0)) {
				switch pol {
				case OverflowError:
					return i
				case OverflowClip:
					re, im = clip32(re), clip32(im)
				}
			}
			o[i] = complex(float32(re), float32(im))
		}
		return -1
	}
	k.cast[Complex128] = func(dst, src any, _ Overflow) int {
		o := dst.([]complex128)
		for i, c := range src.([]C) {
			o[i] = complex128(c)
		}
		return -1
	}
	kern[dt] = k
}

func clip32(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) <= math.MaxFloat32 {
		return v
	}
	return math.Copysign(math.MaxFloat32, v)
}

func stringKernels() {
	k := storageKernels[string]()
	k.ptr = nil // a string buffer has no byte view
	k.view = nil
	k.cast[String] = copyCast[string]
	kern[String] = k
}

// timeKernels fill a datetime64 or timedelta64 dtype: int64 storage, a
// float view that gives NaN for NaT, casts to Int64 (the raw count) and
// to every unit of the same family whose ratio is fixed.
func timeKernels(dt DType) {
	k := storageKernels[int64]()
	k.float = func(s any, i int) float64 {
		v := s.([]int64)[i]
		if v == NaT {
			return math.NaN()
		}
		return float64(v)
	}
	k.fill = func(s any, v float64) {
		x := NaT
		if !math.IsNaN(v) {
			x = int64(v)
		}
		fillT(s.([]int64), x)
	}
	k.cast[Int64] = copyCast[int64]
	from, _ := dt.Unit()
	for to := UnitYear; to < numUnits; to++ {
		var d DType
		if dt.IsDateTime() {
			d = DateTime64(to)
		} else {
			d = TimeDelta64(to)
		}
		if f := unitCast(from, to); f != nil {
			k.cast[d] = f
		}
	}
	kern[dt] = k
}

// unitCast converts counts of unit from into counts of unit to, or is nil
// when the ratio is not fixed (years or months with a unit of fixed
// length). Coarser units floor (numpy's rounding: -1 ns is the second
// before the epoch); finer ones multiply under pol. NaT stays NaT.
func unitCast(from, to TimeUnit) func(dst, src any, pol Overflow) int {
	if from == to {
		return copyCast[int64]
	}
	var mul, div int64
	switch {
	case from == UnitYear && to == UnitMonth:
		mul, div = 12, 1
	case from == UnitMonth && to == UnitYear:
		mul, div = 1, 12
	case from <= UnitMonth || to <= UnitMonth:
		return nil
	default:
		// ratio = len(from)/len(to) in nanosecond fractions
		a, b := unitNanosRatio[from], unitNanosRatio[to]
		num, den := a.num*b.den, a.den*b.num
		if num >= den {
			mul, div = num/den, 1
		} else {
			mul, div = 1, den/num
		}
	}
	return func(dst, src any, pol Overflow) int {
		o, in := dst.([]int64), src.([]int64)
		for i, v := range in {
			if v == NaT {
				o[i] = NaT
				continue
			}
			if div > 1 {
				q := v / div
				if v%div != 0 && v < 0 {
					q--
				}
				o[i] = q
				continue
			}
			r := v * mul
			if v != 0 && (r/mul != v || r == NaT) {
				switch pol {
				case OverflowError:
					return i
				case OverflowClip:
					if v < 0 {
						r = NaT + 1
					} else {
						r = math.MaxInt64
					}
				}
			}
			o[i] = r
		}
		return -1
	}
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
