package block

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// DType is an element type. The zero DType is invalid.
type DType uint8

// The element types tessera supports. Complex types are left out for now.
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
	numDTypes
)

// ErrDType reports an unknown or unsupported dtype: a name ParseDType does
// not know, a DType value that is not Valid, or a Go value that is not an
// element slice.
var ErrDType = errors.New("block: unknown dtype")

type dtypeInfo struct {
	name  string // "float64"
	code  string // numpy kind+size without byte order, "f8"
	kind  byte   // 'b', 'i', 'u', 'f'
	size  int
	zarr3 string
}

var dtypeInfos = [numDTypes]dtypeInfo{
	Bool:    {"bool", "b1", 'b', 1, "bool"},
	Int8:    {"int8", "i1", 'i', 1, "int8"},
	Int16:   {"int16", "i2", 'i', 2, "int16"},
	Int32:   {"int32", "i4", 'i', 4, "int32"},
	Int64:   {"int64", "i8", 'i', 8, "int64"},
	Uint8:   {"uint8", "u1", 'u', 1, "uint8"},
	Uint16:  {"uint16", "u2", 'u', 2, "uint16"},
	Uint32:  {"uint32", "u4", 'u', 4, "uint32"},
	Uint64:  {"uint64", "u8", 'u', 8, "uint64"},
	Float32: {"float32", "f4", 'f', 4, "float32"},
	Float64: {"float64", "f8", 'f', 8, "float64"},
}

// DTypes lists every supported dtype in declaration order, in a new slice
// the caller may keep.
func DTypes() []DType {
	out := make([]DType, 0, numDTypes-1)
	for d := Bool; d < numDTypes; d++ {
		out = append(out, d)
	}
	return out
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
// 'f' float. It panics on an invalid dtype.
func (d DType) Kind() byte { return d.info().kind }

// IsFloat reports whether d is a floating-point dtype (Float32, Float64).
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
// '|' whatever the order. It panics on an invalid dtype.
func (d DType) TypestrOrder(order binary.ByteOrder) string {
	in := d.info()
	if in.size == 1 {
		return "|" + in.code
	}
	if order == binary.BigEndian {
		return ">" + in.code
	}
	return "<" + in.code
}

// ZarrV3 is the Zarr v3 data_type name ("float64", "bool", ...). It
// panics on an invalid dtype.
func (d DType) ZarrV3() string { return d.info().zarr3 }

// ParseDType accepts numpy names ("float64", "uint8", "bool"), numpy codes
// with or without a byte-order prefix ("<f8", ">i4", "|u1", "f4", "?") and
// Zarr v3 names. Byte order is discarded; use ParseTypestr to keep it.
func ParseDType(s string) (DType, error) {
	d, _, err := ParseTypestr(s)
	return d, err
}

// ParseTypestr is ParseDType that also returns the byte order the string
// names (little-endian when it names none, and for single-byte types).
func ParseTypestr(s string) (DType, binary.ByteOrder, error) {
	t := strings.TrimSpace(s)
	var order binary.ByteOrder = binary.LittleEndian
	if len(t) > 1 {
		switch t[0] {
		case '<', '|', '=':
			t = t[1:]
		case '>':
			t = t[1:]
			order = binary.BigEndian
		}
	}
	if t == "?" {
		t = "b1"
	}
	for d := Bool; d < numDTypes; d++ {
		in := &dtypeInfos[d]
		if t == in.name || t == in.code || t == in.zarr3 {
			if in.size == 1 {
				order = binary.LittleEndian
			}
			return d, order, nil
		}
	}
	return 0, nil, fmt.Errorf("%w %q", ErrDType, s)
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
//	int/uint of <=16 bits op f32 -> float32
//	int/uint of >=32 bits op f32 -> float64
//	any int op f64              -> float64
//
// It panics on invalid dtypes.
func Promote(a, b DType) DType {
	ka, kb := a.Kind(), b.Kind()
	if a == b {
		return a
	}
	if ka == 'b' {
		return b
	}
	if kb == 'b' {
		return a
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
		if f == Float64 {
			return Float64
		}
		if o.Size() <= 2 {
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

// PromoteScalar returns the dtype of an operation between an array of dtype a
// and a Go/Python scalar, following numpy 2's weak-scalar rule (NEP 50): an
// integer scalar keeps the array's dtype (bool arrays become int64), a float
// scalar keeps float arrays' dtype and turns bool and integer arrays into
// float64.
func PromoteScalar(a DType, scalarIsFloat bool) DType {
	if scalarIsFloat {
		if a.IsFloat() {
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
