package labelled

import (
	"fmt"
	"math"
	"slices"

	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/linalg"
)

// PolyfitOptions tunes Array.Polyfit.
type PolyfitOptions struct {
	// SkipNaN fits each pixel on its non-NaN samples (xarray's
	// skipna=True); without it a pixel with a NaN gives NaN.
	SkipNaN bool
	// FitMemory bounds the block that making dim one chunk may create
	// (linalg.DefaultFitMemory when 0).
	FitMemory int64
}

// Polyfit fits a polynomial of degree deg along dim to every pixel, as
// xarray's DataArray.polyfit(dim, deg, skipna=…, full=True) does, and
// returns a Dataset of two variables: polyfit_coefficients, dims
// ("degree", the other dims…) with a degree coordinate deg…0 (highest
// power first), and polyfit_residuals (the other dims), the sum of
// squared residuals per pixel. Coordinates of a that do not use dim are
// kept.
//
// x is dim's coordinate as xarray takes it: numbers as float64, times as
// nanoseconds since 1970-01-01 of their own calendar (xarray's
// datetime_to_numeric with that offset, for datetime64 and cftime axes
// alike), and 0…n-1 when dim has no coordinate. The fit is linalg.Polyfit
// (numpy's scaled least squares). Errors: ErrDim for a dim a lacks,
// ErrLabelType for labels that are not numbers or times (or a missing
// time), and linalg's errors (ErrDegree for deg < 0, ErrDType, ErrMemory).
func (a *Array) Polyfit(dim string, deg int, opts PolyfitOptions) (*Dataset, error) {
	if err := a.Err(); err != nil {
		return nil, err
	}
	axis := slices.Index(a.Dims(), dim)
	if axis < 0 {
		return nil, fmt.Errorf("%w: Polyfit: %q is not a dim of %v", ErrDim, dim, a.Dims())
	}
	x, err := fitPositions(a, dim, a.Shape()[axis])
	if err != nil {
		return nil, err
	}
	var lopts []linalg.PolyfitOption
	if opts.SkipNaN {
		lopts = append(lopts, linalg.SkipNaN())
	}
	if opts.FitMemory > 0 {
		lopts = append(lopts, linalg.FitMemory(opts.FitMemory))
	}
	fit := linalg.Polyfit(a.Data(), axis, x, deg, lopts...)
	if err := fit.Coefficients.Err(); err != nil {
		return nil, fmt.Errorf("labelled: Polyfit along %q: %w", dim, err)
	}
	others := slices.Delete(slices.Clone(a.Dims()), axis, axis+1)
	var kept []*Coord
	for _, c := range a.Coords() {
		if !slices.Contains(c.Dims(), dim) {
			kept = append(kept, c)
		}
	}
	degrees := make(Int64Index, deg+1)
	for i := range degrees {
		degrees[i] = int64(deg - i)
	}
	coef := New(fit.Coefficients, append([]string{"degree"}, others...), Name("polyfit_coefficients"),
		Coords(append([]*Coord{IndexCoord("degree", degrees)}, kept...)...))
	res := New(fit.Residuals, others, Name("polyfit_residuals"), Coords(kept...))
	for _, v := range []*Array{coef, res} {
		if err := v.Err(); err != nil {
			return nil, fmt.Errorf("labelled: Polyfit along %q: %w", dim, err)
		}
	}
	return NewDataset([]*Array{coef, res}, nil)
}

// fitPositions is the x of a fit along dim, as xarray's
// get_clean_interp_index makes it.
func fitPositions(a *Array, dim string, n int) ([]float64, error) {
	c := a.Coord(dim)
	x := make([]float64, n)
	if c == nil {
		for i := range x {
			x[i] = float64(i)
		}
		return x, nil
	}
	if c.Values().Len() != n {
		return nil, fmt.Errorf("%w: Polyfit: coordinate %q has %d labels for %d positions", ErrCoord, dim, c.Values().Len(), n)
	}
	switch idx := c.Values().(type) {
	case Float64Index:
		copy(x, idx)
	case Int64Index:
		for i, v := range idx {
			x[i] = float64(v)
		}
	case TimeIndex:
		ts := idx.Times()
		epoch, err := cftime.Date(ts.Calendar(), 1970, 1, 1, 0, 0, 0, 0)
		if err != nil {
			return nil, fmt.Errorf("%w: Polyfit: 1970-01-01 in calendar %s: %v", ErrLabelType, ts.Calendar(), err)
		}
		for i := range x {
			t, ok := ts.At(i)
			if !ok {
				return nil, fmt.Errorf("%w: Polyfit: time %d of %q is missing (NaT)", ErrLabelType, i, dim)
			}
			days, ns := t.Between(epoch)
			if days > math.MaxInt64/86400_000_000_000-1 || days < math.MinInt64/86400_000_000_000+1 {
				return nil, fmt.Errorf("%w: Polyfit: time %d of %q is out of the datetime64[ns] range", ErrLabelType, i, dim)
			}
			// exact int64 nanoseconds, then one rounding, as xarray's
			// int64 → float64 cast
			x[i] = float64(days*86400_000_000_000 + ns)
		}
	default:
		return nil, fmt.Errorf("%w: Polyfit: labels of %q are %s; a fit needs numbers or times", ErrLabelType, dim, c.Values().DType())
	}
	return x, nil
}
