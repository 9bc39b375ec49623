package window

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// RollingOptions configures Rolling; the zero value is xarray's default
// (trailing windows, min_periods equal to the window).
type RollingOptions struct {
	// Center labels each window at its middle instead of its end, as
	// xarray's center=True: output i covers inputs [i-w/2, i+w-1-w/2]
	// (integer division), so an even window reaches one further back than
	// forward. Without it output i covers [i-w+1, i].
	Center bool
	// MinPeriods is the fewest valid (non-NaN) values a window needs for a
	// result; fewer give NaN. 0 means the window length, as xarray's
	// min_periods=None; otherwise it must be in [1, window].
	MinPeriods int
}

// Roller is a rolling window over one axis of a lazy array, made by
// Rolling; its methods are the reductions, each a new lazy array of the
// input's shape and chunks. A Roller that could not be made carries its
// error, returned by Err and as the error of every array it makes. A Roller
// is immutable and safe for concurrent use.
type Roller struct {
	a      *ndarray.Array
	p      RollParams
	window int
	err    error
}

// Rolling prepares a moving window of window elements along axis of a
// (negative axes count from the end), as xarray's
// DataArray.rolling(dim=window, center=..., min_periods=...). Each output
// element reduces the window around it, clipped at the array's edges, and is
// NaN where the window holds fewer than min_periods valid values; the
// output has the input's shape and chunks, and dtype float32 for float32
// input, float64 otherwise (as xarray with bottleneck).
//
// The windows are never copied: every block is computed from itself and a
// halo of the neighbouring blocks along axis (ndarray.MapOverlap with depth
// max(before, after), taken from as many neighbouring blocks as it takes,
// so chunks smaller than the window need no rechunk), by running kernels
// that cost O(1) per element whatever the window (see Roller).
//
// Errors (on the Roller): ErrAxis for an axis outside the rank, ErrWindow
// for a window below 1 or longer than the axis or min_periods outside
// [0, window], ErrDType for non-real data.
func Rolling(a *ndarray.Array, axis, window int, opts RollingOptions) *Roller {
	if a == nil {
		return &Roller{err: fmt.Errorf("window.Rolling: %w", errorf(ErrParams, "nil array"))}
	}
	if err := a.Err(); err != nil {
		return &Roller{err: err}
	}
	r := a.Rank()
	ax := axis
	if ax < 0 {
		ax += r
	}
	if ax < 0 || ax >= r {
		return &Roller{err: errorf(ErrAxis, "rolling over axis %d of an array of rank %d", axis, r)}
	}
	n := a.Shape()[ax]
	if window < 1 || window > n {
		return &Roller{err: errorf(ErrWindow, "window %d along axis %d of length %d (it must be in [1, %d])", window, ax, n, n)}
	}
	if opts.MinPeriods < 0 || opts.MinPeriods > window {
		return &Roller{err: errorf(ErrWindow, "min_periods %d for a window of %d along axis %d (it must be in [1, %d], or 0 for the window)", opts.MinPeriods, window, ax, window)}
	}
	if err := checkReal(a.DType()); err != nil {
		return &Roller{err: fmt.Errorf("window.Rolling: %w", err)}
	}
	minp := opts.MinPeriods
	if minp == 0 {
		minp = window
	}
	before, after := window-1, 0
	if opts.Center {
		before = window / 2
		after = window - 1 - before
	}
	return &Roller{a: a, window: window, p: RollParams{Axis: ax, Before: before, After: after, MinPeriods: minp}}
}

func checkReal(dt block.DType) error {
	if !dt.IsNumeric() || dt.IsComplex() || dt.IsTime() || dt.IsBool() {
		return errorf(ErrDType, "%s (only integer and float data)", dt)
	}
	return nil
}

// Err is the error the Roller carries, nil when it is valid.
func (r *Roller) Err() error { return r.err }

// Sum is the sum of each window's valid values, with a running sum that is
// re-anchored (summed afresh) every window steps so rounding error does not
// grow with the axis; infinities are counted apart (+Inf and -Inf together
// give NaN, as numpy).
func (r *Roller) Sum() *ndarray.Array { return r.reduce(Sum, 0, "") }

// Mean is the mean of each window's valid values (the running sum of Sum
// over the running count).
func (r *Roller) Mean() *ndarray.Array { return r.reduce(Mean, 0, "") }

// Min is the smallest valid value of each window (a monotonic deque).
func (r *Roller) Min() *ndarray.Array { return r.reduce(Min, 0, "") }

// Max is the largest valid value of each window (a monotonic deque).
func (r *Roller) Max() *ndarray.Array { return r.reduce(Max, 0, "") }

// Var is the variance of each window's valid values with ddof delta
// degrees of freedom (xarray's default is 0): Welford's running mean and
// sum of squared deviations, re-anchored by a two-pass sum every window
// steps. NaN where count-ddof <= 0; ErrWindow for a negative ddof.
func (r *Roller) Var(ddof int) *ndarray.Array { return r.reduce(Var, ddof, "") }

// Std is the square root of Var(ddof).
func (r *Roller) Std(ddof int) *ndarray.Array { return r.reduce(Std, ddof, "") }

// Median is the median of each window's valid values, kept in a sorted
// window (binary search, insert and delete in place).
func (r *Roller) Median() *ndarray.Array { return r.reduce(Median, 0, "") }

// Count is the number of valid values in each window, as float (NaN below
// min_periods, as xarray).
func (r *Roller) Count() *ndarray.Array { return r.reduce(Count, 0, "") }

// Prod is the product of each window's valid values, from a two-stack
// queue of partial products (each value is multiplied in at most twice).
func (r *Roller) Prod() *ndarray.Array { return r.reduce(Prod, 0, "") }

// Reduce applies the custom function registered under name (RegisterFunc)
// to every window, as xarray's rolling(...).reduce(func); the name, not
// the function, travels in the tasks. ErrUnknownFunc when no function of
// that name is registered here.
func (r *Roller) Reduce(name string) *ndarray.Array { return r.reduce(Custom, 0, name) }

// Of is the reduction red (Custom is Reduce's, the others take ddof only
// for Var and Std), for callers that choose the reduction at run time.
func (r *Roller) Of(red Reduction, ddof int, name string) *ndarray.Array {
	return r.reduce(red, ddof, name)
}

func (r *Roller) reduce(red Reduction, ddof int, name string) *ndarray.Array {
	if r == nil {
		return ndarray.Errored(errorf(ErrParams, "nil Roller"))
	}
	if r.err != nil {
		return ndarray.Errored(r.err)
	}
	p := r.p
	p.Reduction, p.DDOF, p.Func = red, ddof, name
	p.Out = rollingDType(r.a.DType(), red)
	if err := p.check(); err != nil {
		return ndarray.Errored(fmt.Errorf("window.Rolling: %w", err))
	}
	depth := make([]int, r.a.Rank())
	depth[p.Axis] = max(p.Before, p.After)
	return ndarray.MapOverlap(rollingKind, r.a, p.Out, ndarray.Overlap{Depth: depth, Boundary: ndarray.BoundaryNone, NoTrim: true}, p)
}

// rollingDType is xarray's result dtype: float32 stays float32 (but a
// count is float64), everything else is float64.
func rollingDType(in block.DType, red Reduction) block.DType {
	if in == block.Float32 && red != Count {
		return block.Float32
	}
	return block.Float64
}

// RollParams are the parameters of a rolling task, as they travel in the
// graph (JSON). Each output element i along Axis reduces the input
// elements [i-Before, i+After] that exist.
type RollParams struct {
	Axis       int
	Before     int
	After      int
	MinPeriods int
	Reduction  Reduction
	DDOF       int         `json:",omitempty"`
	Func       string      `json:",omitempty"`
	Out        block.DType // float32 or float64
}

// check validates parameters, whether made here or decoded from a task.
func (p RollParams) check() error {
	switch {
	case p.Axis < 0 || p.Before < 0 || p.After < 0:
		return errorf(ErrParams, "rolling axis %d, before %d, after %d", p.Axis, p.Before, p.After)
	case p.MinPeriods < 1 || p.MinPeriods > p.Before+p.After+1:
		return errorf(ErrParams, "min_periods %d for a window of %d", p.MinPeriods, p.Before+p.After+1)
	case !p.Reduction.valid():
		return errorf(ErrReduction, "%v", p.Reduction)
	case p.DDOF < 0:
		return errorf(ErrWindow, "negative ddof %d", p.DDOF)
	case p.Out != block.Float32 && p.Out != block.Float64:
		return errorf(ErrParams, "rolling output dtype %s", p.Out)
	}
	if p.Reduction == Custom {
		if _, err := lookupFunc(p.Func); err != nil {
			return err
		}
	} else if p.Func != "" {
		return errorf(ErrParams, "function %q given for reduction %v", p.Func, p.Reduction)
	}
	return nil
}

const rollingKind = "window.rolling"

func init() {
	ndarray.RegisterBlockFunc(rollingKind, rollingBlock)
}

// rollingBlock computes one output block from its input block extended by
// the halo along p.Axis.
func rollingBlock(ctx context.Context, in []*block.Dense, p RollParams, info ndarray.BlockInfo) (*block.Dense, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if len(in) != 1 || p.Axis >= in[0].Rank() || len(info.Halo) != in[0].Rank() {
		return nil, errorf(ErrParams, "rolling axis %d of %d inputs of rank %d with halo %v", p.Axis, len(in), in[0].Rank(), info.Halo)
	}
	src := in[0]
	shape := info.Box.Shape()
	out, err := ndarray.Alloc(ctx, p.Out, shape...)
	if err != nil {
		return nil, err
	}
	if out.Len() == 0 {
		return out, nil
	}
	h := info.Halo[p.Axis]
	if src.Shape()[p.Axis] != shape[p.Axis]+h[0]+h[1] {
		return nil, errorf(ErrParams, "rolling input block of %v for output %v with halo %v", src.Shape(), shape, h)
	}
	var fn Func
	if p.Reduction == Custom {
		fn, _ = lookupFunc(p.Func)
	}
	if inner(shape, p.Axis) >= laneTile && (p.Reduction == Sum || p.Reduction == Mean || p.Reduction == Count) {
		done, err := rowsSumTyped(ctx, src, out, p.Axis, h[0], p)
		if err == nil && !done {
			err = rowsSum(ctx, src, out, p.Axis, h[0], p)
		}
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	k := newKernel(p, fn)
	if err := forLanes(ctx, src, out, p.Axis, h[0], k.run); err != nil {
		return nil, err
	}
	return out, nil
}

// inner is the number of elements of one position of axis (the product of
// the later axes' lengths).
func inner(shape []int, axis int) int {
	n := 1
	for _, s := range shape[axis+1:] {
		n *= s
	}
	return n
}
