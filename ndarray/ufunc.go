package ndarray

import (
	"fmt"
	"math"
	"strings"

	"github.com/tessera-array/tessera/block"
)

// The op codes of the ufuncs beyond the arithmetic core (the op field of
// expression nodes and of fused instructions on the wire).
const (
	opBitAnd   = "bitand"
	opBitOr    = "bitor"
	opBitXor   = "bitxor"
	opInvert   = "invert"
	opLShift   = "lshift"
	opRShift   = "rshift"
	opArctan2  = "arctan2"
	opHypot    = "hypot"
	opMod      = "mod"
	opFmod     = "fmod"
	opFloorDiv = "floordiv"
	opFmin     = "fmin"
	opFmax     = "fmax"
	opSign     = "sign"
	opSquare   = "square"
	opTrunc    = "trunc"
	opIsInf    = "isinf"
	opNanToNum = "nan_to_num"
)

// ufuncArity is the number of arguments of each ufunc op code; init adds
// it to opArity, the table checkOp validates wire programs against.
var ufuncArity = map[string]int{
	opBitAnd: 2, opBitOr: 2, opBitXor: 2, opLShift: 2, opRShift: 2,
	opArctan2: 2, opHypot: 2, opMod: 2, opFmod: 2, opFloorDiv: 2, opFmin: 2, opFmax: 2,
	opInvert: 1, opSign: 1, opSquare: 1, opTrunc: 1, opIsInf: 1, opNanToNum: 1,
	"arcsin": 1, "arccos": 1, "arctan": 1, "sinh": 1, "cosh": 1, "tanh": 1,
	"log2": 1, "exp2": 1, "deg2rad": 1, "rad2deg": 1,
}

func init() {
	for op, n := range ufuncArity {
		opArity[op] = n
	}
}

// floatOnlyOp reports the ops whose instructions must be of a float dtype
// (the builders cast integer operands first).
func floatOnlyOp(op string) bool {
	switch op {
	case "sqrt", "exp", "log", "log10", "log1p", "expm1", "sin", "cos", "tan", opDiv,
		"arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "log2", "exp2", "deg2rad", "rad2deg",
		opArctan2, opHypot, opNanToNum:
		return true
	}
	return false
}

// intOnlyOp reports the ops whose instructions must be of an integer
// dtype (on bool the builders use the logical ops).
func intOnlyOp(op string) bool {
	switch op {
	case opBitAnd, opBitOr, opBitXor, opInvert, opLShift, opRShift:
		return true
	}
	return false
}

// realNumber reports the dtypes the ufunc kernels compute on: bool,
// integers, float32 and float64 (not float16, complex, strings or times).
func realNumber(dt block.DType) bool {
	return dt == block.Bool || dt.IsInt() || dt == block.Float32 || dt == block.Float64
}

func dtypeList(dts []block.DType) string {
	names := make([]string, len(dts))
	for i, d := range dts {
		names[i] = d.String()
	}
	return strings.Join(names, " and ")
}

// intScalarFits reports whether the weak scalar v can be an integer
// operand of dtype dt: integral and within dt's range.
func intScalarFits(v float64, dt block.DType) bool {
	if v != math.Trunc(v) {
		return false
	}
	if dt == block.Bool {
		return v == 0 || v == 1
	}
	bits := dt.Size() * 8
	if dt.IsUnsigned() {
		return v >= 0 && v < math.Ldexp(1, bits)
	}
	return v >= -math.Ldexp(1, bits-1) && v < math.Ldexp(1, bits-1)
}

// binaryUfunc builds the instruction of a binary ufunc: the operands'
// promoted dtype in (numpy's rules, Go scalars weak), the dtype the
// kernel computes in and the result's, chosen by op.
func binaryUfunc(name, op string, x, y any) *Array {
	ox, err := toOperand(x)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.%s: operand 1: %w", name, err))
	}
	oy, err := toOperand(y)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.%s: operand 2: %w", name, err))
	}
	ops := []operand{ox, oy}
	for _, o := range ops {
		if o.arr != nil && o.arr.err != nil {
			return Errored(o.arr.err)
		}
	}
	var dts []block.DType
	for _, o := range ops {
		if o.arr != nil {
			dts = append(dts, o.arr.dtype)
		}
	}
	if len(dts) == 0 {
		return Errored(fmt.Errorf("ndarray.%s: %w: at least one operand must be an *Array", name, ErrOperand))
	}
	in := resultDType(ops)
	for _, d := range dts {
		if !realNumber(d) {
			return Errored(opDTypeError(name, dts...))
		}
	}
	switch op {
	case opBitAnd, opBitOr, opBitXor, opLShift, opRShift:
		for i, o := range ops {
			if o.arr == nil && o.isFloat {
				return Errored(fmt.Errorf("ndarray.%s on %s: %w: scalar operand %d (%v) is a float; %s takes integers and bools (numpy raises TypeError)", name, dtypeList(dts), ErrOperand, i+1, o.scalar, name))
			}
		}
		if !in.IsInt() && in != block.Bool {
			return Errored(fmt.Errorf("ndarray.%s on %s (promoted to %s): %w: %w (numpy raises TypeError)",
				name, dtypeList(dts), in, ErrOpDType, &block.UnsupportedError{Op: name, DType: in}))
		}
		for i, o := range ops {
			if o.arr == nil && !intScalarFits(o.scalar, in) {
				return Errored(fmt.Errorf("ndarray.%s on %s: %w: scalar operand %d (%v) does not fit %s", name, dtypeList(dts), ErrOperand, i+1, o.scalar, in))
			}
		}
	}
	out := in
	switch op {
	case opBitAnd, opBitOr, opBitXor:
		if in == block.Bool { // numpy's bitwise ops on bool are the logical ones
			op = map[string]string{opBitAnd: opAnd, opBitOr: opOr, opBitXor: opXor}[op]
		}
	case opLShift, opRShift, opMod, opFmod, opFloorDiv:
		if in == block.Bool {
			in, out = block.Int8, block.Int8
		}
	case opArctan2, opHypot:
		in = unaryFloatDType(in)
		out = in
	case opFmin, opFmax:
		if in == block.Bool {
			op = map[string]string{opFmin: opMin, opFmax: opMax}[op]
		}
	}
	nodes, shape, grid, err := combine(ops, in)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.%s: %w", name, err))
	}
	return exprArray(newNode(op, out, shape, nodes, nil, 0, 0, nil), grid)
}

// unaryUfunc builds the instruction of a unary ufunc on x.
func unaryUfunc(name, op string, x *Array, f []float64) *Array {
	if x == nil {
		return Errored(fmt.Errorf("ndarray.%s: %w: nil *Array", name, ErrOperand))
	}
	if err := x.Err(); err != nil {
		return Errored(err)
	}
	if !realNumber(x.dtype) {
		return Errored(opDTypeError(name, x.dtype))
	}
	in, out := x.dtype, x.dtype
	switch op {
	case opInvert:
		if x.dtype == block.Bool {
			return LogicalNot(x)
		}
		if !x.dtype.IsInt() {
			return Errored(fmt.Errorf("%w (numpy raises TypeError)", opDTypeError(name, x.dtype)))
		}
	case opSign:
		if x.dtype == block.Bool {
			return Errored(fmt.Errorf("%w (numpy has no bool loop)", opDTypeError(name, x.dtype)))
		}
	case opSquare:
		if x.dtype == block.Bool {
			in, out = block.Int8, block.Int8
		}
	case opTrunc:
		if !x.dtype.IsFloat() {
			return x // exact already, as Floor
		}
	case opNanToNum:
		if !x.dtype.IsFloat() {
			return x // numpy returns integers and bools unchanged
		}
	case opIsInf:
		out = block.Bool
	default: // the float functions
		in = unaryFloatDType(x.dtype)
		out = in
	}
	n := x.leaf()
	if n.dtype != in {
		n = newNode("astype", in, n.shape, []*node{n}, nil, 0, block.OverflowWrap, nil)
	}
	return exprArray(newNode(op, out, n.shape, []*node{n}, f, 0, 0, nil), x.grid)
}

// And returns x & y elementwise (numpy's bitwise_and), broadcasting and
// promoting as [Add]. On bool it is logical and; integer dtypes only
// otherwise: a float operand, or a scalar that is not an integer the
// promoted dtype holds, is an error naming the op and dtype (numpy raises
// TypeError). x and y are *Array values or Go scalars.
func And(x, y any) *Array { return binaryUfunc("And", opBitAnd, x, y) }

// Or returns x | y elementwise (numpy's bitwise_or), as [And].
func Or(x, y any) *Array { return binaryUfunc("Or", opBitOr, x, y) }

// Xor returns x ^ y elementwise (numpy's bitwise_xor), as [And].
func Xor(x, y any) *Array { return binaryUfunc("Xor", opBitXor, x, y) }

// Not returns ^x elementwise (numpy's invert, the ~ operator): the bitwise
// complement of integers, logical not of bool. Floats are an error.
func Not(x *Array) *Array { return unaryUfunc("Not", opInvert, x, nil) }

// LeftShift returns x << y elementwise (numpy's left_shift) in the
// promoted integer dtype (bool operands give int8), as [And] for dtypes.
// Bits shifted out are lost; a shift by a negative amount or by the
// dtype's width or more gives 0, as numpy does on x86.
func LeftShift(x, y any) *Array { return binaryUfunc("LeftShift", opLShift, x, y) }

// RightShift returns x >> y elementwise (numpy's right_shift), arithmetic
// for signed dtypes, as [LeftShift]. A shift by a negative amount or by
// the width or more gives 0, or -1 where x is negative, as numpy does.
func RightShift(x, y any) *Array { return binaryUfunc("RightShift", opRShift, x, y) }

// Arctan2 returns the angle of the point (y, x) elementwise, numpy's
// arctan2(y, x), in radians in [-π, π]. The operands broadcast and
// promote as [Add]; the result has the float dtype of [Sqrt] for that
// dtype.
func Arctan2(y, x any) *Array { return binaryUfunc("Arctan2", opArctan2, y, x) }

// Hypot returns sqrt(x² + y²) elementwise without undue overflow, with the
// dtype of [Arctan2]. Inf in either gives +Inf, even with NaN.
func Hypot(x, y any) *Array { return binaryUfunc("Hypot", opHypot, x, y) }

// Mod returns the remainder of x / y elementwise with the sign of the
// divisor y (numpy's mod and remainder, Python's %), broadcasting and
// promoting as [Add] (bool operands give int8). Integer division by zero
// gives 0, as numpy; float division by zero gives NaN.
func Mod(x, y any) *Array { return binaryUfunc("Mod", opMod, x, y) }

// Remainder is [Mod] under numpy's other name.
func Remainder(x, y any) *Array { return binaryUfunc("Remainder", opMod, x, y) }

// Fmod returns the remainder of x / y elementwise with the sign of the
// dividend x (C's fmod, numpy's fmod), dtypes as [Mod]; division by zero
// gives 0 for integers and NaN for floats.
func Fmod(x, y any) *Array { return binaryUfunc("Fmod", opFmod, x, y) }

// FloorDivide returns floor(x / y) elementwise (numpy's floor_divide,
// Python's //), dtypes as [Mod]. Integer division by zero gives 0, as
// numpy; floats follow numpy's divmod (division by zero gives ±Inf or NaN,
// Inf // finite gives NaN).
func FloorDivide(x, y any) *Array { return binaryUfunc("FloorDivide", opFloorDiv, x, y) }

// Fmin returns the elementwise smaller of x and y ignoring NaN: where one
// is NaN the other is taken, where both are the result is NaN (numpy's
// fmin). Dtypes as [Add].
func Fmin(x, y any) *Array { return binaryUfunc("Fmin", opFmin, x, y) }

// Fmax returns the elementwise larger of x and y ignoring NaN, as [Fmin].
func Fmax(x, y any) *Array { return binaryUfunc("Fmax", opFmax, x, y) }

// Sign returns -1, 0 or 1 by the sign of x, elementwise in x's dtype; NaN
// stays NaN, -0.0 gives 0. Not defined for bool (numpy has no bool loop).
func Sign(x *Array) *Array { return unaryUfunc("Sign", opSign, x, nil) }

// Square returns x*x elementwise in x's dtype (bool gives int8, as numpy);
// integers wrap.
func Square(x *Array) *Array { return unaryUfunc("Square", opSquare, x, nil) }

// Trunc rounds x toward zero elementwise in x's dtype; integer and bool
// arrays are returned unchanged, as [Floor] (numpy 1.24 would cast them
// to float).
func Trunc(x *Array) *Array { return unaryUfunc("Trunc", opTrunc, x, nil) }

// IsInf returns the bool array of where x is +Inf or -Inf; always false
// for integer and bool arrays.
func IsInf(x *Array) *Array { return unaryUfunc("IsInf", opIsInf, x, nil) }

// Arcsin returns the inverse sine elementwise, in radians, with the float
// dtype of [Sqrt]; values outside [-1, 1] give NaN.
func Arcsin(x *Array) *Array { return unaryUfunc("Arcsin", "arcsin", x, nil) }

// Arccos returns the inverse cosine elementwise, as [Arcsin].
func Arccos(x *Array) *Array { return unaryUfunc("Arccos", "arccos", x, nil) }

// Arctan returns the inverse tangent elementwise, in (-π/2, π/2), with
// the float dtype of [Sqrt].
func Arctan(x *Array) *Array { return unaryUfunc("Arctan", "arctan", x, nil) }

// Sinh returns the hyperbolic sine elementwise, with the float dtype of
// [Sqrt].
func Sinh(x *Array) *Array { return unaryUfunc("Sinh", "sinh", x, nil) }

// Cosh returns the hyperbolic cosine elementwise, as [Sinh].
func Cosh(x *Array) *Array { return unaryUfunc("Cosh", "cosh", x, nil) }

// Tanh returns the hyperbolic tangent elementwise, as [Sinh].
func Tanh(x *Array) *Array { return unaryUfunc("Tanh", "tanh", x, nil) }

// Log2 returns the base-2 logarithm elementwise, as [Log].
func Log2(x *Array) *Array { return unaryUfunc("Log2", "log2", x, nil) }

// Exp2 returns 2**x elementwise, with the float dtype of [Sqrt].
func Exp2(x *Array) *Array { return unaryUfunc("Exp2", "exp2", x, nil) }

// Deg2Rad converts degrees to radians elementwise (x * π/180 in the
// result dtype, as numpy), with the float dtype of [Sqrt].
func Deg2Rad(x *Array) *Array { return unaryUfunc("Deg2Rad", "deg2rad", x, nil) }

// Rad2Deg converts radians to degrees elementwise (x * 180/π), as
// [Deg2Rad].
func Rad2Deg(x *Array) *Array { return unaryUfunc("Rad2Deg", "rad2deg", x, nil) }

// NanToNum replaces NaN by 0, +Inf by the largest finite value of x's
// float dtype and -Inf by the most negative, numpy's nan_to_num defaults;
// integer and bool arrays are returned unchanged, as numpy returns them.
func NanToNum(x *Array) *Array {
	if x.Err() != nil || !x.dtype.IsFloat() {
		return unaryUfunc("NanToNum", opNanToNum, x, nil)
	}
	big := math.MaxFloat64
	if x.dtype == block.Float32 {
		big = math.MaxFloat32
	}
	return NanToNumWith(x, 0, big, -big)
}

// NanToNumWith is [NanToNum] with the replacements of NaN, +Inf and -Inf
// given (numpy's nan=, posinf=, neginf=), converted to x's dtype.
func NanToNumWith(x *Array, nan, posinf, neginf float64) *Array {
	return unaryUfunc("NanToNum", opNanToNum, x, []float64{nan, posinf, neginf})
}
