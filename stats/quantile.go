package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// Errors of the quantile functions.
var (
	// ErrQuantile reports a q outside [0, 1] (Quantile) or [0, 100]
	// (Percentile), a NaN q, or no q at all; a *QuantileError says which.
	ErrQuantile = errors.New("stats: quantile out of range")
	// ErrMethod reports a quantile method name numpy does not know.
	ErrMethod = errors.New("stats: unknown quantile method")
	// ErrAxis reports an axis out of range or repeated.
	ErrAxis = errors.New("stats: invalid axis")
	// ErrDType reports an array whose dtype an order statistic does not
	// take (bool, complex, string, time): convert it with AsType first.
	ErrDType = errors.New("stats: dtype not supported")
	// ErrEmpty reports a Quantile or Percentile over zero elements, which
	// numpy refuses ("cannot do a non-empty take from an empty axes").
	ErrEmpty = errors.New("stats: quantile of an empty slice")
)

// QuantileError is the typed form of ErrQuantile: the function, the
// position of the bad q in the list given and its value.
type QuantileError struct {
	Func  string  // the stats function, e.g. "Percentiles"
	Index int     // position of the bad q in the list given (0 for one q)
	Q     float64 // the bad value
	Max   float64 // 1 or 100
}

// Error names the function, the position and the value.
func (e *QuantileError) Error() string {
	return fmt.Sprintf("stats.%s: q[%d] = %v is not in [0, %v]", e.Func, e.Index, e.Q, e.Max)
}

// Is makes errors.Is(err, ErrQuantile) true.
func (e *QuantileError) Is(t error) bool { return t == ErrQuantile }

// QuantileMethod is numpy's method= of quantile and percentile. The zero
// value is Linear, numpy's default.
type QuantileMethod uint8

// The methods of numpy 1.24 (Hyndman and Fan's nine and numpy's four
// others). Lower, Higher, Nearest, InvertedCDF and ClosestObservation
// pick an element and keep the input dtype; the others interpolate and
// give float64.
const (
	Linear QuantileMethod = iota
	Lower
	Higher
	Nearest
	Midpoint
	InvertedCDF
	AveragedInvertedCDF
	ClosestObservation
	InterpolatedInvertedCDF
	Hazen
	Weibull
	MedianUnbiased
	NormalUnbiased
	methodMedian // Median: numpy's mean of the middle values
)

var methodNames = [...]string{"linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf",
	"averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf", "hazen",
	"weibull", "median_unbiased", "normal_unbiased", "median"}

// String is numpy's name of the method ("linear", "hazen", ...).
func (m QuantileMethod) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("QuantileMethod(%d)", uint8(m))
}

// ParseQuantileMethod returns the method numpy names name, or an error
// wrapping ErrMethod that names it.
func ParseQuantileMethod(name string) (QuantileMethod, error) {
	for i, n := range methodNames[:methodMedian] {
		if n == name {
			return QuantileMethod(i), nil
		}
	}
	return 0, fmt.Errorf("%w: %q (numpy's are linear, lower, higher, nearest, midpoint, inverted_cdf, averaged_inverted_cdf, closest_observation, interpolated_inverted_cdf, hazen, weibull, median_unbiased, normal_unbiased)", ErrMethod, name)
}

func (m QuantileMethod) valid() bool { return m <= methodMedian }

func (m QuantileMethod) discrete() bool {
	switch m {
	case Lower, Higher, Nearest, InvertedCDF, ClosestObservation:
		return true
	}
	return false
}

func (m QuantileMethod) alphaBeta() (float64, float64) {
	switch m {
	case InterpolatedInvertedCDF:
		return 0, 1
	case Hazen:
		return 0.5, 0.5
	case Weibull:
		return 0, 0
	case MedianUnbiased:
		return 1 / 3.0, 1 / 3.0
	case NormalUnbiased:
		return 3 / 8.0, 3 / 8.0
	}
	return 1, 1
}

// DefaultQuantileMemory is the memory one quantile task may hold when no
// QuantileMemory option is given (256 MiB).
const DefaultQuantileMemory = ndarray.DefaultRechunkMemory

// QuantileOption configures the quantile, percentile and median
// functions.
type QuantileOption func(*quantileConfig)

type quantileConfig struct {
	axes     []int
	keepDims bool
	method   QuantileMethod
	mem      int64
	radix    bool // tests: take the multi-pass plan whatever the budget
}

// QuantileAxis reduces over the given axes (negative counts from the
// end). Without it, or with no axes, every axis is reduced.
func QuantileAxis(axes ...int) QuantileOption {
	return func(c *quantileConfig) { c.axes = slices.Clone(axes) }
}

// QuantileKeepDims keeps the reduced axes with length one (numpy's
// keepdims=True).
func QuantileKeepDims() QuantileOption { return func(c *quantileConfig) { c.keepDims = true } }

// WithQuantileMethod chooses numpy's method= (Linear when not given).
// Median and NanMedian ignore it.
func WithQuantileMethod(m QuantileMethod) QuantileOption {
	return func(c *quantileConfig) { c.method = m }
}

// QuantileMemory bounds the bytes one task of the computation may hold
// (DefaultQuantileMemory when not given); it decides the plan (see
// Quantile) and must be at least 64 KiB.
func QuantileMemory(n int64) QuantileOption { return func(c *quantileConfig) { c.mem = n } }

// Quantiles returns numpy's quantile of a at each q of qs, all in [0, 1],
// over the reduced axes (every axis unless QuantileAxis), exactly, for any
// chunking of a, in memory bounded by QuantileMemory. The result has a
// leading axis of len(qs), then the kept axes (numpy's list q); reduced
// axes stay with length one under QuantileKeepDims.
//
// Dtype as numpy 1.24: the interpolating methods (Linear and the others)
// give float64 for every input, float32 included; Lower, Higher, Nearest,
// InvertedCDF and ClosestObservation give the input dtype. Integer,
// unsigned and float dtypes are accepted (ErrDType otherwise).
//
// NaN: a slice holding NaN gives NaN (numpy's quantile); see NanQuantiles.
// A slice of no elements fails with ErrEmpty, as numpy raises.
//
// Plan: when one output element's whole slice fits a quarter of the
// memory budget, the array is rechunked so the reduced axes are whole and
// the kept axes cut to fit, and each block's slices are reduced by an
// exact selection (introselect, not a sort). Otherwise the values are
// selected by radix on the order-preserving integer key of each value,
// never holding a slice: pass 1 counts the values of each output element
// in 256 bins of the key's top byte, each later pass counts the next byte
// of the values still in the bracket of each order statistic, so a dtype
// of w bits costs w/8 passes over a (8 for float64 and int64, 4 for
// float32, 2 for int16); per pass the counters of only as many output
// elements as fit the budget are live, summed from per-block partials by
// a tree. Each pass reads a again: a source block with no inputs (a chunk
// read, a generator) is re-read per pass, while a block computed from
// others is kept between passes (persist or store such an array first).
//
// Errors (carried by the returned array): a q out of range or NaN (a
// *QuantileError wrapping ErrQuantile), an unknown method (ErrMethod), an
// axis out of range or repeated (ErrAxis), an unsupported dtype
// (ErrDType), a budget below 64 KiB.
func Quantiles(a *ndarray.Array, qs []float64, opts ...QuantileOption) *ndarray.Array {
	return quantile("Quantiles", a, qs, 1, false, false, false, opts)
}

// Quantile is Quantiles of one q: the result has the kept axes only, as
// numpy's quantile with a scalar q.
func Quantile(a *ndarray.Array, q float64, opts ...QuantileOption) *ndarray.Array {
	return quantile("Quantile", a, []float64{q}, 1, false, false, true, opts)
}

// NanQuantiles is Quantiles ignoring NaN (numpy's nanquantile): each
// slice's quantiles are those of its values that are not NaN, NaN for a
// slice of only NaN; an empty reduction gives NaN as numpy's nanmean of
// nothing (float32 for float32 input, float64 otherwise).
func NanQuantiles(a *ndarray.Array, qs []float64, opts ...QuantileOption) *ndarray.Array {
	return quantile("NanQuantiles", a, qs, 1, true, false, false, opts)
}

// NanQuantile is NanQuantiles of one q.
func NanQuantile(a *ndarray.Array, q float64, opts ...QuantileOption) *ndarray.Array {
	return quantile("NanQuantile", a, []float64{q}, 1, true, false, true, opts)
}

// Percentiles is Quantiles with each q in [0, 100] (numpy's percentile,
// which takes q/100).
func Percentiles(a *ndarray.Array, qs []float64, opts ...QuantileOption) *ndarray.Array {
	return quantile("Percentiles", a, qs, 100, false, false, false, opts)
}

// Percentile is Percentiles of one q.
func Percentile(a *ndarray.Array, q float64, opts ...QuantileOption) *ndarray.Array {
	return quantile("Percentile", a, []float64{q}, 100, false, false, true, opts)
}

// NanPercentiles is NanQuantiles with each q in [0, 100].
func NanPercentiles(a *ndarray.Array, qs []float64, opts ...QuantileOption) *ndarray.Array {
	return quantile("NanPercentiles", a, qs, 100, true, false, false, opts)
}

// NanPercentile is NanPercentiles of one q.
func NanPercentile(a *ndarray.Array, q float64, opts ...QuantileOption) *ndarray.Array {
	return quantile("NanPercentile", a, []float64{q}, 100, true, false, true, opts)
}

// Median is numpy's median over the reduced axes: the middle value, or the
// mean of the two middle values computed as numpy does (in float32 for
// float32 input, which it keeps; in float64, the result dtype, otherwise).
// A slice holding NaN gives NaN; a slice of no elements gives NaN, as
// numpy. Plans, memory and errors as Quantiles.
func Median(a *ndarray.Array, opts ...QuantileOption) *ndarray.Array {
	return quantile("Median", a, []float64{0.5}, 1, false, true, true, opts)
}

// NanMedian is Median ignoring NaN (numpy's nanmedian); NaN for a slice
// of only NaN.
func NanMedian(a *ndarray.Array, opts ...QuantileOption) *ndarray.Array {
	return quantile("NanMedian", a, []float64{0.5}, 1, true, true, true, opts)
}

func supportedDType(dt block.DType) bool {
	switch dt {
	case block.Int8, block.Int16, block.Int32, block.Int64, block.Uint8, block.Uint16,
		block.Uint32, block.Uint64, block.Float32, block.Float64:
		return true
	}
	return false
}

// quantileOutDType is numpy 1.24's result dtype.
func quantileOutDType(m QuantileMethod, in block.DType) block.DType {
	switch {
	case m == methodMedian && in == block.Float32:
		return block.Float32
	case m.discrete():
		return in
	}
	return block.Float64
}

// normAxes resolves axes against rank (all when empty) into a mask.
func normAxes(fn string, axes []int, rank int) ([]bool, error) {
	red := make([]bool, rank)
	if len(axes) == 0 {
		for i := range red {
			red[i] = true
		}
		return red, nil
	}
	for _, ax := range axes {
		a := ax
		if a < 0 {
			a += rank
		}
		if a < 0 || a >= rank {
			return nil, fmt.Errorf("stats.%s: %w: axis %d for an array of rank %d", fn, ErrAxis, ax, rank)
		}
		if red[a] {
			return nil, fmt.Errorf("stats.%s: %w: axis %d repeated", fn, ErrAxis, ax)
		}
		red[a] = true
	}
	return red, nil
}

func checkQs(fn string, qs []float64, scale float64) ([]float64, error) {
	if len(qs) == 0 {
		return nil, fmt.Errorf("stats.%s: %w: no q given", fn, ErrQuantile)
	}
	out := make([]float64, len(qs))
	for i, q := range qs {
		if math.IsNaN(q) || q < 0 || q > scale {
			return nil, &QuantileError{Func: fn, Index: i, Q: q, Max: scale}
		}
		out[i] = q / scale
		if scale == 1 {
			out[i] = q
		}
	}
	return out, nil
}
