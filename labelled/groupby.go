package labelled

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// Errors of grouping, resampling and interpolation.
var (
	// ErrGroup reports a group key that names no 1-D coordinate of the
	// array, an unknown time component ("time.fortnight"), a time
	// component of a coordinate that holds no times, or bins that are not
	// strictly increasing.
	ErrGroup = errors.New("labelled: bad grouping")
	// ErrFrequency reports a resample frequency that is not one pandas
	// knows ("3X"), or a resample along a dim without a time index.
	ErrFrequency = errors.New("labelled: bad resample frequency")
)

// GroupBy is an array split into groups along one dim, xarray's
// DataArrayGroupBy: built by [Array.GroupBy], [Array.GroupByBins] and
// [Array.Resample]. Its reductions run as flox's map-reduce
// ([reduce.GroupReduce]): the data are never rechunked and memory does not
// depend on the size of a group. A GroupBy is immutable and safe for
// concurrent use; an errored one (see Err) returns errored arrays.
type GroupBy struct {
	a      *Array
	dim    string // the grouped dim
	axis   int
	name   string // the result's dim
	labels Index  // one label per group, in result order
	codes  []int  // one group per position along dim, -1: none
	err    error
}

func groupErr(err error) *GroupBy { return &GroupBy{err: err} }

// Err is the error that kept the grouping from being built, or nil.
func (g *GroupBy) Err() error { return g.err }

// Dim is the grouped dim of the source array.
func (g *GroupBy) Dim() string { return g.dim }

// Name is the dim the groups form in a reduction's result ("month",
// "season", "x_bins", the coordinate's name, or the resampled dim).
func (g *GroupBy) Name() string { return g.name }

// Labels is the index of the groups, in the order of the result.
func (g *GroupBy) Labels() Index { return g.labels }

// Codes is a copy of the group of each position along Dim (-1: in no
// group).
func (g *GroupBy) Codes() []int { return slices.Clone(g.codes) }

// timeComponents are the time.X keys of GroupBy and what they compute.
var timeComponents = map[string]func(cftime.Time) int64{
	"year":      func(t cftime.Time) int64 { return int64(t.Year()) },
	"month":     func(t cftime.Time) int64 { return int64(t.Month()) },
	"day":       func(t cftime.Time) int64 { return int64(t.Day()) },
	"hour":      func(t cftime.Time) int64 { return int64(t.Hour()) },
	"minute":    func(t cftime.Time) int64 { return int64(t.Minute()) },
	"dayofyear": func(t cftime.Time) int64 { return int64(t.DayOfYear()) },
	"dayofweek": func(t cftime.Time) int64 { return int64(t.DayOfWeek()) },
}

// GroupBy groups the array along the dim of a 1-D coordinate by the
// coordinate's values, or by a time component of a time coordinate:
// "time.year", "time.month", "time.day", "time.hour", "time.minute",
// "time.dayofyear", "time.dayofweek" (Monday 0) or "time.season" (DJF,
// JJA, MAM, SON, xarray's sorted order), in any cftime calendar. Groups are
// the sorted distinct values (NaN and NaT in none), and a reduction's
// result names their dim after the key's last part ("month", or the
// coordinate's name), as xarray. Errors (ErrGroup) name the key.
func (a *Array) GroupBy(key string) *GroupBy {
	if err := a.Err(); err != nil {
		return groupErr(err)
	}
	coordName, comp, hasComp := strings.Cut(key, ".")
	c := a.Coord(coordName)
	if c == nil || len(c.dims) != 1 {
		return groupErr(fmt.Errorf("%w: groupby(%q): the array has no 1-D coordinate %q (coords: %v)", ErrGroup, key, coordName, a.coordNames()))
	}
	g := &GroupBy{a: a, dim: c.dims[0], axis: slices.Index(a.v.dims, c.dims[0]), name: coordName}
	vals := c.values
	if hasComp {
		ti, isTime := vals.(TimeIndex)
		if !isTime {
			return groupErr(fmt.Errorf("%w: groupby(%q): coordinate %q holds %s, not times", ErrGroup, key, coordName, vals.DType()))
		}
		g.name = comp
		ts := ti.Times()
		if comp == "season" {
			s := make([]string, ts.Len())
			ok := make([]bool, ts.Len())
			for i := range s {
				if t, has := ts.At(i); has {
					s[i], ok[i] = t.Season(), true
				}
			}
			l, codes := factorize(s, ok)
			g.labels, g.codes = StringIndex(l), codes
			return g
		}
		var ok []bool
		f, known := timeComponents[comp]
		if !known {
			return groupErr(fmt.Errorf("%w: groupby(%q): unknown time component %q (known: year, month, day, hour, minute, dayofyear, dayofweek, season)", ErrGroup, key, comp))
		}
		v := make([]int64, ts.Len())
		ok = make([]bool, ts.Len())
		for i := range v {
			if t, has := ts.At(i); has {
				v[i], ok[i] = f(t), true
			}
		}
		l, codes := factorize(v, ok)
		g.labels, g.codes = Int64Index(l), codes
		return g
	}
	switch x := vals.(type) {
	case Float64Index:
		ok := make([]bool, len(x))
		for i, v := range x {
			ok[i] = !math.IsNaN(v)
		}
		l, codes := factorize([]float64(x), ok)
		g.labels, g.codes = Float64Index(l), codes
	case Int64Index:
		l, codes := factorize([]int64(x), nil)
		g.labels, g.codes = Int64Index(l), codes
	case StringIndex:
		l, codes := factorize([]string(x), nil)
		g.labels, g.codes = StringIndex(l), codes
	default:
		// any other index: group by key, in order of first appearance
		keys := map[any]int{}
		var pos []int
		g.codes = make([]int, vals.Len())
		for i := range g.codes {
			k := vals.Key(i)
			if vals.Label(i) == nil {
				g.codes[i] = -1
				continue
			}
			j, seen := keys[k]
			if !seen {
				j = len(pos)
				keys[k] = j
				pos = append(pos, i)
			}
			g.codes[i] = j
		}
		g.labels = vals.Take(pos)
	}
	return g
}

// factorize returns the sorted distinct values of v (those with ok[i],
// every one when ok is nil) and each position's code among them.
func factorize[T cmp.Ordered](v []T, ok []bool) ([]T, []int) {
	var u []T
	for i, x := range v {
		if ok == nil || ok[i] {
			u = append(u, x)
		}
	}
	slices.Sort(u)
	u = slices.Compact(u)
	codes := make([]int, len(v))
	for i, x := range v {
		codes[i] = -1
		if ok == nil || ok[i] {
			codes[i], _ = slices.BinarySearch(u, x)
		}
	}
	return u, codes
}

func (a *Array) coordNames() []string {
	var s []string
	for _, c := range a.coords {
		s = append(s, c.name)
	}
	return s
}

// GroupByBins groups the array along the dim of the 1-D numeric
// coordinate coord by the bins between consecutive edges, as xarray's
// groupby_bins (pandas.cut): intervals (e0, e1], (e1, e2], ... with right
// true, [e0, e1), ... otherwise; values outside every bin (and NaN) are in
// none. Every bin is a group, empty ones too (their reductions give NaN,
// or 0 for sum and count). The groups' dim is coord + "_bins", labelled by
// labels when given (one per bin) or by pandas' interval strings
// ("(0.0, 10.0]"). Edges that are fewer than two or not strictly
// increasing, and a label count other than the bin count, are ErrGroup.
func (a *Array) GroupByBins(coord string, edges []float64, labels []string, right bool) *GroupBy {
	if err := a.Err(); err != nil {
		return groupErr(err)
	}
	c := a.Coord(coord)
	if c == nil || len(c.dims) != 1 {
		return groupErr(fmt.Errorf("%w: groupby_bins(%q): the array has no 1-D coordinate %q (coords: %v)", ErrGroup, coord, coord, a.coordNames()))
	}
	if len(edges) < 2 {
		return groupErr(fmt.Errorf("%w: groupby_bins(%q): %d bin edges, need at least 2", ErrGroup, coord, len(edges)))
	}
	for i := 1; i < len(edges); i++ {
		if !(edges[i] > edges[i-1]) {
			return groupErr(fmt.Errorf("%w: groupby_bins(%q): bin edges must increase strictly, edge %d (%v) follows %v", ErrGroup, coord, i, edges[i], edges[i-1]))
		}
	}
	nb := len(edges) - 1
	if labels != nil && len(labels) != nb {
		return groupErr(fmt.Errorf("%w: groupby_bins(%q): %d labels for %d bins", ErrGroup, coord, len(labels), nb))
	}
	g := &GroupBy{a: a, dim: c.dims[0], axis: slices.Index(a.v.dims, c.dims[0]), name: coord + "_bins"}
	if labels != nil {
		g.labels = StringIndex(slices.Clone(labels))
	} else {
		l := make([]string, nb)
		for i := range l {
			lo, hi := formatFloat(edges[i]), formatFloat(edges[i+1])
			if right {
				l[i] = "(" + lo + ", " + hi + "]"
			} else {
				l[i] = "[" + lo + ", " + hi + ")"
			}
		}
		g.labels = StringIndex(l)
	}
	n := c.values.Len()
	g.codes = make([]int, n)
	for i := range n {
		g.codes[i] = -1
		x, ok := toFloat(c.values.Label(i))
		if !ok {
			return groupErr(fmt.Errorf("%w: groupby_bins(%q): coordinate holds %s, not numbers", ErrGroup, coord, c.values.DType()))
		}
		if math.IsNaN(x) {
			continue
		}
		var j int
		if right {
			j = sortSearch(edges, func(e float64) bool { return e >= x }) // first edge >= x
		} else {
			j = sortSearch(edges, func(e float64) bool { return e > x })
		}
		if j >= 1 && j <= nb {
			g.codes[i] = j - 1
		}
	}
	return g
}

func sortSearch(s []float64, f func(float64) bool) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(s[m]) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// groupKinds maps a Reduction to its grouped kinds (plain, NaN-skipping).
var groupKinds = map[Reduction][2]reduce.GroupKind{
	Sum:   {reduce.GroupSum, reduce.GroupNanSum},
	Prod:  {reduce.GroupProd, reduce.GroupNanProd},
	Mean:  {reduce.GroupMean, reduce.GroupNanMean},
	Min:   {reduce.GroupMin, reduce.GroupNanMin},
	Max:   {reduce.GroupMax, reduce.GroupNanMax},
	Var:   {reduce.GroupVar, reduce.GroupNanVar},
	Std:   {reduce.GroupStd, reduce.GroupNanStd},
	Count: {reduce.GroupCount, reduce.GroupCount},
	Any:   {reduce.GroupAny, reduce.GroupAny},
	All:   {reduce.GroupAll, reduce.GroupAll},
}

// Reduce reduces every group with r, lazily: the result has the source's
// dims with Dim replaced, in place, by Name, labelled by the groups;
// coordinates on Dim are dropped. skipna follows xarray (SkipNA; NaN
// skipped by default for float data), Var and Std take DDOF. ArgMin and
// ArgMax are not grouped reductions (ErrArgument).
func (g *GroupBy) Reduce(r Reduction, opts ...ReduceOption) *Array {
	if g.err != nil {
		return Errored(g.err)
	}
	ks, ok := groupKinds[r]
	if !ok {
		return Errored(argErr("groupby: %v is not a grouped reduction", r))
	}
	var cfg reduceConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return g.reduceKind(ks, cfg)
}

func (g *GroupBy) reduceKind(ks [2]reduce.GroupKind, cfg reduceConfig) *Array {
	skip := g.a.v.data.DType().IsFloat()
	if cfg.skipna != nil {
		skip = *cfg.skipna && skip
	}
	k := ks[0]
	if skip {
		k = ks[1]
	}
	data := reduce.GroupReduce(g.a.v.data, g.axis, g.codes, g.labels.Len(), k, reduce.DDOF(cfg.ddof))
	return g.result(data, cfg.keepAttrs)
}

// result labels data, which has Dim replaced by the groups.
func (g *GroupBy) result(data *ndarray.Array, keepAttrs bool) *Array {
	dims := slices.Clone(g.a.v.dims)
	dims[g.axis] = g.name
	var coords []*Coord
	for _, c := range g.a.coords {
		if !slices.Contains(c.dims, g.dim) && c.name != g.name {
			coords = append(coords, c)
		}
	}
	coords = append(coords, IndexCoord(g.name, g.labels))
	out := g.a.derive(data, dims, coords, keepAttrs)
	if err := out.checkCoords(); err != nil {
		return Errored(err)
	}
	return g.maskEmpty(out)
}

// maskEmpty makes the entries of groups without members NaN (as float),
// as xarray restores empty bins of groupby_bins and resample: NaN for
// every reduction, counts and sums too.
func (g *GroupBy) maskEmpty(out *Array) *Array {
	empty := make([]bool, g.labels.Len())
	for i := range empty {
		empty[i] = true
	}
	for _, c := range g.codes {
		if c >= 0 {
			empty[c] = false
		}
	}
	if !slices.Contains(empty, true) {
		return out
	}
	return nanWhere(out, g.name, empty)
}

// nanWhere is out with NaN (out cast to float64 unless float) at the
// positions along dim where mask is true; dims keep their order.
func nanWhere(out *Array, dim string, mask []bool) *Array {
	d, err := block.FromSlice(slices.Clone(mask), len(mask))
	if err != nil {
		return Errored(err)
	}
	m := New(ndarray.FromDense(d, chunk.Uniform(max(len(mask), 1))), []string{dim})
	if !out.DType().IsFloat() {
		out = out.Map(func(x *ndarray.Array) *ndarray.Array { return x.AsType(block.Float64, block.OverflowError) })
	}
	res := Where(m, math.NaN(), out)
	if res.Err() != nil {
		return res
	}
	return res.Transpose(out.v.dims...)
}

// Mean is Reduce(Mean).
func (g *GroupBy) Mean() *Array { return g.Reduce(Mean) }

// Sum is Reduce(Sum).
func (g *GroupBy) Sum() *Array { return g.Reduce(Sum) }

// Min is Reduce(Min).
func (g *GroupBy) Min() *Array { return g.Reduce(Min) }

// Max is Reduce(Max).
func (g *GroupBy) Max() *Array { return g.Reduce(Max) }

// Count is Reduce(Count): the number of non-NaN values of each group.
func (g *GroupBy) Count() *Array { return g.Reduce(Count) }

// Std is Reduce(Std) with the options given (DDOF).
func (g *GroupBy) Std(opts ...ReduceOption) *Array { return g.Reduce(Std, opts...) }

// Var is Reduce(Var) with the options given (DDOF).
func (g *GroupBy) Var(opts ...ReduceOption) *Array { return g.Reduce(Var, opts...) }

// First is each group's first value along Dim (the first non-NaN one
// when skipping NaN, the default for float data, as xarray's first).
func (g *GroupBy) First(opts ...ReduceOption) *Array {
	return g.firstLast([2]reduce.GroupKind{reduce.GroupFirst, reduce.GroupNanFirst}, opts)
}

// Last is each group's last value along Dim, as First.
func (g *GroupBy) Last(opts ...ReduceOption) *Array {
	return g.firstLast([2]reduce.GroupKind{reduce.GroupLast, reduce.GroupNanLast}, opts)
}

func (g *GroupBy) firstLast(ks [2]reduce.GroupKind, opts []ReduceOption) *Array {
	if g.err != nil {
		return Errored(g.err)
	}
	var cfg reduceConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return g.reduceKind(ks, cfg)
}
