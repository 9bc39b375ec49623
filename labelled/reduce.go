package labelled

import (
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// Reduction names one of package reduce's reductions.
type Reduction uint8

const (
	// Sum is reduce.Sum (NanSum when skipping NaN).
	Sum Reduction = iota + 1
	// Prod is reduce.Prod (NanProd).
	Prod
	// Mean is reduce.Mean (NanMean).
	Mean
	// Min is reduce.Min (NanMin).
	Min
	// Max is reduce.Max (NanMax).
	Max
	// Var is reduce.Var (NanVar), with DDOF.
	Var
	// Std is reduce.Std (NanStd), with DDOF.
	Std
	// Count is the number of non-NaN values, as xarray's count
	// (reduce.NanCount).
	Count
	// ArgMin is reduce.ArgMin (NanArgMin), over one dim only.
	ArgMin
	// ArgMax is reduce.ArgMax (NanArgMax), over one dim only.
	ArgMax
	// Any is reduce.Any.
	Any
	// All is reduce.All.
	All
)

var reductions = map[Reduction]struct {
	name       string
	plain, nan func(*ndarray.Array, ...reduce.Option) *ndarray.Array
}{
	Sum:    {"sum", reduce.Sum, reduce.NanSum},
	Prod:   {"prod", reduce.Prod, reduce.NanProd},
	Mean:   {"mean", reduce.Mean, reduce.NanMean},
	Min:    {"min", reduce.Min, reduce.NanMin},
	Max:    {"max", reduce.Max, reduce.NanMax},
	Var:    {"var", reduce.Var, reduce.NanVar},
	Std:    {"std", reduce.Std, reduce.NanStd},
	Count:  {"count", reduce.NanCount, reduce.NanCount},
	ArgMin: {"argmin", reduce.ArgMin, reduce.NanArgMin},
	ArgMax: {"argmax", reduce.ArgMax, reduce.NanArgMax},
	Any:    {"any", reduce.Any, reduce.Any},
	All:    {"all", reduce.All, reduce.All},
}

// String is xarray's name of the reduction.
func (r Reduction) String() string {
	if d, ok := reductions[r]; ok {
		return d.name
	}
	return fmt.Sprintf("Reduction(%d)", uint8(r))
}

// ReduceOption configures Reduce.
type ReduceOption func(*reduceConfig)

type reduceConfig struct {
	skipna    *bool
	ddof      int
	keepAttrs bool
}

// SkipNA sets whether NaN is skipped; the default, as xarray's skipna=None,
// skips it for float data and not otherwise.
func SkipNA(skip bool) ReduceOption { return func(c *reduceConfig) { c.skipna = &skip } }

// DDOF sets the delta degrees of freedom of Var and Std (0 by default, as
// xarray).
func DDOF(n int) ReduceOption { return func(c *reduceConfig) { c.ddof = n } }

// KeepAttrs keeps the array's attrs on the result (dropped by default, as
// xarray's keep_attrs=False).
func KeepAttrs() ReduceOption { return func(c *reduceConfig) { c.keepAttrs = true } }

// Reduce reduces over the named dims (all dims when none are given) with
// package reduce, lazily. The reduced dims are dropped with every
// coordinate on them; scalar coordinates and coordinates on other dims
// stay. ArgMin and ArgMax take exactly one dim. Unknown or repeated dims
// are ErrDim, an unknown Reduction ErrArgument.
func (a *Array) Reduce(r Reduction, dims []string, opts ...ReduceOption) *Array {
	if a.Err() != nil {
		return a
	}
	def, ok := reductions[r]
	if !ok {
		return Errored(argErr("unknown reduction %v", r))
	}
	var cfg reduceConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if len(dims) == 0 {
		dims = a.v.dims
	}
	axes := make([]int, 0, len(dims))
	for _, d := range dims {
		ax := slices.Index(a.v.dims, d)
		if ax < 0 {
			return Errored(dimErr("%s over %q: the array's dims are %v", def.name, d, a.v.dims))
		}
		if slices.Contains(axes, ax) {
			return Errored(dimErr("%s over %q twice", def.name, d))
		}
		axes = append(axes, ax)
	}
	if (r == ArgMin || r == ArgMax) && len(axes) != 1 {
		return Errored(argErr("%s needs exactly one dim, got %v", def.name, dims))
	}
	skip := a.v.data.DType().IsFloat()
	if cfg.skipna != nil {
		skip = *cfg.skipna && skip
	}
	fn := def.plain
	if skip {
		fn = def.nan
	}
	ropts := []reduce.Option{reduce.Axis(axes...)}
	if r == Var || r == Std {
		ropts = append(ropts, reduce.DDOF(cfg.ddof))
	}
	var data *ndarray.Array
	if len(axes) == 0 {
		data = a.v.data
	} else {
		data = fn(a.v.data, ropts...)
	}
	var keep []string
	for _, d := range a.v.dims {
		if !slices.Contains(dims, d) {
			keep = append(keep, d)
		}
	}
	var coords []*Coord
	for _, c := range a.coords {
		on := false
		for _, d := range c.dims {
			if slices.Contains(dims, d) {
				on = true
			}
		}
		if !on {
			coords = append(coords, c)
		}
	}
	return a.derive(data, keep, coords, cfg.keepAttrs)
}

// Sum is Reduce(Sum, dims).
func (a *Array) Sum(dims ...string) *Array { return a.Reduce(Sum, dims) }

// Mean is Reduce(Mean, dims): NaN skipped for float data, as xarray.
func (a *Array) Mean(dims ...string) *Array { return a.Reduce(Mean, dims) }

// Min is Reduce(Min, dims).
func (a *Array) Min(dims ...string) *Array { return a.Reduce(Min, dims) }

// Max is Reduce(Max, dims).
func (a *Array) Max(dims ...string) *Array { return a.Reduce(Max, dims) }

// Std is Reduce(Std, dims) with ddof 0.
func (a *Array) Std(dims ...string) *Array { return a.Reduce(Std, dims) }

// Var is Reduce(Var, dims) with ddof 0.
func (a *Array) Var(dims ...string) *Array { return a.Reduce(Var, dims) }

// Count is Reduce(Count, dims): the number of non-NaN values.
func (a *Array) Count(dims ...string) *Array { return a.Reduce(Count, dims) }
