package ndarray

import (
	"errors"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
)

// opArity is the number of arguments of each combining op.
var opArity = map[string]int{
	opAdd: 2, opSub: 2, opMul: 2, opDiv: 2, opPow: 2, opMax: 2, opMin: 2,
	opEq: 2, opNe: 2, opLt: 2, opLe: 2, opGt: 2, opGe: 2, opAnd: 2, opOr: 2, opXor: 2,
	"neg": 1, "abs": 1, "sqrt": 1, "exp": 1, "log": 1, "log10": 1, "log1p": 1, "expm1": 1,
	"sin": 1, "cos": 1, "tan": 1, "floor": 1, "ceil": 1, "round": 1,
	"isnan": 1, "isfinite": 1, "not": 1, "astype": 1, "clip": 1, "where": 3,
	opTimeAdd: 2, opTimeSub: 2,
}

// The datetime arithmetic ops, on int64 counts of one unit with NaT
// propagating: tadd is datetime + timedelta (either order) or timedelta +
// timedelta, tsub datetime - datetime, datetime - timedelta or timedelta -
// timedelta (numpy's rules; the result dtype is the instruction's).
const (
	opTimeAdd = "tadd"
	opTimeSub = "tsub"
)

// timeResult is numpy's result dtype of a op b for time dtypes of one
// unit, or 0 when numpy refuses the pair (datetime + datetime, timedelta -
// datetime, different units).
func timeResult(op string, a, b block.DType) block.DType {
	ua, oka := a.Unit()
	ub, okb := b.Unit()
	if !oka || !okb || ua != ub {
		return 0
	}
	td := block.TimeDelta64(ua)
	switch {
	case op == opAdd && a.IsDateTime() && b.IsTimeDelta():
		return a
	case op == opAdd && a.IsTimeDelta() && b.IsDateTime():
		return b
	case op == opAdd && a.IsTimeDelta() && b.IsTimeDelta():
		return td
	case op == opSub && a.IsDateTime() && b.IsDateTime():
		return td
	case op == opSub && a.IsDateTime() && b.IsTimeDelta():
		return a
	case op == opSub && a.IsTimeDelta() && b.IsTimeDelta():
		return td
	}
	return 0
}

// checkOp validates a combining instruction against the program, so that a
// malformed (or maliciously crafted) kernel is an error, never a panic.
func checkOp(ins *instr, prog []instr) error {
	n, ok := opArity[ins.Op]
	if !ok {
		return fmt.Errorf("unknown op %q", ins.Op)
	}
	if len(ins.Args) != n {
		return fmt.Errorf("%s takes %d arguments, got %d", ins.Op, n, len(ins.Args))
	}
	arg := func(j int) block.DType { return prog[ins.Args[j]].DType }
	switch ins.Op {
	case opTimeAdd, opTimeSub:
		op := opAdd
		if ins.Op == opTimeSub {
			op = opSub
		}
		if r := timeResult(op, arg(0), arg(1)); r == 0 || r != ins.DType {
			return fmt.Errorf("%s on %s and %s into %s", ins.Op, arg(0), arg(1), ins.DType)
		}
	case opEq, opNe, opLt, opLe, opGt, opGe:
		if arg(0) != arg(1) || ins.DType != block.Bool || arg(0) == block.Bool {
			return fmt.Errorf("%s on %s and %s into %s", ins.Op, arg(0), arg(1), ins.DType)
		}
	case opAnd, opOr, opXor:
		if arg(0) != block.Bool || arg(1) != block.Bool || ins.DType != block.Bool {
			return fmt.Errorf("%s needs bool operands", ins.Op)
		}
	case "isnan", "isfinite", opIsInf:
		if ins.DType != block.Bool {
			return fmt.Errorf("%s gives bool", ins.Op)
		}
	case "not":
		if arg(0) != block.Bool || ins.DType != block.Bool {
			return fmt.Errorf("not needs bool")
		}
	case "astype":
	case "where":
		if arg(0) != block.Bool || arg(1) != ins.DType || arg(2) != ins.DType {
			return fmt.Errorf("where(%s, %s, %s) into %s", arg(0), arg(1), arg(2), ins.DType)
		}
	case "clip":
		if len(ins.F) != 2 || arg(0) != ins.DType {
			return fmt.Errorf("clip needs 2 bounds and a %s operand", ins.DType)
		}
	default:
		for j := range ins.Args {
			if arg(j) != ins.DType {
				return fmt.Errorf("%s operand %d is %s, result %s", ins.Op, j, arg(j), ins.DType)
			}
		}
		if ins.DType == block.Bool && ins.Op != opAdd && ins.Op != opMul && ins.Op != opMax && ins.Op != opMin {
			return fmt.Errorf("%w: %s on bool", ErrOpDType, ins.Op)
		}
		if err := checkUfunc(ins); err != nil {
			return err
		}
	}
	return nil
}

// ErrNegativePower reports an integer raised to a negative integer power,
// which numpy refuses too.
var ErrNegativePower = errors.New("ndarray: integers to negative integer powers are not allowed")

// applyOp evaluates one combining instruction into buf, whose element
// kernels are ek; aek are the kernels of the first argument's dtype (nil
// for none), which comparisons and classifications use, so that a
// datetime64 argument (int64 storage) compares by its own rules.
func applyOp(ins *instr, ek, aek elemKernels, buf any, args []any) error {
	if aek == nil && len(args) > 0 {
		aek = elemKernelsOf(mustSliceDType(args[0]))
	}
	switch ins.Op {
	case "astype":
		if bad := block.CastSlice(buf, args[0], ins.Pol); bad >= 0 {
			from, _ := block.SliceDType(args[0])
			ce := &block.CastError{From: from, To: ins.DType, Index: []int{bad}}
			switch v := args[0].(type) {
			case []complex64:
				ce.Value = float64(real(v[bad]))
			case []complex128:
				ce.Value = real(v[bad])
			default:
				ce.Value = block.SliceFloat64(args[0], bad)
			}
			return ce
		}
		return nil
	case opEq, opNe, opLt, opLe, opGt, opGe:
		return aek.compare(ins.Op, buf.([]bool), args[0], args[1])
	case opAnd, opOr, opXor:
		a, b, o := args[0].([]bool), args[1].([]bool), buf.([]bool)
		for j := range o {
			switch ins.Op {
			case opAnd:
				o[j] = a[j] && b[j]
			case opOr:
				o[j] = a[j] || b[j]
			default:
				o[j] = a[j] != b[j]
			}
		}
		return nil
	case "not":
		a, o := args[0].([]bool), buf.([]bool)
		for j := range o {
			o[j] = !a[j]
		}
		return nil
	case "isnan", "isfinite":
		aek.classify(ins.Op == "isnan", buf.([]bool), args[0])
		return nil
	case opIsInf:
		isInf(buf.([]bool), args[0])
		return nil
	case "where":
		ek.where(buf, args[0].([]bool), args[1], args[2])
		return nil
	}
	return ek.arith(ins, buf, args)
}

// mustSliceDType is the dtype of a tile buffer, which is always a typed
// element slice.
func mustSliceDType(s any) block.DType {
	dt, ok := block.SliceDType(s)
	if !ok {
		panic(fmt.Sprintf("ndarray: tile buffer %T is not an element slice", s))
	}
	return dt
}

// elemKernels are the dtype-specific loops of the fused evaluator, each
// written once as a generic function and instantiated per element type;
// the evaluator picks one set per program step, so no loop switches on
// the element type. Buffers are typed element slices held as any, of the
// kernels' element type.
type elemKernels interface {
	// slice returns buf[start:start+n].
	slice(buf any, start, n int) any
	// copyInto copies src into dst at offset off.
	copyInto(dst any, off int, src any)
	// gather sets dst[off+j] = src[base+j*step] for j < w.
	gather(dst any, off int, src any, base, step int64, w int)
	// where sets o[j] to a[j] where c[j], else b[j].
	where(o any, c []bool, a, b any)
	// compare sets o[j] to a[j] op b[j] for a comparison op.
	compare(op string, o []bool, a, b any) error
	// classify sets o[j] to isnan(a[j]) (nan) or isfinite(a[j]).
	classify(nan bool, o []bool, a any)
	// arith evaluates an arithmetic or math instruction into o.
	arith(ins *instr, o any, args []any) error
}

// elemKernelsOf returns the kernels of dt, which must be valid.
func elemKernelsOf(dt block.DType) elemKernels {
	switch dt {
	case block.Bool:
		return boolKernels{}
	case block.Int8:
		return intKernels[int8]{}
	case block.Int16:
		return intKernels[int16]{}
	case block.Int32:
		return intKernels[int32]{}
	case block.Int64:
		return intKernels[int64]{}
	case block.Uint8:
		return intKernels[uint8]{}
	case block.Uint16:
		return intKernels[uint16]{}
	case block.Uint32:
		return intKernels[uint32]{}
	case block.Uint64:
		return intKernels[uint64]{}
	case block.Float32:
		return floatKernels[float32]{}
	case block.Float64:
		return floatKernels[float64]{}
	case block.Float16:
		return opaqueKernels[block.Half]{}
	case block.Complex64:
		return opaqueKernels[complex64]{}
	case block.Complex128:
		return opaqueKernels[complex128]{}
	case block.String:
		return opaqueKernels[string]{}
	}
	if dt.IsTime() {
		return timeKernels{}
	}
	panic(fmt.Sprintf("ndarray: invalid dtype %d", uint8(dt)))
}

// elems are the kernels every element type shares.
type elems[T block.Elem] struct{}

func (elems[T]) slice(buf any, start, n int) any { return buf.([]T)[start : start+n] }

func (elems[T]) copyInto(dst any, off int, src any) {
	s := src.([]T)
	copy(dst.([]T)[off:off+len(s)], s)
}

func (elems[T]) gather(dst any, off int, src any, base, step int64, w int) {
	seg, from := dst.([]T)[off:off+w], src.([]T)
	switch step {
	case 1:
		copy(seg, from[base:base+int64(w)])
	case 0:
		v := from[base]
		for j := range seg {
			seg[j] = v
		}
	default:
		for j := range seg {
			seg[j] = from[base+int64(j)*step]
		}
	}
}

func (elems[T]) where(o any, c []bool, a, b any) {
	out, x, y := o.([]T), a.([]T), b.([]T)
	for j := range out {
		if c[j] {
			out[j] = x[j]
		} else {
			out[j] = y[j]
		}
	}
}

// numbers are the kernels of the ordered (non-bool) element types.
type numbers[T block.Number] struct{ elems[T] }

func (numbers[T]) compare(op string, o []bool, a, b any) error {
	x, y := a.([]T), b.([]T)
	switch op {
	case opEq:
		for j := range o {
			o[j] = x[j] == y[j]
		}
	case opNe:
		for j := range o {
			o[j] = x[j] != y[j]
		}
	case opLt:
		for j := range o {
			o[j] = x[j] < y[j]
		}
	case opLe:
		for j := range o {
			o[j] = x[j] <= y[j]
		}
	case opGt:
		for j := range o {
			o[j] = x[j] > y[j]
		}
	case opGe:
		for j := range o {
			o[j] = x[j] >= y[j]
		}
	default:
		return fmt.Errorf("ndarray: unknown comparison %q", op)
	}
	return nil
}

// classify of an integer: never NaN, always finite.
func (numbers[T]) classify(nan bool, o []bool, _ any) {
	for j := range o {
		o[j] = !nan
	}
}

// boolKernels are the kernels of bool: Add and Maximum are logical or, Mul
// and Minimum logical and; nothing else is defined (checkOp refuses it).
type boolKernels struct{ elems[bool] }

func (boolKernels) compare(op string, _ []bool, _, _ any) error {
	return fmt.Errorf("%w: %s on bool", ErrOpDType, op)
}

func (boolKernels) classify(nan bool, o []bool, _ any) {
	for j := range o {
		o[j] = !nan
	}
}

func (boolKernels) arith(ins *instr, buf any, args []any) error {
	if len(args) != 2 {
		return fmt.Errorf("%w: %s on bool", ErrOpDType, ins.Op)
	}
	a, b, o := args[0].([]bool), args[1].([]bool), buf.([]bool)
	switch ins.Op {
	case opAdd, opMax:
		for j := range o {
			o[j] = a[j] || b[j]
		}
	case opMul, opMin:
		for j := range o {
			o[j] = a[j] && b[j]
		}
	default:
		return fmt.Errorf("%w: %s on bool", ErrOpDType, ins.Op)
	}
	return nil
}

// floatKernels are the kernels of float32 and float64.
type floatKernels[T block.Float] struct{ numbers[T] }

func (floatKernels[T]) classify(nan bool, o []bool, a any) {
	x := a.([]T)
	for j := range o {
		f := float64(x[j])
		if nan {
			o[j] = f != f
		} else {
			o[j] = f == f && !math.IsInf(f, 0)
		}
	}
}

func (floatKernels[T]) arith(ins *instr, buf any, args []any) error {
	return floatOp(ins, buf.([]T), args)
}

// intKernels are the kernels of the signed and unsigned integers.
type intKernels[T block.Integer] struct{ numbers[T] }

func (intKernels[T]) arith(ins *instr, buf any, args []any) error {
	return intOp(ins, buf.([]T), args)
}

// ringOp evaluates the operations that read the same for every number
// type (integers wrap, as numpy's do) and reports whether op was one.
func ringOp[T block.Number](op string, o, a, b []T) bool {
	switch op {
	case opAdd:
		for j := range o {
			o[j] = a[j] + b[j]
		}
	case opSub:
		for j := range o {
			o[j] = a[j] - b[j]
		}
	case opMul:
		for j := range o {
			o[j] = a[j] * b[j]
		}
	default:
		return false
	}
	return true
}

// floatOp evaluates an arithmetic or math instruction over floats. NaN
// propagates through Maximum and Minimum, as in numpy.
func floatOp[T block.Float](ins *instr, o []T, args []any) error {
	a := args[0].([]T)
	if len(args) == 2 {
		b := args[1].([]T)
		if ringOp(ins.Op, o, a, b) {
			return nil
		}
		switch ins.Op {
		case opDiv:
			for j := range o {
				o[j] = a[j] / b[j]
			}
		case opPow:
			for j := range o {
				o[j] = T(math.Pow(float64(a[j]), float64(b[j])))
			}
		case opMax:
			for j := range o {
				x, y := a[j], b[j]
				if x != x || x > y {
					o[j] = x
				} else {
					o[j] = y
				}
			}
		case opMin:
			for j := range o {
				x, y := a[j], b[j]
				if x != x || x < y {
					o[j] = x
				} else {
					o[j] = y
				}
			}
		default:
			return floatUfunc2(ins.Op, o, a, b)
		}
		return nil
	}
	var f func(float64) float64
	switch ins.Op {
	case "neg":
		for j := range o {
			o[j] = -a[j]
		}
		return nil
	case "abs":
		f = math.Abs
	case "sqrt":
		f = math.Sqrt
	case "exp":
		f = math.Exp
	case "log":
		f = math.Log
	case "log10":
		f = math.Log10
	case "log1p":
		f = math.Log1p
	case "expm1":
		f = math.Expm1
	case "sin":
		f = math.Sin
	case "cos":
		f = math.Cos
	case "tan":
		f = math.Tan
	case "floor":
		f = math.Floor
	case "ceil":
		f = math.Ceil
	case "round":
		f = math.RoundToEven
	case "clip":
		lo, hi := ins.F[0], ins.F[1]
		for j := range o {
			x := float64(a[j])
			if x < lo {
				x = lo
			} else if x > hi {
				x = hi
			}
			o[j] = T(x)
		}
		return nil
	default:
		return floatUfunc1(ins, o, a)
	}
	for j := range o {
		o[j] = T(f(float64(a[j])))
	}
	return nil
}

// intOp evaluates an arithmetic instruction over integers, wrapping on
// overflow as numpy does.
func intOp[T block.Integer](ins *instr, o []T, args []any) error {
	a := args[0].([]T)
	if len(args) == 2 {
		b := args[1].([]T)
		if ringOp(ins.Op, o, a, b) {
			return nil
		}
		switch ins.Op {
		case opPow:
			for j := range o {
				e := b[j]
				if e < 0 {
					return ErrNegativePower
				}
				r, x := T(1), a[j]
				for e > 0 {
					if e&1 == 1 {
						r *= x
					}
					x *= x
					e >>= 1
				}
				o[j] = r
			}
		case opMax:
			for j := range o {
				o[j] = max(a[j], b[j])
			}
		case opMin:
			for j := range o {
				o[j] = min(a[j], b[j])
			}
		default:
			return intUfunc2(ins.Op, o, a, b)
		}
		return nil
	}
	switch ins.Op {
	case "neg":
		for j := range o {
			o[j] = -a[j]
		}
	case "abs":
		for j := range o {
			if a[j] < 0 {
				o[j] = -a[j]
			} else {
				o[j] = a[j]
			}
		}
	case "floor", "ceil", "round":
		copy(o, a)
	case "clip":
		lo, hi := ins.F[0], ins.F[1]
		for j := range o {
			x := a[j]
			if float64(x) < lo {
				x = T(math.Ceil(lo))
			} else if float64(x) > hi {
				x = T(math.Floor(hi))
			}
			o[j] = x
		}
	default:
		return intUfunc1(ins.Op, o, a)
	}
	return nil
}

// opaqueKernels are the kernels of the dtypes that are held and moved but
// not computed on (float16, complex, string): copies, gathers and where
// work, everything else is ErrOpDType (the builders refuse it first).
type opaqueKernels[T block.Elem] struct{ elems[T] }

func (opaqueKernels[T]) compare(op string, _ []bool, _, _ any) error {
	return fmt.Errorf("%w: %s on %s", ErrOpDType, op, block.DTypeOf[T]())
}

func (opaqueKernels[T]) classify(nan bool, _ []bool, _ any) {}

func (opaqueKernels[T]) arith(ins *instr, _ any, _ []any) error {
	return fmt.Errorf("%w: %s on %s", ErrOpDType, ins.Op, ins.DType)
}

// timeKernels are the kernels of datetime64 and timedelta64 (int64
// counts): comparisons follow numpy's NaT rule (every comparison with NaT
// is false but !=, which is true); arithmetic is refused.
type timeKernels struct{ elems[int64] }

func (timeKernels) compare(op string, o []bool, a, b any) error {
	x, y := a.([]int64), b.([]int64)
	var f func(p, q int64) bool
	switch op {
	case opEq:
		f = func(p, q int64) bool { return p == q }
	case opNe:
		f = func(p, q int64) bool { return p != q }
	case opLt:
		f = func(p, q int64) bool { return p < q }
	case opLe:
		f = func(p, q int64) bool { return p <= q }
	case opGt:
		f = func(p, q int64) bool { return p > q }
	case opGe:
		f = func(p, q int64) bool { return p >= q }
	default:
		return fmt.Errorf("ndarray: unknown comparison %q", op)
	}
	for j := range o {
		if x[j] == block.NaT || y[j] == block.NaT {
			o[j] = op == opNe
			continue
		}
		o[j] = f(x[j], y[j])
	}
	return nil
}

func (timeKernels) classify(nan bool, o []bool, a any) {
	x := a.([]int64)
	for j := range o {
		o[j] = (x[j] == block.NaT) == nan
	}
}

func (timeKernels) arith(ins *instr, buf any, args []any) error {
	if (ins.Op != opTimeAdd && ins.Op != opTimeSub) || len(args) != 2 {
		return fmt.Errorf("%w: %s on %s", ErrOpDType, ins.Op, ins.DType)
	}
	o, x, y := buf.([]int64), args[0].([]int64), args[1].([]int64)
	for j := range o {
		switch {
		case x[j] == block.NaT || y[j] == block.NaT:
			o[j] = block.NaT
		case ins.Op == opTimeAdd:
			o[j] = x[j] + y[j]
		default:
			o[j] = x[j] - y[j]
		}
	}
	return nil
}
