package labelled

import (
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/stats"
)

// QuantileDim is the name of the coordinate (and, for a list of q, the
// dim) that the quantile methods add to their result, as xarray's
// "quantile".
const QuantileDim = "quantile"

// QuantileOption configures the quantile and median methods of Array,
// Dataset and GroupBy.
type QuantileOption func(*quantileConfig)

type quantileConfig struct {
	method    string
	skipna    *bool
	keepAttrs bool
	memory    int64
}

// QuantileMethod sets numpy's method= by name ("linear", the default,
// "lower", "higher", "nearest", "midpoint", "hazen", "weibull",
// "median_unbiased", ... as stats.ParseQuantileMethod); an unknown name
// is an error wrapping stats.ErrMethod. Median ignores it.
func QuantileMethod(name string) QuantileOption {
	return func(c *quantileConfig) { c.method = name }
}

// QuantileSkipNA sets whether NaN is skipped; the default, as xarray's
// skipna=None, skips it for float data (numpy's nanquantile) and not
// otherwise.
func QuantileSkipNA(skip bool) QuantileOption {
	return func(c *quantileConfig) { c.skipna = &skip }
}

// QuantileKeepAttrs keeps the array's attrs on the result (dropped by
// default, as xarray's keep_attrs=False).
func QuantileKeepAttrs() QuantileOption {
	return func(c *quantileConfig) { c.keepAttrs = true }
}

// QuantileMemory bounds the bytes one task may hold, as
// stats.QuantileMemory (stats.DefaultQuantileMemory when not given).
func QuantileMemory(n int64) QuantileOption {
	return func(c *quantileConfig) { c.memory = n }
}

func quantileCfg(opts []QuantileOption) quantileConfig {
	var c quantileConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// kind says which of stats' functions a quantile request calls.
type quantileKind uint8

const (
	kindMedian quantileKind = iota
	kindScalar
	kindList
)

// statsFunc is the positional function of a request over axes: the
// median, one quantile or the quantiles qs (leading axis of len(qs)).
func statsFunc(k quantileKind, qs []float64, dt block.DType, cfg quantileConfig) (func(x *ndarray.Array, axes ...int) *ndarray.Array, error) {
	m := stats.Linear
	if cfg.method != "" && k != kindMedian {
		var err error
		if m, err = stats.ParseQuantileMethod(cfg.method); err != nil {
			return nil, fmt.Errorf("labelled: quantile: %w", err)
		}
	}
	if k == kindScalar && len(qs) != 1 {
		return nil, argErr("quantile: one q wanted, got %d", len(qs))
	}
	if k == kindList && len(qs) == 0 {
		return nil, fmt.Errorf("labelled: quantile: %w: no q given", stats.ErrQuantile)
	}
	if cfg.memory < 0 {
		return nil, argErr("quantile: negative memory budget %d", cfg.memory)
	}
	skip := dt.IsFloat()
	if cfg.skipna != nil {
		skip = *cfg.skipna && skip
	}
	qs = slices.Clone(qs)
	return func(x *ndarray.Array, axes ...int) *ndarray.Array {
		opts := []stats.QuantileOption{stats.QuantileAxis(axes...), stats.WithQuantileMethod(m)}
		if cfg.memory > 0 {
			opts = append(opts, stats.QuantileMemory(cfg.memory))
		}
		switch {
		case k == kindMedian && skip:
			return stats.NanMedian(x, opts...)
		case k == kindMedian:
			return stats.Median(x, opts...)
		case k == kindScalar && skip:
			return stats.NanQuantile(x, qs[0], opts...)
		case k == kindScalar:
			return stats.Quantile(x, qs[0], opts...)
		case skip:
			return stats.NanQuantiles(x, qs, opts...)
		}
		return stats.Quantiles(x, qs, opts...)
	}, nil
}

// quantileCoord is the coordinate a request adds: none for the median,
// the scalar q, or the index of qs on QuantileDim.
func quantileCoord(k quantileKind, qs []float64) (*Coord, error) {
	switch k {
	case kindScalar:
		return ScalarCoord(QuantileDim, qs[0])
	case kindList:
		return IndexCoord(QuantileDim, Float64Index(slices.Clone(qs))), nil
	}
	return nil, nil
}

// Quantile is xarray's da.quantile(q, dim=dims) with one q: the q-th
// quantile over the named dims (every dim when none are given), exactly
// and for any chunking, with stats.Quantile (stats.NanQuantile when
// skipping NaN, the default for float data). The reduced dims are dropped
// with every coordinate on them, and the result has a scalar coordinate
// "quantile" holding q. Dtype as numpy (float64 for the interpolating
// methods; the input's for "lower", "higher", "nearest", ...).
//
// Errors (carried by the result): a q outside [0, 1] or NaN (wrapping
// stats.ErrQuantile, a *stats.QuantileError), an unknown method
// (stats.ErrMethod), an unknown or repeated dim (ErrDim), a dtype that
// has no order (stats.ErrDType), a slice of no elements without skipping
// NaN (stats.ErrEmpty).
func (a *Array) Quantile(q float64, dims []string, opts ...QuantileOption) *Array {
	return a.quantile(kindScalar, []float64{q}, dims, quantileCfg(opts))
}

// Quantiles is xarray's da.quantile(qs, dim=dims) with a list of q: as
// Quantile, but the result has a leading dim "quantile" of len(qs),
// indexed by qs, before the kept dims.
func (a *Array) Quantiles(qs []float64, dims []string, opts ...QuantileOption) *Array {
	return a.quantile(kindList, qs, dims, quantileCfg(opts))
}

// Median is xarray's da.median(dims): the median over the named dims
// (every dim when none are given), NaN skipped for float data
// (stats.NanMedian; stats.Median otherwise). Float32 stays float32, other
// dtypes give float64. No quantile coordinate is added. Errors as Quantile.
func (a *Array) Median(dims ...string) *Array {
	return a.quantile(kindMedian, nil, dims, quantileConfig{})
}

// MedianWith is Median with options (QuantileSkipNA, QuantileKeepAttrs,
// QuantileMemory).
func (a *Array) MedianWith(dims []string, opts ...QuantileOption) *Array {
	return a.quantile(kindMedian, nil, dims, quantileCfg(opts))
}

func (a *Array) quantile(k quantileKind, qs []float64, dims []string, cfg quantileConfig) *Array {
	if a.Err() != nil {
		return a
	}
	what := "quantile"
	if k == kindMedian {
		what = "median"
	}
	f, err := statsFunc(k, qs, a.v.data.DType(), cfg)
	if err != nil {
		return Errored(err)
	}
	if len(dims) == 0 {
		dims = a.v.dims
	}
	axes := make([]int, 0, len(dims))
	for _, d := range dims {
		ax := slices.Index(a.v.dims, d)
		if ax < 0 {
			return Errored(dimErr("%s over %q: the array's dims are %v", what, d, a.v.dims))
		}
		if slices.Contains(axes, ax) {
			return Errored(dimErr("%s over %q twice", what, d))
		}
		axes = append(axes, ax)
	}
	var data *ndarray.Array
	if len(axes) == 0 {
		// A 0-d array: stats reduces every axis, which is none.
		data = f(a.v.data)
	} else {
		data = f(a.v.data, axes...)
	}
	if err := data.Err(); err != nil {
		return Errored(fmt.Errorf("labelled: %s over %v: %w", what, dims, err))
	}
	var keep []string
	if k == kindList {
		keep = append(keep, QuantileDim)
	}
	for _, d := range a.v.dims {
		if !slices.Contains(dims, d) {
			keep = append(keep, d)
		}
	}
	if k == kindList && slices.Contains(keep[1:], QuantileDim) {
		return Errored(dimErr("quantile: the array already has a dim %q", QuantileDim))
	}
	var coords []*Coord
	for _, c := range a.coords {
		on := k != kindMedian && c.name == QuantileDim
		for _, d := range c.dims {
			if slices.Contains(dims, d) {
				on = true
			}
		}
		if !on {
			coords = append(coords, c)
		}
	}
	qc, err := quantileCoord(k, qs)
	if err != nil {
		return Errored(err)
	}
	if qc != nil {
		coords = append(coords, qc)
	}
	out := a.derive(data, keep, coords, cfg.keepAttrs)
	if out.Err() != nil {
		return out
	}
	if err := out.checkCoords(); err != nil {
		return Errored(err)
	}
	return out
}
