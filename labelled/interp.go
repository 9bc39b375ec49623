package labelled

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// InterpMethod selects how Interp and InterpolateNA fill between labels.
type InterpMethod uint8

const (
	// InterpLinear interpolates linearly in the coordinate (xarray's "linear").
	InterpLinear InterpMethod = iota
	// InterpNearest takes the value at the nearest label, the lower one at a
	// tie (scipy's interp1d "nearest", which xarray uses).
	InterpNearest
)

// String is xarray's name of the method.
func (m InterpMethod) String() string {
	switch m {
	case InterpLinear:
		return "linear"
	case InterpNearest:
		return "nearest"
	}
	return fmt.Sprintf("InterpMethod(%d)", uint8(m))
}

// axisNumbers is the index of dim as increasing float64 numbers: numeric
// labels as they are, times as days (with fractions) since the first
// time, in the index's calendar. ref is that first time for a time index.
func axisNumbers(ix Index, dim string) (xs []float64, ref *cftime.Time, err error) {
	switch x := ix.(type) {
	case Float64Index:
		xs = slices.Clone([]float64(x))
	case Int64Index:
		xs = make([]float64, len(x))
		for i, v := range x {
			xs[i] = float64(v)
		}
	case TimeIndex:
		ts := x.Times()
		xs = make([]float64, ts.Len())
		if ts.Len() > 0 {
			t0, ok := ts.At(0)
			if !ok {
				return nil, nil, &LabelError{Dim: dim, Err: fmt.Errorf("%w: NaT in the time index", ErrNotMonotonic)}
			}
			ref = &t0
			for i := range xs {
				t, ok := ts.At(i)
				if !ok {
					return nil, nil, &LabelError{Dim: dim, Err: fmt.Errorf("%w: NaT in the time index", ErrNotMonotonic)}
				}
				xs[i] = timeNumber(t, t0)
			}
		}
	case nil:
		return nil, nil, &LabelError{Dim: dim, Err: ErrNoIndex}
	default:
		return nil, nil, &LabelError{Dim: dim, Err: fmt.Errorf("%w: cannot interpolate on %s labels", ErrLabelType, ix.DType())}
	}
	for i := 1; i < len(xs); i++ {
		if !(xs[i] > xs[i-1]) {
			return nil, nil, &LabelError{Dim: dim, Label: ix.Label(i), Err: fmt.Errorf("%w: interpolation needs strictly increasing labels", ErrNotMonotonic)}
		}
	}
	return xs, ref, nil
}

func timeNumber(t, ref cftime.Time) float64 {
	d, ns := t.Between(ref)
	return float64(d) + float64(ns)/float64(24*time.Hour)
}

// targets converts Interp's new labels to numbers on the axis's scale and
// the index the result carries.
func targets(at any, ref *cftime.Time, cal cftime.Calendar, isTime bool, dim string) ([]float64, Index, error) {
	bad := func() error {
		return &LabelError{Dim: dim, Label: at, Err: fmt.Errorf("%w: interp targets must be []float64, []int64 or []int for a numeric index and []cftime.Time or cftime.Times for a time index", ErrLabelType)}
	}
	if isTime {
		var ts cftime.Times
		switch v := at.(type) {
		case cftime.Times:
			ts = v
		case []cftime.Time:
			var err error
			if ts, err = cftime.TimesOf(v); err != nil {
				return nil, nil, &LabelError{Dim: dim, Err: fmt.Errorf("%w: %w", ErrLabelType, err)}
			}
		default:
			return nil, nil, bad()
		}
		xs := make([]float64, ts.Len())
		for i := range xs {
			t, ok := ts.At(i)
			if !ok {
				xs[i] = math.NaN()
				continue
			}
			if t.Calendar() != cal {
				return nil, nil, &LabelError{Dim: dim, Label: t, Err: fmt.Errorf("%w: a %s time on a %s index", ErrLabelType, t.Calendar(), cal)}
			}
			if ref != nil {
				xs[i] = timeNumber(t, *ref)
			}
		}
		return xs, NewTimeIndex(ts), nil
	}
	switch v := at.(type) {
	case []float64:
		return slices.Clone(v), Float64Index(slices.Clone(v)), nil
	case []int64:
		xs := make([]float64, len(v))
		for i, x := range v {
			xs[i] = float64(x)
		}
		return xs, Float64Index(slices.Clone(xs)), nil
	case []int:
		xs := make([]float64, len(v))
		for i, x := range v {
			xs[i] = float64(x)
		}
		return xs, Float64Index(slices.Clone(xs)), nil
	}
	return nil, nil, bad()
}

// Interp interpolates the array along dim at the labels at, lazily, as
// xarray's interp(dim=at, method=...): at is []float64 (or []int64,
// []int) for a numeric index, []cftime.Time or cftime.Times in the
// index's calendar for a time index (interpolated on the times as day
// numbers in that calendar). Labels outside the index's range, and NaN,
// give NaN. The result is float (float64 for integer data) with dim
// labelled by at; other coordinates on dim are dropped. Each output block
// gathers only the source blocks its neighbours lie in.
//
// Errors: ErrDim for an unknown dim, a *LabelError wrapping ErrNoIndex,
// ErrLabelType (targets of another kind, an index that is not numeric or
// time) or ErrNotMonotonic (labels that do not increase strictly).
func (a *Array) Interp(dim string, at any, method InterpMethod) *Array {
	if err := a.Err(); err != nil {
		return a
	}
	ax := slices.Index(a.v.dims, dim)
	if ax < 0 {
		return Errored(dimErr("interp over %q: the array's dims are %v", dim, a.v.dims))
	}
	if method != InterpLinear && method != InterpNearest {
		return Errored(argErr("interp over %q: unknown method %v", dim, method))
	}
	ix := a.Index(dim)
	xs, ref, err := axisNumbers(ix, dim)
	if err != nil {
		return Errored(err)
	}
	ti, isTime := ix.(TimeIndex)
	var cal cftime.Calendar
	if isTime {
		cal = ti.Times().Calendar()
	}
	xt, newIx, err := targets(at, ref, cal, isTime, dim)
	if err != nil {
		return Errored(err)
	}
	n := len(xs)
	i0 := make([]int, len(xt))
	i1 := make([]int, len(xt))
	w := make([]float64, len(xt))
	for j, x := range xt {
		if n == 0 || math.IsNaN(x) || x < xs[0] || x > xs[n-1] {
			w[j] = math.NaN()
			continue
		}
		k := sort.SearchFloat64s(xs, x) // first >= x
		switch {
		case xs[k] == x:
			i0[j], i1[j] = k, k
		case method == InterpNearest:
			lo, hi := k-1, k
			i0[j] = hi
			if x-xs[lo] <= xs[hi]-x {
				i0[j] = lo
			}
			i1[j] = i0[j]
		default:
			i0[j], i1[j] = k-1, k
			w[j] = (x - xs[k-1]) / (xs[k] - xs[k-1])
		}
	}
	data := a.v.data
	if !data.DType().IsFloat() {
		data = data.AsType(block.Float64, block.OverflowError)
	}
	wshape := make([]int, a.v.data.Rank())
	for i := range wshape {
		wshape[i] = 1
	}
	wshape[ax] = len(w)
	wd, err := block.FromSlice(w, wshape...)
	if err != nil {
		return Errored(err)
	}
	wa := ndarray.FromDense(wd, chunk.Uniform(max(len(w), 1)))
	if data.DType() == block.Float32 {
		wa = wa.AsType(block.Float32, block.OverflowWrap)
	}
	lo := data.Take(i0, ax)
	var out *ndarray.Array
	if method == InterpNearest {
		// w is 0 inside the range and NaN outside: adding it masks.
		out = ndarray.Add(lo, wa)
	} else {
		hi := data.Take(i1, ax)
		out = ndarray.Add(lo, ndarray.Mul(ndarray.Sub(hi, lo), wa))
	}
	var coords []*Coord
	for _, c := range a.coords {
		if !slices.Contains(c.dims, dim) {
			coords = append(coords, c)
		}
	}
	coords = append(coords, IndexCoord(dim, newIx))
	res := a.derive(out, a.v.dims, coords, false)
	if err := res.checkCoords(); err != nil {
		return Errored(err)
	}
	return res
}

// interpNAParams are the params of the registered block function
// "labelled.interpolate_na": the axis filled, the coordinate as numbers
// along it, the method and the largest gap filled.
type interpNAParams struct {
	Axis   int
	X      []float64
	Method InterpMethod
	MaxGap float64
	// NoLimit lifts MaxGap (JSON has no infinity).
	NoLimit bool
}

func init() {
	ndarray.RegisterBlockFunc("labelled.interpolate_na", interpolateNABlock)
}

// interpolateNABlock fills the NaN runs of every line along p.Axis of a
// block that holds the whole axis.
func interpolateNABlock(ctx context.Context, in []*block.Dense, p interpNAParams, info ndarray.BlockInfo) (*block.Dense, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("labelled.interpolate_na: %d inputs", len(in))
	}
	d := in[0]
	shape := d.Shape()
	if p.Axis < 0 || p.Axis >= len(shape) || len(p.X) != shape[p.Axis] || !(p.MaxGap > 0 || p.NoLimit) || (p.Method != InterpLinear && p.Method != InterpNearest) {
		return nil, fmt.Errorf("labelled.interpolate_na: %w: axis %d, %d labels, max gap %v, method %v for a block of shape %v", ndarray.ErrParams, p.Axis, len(p.X), p.MaxGap, p.Method, shape)
	}
	out, err := d.AsType(block.Float64, block.CastOptions{})
	if err != nil {
		return nil, err
	}
	v := out.Data().([]float64)
	n := shape[p.Axis]
	stride := 1
	for _, s := range shape[p.Axis+1:] {
		stride *= s
	}
	outer := 1
	for _, s := range shape[:p.Axis] {
		outer *= s
	}
	line := make([]float64, n)
	for o := range outer {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for in := range stride {
			base := o*n*stride + in
			for i := range n {
				line[i] = v[base+i*stride]
			}
			gap := p.MaxGap
			if p.NoLimit {
				gap = math.Inf(1)
			}
			fillLine(line, p.X, p.Method, gap)
			for i := range n {
				v[base+i*stride] = line[i]
			}
		}
	}
	if d.DType() == block.Float64 {
		return out, nil
	}
	return out.AsType(d.DType(), block.CastOptions{Overflow: block.OverflowWrap})
}

// fillLine fills the interior NaN runs of y whose bounding valid labels
// are at most maxGap apart.
func fillLine(y, x []float64, m InterpMethod, maxGap float64) {
	last := -1
	for i := range y {
		if math.IsNaN(y[i]) {
			continue
		}
		if last >= 0 && i > last+1 && x[i]-x[last] <= maxGap {
			for j := last + 1; j < i; j++ {
				if m == InterpNearest {
					if x[j]-x[last] <= x[i]-x[j] {
						y[j] = y[last]
					} else {
						y[j] = y[i]
					}
					continue
				}
				y[j] = y[last] + (y[i]-y[last])*(x[j]-x[last])/(x[i]-x[last])
			}
		}
		last = i
	}
}

// InterpolateNA fills NaN along dim by interpolating between the valid
// values around each gap, as xarray's interpolate_na(dim, method,
// max_gap): a gap is filled only when the labels of the valid values that
// bound it are at most maxGap apart (in the coordinate's units: a float64
// for a numeric index, a time.Duration for a time index; math.Inf(1) or
// an infinite Duration lifts the limit). NaN before the first and after
// the last valid value stays (no extrapolation). The dim must have a
// strictly increasing numeric or time index; it is gathered into one
// chunk (other dims keep their chunks) so that each task sees whole
// lines. Errors: ErrDim, ErrArgument for maxGap not > 0 or of the wrong
// type, the *LabelError of Interp for the index.
func (a *Array) InterpolateNA(dim string, method InterpMethod, maxGap any) *Array {
	if err := a.Err(); err != nil {
		return a
	}
	ax := slices.Index(a.v.dims, dim)
	if ax < 0 {
		return Errored(dimErr("interpolate_na over %q: the array's dims are %v", dim, a.v.dims))
	}
	if method != InterpLinear && method != InterpNearest {
		return Errored(argErr("interpolate_na over %q: unknown method %v", dim, method))
	}
	ix := a.Index(dim)
	xs, _, err := axisNumbers(ix, dim)
	if err != nil {
		return Errored(err)
	}
	_, isTime := ix.(TimeIndex)
	var gap float64
	switch g := maxGap.(type) {
	case float64:
		gap = g
		if isTime {
			return Errored(argErr("interpolate_na over %q: max gap of a time index must be a time.Duration, got %v", dim, g))
		}
	case int:
		gap = float64(g)
		if isTime {
			return Errored(argErr("interpolate_na over %q: max gap of a time index must be a time.Duration, got %v", dim, g))
		}
	case time.Duration:
		if !isTime {
			return Errored(argErr("interpolate_na over %q: max gap %v is a duration but the index is numeric", dim, g))
		}
		gap = float64(g) / float64(24*time.Hour)
		if g == time.Duration(math.MaxInt64) {
			gap = math.Inf(1)
		}
	default:
		return Errored(argErr("interpolate_na over %q: max gap of type %T", dim, maxGap))
	}
	if !(gap > 0) {
		return Errored(argErr("interpolate_na over %q: max gap %v must be > 0", dim, maxGap))
	}
	data := a.v.data
	if !data.DType().IsFloat() {
		return a.derive(data, a.v.dims, a.coords, false) // nothing is NaN
	}
	chunks := data.Chunks()
	chunks[ax] = []int{max(data.Shape()[ax], 0)}
	if data.Shape()[ax] == 0 {
		return a.derive(data, a.v.dims, a.coords, false)
	}
	whole := data.Rechunk(chunk.Explicit(chunks...))
	out := ndarray.MapBlocks("labelled.interpolate_na", []*ndarray.Array{whole}, data.DType(), nil, interpNAParams{Axis: ax, X: xs, Method: method, MaxGap: finite(gap), NoLimit: math.IsInf(gap, 1)})
	return a.derive(out, a.v.dims, a.coords, false)
}

func finite(v float64) float64 {
	if math.IsInf(v, 0) {
		return 0
	}
	return v
}
