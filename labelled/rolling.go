package labelled

import (
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

// RollingOptions configures Array.Rolling; the zero value is xarray's
// default.
type RollingOptions struct {
	// Center labels each window at its middle (xarray's center=True).
	Center bool
	// MinPeriods is the fewest valid values a window needs (0: the window,
	// as xarray's min_periods=None).
	MinPeriods int
	// DropAttrs drops the array's attrs from the results; by default they
	// are kept, as xarray's rolling keeps them.
	DropAttrs bool
}

// Rolling is a moving window over one named dim of an Array, made by
// Array.Rolling: xarray's DataArrayRolling. Its methods are the
// reductions; each result has the array's dims, shape, chunks and
// coordinates. A Rolling that could not be made carries its error into
// every result. It is immutable and safe for concurrent use.
type Rolling struct {
	a    *Array
	r    *window.Roller
	opts RollingOptions
	err  error
}

// Rolling prepares a rolling window of window elements over dim, as
// xarray's da.rolling({dim: window}, center=..., min_periods=...), computed
// by window.Rolling (NaN skipped and counted against min_periods, float32
// kept, other dtypes to float64). Errors, carried into every result: ErrDim
// for an unknown dim, and window's ErrWindow (window below 1 or longer than
// the dim, min_periods above the window) and ErrDType.
func (a *Array) Rolling(dim string, window int, opts RollingOptions) *Rolling {
	if err := a.Err(); err != nil {
		return &Rolling{err: err}
	}
	ax := slices.Index(a.v.dims, dim)
	if ax < 0 {
		return &Rolling{err: dimErr("rolling over %q: the array's dims are %v", dim, a.v.dims)}
	}
	r := windowRolling(a.v.data, ax, window, opts)
	if err := r.Err(); err != nil {
		return &Rolling{err: fmt.Errorf("labelled: rolling over %q: %w", dim, err)}
	}
	return &Rolling{a: a, r: r, opts: opts}
}

func windowRolling(data *ndarray.Array, ax, w int, opts RollingOptions) *window.Roller {
	return window.Rolling(data, ax, w, window.RollingOptions{Center: opts.Center, MinPeriods: opts.MinPeriods})
}

// Err is the error the Rolling carries.
func (r *Rolling) Err() error { return r.err }

// Reduce is the reduction red over each window (ddof is read by Var and
// Std; use Func for a custom function).
func (r *Rolling) Reduce(red window.Reduction, ddof int) *Array { return r.of(red, ddof, "") }

// Func applies the custom function registered with window.RegisterFunc
// under name to every window, as xarray's rolling(...).reduce(func).
func (r *Rolling) Func(name string) *Array { return r.of(window.Custom, 0, name) }

func (r *Rolling) of(red window.Reduction, ddof int, name string) *Array {
	if r.err != nil {
		return Errored(r.err)
	}
	return r.a.derive(r.r.Of(red, ddof, name), r.a.v.dims, r.a.coords, !r.opts.DropAttrs)
}

// Sum is the rolling sum.
func (r *Rolling) Sum() *Array { return r.Reduce(window.Sum, 0) }

// Mean is the rolling mean.
func (r *Rolling) Mean() *Array { return r.Reduce(window.Mean, 0) }

// Min is the rolling minimum.
func (r *Rolling) Min() *Array { return r.Reduce(window.Min, 0) }

// Max is the rolling maximum.
func (r *Rolling) Max() *Array { return r.Reduce(window.Max, 0) }

// Std is the rolling standard deviation with ddof (xarray's default 0).
func (r *Rolling) Std(ddof int) *Array { return r.Reduce(window.Std, ddof) }

// Var is the rolling variance with ddof (xarray's default 0).
func (r *Rolling) Var(ddof int) *Array { return r.Reduce(window.Var, ddof) }

// Median is the rolling median.
func (r *Rolling) Median() *Array { return r.Reduce(window.Median, 0) }

// Count is the rolling count of valid values (float64, NaN below
// min_periods, as xarray).
func (r *Rolling) Count() *Array { return r.Reduce(window.Count, 0) }

// Prod is the rolling product.
func (r *Rolling) Prod() *Array { return r.Reduce(window.Prod, 0) }

// Rolling applies the rolling reduction red (ddof for Var and Std) over dim
// to every data variable that has dim; the others are kept unchanged, as
// xarray's Dataset.rolling. Non-numeric variables are dropped. ErrDim when
// the dataset has no dim; a variable's error names it.
func (ds *Dataset) Rolling(dim string, window int, opts RollingOptions, red window.Reduction, ddof int) (*Dataset, error) {
	if _, ok := ds.sizes[dim]; !ok {
		return nil, dimErr("rolling over %q: the dataset's dims are %v", dim, ds.dims)
	}
	return ds.Map(func(_ string, a *Array) *Array {
		if !a.DType().IsNumeric() || a.DType().IsComplex() || a.DType().IsTime() {
			return nil
		}
		if !slices.Contains(a.Dims(), dim) {
			return a
		}
		return a.Rolling(dim, window, opts).Reduce(red, ddof)
	})
}
