package ndarray

// The method forms of the elementwise functions, so that expressions
// chain: a.Greater(0).And(b.Less(5)), qa.RightShift(3).And(1).Equal(1),
// a.Sub(b).Abs(). Each is exactly its function with a as the first
// operand; a nil or errored receiver gives an errored result.

// Equal is the method form of [Equal]: a.Equal(y) is Equal(a, y).
func (a *Array) Equal(y any) *Array { return Equal(a, y) }

// NotEqual is the method form of [NotEqual]: a.NotEqual(y) is NotEqual(a, y).
func (a *Array) NotEqual(y any) *Array { return NotEqual(a, y) }

// Less is the method form of [Less]: a.Less(y) is Less(a, y).
func (a *Array) Less(y any) *Array { return Less(a, y) }

// LessEqual is the method form of [LessEqual]: a.LessEqual(y) is LessEqual(a, y).
func (a *Array) LessEqual(y any) *Array { return LessEqual(a, y) }

// Greater is the method form of [Greater]: a.Greater(y) is Greater(a, y).
func (a *Array) Greater(y any) *Array { return Greater(a, y) }

// GreaterEqual is the method form of [GreaterEqual]: a.GreaterEqual(y) is GreaterEqual(a, y).
func (a *Array) GreaterEqual(y any) *Array { return GreaterEqual(a, y) }

// LogicalAnd is the method form of [LogicalAnd]: a.LogicalAnd(y) is LogicalAnd(a, y).
func (a *Array) LogicalAnd(y any) *Array { return LogicalAnd(a, y) }

// LogicalOr is the method form of [LogicalOr]: a.LogicalOr(y) is LogicalOr(a, y).
func (a *Array) LogicalOr(y any) *Array { return LogicalOr(a, y) }

// LogicalXor is the method form of [LogicalXor]: a.LogicalXor(y) is LogicalXor(a, y).
func (a *Array) LogicalXor(y any) *Array { return LogicalXor(a, y) }

// And is the method form of [And]: a.And(y) is And(a, y).
func (a *Array) And(y any) *Array { return And(a, y) }

// Or is the method form of [Or]: a.Or(y) is Or(a, y).
func (a *Array) Or(y any) *Array { return Or(a, y) }

// Xor is the method form of [Xor]: a.Xor(y) is Xor(a, y).
func (a *Array) Xor(y any) *Array { return Xor(a, y) }

// LeftShift is the method form of [LeftShift]: a.LeftShift(y) is LeftShift(a, y).
func (a *Array) LeftShift(y any) *Array { return LeftShift(a, y) }

// RightShift is the method form of [RightShift]: a.RightShift(y) is RightShift(a, y).
func (a *Array) RightShift(y any) *Array { return RightShift(a, y) }

// Mod is the method form of [Mod]: a.Mod(y) is Mod(a, y).
func (a *Array) Mod(y any) *Array { return Mod(a, y) }

// Remainder is the method form of [Remainder]: a.Remainder(y) is Remainder(a, y).
func (a *Array) Remainder(y any) *Array { return Remainder(a, y) }

// Fmod is the method form of [Fmod]: a.Fmod(y) is Fmod(a, y).
func (a *Array) Fmod(y any) *Array { return Fmod(a, y) }

// FloorDivide is the method form of [FloorDivide]: a.FloorDivide(y) is FloorDivide(a, y).
func (a *Array) FloorDivide(y any) *Array { return FloorDivide(a, y) }

// Maximum is the method form of [Maximum]: a.Maximum(y) is Maximum(a, y).
func (a *Array) Maximum(y any) *Array { return Maximum(a, y) }

// Minimum is the method form of [Minimum]: a.Minimum(y) is Minimum(a, y).
func (a *Array) Minimum(y any) *Array { return Minimum(a, y) }

// Fmin is the method form of [Fmin]: a.Fmin(y) is Fmin(a, y).
func (a *Array) Fmin(y any) *Array { return Fmin(a, y) }

// Fmax is the method form of [Fmax]: a.Fmax(y) is Fmax(a, y).
func (a *Array) Fmax(y any) *Array { return Fmax(a, y) }

// Arctan2 is the method form of [Arctan2]: a.Arctan2(x) is Arctan2(a, x).
func (a *Array) Arctan2(x any) *Array { return Arctan2(a, x) }

// Hypot is the method form of [Hypot]: a.Hypot(y) is Hypot(a, y).
func (a *Array) Hypot(y any) *Array { return Hypot(a, y) }

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

// Clip is the method form of [Clip]: a.Clip(lo, hi) is Clip(a, lo, hi).
func (a *Array) Clip(lo, hi float64) *Array { return Clip(a, lo, hi) }

// Where keeps a where cond is true and takes other elsewhere, xarray's
// DataArray.where(cond, other): a.Where(cond, other) is Where(cond, a,
// other).
func (a *Array) Where(cond *Array, other any) *Array { return Where(cond, a, other) }
