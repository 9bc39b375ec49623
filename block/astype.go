package block

import (
	"errors"
	"fmt"
	"github.com/tessera-array/tessera/chunk"
	"math"
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

// CastError reports the first value a conversion could not represent.
type CastError struct {
	From, To DType
	Index    []int   // n-d index of the offending element
	Value    float64 // the value (after scaling, before rounding)
}

func (e *CastError) Error() string {
	return fmt.Sprintf("block: cannot convert %s value %v at index %v to %s: out of range", e.From, e.Value, e.Index, e.To)
}

// Unwrap makes errors.Is(err, ErrOverflow) true.
func (e *CastError) Unwrap() error { return ErrOverflow }

// CastOptions tunes AsType. Float to integer conversion always rounds to
// the nearest integer, ties to even (numpy's np.rint), before the range check.
type CastOptions struct {
	Overflow Overflow
}

// AsType converts the block to dtype dt. Integer and bool sources convert
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

// CastInto converts src into dst element by element; both must have the same
// element count. See AsType for the semantics.
func CastInto(dst, src *Dense, opts CastOptions) error {
	if dst.Len() != src.Len() {
		return fmt.Errorf("%w: cast of %d elements into %d", ErrShape, src.Len(), dst.Len())
	}
	if opts.Overflow > OverflowWrap {
		return fmt.Errorf("block: unknown overflow policy %d", opts.Overflow)
	}
	bad := castAny(dst.data, src.data, opts.Overflow)
	if bad >= 0 {
		return &CastError{From: src.dtype, To: dst.dtype, Index: chunk.Unravel(bad, src.shape), Value: src.Float64(bad)}
	}
	return nil
}

// Signed, Unsigned, Integer and Float constrain generic kernels to the
// element types of one kind.
type Signed interface{ int8 | int16 | int32 | int64 }

// Unsigned is the constraint of unsigned integer element types.
type Unsigned interface {
	uint8 | uint16 | uint32 | uint64
}

// Integer is the constraint of integer element types.
type Integer interface{ Signed | Unsigned }

// Float is the constraint of floating-point element types.
type Float interface{ float32 | float64 }

// castAny dispatches on the source type; it returns the linear index of the
// first out-of-range value under OverflowError, else -1.
func castAny(dst, src any, pol Overflow) int {
	switch s := src.(type) {
	case []bool:
		return castFromBool(dst, s)
	case []int8:
		return castFromSigned(dst, s, pol)
	case []int16:
		return castFromSigned(dst, s, pol)
	case []int32:
		return castFromSigned(dst, s, pol)
	case []int64:
		return castFromSigned(dst, s, pol)
	case []uint8:
		return castFromUnsigned(dst, s, pol)
	case []uint16:
		return castFromUnsigned(dst, s, pol)
	case []uint32:
		return castFromUnsigned(dst, s, pol)
	case []uint64:
		return castFromUnsigned(dst, s, pol)
	case []float32:
		return castFromFloat(dst, s, pol)
	case []float64:
		return castFromFloat(dst, s, pol)
	}
	panic("block: invalid block")
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

func castFromBool(dst any, src []bool) int {
	switch d := dst.(type) {
	case []bool:
		copy(d, src)
		return -1
	case []int8:
		return fromBool(d, src)
	case []int16:
		return fromBool(d, src)
	case []int32:
		return fromBool(d, src)
	case []int64:
		return fromBool(d, src)
	case []uint8:
		return fromBool(d, src)
	case []uint16:
		return fromBool(d, src)
	case []uint32:
		return fromBool(d, src)
	case []uint64:
		return fromBool(d, src)
	case []float32:
		return fromBool(d, src)
	case []float64:
		return fromBool(d, src)
	}
	panic("block: invalid block")
}

// intRange returns the range of integer type D as (min int64, max uint64).
func intRange[D Integer]() (int64, uint64) {
	var z D
	bits := 8 * int(sizeOf(z))
	if D(0)-1 > 0 { // unsigned
		return 0, math.MaxUint64 >> (64 - bits)
	}
	return -1 << (bits - 1), 1<<(bits-1) - 1
}

func sizeOf[T Number](T) uintptr {
	var z T
	switch any(z).(type) {
	case int8, uint8:
		return 1
	case int16, uint16:
		return 2
	case int32, uint32, float32:
		return 4
	}
	return 8
}

func signedToInt[S Signed, D Integer](dst []D, src []S, pol Overflow) int {
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

func unsignedToInt[S Unsigned, D Integer](dst []D, src []S, pol Overflow) int {
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

func intToFloat[S Integer, D Float](dst []D, src []S) int {
	for i, x := range src {
		dst[i] = D(x)
	}
	return -1
}

func floatToFloat[S, D Float](dst []D, src []S, pol Overflow) int {
	var z D
	if sizeOf(z) == 8 || sizeOf(*new(S)) == 4 { // widening or same: exact
		for i, x := range src {
			dst[i] = D(x)
		}
		return -1
	}
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
func floatToInt[S Float, D Integer](dst []D, src []S, pol Overflow) int {
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

func castFromSigned[S Signed](dst any, src []S, pol Overflow) int {
	switch d := dst.(type) {
	case []bool:
		return toBool(d, src)
	case []int8:
		return signedToInt(d, src, pol)
	case []int16:
		return signedToInt(d, src, pol)
	case []int32:
		return signedToInt(d, src, pol)
	case []int64:
		return signedToInt(d, src, pol)
	case []uint8:
		return signedToInt(d, src, pol)
	case []uint16:
		return signedToInt(d, src, pol)
	case []uint32:
		return signedToInt(d, src, pol)
	case []uint64:
		return signedToInt(d, src, pol)
	case []float32:
		return intToFloat(d, src)
	case []float64:
		return intToFloat(d, src)
	}
	panic("block: invalid block")
}

func castFromUnsigned[S Unsigned](dst any, src []S, pol Overflow) int {
	switch d := dst.(type) {
	case []bool:
		return toBool(d, src)
	case []int8:
		return unsignedToInt(d, src, pol)
	case []int16:
		return unsignedToInt(d, src, pol)
	case []int32:
		return unsignedToInt(d, src, pol)
	case []int64:
		return unsignedToInt(d, src, pol)
	case []uint8:
		return unsignedToInt(d, src, pol)
	case []uint16:
		return unsignedToInt(d, src, pol)
	case []uint32:
		return unsignedToInt(d, src, pol)
	case []uint64:
		return unsignedToInt(d, src, pol)
	case []float32:
		return intToFloat(d, src)
	case []float64:
		return intToFloat(d, src)
	}
	panic("block: invalid block")
}

func castFromFloat[S Float](dst any, src []S, pol Overflow) int {
	switch d := dst.(type) {
	case []bool:
		return toBool(d, src)
	case []int8:
		return floatToInt(d, src, pol)
	case []int16:
		return floatToInt(d, src, pol)
	case []int32:
		return floatToInt(d, src, pol)
	case []int64:
		return floatToInt(d, src, pol)
	case []uint8:
		return floatToInt(d, src, pol)
	case []uint16:
		return floatToInt(d, src, pol)
	case []uint32:
		return floatToInt(d, src, pol)
	case []uint64:
		return floatToInt(d, src, pol)
	case []float32:
		return floatToFloat(d, src, pol)
	case []float64:
		return floatToFloat(d, src, pol)
	}
	panic("block: invalid block")
}

// ScaleOffset describes linear packing in the CF / GDAL direction:
//
//	decoded = stored*Scale + Offset
//	stored  = round_half_even((decoded - Offset) / Scale)
//
// The seed's reflectance packing is ScaleOffset{Scale: 1e-4} into Int16.
// (numcodecs' fixedscaleoffset uses the reciprocal scale; codecs convert at
// the format boundary.)
type ScaleOffset struct {
	Scale, Offset float64
}

// Pack scales src and converts it to dt with the overflow policy. Division by
// Scale is done as multiplication by 1/Scale. Scale must be finite and non-zero.
func (so ScaleOffset) Pack(src *Dense, dt DType, pol Overflow) (*Dense, error) {
	if so.Scale == 0 || math.IsInf(so.Scale, 0) || math.IsNaN(so.Scale) || math.IsNaN(so.Offset) || math.IsInf(so.Offset, 0) {
		return nil, fmt.Errorf("block: invalid scale %v / offset %v", so.Scale, so.Offset)
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

// Unpack decodes stored values to dt (a float type normally):
// stored*Scale + Offset.
func (so ScaleOffset) Unpack(stored *Dense, dt DType) (*Dense, error) {
	tmp, err := stored.AsType(Float64, CastOptions{})
	if err != nil {
		return nil, err
	}
	v := Values[float64](tmp)
	for i, x := range v {
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
