package block

import "math"

// Half is the storage type of Float16: the bit pattern of an IEEE 754
// binary16 value (1 sign bit, 5 exponent bits, 10 fraction bits), as
// numpy's float16 stores it. Arithmetic on Half values is not arithmetic
// on the numbers they encode; convert with Float32 and HalfFromFloat32.
type Half uint16

// Float32 returns the value h encodes, exactly (every binary16 value is a
// float32), NaN payloads and signed zeros included.
func (h Half) Float32() float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0:
		if frac == 0 {
			return math.Float32frombits(sign)
		}
		// subnormal: frac * 2^-24
		f := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			return -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}

// HalfFromFloat32 returns the binary16 nearest to f, ties to even (numpy's
// conversion): values beyond ±65504 after rounding become ±Inf, NaN stays
// a (quiet) NaN keeping the top bits of its payload.
func HalfFromFloat32(f float32) Half { return HalfFromFloat64(float64(f)) }

// HalfFromFloat64 is HalfFromFloat32 for a float64, rounded once (no
// double rounding through float32).
func HalfFromFloat64(f float64) Half {
	b := math.Float64bits(f)
	sign := Half(b>>63) << 15
	switch {
	case math.IsNaN(f):
		frac := Half(b>>42) & 0x3ff
		return sign | 0x7c00 | 0x200 | frac
	case math.IsInf(f, 0):
		return sign | 0x7c00
	}
	a := math.Abs(f)
	if a >= 65520 { // rounds to beyond the largest finite half (65504)
		return sign | 0x7c00
	}
	if a < 0x1p-14 { // subnormal or zero: multiples of 2^-24
		q := math.RoundToEven(a * (1 << 24))
		return sign | Half(q) // q == 1024 gives the smallest normal, correctly
	}
	e := math.Ilogb(a)        // -14..15
	m := a / math.Ldexp(1, e) // [1, 2)
	q := math.RoundToEven((m - 1) * 1024)
	if q == 1024 {
		q = 0
		e++
	}
	if e > 15 {
		return sign | 0x7c00
	}
	return sign | Half(e+15)<<10 | Half(q)
}

// MaxFloat16 is the largest finite float16, 65504.
const MaxFloat16 = 65504
