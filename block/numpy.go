package block

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// TimeUnit is the unit of a datetime64 or timedelta64 dtype, numpy's
// date and time units from years to attoseconds.
type TimeUnit uint8

const (
	// UnitYear is numpy's "Y": years since 1970.
	UnitYear TimeUnit = iota
	// UnitMonth is numpy's "M": months since 1970-01.
	UnitMonth
	// UnitWeek is numpy's "W": weeks of 7 days.
	UnitWeek
	// UnitDay is numpy's "D": days of 86400 seconds.
	UnitDay
	// UnitHour is numpy's "h".
	UnitHour
	// UnitMinute is numpy's "m".
	UnitMinute
	// UnitSecond is numpy's "s".
	UnitSecond
	// UnitMilli is numpy's "ms".
	UnitMilli
	// UnitMicro is numpy's "us".
	UnitMicro
	// UnitNano is numpy's "ns", the unit xarray writes.
	UnitNano
	// UnitPico is numpy's "ps".
	UnitPico
	// UnitFemto is numpy's "fs".
	UnitFemto
	// UnitAtto is numpy's "as".
	UnitAtto
	numUnits
)

var unitNames = [numUnits]string{"Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"}

// NaT is numpy's "not a time", the int64 value of a missing datetime64 or
// timedelta64 element (math.MinInt64, as numpy).
const NaT int64 = math.MinInt64

// String is numpy's code of the unit: "Y", "M", "W", "D", "h", "m", "s",
// "ms", "us", "ns", "ps", "fs", "as"; "TimeUnit(n)" for an unknown value.
func (u TimeUnit) String() string {
	if u >= numUnits {
		return fmt.Sprintf("TimeUnit(%d)", uint8(u))
	}
	return unitNames[u]
}

// ParseTimeUnit accepts numpy's unit codes (see TimeUnit.String) and
// reports ErrDType for anything else.
func ParseTimeUnit(s string) (TimeUnit, error) {
	for u, n := range unitNames {
		if s == n {
			return TimeUnit(u), nil
		}
	}
	return 0, fmt.Errorf("%w: time unit %q", ErrDType, s)
}

// DateTime64 is the datetime64 dtype of unit u: int64 counts of u since
// 1970-01-01T00:00:00 (no time zone, no leap seconds, as numpy), NaT for
// a missing value. It panics for an unknown unit (a programmer error).
func DateTime64(u TimeUnit) DType {
	if u >= numUnits {
		panic(fmt.Sprintf("block: unknown time unit %d", uint8(u)))
	}
	return firstTime + DType(u)
}

// TimeDelta64 is the timedelta64 dtype of unit u: int64 counts of u, NaT
// for a missing value. It panics for an unknown unit.
func TimeDelta64(u TimeUnit) DType {
	if u >= numUnits {
		panic(fmt.Sprintf("block: unknown time unit %d", uint8(u)))
	}
	return firstTime + DType(numUnits) + DType(u)
}

// unitNanosRatio is the length of each fixed unit in nanoseconds as a
// fraction num/den: the ratio of two entries converts counts. Years and
// months have no fixed length (zero here).
var unitNanosRatio = [numUnits]struct{ num, den int64 }{
	UnitWeek:   {7 * 86400 * 1e9, 1},
	UnitDay:    {86400 * 1e9, 1},
	UnitHour:   {3600 * 1e9, 1},
	UnitMinute: {60 * 1e9, 1},
	UnitSecond: {1e9, 1},
	UnitMilli:  {1e6, 1},
	UnitMicro:  {1e3, 1},
	UnitNano:   {1, 1},
	UnitPico:   {1, 1e3},
	UnitFemto:  {1, 1e6},
	UnitAtto:   {1, 1e9},
}

// StringKind says how a String dtype is stored in a numpy-style store.
type StringKind byte

const (
	// StringNone marks a NumpyType that is not a string type.
	StringNone StringKind = 0
	// StringUnicode is numpy's "U": fixed-width UTF-32 code points, Width
	// characters, padded with NULs.
	StringUnicode StringKind = 'U'
	// StringBytes is numpy's "S": fixed-width bytes, Width of them, padded
	// with NULs.
	StringBytes StringKind = 'S'
	// StringObject is numpy's "O": an object array, stored through an
	// object codec (vlen-utf8).
	StringObject StringKind = 'O'
	// StringVLen is Zarr v3's "string": variable-length UTF-8 through the
	// vlen-utf8 codec.
	StringVLen StringKind = 'v'
)

// NumpyType is a parsed numpy type string: the dtype, the byte order, and
// for strings how they are stored.
type NumpyType struct {
	DType DType
	// Order is the byte order the string names: binary.BigEndian for '>',
	// binary.LittleEndian otherwise (and always for single-byte types).
	// For StringUnicode it is the order of the UTF-32 code units.
	Order binary.ByteOrder
	// Kind is StringNone unless DType is String.
	Kind StringKind
	// Width is the number of characters of a StringUnicode or bytes of a
	// StringBytes type (0 otherwise).
	Width int
}

// MaxStringWidth bounds the width of a fixed-width string type ParseNumpy
// accepts (1 Mi characters), so a corrupt dtype cannot ask for huge
// chunks.
const MaxStringWidth = 1 << 20

// ItemSize is the number of stored bytes of one element: the dtype's Size,
// Width for "S", 4*Width for "U", and 0 for variable-length strings.
func (t NumpyType) ItemSize() int {
	switch t.Kind {
	case StringBytes:
		return t.Width
	case StringUnicode:
		return 4 * t.Width
	case StringObject, StringVLen:
		return 0
	}
	return t.DType.Size()
}

// Typestr is the numpy type string of t: "<f8", ">i4", "|u1", "<M8[ns]",
// "<U3", ">U3", "|S5", "|O". A String without a Kind gives "|O".
func (t NumpyType) Typestr() string {
	big := t.Order == binary.BigEndian
	switch t.Kind {
	case StringUnicode:
		if big {
			return ">U" + strconv.Itoa(t.Width)
		}
		return "<U" + strconv.Itoa(t.Width)
	case StringBytes:
		return "|S" + strconv.Itoa(t.Width)
	case StringObject, StringVLen:
		return "|O"
	}
	if t.DType == String {
		return "|O"
	}
	if big {
		return t.DType.TypestrOrder(binary.BigEndian)
	}
	return t.DType.Typestr()
}

// ParseNumpy parses a numpy type string or name as ParseDType does and
// keeps what the store needs: byte order and, for strings, kind and width.
// Unknown strings (structured "|V8", generic "<M8" without a unit, a width
// over MaxStringWidth) are an error wrapping ErrDType that quotes s.
func ParseNumpy(s string) (NumpyType, error) {
	t := strings.TrimSpace(s)
	bad := func() (NumpyType, error) { return NumpyType{}, fmt.Errorf("%w %q", ErrDType, s) }
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
	switch t {
	case "?":
		t = "b1"
	case "string", "str":
		return NumpyType{DType: String, Order: binary.LittleEndian, Kind: StringVLen}, nil
	case "O", "object":
		return NumpyType{DType: String, Order: binary.LittleEndian, Kind: StringObject}, nil
	}
	if len(t) >= 2 && (t[0] == 'U' || t[0] == 'S') {
		w, err := strconv.Atoi(t[1:])
		if err != nil || w < 0 || w > MaxStringWidth || t[1] == '+' || t[1] == '-' {
			return bad()
		}
		if t[0] == 'S' {
			order = binary.LittleEndian
		}
		return NumpyType{DType: String, Order: order, Kind: StringKind(t[0]), Width: w}, nil
	}
	if u, ok := timeSuffix(t); ok {
		return NumpyType{DType: u, Order: order}, nil
	} else if strings.ContainsRune(t, '[') {
		return bad()
	}
	for d := Bool; d < firstTime; d++ {
		in := &dtypeInfos[d]
		if d == String {
			continue
		}
		if t == in.name || t == in.code || t == in.zarr3 {
			if in.size == 1 {
				order = binary.LittleEndian
			}
			return NumpyType{DType: d, Order: order}, nil
		}
	}
	return bad()
}

// timeSuffix parses "M8[ns]", "m8[s]", "datetime64[ns]", "timedelta64[D]".
func timeSuffix(t string) (DType, bool) {
	open := strings.IndexByte(t, '[')
	if open < 0 || !strings.HasSuffix(t, "]") {
		return 0, false
	}
	u, err := ParseTimeUnit(t[open+1 : len(t)-1])
	if err != nil {
		return 0, false
	}
	switch t[:open] {
	case "M8", "datetime64":
		return DateTime64(u), true
	case "m8", "timedelta64":
		return TimeDelta64(u), true
	}
	return 0, false
}
