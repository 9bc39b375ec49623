package block

import (
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/tessera-array/tessera/chunk"
)

// Overflow says what a conversion does with a value the target dtype cannot
// hold.
type Overflow uint8

const (
	// OverflowError refuses the conversion with a *CastError naming the
	// first offending value and its index. NaN into an integer is an error.
	OverflowError Overflow = iota
	// OverflowClip saturates to the target's min or max; NaN becomes 0.
	OverflowClip
	// OverflowWrap keeps the low bits (two's complement, like C and numpy's
	// unsafe casting); NaN becomes 0; float64 beyond float32 becomes ±Inf.
	OverflowWrap
)

// String is the policy's name: "error", "clip" or "wrap", and
// "Overflow(n)" for an unknown value.
func (o Overflow) String() string {
	switch o {
	case OverflowError:
		return "error"
	case OverflowClip:
		return "clip"
	case OverflowWrap:
		return "wrap"
	}
	return fmt.Sprintf("Overflow(%d)", uint8(o))
}

// ErrOverflow is wrapped by every *CastError.
var ErrOverflow = errors.New("block: value out of range for dtype")

// CastError reports the first value a conversion could not represent
// under OverflowError. It wraps ErrOverflow.
type CastError struct {
	From, To DType   // the source and target dtypes
	Index    []int   // n-d index of the offending element in the source
	Value    float64 // the source value as float64 (for Pack, before scaling)
}

// Error names the dtypes, the value and its n-d index.
func (e *CastError) Error() string {
	return fmt.Sprintf("block: cannot convert %s value %v at index %v to %s: out of range", e.From, e.Value, e.Index, e.To)
}

// Unwrap makes errors.Is(err, ErrOverflow) true.
func (e *CastError) Unwrap() error { return ErrOverflow }

// CastOptions tunes AsType and CastInto. Float to integer conversion always
// rounds to the nearest integer, ties to even (numpy's np.rint), before the
// range check.
type CastOptions struct {
	// Overflow is what happens to values out of the target's range; the
	// zero value is OverflowError.
	Overflow Overflow
}

// AsType converts the block to dtype dt (CanCast says which pairs convert;
// others get an *UnsupportedError). Integer and bool sources convert
// exactly where the target can hold the value; floats round half to even
// into integers; values out of range follow opts.Overflow. Bool targets
// take value != 0 and never overflow. The result is a new block even when dt
// equals the block's dtype.
func (d *Dense) AsType(dt DType, opts CastOptions) (*Dense, error) {
	out, err := New(dt, d.shape...)
	if err != nil {
		return nil, err
	}
	if err := CastInto(out, d, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// CastInto converts src into dst element by element, in C order; both must
// have the same element count (ErrShape otherwise), not the same shape. See
// AsType for the semantics. Under OverflowError it returns a *CastError for
// the first value out of range, and dst then holds the converted elements
// before it (the rest are unchanged). dst and src must not overlap unless
// they are the same dtype and block.
func CastInto(dst, src *Dense, opts CastOptions) error {
	if dst.Len() != src.Len() {
		return fmt.Errorf("%w: cast of %d elements into %d", ErrShape, src.Len(), dst.Len())
	}
	if opts.Overflow > OverflowWrap {
		return fmt.Errorf("block: unknown overflow policy %d", opts.Overflow)
	}
	if !CanCast(src.dtype, dst.dtype) {
		return &UnsupportedError{Op: "cast", DType: src.dtype, To: dst.dtype}
	}
	bad := castDT(dst.dtype, dst.data, src.dtype, src.data, opts.Overflow)
	if bad >= 0 {
		ce := &CastError{From: src.dtype, To: dst.dtype, Index: chunk.Unravel(bad, src.shape)}
		if src.HasFloat() {
			ce.Value = src.Float64(bad)
		} else if c, ok := src.data.([]complex128); ok {
			ce.Value = real(c[bad])
		}
		return ce
	}
	return nil
}

// CanCast reports whether AsType and CastInto convert from to to: between
// any two numeric dtypes and Float16; from those into Complex64 and
// Complex128 and between the two complex dtypes (not back to a real
// dtype: the imaginary part would be lost); String to String only;
// datetime64 and timedelta64 to Int64 (the raw count), from Int64, and
// to another unit of the same family when the ratio is fixed (years and
// months convert only to each other). Invalid dtypes give false.
func CanCast(from, to DType) bool {
	if !from.Valid() || !to.Valid() {
		return false
	}
	return kern[from].cast[to] != nil
}

// Signed is the constraint of signed integer element types.
type Signed interface{ int8 | int16 | int32 | int64 }

// Unsigned is the constraint of unsigned integer element types.
type Unsigned interface {
	uint8 | uint16 | uint32 | uint64
}

// Integer is the constraint of integer element types.
type Integer interface{ Signed | Unsigned }

// Float is the constraint of floating-point element types.
type Float interface{ float32 | float64 }

// castAny converts src into dst, typed element slices of equal length, by
// the kernel table (one generic kernel per dtype pair); it returns the
// linear index of the first out-of-range value under OverflowError, else
// -1. It panics when either is not an element slice.
func castAny(dst, src any, pol Overflow) int {
	sdt, ok1 := SliceDType(src)
	ddt, ok2 := SliceDType(dst)
	if !ok1 || !ok2 {
		panic(fmt.Sprintf("block: cast from %T into %T: not element slices", src, dst))
	}
	return castDT(ddt, dst, sdt, src, pol)
}

// castDT is castAny for slices whose dtypes are known.
func castDT(ddt DType, dst any, sdt DType, src any, pol Overflow) int {
	f := kernelsOf(sdt).cast[ddt]
	if f == nil {
		panic(fmt.Sprintf("block: no conversion from %s to %s", sdt, ddt)) // CastInto checks CanCast first
	}
	return f(dst, src, pol)
}

// castNum is the one kernel for every pair of numeric dtypes. The kinds
// of S and D are worked out once per call; each branch is a loop of its
// own, instantiated per pair, so the per-element work is what a
// hand-written loop for the pair would do:
//
//	to float:           dst[i] = D(src[i])  (float64 -> float32 checks range)
//	float to integer:   dst[i] = D(RoundToEven(src[i])), range-checked
//	integer to integer: dst[i] = D(src[i]), range-checked
func castNum[S, D Number](dst []D, src []S, pol Overflow) int {
	sk, dk := DTypeOf[S]().Kind(), DTypeOf[D]().Kind()
	switch {
	case dk == 'f':
		if sk == 'f' && unsafe.Sizeof(*new(S)) == 8 && unsafe.Sizeof(*new(D)) == 4 {
			return narrowFloat(dst, src, pol)
		}
		for i, x := range src {
			dst[i] = D(x)
		}
		return -1
	case sk == 'f':
		return floatToInt(dst, src, pol)
	case sk == 'i':
		return signedToInt(dst, src, pol)
	default:
		return unsignedToInt(dst, src, pol)
	}
}

func toBool[S Number](dst []bool, src []S) int {
	for i, x := range src {
		dst[i] = x != 0
	}
	return -1
}

func fromBool[D Number](dst []D, src []bool) int {
	for i, x := range src {
		if x {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
	return -1
}

// intRange returns the range of integer type D as (min int64, max uint64).
func intRange[D Number]() (int64, uint64) {
	bits := 8 * int(unsafe.Sizeof(*new(D)))
	if DTypeOf[D]().IsUnsigned() {
		return 0, math.MaxUint64 >> (64 - bits)
	}
	return -1 << (bits - 1), 1<<(bits-1) - 1
}

func signedToInt[S, D Number](dst []D, src []S, pol Overflow) int {
	lo, hi := intRange[D]()
	for i, x := range src {
		v := int64(x)
		if v < lo || (v > 0 && uint64(v) > hi) {
			switch pol {
			case OverflowError:
				return i
			case OverflowClip:
				if v < lo {
					dst[i] = D(lo)
				} else {
					dst[i] = D(hi)
				}
				continue
			}
		}
		dst[i] = D(v)
	}
	return -1
}

func unsignedToInt[S, D Number](dst []D, src []S, pol Overflow) int {
	_, hi := intRange[D]()
	for i, x := range src {
		v := uint64(x)
		if v > hi {
			switch pol {
			case OverflowError:
				return i
			case OverflowClip:
				dst[i] = D(hi)
				continue
			}
		}
		dst[i] = D(v)
	}
	return -1
}

// narrowFloat converts float64 to float32: finite values beyond float32's
// range follow pol (wrap gives ±Inf, as a Go conversion does).
func narrowFloat[S, D Number](dst []D, src []S, pol Overflow) int {
	for i, x := range src {
		f := float64(x)
		if f > math.MaxFloat32 || f < -math.MaxFloat32 {
			if !math.IsInf(f, 0) {
				switch pol {
				case OverflowError:
					return i
				case OverflowClip:
					dst[i] = D(math.Copysign(math.MaxFloat32, f))
					continue
				}
			}
		}
		dst[i] = D(x)
	}
	return -1
}

// floatToInt rounds half to even and range-checks. lo and hiExcl are the
// target's bounds as exact float64 values: lo <= v < hiExcl fits.
func floatToInt[S, D Number](dst []D, src []S, pol Overflow) int {
	lo, hi := intRange[D]()
	flo := float64(lo)
	fhiExcl := float64(hi) + 1 // exact: 2^bits or 2^(bits-1)
	if hi == math.MaxUint64 {
		fhiExcl = 1 << 64
	}
	for i, x := range src {
		v := math.RoundToEven(float64(x))
		if v >= flo && v < fhiExcl {
			dst[i] = D(int64OrUint64(v))
			continue
		}
		switch pol {
		case OverflowError:
			return i
		case OverflowClip:
			switch {
			case v != v:
				dst[i] = 0
			case v < flo:
				dst[i] = D(lo)
			default:
				dst[i] = D(hi)
			}
		case OverflowWrap:
			dst[i] = D(wrapFloat(v))
		}
	}
	return -1
}

// int64OrUint64 converts an in-range integral float to the bit pattern of
// the target integer: values >= 2^63 go through uint64.
func int64OrUint64(v float64) uint64 {
	if v >= 1<<63 {
		return uint64(v)
	}
	return uint64(int64(v))
}

// wrapFloat reduces an integral float modulo 2^64 (NaN and Inf give 0).
func wrapFloat(v float64) uint64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	if v >= -(1<<63) && v < 1<<63 {
		return uint64(int64(v))
	}
	m := math.Mod(v, 1<<64)
	if m < 0 {
		m += 1 << 64
	}
	return int64OrUint64(m)
}

// ScaleOffset describes linear packing in the CF / GDAL direction (Scale
// and Offset are the CF scale_factor and add_offset):
//
//	decoded = stored*Scale + Offset
//	stored  = round_half_even((decoded - Offset) / Scale)
//
// The seed's reflectance packing is ScaleOffset{Scale: 1e-4} into Int16.
// (numcodecs' fixedscaleoffset uses the reciprocal scale; codecs convert at
// the format boundary.)
//
// Fill, when set, is the CF _FillValue in stored units: Pack stores every
// NaN as *Fill under every overflow policy (as xarray's CF encoder does),
// and Unpack decodes every stored *Fill as NaN. A nil Fill packs NaN under
// the overflow policy like any other value.
type ScaleOffset struct {
	Scale, Offset float64
	Fill          *float64
}

// checkFill reports a fill value that is NaN or not an integer of dt's
// range when dt is an integer type.
func (so ScaleOffset) checkFill(dt DType) error {
	if so.Fill == nil {
		return nil
	}
	f := *so.Fill
	if dt.IsFloat() {
		return nil
	}
	lo, hi := dtRange(dt)
	if math.IsNaN(f) || f != math.Trunc(f) || f < lo || f > hi {
		return fmt.Errorf("%w: fill value %v for %s", ErrOverflow, f, dt)
	}
	return nil
}

// dtRange is the closed float64 range of an integer or bool dtype.
func dtRange(dt DType) (float64, float64) {
	switch dt {
	case Bool, Uint8:
		if dt == Bool {
			return 0, 1
		}
		return 0, math.MaxUint8
	case Int8:
		return math.MinInt8, math.MaxInt8
	case Int16:
		return math.MinInt16, math.MaxInt16
	case Uint16:
		return 0, math.MaxUint16
	case Int32:
		return math.MinInt32, math.MaxInt32
	case Uint32:
		return 0, math.MaxUint32
	case Int64:
		return math.MinInt64, math.MaxInt64
	case Uint64:
		return 0, math.MaxUint64
	}
	return math.Inf(-1), math.Inf(1)
}

// Pack scales src and converts it to dt with the overflow policy, into a
// new block. Division by Scale is done as multiplication by 1/Scale. Scale
// must be finite and non-zero and Offset finite (an error otherwise); a
// value out of dt's range under OverflowError is a *CastError naming the
// value of src before scaling. With Fill set, NaN is stored as *Fill
// (which must be a value of dt: an error wrapping ErrOverflow otherwise).
func (so ScaleOffset) Pack(src *Dense, dt DType, pol Overflow) (*Dense, error) {
	if so.Scale == 0 || math.IsInf(so.Scale, 0) || math.IsNaN(so.Scale) || math.IsNaN(so.Offset) || math.IsInf(so.Offset, 0) {
		return nil, fmt.Errorf("block: invalid scale %v / offset %v", so.Scale, so.Offset)
	}
	if err := so.checkFill(dt); err != nil {
		return nil, err
	}
	tmp, err := src.AsType(Float64, CastOptions{})
	if err != nil {
		return nil, err
	}
	inv := 1 / so.Scale
	v := Values[float64](tmp)
	for i, x := range v {
		v[i] = (x - so.Offset) * inv
	}
	if so.Fill != nil {
		for i, x := range v {
			if math.IsNaN(x) {
				v[i] = *so.Fill
			}
		}
	}
	out, err := New(dt, src.shape...)
	if err != nil {
		return nil, err
	}
	if err := CastInto(out, tmp, CastOptions{Overflow: pol}); err != nil {
		var ce *CastError
		if errors.As(err, &ce) {
			ce.From = src.dtype
			ce.Value = src.Float64(linear(ce.Index, src.shape))
		}
		return nil, err
	}
	return out, nil
}

// Unpack decodes stored values to dt (a float type normally), into a new
// block: stored*Scale + Offset computed in float64, then converted to dt
// under OverflowError (a *CastError for a result dt cannot hold). With
// Fill set, a stored *Fill decodes as NaN (dt must then be a float type).
func (so ScaleOffset) Unpack(stored *Dense, dt DType) (*Dense, error) {
	if so.Fill != nil && !dt.IsFloat() {
		return nil, fmt.Errorf("%w: unpacking with a fill value into %s (NaN needs a float type)", ErrOverflow, dt)
	}
	tmp, err := stored.AsType(Float64, CastOptions{})
	if err != nil {
		return nil, err
	}
	v := Values[float64](tmp)
	for i, x := range v {
		if so.Fill != nil && x == *so.Fill {
			v[i] = math.NaN()
			continue
		}
		v[i] = x*so.Scale + so.Offset
	}
	if dt == Float64 {
		return tmp, nil
	}
	return tmp.AsType(dt, CastOptions{Overflow: OverflowError})
}

func linear(idx, shape []int) int {
	n := 0
	for a, i := range idx {
		n = n*shape[a] + i
	}
	return n
}
