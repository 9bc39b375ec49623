package ndarray

import (
	"errors"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
)

var opArity = map[string]int{
	opAdd: 2, opSub: 2, opMul: 2, opDiv: 2, opPow: 2, opMax: 2, opMin: 2,
	opEq: 2, opNe: 2, opLt: 2, opLe: 2, opGt: 2, opGe: 2, opAnd: 2, opOr: 2, opXor: 2,
	"neg": 1, "abs": 1, "sqrt": 1, "exp": 1, "log": 1, "log10": 1, "log1p": 1, "expm1": 1,
	"sin": 1, "cos": 1, "tan": 1, "floor": 1, "ceil": 1, "round": 1,
	"isnan": 1, "isfinite": 1, "not": 1, "astype": 1, "clip": 1, "where": 3,
}

// checkOp validates a combining instruction against the program, so that a
// malformed (or maliciously crafted) kernel is an error, never a panic.
func checkOp(ins *Instr, prog []Instr) error {
	n, ok := opArity[ins.Op]
	if !ok {
		return fmt.Errorf("unknown op %q", ins.Op)
	}
	if len(ins.Args) != n {
		return fmt.Errorf("%s takes %d arguments, got %d", ins.Op, n, len(ins.Args))
	}
	arg := func(j int) block.DType { return prog[ins.Args[j]].DType }
	switch ins.Op {
	case opEq, opNe, opLt, opLe, opGt, opGe:
		if arg(0) != arg(1) || ins.DType != block.Bool || arg(0) == block.Bool {
			return fmt.Errorf("%s on %s and %s into %s", ins.Op, arg(0), arg(1), ins.DType)
		}
	case opAnd, opOr, opXor:
		if arg(0) != block.Bool || arg(1) != block.Bool || ins.DType != block.Bool {
			return fmt.Errorf("%s needs bool operands", ins.Op)
		}
	case "isnan", "isfinite":
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
		if !ins.DType.IsFloat() {
			switch ins.Op {
			case "sqrt", "exp", "log", "log10", "log1p", "expm1", "sin", "cos", "tan", opDiv:
				return fmt.Errorf("%w: %s on %s", ErrOpDType, ins.Op, ins.DType)
			}
		}
	}
	return nil
}

// ErrNegativePower reports an integer raised to a negative integer power.
var ErrNegativePower = errors.New("ndarray: integers to negative integer powers are not allowed")

// applyOp evaluates one combining instruction into buf.
func applyOp(ins *Instr, buf any, args []any) error {
	switch ins.Op {
	case "astype":
		if bad := block.CastSlice(buf, args[0], ins.Pol); bad >= 0 {
			from, _ := block.SliceDType(args[0])
			return &block.CastError{From: from, To: ins.DType, Index: []int{bad}, Value: block.SliceFloat64(args[0], bad)}
		}
		return nil
	case opEq, opNe, opLt, opLe, opGt, opGe:
		return compareAny(ins.Op, buf.([]bool), args[0], args[1])
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
		o := buf.([]bool)
		want := ins.Op == "isnan"
		switch a := args[0].(type) {
		case []float64:
			for j := range o {
				o[j] = (a[j] != a[j]) == want && (want || !math.IsInf(a[j], 0))
			}
		case []float32:
			for j := range o {
				f := float64(a[j])
				o[j] = (f != f) == want && (want || !math.IsInf(f, 0))
			}
		default:
			for j := range o {
				o[j] = !want
			}
		}
		return nil
	case "where":
		return whereAny(buf, args[0].([]bool), args[1], args[2])
	}
	switch o := buf.(type) {
	case []float64:
		return floatOp(ins, o, args)
	case []float32:
		return floatOp(ins, o, args)
	case []int8:
		return intOp(ins, o, args)
	case []int16:
		return intOp(ins, o, args)
	case []int32:
		return intOp(ins, o, args)
	case []int64:
		return intOp(ins, o, args)
	case []uint8:
		return intOp(ins, o, args)
	case []uint16:
		return intOp(ins, o, args)
	case []uint32:
		return intOp(ins, o, args)
	case []uint64:
		return intOp(ins, o, args)
	case []bool:
		a, b := args[0].([]bool), args[1].([]bool)
		for j := range o {
			if ins.Op == opAdd || ins.Op == opMax {
				o[j] = a[j] || b[j]
			} else {
				o[j] = a[j] && b[j]
			}
		}
		return nil
	}
	return fmt.Errorf("ndarray: %s on unsupported buffer", ins.Op)
}

func floatOp[T block.Float](ins *Instr, o []T, args []any) error {
	a := args[0].([]T)
	if len(args) == 2 {
		b := args[1].([]T)
		switch ins.Op {
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
			return fmt.Errorf("ndarray: unknown binary op %q", ins.Op)
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
		return fmt.Errorf("ndarray: unknown unary op %q", ins.Op)
	}
	for j := range o {
		o[j] = T(f(float64(a[j])))
	}
	return nil
}

func intOp[T block.Integer](ins *Instr, o []T, args []any) error {
	a := args[0].([]T)
	if len(args) == 2 {
		b := args[1].([]T)
		switch ins.Op {
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
			return fmt.Errorf("%w: %s on integers", ErrOpDType, ins.Op)
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
		return fmt.Errorf("%w: %s on integers", ErrOpDType, ins.Op)
	}
	return nil
}

type ordered interface{ block.Number }

func compareT[T ordered](op string, o []bool, a, b []T) {
	switch op {
	case opEq:
		for j := range o {
			o[j] = a[j] == b[j]
		}
	case opNe:
		for j := range o {
			o[j] = a[j] != b[j]
		}
	case opLt:
		for j := range o {
			o[j] = a[j] < b[j]
		}
	case opLe:
		for j := range o {
			o[j] = a[j] <= b[j]
		}
	case opGt:
		for j := range o {
			o[j] = a[j] > b[j]
		}
	case opGe:
		for j := range o {
			o[j] = a[j] >= b[j]
		}
	}
}

func compareAny(op string, o []bool, a, b any) error {
	switch x := a.(type) {
	case []int8:
		compareT(op, o, x, b.([]int8))
	case []int16:
		compareT(op, o, x, b.([]int16))
	case []int32:
		compareT(op, o, x, b.([]int32))
	case []int64:
		compareT(op, o, x, b.([]int64))
	case []uint8:
		compareT(op, o, x, b.([]uint8))
	case []uint16:
		compareT(op, o, x, b.([]uint16))
	case []uint32:
		compareT(op, o, x, b.([]uint32))
	case []uint64:
		compareT(op, o, x, b.([]uint64))
	case []float32:
		compareT(op, o, x, b.([]float32))
	case []float64:
		compareT(op, o, x, b.([]float64))
	default:
		return fmt.Errorf("ndarray: compare on %T", a)
	}
	return nil
}

func whereT[T block.Elem](o []T, c []bool, a, b []T) {
	for j := range o {
		if c[j] {
			o[j] = a[j]
		} else {
			o[j] = b[j]
		}
	}
}

func whereAny(o any, c []bool, a, b any) error {
	switch x := o.(type) {
	case []bool:
		whereT(x, c, a.([]bool), b.([]bool))
	case []int8:
		whereT(x, c, a.([]int8), b.([]int8))
	case []int16:
		whereT(x, c, a.([]int16), b.([]int16))
	case []int32:
		whereT(x, c, a.([]int32), b.([]int32))
	case []int64:
		whereT(x, c, a.([]int64), b.([]int64))
	case []uint8:
		whereT(x, c, a.([]uint8), b.([]uint8))
	case []uint16:
		whereT(x, c, a.([]uint16), b.([]uint16))
	case []uint32:
		whereT(x, c, a.([]uint32), b.([]uint32))
	case []uint64:
		whereT(x, c, a.([]uint64), b.([]uint64))
	case []float32:
		whereT(x, c, a.([]float32), b.([]float32))
	case []float64:
		whereT(x, c, a.([]float64), b.([]float64))
	default:
		return fmt.Errorf("ndarray: where into %T", o)
	}
	return nil
}
