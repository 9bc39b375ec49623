package ndarray

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// node is one step of an elementwise expression. Expressions are trees
// (DAGs when sub-expressions repeat) over leaves: generators (random, full,
// arange) that can produce any element from its coordinates, and inputs
// (opaque arrays whose blocks are task outputs). At graph build time the
// tree for one output block becomes a Kernel run in cache-sized tiles.
type node struct {
	op    string
	dtype block.DType
	shape []int
	args  []*node
	f     []float64
	seed  uint64
	pol   block.Overflow
	src   *Array // for op "input"
	rigid bool   // contains an input leaf: its chunking is binding
	tok   string // identity of the expression: its memo key and name
}

func newNode(op string, dt block.DType, shape []int, args []*node, f []float64, seed uint64, pol block.Overflow, src *Array) *node {
	n := &node{op: op, dtype: dt, shape: slices.Clone(shape), args: args, f: f, seed: seed, pol: pol, src: src}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s %v %v %d %d", op, dt, shape, f, seed, pol)
	for _, a := range args {
		sb.WriteString(" ")
		sb.WriteString(a.tok)
		n.rigid = n.rigid || a.rigid
	}
	if src != nil {
		sb.WriteString(" " + src.name)
		n.rigid = true
	}
	n.tok = Token(sb.String())
	return n
}

// exprArray wraps a node as an Array on grid.
func exprArray(n *node, grid *chunk.Grid) *Array {
	return &Array{dtype: n.dtype, grid: grid, name: Token(n.op+" "+n.tok, gridToken(grid)), expr: n}
}

// leaf returns the expression node of an array: its own expression, or an
// input leaf for an opaque array.
func (a *Array) leaf() *node {
	if a.expr != nil {
		return a.expr
	}
	return newNode("input", a.dtype, a.grid.Shape(), nil, nil, 0, 0, a)
}

// Operand errors.
var (
	// ErrBroadcast reports shapes that numpy's broadcasting rules reject.
	ErrBroadcast = errors.New("ndarray: shapes do not broadcast")
	// ErrChunks reports arrays whose chunks must agree but do not.
	ErrChunks = errors.New("ndarray: chunks do not align")
	// ErrOperand reports an operand of an unsupported Go type.
	ErrOperand = errors.New("ndarray: unsupported operand")
	// ErrOpDType reports an operation not defined for a dtype (bool
	// subtraction, say).
	ErrOpDType = errors.New("ndarray: operation not defined for dtype")
)

// BroadcastShapes returns numpy's broadcast of the shapes, or ErrBroadcast
// naming them.
func BroadcastShapes(shapes ...[]int) ([]int, error) {
	r := 0
	for _, s := range shapes {
		r = max(r, len(s))
	}
	out := slices.Repeat([]int{1}, r)
	for _, s := range shapes {
		off := r - len(s)
		for a, n := range s {
			switch {
			case n == out[off+a] || n == 1:
			case out[off+a] == 1:
				out[off+a] = n
			default:
				return nil, fmt.Errorf("%w: %s", ErrBroadcast, shapeList(shapes))
			}
		}
	}
	return out, nil
}

func shapeList(shapes [][]int) string {
	parts := make([]string, len(shapes))
	for i, s := range shapes {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, " and ")
}

// operand is a resolved argument: an array, or a weak scalar.
type operand struct {
	arr     *Array
	scalar  float64
	isFloat bool
	isBool  bool
}

func toOperand(x any) (operand, error) {
	switch v := x.(type) {
	case *Array:
		if v == nil {
			return operand{}, fmt.Errorf("%w: nil *Array", ErrOperand)
		}
		if err := v.Err(); err != nil { // errored, or a zero Array
			return operand{}, err
		}
		return operand{arr: v}, nil
	case float64:
		return operand{scalar: v, isFloat: true}, nil
	case float32:
		return operand{scalar: float64(v), isFloat: true}, nil
	case int:
		return operand{scalar: float64(v)}, nil
	case int64:
		return operand{scalar: float64(v)}, nil
	case int32:
		return operand{scalar: float64(v)}, nil
	case int16:
		return operand{scalar: float64(v)}, nil
	case int8:
		return operand{scalar: float64(v)}, nil
	case uint8:
		return operand{scalar: float64(v)}, nil
	case uint16:
		return operand{scalar: float64(v)}, nil
	case uint32:
		return operand{scalar: float64(v)}, nil
	case uint64:
		return operand{scalar: float64(v)}, nil
	case bool:
		f := 0.0
		if v {
			f = 1
		}
		return operand{scalar: f, isBool: true}, nil
	}
	return operand{}, fmt.Errorf("%w: %T", ErrOperand, x)
}

// resultDType is the numpy result type of arrays and weak scalars together.
func resultDType(ops []operand) block.DType {
	var dt block.DType
	anyFloatScalar, anyIntScalar := false, false
	for _, o := range ops {
		switch {
		case o.arr != nil:
			if dt == 0 {
				dt = o.arr.dtype
			} else {
				dt = block.Promote(dt, o.arr.dtype)
			}
		case o.isFloat:
			anyFloatScalar = true
		case !o.isBool: // a bool scalar never promotes an array
			anyIntScalar = true
		}
	}
	if dt == 0 { // only scalars
		switch {
		case anyFloatScalar:
			return block.Float64
		case anyIntScalar:
			return block.Int64
		default:
			return block.Bool
		}
	}
	if anyFloatScalar {
		dt = block.PromoteScalar(dt, true)
	} else if anyIntScalar {
		dt = block.PromoteScalar(dt, false)
	}
	return dt
}

// combine resolves operands into nodes of dtype dt (casting where needed),
// the broadcast shape and the output grid.
func combine(ops []operand, dt block.DType) ([]*node, []int, *chunk.Grid, error) {
	var shapes [][]int
	for _, o := range ops {
		if o.arr != nil {
			shapes = append(shapes, o.arr.grid.Shape())
		}
	}
	shape, err := BroadcastShapes(shapes...)
	if err != nil {
		return nil, nil, nil, err
	}
	grid, err := outputGrid(ops, shape)
	if err != nil {
		return nil, nil, nil, err
	}
	nodes := make([]*node, len(ops))
	for i, o := range ops {
		var n *node
		if o.arr != nil {
			arr, err := unifyOperand(o.arr, shape, grid)
			if err != nil {
				return nil, nil, nil, err
			}
			n = arr.leaf()
		} else {
			n = newNode("full", dt, nil, nil, []float64{o.scalar}, 0, 0, nil)
		}
		if dt != 0 && n.dtype != dt {
			n = newNode("astype", dt, n.shape, []*node{n}, nil, 0, block.OverflowWrap, nil)
		}
		nodes[i] = n
	}
	return nodes, shape, grid, nil
}

// outputGrid chooses the chunks of a broadcast result: on each axis the
// chunks of operands that span it; operands holding stored blocks (rigid)
// must agree, generators adapt.
func outputGrid(ops []operand, shape []int) (*chunk.Grid, error) {
	r := len(shape)
	axes := make([]chunk.Axis, r)
	set := make([]bool, r)
	fromRigid := make([]bool, r)
	for _, o := range ops {
		if o.arr == nil {
			continue
		}
		s := o.arr.grid.Shape()
		off := r - len(s)
		rigid := o.arr.layer != nil || (o.arr.expr != nil && o.arr.expr.rigid)
		for a := range s {
			oa := off + a
			if s[a] != shape[oa] {
				continue // broadcast axis
			}
			c := o.arr.grid.Axis(a)
			switch {
			case !set[oa]:
				axes[oa], set[oa], fromRigid[oa] = c, true, rigid
			case rigid && !fromRigid[oa]:
				axes[oa], fromRigid[oa] = c, true
			case rigid && fromRigid[oa] && !c.Equal(axes[oa]):
				// dask's unify_chunks: cut at both operands' boundaries;
				// combine rechunks the rigid operands to the result.
				ref, err := axes[oa].Refine(c)
				if err != nil {
					return nil, fmt.Errorf("%w: axis %d: %w", ErrChunks, oa, err)
				}
				axes[oa] = ref
			}
		}
	}
	for a := range axes {
		if !set[a] {
			ax, err := chunk.RegularAxis(shape[a], max(shape[a], 1))
			if err != nil {
				return nil, err
			}
			axes[a] = ax
		}
	}
	return chunk.NewGridAxes(axes)
}

// Elementwise operation names (the op field of expression nodes).
const (
	opAdd = "add"
	opSub = "sub"
	opMul = "mul"
	opDiv = "div"
	opPow = "pow"
	opMax = "maximum"
	opMin = "minimum"
	opEq  = "eq"
	opNe  = "ne"
	opLt  = "lt"
	opLe  = "le"
	opGt  = "gt"
	opGe  = "ge"
	opAnd = "and"
	opOr  = "or"
	opXor = "xor"
)

// opDTypeError is the error of op on dtypes it is not defined for: it
// wraps ErrOpDType and a *block.UnsupportedError naming the op and the
// first such dtype.
func opDTypeError(op string, dts ...block.DType) error {
	names := make([]string, len(dts))
	for i, d := range dts {
		names[i] = d.String()
	}
	return fmt.Errorf("ndarray.%s on %s: %w: %w", op, strings.Join(names, " and "), ErrOpDType, &block.UnsupportedError{Op: op, DType: dts[0]})
}

// checkOperandDTypes refuses the operands of a binary op that the
// kernels cannot compute: anything but numbers (strings, float16,
// complex, datetimes), with one exception, comparisons of two arrays of
// one datetime64 or timedelta64 dtype (NaT compares false, and != true,
// as in numpy); Add and Sub of datetimes go to timeArith first. in is the promoted dtype (0 when there is none).
func checkOperandDTypes(op string, ops []operand, in block.DType) error {
	var dts []block.DType
	ok := in.Valid()
	for _, o := range ops {
		if o.arr == nil {
			continue
		}
		if o.arr.err != nil {
			return nil // the errored operand reports itself
		}
		dts = append(dts, o.arr.dtype)
		if !o.arr.dtype.IsNumeric() {
			ok = false
		}
	}
	switch op {
	case opEq, opNe, opLt, opLe, opGt, opGe:
		if in.IsTime() && len(dts) == 2 && dts[0] == dts[1] {
			return nil
		}
	}
	if ok || len(dts) == 0 {
		return nil
	}
	return opDTypeError(op, dts...)
}

// timeArith is Add or Sub of two arrays of which one is a datetime64 or
// timedelta64: numpy's rules (datetime - datetime is a timedelta,
// datetime ± timedelta a datetime, timedelta ± timedelta a timedelta) for
// operands of one unit, NaT propagating; other pairs are ErrOpDType.
func timeArith(op string, ops []operand) *Array {
	a, b := ops[0].arr.dtype, ops[1].arr.dtype
	out := timeResult(op, a, b)
	if out == 0 {
		return Errored(opDTypeError(op, a, b))
	}
	nodes, shape, grid, err := combine(ops, 0)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.%s: %w", op, err))
	}
	top := opTimeAdd
	if op == opSub {
		top = opTimeSub
	}
	return exprArray(newNode(top, out, shape, nodes, nil, 0, 0, nil), grid)
}

func binop(op string, x, y any) *Array {
	ox, err := toOperand(x)
	if err != nil {
		return Errored(err)
	}
	oy, err := toOperand(y)
	if err != nil {
		return Errored(err)
	}
	ops := []operand{ox, oy}
	if ox.arr != nil && oy.arr != nil && ox.arr.err == nil && oy.arr.err == nil && (op == opAdd || op == opSub) &&
		(ox.arr.dtype.IsTime() || oy.arr.dtype.IsTime()) {
		return timeArith(op, ops)
	}
	in := resultDType(ops)
	if err := checkOperandDTypes(op, ops, in); err != nil {
		return Errored(err)
	}
	out := in
	switch op {
	case opDiv:
		if !in.IsFloat() {
			in, out = block.Float64, block.Float64
		}
	case opSub:
		if in == block.Bool {
			return Errored(fmt.Errorf("%w: subtract on bool (use Xor)", ErrOpDType))
		}
	case opEq, opNe, opLt, opLe, opGt, opGe:
		out = block.Bool
		if in == block.Bool {
			in = block.Uint8
		}
	case opPow:
		if in == block.Bool {
			in, out = block.Int8, block.Int8
		}
	case opAnd, opOr, opXor:
		in, out = block.Bool, block.Bool
	}
	nodes, shape, grid, err := combine(ops, in)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.%s: %w", op, err))
	}
	return exprArray(newNode(op, out, shape, nodes, nil, 0, 0, nil), grid)
}

// Add returns x + y elementwise, with numpy broadcasting of the shapes and
// numpy's type promotion; x and y are *Array values or Go scalars, which
// are weak as numpy 2 treats Python scalars (int16 array + 3 stays int16,
// int16 array + 0.5 is float64). Integers wrap on overflow. On bool arrays
// it is logical or. NaN propagates.
func Add(x, y any) *Array { return binop(opAdd, x, y) }

// Sub returns x - y elementwise, broadcasting and promoting as [Add].
// Integers wrap on overflow. Not defined for bool ([ErrOpDType]; use
// [LogicalXor]).
func Sub(x, y any) *Array { return binop(opSub, x, y) }

// Mul returns x * y elementwise, broadcasting and promoting as [Add].
// Integers wrap on overflow. On bool arrays it is logical and.
func Mul(x, y any) *Array { return binop(opMul, x, y) }

// Div returns x / y elementwise (true division), broadcasting as [Add]:
// floats keep the promoted float dtype, integer and bool operands give
// float64. Division by zero gives ±Inf or NaN, as in numpy.
func Div(x, y any) *Array { return binop(opDiv, x, y) }

// Pow returns x ** y elementwise, broadcasting and promoting as [Add]
// (bool operands give int8). An integer raised to a negative integer power
// fails at compute time with [ErrNegativePower], as in numpy.
func Pow(x, y any) *Array { return binop(opPow, x, y) }

// Maximum returns the elementwise larger of x and y, broadcasting and
// promoting as [Add]. NaN propagates: where either is NaN the result is
// NaN (numpy's maximum, not fmax).
func Maximum(x, y any) *Array { return binop(opMax, x, y) }

// Minimum returns the elementwise smaller of x and y, broadcasting and
// promoting as [Add]. NaN propagates: where either is NaN the result is
// NaN (numpy's minimum, not fmin).
func Minimum(x, y any) *Array { return binop(opMin, x, y) }

// Equal returns the bool array x == y, comparing in the promoted dtype of
// x and y and broadcasting as [Add]. NaN equals nothing, itself included.
func Equal(x, y any) *Array { return binop(opEq, x, y) }

// NotEqual returns the bool array x != y, as [Equal]; NaN differs from
// everything.
func NotEqual(x, y any) *Array { return binop(opNe, x, y) }

// Less returns the bool array x < y, as [Equal]; false where either is NaN.
func Less(x, y any) *Array { return binop(opLt, x, y) }

// LessEqual returns the bool array x <= y, as [Equal]; false where either
// is NaN.
func LessEqual(x, y any) *Array { return binop(opLe, x, y) }

// Greater returns the bool array x > y, as [Equal]; false where either is
// NaN.
func Greater(x, y any) *Array { return binop(opGt, x, y) }

// GreaterEqual returns the bool array x >= y, as [Equal]; false where
// either is NaN.
func GreaterEqual(x, y any) *Array { return binop(opGe, x, y) }

// LogicalAnd returns the bool array of x and y, each taken by truthiness
// (non-zero is true, NaN is true), broadcasting as [Add].
func LogicalAnd(x, y any) *Array { return binop(opAnd, x, y) }

// LogicalOr returns the bool array of x or y, by truthiness as
// [LogicalAnd].
func LogicalOr(x, y any) *Array { return binop(opOr, x, y) }

// LogicalXor returns the bool array of x xor y, by truthiness as
// [LogicalAnd].
func LogicalXor(x, y any) *Array { return binop(opXor, x, y) }

// unaryFloatDType is the dtype of sqrt/exp/log results: floats keep theirs;
// bool and 8/16-bit integers give float32 (numpy would give float16, which
// tessera lacks), wider integers float64.
func unaryFloatDType(d block.DType) block.DType {
	switch {
	case d.IsFloat():
		return d
	case d.Size() <= 2:
		return block.Float32
	}
	return block.Float64
}

func unary(op string, x *Array) *Array {
	if x == nil {
		return Errored(fmt.Errorf("%w: nil *Array", ErrOperand))
	}
	if err := x.Err(); err != nil {
		return Errored(err)
	}
	if !x.dtype.IsNumeric() {
		return Errored(opDTypeError(op, x.dtype))
	}
	n := x.leaf()
	out := x.dtype
	switch op {
	case "sqrt", "exp", "log", "log10", "log1p", "expm1", "sin", "cos", "tan":
		out = unaryFloatDType(x.dtype)
	case "isnan", "isfinite", "not":
		out = block.Bool
	case "neg":
		if x.dtype == block.Bool {
			return Errored(fmt.Errorf("%w: negative on bool (use LogicalNot)", ErrOpDType))
		}
	case "abs":
		if x.dtype == block.Bool || x.dtype.IsUnsigned() {
			return x
		}
	case "floor", "ceil", "round":
		if x.dtype.IsInt() || x.dtype == block.Bool {
			return x // exact already (numpy's floor of an integer is the integer)
		}
	}
	in := out
	if op == "isnan" || op == "isfinite" {
		in = x.dtype
	}
	if op == "not" {
		in = block.Bool
	}
	if n.dtype != in {
		n = newNode("astype", in, n.shape, []*node{n}, nil, 0, block.OverflowWrap, nil)
	}
	return exprArray(newNode(op, out, n.shape, []*node{n}, nil, 0, 0, nil), x.grid)
}

// Neg returns -x elementwise in x's dtype; integers wrap (-(-128) is -128
// in int8). Not defined for bool ([ErrOpDType]; use [LogicalNot]).
func Neg(x *Array) *Array { return unary("neg", x) }

// Abs returns |x| elementwise in x's dtype; bool and unsigned arrays are
// returned unchanged, and the most negative signed integer stays negative
// (it wraps, as in numpy). NaN stays NaN.
func Abs(x *Array) *Array { return unary("abs", x) }

// Sqrt returns the square root elementwise: floats keep their dtype, bool
// and 8- and 16-bit integers give float32 (numpy would give float16, which
// tessera lacks), wider integers float64. Negative values give NaN.
func Sqrt(x *Array) *Array { return unary("sqrt", x) }

// Exp returns e**x elementwise, with the float dtype of [Sqrt].
func Exp(x *Array) *Array { return unary("exp", x) }

// Log returns the natural logarithm elementwise, with the float dtype of
// [Sqrt]. Zero gives -Inf, negative values NaN.
func Log(x *Array) *Array { return unary("log", x) }

// Log10 returns the base-10 logarithm elementwise, as [Log].
func Log10(x *Array) *Array { return unary("log10", x) }

// Log1p returns log(1+x) elementwise, accurate near zero, with the float
// dtype of [Sqrt]. -1 gives -Inf, values below it NaN.
func Log1p(x *Array) *Array { return unary("log1p", x) }

// Expm1 returns e**x - 1 elementwise, accurate near zero, with the float
// dtype of [Sqrt].
func Expm1(x *Array) *Array { return unary("expm1", x) }

// Sin returns the sine of x (radians) elementwise, with the float dtype of
// [Sqrt]. ±Inf gives NaN.
func Sin(x *Array) *Array { return unary("sin", x) }

// Cos returns the cosine of x (radians) elementwise, as [Sin].
func Cos(x *Array) *Array { return unary("cos", x) }

// Tan returns the tangent of x (radians) elementwise, as [Sin].
func Tan(x *Array) *Array { return unary("tan", x) }

// Floor returns the largest integer value not above x, elementwise, in
// x's dtype; integer and bool arrays are returned unchanged. NaN and ±Inf
// stay as they are.
func Floor(x *Array) *Array { return unary("floor", x) }

// Ceil returns the smallest integer value not below x, elementwise, as
// [Floor].
func Ceil(x *Array) *Array { return unary("ceil", x) }

// Round rounds x to the nearest integer value elementwise, halves to even
// (numpy's round: 0.5 and -0.5 give 0, 1.5 and 2.5 give 2), as [Floor].
func Round(x *Array) *Array { return unary("round", x) }

// IsNaN returns the bool array of where x is NaN; always false for integer
// and bool arrays.
func IsNaN(x *Array) *Array { return unary("isnan", x) }

// IsFinite returns the bool array of where x is neither NaN nor ±Inf;
// always true for integer and bool arrays.
func IsFinite(x *Array) *Array { return unary("isfinite", x) }

// LogicalNot returns the bool array of not x, x taken by truthiness
// (non-zero is true, NaN is true).
func LogicalNot(x *Array) *Array { return unary("not", x) }

// Where returns the elements of x where cond is true and of y elsewhere,
// numpy's where: the three broadcast together, cond is taken by truthiness
// (non-zero is true, NaN is true), and the result has the promoted dtype
// of x and y ([Add]'s rules; Go scalars are weak).
func Where(cond *Array, x, y any) *Array {
	if cond == nil {
		return Errored(fmt.Errorf("%w: nil condition", ErrOperand))
	}
	if err := cond.Err(); err != nil {
		return Errored(err)
	}
	ox, err := toOperand(x)
	if err != nil {
		return Errored(err)
	}
	oy, err := toOperand(y)
	if err != nil {
		return Errored(err)
	}
	dt := resultDType([]operand{ox, oy})
	if err := checkOperandDTypes("where", []operand{ox, oy}, dt); err != nil {
		return Errored(err)
	}
	oc := operand{arr: cond}
	nodes, shape, grid, err := combine([]operand{oc, ox, oy}, 0)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.Where: %w", err))
	}
	if nodes[0].dtype != block.Bool {
		nodes[0] = newNode("astype", block.Bool, nodes[0].shape, []*node{nodes[0]}, nil, 0, block.OverflowWrap, nil)
	}
	for i := 1; i < 3; i++ {
		if nodes[i].op == "full" && nodes[i].args == nil && nodes[i].dtype != dt {
			nodes[i] = newNode("full", dt, nil, nil, nodes[i].f, 0, 0, nil)
		} else if nodes[i].dtype != dt {
			nodes[i] = newNode("astype", dt, nodes[i].shape, []*node{nodes[i]}, nil, 0, block.OverflowWrap, nil)
		}
	}
	return exprArray(newNode("where", dt, shape, nodes, nil, 0, 0, nil), grid)
}

// Clip limits x to [lo, hi] (either may be ±Inf for no limit); the dtype of
// x is kept. NaN stays NaN.
func Clip(x *Array, lo, hi float64) *Array {
	if err := x.Err(); err != nil {
		return Errored(err)
	}
	if lo > hi {
		return Errored(fmt.Errorf("ndarray.Clip: lo %v > hi %v", lo, hi))
	}
	return exprArray(newNode("clip", x.dtype, x.grid.Shape(), []*node{x.leaf()}, []float64{lo, hi}, 0, 0, nil), x.grid)
}

// AsType converts lazily to dt: floats round half to even into integers and
// out-of-range values follow pol (OverflowError fails the computation with
// a *CastError naming the global index).
func (a *Array) AsType(dt block.DType, pol block.Overflow) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	if !dt.Valid() {
		return Errored(fmt.Errorf("%w: %d", block.ErrDType, uint8(dt)))
	}
	if pol > block.OverflowWrap {
		return Errored(fmt.Errorf("ndarray.AsType: unknown overflow policy %d", pol))
	}
	if dt == a.dtype {
		return a
	}
	if !block.CanCast(a.dtype, dt) {
		return Errored(fmt.Errorf("ndarray.AsType: %w: %w", ErrOpDType, &block.UnsupportedError{Op: "cast", DType: a.dtype, To: dt}))
	}
	return exprArray(newNode("astype", dt, a.grid.Shape(), []*node{a.leaf()}, nil, 0, pol, nil), a.grid)
}

// Pack is the lazy form of ScaleOffset.Pack: stored = round((x-Offset)/Scale)
// converted to dt under pol. With so.Fill set, NaN is stored as *so.Fill
// under every policy (checked here: a fill dt cannot hold gives an errored
// array).
func (a *Array) Pack(so block.ScaleOffset, dt block.DType, pol block.Overflow) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	if so.Scale == 0 || math.IsInf(so.Scale, 0) || math.IsNaN(so.Scale) || math.IsNaN(so.Offset) || math.IsInf(so.Offset, 0) {
		return Errored(fmt.Errorf("ndarray.Pack: invalid scale %v / offset %v", so.Scale, so.Offset))
	}
	if so.Fill != nil {
		// An empty block packs (and checks the fill) without computing.
		empty, err := block.New(block.Float64, 0)
		if err == nil {
			_, err = so.Pack(empty, dt, block.OverflowError)
		}
		if err != nil {
			return Errored(fmt.Errorf("ndarray.Pack: %w", err))
		}
	}
	f := a.AsType(block.Float64, block.OverflowWrap)
	if so.Offset != 0 {
		f = Sub(f, so.Offset)
	}
	f = Mul(f, 1/so.Scale)
	if so.Fill != nil {
		f = Where(IsNaN(f), *so.Fill, f)
	}
	return f.AsType(dt, pol)
}

// Unpack is the lazy form of ScaleOffset.Unpack: stored*Scale + Offset as dt.
// With so.Fill set, stored values equal to *so.Fill become NaN (dt must be
// a float type: an errored array otherwise).
func (a *Array) Unpack(so block.ScaleOffset, dt block.DType) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	if so.Fill != nil && !dt.IsFloat() {
		return Errored(fmt.Errorf("ndarray.Unpack: %w: a fill value into %s (NaN needs a float type)", block.ErrOverflow, dt))
	}
	f := Mul(a.AsType(block.Float64, block.OverflowWrap), so.Scale)
	if so.Offset != 0 {
		f = Add(f, so.Offset)
	}
	if so.Fill != nil {
		f = Where(Equal(a, *so.Fill), math.NaN(), f)
	}
	return f.AsType(dt, block.OverflowError)
}

// Add is the method form of [Add] for chaining: a.Add(y) is Add(a, y).
func (a *Array) Add(y any) *Array { return Add(a, y) }

// Sub is the method form of [Sub]: a.Sub(y) is Sub(a, y).
func (a *Array) Sub(y any) *Array { return Sub(a, y) }

// Mul is the method form of [Mul]: a.Mul(y) is Mul(a, y).
func (a *Array) Mul(y any) *Array { return Mul(a, y) }

// Div is the method form of [Div]: a.Div(y) is Div(a, y).
func (a *Array) Div(y any) *Array { return Div(a, y) }

// Pow is the method form of [Pow]: a.Pow(y) is Pow(a, y).
func (a *Array) Pow(y any) *Array { return Pow(a, y) }

// unifyOperand rechunks a rigid operand whose chunks differ from the
// result's on a non-broadcast axis; generators adapt by themselves.
func unifyOperand(x *Array, shape []int, grid *chunk.Grid) (*Array, error) {
	if x.layer == nil && (x.expr == nil || !x.expr.rigid) {
		return x, nil
	}
	s := x.grid.Shape()
	off := len(shape) - len(s)
	target := x.grid.Axes()
	same := true
	for a := range s {
		if s[a] != shape[off+a] {
			continue
		}
		if c := grid.Axis(off + a); !c.Equal(target[a]) {
			target[a] = c
			same = false
		}
	}
	if same {
		return x, nil
	}
	g, err := chunk.NewGridAxes(target)
	if err != nil {
		return nil, err
	}
	r := x.rechunkTo(g)
	return r, r.err
}
