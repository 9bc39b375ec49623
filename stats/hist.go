package stats

import (
	"errors"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// Errors of the histogram family (Histogram, Histogram2D, Bincount).
var (
	// ErrHistBins reports bins numpy refuses: a bin count below one, edges
	// that decrease, fewer than two edges, a range whose low end is not
	// below its high end, or a non-finite range or edge.
	ErrHistBins = errors.New("stats: invalid histogram bins")
	// ErrHistWeights reports weights whose shape is not the data's, or of
	// a dtype that is not a real number.
	ErrHistWeights = errors.New("stats: invalid histogram weights")
	// ErrHistDType reports data of a dtype a histogram or bincount does
	// not take (strings, times, complex; floats for Bincount).
	ErrHistDType = errors.New("stats: dtype not supported")
)

// Bins describes the bins of one histogram axis: a number of equal bins
// over a range (UniformBins) or explicit edges (EdgeBins). The zero Bins
// is invalid.
type Bins struct {
	n      int
	lo, hi float64
	edges  []float64
}

// UniformBins is n equal bins over [lo, hi] (numpy's bins=n,
// range=(lo, hi)); the edges are numpy's linspace(lo, hi, n+1). n must be
// at least 1 and lo < hi, both finite. numpy widens an empty range
// (lo == hi) by 0.5 on each side; tessera refuses it, as an automatic
// range is not computed: pass the range from reduce.Min and reduce.Max
// when it is not known.
func UniformBins(n int, lo, hi float64) Bins { return Bins{n: n, lo: lo, hi: hi} }

// EdgeBins is the bins between consecutive edges, which must not decrease
// and number at least two (numpy's bins=edges). The slice is copied.
func EdgeBins(edges ...float64) Bins {
	if len(edges) == 0 {
		return Bins{n: -1}
	}
	return Bins{edges: append([]float64{}, edges...)}
}

// resolve checks the bins and returns their edges: numpy's linspace for
// uniform bins, rounded to float32 when f32 (numpy computes the edges in
// the data's float dtype).
func (b Bins) resolve(where string, f32 bool) ([]float64, bool, error) {
	if b.edges != nil {
		e := b.edges
		if len(e) < 2 {
			return nil, false, fmt.Errorf("%s: %w: %d edges, need at least 2", where, ErrHistBins, len(e))
		}
		for i, x := range e {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, false, fmt.Errorf("%s: %w: edge %d is %v", where, ErrHistBins, i, x)
			}
			if i > 0 && x < e[i-1] {
				return nil, false, fmt.Errorf("%s: %w: bins must increase monotonically, edge %d (%v) is below edge %d (%v)", where, ErrHistBins, i, x, i-1, e[i-1])
			}
		}
		return append([]float64{}, e...), false, nil
	}
	if b.n < 1 {
		return nil, false, fmt.Errorf("%s: %w: %d bins, need at least 1", where, ErrHistBins, b.n)
	}
	if math.IsNaN(b.lo) || math.IsNaN(b.hi) || math.IsInf(b.lo, 0) || math.IsInf(b.hi, 0) {
		return nil, false, fmt.Errorf("%s: %w: range [%v, %v] is not finite", where, ErrHistBins, b.lo, b.hi)
	}
	if b.lo >= b.hi {
		return nil, false, fmt.Errorf("%s: %w: range [%v, %v]: the low end must be below the high end", where, ErrHistBins, b.lo, b.hi)
	}
	if b.n > maxBins {
		return nil, false, fmt.Errorf("%s: %w: %d bins, more than %d", where, ErrHistBins, b.n, maxBins)
	}
	return linspace(b.lo, b.hi, b.n+1, f32), true, nil
}

// maxBins bounds the bins of one axis (and of a 2-d histogram's product):
// the counts travel as one block per partial.
const maxBins = 1 << 24

// linspace is numpy's linspace(lo, hi, num) with endpoint: i*step + lo,
// the last element exactly hi.
func linspace(lo, hi float64, num int, f32 bool) []float64 {
	e := make([]float64, num)
	step := (hi - lo) / float64(num-1)
	for i := range e {
		e[i] = float64(i)*step + lo
	}
	e[num-1] = hi
	if f32 {
		for i, x := range e {
			e[i] = float64(float32(x))
		}
	}
	return e
}

// HistOption configures Histogram and Histogram2D.
type HistOption func(*histConfig)

type histConfig struct {
	weights *ndarray.Array
	density bool
}

// HistWeights weighs every element of the data by the matching element of
// w, which must have the data's shape (its chunks may differ: it is
// rechunked to the data's). Counts become sums of weights: int64 for
// integer and bool weights, float64 for float weights.
func HistWeights(w *ndarray.Array) HistOption { return func(c *histConfig) { c.weights = w } }

// HistDensity makes the result a probability density, numpy's
// density=True: count / (total count × bin width), float64. The integral
// over the range is one.
func HistDensity() HistOption { return func(c *histConfig) { c.density = true } }

// Histogram is numpy's histogram of every element of a: the counts of the
// bins of bins, lazily, and the bin edges (len = bins + 1). Bin i holds
// edge[i] <= x < edge[i+1], the last bin its right edge too; values
// outside the edges and NaN are ignored (numpy drops NaN when the range is
// given, and tessera always needs one). Counts are int64; with HistWeights
// sums of weights, with HistDensity float64 densities.
//
// Each block of a is binned by one task that evaluates a's fused
// elementwise expression tile by tile, so a's elements never exist as a
// block; the partial counts (one small block each) are summed in a tree,
// so memory depends on the number of bins and tasks in flight, not on
// the size of a. The edges of uniform bins follow numpy for float32 data
// too (computed in float32).
//
// Errors on the returned array (the edges are then nil): ErrHistBins,
// ErrHistWeights, ErrHistDType, and a's own error.
func Histogram(a *ndarray.Array, bins Bins, opts ...HistOption) (*ndarray.Array, []float64) {
	const where = "stats.Histogram"
	var cfg histConfig
	for _, o := range opts {
		o(&cfg)
	}
	if err := checkData(where, a); err != nil {
		return ndarray.Errored(err), nil
	}
	edges, uniform, err := bins.resolve(where, a.DType() == block.Float32)
	if err != nil {
		return ndarray.Errored(err), nil
	}
	w, err := alignWeights(where, a, cfg.weights)
	if err != nil {
		return ndarray.Errored(err), nil
	}
	spec := countSpec{Mode: modeHist, Edges: [][]float64{edges}, Uniform: []bool{uniform}, Density: cfg.density}
	return countArray(where, spec, a, nil, w), edges
}

// Histogram2D is numpy's histogram2d of the pairs (x[i], y[i]) of two
// arrays of one shape (y and the weights are rechunked to x's chunks):
// a lazy (len(xedges)-1, len(yedges)-1) float64 array of counts (sums of
// weights with HistWeights, densities with HistDensity) and the edges
// of both axes. Binning follows numpy's histogramdd: each axis as
// Histogram's edges rule, the last bin closed; pairs with either value
// outside its edges or NaN are ignored. Memory and errors as Histogram;
// ErrHistBins too for more than 2^24 bins in all.
func Histogram2D(x, y *ndarray.Array, xbins, ybins Bins, opts ...HistOption) (*ndarray.Array, []float64, []float64) {
	const where = "stats.Histogram2D"
	var cfg histConfig
	for _, o := range opts {
		o(&cfg)
	}
	if err := checkData(where, x); err != nil {
		return ndarray.Errored(err), nil, nil
	}
	if err := checkData(where, y); err != nil {
		return ndarray.Errored(err), nil, nil
	}
	if !sameShape(x.Shape(), y.Shape()) {
		return ndarray.Errored(fmt.Errorf("%s: %w: x of shape %v and y of shape %v", where, block.ErrShape, x.Shape(), y.Shape())), nil, nil
	}
	xe, _, err := xbins.resolve(where+" x", false)
	if err != nil {
		return ndarray.Errored(err), nil, nil
	}
	ye, _, err := ybins.resolve(where+" y", false)
	if err != nil {
		return ndarray.Errored(err), nil, nil
	}
	if int64(len(xe)-1)*int64(len(ye)-1) > maxBins {
		return ndarray.Errored(fmt.Errorf("%s: %w: %d×%d bins, more than %d", where, ErrHistBins, len(xe)-1, len(ye)-1, maxBins)), nil, nil
	}
	yy := rechunkLike(y, x)
	if err := yy.Err(); err != nil {
		return ndarray.Errored(fmt.Errorf("%s: y: %w", where, err)), nil, nil
	}
	w, err := alignWeights(where, x, cfg.weights)
	if err != nil {
		return ndarray.Errored(err), nil, nil
	}
	spec := countSpec{Mode: modeHist, Edges: [][]float64{xe, ye}, Uniform: []bool{false, false}, Density: cfg.density, Float: true}
	return countArray(where, spec, x, yy, w), xe, ye
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkData refuses a nil or errored array and dtypes that are not real
// numbers.
func checkData(where string, a *ndarray.Array) error {
	if a == nil {
		return fmt.Errorf("%s: %w: nil *Array", where, ndarray.ErrOperand)
	}
	if err := a.Err(); err != nil {
		return err
	}
	if !realDType(a.DType()) {
		return fmt.Errorf("%s: %w: %s", where, ErrHistDType, a.DType())
	}
	return nil
}

// realDType reports the dtypes whose elements the counting ops read:
// bool, integers, float32 and float64.
func realDType(dt block.DType) bool {
	switch dt {
	case block.Bool, block.Int8, block.Int16, block.Int32, block.Int64,
		block.Uint8, block.Uint16, block.Uint32, block.Uint64, block.Float32, block.Float64:
		return true
	}
	return false
}

// rechunkLike returns b with a's chunks (b itself when they agree).
func rechunkLike(b, a *ndarray.Array) *ndarray.Array {
	if b.Grid().Equal(a.Grid()) {
		return b
	}
	return b.Rechunk(chunkSpecOf(a))
}

func alignWeights(where string, a, w *ndarray.Array) (*ndarray.Array, error) {
	if w == nil {
		return nil, nil
	}
	if err := w.Err(); err != nil {
		return nil, fmt.Errorf("%s: weights: %w", where, err)
	}
	if !sameShape(a.Shape(), w.Shape()) {
		return nil, fmt.Errorf("%s: %w: weights of shape %v for data of shape %v", where, ErrHistWeights, w.Shape(), a.Shape())
	}
	if !realDType(w.DType()) {
		return nil, fmt.Errorf("%s: %w: weights of dtype %s", where, ErrHistWeights, w.DType())
	}
	ww := rechunkLike(w, a)
	if err := ww.Err(); err != nil {
		return nil, fmt.Errorf("%s: weights: %w", where, err)
	}
	return ww, nil
}
