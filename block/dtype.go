package block

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// DType is an element type. The zero DType is invalid. A DType is one
// byte, comparable and cheap to copy: datetime64 and timedelta64 carry
// their unit in the value itself (one DType per unit, made by DateTime64
// and TimeDelta64), so two datetime64 dtypes are equal exactly when their
// units are.
type DType uint8

// The element types tessera supports. The numeric ones (Bool through
// Float64) are the ones every kernel computes on; the others are held,
// read, written, copied and cast, and each operation that cannot take
// them refuses them with an error wrapping ErrUnsupported.
const (
	// Bool is numpy's "bool" (code "b1", Zarr v3 "bool"): one byte per
	// element, 0 or 1, held in a []bool.
	Bool DType = iota + 1
	// Int8 is numpy's "int8" (code "i1"): signed 8-bit, held in a []int8.
	Int8
	// Int16 is numpy's "int16" (code "i2"): signed 16-bit, held in a []int16.
	Int16
	// Int32 is numpy's "int32" (code "i4"): signed 32-bit, held in a []int32.
	Int32
	// Int64 is numpy's "int64" (code "i8"): signed 64-bit, held in a []int64.
	Int64
	// Uint8 is numpy's "uint8" (code "u1"): unsigned 8-bit, held in a []uint8.
	Uint8
	// Uint16 is numpy's "uint16" (code "u2"): unsigned 16-bit, held in a
	// []uint16.
	Uint16
	// Uint32 is numpy's "uint32" (code "u4"): unsigned 32-bit, held in a
	// []uint32.
	Uint32
	// Uint64 is numpy's "uint64" (code "u8"): unsigned 64-bit, held in a
	// []uint64.
	Uint64
	// Float32 is numpy's "float32" (code "f4"): IEEE 754 single precision,
	// held in a []float32.
	Float32
	// Float64 is numpy's "float64" (code "f8"): IEEE 754 double precision,
	// held in a []float64.
	Float64
	// Float16 is numpy's "float16" (code "f2", Zarr v3 "float16"): IEEE 754
	// binary16, held as its bit patterns in a []Half. It is a storage
	// dtype: casts to and from every number go through float32 (exact for
	// every binary16 value); arithmetic refuses it, so cast first.
	Float16
	// Complex64 is numpy's "complex64" (code "c8"): two float32, held in a
	// []complex64.
	Complex64
	// Complex128 is numpy's "complex128" (code "c16"): two float64, held in
	// a []complex128.
	Complex128
	// String is a variable-length UTF-8 string per element, held in a
	// []string. How it is stored (numpy "|S5", "<U3", ">U3", an object
	// array with the vlen-utf8 filter, Zarr v3 "string") is a property of
	// the store, not of the dtype. Its Size is that of a Go string header
	// (16 bytes), which is what Nbytes counts: the string contents are not
	// included.
	String
	firstTime // datetime64[Y]; then one dtype per unit, datetime then timedelta
)

// numDTypes is one past the last dtype: after firstTime come numUnits
// datetime64 dtypes and numUnits timedelta64 dtypes.
const numDTypes = firstTime + 2*DType(numUnits)

// numNumeric is one past the last numeric dtype.
const numNumeric = Float64 + 1

// ErrDType reports an unknown or unsupported dtype: a name ParseDType does
// not know, a DType value that is not Valid, or a Go value that is not an
// element slice.
var ErrDType = errors.New("block: unknown dtype")

// ErrUnsupported reports an operation a dtype does not have (arithmetic on
// strings, a cast from string to float, a float view of a complex
// block). It is wrapped by every *UnsupportedError.
var ErrUnsupported = errors.New("block: operation not supported for dtype")

// UnsupportedError names an operation and the dtype (or pair of dtypes)
// it does not support. It wraps ErrUnsupported and ErrDTypeMismatch, so
// either test works.
type UnsupportedError struct {
	Op    string // "cast", "fill", "add", ...
	DType DType  // the dtype refused
	To    DType  // for a cast, the target; zero otherwise
}

// Error names the operation and the dtypes.
func (e *UnsupportedError) Error() string {
	if e.To != 0 {
		return fmt.Sprintf("block: %s from %s to %s is not supported", e.Op, e.DType, e.To)
	}
	return fmt.Sprintf("block: %s is not supported for dtype %s", e.Op, e.DType)
}

// Unwrap makes errors.Is(err, ErrUnsupported) and errors.Is(err,
// ErrDTypeMismatch) true.
func (e *UnsupportedError) Unwrap() []error { return []error{ErrUnsupported, ErrDTypeMismatch} }

type dtypeInfo struct {
	name  string // "float64"
	code  string // numpy kind+size without byte order, "f8"
	kind  byte   // 'b', 'i', 'u', 'f', 'c', 'T' (string), 'M', 'm'
	size  int
	zarr3 string
}

var dtypeInfos = func() [numDTypes]dtypeInfo {
	t := [numDTypes]dtypeInfo{
		Bool:       {"bool", "b1", 'b', 1, "bool"},
		Int8:       {"int8", "i1", 'i', 1, "int8"},
		Int16:      {"int16", "i2", 'i', 2, "int16"},
		Int32:      {"int32", "i4", 'i', 4, "int32"},
		Int64:      {"int64", "i8", 'i', 8, "int64"},
		Uint8:      {"uint8", "u1", 'u', 1, "uint8"},
		Uint16:     {"uint16", "u2", 'u', 2, "uint16"},
		Uint32:     {"uint32", "u4", 'u', 4, "uint32"},
		Uint64:     {"uint64", "u8", 'u', 8, "uint64"},
		Float32:    {"float32", "f4", 'f', 4, "float32"},
		Float64:    {"float64", "f8", 'f', 8, "float64"},
		Float16:    {"float16", "f2", 'f', 2, "float16"},
		Complex64:  {"complex64", "c8", 'c', 8, "complex64"},
		Complex128: {"complex128", "c16", 'c', 16, "complex128"},
		String:     {"string", "O", 'T', 16, "string"},
	}
	for u := UnitYear; u < numUnits; u++ {
		t[DateTime64(u)] = dtypeInfo{"datetime64[" + u.String() + "]", "M8[" + u.String() + "]", 'M', 8, "numpy.datetime64"}
		t[TimeDelta64(u)] = dtypeInfo{"timedelta64[" + u.String() + "]", "m8[" + u.String() + "]", 'm', 8, "numpy.timedelta64"}
	}
	return t
}()

// DTypes lists the numeric dtypes, Bool through Float64 in declaration
// order, in a new slice the caller may keep: the dtypes every kernel
// (arithmetic, reductions, packing) computes on. AllDTypes lists every
// dtype.
func DTypes() []DType {
	out := make([]DType, 0, numNumeric-1)
	for d := Bool; d < numNumeric; d++ {
		out = append(out, d)
	}
	return out
}

// AllDTypes lists every dtype in declaration order, the numeric ones
// first, then Float16, Complex64, Complex128, String and datetime64 and
// timedelta64 of every unit, in a new slice the caller may keep.
func AllDTypes() []DType {
	out := make([]DType, 0, numDTypes-1)
	for d := Bool; d < numDTypes; d++ {
		out = append(out, d)
	}
	return out
}

// IsNumeric reports whether d is one of the dtypes every kernel computes
// on (Bool, the integers, Float32, Float64). It is false for invalid
// dtypes.
func (d DType) IsNumeric() bool { return d >= Bool && d < numNumeric }

// IsComplex reports whether d is Complex64 or Complex128.
func (d DType) IsComplex() bool { return d == Complex64 || d == Complex128 }

// IsString reports whether d is String.
func (d DType) IsString() bool { return d == String }

// IsDateTime reports whether d is a datetime64 of some unit.
func (d DType) IsDateTime() bool { return d >= firstTime && d < firstTime+DType(numUnits) }

// IsTimeDelta reports whether d is a timedelta64 of some unit.
func (d DType) IsTimeDelta() bool { return d >= firstTime+DType(numUnits) && d < numDTypes }

// IsTime reports whether d is a datetime64 or a timedelta64: int64
// storage, NaT as math.MinInt64.
func (d DType) IsTime() bool { return d >= firstTime && d < numDTypes }

// Unit returns the time unit of a datetime64 or timedelta64 dtype and
// true, or 0 and false for any other dtype.
func (d DType) Unit() (TimeUnit, bool) {
	switch {
	case d.IsDateTime():
		return TimeUnit(d - firstTime), true
	case d.IsTimeDelta():
		return TimeUnit(d - firstTime - DType(numUnits)), true
	}
	return 0, false
}

// Valid reports whether d is one of the supported dtypes.
func (d DType) Valid() bool { return d >= Bool && d < numDTypes }

func (d DType) info() *dtypeInfo {
	if !d.Valid() {
		panic(fmt.Sprintf("block: invalid dtype %d", uint8(d)))
	}
	return &dtypeInfos[d]
}

// String is the numpy name, e.g. "float64"; "invalid(N)" for a DType that
// is not Valid, such as the zero value.
func (d DType) String() string {
	if !d.Valid() {
		return fmt.Sprintf("invalid(%d)", uint8(d))
	}
	return d.info().name
}

// Size is the number of bytes of one element. It panics on an invalid
// dtype (check Valid first for untrusted values).
func (d DType) Size() int { return d.info().size }

// Kind is numpy's kind character: 'b' bool, 'i' signed, 'u' unsigned,
// 'f' float (Float16 included), 'c' complex, 'M' datetime64, 'm'
// timedelta64, and 'T' for String (numpy 2's StringDType). It panics on an
// invalid dtype.
func (d DType) Kind() byte { return d.info().kind }

// IsFloat reports whether d is a floating-point dtype (Float16, Float32,
// Float64).
// Like Kind it panics on an invalid dtype.
func (d DType) IsFloat() bool { return d.Kind() == 'f' }

// IsInt reports whether d is an integer dtype, signed or unsigned (not
// Bool). It panics on an invalid dtype.
func (d DType) IsInt() bool { return d.Kind() == 'i' || d.Kind() == 'u' }

// IsUnsigned reports whether d is an unsigned integer dtype. It panics on
// an invalid dtype.
func (d DType) IsUnsigned() bool { return d.Kind() == 'u' }

// IsBool reports whether d is Bool. It panics on an invalid dtype.
func (d DType) IsBool() bool { return d.Kind() == 'b' }

// Typestr is the numpy array-interface type string in little-endian order,
// e.g. "<f8", "|u1", "|b1" (single-byte types carry '|').
func (d DType) Typestr() string { return d.TypestrOrder(binary.LittleEndian) }

// TypestrOrder is the numpy type string for the given byte order:
// binary.BigEndian gives '>', any other order '<', and single-byte types
// '|' whatever the order; String gives "|O" (its stored width is the
// store's, see NumpyType). It panics on an invalid dtype.
func (d DType) TypestrOrder(order binary.ByteOrder) string {
	in := d.info()
	if in.size == 1 || d == String {
		return "|" + in.code
	}
	if order == binary.BigEndian {
		return ">" + in.code
	}
	return "<" + in.code
}

// ZarrV3 is the Zarr v3 data_type name ("float64", "bool", "float16",
// "complex64", "string", ...); datetime64 and timedelta64 give the name
// of zarr-python 3's extension ("numpy.datetime64"), whose unit goes in
// the data_type's configuration. It panics on an invalid dtype.
func (d DType) ZarrV3() string { return d.info().zarr3 }

// ParseDType accepts numpy names ("float64", "uint8", "bool",
// "datetime64[ns]", "timedelta64[s]", "complex64", "float16"), numpy codes
// with or without a byte-order prefix ("<f8", ">i4", "|u1", "f4", "?",
// "<M8[ns]", "<c16", "<f2"), numpy string codes ("<U3", "|S5", "|O",
// which all give String: the width and encoding are the store's, see
// ParseNumpy) and Zarr v3 names ("float16", "string"). Byte order is
// discarded; use ParseTypestr to keep it.
func ParseDType(s string) (DType, error) {
	d, _, err := ParseTypestr(s)
	return d, err
}

// ParseTypestr is ParseDType that also returns the byte order the string
// names (little-endian when it names none, and for single-byte types).
func ParseTypestr(s string) (DType, binary.ByteOrder, error) {
	nt, err := ParseNumpy(s)
	if err != nil {
		return 0, nil, err
	}
	return nt.DType, nt.Order, nil
}

// Promote returns the dtype numpy gives the result of a binary arithmetic
// operation between arrays of dtypes a and b (numpy.result_type for two
// arrays):
//
//	bool op X                   -> X
//	same kind                   -> the wider of the two
//	signed iN op unsigned uM    -> smallest signed type holding both:
//	                               i8+u8=i16, i16+u16=i32, i32+u32=i64,
//	                               i64+u64=float64 (no integer holds both)
//	int/uint of 8 bits op f16   -> float16
//	int/uint of 16 bits op f16  -> float32
//	int/uint of <=16 bits op f32 -> float32
//	int/uint of >=32 bits op f32 or f16 -> float64
//	any int op f64              -> float64
//	complex op bool/int/float   -> the complex type wide enough for the
//	                               float the pair would give (c8 when that
//	                               is f16 or f32, else c16)
//
// Two identical dtypes give that dtype (String with String, datetime64[s]
// with datetime64[s]). A pair with no common numeric type (String with
// anything else, datetimes of different units, a datetime with a number)
// gives the zero DType, which is not Valid: callers report it. It panics
// on invalid dtypes.
func Promote(a, b DType) DType {
	ka, kb := a.Kind(), b.Kind()
	if a == b {
		return a
	}
	if !promotable(ka) || !promotable(kb) {
		return 0
	}
	if ka == 'b' {
		return b
	}
	if kb == 'b' {
		return a
	}
	if ka == 'c' || kb == 'c' {
		ra, rb := realOf(a), realOf(b)
		r := Promote(ra, rb)
		if r == Float64 || r.Size() > 4 || (ka == 'c' && a == Complex128) || (kb == 'c' && b == Complex128) {
			return Complex128
		}
		return Complex64
	}
	if ka == kb {
		if a.Size() >= b.Size() {
			return a
		}
		return b
	}
	if ka == 'f' || kb == 'f' {
		f, o := a, b
		if kb == 'f' {
			f, o = b, a
		}
		switch {
		case f == Float64:
			return Float64
		case f == Float16 && o.Size() == 1:
			return Float16
		case o.Size() <= 2:
			return Float32
		}
		return Float64
	}
	// one signed, one unsigned
	s, u := a, b
	if ka == 'u' {
		s, u = b, a
	}
	if s.Size() > u.Size() {
		return s
	}
	switch u.Size() {
	case 1:
		return Int16
	case 2:
		return Int32
	case 4:
		return Int64
	}
	return Float64
}

// promotable reports whether a kind takes part in numeric promotion.
func promotable(k byte) bool { return k == 'b' || k == 'i' || k == 'u' || k == 'f' || k == 'c' }

// realOf is the real dtype of a complex dtype (Float32 for Complex64),
// and d itself for the others.
func realOf(d DType) DType {
	switch d {
	case Complex64:
		return Float32
	case Complex128:
		return Float64
	}
	return d
}

// PromoteScalar returns the dtype of an operation between an array of dtype a
// and a Go/Python scalar, following numpy 2's weak-scalar rule (NEP 50): an
// integer scalar keeps the array's dtype (bool arrays become int64), a float
// scalar keeps float and complex arrays' dtype and turns bool and integer
// arrays into float64. Dtypes that are not numbers (String, datetimes)
// give the zero DType, which callers report.
func PromoteScalar(a DType, scalarIsFloat bool) DType {
	if !promotable(a.Kind()) {
		return 0
	}
	if scalarIsFloat {
		if a.IsFloat() || a.IsComplex() {
			return a
		}
		return Float64
	}
	if a.IsBool() {
		return Int64
	}
	return a
}

// MarshalText encodes the dtype by its numpy name.
func (d DType) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrDType, uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText accepts anything ParseDType does.
func (d *DType) UnmarshalText(b []byte) error {
	v, err := ParseDType(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
