package labelled

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/tessera-array/tessera/ndarray"
)

// Indexer is a positional selection on one named dim, for Isel: At, Range
// or Take.
type Indexer struct {
	dim               string
	kind              int // 0 at, 1 range, 2 take
	at                int
	start, stop, step int
	pos               []int
}

// At selects position i of dim and drops the dim (its dimension coordinate
// becomes a scalar coordinate). Negative i counts from the end.
func At(dim string, i int) Indexer { return Indexer{dim: dim, kind: 0, at: i} }

// Range selects positions start:stop:step of dim with Python's slice rules
// (ndarray.None omits a bound; a negative step walks backwards).
func Range(dim string, start, stop, step int) Indexer {
	return Indexer{dim: dim, kind: 1, start: start, stop: stop, step: step}
}

// Take selects the listed positions of dim, in order (negative ones count
// from the end), keeping the dim. The slice is copied.
func Take(dim string, positions ...int) Indexer {
	return Indexer{dim: dim, kind: 2, pos: slices.Clone(positions)}
}

// Method is how Sel matches a label that is not in the index exactly.
type Method uint8

const (
	// Exact matches only equal labels (the default).
	Exact Method = iota
	// Nearest takes the closest label; of two at the same distance, the
	// larger (as pandas does, on increasing and decreasing indexes alike).
	Nearest
	// Pad takes the last label at or before the given one in the index's
	// order (pandas "pad" / "ffill"): the largest not above it on an
	// increasing index, the smallest not below it on a decreasing one.
	Pad
	// Backfill takes the first label at or after the given one in the
	// index's order (pandas "backfill" / "bfill"): the smallest not below it
	// on an increasing index, the largest not above it on a decreasing one.
	Backfill
)

// String is the method's pandas name.
func (m Method) String() string {
	switch m {
	case Exact:
		return "exact"
	case Nearest:
		return "nearest"
	case Pad:
		return "pad"
	case Backfill:
		return "backfill"
	}
	return fmt.Sprintf("Method(%d)", m)
}

// Selector is a label selection on one named dim, for Sel: Label, Labels or
// Slice, refined with WithMethod and WithTolerance.
type Selector struct {
	dim    string
	kind   int // 0 label, 1 labels, 2 slice
	labels []any
	lo, hi any
	method Method
	tol    float64
	hasTol bool
}

// Label selects the one label v of dim and drops the dim, as
// xarray's sel(dim=v). On an IntervalIndex a label naming an interval
// ("2020-02" on a time index) selects the interval and keeps the dim.
func Label(dim string, v any) Selector { return Selector{dim: dim, kind: 0, labels: []any{v}} }

// Labels selects the listed labels of dim, in order, keeping the dim.
func Labels(dim string, vs ...any) Selector {
	return Selector{dim: dim, kind: 1, labels: slices.Clone(vs)}
}

// Slice selects the labels from lo to hi inclusive, as xarray's
// sel(dim=slice(lo, hi)): on an increasing index the labels in [lo, hi], on
// a decreasing index (y from north to south) those from lo down to hi, so
// Slice("lat", 60.0, 30.0) on a decreasing lat. A slice against the index's
// direction selects nothing, as in xarray. A nil bound is open. The index
// must be monotonic (ErrNotMonotonic otherwise).
func Slice(dim string, lo, hi any) Selector { return Selector{dim: dim, kind: 2, lo: lo, hi: hi} }

// WithMethod sets how labels not in the index match (Label and Labels only).
func (s Selector) WithMethod(m Method) Selector { s.method = m; return s }

// WithTolerance bounds the distance of an inexact match (in the index's
// Distance unit): a label farther than tol from its match is not found.
func (s Selector) WithTolerance(tol float64) Selector { s.tol, s.hasTol = tol, true; return s }

// Isel selects by position along named dims, lazily: the data is indexed
// through ndarray.Array.Index (planning cost O(blocks touched)) and every
// coordinate on a selected dim is indexed in memory. A dim selected with At
// is dropped and coordinates on it lose it (a dimension coordinate becomes a
// scalar one). Unknown dims are ErrDim; positions out of range are
// ndarray.ErrIndex.
func (a *Array) Isel(sel ...Indexer) *Array {
	if a.Err() != nil {
		return a
	}
	shape := a.v.data.Shape()
	picks := map[string]pick{}
	items := make([]ndarray.Index, len(a.v.dims))
	for i := range items {
		items[i] = ndarray.All()
	}
	for _, s := range sel {
		ax := slices.Index(a.v.dims, s.dim)
		if ax < 0 {
			return Errored(dimErr("isel on %q: the array's dims are %v", s.dim, a.v.dims))
		}
		if _, dup := picks[s.dim]; dup {
			return Errored(dimErr("dim %q selected twice", s.dim))
		}
		p, item, err := resolvePick(s, shape[ax])
		if err != nil {
			return Errored(err)
		}
		picks[s.dim], items[ax] = p, item
	}
	if len(picks) == 0 {
		return a
	}
	return a.applyPicks(picks, items)
}

// resolvePick checks a positional selection on a dim of length n.
func resolvePick(s Indexer, n int) (pick, ndarray.Index, error) {
	switch s.kind {
	case 0:
		i := s.at
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return pick{}, ndarray.Index{}, fmt.Errorf("%w: position %d on dim %q of size %d", ndarray.ErrIndex, s.at, s.dim, n)
		}
		return pick{pos: []int{i}, drop: true}, ndarray.At(i), nil
	case 1:
		pos, err := slicePositions(n, s.start, s.stop, s.step)
		if err != nil {
			return pick{}, ndarray.Index{}, fmt.Errorf("%w on dim %q", err, s.dim)
		}
		return pick{pos: pos}, ndarray.Sl(s.start, s.stop, s.step), nil
	}
	pos := make([]int, len(s.pos))
	for k, p := range s.pos {
		if p < 0 {
			p += n
		}
		if p < 0 || p >= n {
			return pick{}, ndarray.Index{}, fmt.Errorf("%w: position %d on dim %q of size %d", ndarray.ErrIndex, s.pos[k], s.dim, n)
		}
		pos[k] = p
	}
	return pick{pos: pos, list: true}, ndarray.List(pos...), nil
}

// applyPicks indexes the data orthogonally, as xarray's isel: integers and
// slices in one ndarray Index expression, then each list with its own Take
// (ndarray takes one list an expression, numpy's rule for fancy indexing).
func (a *Array) applyPicks(picks map[string]pick, items []ndarray.Index) *Array {
	var lists []string
	first := slices.Clone(items)
	for ax, d := range a.v.dims {
		if p, ok := picks[d]; ok && p.list {
			lists = append(lists, d)
			first[ax] = ndarray.All()
		}
	}
	data := a.v.data.Index(first...)
	var dims []string
	for _, d := range a.v.dims {
		if p, ok := picks[d]; ok && p.drop {
			continue
		}
		dims = append(dims, d)
	}
	for _, d := range lists {
		data = data.Take(picks[d].pos, slices.Index(dims, d))
	}
	coords := make([]*Coord, 0, len(a.coords))
	for _, c := range a.coords {
		coords = append(coords, c.isel(picks))
	}
	return a.derive(data, dims, coords, true)
}

// slicePositions resolves start:stop:step on an axis of length n as
// Python's slice.indices does.
func slicePositions(n, start, stop, step int) ([]int, error) {
	if step == ndarray.None {
		step = 1
	}
	if step == 0 {
		return nil, fmt.Errorf("%w: slice step 0", ndarray.ErrIndex)
	}
	clamp := func(v, def, lo, hi int) int {
		if v == ndarray.None {
			return def
		}
		if v < 0 {
			v += n
			if v < lo {
				v = lo
			}
		} else if v > hi {
			v = hi
		}
		return v
	}
	var out []int
	if step > 0 {
		s, e := clamp(start, 0, 0, n), clamp(stop, n, 0, n)
		for i := s; i < e; i += step {
			out = append(out, i)
		}
	} else {
		s, e := clamp(start, n-1, -1, n-1), clamp(stop, -1, -1, n-1)
		for i := s; i > e; i += step {
			out = append(out, i)
		}
	}
	if out == nil {
		out = []int{}
	}
	return out, nil
}

// Sel selects by label along named dims, lazily, as xarray's sel: each
// Selector is resolved to positions on its dim's index (binary search on a
// monotonic index, O(log n) a label; a scan otherwise), then Isel applies
// them. Errors name the label and the dim (*LabelError): ErrNoIndex on a dim
// without a dimension coordinate, ErrNotFound for a label not in the index
// (or not within the tolerance), ErrNotMonotonic for a slice or an inexact
// method on an index that is neither increasing nor decreasing, and
// ErrLabelType for a label the index cannot compare.
func (a *Array) Sel(sel ...Selector) *Array {
	if a.Err() != nil {
		return a
	}
	idx := make([]Indexer, 0, len(sel))
	for _, s := range sel {
		if slices.Index(a.v.dims, s.dim) < 0 {
			return Errored(dimErr("sel on %q: the array's dims are %v", s.dim, a.v.dims))
		}
		c := a.Coord(s.dim)
		if c == nil || !c.IsIndex() {
			return Errored(&LabelError{Dim: s.dim, Err: ErrNoIndex})
		}
		ix, err := resolve(c, s)
		if err != nil {
			return Errored(err)
		}
		idx = append(idx, ix)
	}
	return a.Isel(idx...)
}

// resolve turns a label selector into a positional one on c's index.
func resolve(c *Coord, s Selector) (Indexer, error) {
	if s.hasTol && (s.tol < 0 || math.IsNaN(s.tol)) {
		return Indexer{}, argErr("tolerance %v on dim %q", s.tol, s.dim)
	}
	if s.method > Backfill {
		return Indexer{}, argErr("method %v on dim %q", s.method, s.dim)
	}
	ix := c.values
	switch s.kind {
	case 2:
		if s.method != Exact || s.hasTol {
			return Indexer{}, argErr("a method or tolerance with a label slice on dim %q (xarray refuses it too)", s.dim)
		}
		mono := c.monotonic()
		if mono == 0 {
			return Indexer{}, &LabelError{Dim: s.dim, Label: s.lo, Err: ErrNotMonotonic}
		}
		lo, hi := bound{label: s.lo}, bound{label: s.hi}
		for _, b := range []*bound{&lo, &hi} {
			if iv, ok := ix.(IntervalIndex); ok && b.label != nil {
				l, h, isIv, err := iv.Interval(b.label)
				if err != nil {
					return Indexer{}, &LabelError{Dim: s.dim, Label: b.label, Err: err}
				}
				if isIv {
					b.ivLo, b.ivHi, b.interval = l, h, true
				}
			}
		}
		start, stop, err := sliceRange(ix, mono, lo, hi)
		if err != nil {
			return Indexer{}, &LabelError{Dim: s.dim, Label: firstNonNil(s.lo, s.hi), Err: err}
		}
		return Range(s.dim, start, stop, 1), nil
	case 0:
		if iv, ok := ix.(IntervalIndex); ok && s.method == Exact {
			lo, hi, isIv, err := iv.Interval(s.labels[0])
			if err != nil {
				return Indexer{}, &LabelError{Dim: s.dim, Label: s.labels[0], Err: err}
			}
			if isIv {
				mono := c.monotonic()
				if mono == 0 {
					return Indexer{}, &LabelError{Dim: s.dim, Label: s.labels[0], Err: ErrNotMonotonic}
				}
				b := bound{label: s.labels[0], ivLo: lo, ivHi: hi, interval: true}
				start, stop, err := sliceRange(ix, mono, b, b)
				if err != nil {
					return Indexer{}, &LabelError{Dim: s.dim, Label: s.labels[0], Err: err}
				}
				if start >= stop {
					return Indexer{}, &LabelError{Dim: s.dim, Label: s.labels[0], Err: ErrNotFound}
				}
				return Range(s.dim, start, stop, 1), nil
			}
		}
		if s.method == Exact && !s.hasTol {
			// A label held more than once selects every match and keeps
			// the dim, as pandas' get_loc on a non-unique index.
			if all, err := matches(c, s.labels[0]); err == nil && len(all) > 1 {
				return Take(s.dim, all...), nil
			}
		}
		p, err := locate(c, s.labels[0], s.method, s.tol, s.hasTol)
		if err != nil {
			return Indexer{}, &LabelError{Dim: s.dim, Label: s.labels[0], Err: err}
		}
		return At(s.dim, p), nil
	default:
		pos := make([]int, len(s.labels))
		for k, l := range s.labels {
			p, err := locate(c, l, s.method, s.tol, s.hasTol)
			if err != nil {
				return Indexer{}, &LabelError{Dim: s.dim, Label: l, Err: err}
			}
			pos[k] = p
		}
		return Take(s.dim, pos...), nil
	}
}

func firstNonNil(a, b any) any {
	if a != nil {
		return a
	}
	return b
}

// orient compares label i of ix with label so that the result is
// increasing along positions: for a decreasing index the sign is flipped.
func orient(ix Index, mono, i int, label any) (int, error) {
	c, err := ix.Compare(i, label)
	return c * mono, err
}

// bound is one end of a label slice: a label, or the interval [ivLo, ivHi)
// an IntervalIndex reads in it.
type bound struct {
	label      any
	ivLo, ivHi any
	interval   bool
}

// sliceRange is the half-open position range of the inclusive label slice
// from lo to hi in the index's direction (pandas slice_indexer). An interval
// bound counts whole: from the start of lo's interval to the end of hi's on
// an increasing index (the mirror on a decreasing one).
func sliceRange(ix Index, mono int, lo, hi bound) (int, int, error) {
	n := ix.Len()
	// search is the first position whose label is past label (upper) or
	// at or past it, in the index's own direction.
	search := func(label any, upper bool) (int, error) {
		if n > 0 {
			if _, err := ix.Compare(0, label); err != nil {
				return 0, err
			}
		}
		var ferr error
		p := sort.Search(n, func(i int) bool {
			c, err := orient(ix, mono, i, label)
			if err != nil {
				ferr = err
				return false
			}
			if upper {
				return c > 0
			}
			return c >= 0
		})
		return p, ferr
	}
	start, stop := 0, n
	var err error
	switch {
	case lo.label == nil:
	case !lo.interval:
		start, err = search(lo.label, false)
	case mono > 0:
		start, err = search(lo.ivLo, false)
	default:
		start, err = search(lo.ivHi, true)
	}
	if err != nil {
		return 0, 0, err
	}
	switch {
	case hi.label == nil:
	case !hi.interval:
		stop, err = search(hi.label, true)
	case mono > 0:
		stop, err = search(hi.ivHi, false)
	default:
		stop, err = search(hi.ivLo, true)
	}
	if err != nil {
		return 0, 0, err
	}
	if stop < start {
		stop = start
	}
	return start, stop, nil
}

// locate finds the position of label under method (pandas get_indexer).
func locate(c *Coord, label any, m Method, tol float64, hasTol bool) (int, error) {
	ix := c.values
	n := ix.Len()
	if m == Exact && !hasTol {
		mono := c.monotonic()
		if mono != 0 {
			p, err := searchOriented(ix, mono, label)
			if err != nil {
				return 0, err
			}
			if p < n {
				if cmp, err := ix.Compare(p, label); err == nil && cmp == 0 {
					return p, nil
				}
			}
			return 0, ErrNotFound
		}
		for i := range n {
			cmp, err := ix.Compare(i, label)
			if err != nil {
				if errors.Is(err, ErrNotFound) {
					continue
				}
				return 0, err
			}
			if cmp == 0 {
				return i, nil
			}
		}
		return 0, ErrNotFound
	}
	mono := c.monotonic()
	if mono == 0 {
		return 0, fmt.Errorf("%w: method %v needs a monotonic index", ErrNotMonotonic, m)
	}
	// p: first position at or past label in the oriented order.
	p, err := searchOriented(ix, mono, label)
	if err != nil {
		return 0, err
	}
	exact := p < n
	if exact {
		cmp, err := ix.Compare(p, label)
		exact = err == nil && cmp == 0
	}
	// In label terms: "below" is the largest label <= label, "above" the
	// smallest >= label.
	below, above := -1, -1
	if mono == 1 {
		if exact {
			below, above = p, p
		} else {
			if p > 0 {
				below = p - 1
			}
			if p < n {
				above = p
			}
		}
	} else { // decreasing: positions past p have smaller labels
		if exact {
			below, above = p, p
		} else {
			if p < n {
				below = p
			}
			if p > 0 {
				above = p - 1
			}
		}
	}
	var pos int
	switch m {
	case Exact:
		if !exact {
			return 0, ErrNotFound
		}
		pos = p
	case Pad: // the match at or before label in the index's order
		pos = below
		if mono < 0 {
			pos = above
		}
	case Backfill: // the match at or after label in the index's order
		pos = above
		if mono < 0 {
			pos = below
		}
	case Nearest:
		switch {
		case below < 0:
			pos = above
		case above < 0:
			pos = below
		default:
			db, err := ix.Distance(below, label)
			if err != nil {
				return 0, err
			}
			da, err := ix.Distance(above, label)
			if err != nil {
				return 0, err
			}
			pos = below
			if da <= db {
				pos = above
			}
		}
	}
	if pos < 0 {
		return 0, ErrNotFound
	}
	if hasTol {
		d, err := ix.Distance(pos, label)
		if err != nil {
			return 0, err
		}
		if !(d <= tol) {
			return 0, fmt.Errorf("%w: nearest label %s is %v away, past tolerance %v", ErrNotFound, ix.Format(pos), d, tol)
		}
	}
	return pos, nil
}

// searchOriented is the first position whose label is at or past label in
// the index's own direction; a label the index cannot compare is an error.
func searchOriented(ix Index, mono int, label any) (int, error) {
	if ix.Len() > 0 {
		if _, err := ix.Compare(0, label); err != nil {
			return 0, err
		}
	}
	var ferr error
	p := sort.Search(ix.Len(), func(i int) bool {
		c, err := orient(ix, mono, i, label)
		if err != nil {
			ferr = err
			return false
		}
		return c >= 0
	})
	return p, ferr
}

// matches is every position whose label equals label: a binary search on a
// monotonic index (O(log n + matches)), a scan otherwise.
func matches(c *Coord, label any) ([]int, error) {
	ix := c.values
	mono := c.monotonic()
	if mono != 0 {
		p, err := searchOriented(ix, mono, label)
		if err != nil {
			return nil, err
		}
		var out []int
		for ; p < ix.Len(); p++ {
			if cmp, err := ix.Compare(p, label); err != nil || cmp != 0 {
				break
			}
			out = append(out, p)
		}
		return out, nil
	}
	var out []int
	for i := range ix.Len() {
		if cmp, err := ix.Compare(i, label); err == nil && cmp == 0 {
			out = append(out, i)
		}
	}
	return out, nil
}
