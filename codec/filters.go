package codec

import (
	"encoding/json"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

func init() {
	RegisterNumcodecs("fixedscaleoffset", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			Offset float64 `json:"offset"`
			Scale  float64 `json:"scale"`
			DType  string  `json:"dtype"`
			AsType *string `json:"astype"`
		}
		if err := decodeConfig("fixedscaleoffset", c, &cfg, "id", "offset", "scale", "dtype", "astype"); err != nil {
			return nil, err
		}
		dt, err := numpyDType("fixedscaleoffset", cfg.DType)
		if err != nil {
			return nil, err
		}
		at := dt
		if cfg.AsType != nil {
			if at, err = numpyDType("fixedscaleoffset", *cfg.AsType); err != nil {
				return nil, err
			}
		}
		if cfg.Scale == 0 || math.IsNaN(cfg.Scale) || math.IsInf(cfg.Scale, 0) || math.IsNaN(cfg.Offset) || math.IsInf(cfg.Offset, 0) {
			return nil, configErr("fixedscaleoffset", "scale %v, offset %v", cfg.Scale, cfg.Offset)
		}
		return FixedScaleOffset{Offset: cfg.Offset, Scale: cfg.Scale, DType: dt, AsType: at}, nil
	})
	RegisterNumcodecs("astype", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			Enc string `json:"encode_dtype"`
			Dec string `json:"decode_dtype"`
		}
		if err := decodeConfig("astype", c, &cfg, "id", "encode_dtype", "decode_dtype"); err != nil {
			return nil, err
		}
		e, err := numpyDType("astype", cfg.Enc)
		if err != nil {
			return nil, err
		}
		d, err := numpyDType("astype", cfg.Dec)
		if err != nil {
			return nil, err
		}
		return AsType{EncodeDType: e, DecodeDType: d}, nil
	})
	RegisterNumcodecs("delta", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			DType  string  `json:"dtype"`
			AsType *string `json:"astype"`
		}
		if err := decodeConfig("delta", c, &cfg, "id", "dtype", "astype"); err != nil {
			return nil, err
		}
		dt, err := numpyDType("delta", cfg.DType)
		if err != nil {
			return nil, err
		}
		at := dt
		if cfg.AsType != nil {
			if at, err = numpyDType("delta", *cfg.AsType); err != nil {
				return nil, err
			}
		}
		if dt.IsBool() || at.IsBool() {
			return nil, configErr("delta", "bool dtype")
		}
		return Delta{DType: dt, AsType: at}, nil
	})
	RegisterNumcodecs("quantize", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			Digits int     `json:"digits"`
			DType  string  `json:"dtype"`
			AsType *string `json:"astype"`
		}
		if err := decodeConfig("quantize", c, &cfg, "id", "digits", "dtype", "astype"); err != nil {
			return nil, err
		}
		dt, err := numpyDType("quantize", cfg.DType)
		if err != nil {
			return nil, err
		}
		at := dt
		if cfg.AsType != nil {
			if at, err = numpyDType("quantize", *cfg.AsType); err != nil {
				return nil, err
			}
		}
		if !dt.IsFloat() || !at.IsFloat() {
			return nil, configErr("quantize", "dtype %s / astype %s: only floats", dt, at)
		}
		if cfg.Digits < -300 || cfg.Digits > 300 {
			return nil, configErr("quantize", "digits %d", cfg.Digits)
		}
		return Quantize{Digits: cfg.Digits, DType: dt, AsType: at}, nil
	})
	RegisterNumcodecs("bitround", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			Keepbits int `json:"keepbits"`
		}
		if err := decodeConfig("bitround", c, &cfg, "id", "keepbits"); err != nil {
			return nil, err
		}
		if cfg.Keepbits < 0 || cfg.Keepbits > 52 {
			return nil, configErr("bitround", "keepbits %d outside 0..52", cfg.Keepbits)
		}
		return BitRound{Keepbits: cfg.Keepbits}, nil
	})
}

func specErr(name, format string, args ...any) error {
	return errf(name, "encode", ErrSpec, format, args...)
}

// flatSpec checks in.DType == want and returns the encoded spec with dtype at.
func flatSpec(name string, in ChunkSpec, want, at block.DType) (ChunkSpec, error) {
	if in.DType != want {
		return ChunkSpec{}, specErr(name, "array is %s, codec is configured for %s", in.DType, want)
	}
	return ChunkSpec{DType: at, Shape: append([]int(nil), in.Shape...)}, nil
}

func checkIn(name string, a *block.Dense, want block.DType) error {
	if a.DType() != want {
		return specErr(name, "array is %s, codec is configured for %s", a.DType(), want)
	}
	return nil
}

func checkOut(name string, a *block.Dense, want block.DType, out ChunkSpec) error {
	if a.DType() != want {
		return errf(name, "decode", ErrSpec, "encoded array is %s, codec expects %s", a.DType(), want)
	}
	if int64(a.Len()) != chunk.Size(out.Shape) {
		return errf(name, "decode", ErrSpec, "%d elements for shape %v", a.Len(), out.Shape)
	}
	return nil
}

// ---- fixedscaleoffset ----

// FixedScaleOffset is numcodecs' fixedscaleoffset filter:
//
//	encode: round_half_even((x - Offset) * Scale) as AsType
//	decode: y / Scale + Offset as DType
//
// Arithmetic follows numpy's types (float32 data is computed in float32).
// Unlike numcodecs, encoding refuses values AsType cannot hold (a
// *block.CastError, errors.Is block.ErrOverflow) instead of wrapping.
type FixedScaleOffset struct {
	Offset, Scale float64
	DType, AsType block.DType
}

// Name is "fixedscaleoffset", the codec's numcodecs id.
func (FixedScaleOffset) Name() string { return "fixedscaleoffset" }

// EncodedSpec is in with its dtype replaced by AsType. It reports an
// ErrSpec error when in's dtype is not DType.
func (f FixedScaleOffset) EncodedSpec(in ChunkSpec) (ChunkSpec, error) {
	return flatSpec("fixedscaleoffset", in, f.DType, f.AsType)
}

// EncodeArray returns a new AsType array of a's shape holding
// round_half_even((x - Offset) * Scale) for every element x, computed in
// float32 when a is Float32 and in float64 otherwise. It reports an ErrSpec
// error when a's dtype is not DType, and a *Error wrapping a
// *block.CastError (errors.Is block.ErrOverflow) for the first result
// AsType cannot hold, NaN into an integer included.
func (f FixedScaleOffset) EncodeArray(a *block.Dense) (*block.Dense, error) {
	if err := checkIn("fixedscaleoffset", a, f.DType); err != nil {
		return nil, err
	}
	v := floatsOf(a)
	if a.DType() == block.Float32 {
		off, sc := float32(f.Offset), float32(f.Scale)
		for i, x := range v {
			v[i] = float64(float32(math.RoundToEven(float64((float32(x) - off) * sc))))
		}
	} else {
		for i, x := range v {
			v[i] = math.RoundToEven((x - f.Offset) * f.Scale)
		}
	}
	out, err := denseFloats(v, a.Shape()).AsType(f.AsType, block.CastOptions{Overflow: block.OverflowError})
	if err != nil {
		return nil, &Error{Codec: "fixedscaleoffset", Op: "encode", Err: err}
	}
	return out, nil
}

// DecodeArray returns a new DType array of out's shape holding y / Scale +
// Offset for every element y, computed in float32 when AsType is Float32
// and in float64 otherwise, then cast as numpy does: floats into integers
// truncate toward zero and out-of-range values wrap. It reports an ErrSpec
// error when a's dtype is not AsType or its element count is not out's.
func (f FixedScaleOffset) DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error) {
	if err := checkOut("fixedscaleoffset", a, f.AsType, out); err != nil {
		return nil, err
	}
	v := floatsOf(a)
	if f.AsType == block.Float32 {
		off, sc := float32(f.Offset), float32(f.Scale)
		for i, x := range v {
			v[i] = float64(float32(x)/sc + off)
		}
	} else {
		for i, x := range v {
			v[i] = x/f.Scale + f.Offset
		}
	}
	d, err := castNumpy(denseFloats(v, out.Shape), f.DType, block.OverflowWrap)
	if err != nil {
		return nil, &Error{Codec: "fixedscaleoffset", Op: "decode", Err: err}
	}
	return d, nil
}

// ---- astype ----

// AsType is numcodecs' astype filter: a numpy cast to EncodeDType on encode
// (floats to integers truncate toward zero) and back to DecodeDType on
// decode. Encoding refuses out-of-range values (block.ErrOverflow) instead
// of wrapping as numpy does.
type AsType struct {
	EncodeDType, DecodeDType block.DType
}

// Name is "astype", the codec's numcodecs id.
func (AsType) Name() string { return "astype" }

// EncodedSpec is in with its dtype replaced by EncodeDType. It reports an
// ErrSpec error when in's dtype is not DecodeDType.
func (c AsType) EncodedSpec(in ChunkSpec) (ChunkSpec, error) {
	return flatSpec("astype", in, c.DecodeDType, c.EncodeDType)
}

// EncodeArray returns a new EncodeDType array of a's shape: a cast as numpy
// casts it, floats into integers truncating toward zero. It reports an
// ErrSpec error when a's dtype is not DecodeDType, and a *Error wrapping a
// *block.CastError (errors.Is block.ErrOverflow) for the first value
// EncodeDType cannot hold, where numpy would wrap.
func (c AsType) EncodeArray(a *block.Dense) (*block.Dense, error) {
	if err := checkIn("astype", a, c.DecodeDType); err != nil {
		return nil, err
	}
	d, err := castNumpy(a, c.EncodeDType, block.OverflowError)
	if err != nil {
		return nil, &Error{Codec: "astype", Op: "encode", Err: err}
	}
	return d, nil
}

// DecodeArray returns a new DecodeDType array of out's shape: a cast back
// as numpy casts it (floats into integers truncate toward zero,
// out-of-range values wrap). It reports an ErrSpec error when a's dtype is
// not EncodeDType or its element count is not out's.
func (c AsType) DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error) {
	if err := checkOut("astype", a, c.EncodeDType, out); err != nil {
		return nil, err
	}
	r, err := a.Reshape(out.Shape...)
	if err != nil {
		return nil, errf("astype", "decode", ErrSpec, "%v", err)
	}
	d, err := castNumpy(r, c.DecodeDType, block.OverflowWrap)
	if err != nil {
		return nil, &Error{Codec: "astype", Op: "decode", Err: err}
	}
	return d, nil
}

// ---- delta ----

// Delta is numcodecs' delta filter over the flattened chunk: the first
// element, then differences of neighbours computed in DType (integers wrap),
// stored as AsType. Decoding is the running sum in DType.
type Delta struct {
	DType, AsType block.DType
}

// Name is "delta", the codec's numcodecs id.
func (Delta) Name() string { return "delta" }

// EncodedSpec is in with its dtype replaced by AsType. It reports an
// ErrSpec error when in's dtype is not DType.
func (c Delta) EncodedSpec(in ChunkSpec) (ChunkSpec, error) {
	return flatSpec("delta", in, c.DType, c.AsType)
}

// EncodeArray returns a new array of a's shape holding, in C order, a's
// first element and then each element minus the one before it, computed
// in DType (integers wrap), cast to AsType as numpy casts (out-of-range
// values wrap). It reports an ErrSpec error when a's dtype is not DType.
// DType must not be Bool (the registry refuses it).
func (c Delta) EncodeArray(a *block.Dense) (*block.Dense, error) {
	if err := checkIn("delta", a, c.DType); err != nil {
		return nil, err
	}
	d := a.Clone()
	switch v := d.Data().(type) {
	case []int8:
		diff(v)
	case []int16:
		diff(v)
	case []int32:
		diff(v)
	case []int64:
		diff(v)
	case []uint8:
		diff(v)
	case []uint16:
		diff(v)
	case []uint32:
		diff(v)
	case []uint64:
		diff(v)
	case []float32:
		diff(v)
	case []float64:
		diff(v)
	}
	if c.AsType == c.DType {
		return d, nil
	}
	out, err := castNumpy(d, c.AsType, block.OverflowWrap)
	if err != nil {
		return nil, &Error{Codec: "delta", Op: "encode", Err: err}
	}
	return out, nil
}

// DecodeArray returns a new DType array of out's shape holding the running
// sum of a's elements in C order, computed in DType after a cast from
// AsType (integers wrap). It reports an ErrSpec error when a's dtype is not
// AsType or its element count is not out's.
func (c Delta) DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error) {
	if err := checkOut("delta", a, c.AsType, out); err != nil {
		return nil, err
	}
	r, err := a.Reshape(out.Shape...)
	if err != nil {
		return nil, errf("delta", "decode", ErrSpec, "%v", err)
	}
	d, err := castNumpy(r, c.DType, block.OverflowWrap)
	if err != nil {
		return nil, &Error{Codec: "delta", Op: "decode", Err: err}
	}
	switch v := d.Data().(type) {
	case []int8:
		cumsum(v)
	case []int16:
		cumsum(v)
	case []int32:
		cumsum(v)
	case []int64:
		cumsum(v)
	case []uint8:
		cumsum(v)
	case []uint16:
		cumsum(v)
	case []uint32:
		cumsum(v)
	case []uint64:
		cumsum(v)
	case []float32:
		cumsum(v)
	case []float64:
		cumsum(v)
	}
	return d, nil
}

type number interface {
	int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64
}

// diff replaces v[i] by v[i]-v[i-1], back to front.
func diff[T number](v []T) {
	for i := len(v) - 1; i > 0; i-- {
		v[i] -= v[i-1]
	}
}

func cumsum[T number](v []T) {
	for i := 1; i < len(v); i++ {
		v[i] += v[i-1]
	}
}

// ---- quantize ----

// Quantize is numcodecs' quantize filter: values rounded (half to even) to
// a multiple of 2^-bits, where 2^bits is the smallest power of two ≥
// 10^Digits, computed in DType's precision and stored as AsType.
type Quantize struct {
	Digits        int
	DType, AsType block.DType
}

// Name is "quantize", the codec's numcodecs id.
func (Quantize) Name() string { return "quantize" }

// EncodedSpec is in with its dtype replaced by AsType. It reports an
// ErrSpec error when in's dtype is not DType.
func (c Quantize) EncodedSpec(in ChunkSpec) (ChunkSpec, error) {
	return flatSpec("quantize", in, c.DType, c.AsType)
}

// quantizeScale reproduces numcodecs' computation of the scale.
func quantizeScale(digits int) float64 {
	precision := math.Pow10(-digits)
	exp := math.Log(precision) / math.Log(10)
	var e int
	if exp < 0 {
		e = int(math.Floor(exp))
	} else {
		e = int(math.Ceil(exp))
	}
	bits := math.Ceil(math.Log(math.Pow10(-e)) / math.Log(2))
	return math.Pow(2, bits)
}

// EncodeArray returns a new AsType array of a's shape holding every value
// rounded, half to even, to a multiple of 2^-bits (see Quantize), computed
// in float32 when DType is Float32 and in float64 otherwise. It reports an
// ErrSpec error when a's dtype is not DType. DType and AsType must be
// floats (the registry refuses others).
func (c Quantize) EncodeArray(a *block.Dense) (*block.Dense, error) {
	if err := checkIn("quantize", a, c.DType); err != nil {
		return nil, err
	}
	scale := quantizeScale(c.Digits)
	v := floatsOf(a)
	if c.DType == block.Float32 {
		s := float32(scale)
		for i, x := range v {
			v[i] = float64(float32(math.RoundToEven(float64(s*float32(x)))) / s)
		}
	} else {
		for i, x := range v {
			v[i] = math.RoundToEven(scale*x) / scale
		}
	}
	out, err := denseFloats(v, a.Shape()).AsType(c.AsType, block.CastOptions{Overflow: block.OverflowWrap})
	if err != nil {
		return nil, &Error{Codec: "quantize", Op: "encode", Err: err}
	}
	return out, nil
}

// DecodeArray returns a new DType array of out's shape holding a's values:
// quantization is not undone, only the dtype is converted back. It reports
// an ErrSpec error when a's dtype is not AsType or its element count is not
// out's.
func (c Quantize) DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error) {
	if err := checkOut("quantize", a, c.AsType, out); err != nil {
		return nil, err
	}
	r, err := a.Reshape(out.Shape...)
	if err != nil {
		return nil, errf("quantize", "decode", ErrSpec, "%v", err)
	}
	return r.AsType(c.DType, block.CastOptions{Overflow: block.OverflowWrap})
}

// ---- bitround ----

// BitRound is numcodecs' bitround filter for float32 and float64: the
// mantissa is rounded (half to even) to Keepbits bits. Decoding is the
// identity.
type BitRound struct{ Keepbits int }

// Name is "bitround", the codec's numcodecs id.
func (BitRound) Name() string { return "bitround" }

// EncodedSpec is in unchanged (a copy). It reports an ErrSpec error when
// in's dtype is not Float32 or Float64, when Keepbits is outside 0..52 (the
// registry's check, repeated for values built directly), or when the dtype
// is Float32 and Keepbits is over 23 (float32 has 23 mantissa bits).
func (c BitRound) EncodedSpec(in ChunkSpec) (ChunkSpec, error) {
	if !in.DType.IsFloat() {
		return ChunkSpec{}, specErr("bitround", "array is %s, bitround needs floats", in.DType)
	}
	if c.Keepbits < 0 || c.Keepbits > 52 {
		return ChunkSpec{}, specErr("bitround", "keepbits %d outside 0..52", c.Keepbits)
	}
	if in.DType == block.Float32 && c.Keepbits > 23 {
		return ChunkSpec{}, specErr("bitround", "keepbits %d > 23 for float32", c.Keepbits)
	}
	return ChunkSpec{DType: in.DType, Shape: append([]int(nil), in.Shape...)}, nil
}

// EncodeArray returns a copy of a with the mantissa of every element
// rounded, half to even, to its Keepbits most significant bits (the others
// zero). It reports the ErrSpec errors of EncodedSpec for a's dtype.
func (c BitRound) EncodeArray(a *block.Dense) (*block.Dense, error) {
	if _, err := c.EncodedSpec(ChunkSpec{DType: a.DType()}); err != nil {
		return nil, err
	}
	d := a.Clone()
	switch v := d.Data().(type) {
	case []float32:
		mb := 23 - c.Keepbits
		if mb == 0 {
			return d, nil
		}
		mask := int32(-1) >> mb << mb
		half := int32(1)<<(mb-1) - 1
		for i, x := range v {
			b := int32(math.Float32bits(x))
			b += (b>>mb)&1 + half
			v[i] = math.Float32frombits(uint32(b & mask))
		}
	case []float64:
		mb := 52 - c.Keepbits
		if mb == 0 {
			return d, nil
		}
		mask := int64(-1) >> mb << mb
		half := int64(1)<<(mb-1) - 1
		for i, x := range v {
			b := int64(math.Float64bits(x))
			b += (b>>mb)&1 + half
			v[i] = math.Float64frombits(uint64(b & mask))
		}
	}
	return d, nil
}

// DecodeArray is the identity: a reshaped to out's shape, sharing a's
// buffer. It reports an ErrSpec error when a's dtype is not out's or its
// element count is not out's.
func (c BitRound) DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error) {
	if err := checkOut("bitround", a, out.DType, out); err != nil {
		return nil, err
	}
	return a.Reshape(out.Shape...)
}
