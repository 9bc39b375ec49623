package codec

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

func init() {
	Register("transpose", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			Order json.RawMessage `json:"order"`
		}
		if err := decodeConfig("transpose", c, &cfg, "order"); err != nil {
			return nil, err
		}
		var order []int
		var s string
		if json.Unmarshal(cfg.Order, &s) == nil {
			switch s {
			case "C":
				return Transpose{}, nil
			case "F":
				return Transpose{Reverse: true}, nil
			}
			return nil, configErr("transpose", "order %q", s)
		}
		if err := json.Unmarshal(cfg.Order, &order); err != nil {
			return nil, configErr("transpose", "order: %v", err)
		}
		seen := make([]bool, len(order))
		for _, o := range order {
			if o < 0 || o >= len(order) || seen[o] {
				return nil, configErr("transpose", "order %v is not a permutation", order)
			}
			seen[o] = true
		}
		return Transpose{Order: order}, nil
	})
	Register("scale_offset", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			Offset json.RawMessage `json:"offset"`
			Scale  json.RawMessage `json:"scale"`
		}
		if err := decodeConfig("scale_offset", c, &cfg, "offset", "scale"); err != nil {
			return nil, err
		}
		so := ScaleOffset{Offset: 0, Scale: 1}
		var err error
		if cfg.Offset != nil {
			if so.Offset, err = jsonScalar(cfg.Offset); err != nil {
				return nil, configErr("scale_offset", "offset: %v", err)
			}
		}
		if cfg.Scale != nil {
			if so.Scale, err = jsonScalar(cfg.Scale); err != nil {
				return nil, configErr("scale_offset", "scale: %v", err)
			}
		}
		if so.Scale == 0 || math.IsNaN(so.Scale) || math.IsInf(so.Scale, 0) || math.IsNaN(so.Offset) || math.IsInf(so.Offset, 0) {
			return nil, configErr("scale_offset", "scale %v, offset %v", so.Scale, so.Offset)
		}
		return so, nil
	})
	Register("cast_value", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			DataType   string `json:"data_type"`
			Rounding   string `json:"rounding"`
			OutOfRange string `json:"out_of_range"`
		}
		if err := decodeConfig("cast_value", c, &cfg, "data_type", "rounding", "out_of_range"); err != nil {
			return nil, err
		}
		dt, err := block.ParseDType(cfg.DataType)
		if err != nil || dt.ZarrV3() != cfg.DataType {
			return nil, configErr("cast_value", "data_type %q", cfg.DataType)
		}
		cv := CastValue{DType: dt}
		switch cfg.Rounding {
		case "", "nearest-even":
			cv.Rounding = NearestEven
		case "towards-zero":
			cv.Rounding = TowardsZero
		case "towards-positive":
			cv.Rounding = TowardsPositive
		case "towards-negative":
			cv.Rounding = TowardsNegative
		case "nearest-away":
			cv.Rounding = NearestAway
		default:
			return nil, configErr("cast_value", "rounding %q", cfg.Rounding)
		}
		switch cfg.OutOfRange {
		case "", "error":
			cv.OutOfRange = block.OverflowError
		case "clamp":
			cv.OutOfRange = block.OverflowClip
		case "wrap":
			cv.OutOfRange = block.OverflowWrap
		default:
			return nil, configErr("cast_value", "out_of_range %q", cfg.OutOfRange)
		}
		return cv, nil
	})
}

// jsonScalar reads a JSON number or a Zarr v3 float fill-value string
// ("NaN", "Infinity", "-Infinity", or raw-bits hex "0x...").
func jsonScalar(raw json.RawMessage) (float64, error) {
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		return f, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, err
	}
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	if len(s) > 2 && s[:2] == "0x" {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil {
			return 0, err
		}
		if len(s) == 10 {
			return float64(math.Float32frombits(uint32(u))), nil
		}
		return math.Float64frombits(u), nil
	}
	return strconv.ParseFloat(s, 64)
}

// ---- transpose ----

// Transpose is the Zarr v3 transpose codec: encoded axis i is decoded axis
// Order[i]. The zero value (and the legacy order "C") is the identity;
// Reverse (legacy "F") reverses the axes whatever the rank.
type Transpose struct {
	Order   []int
	Reverse bool
}

// Name is "transpose", the codec's Zarr v3 name.
func (Transpose) Name() string { return "transpose" }

func (t Transpose) perm(rank int) ([]int, error) {
	if t.Reverse || len(t.Order) == 0 {
		p := make([]int, rank)
		for i := range p {
			p[i] = i
			if t.Reverse {
				p[i] = rank - 1 - i
			}
		}
		return p, nil
	}
	if len(t.Order) != rank {
		return nil, specErr("transpose", "order %v for a %d-d array", t.Order, rank)
	}
	return t.Order, nil
}

// EncodedSpec is in with its axes permuted: encoded axis i has the length
// of in's axis Order[i] (reversed axes for Reverse, in unchanged for the
// zero value); the dtype is kept. It reports an ErrSpec error when Order
// is set and its length is not in's rank. Order must be a permutation of
// 0..rank-1, as the registry checks.
func (t Transpose) EncodedSpec(in ChunkSpec) (ChunkSpec, error) {
	p, err := t.perm(len(in.Shape))
	if err != nil {
		return ChunkSpec{}, err
	}
	out := make([]int, len(p))
	for i, o := range p {
		out[i] = in.Shape[o]
	}
	return ChunkSpec{DType: in.DType, Shape: out}, nil
}

// EncodeArray returns a new array, in C order, whose axis i is a's axis
// Order[i] (numpy's a.transpose(Order).copy()). It reports an ErrSpec
// error when Order is set and its length is not a's rank.
func (t Transpose) EncodeArray(a *block.Dense) (*block.Dense, error) {
	p, err := t.perm(a.Rank())
	if err != nil {
		return nil, err
	}
	return permute(a, p), nil
}

// DecodeArray applies the inverse permutation and returns a new array of
// out's shape. It reports an ErrSpec error when Order is set and its
// length is not out's rank, or when a's dtype and shape are not
// EncodedSpec(out)'s.
func (t Transpose) DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error) {
	p, err := t.perm(len(out.Shape))
	if err != nil {
		return nil, err
	}
	enc, _ := t.EncodedSpec(out)
	if a.DType() != out.DType || !chunk.EqualShape(a.Shape(), enc.Shape) {
		return nil, errf("transpose", "decode", ErrSpec, "array %s%v, expected %s", a.DType(), a.Shape(), enc)
	}
	inv := make([]int, len(p))
	for i, o := range p {
		inv[o] = i
	}
	return permute(a, inv), nil
}

// permute returns the block whose axis i is a's axis p[i].
func permute(a *block.Dense, p []int) *block.Dense {
	shape := a.Shape()
	rank := len(shape)
	oshape := make([]int, rank)
	for i, o := range p {
		oshape[i] = shape[o]
	}
	out := block.Must(a.DType(), oshape...)
	if a.DType() == block.String {
		permuteT(block.Values[string](out), block.Values[string](a), shape, oshape, p, 1)
		return out
	}
	es := a.DType().Size()
	src, dst := a.Bytes(), out.Bytes()
	if len(dst) == 0 {
		return out
	}
	if a.DType() == block.Bool { // Bytes views of bool blocks are 0/1 bytes
		es = 1
	}
	permuteT(dst, src, shape, oshape, p, es)
	return out
}

// permuteT writes src (shape) permuted by p into dst (oshape), elements of
// es units of T each.
func permuteT[T any](dst, src []T, shape, oshape, p []int, es int) {
	rank := len(shape)
	// stride (in elements) of a's axis p[i], walked in out's C order
	astr := make([]int, rank)
	s := 1
	for ax := rank - 1; ax >= 0; ax-- {
		astr[ax] = s
		s *= shape[ax]
	}
	str := make([]int, rank)
	for i, o := range p {
		str[i] = astr[o]
	}
	idx := make([]int, rank)
	off := 0
	n := len(dst) / es
	for k := 0; k < n; k++ {
		copy(dst[k*es:(k+1)*es], src[off*es:(off+1)*es])
		for ax := rank - 1; ax >= 0; ax-- {
			idx[ax]++
			off += str[ax]
			if idx[ax] < oshape[ax] {
				break
			}
			off -= str[ax] * oshape[ax]
			idx[ax] = 0
		}
	}
}

// ---- scale_offset ----

// ScaleOffset is the zarr-extensions scale_offset codec:
//
//	encode: (x - Offset) * Scale
//	decode: y / Scale + Offset
//
// computed in the array's dtype (float32 arrays in float32). It keeps the
// dtype; follow it with CastValue to pack floats into integers (the v3 way
// to write numcodecs' fixedscaleoffset). Integer arrays are computed in
// float64 and rounded half to even; results they cannot hold are errors.
type ScaleOffset struct{ Offset, Scale float64 }

// Name is "scale_offset", the codec's Zarr v3 name (from zarr-extensions).
func (ScaleOffset) Name() string { return "scale_offset" }

// EncodedSpec is in unchanged (a copy): the codec keeps dtype and shape.
// It reports an ErrSpec error for a Bool array.
func (ScaleOffset) EncodedSpec(in ChunkSpec) (ChunkSpec, error) {
	if in.DType.IsBool() {
		return ChunkSpec{}, specErr("scale_offset", "bool array")
	}
	return ChunkSpec{DType: in.DType, Shape: append([]int(nil), in.Shape...)}, nil
}

func (c ScaleOffset) apply(op string, a *block.Dense, f32 func(float32) float32, f64 func(float64) float64) (*block.Dense, error) {
	switch a.DType() {
	case block.Float32:
		d := a.Clone()
		v := block.Values[float32](d)
		for i, x := range v {
			v[i] = f32(x)
		}
		return d, nil
	case block.Float64:
		d := a.Clone()
		v := block.Values[float64](d)
		for i, x := range v {
			v[i] = f64(x)
		}
		return d, nil
	case block.Bool:
		return nil, errf("scale_offset", op, ErrSpec, "bool array")
	}
	v := a.Float64s()
	for i, x := range v {
		v[i] = f64(x)
	}
	d, err := denseFloats(v, a.Shape()).AsType(a.DType(), block.CastOptions{Overflow: block.OverflowError})
	if err != nil {
		return nil, &Error{Codec: "scale_offset", Op: op, Err: err}
	}
	return d, nil
}

// EncodeArray returns a new array of a's dtype and shape holding (x -
// Offset) * Scale for every element x: in float32 for Float32 arrays, in
// float64 otherwise, integer results rounded half to even. It reports an
// ErrSpec error for a Bool array, and a *Error wrapping a *block.CastError
// (errors.Is block.ErrOverflow) for the first integer result a's dtype
// cannot hold.
func (c ScaleOffset) EncodeArray(a *block.Dense) (*block.Dense, error) {
	o32, s32 := float32(c.Offset), float32(c.Scale)
	return c.apply("encode", a,
		func(x float32) float32 { return (x - o32) * s32 },
		func(x float64) float64 { return (x - c.Offset) * c.Scale })
}

// DecodeArray returns a new array of out's dtype and shape holding y /
// Scale + Offset for every element y, computed as EncodeArray computes. It
// reports an ErrSpec error when a's dtype is not out's, its element count
// is not out's or it is Bool, and a *Error wrapping a *block.CastError for
// the first integer result out's dtype cannot hold.
func (c ScaleOffset) DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error) {
	if err := checkOut("scale_offset", a, out.DType, out); err != nil {
		return nil, err
	}
	o32, s32 := float32(c.Offset), float32(c.Scale)
	d, err := c.apply("decode", a,
		func(x float32) float32 { return x/s32 + o32 },
		func(x float64) float64 { return x/c.Scale + c.Offset })
	if err != nil {
		return nil, err
	}
	return d.Reshape(out.Shape...)
}

// ---- cast_value ----

// Rounding is cast_value's rounding mode for float→integer casts.
type Rounding uint8

const (
	// NearestEven rounds to the nearest integer, ties to even (numpy's
	// np.rint, Go's math.RoundToEven); cast_value's "nearest-even", the
	// zero Rounding and the default.
	NearestEven Rounding = iota
	// TowardsZero truncates (np.trunc, math.Trunc); cast_value's
	// "towards-zero".
	TowardsZero
	// TowardsPositive rounds up (np.ceil, math.Ceil); cast_value's
	// "towards-positive".
	TowardsPositive
	// TowardsNegative rounds down (np.floor, math.Floor); cast_value's
	// "towards-negative".
	TowardsNegative
	// NearestAway rounds to the nearest integer, ties away from zero
	// (math.Round); cast_value's "nearest-away".
	NearestAway
)

func (r Rounding) apply(x float64) float64 {
	switch r {
	case TowardsZero:
		return math.Trunc(x)
	case TowardsPositive:
		return math.Ceil(x)
	case TowardsNegative:
		return math.Floor(x)
	case NearestAway:
		return math.Round(x)
	}
	return math.RoundToEven(x)
}

// CastValue is the zarr-extensions cast_value codec: a value-preserving cast
// to DType on encode (floats to integers rounded by Rounding; values out of
// range by OutOfRange: error, clamp or wrap; NaN into an integer type is
// always an error) and back to the array's dtype on decode.
type CastValue struct {
	DType      block.DType
	Rounding   Rounding
	OutOfRange block.Overflow
}

// Name is "cast_value", the codec's Zarr v3 name (from zarr-extensions).
func (CastValue) Name() string { return "cast_value" }

// EncodedSpec is in with its dtype replaced by DType. It accepts every
// spec and never reports an error.
func (c CastValue) EncodedSpec(in ChunkSpec) (ChunkSpec, error) {
	return ChunkSpec{DType: c.DType, Shape: append([]int(nil), in.Shape...)}, nil
}

func (c CastValue) cast(op string, a *block.Dense, dt block.DType) (*block.Dense, error) {
	if a.DType().IsFloat() && (dt.IsInt() || dt.IsBool()) {
		v := floatsOf(a)
		for i, x := range v {
			if math.IsNaN(x) {
				return nil, &Error{Codec: "cast_value", Op: op, Err: &block.CastError{From: a.DType(), To: dt, Index: chunk.Unravel(i, a.Shape()), Value: x}}
			}
			v[i] = c.Rounding.apply(x)
		}
		a = denseFloats(v, a.Shape())
	}
	d, err := a.AsType(dt, block.CastOptions{Overflow: c.OutOfRange})
	if err != nil {
		return nil, &Error{Codec: "cast_value", Op: op, Err: err}
	}
	return d, nil
}

// EncodeArray returns a new DType array of a's shape. Floats cast to an
// integer or Bool DType are first rounded by Rounding; values DType cannot
// hold follow OutOfRange (block.OverflowError, OverflowClip or
// OverflowWrap). It reports a *Error wrapping a *block.CastError
// (errors.Is block.ErrOverflow) for a NaN cast to an integer or Bool DType,
// whatever OutOfRange says, and for the first out-of-range value under
// block.OverflowError.
func (c CastValue) EncodeArray(a *block.Dense) (*block.Dense, error) {
	return c.cast("encode", a, c.DType)
}

// DecodeArray casts a back to out's dtype by the rules of EncodeArray and
// returns a new array of out's shape. It reports an ErrSpec error when a's
// dtype is not DType or its element count is not out's, and the cast
// errors of EncodeArray.
func (c CastValue) DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error) {
	if err := checkOut("cast_value", a, c.DType, out); err != nil {
		return nil, err
	}
	d, err := c.cast("decode", a, out.DType)
	if err != nil {
		return nil, err
	}
	return d.Reshape(out.Shape...)
}
