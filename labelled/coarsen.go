package labelled

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

// CoarsenOptions configures Array.Coarsen.
type CoarsenOptions struct {
	// Boundary handles a dim whose length is not a multiple of its factor:
	// window.BoundaryExact (xarray's default) refuses it, BoundaryTrim drops
	// the incomplete block at the end, BoundaryPad pads the end with NaN.
	Boundary window.Boundary
	// RechunkMemory bounds the rechunk that aligns chunks to the factors
	// (0: ndarray.DefaultRechunkMemory).
	RechunkMemory int64
	// DropAttrs drops the array's attrs from the results; by default they
	// are kept, as xarray's coarsen keeps them.
	DropAttrs bool
}

// Coarsen is an Array cut into blocks along some dims, made by
// Array.Coarsen: xarray's DataArrayCoarsen. Its methods are the
// reductions; the coordinates of the result are reduced as xarray's
// coord_func="mean". A Coarsen that could not be made carries its error
// into every result. It is immutable and safe for concurrent use.
type Coarsen struct {
	a      *Array
	c      *window.Coarsener
	dims   []string
	coords []*Coord
	opts   CoarsenOptions
	err    error
}

// Coarsen prepares xarray's da.coarsen(factors, boundary=...): each dim in
// factors is cut into blocks of that many elements, computed by
// window.Coarsen. Coordinates on the coarsened dims (dimension and
// non-dimension ones) become the mean of each block, in memory, as
// xarray's default coord_func="mean": numbers as float64 (NaN padding
// skipped), CF times as the mean instant (NaT skipped); coordinates on other
// dims are kept. Errors, carried into every result: ErrDim for an unknown
// dim, ErrCoord for a coordinate whose labels have no mean (strings), and
// window's ErrFactor, ErrBoundary and ErrDType.
func (a *Array) Coarsen(factors map[string]int, opts CoarsenOptions) *Coarsen {
	if err := a.Err(); err != nil {
		return &Coarsen{err: err}
	}
	byAxis := map[int]int{}
	dims := slices.Sorted(func(yield func(string) bool) {
		for d := range factors {
			if !yield(d) {
				return
			}
		}
	})
	for _, d := range dims {
		ax := slices.Index(a.v.dims, d)
		if ax < 0 {
			return &Coarsen{err: dimErr("coarsen over %q: the array's dims are %v", d, a.v.dims)}
		}
		byAxis[ax] = factors[d]
	}
	c := window.Coarsen(a.v.data, byAxis, window.CoarsenOptions{Boundary: opts.Boundary, RechunkMemory: opts.RechunkMemory})
	if err := c.Err(); err != nil {
		return &Coarsen{err: fmt.Errorf("labelled: coarsen over %v: %w", factors, err)}
	}
	coords := make([]*Coord, 0, len(a.coords))
	for _, co := range a.coords {
		nc, err := coarsenCoord(co, factors, opts.Boundary)
		if err != nil {
			return &Coarsen{err: err}
		}
		coords = append(coords, nc)
	}
	return &Coarsen{a: a, c: c, dims: dims, coords: coords, opts: opts}
}

// Err is the error the Coarsen carries.
func (c *Coarsen) Err() error { return c.err }

// Reduce is the reduction red over every block (ddof is read by Var and
// Std).
func (c *Coarsen) Reduce(red window.Reduction, ddof int) *Array {
	if c.err != nil {
		return Errored(c.err)
	}
	return c.a.derive(c.c.Of(red, ddof), c.a.v.dims, c.coords, !c.opts.DropAttrs)
}

// Sum is the sum of each block.
func (c *Coarsen) Sum() *Array { return c.Reduce(window.Sum, 0) }

// Mean is the mean of each block.
func (c *Coarsen) Mean() *Array { return c.Reduce(window.Mean, 0) }

// Min is the minimum of each block.
func (c *Coarsen) Min() *Array { return c.Reduce(window.Min, 0) }

// Max is the maximum of each block.
func (c *Coarsen) Max() *Array { return c.Reduce(window.Max, 0) }

// Std is the standard deviation of each block with ddof.
func (c *Coarsen) Std(ddof int) *Array { return c.Reduce(window.Std, ddof) }

// Var is the variance of each block with ddof.
func (c *Coarsen) Var(ddof int) *Array { return c.Reduce(window.Var, ddof) }

// Median is the median of each block.
func (c *Coarsen) Median() *Array { return c.Reduce(window.Median, 0) }

// Count is the number of valid values of each block (int64).
func (c *Coarsen) Count() *Array { return c.Reduce(window.Count, 0) }

// Prod is the product of each block.
func (c *Coarsen) Prod() *Array { return c.Reduce(window.Prod, 0) }

// Coarsen applies the coarsen reduction red (ddof for Var and Std) to every
// numeric data variable having any of the dims in factors (the others are
// kept unchanged, non-numeric ones dropped), as xarray's Dataset.coarsen.
// ErrDim when the dataset lacks one of the dims.
func (ds *Dataset) Coarsen(factors map[string]int, opts CoarsenOptions, red window.Reduction, ddof int) (*Dataset, error) {
	for d := range factors {
		if _, ok := ds.sizes[d]; !ok {
			return nil, dimErr("coarsen over %q: the dataset's dims are %v", d, ds.dims)
		}
	}
	return ds.Map(func(_ string, a *Array) *Array {
		if !a.DType().IsNumeric() || a.DType().IsComplex() || a.DType().IsTime() {
			return nil
		}
		own := map[string]int{}
		for d, f := range factors {
			if slices.Contains(a.Dims(), d) {
				own[d] = f
			}
		}
		if len(own) == 0 {
			return a
		}
		return a.Coarsen(own, opts).Reduce(red, ddof)
	})
}

// coarsenCoord is co with every block of its coarsened dims replaced by
// the block's mean (co itself when it has none of them).
func coarsenCoord(co *Coord, factors map[string]int, b window.Boundary) (*Coord, error) {
	byAxis := map[int]int{}
	for ax, d := range co.dims {
		if f, ok := factors[d]; ok {
			byAxis[ax] = f
		}
	}
	if len(byAxis) == 0 {
		return co, nil
	}
	var labels Index
	var shape []int
	var err error
	switch x := co.values.(type) {
	case Float64Index:
		labels, shape, err = coarsenNumbers(slices.Clone([]float64(x)), co.shape, byAxis, b)
	case Int64Index:
		v := make([]float64, len(x))
		for i, n := range x {
			v[i] = float64(n)
		}
		labels, shape, err = coarsenNumbers(v, co.shape, byAxis, b)
	case TimeIndex:
		if len(co.dims) != 1 {
			return nil, fmt.Errorf("%w: coarsening the %d-d time coordinate %q (only 1-d time coordinates have a mean here)", ErrCoord, len(co.dims), co.name)
		}
		labels, err = coarsenTimes(x.Times(), byAxis[0], co.shape[0], b)
		if err == nil {
			shape = []int{labels.Len()}
		}
	default:
		return nil, fmt.Errorf("%w: coordinate %q has %s labels, which have no mean for coarsen (drop it first)", ErrCoord, co.name, co.values.DType())
	}
	if err != nil {
		return nil, fmt.Errorf("labelled: coarsening coordinate %q: %w", co.name, err)
	}
	nc, err := NewCoord(co.name, co.dims, shape, labels, co.attrs)
	if err != nil {
		return nil, err
	}
	return nc.WithEncoding(co.encoding), nil
}

// coarsenNumbers is the block mean of coordinate values, computed by
// window.Coarsen in memory (coordinates are small and held in memory).
func coarsenNumbers(v []float64, shape []int, byAxis map[int]int, b window.Boundary) (Index, []int, error) {
	d, err := block.FromSlice(v, shape...)
	if err != nil {
		return nil, nil, err
	}
	a := ndarray.FromDense(d, chunk.Uniform(max(1, len(v))))
	m, err := window.Coarsen(a, byAxis, window.CoarsenOptions{Boundary: b}).Mean().Compute(context.Background())
	if err != nil {
		return nil, nil, err
	}
	return Float64Index(m.Float64s()), m.Shape(), nil
}

// coarsenTimes is the mean instant of every block of f times (NaT and the
// padding skipped; the trimmed tail dropped), rounded to the nanosecond.
func coarsenTimes(ts cftime.Times, f, n int, b window.Boundary) (Index, error) {
	if f < 1 {
		return nil, fmt.Errorf("%w: factor %d", window.ErrFactor, f)
	}
	if n%f != 0 && b == window.BoundaryExact {
		return nil, fmt.Errorf("%w: length %d, factor %d", window.ErrBoundary, n, f)
	}
	groups := n / f
	if n%f != 0 && b == window.BoundaryPad {
		groups++
	}
	all, ok := ts.All()
	out := make([]cftime.Time, 0, groups)
	for g := range groups {
		var t0 cftime.Time
		have := 0
		var sumDays int64
		var sumNs float64
		for i := g * f; i < min(n, (g+1)*f); i++ {
			if !ok[i] {
				continue
			}
			if have == 0 {
				t0 = all[i]
			}
			days, ns := all[i].Between(t0)
			sumDays += days
			sumNs += float64(ns)
			have++
		}
		if have == 0 {
			return nil, fmt.Errorf("%w: block %d of the time coordinate is all NaT", ErrCoord, g)
		}
		q, r := sumDays/int64(have), sumDays%int64(have)
		extra := math.Round((float64(r)*86400e9 + sumNs) / float64(have))
		t, err := t0.AddDays(q)
		if err != nil {
			return nil, err
		}
		out = append(out, t.Add(time.Duration(extra)))
	}
	times, err := cftime.TimesOf(out)
	if err != nil {
		return nil, err
	}
	return NewTimeIndex(times), nil
}
