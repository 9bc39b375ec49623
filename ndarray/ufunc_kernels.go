package ndarray

import (
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
)

// checkUfunc validates the dtype of a ufunc instruction whose operands
// checkOp found to match it.
func checkUfunc(ins *instr) error {
	switch {
	case floatOnlyOp(ins.Op) && !ins.DType.IsFloat():
		return fmt.Errorf("%w: %s on %s", ErrOpDType, ins.Op, ins.DType)
	case intOnlyOp(ins.Op) && !ins.DType.IsInt():
		return fmt.Errorf("%w: %s on %s", ErrOpDType, ins.Op, ins.DType)
	case ins.Op == opNanToNum && len(ins.F) != 3:
		return fmt.Errorf("nan_to_num needs 3 replacement values, got %d", len(ins.F))
	}
	return nil
}

// isInf sets o[j] to whether a[j] is ±Inf; integers never are.
func isInf(o []bool, a any) {
	switch x := a.(type) {
	case []float64:
		for j := range o {
			o[j] = math.IsInf(x[j], 0)
		}
	case []float32:
		for j := range o {
			o[j] = math.IsInf(float64(x[j]), 0)
		}
	default:
		clear(o)
	}
}

// intUfunc2 evaluates a binary ufunc over integers as numpy does on x86:
// division by zero gives 0, shifts out of range give 0 (or -1 for a
// negative value shifted right).
func intUfunc2[T block.Integer](op string, o, a, b []T) error {
	switch op {
	case opBitAnd:
		for j := range o {
			o[j] = a[j] & b[j]
		}
	case opBitOr:
		for j := range o {
			o[j] = a[j] | b[j]
		}
	case opBitXor:
		for j := range o {
			o[j] = a[j] ^ b[j]
		}
	case opLShift:
		// A negative count converts to a huge one, which Go shifts to 0,
		// as numpy's npy_lshift does.
		for j := range o {
			o[j] = a[j] << uint64(b[j])
		}
	case opRShift:
		// Go's >> of a huge count gives 0, or -1 for negative signed
		// values: numpy's npy_rshift.
		for j := range o {
			o[j] = a[j] >> uint64(b[j])
		}
	case opFloorDiv:
		for j := range o {
			x, y := a[j], b[j]
			if y == 0 {
				o[j] = 0
				continue
			}
			q := x / y // the most negative / -1 wraps to itself, as numpy
			if x%y != 0 && (x < 0) != (y < 0) {
				q--
			}
			o[j] = q
		}
	case opMod:
		for j := range o {
			x, y := a[j], b[j]
			if y == 0 {
				o[j] = 0
				continue
			}
			r := x % y
			if r != 0 && (r < 0) != (y < 0) {
				r += y
			}
			o[j] = r
		}
	case opFmod:
		for j := range o {
			if b[j] == 0 {
				o[j] = 0
			} else {
				o[j] = a[j] % b[j]
			}
		}
	case opFmin:
		for j := range o {
			o[j] = min(a[j], b[j])
		}
	case opFmax:
		for j := range o {
			o[j] = max(a[j], b[j])
		}
	default:
		return fmt.Errorf("%w: %s on integers", ErrOpDType, op)
	}
	return nil
}

// intUfunc1 evaluates a unary ufunc over integers.
func intUfunc1[T block.Integer](op string, o, a []T) error {
	switch op {
	case opInvert:
		for j := range o {
			o[j] = ^a[j]
		}
	case opSquare:
		for j := range o {
			o[j] = a[j] * a[j]
		}
	case opSign:
		for j := range o {
			switch x := a[j]; {
			case x > 0:
				o[j] = 1
			case x < 0:
				o[j] = 0
				o[j]-- // -1, written so that it compiles for unsigned T
			default:
				o[j] = 0
			}
		}
	case opTrunc:
		copy(o, a)
	default:
		return fmt.Errorf("%w: %s on integers", ErrOpDType, op)
	}
	return nil
}

// divmod is numpy's npy_divmod in T's precision: the floor quotient and
// the remainder with the divisor's sign, for b != 0.
func divmod[T block.Float](a, b T) (T, T) {
	mod := T(math.Mod(float64(a), float64(b))) // exact in any precision
	div := (a - mod) / b
	if mod != 0 {
		if (b < 0) != (mod < 0) {
			mod += b
			div -= 1
		}
	} else {
		mod = T(math.Copysign(0, float64(b)))
	}
	var floordiv T
	if div != 0 {
		floordiv = T(math.Floor(float64(div)))
		if div-floordiv > 0.5 {
			floordiv += 1
		}
	} else {
		floordiv = T(math.Copysign(0, float64(a/b)))
	}
	return floordiv, mod
}

// floatUfunc2 evaluates a binary ufunc over floats in T's precision.
func floatUfunc2[T block.Float](op string, o, a, b []T) error {
	switch op {
	case opArctan2:
		for j := range o {
			o[j] = T(math.Atan2(float64(a[j]), float64(b[j])))
		}
	case opHypot:
		for j := range o {
			o[j] = T(math.Hypot(float64(a[j]), float64(b[j])))
		}
	case opFmod:
		for j := range o {
			o[j] = T(math.Mod(float64(a[j]), float64(b[j])))
		}
	case opMod:
		for j := range o {
			if b[j] == 0 {
				o[j] = T(math.Mod(float64(a[j]), 0)) // NaN
				continue
			}
			_, o[j] = divmod(a[j], b[j])
		}
	case opFloorDiv:
		for j := range o {
			if b[j] == 0 {
				o[j] = a[j] / b[j]
				continue
			}
			o[j], _ = divmod(a[j], b[j])
		}
	case opFmin:
		for j := range o {
			x, y := a[j], b[j]
			if x < y || y != y { // ties take y: fmin(0, -0) is -0, as numpy
				o[j] = x
			} else {
				o[j] = y
			}
		}
	case opFmax:
		for j := range o {
			x, y := a[j], b[j]
			if x > y || y != y { // ties take y, as Fmin
				o[j] = x
			} else {
				o[j] = y
			}
		}
	default:
		return fmt.Errorf("ndarray: unknown binary op %q", op)
	}
	return nil
}

// floatUfunc1 evaluates a unary ufunc over floats in T's precision.
func floatUfunc1[T block.Float](ins *instr, o, a []T) error {
	var f func(float64) float64
	switch ins.Op {
	case opSign:
		for j := range o {
			switch x := a[j]; {
			case x > 0:
				o[j] = 1
			case x < 0:
				o[j] = -1
			case x == 0:
				o[j] = 0
			default:
				o[j] = x // NaN
			}
		}
		return nil
	case opSquare:
		for j := range o {
			o[j] = a[j] * a[j]
		}
		return nil
	case "deg2rad", "rad2deg":
		// numpy's npy_deg2rad: x * (π/180) with the constant in T's
		// precision (NPY_PIf/180.0f for float32).
		pi, d := T(math.Pi), T(180)
		c := pi / d
		if ins.Op == "rad2deg" {
			c = d / pi
		}
		for j := range o {
			o[j] = a[j] * c
		}
		return nil
	case opNanToNum:
		nan, pinf, ninf := T(ins.F[0]), T(ins.F[1]), T(ins.F[2])
		for j := range o {
			switch x := a[j]; {
			case x != x:
				o[j] = nan
			case math.IsInf(float64(x), 1):
				o[j] = pinf
			case math.IsInf(float64(x), -1):
				o[j] = ninf
			default:
				o[j] = x
			}
		}
		return nil
	case opTrunc:
		f = math.Trunc
	case "arcsin":
		f = math.Asin
	case "arccos":
		f = math.Acos
	case "arctan":
		f = math.Atan
	case "sinh":
		f = math.Sinh
	case "cosh":
		f = math.Cosh
	case "tanh":
		f = math.Tanh
	case "log2":
		f = math.Log2
	case "exp2":
		f = math.Exp2
	default:
		return fmt.Errorf("ndarray: unknown unary op %q", ins.Op)
	}
	for j := range o {
		o[j] = T(f(float64(a[j])))
	}
	return nil
}
