package labelled

import (
	"fmt"
	"maps"

	"github.com/tessera-array/tessera/ndarray"
)

// The ufuncs of package ndarray on labelled arrays, as xarray applies
// numpy's. Binary ones align and broadcast by dim name as [Add] does.
// Names and attributes follow xarray: the ops Python spells with an
// operator on DataArrays (&, |, ^, %, //, and the comparisons and
// arithmetic of arith.go) drop attrs (keep_attrs=False) and keep the name
// only when the array operands share it; the ones reached through numpy's
// ufuncs only (LeftShift, RightShift, Maximum, Fmin, Fmod, Arctan2, Hypot,
// …) take the name and attrs of the first array operand, as a numpy ufunc
// called on a DataArray does; unary ones keep the array's. Encoding is
// dropped: the dtype may have changed.

// binaryKeep is binary taking the name and attrs of the first *Array
// operand.
func binaryKeep(op func(x, y any) *ndarray.Array, x, y any, opts []OpOption) *Array {
	r := binary(op, x, y, opts)
	if r.Err() != nil {
		return r
	}
	src, ok := x.(*Array)
	if !ok {
		src, _ = y.(*Array)
	}
	if src != nil {
		r.name = src.name
		r.v.attrs = maps.Clone(src.v.attrs)
	}
	return r
}

// unaryOp applies an ndarray unary ufunc to a's data, keeping dims,
// coordinates, name and attrs (xarray keeps attrs on unary ops).
func unaryOp(name string, op func(*ndarray.Array) *ndarray.Array, a *Array) *Array {
	if a == nil {
		return Errored(argErr("%s of a nil *Array", name))
	}
	if err := a.Err(); err != nil {
		return a
	}
	data := op(a.v.data)
	if err := data.Err(); err != nil {
		return Errored(fmt.Errorf("labelled: %w", err))
	}
	v := &Variable{dims: a.v.dims, data: data, attrs: maps.Clone(a.v.attrs)}
	return &Array{name: a.name, v: v, coords: a.coords}
}

// And is x & y (bitwise_and; logical on bool), elementwise as [ndarray.And], aligned and broadcast as
// [Add]; attrs are dropped.
func And(x, y any, opts ...OpOption) *Array { return binary(ndarray.And, x, y, opts) }

// Or is x | y (bitwise_or), elementwise as [ndarray.Or], aligned and broadcast as
// [Add]; attrs are dropped.
func Or(x, y any, opts ...OpOption) *Array { return binary(ndarray.Or, x, y, opts) }

// Xor is x ^ y (bitwise_xor), elementwise as [ndarray.Xor], aligned and broadcast as
// [Add]; attrs are dropped.
func Xor(x, y any, opts ...OpOption) *Array { return binary(ndarray.Xor, x, y, opts) }

// LeftShift is x << y, elementwise as [ndarray.LeftShift], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept (xarray has
// no operator for it, only numpy's ufunc).
func LeftShift(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.LeftShift, x, y, opts) }

// RightShift is x >> y, elementwise as [ndarray.RightShift], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept (xarray has
// no operator for it, only numpy's ufunc).
func RightShift(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.RightShift, x, y, opts) }

// Mod is x % y with the divisor's sign (numpy's mod), elementwise as [ndarray.Mod], aligned and broadcast as
// [Add]; attrs are dropped.
func Mod(x, y any, opts ...OpOption) *Array { return binary(ndarray.Mod, x, y, opts) }

// Remainder is x % y, as Mod, elementwise as [ndarray.Remainder], aligned and broadcast as
// [Add]; attrs are dropped.
func Remainder(x, y any, opts ...OpOption) *Array { return binary(ndarray.Remainder, x, y, opts) }

// FloorDivide is x // y, elementwise as [ndarray.FloorDivide], aligned and broadcast as
// [Add]; attrs are dropped.
func FloorDivide(x, y any, opts ...OpOption) *Array { return binary(ndarray.FloorDivide, x, y, opts) }

// LogicalAnd is the logical and of x and y by truthiness, elementwise as [ndarray.LogicalAnd], aligned and broadcast as
// [Add]; attrs are dropped.
func LogicalAnd(x, y any, opts ...OpOption) *Array { return binary(ndarray.LogicalAnd, x, y, opts) }

// LogicalOr is the logical or of x and y, elementwise as [ndarray.LogicalOr], aligned and broadcast as
// [Add]; attrs are dropped.
func LogicalOr(x, y any, opts ...OpOption) *Array { return binary(ndarray.LogicalOr, x, y, opts) }

// LogicalXor is the logical xor of x and y, elementwise as [ndarray.LogicalXor], aligned and broadcast as
// [Add]; attrs are dropped.
func LogicalXor(x, y any, opts ...OpOption) *Array { return binary(ndarray.LogicalXor, x, y, opts) }

// Maximum is the elementwise larger of x and y, NaN propagating, elementwise as [ndarray.Maximum], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept.
func Maximum(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.Maximum, x, y, opts) }

// Minimum is the elementwise smaller of x and y, NaN propagating, elementwise as [ndarray.Minimum], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept.
func Minimum(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.Minimum, x, y, opts) }

// Fmin is the elementwise smaller of x and y ignoring NaN, elementwise as [ndarray.Fmin], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept.
func Fmin(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.Fmin, x, y, opts) }

// Fmax is the elementwise larger of x and y ignoring NaN, elementwise as [ndarray.Fmax], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept.
func Fmax(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.Fmax, x, y, opts) }

// Fmod is the remainder of x / y with the dividend's sign (C's fmod), elementwise as [ndarray.Fmod], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept.
func Fmod(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.Fmod, x, y, opts) }

// Arctan2 is the angle of the point (x, y) read as numpy's arctan2(y=x, x=y), elementwise as [ndarray.Arctan2], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept.
func Arctan2(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.Arctan2, x, y, opts) }

// Hypot is sqrt(x² + y²), elementwise as [ndarray.Hypot], aligned and broadcast as
// [Add]; the first array operand's name and attrs are kept.
func Hypot(x, y any, opts ...OpOption) *Array { return binaryKeep(ndarray.Hypot, x, y, opts) }

// Not is [ndarray.Not] of x's data, keeping dims, coordinates, name and
// attrs.
func Not(x *Array) *Array { return unaryOp("Not", ndarray.Not, x) }

// LogicalNot is [ndarray.LogicalNot] of x's data, keeping dims, coordinates, name and
// attrs.
func LogicalNot(x *Array) *Array { return unaryOp("LogicalNot", ndarray.LogicalNot, x) }

// Neg is [ndarray.Neg] of x's data, keeping dims, coordinates, name and
// attrs.
func Neg(x *Array) *Array { return unaryOp("Neg", ndarray.Neg, x) }

// Abs is [ndarray.Abs] of x's data, keeping dims, coordinates, name and
// attrs.
func Abs(x *Array) *Array { return unaryOp("Abs", ndarray.Abs, x) }

// Sqrt is [ndarray.Sqrt] of x's data, keeping dims, coordinates, name and
// attrs.
func Sqrt(x *Array) *Array { return unaryOp("Sqrt", ndarray.Sqrt, x) }

// Exp is [ndarray.Exp] of x's data, keeping dims, coordinates, name and
// attrs.
func Exp(x *Array) *Array { return unaryOp("Exp", ndarray.Exp, x) }

// Log is [ndarray.Log] of x's data, keeping dims, coordinates, name and
// attrs.
func Log(x *Array) *Array { return unaryOp("Log", ndarray.Log, x) }

// Log10 is [ndarray.Log10] of x's data, keeping dims, coordinates, name and
// attrs.
func Log10(x *Array) *Array { return unaryOp("Log10", ndarray.Log10, x) }

// Log1p is [ndarray.Log1p] of x's data, keeping dims, coordinates, name and
// attrs.
func Log1p(x *Array) *Array { return unaryOp("Log1p", ndarray.Log1p, x) }

// Expm1 is [ndarray.Expm1] of x's data, keeping dims, coordinates, name and
// attrs.
func Expm1(x *Array) *Array { return unaryOp("Expm1", ndarray.Expm1, x) }

// Log2 is [ndarray.Log2] of x's data, keeping dims, coordinates, name and
// attrs.
func Log2(x *Array) *Array { return unaryOp("Log2", ndarray.Log2, x) }

// Exp2 is [ndarray.Exp2] of x's data, keeping dims, coordinates, name and
// attrs.
func Exp2(x *Array) *Array { return unaryOp("Exp2", ndarray.Exp2, x) }

// Sin is [ndarray.Sin] of x's data, keeping dims, coordinates, name and
// attrs.
func Sin(x *Array) *Array { return unaryOp("Sin", ndarray.Sin, x) }

// Cos is [ndarray.Cos] of x's data, keeping dims, coordinates, name and
// attrs.
func Cos(x *Array) *Array { return unaryOp("Cos", ndarray.Cos, x) }

// Tan is [ndarray.Tan] of x's data, keeping dims, coordinates, name and
// attrs.
func Tan(x *Array) *Array { return unaryOp("Tan", ndarray.Tan, x) }

// Arcsin is [ndarray.Arcsin] of x's data, keeping dims, coordinates, name and
// attrs.
func Arcsin(x *Array) *Array { return unaryOp("Arcsin", ndarray.Arcsin, x) }

// Arccos is [ndarray.Arccos] of x's data, keeping dims, coordinates, name and
// attrs.
func Arccos(x *Array) *Array { return unaryOp("Arccos", ndarray.Arccos, x) }

// Arctan is [ndarray.Arctan] of x's data, keeping dims, coordinates, name and
// attrs.
func Arctan(x *Array) *Array { return unaryOp("Arctan", ndarray.Arctan, x) }

// Sinh is [ndarray.Sinh] of x's data, keeping dims, coordinates, name and
// attrs.
func Sinh(x *Array) *Array { return unaryOp("Sinh", ndarray.Sinh, x) }

// Cosh is [ndarray.Cosh] of x's data, keeping dims, coordinates, name and
// attrs.
func Cosh(x *Array) *Array { return unaryOp("Cosh", ndarray.Cosh, x) }

// Tanh is [ndarray.Tanh] of x's data, keeping dims, coordinates, name and
// attrs.
func Tanh(x *Array) *Array { return unaryOp("Tanh", ndarray.Tanh, x) }

// Deg2Rad is [ndarray.Deg2Rad] of x's data, keeping dims, coordinates, name and
// attrs.
func Deg2Rad(x *Array) *Array { return unaryOp("Deg2Rad", ndarray.Deg2Rad, x) }

// Rad2Deg is [ndarray.Rad2Deg] of x's data, keeping dims, coordinates, name and
// attrs.
func Rad2Deg(x *Array) *Array { return unaryOp("Rad2Deg", ndarray.Rad2Deg, x) }

// Floor is [ndarray.Floor] of x's data, keeping dims, coordinates, name and
// attrs.
func Floor(x *Array) *Array { return unaryOp("Floor", ndarray.Floor, x) }

// Ceil is [ndarray.Ceil] of x's data, keeping dims, coordinates, name and
// attrs.
func Ceil(x *Array) *Array { return unaryOp("Ceil", ndarray.Ceil, x) }

// Round is [ndarray.Round] of x's data, keeping dims, coordinates, name and
// attrs.
func Round(x *Array) *Array { return unaryOp("Round", ndarray.Round, x) }

// Trunc is [ndarray.Trunc] of x's data, keeping dims, coordinates, name and
// attrs.
func Trunc(x *Array) *Array { return unaryOp("Trunc", ndarray.Trunc, x) }

// Sign is [ndarray.Sign] of x's data, keeping dims, coordinates, name and
// attrs.
func Sign(x *Array) *Array { return unaryOp("Sign", ndarray.Sign, x) }

// Square is [ndarray.Square] of x's data, keeping dims, coordinates, name and
// attrs.
func Square(x *Array) *Array { return unaryOp("Square", ndarray.Square, x) }

// IsNaN is [ndarray.IsNaN] of x's data, keeping dims, coordinates, name and
// attrs.
func IsNaN(x *Array) *Array { return unaryOp("IsNaN", ndarray.IsNaN, x) }

// IsInf is [ndarray.IsInf] of x's data, keeping dims, coordinates, name and
// attrs.
func IsInf(x *Array) *Array { return unaryOp("IsInf", ndarray.IsInf, x) }

// IsFinite is [ndarray.IsFinite] of x's data, keeping dims, coordinates, name and
// attrs.
func IsFinite(x *Array) *Array { return unaryOp("IsFinite", ndarray.IsFinite, x) }

// NanToNum is [ndarray.NanToNum] of x's data, keeping dims, coordinates, name and
// attrs.
func NanToNum(x *Array) *Array { return unaryOp("NanToNum", ndarray.NanToNum, x) }

// NanToNumWith is [ndarray.NanToNumWith] of x's data (NaN, +Inf and -Inf
// replaced by nan, posinf and neginf), keeping what [NanToNum] keeps.
func NanToNumWith(x *Array, nan, posinf, neginf float64) *Array {
	return unaryOp("NanToNumWith", func(d *ndarray.Array) *ndarray.Array { return ndarray.NanToNumWith(d, nan, posinf, neginf) }, x)
}

// Method forms, so that labelled expressions chain as ndarray's do:
// qa.RightShift(3).And(1).Equal(1). Each is its function with a as the
// first operand.

// Add is the method form of [Add]: a.Add(y, opts...) is Add(a, y, opts...).
func (a *Array) Add(y any, opts ...OpOption) *Array { return Add(a, y, opts...) }

// Sub is the method form of [Sub]: a.Sub(y, opts...) is Sub(a, y, opts...).
func (a *Array) Sub(y any, opts ...OpOption) *Array { return Sub(a, y, opts...) }

// Mul is the method form of [Mul]: a.Mul(y, opts...) is Mul(a, y, opts...).
func (a *Array) Mul(y any, opts ...OpOption) *Array { return Mul(a, y, opts...) }

// Div is the method form of [Div]: a.Div(y, opts...) is Div(a, y, opts...).
func (a *Array) Div(y any, opts ...OpOption) *Array { return Div(a, y, opts...) }

// Pow is the method form of [Pow]: a.Pow(y, opts...) is Pow(a, y, opts...).
func (a *Array) Pow(y any, opts ...OpOption) *Array { return Pow(a, y, opts...) }

// Equal is the method form of [Equal]: a.Equal(y, opts...) is Equal(a, y, opts...).
func (a *Array) Equal(y any, opts ...OpOption) *Array { return Equal(a, y, opts...) }

// NotEqual is the method form of [NotEqual]: a.NotEqual(y, opts...) is NotEqual(a, y, opts...).
func (a *Array) NotEqual(y any, opts ...OpOption) *Array { return NotEqual(a, y, opts...) }

// Less is the method form of [Less]: a.Less(y, opts...) is Less(a, y, opts...).
func (a *Array) Less(y any, opts ...OpOption) *Array { return Less(a, y, opts...) }

// LessEqual is the method form of [LessEqual]: a.LessEqual(y, opts...) is LessEqual(a, y, opts...).
func (a *Array) LessEqual(y any, opts ...OpOption) *Array { return LessEqual(a, y, opts...) }

// Greater is the method form of [Greater]: a.Greater(y, opts...) is Greater(a, y, opts...).
func (a *Array) Greater(y any, opts ...OpOption) *Array { return Greater(a, y, opts...) }

// GreaterEqual is the method form of [GreaterEqual]: a.GreaterEqual(y, opts...) is GreaterEqual(a, y, opts...).
func (a *Array) GreaterEqual(y any, opts ...OpOption) *Array { return GreaterEqual(a, y, opts...) }

// And is the method form of [And]: a.And(y, opts...) is And(a, y, opts...).
func (a *Array) And(y any, opts ...OpOption) *Array { return And(a, y, opts...) }

// Or is the method form of [Or]: a.Or(y, opts...) is Or(a, y, opts...).
func (a *Array) Or(y any, opts ...OpOption) *Array { return Or(a, y, opts...) }

// Xor is the method form of [Xor]: a.Xor(y, opts...) is Xor(a, y, opts...).
func (a *Array) Xor(y any, opts ...OpOption) *Array { return Xor(a, y, opts...) }

// LeftShift is the method form of [LeftShift]: a.LeftShift(y, opts...) is LeftShift(a, y, opts...).
func (a *Array) LeftShift(y any, opts ...OpOption) *Array { return LeftShift(a, y, opts...) }

// RightShift is the method form of [RightShift]: a.RightShift(y, opts...) is RightShift(a, y, opts...).
func (a *Array) RightShift(y any, opts ...OpOption) *Array { return RightShift(a, y, opts...) }

// Mod is the method form of [Mod]: a.Mod(y, opts...) is Mod(a, y, opts...).
func (a *Array) Mod(y any, opts ...OpOption) *Array { return Mod(a, y, opts...) }

// Remainder is the method form of [Remainder]: a.Remainder(y, opts...) is Remainder(a, y, opts...).
func (a *Array) Remainder(y any, opts ...OpOption) *Array { return Remainder(a, y, opts...) }

// FloorDivide is the method form of [FloorDivide]: a.FloorDivide(y, opts...) is FloorDivide(a, y, opts...).
func (a *Array) FloorDivide(y any, opts ...OpOption) *Array { return FloorDivide(a, y, opts...) }

// LogicalAnd is the method form of [LogicalAnd]: a.LogicalAnd(y, opts...) is LogicalAnd(a, y, opts...).
func (a *Array) LogicalAnd(y any, opts ...OpOption) *Array { return LogicalAnd(a, y, opts...) }

// LogicalOr is the method form of [LogicalOr]: a.LogicalOr(y, opts...) is LogicalOr(a, y, opts...).
func (a *Array) LogicalOr(y any, opts ...OpOption) *Array { return LogicalOr(a, y, opts...) }

// LogicalXor is the method form of [LogicalXor]: a.LogicalXor(y, opts...) is LogicalXor(a, y, opts...).
func (a *Array) LogicalXor(y any, opts ...OpOption) *Array { return LogicalXor(a, y, opts...) }

// Maximum is the method form of [Maximum]: a.Maximum(y, opts...) is Maximum(a, y, opts...).
func (a *Array) Maximum(y any, opts ...OpOption) *Array { return Maximum(a, y, opts...) }

// Minimum is the method form of [Minimum]: a.Minimum(y, opts...) is Minimum(a, y, opts...).
func (a *Array) Minimum(y any, opts ...OpOption) *Array { return Minimum(a, y, opts...) }

// Fmin is the method form of [Fmin]: a.Fmin(y, opts...) is Fmin(a, y, opts...).
func (a *Array) Fmin(y any, opts ...OpOption) *Array { return Fmin(a, y, opts...) }

// Fmax is the method form of [Fmax]: a.Fmax(y, opts...) is Fmax(a, y, opts...).
func (a *Array) Fmax(y any, opts ...OpOption) *Array { return Fmax(a, y, opts...) }

// Fmod is the method form of [Fmod]: a.Fmod(y, opts...) is Fmod(a, y, opts...).
func (a *Array) Fmod(y any, opts ...OpOption) *Array { return Fmod(a, y, opts...) }

// Arctan2 is the method form of [Arctan2]: a.Arctan2(y, opts...) is Arctan2(a, y, opts...).
func (a *Array) Arctan2(y any, opts ...OpOption) *Array { return Arctan2(a, y, opts...) }

// Hypot is the method form of [Hypot]: a.Hypot(y, opts...) is Hypot(a, y, opts...).
func (a *Array) Hypot(y any, opts ...OpOption) *Array { return Hypot(a, y, opts...) }

// Not is the method form of [Not]: a.Not() is Not(a).
func (a *Array) Not() *Array { return Not(a) }

// LogicalNot is the method form of [LogicalNot]: a.LogicalNot() is LogicalNot(a).
func (a *Array) LogicalNot() *Array { return LogicalNot(a) }

// Neg is the method form of [Neg]: a.Neg() is Neg(a).
func (a *Array) Neg() *Array { return Neg(a) }

// Abs is the method form of [Abs]: a.Abs() is Abs(a).
func (a *Array) Abs() *Array { return Abs(a) }

// Sqrt is the method form of [Sqrt]: a.Sqrt() is Sqrt(a).
func (a *Array) Sqrt() *Array { return Sqrt(a) }

// Exp is the method form of [Exp]: a.Exp() is Exp(a).
func (a *Array) Exp() *Array { return Exp(a) }

// Log is the method form of [Log]: a.Log() is Log(a).
func (a *Array) Log() *Array { return Log(a) }

// Log10 is the method form of [Log10]: a.Log10() is Log10(a).
func (a *Array) Log10() *Array { return Log10(a) }

// Log1p is the method form of [Log1p]: a.Log1p() is Log1p(a).
func (a *Array) Log1p() *Array { return Log1p(a) }

// Expm1 is the method form of [Expm1]: a.Expm1() is Expm1(a).
func (a *Array) Expm1() *Array { return Expm1(a) }

// Log2 is the method form of [Log2]: a.Log2() is Log2(a).
func (a *Array) Log2() *Array { return Log2(a) }

// Exp2 is the method form of [Exp2]: a.Exp2() is Exp2(a).
func (a *Array) Exp2() *Array { return Exp2(a) }

// Sin is the method form of [Sin]: a.Sin() is Sin(a).
func (a *Array) Sin() *Array { return Sin(a) }

// Cos is the method form of [Cos]: a.Cos() is Cos(a).
func (a *Array) Cos() *Array { return Cos(a) }

// Tan is the method form of [Tan]: a.Tan() is Tan(a).
func (a *Array) Tan() *Array { return Tan(a) }

// Arcsin is the method form of [Arcsin]: a.Arcsin() is Arcsin(a).
func (a *Array) Arcsin() *Array { return Arcsin(a) }

// Arccos is the method form of [Arccos]: a.Arccos() is Arccos(a).
func (a *Array) Arccos() *Array { return Arccos(a) }

// Arctan is the method form of [Arctan]: a.Arctan() is Arctan(a).
func (a *Array) Arctan() *Array { return Arctan(a) }

// Sinh is the method form of [Sinh]: a.Sinh() is Sinh(a).
func (a *Array) Sinh() *Array { return Sinh(a) }

// Cosh is the method form of [Cosh]: a.Cosh() is Cosh(a).
func (a *Array) Cosh() *Array { return Cosh(a) }

// Tanh is the method form of [Tanh]: a.Tanh() is Tanh(a).
func (a *Array) Tanh() *Array { return Tanh(a) }

// Deg2Rad is the method form of [Deg2Rad]: a.Deg2Rad() is Deg2Rad(a).
func (a *Array) Deg2Rad() *Array { return Deg2Rad(a) }

// Rad2Deg is the method form of [Rad2Deg]: a.Rad2Deg() is Rad2Deg(a).
func (a *Array) Rad2Deg() *Array { return Rad2Deg(a) }

// Floor is the method form of [Floor]: a.Floor() is Floor(a).
func (a *Array) Floor() *Array { return Floor(a) }

// Ceil is the method form of [Ceil]: a.Ceil() is Ceil(a).
func (a *Array) Ceil() *Array { return Ceil(a) }

// Round is the method form of [Round]: a.Round() is Round(a).
func (a *Array) Round() *Array { return Round(a) }

// Trunc is the method form of [Trunc]: a.Trunc() is Trunc(a).
func (a *Array) Trunc() *Array { return Trunc(a) }

// Sign is the method form of [Sign]: a.Sign() is Sign(a).
func (a *Array) Sign() *Array { return Sign(a) }

// Square is the method form of [Square]: a.Square() is Square(a).
func (a *Array) Square() *Array { return Square(a) }

// IsNaN is the method form of [IsNaN]: a.IsNaN() is IsNaN(a).
func (a *Array) IsNaN() *Array { return IsNaN(a) }

// IsInf is the method form of [IsInf]: a.IsInf() is IsInf(a).
func (a *Array) IsInf() *Array { return IsInf(a) }

// IsFinite is the method form of [IsFinite]: a.IsFinite() is IsFinite(a).
func (a *Array) IsFinite() *Array { return IsFinite(a) }

// NanToNum is the method form of [NanToNum]: a.NanToNum() is NanToNum(a).
func (a *Array) NanToNum() *Array { return NanToNum(a) }

// Where keeps a where cond is true and takes other elsewhere, xarray's
// DataArray.where(cond, other): aligned and broadcast as [Where], keeping
// a's name and attrs (as DataArray.where does). Pass math.NaN() as other
// for xarray's default.
func (a *Array) Where(cond *Array, other any, opts ...OpOption) *Array {
	if a == nil {
		return Errored(argErr("Where on a nil *Array"))
	}
	if err := a.Err(); err != nil {
		return a
	}
	r := Where(cond, a, other, opts...)
	if r.Err() != nil {
		return r
	}
	r.v.attrs = maps.Clone(a.v.attrs)
	return r
}
