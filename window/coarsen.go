package window

import (
	"fmt"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// Boundary says what Coarsen does with an axis whose length is not a
// multiple of its factor (xarray's boundary argument, side="left").
type Boundary uint8

const (
	// BoundaryExact refuses such an axis with ErrBoundary (xarray's
	// default, "exact").
	BoundaryExact Boundary = iota
	// BoundaryTrim drops the incomplete block at the axis's end ("trim").
	BoundaryTrim
	// BoundaryPad pads the axis's end with NaN to a whole block ("pad");
	// integer data is converted to float64 first, as xarray does.
	BoundaryPad
)

// String is xarray's name of the boundary.
func (b Boundary) String() string {
	switch b {
	case BoundaryExact:
		return "exact"
	case BoundaryTrim:
		return "trim"
	case BoundaryPad:
		return "pad"
	}
	return fmt.Sprintf("Boundary(%d)", uint8(b))
}

// CoarsenOptions configures Coarsen.
type CoarsenOptions struct {
	// Boundary handles lengths that are not multiples of the factor.
	Boundary Boundary
	// RechunkMemory bounds the memory per task of the rechunk that aligns
	// chunks to multiples of the factors (0: ndarray.DefaultRechunkMemory);
	// a plan that does not fit is ndarray.ErrRechunkMemory.
	RechunkMemory int64
}

// Coarsener is a blocked view of a lazy array, made by Coarsen; its
// methods are the reductions over each block of factor elements. A
// Coarsener that could not be made carries its error (Err, and the error
// of every array it makes). It is immutable and safe for concurrent use.
type Coarsener struct {
	a       *ndarray.Array // trimmed or padded, chunks aligned
	factors []int
	out     [][]int
	err     error
}

// Coarsen prepares xarray's coarsen: the axes named in factors (negative
// axes count from the end) are cut into consecutive blocks of factor
// elements, each reduced to one element; other axes are untouched. The
// input is first trimmed or padded as opts.Boundary says, then rechunked
// where a chunk is not a multiple of its axis's factor (to the multiple of
// the factor nearest the largest chunk, checked against the rechunk memory
// budget), so each output block is computed from one input block, per
// block, in bounded memory.
//
// Errors (on the Coarsener): ErrAxis for an axis outside the rank or given
// twice (as i and i-rank), ErrFactor for a factor below 1 or no factors,
// ErrBoundary for a length not a multiple of its factor under
// BoundaryExact (or an unknown boundary), ErrDType for non-real data.
func Coarsen(a *ndarray.Array, factors map[int]int, opts CoarsenOptions) *Coarsener {
	if a == nil {
		return &Coarsener{err: errorf(ErrParams, "nil array")}
	}
	if err := a.Err(); err != nil {
		return &Coarsener{err: err}
	}
	if err := checkReal(a.DType()); err != nil {
		return &Coarsener{err: fmt.Errorf("window.Coarsen: %w", err)}
	}
	if len(factors) == 0 {
		return &Coarsener{err: errorf(ErrFactor, "no axes to coarsen")}
	}
	r := a.Rank()
	f := make([]int, r)
	for i := range f {
		f[i] = 1
	}
	seen := make([]bool, r)
	axes := slices.Sorted(func(yield func(int) bool) {
		for ax := range factors {
			if !yield(ax) {
				return
			}
		}
	})
	for _, axis := range axes {
		ax := axis
		if ax < 0 {
			ax += r
		}
		if ax < 0 || ax >= r {
			return &Coarsener{err: errorf(ErrAxis, "coarsening axis %d of an array of rank %d", axis, r)}
		}
		if seen[ax] {
			return &Coarsener{err: errorf(ErrAxis, "axis %d given twice (as %d)", ax, axis)}
		}
		seen[ax] = true
		if factors[axis] < 1 {
			return &Coarsener{err: errorf(ErrFactor, "factor %d for axis %d (it must be at least 1)", factors[axis], ax)}
		}
		f[ax] = factors[axis]
	}
	if opts.Boundary > BoundaryPad {
		return &Coarsener{err: errorf(ErrBoundary, "unknown boundary %v", opts.Boundary)}
	}
	shape := a.Shape()
	idx := make([]ndarray.Index, r)
	widths := make([][2]int, r)
	trim, pad := false, false
	for d := range r {
		idx[d] = ndarray.All()
		rem := shape[d] % f[d]
		if rem == 0 {
			continue
		}
		switch opts.Boundary {
		case BoundaryExact:
			return &Coarsener{err: errorf(ErrBoundary, "axis %d has length %d, not a multiple of the factor %d (use BoundaryTrim or BoundaryPad)", d, shape[d], f[d])}
		case BoundaryTrim:
			idx[d] = ndarray.Sl(0, shape[d]-rem, 1)
			trim = true
		case BoundaryPad:
			widths[d] = [2]int{0, f[d] - rem}
			pad = true
		}
	}
	if trim {
		a = a.Index(idx...)
	}
	if pad {
		if !a.DType().IsFloat() {
			a = a.AsType(block.Float64, 0)
		}
		a = a.Pad(widths, ndarray.PadConstant, math.NaN())
	}
	if err := a.Err(); err != nil {
		return &Coarsener{err: fmt.Errorf("window.Coarsen: %w", err)}
	}
	a, out, err := alignChunks(a, f, opts.RechunkMemory)
	if err != nil {
		return &Coarsener{err: fmt.Errorf("window.Coarsen: %w", err)}
	}
	return &Coarsener{a: a, factors: f, out: out}
}

// alignChunks rechunks the axes whose chunks are not all multiples of
// their factor, and returns the output chunks (input chunks / factor).
func alignChunks(a *ndarray.Array, f []int, mem int64) (*ndarray.Array, [][]int, error) {
	chunks := a.Chunks()
	need := false
	for d, cs := range chunks {
		if f[d] == 1 {
			continue
		}
		for _, c := range cs {
			if c%f[d] != 0 {
				need = true
				break
			}
		}
		if need {
			break
		}
	}
	if need {
		sizes := make([][]int, len(chunks))
		for d, cs := range chunks {
			n := 0
			big := 0
			for _, c := range cs {
				n += c
				big = max(big, c)
			}
			if f[d] == 1 || !multiples(cs, f[d]) {
				if f[d] > 1 {
					c := max(f[d], (big+f[d]/2)/f[d]*f[d])
					cs = nil
					for s := 0; s < n; s += c {
						cs = append(cs, min(c, n-s))
					}
				}
			}
			sizes[d] = cs
		}
		var ropts []ndarray.RechunkOption
		if mem > 0 {
			ropts = append(ropts, ndarray.RechunkMemory(mem))
		}
		a = a.Rechunk(chunk.Explicit(sizes...), ropts...)
		if err := a.Err(); err != nil {
			return nil, nil, err
		}
		chunks = a.Chunks()
	}
	out := make([][]int, len(chunks))
	for d, cs := range chunks {
		out[d] = make([]int, len(cs))
		for i, c := range cs {
			out[d][i] = c / f[d]
		}
	}
	return a, out, nil
}

func multiples(cs []int, f int) bool {
	for _, c := range cs {
		if c%f != 0 {
			return false
		}
	}
	return true
}

// Err is the error the Coarsener carries, nil when it is valid.
func (c *Coarsener) Err() error { return c.err }

// Sum adds each block's values, skipping NaN (0 for an all-NaN block, as
// numpy's nansum). Integer data sums exactly, wrapping, into int64
// (uint64 for unsigned data), as numpy; floats keep their dtype.
func (c *Coarsener) Sum() *ndarray.Array { return c.reduce(Sum, 0) }

// Prod multiplies each block's values, skipping NaN; dtypes as Sum.
func (c *Coarsener) Prod() *ndarray.Array { return c.reduce(Prod, 0) }

// Mean is each block's mean, skipping NaN; float64 for integer data.
func (c *Coarsener) Mean() *ndarray.Array { return c.reduce(Mean, 0) }

// Min is each block's smallest value, skipping NaN (NaN for an all-NaN
// block); the input's dtype.
func (c *Coarsener) Min() *ndarray.Array { return c.reduce(Min, 0) }

// Max is each block's largest value, as Min.
func (c *Coarsener) Max() *ndarray.Array { return c.reduce(Max, 0) }

// Var is each block's variance with ddof, skipping NaN (two-pass; NaN when
// count-ddof <= 0); float64 for integer data.
func (c *Coarsener) Var(ddof int) *ndarray.Array { return c.reduce(Var, ddof) }

// Std is the square root of Var(ddof).
func (c *Coarsener) Std(ddof int) *ndarray.Array { return c.reduce(Std, ddof) }

// Median is each block's median, skipping NaN; float64 for integer data.
func (c *Coarsener) Median() *ndarray.Array { return c.reduce(Median, 0) }

// Count is the number of non-NaN values of each block, as int64.
func (c *Coarsener) Count() *ndarray.Array { return c.reduce(Count, 0) }

// Of is the reduction red with ddof (read by Var and Std only), for
// callers that choose the reduction at run time; Custom is ErrReduction.
func (c *Coarsener) Of(red Reduction, ddof int) *ndarray.Array { return c.reduce(red, ddof) }

func (c *Coarsener) reduce(red Reduction, ddof int) *ndarray.Array {
	if c == nil {
		return ndarray.Errored(errorf(ErrParams, "nil Coarsener"))
	}
	if c.err != nil {
		return ndarray.Errored(c.err)
	}
	p := CoarsenParams{Factors: c.factors, Reduction: red, DDOF: ddof, Out: coarsenDType(c.a.DType(), red)}
	if err := p.check(len(c.factors)); err != nil {
		return ndarray.Errored(fmt.Errorf("window.Coarsen: %w", err))
	}
	return ndarray.MapBlocks(coarsenKind, []*ndarray.Array{c.a}, p.Out, c.out, p)
}

// coarsenDType is xarray's (numpy's) result dtype of coarsen.
func coarsenDType(in block.DType, red Reduction) block.DType {
	switch red {
	case Count:
		return block.Int64
	case Min, Max:
		return in
	case Sum, Prod:
		switch {
		case in.IsFloat():
			return in
		case in.IsUnsigned():
			return block.Uint64
		default:
			return block.Int64
		}
	}
	if in == block.Float32 {
		return block.Float32
	}
	return block.Float64
}
