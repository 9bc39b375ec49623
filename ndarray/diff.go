package ndarray

import (
	"errors"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// ErrDiffOrder reports a negative order n given to Diff.
var ErrDiffOrder = errors.New("ndarray: diff order must be non-negative")

// ErrGradient reports a Gradient that numpy refuses too: an axis of fewer
// than two elements, or coordinates whose length is not the axis length.
var ErrGradient = fmt.Errorf("%w: gradient needs at least two elements and one coordinate per element", block.ErrShape)

// alongAxis is the index expression selecting it on axis and everything
// elsewhere.
func alongAxis(rank, axis int, it Index) []Index {
	items := make([]Index, rank)
	for d := range items {
		items[d] = All()
	}
	items[axis] = it
	return items
}

func diffAxis(where string, a *Array, axis int) (int, error) {
	r := a.Rank()
	if r == 0 {
		return 0, fmt.Errorf("%s: %w: a rank-0 array has no axis", where, ErrAxis)
	}
	if axis < -r || axis >= r {
		return 0, fmt.Errorf("%s: %w: axis %d for an array of rank %d", where, ErrAxis, axis, r)
	}
	if axis < 0 {
		axis += r
	}
	return axis, nil
}

// Diff is numpy's diff: the n-th discrete difference along axis (negative
// counts from the end), out[i] = a[i+1] - a[i] applied n times, so the
// axis shrinks by n (to 0 when n is at least its length). The dtype is
// a's (integers wrap); for bool arrays the difference is a[i+1] != a[i],
// as numpy computes it. n == 0 returns a.
//
// Each difference is two slices of a and one fused subtraction, so blocks
// are never materialised beyond what a's recipe holds; output blocks
// follow a's block boundaries. Errors on the returned array: ErrDiffOrder
// for n < 0, ErrAxis for an axis out of range (or a rank-0 array).
func Diff(a *Array, n, axis int) *Array {
	if a == nil || a.err != nil {
		if a == nil {
			return Errored(fmt.Errorf("%w: nil *Array", ErrOperand))
		}
		return a
	}
	ax, err := diffAxis("ndarray.Diff", a, axis)
	if err != nil {
		return Errored(err)
	}
	if n < 0 {
		return Errored(fmt.Errorf("ndarray.Diff: %w: n = %d", ErrDiffOrder, n))
	}
	out := a
	r := a.Rank()
	for range n {
		if out.grid.Shape()[ax] == 0 {
			break
		}
		hi := out.Index(alongAxis(r, ax, Sl(1, None, 1))...)
		lo := out.Index(alongAxis(r, ax, Sl(None, -1, 1))...)
		if a.dtype == block.Bool {
			out = NotEqual(hi, lo)
		} else {
			out = Sub(hi, lo)
		}
		if out.err != nil {
			return Errored(fmt.Errorf("ndarray.Diff: %w", out.err))
		}
	}
	return out
}

// Spacing is the sample spacing of Gradient along its axis: a uniform
// step (UniformSpacing; the zero Spacing is a step of 1) or the
// coordinate of every sample (CoordSpacing).
type Spacing struct {
	h      float64
	coords []float64
	set    bool
}

// UniformSpacing is a constant step h between samples (numpy's scalar
// varargs).
func UniformSpacing(h float64) Spacing { return Spacing{h: h, set: true} }

// CoordSpacing gives the coordinate of each sample along the axis
// (numpy's array varargs); it needs one per element. The slice is
// copied.
func CoordSpacing(coords []float64) Spacing {
	return Spacing{coords: append([]float64{}, coords...), set: true}
}

// Gradient is numpy's gradient along one axis with edge_order=1: second
// order central differences inside, (a[i+1]-a[i-1])/(2h) for a uniform
// step h (and numpy's three-point weights for coordinates), and first
// differences at both ends. Float arrays keep their dtype; integer arrays
// are converted to float64 first, as numpy does. The result has a's shape;
// along axis its chunks are an edge chunk of one element at each end and
// the interior between.
//
// Errors on the returned array: ErrAxis for an axis out of range,
// ErrGradient for an axis of fewer than 2 elements or coordinates of the
// wrong length, ErrOpDType for bool and other non-numeric dtypes.
func Gradient(a *Array, axis int, spacing Spacing) *Array {
	if a == nil || a.err != nil {
		if a == nil {
			return Errored(fmt.Errorf("%w: nil *Array", ErrOperand))
		}
		return a
	}
	ax, err := diffAxis("ndarray.Gradient", a, axis)
	if err != nil {
		return Errored(err)
	}
	n := a.grid.Shape()[ax]
	if n < 2 {
		return Errored(fmt.Errorf("ndarray.Gradient: %w: axis %d has %d elements", ErrGradient, ax, n))
	}
	f := a
	switch dt := a.dtype; {
	case dt == block.Float32 || dt == block.Float64:
	case dt.IsInt() || dt.IsUnsigned():
		f = a.AsType(block.Float64, block.OverflowError)
	default:
		return Errored(fmt.Errorf("ndarray.Gradient: %w: %s", ErrOpDType, dt))
	}
	r := a.Rank()
	sl := func(lo, hi int) *Array { return f.Index(alongAxis(r, ax, Sl(lo, hi, 1))...) }
	var first, last, inner *Array
	if spacing.coords == nil {
		h := 1.0
		if spacing.set {
			h = spacing.h
		}
		first = Div(Sub(sl(1, 2), sl(0, 1)), h)
		last = Div(Sub(sl(n-1, n), sl(n-2, n-1)), h)
		inner = Div(Sub(sl(2, n), sl(0, n-2)), 2*h)
	} else {
		x := spacing.coords
		if len(x) != n {
			return Errored(fmt.Errorf("ndarray.Gradient: %w: %d coordinates for axis %d of %d elements", ErrGradient, len(x), ax, n))
		}
		dx := make([]float64, n-1)
		for i := range dx {
			dx[i] = x[i+1] - x[i]
		}
		first = Div(Sub(sl(1, 2), sl(0, 1)), dx[0])
		last = Div(Sub(sl(n-1, n), sl(n-2, n-1)), dx[n-2])
		if n > 2 {
			ca, cb, cc := make([]float64, n-2), make([]float64, n-2), make([]float64, n-2)
			for i := range ca {
				d1, d2 := dx[i], dx[i+1]
				ca[i] = -d2 / (d1 * (d1 + d2))
				cb[i] = (d2 - d1) / (d1 * d2)
				cc[i] = d1 / (d2 * (d1 + d2))
			}
			coef := func(c []float64) *Array {
				shape := make([]int, r)
				for d := range shape {
					shape[d] = 1
				}
				shape[ax] = n - 2
				d, err := block.FromSlice(c, shape...)
				if err != nil {
					return Errored(err)
				}
				return FromDense(d, chunk.Uniform(math.MaxInt32))
			}
			inner = Add(Add(Mul(coef(ca), sl(0, n-2)), Mul(coef(cb), sl(1, n-1))), Mul(coef(cc), sl(2, n)))
		} else {
			inner = sl(1, 1) // empty
		}
		if inner.err == nil && inner.dtype != f.dtype {
			inner = inner.AsType(f.dtype, block.OverflowWrap)
		}
	}
	for _, p := range []*Array{first, last, inner} {
		if p.err != nil {
			return Errored(fmt.Errorf("ndarray.Gradient: %w", p.err))
		}
	}
	return Concatenate([]*Array{first, inner, last}, ax)
}
