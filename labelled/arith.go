package labelled

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// Join is how alignment combines the indexes of a dim shared by several
// arrays, xarray's join=.
type Join uint8

const (
	// JoinInner keeps the labels in every index, in the first's order (the
	// default, as in xarray's arithmetic).
	JoinInner Join = iota
	// JoinOuter keeps the labels in any index, sorted as pandas' union
	// sorts them; positions an array lacks are NaN (its data cast to
	// float64 where it is not a float).
	JoinOuter
	// JoinExact refuses indexes that differ, with an *AlignError.
	JoinExact
)

// String is xarray's name of the join.
func (j Join) String() string {
	switch j {
	case JoinInner:
		return "inner"
	case JoinOuter:
		return "outer"
	case JoinExact:
		return "exact"
	}
	return fmt.Sprintf("Join(%d)", j)
}

// OpOption configures arithmetic, comparisons and Where.
type OpOption func(*opConfig)

type opConfig struct{ join Join }

// WithJoin sets the join used to align the operands (JoinInner by default).
func WithJoin(j Join) OpOption { return func(c *opConfig) { c.join = j } }

// Align aligns arrays on every dim that has a dimension coordinate in some
// of them, as xarray.align: under JoinInner and JoinOuter each array is
// re-indexed (lazily, with ndarray Take) onto the joined index. A dim of one
// name and different sizes where no array has an index, an index with
// repeated labels that needs re-indexing, differing indexes under
// JoinExact, and an unindexed dim whose size differs from the joined index
// are *AlignError (ErrAlign).
func Align(join Join, arrays ...*Array) ([]*Array, error) {
	for i, a := range arrays {
		if err := a.Err(); err != nil {
			return nil, fmt.Errorf("labelled: align operand %d: %w", i, err)
		}
	}
	if join > JoinExact {
		return nil, argErr("join %v", join)
	}
	out := slices.Clone(arrays)
	var dims []string
	for _, a := range arrays {
		for _, d := range a.v.dims {
			if !slices.Contains(dims, d) {
				dims = append(dims, d)
			}
		}
	}
	for _, d := range dims {
		var indexes []Index
		for _, a := range out {
			if ix := a.Index(d); ix != nil {
				indexes = append(indexes, ix)
			}
		}
		if len(indexes) == 0 {
			size := -1
			for _, a := range out {
				if n := a.Size(d); n >= 0 {
					if size >= 0 && n != size {
						return nil, &AlignError{Dim: d, Detail: fmt.Sprintf("sizes %d and %d, and no index", size, n), Err: ErrAlign}
					}
					size = n
				}
			}
			continue
		}
		joined := indexes[0]
		same := true
		for _, ix := range indexes[1:] {
			if !sameLabels(joined, ix) {
				same = false
			}
		}
		if !same {
			var err error
			switch join {
			case JoinExact:
				return nil, &AlignError{Dim: d, Detail: "indexes differ (join exact)", Err: ErrAlign}
			case JoinInner:
				joined, err = intersect(d, indexes)
			case JoinOuter:
				joined, err = union(d, indexes)
			}
			if err != nil {
				return nil, err
			}
		}
		for i, a := range out {
			n := a.Size(d)
			if n < 0 {
				continue
			}
			ix := a.Index(d)
			if ix == nil {
				if n != joined.Len() {
					return nil, &AlignError{Dim: d, Detail: fmt.Sprintf("an unindexed dim of size %d against an index of %d labels", n, joined.Len()), Err: ErrAlign}
				}
				continue
			}
			if sameLabels(ix, joined) {
				continue
			}
			r, err := reindex(a, d, ix, joined)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
	}
	return out, nil
}

func keyPositions(dim string, ix Index) (map[any]int, error) {
	m := make(map[any]int, ix.Len())
	for i := range ix.Len() {
		k := ix.Key(i)
		if _, dup := m[k]; dup {
			return nil, &AlignError{Dim: dim, Detail: fmt.Sprintf("index has label %s more than once, cannot re-index", ix.Format(i)), Err: ErrAlign}
		}
		m[k] = i
	}
	return m, nil
}

func intersect(dim string, indexes []Index) (Index, error) {
	first := indexes[0]
	keep := make([]int, 0, first.Len())
	sets := make([]map[any]int, len(indexes)-1)
	for k, ix := range indexes[1:] {
		m, err := keyPositions(dim, ix)
		if err != nil {
			return nil, err
		}
		sets[k] = m
	}
	seen := map[any]bool{}
outer:
	for i := range first.Len() {
		key := first.Key(i)
		if seen[key] {
			continue
		}
		for _, m := range sets {
			if _, ok := m[key]; !ok {
				continue outer
			}
		}
		seen[key] = true
		keep = append(keep, i)
	}
	return first.Take(keep), nil
}

func union(dim string, indexes []Index) (Index, error) {
	all, err := indexes[0].Concat(indexes[1:]...)
	if err != nil {
		return nil, &AlignError{Dim: dim, Detail: err.Error(), Err: ErrAlign}
	}
	seen := map[any]bool{}
	var keep []int
	for i := range all.Len() {
		if k := all.Key(i); !seen[k] {
			seen[k] = true
			keep = append(keep, i)
		}
	}
	sortable := true
	sort.SliceStable(keep, func(x, y int) bool {
		c, err := all.Compare(keep[x], all.Label(keep[y]))
		if err != nil {
			sortable = false
		}
		return c < 0
	})
	if !sortable { // unordered labels (NaN): keep the order of appearance
		slices.Sort(keep)
	}
	return all.Take(keep), nil
}

// reindex re-indexes a onto joined along dim (every label of joined that ix
// lacks becomes NaN).
func reindex(a *Array, dim string, ix, joined Index) (*Array, error) {
	m, err := keyPositions(dim, ix)
	if err != nil {
		return nil, err
	}
	pos := make([]int, joined.Len())
	missing := false
	mask := make([]bool, joined.Len())
	for i := range joined.Len() {
		p, ok := m[joined.Key(i)]
		if !ok {
			missing = true
			p = 0
		} else {
			mask[i] = true
		}
		pos[i] = p
	}
	if !missing {
		r := a.Isel(Take(dim, pos...))
		return r.WithCoords(IndexCoord(dim, joined)), r.Err()
	}
	if a.Size(dim) == 0 {
		return nil, &AlignError{Dim: dim, Detail: "an empty array cannot be re-indexed onto labels it lacks", Err: ErrAlign}
	}
	r := a.Isel(Take(dim, pos...))
	if err := r.Err(); err != nil {
		return nil, err
	}
	ax := slices.Index(r.v.dims, dim)
	md, err := block.FromSlice(mask, len(mask))
	if err != nil {
		return nil, err
	}
	marr := ndarray.FromDense(md, chunk.Spec{})
	for i := ax + 1; i < r.v.data.Rank(); i++ {
		marr = marr.ExpandDims(marr.Rank())
	}
	data := r.v.data
	if !data.DType().IsFloat() {
		data = data.AsType(block.Float64, block.OverflowError)
	}
	data = ndarray.Where(marr, data, math.NaN())
	coords := slices.DeleteFunc(slices.Clone(r.coords), func(c *Coord) bool { return c.dimAxis(dim) >= 0 })
	coords = append(coords, IndexCoord(dim, joined))
	out := r.derive(data, r.v.dims, coords, true)
	return out, out.Err()
}

// operand is one side of a binary operation: a labelled array or a Go
// scalar passed to ndarray as is.
func asArray(x any) (*Array, any, error) {
	switch v := x.(type) {
	case *Array:
		if err := v.Err(); err != nil {
			return nil, nil, err
		}
		return v, nil, nil
	case *ndarray.Array:
		return nil, nil, argErr("an unlabelled *ndarray.Array operand: wrap it with labelled.New to name its dims")
	case nil:
		return nil, nil, argErr("nil operand")
	}
	if _, ok := toFloat(x); ok {
		return nil, x, nil
	}
	if b, ok := x.(bool); ok {
		return nil, b, nil
	}
	return nil, nil, argErr("operand of type %T", x)
}

// broadcastTo lays a's data out on dims (a superset of a's dims, in the
// result's order), with length-one axes for the dims a lacks.
func broadcastTo(a *Array, dims []string) *ndarray.Array {
	data := a.v.data
	have := slices.Clone(a.v.dims)
	for _, d := range dims {
		if !slices.Contains(have, d) {
			data = data.ExpandDims(data.Rank())
			have = append(have, d)
		}
	}
	perm := make([]int, len(dims))
	identity := true
	for i, d := range dims {
		perm[i] = slices.Index(have, d)
		if perm[i] != i {
			identity = false
		}
	}
	if !identity {
		data = data.Transpose(perm...)
	}
	return data
}

// prepare aligns the array operands, orders the result dims as xarray does
// (dims in order of first appearance) and merges their coordinates.
func prepare(operands []any, cfg opConfig) (vals []any, dims []string, coords []*Coord, name string, err error) {
	var arrays []*Array
	var at []int
	vals = make([]any, len(operands))
	for i, x := range operands {
		a, s, err := asArray(x)
		if err != nil {
			return nil, nil, nil, "", fmt.Errorf("operand %d: %w", i, err)
		}
		if a != nil {
			arrays = append(arrays, a)
			at = append(at, i)
		} else {
			vals[i] = s
		}
	}
	aligned, err := Align(cfg.join, arrays...)
	if err != nil {
		return nil, nil, nil, "", err
	}
	for _, a := range aligned {
		for _, d := range a.v.dims {
			if !slices.Contains(dims, d) {
				dims = append(dims, d)
			}
		}
	}
	for k, a := range aligned {
		vals[at[k]] = broadcastTo(a, dims)
	}
	coords = mergeCoordsLoose(aligned)
	if len(aligned) > 0 {
		name = aligned[0].name
		for _, a := range aligned[1:] {
			if a.name != name {
				name = ""
			}
		}
	}
	return vals, dims, coords, name, nil
}

// mergeCoordsLoose is the union of the arrays' coordinates. Dimension
// coordinates (equal after alignment) come first and win over any other
// coordinate of their name; another name whose coordinates differ is
// dropped, as xarray's arithmetic drops conflicting non-index coordinates.
func mergeCoordsLoose(arrays []*Array) []*Coord {
	var out []*Coord
	index := map[string]bool{}
	for _, a := range arrays {
		for _, c := range a.coords {
			if c.IsIndex() && !index[c.name] {
				index[c.name] = true
				out = append(out, c)
			}
		}
	}
	drop := map[string]bool{}
	for _, a := range arrays {
		for _, c := range a.coords {
			if index[c.name] || drop[c.name] {
				continue
			}
			k := slices.IndexFunc(out, func(o *Coord) bool { return o.name == c.name })
			if k < 0 {
				out = append(out, c)
			} else if !out[k].equal(c) {
				drop[c.name] = true
				out = slices.Delete(out, k, k+1)
			}
		}
	}
	return out
}

func binary(op func(x, y any) *ndarray.Array, x, y any, opts []OpOption) *Array {
	var cfg opConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	vals, dims, coords, name, err := prepare([]any{x, y}, cfg)
	if err != nil {
		return Errored(err)
	}
	if _, ok := vals[0].(*ndarray.Array); !ok {
		if _, ok := vals[1].(*ndarray.Array); !ok {
			return Errored(argErr("at least one operand must be a *labelled.Array"))
		}
	}
	data := op(vals[0], vals[1])
	if err := data.Err(); err != nil {
		return Errored(fmt.Errorf("labelled: %w", err))
	}
	return &Array{name: name, v: &Variable{dims: dims, data: data}, coords: coords}
}

// Add is x + y. Operands are *Array or Go numbers; arrays are aligned on
// their indexes (JoinInner unless WithJoin says otherwise) and broadcast by
// dim name: the result has the dims of x in x's order, then those of y that
// x lacks, as in xarray. Coordinates are merged (conflicting non-index ones
// dropped); the name is kept when both are named the same; attrs are
// dropped (xarray's keep_attrs=False). The dtype follows ndarray.Add.
func Add(x, y any, opts ...OpOption) *Array { return binary(ndarray.Add, x, y, opts) }

// Sub is x − y, aligned and broadcast as Add.
func Sub(x, y any, opts ...OpOption) *Array { return binary(ndarray.Sub, x, y, opts) }

// Mul is x × y, aligned and broadcast as Add.
func Mul(x, y any, opts ...OpOption) *Array { return binary(ndarray.Mul, x, y, opts) }

// Div is x ÷ y (true division, float result), aligned and broadcast as Add.
func Div(x, y any, opts ...OpOption) *Array { return binary(ndarray.Div, x, y, opts) }

// Pow is x ** y, aligned and broadcast as Add.
func Pow(x, y any, opts ...OpOption) *Array { return binary(ndarray.Pow, x, y, opts) }

// Equal is x == y as bool, aligned and broadcast as Add.
func Equal(x, y any, opts ...OpOption) *Array { return binary(ndarray.Equal, x, y, opts) }

// NotEqual is x != y as bool, aligned and broadcast as Add.
func NotEqual(x, y any, opts ...OpOption) *Array { return binary(ndarray.NotEqual, x, y, opts) }

// Less is x < y as bool, aligned and broadcast as Add.
func Less(x, y any, opts ...OpOption) *Array { return binary(ndarray.Less, x, y, opts) }

// LessEqual is x <= y as bool, aligned and broadcast as Add.
func LessEqual(x, y any, opts ...OpOption) *Array { return binary(ndarray.LessEqual, x, y, opts) }

// Greater is x > y as bool, aligned and broadcast as Add.
func Greater(x, y any, opts ...OpOption) *Array { return binary(ndarray.Greater, x, y, opts) }

// GreaterEqual is x >= y as bool, aligned and broadcast as Add.
func GreaterEqual(x, y any, opts ...OpOption) *Array {
	return binary(ndarray.GreaterEqual, x, y, opts)
}

// Where is x where cond is true and y elsewhere (xarray.where(cond, x, y)):
// cond is an *Array, x and y arrays or Go numbers, all three aligned and
// broadcast by name as Add (the result's dims start with cond's). NaN in
// cond counts as true, as numpy's truthiness has it.
func Where(cond *Array, x, y any, opts ...OpOption) *Array {
	if cond == nil {
		return Errored(argErr("nil condition"))
	}
	var cfg opConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	vals, dims, coords, _, err := prepare([]any{cond, x, y}, cfg)
	if err != nil {
		return Errored(err)
	}
	data := ndarray.Where(vals[0].(*ndarray.Array), vals[1], vals[2])
	if err := data.Err(); err != nil {
		return Errored(fmt.Errorf("labelled: %w", err))
	}
	name := ""
	if xa, ok := x.(*Array); ok {
		name = xa.name
	}
	return &Array{name: name, v: &Variable{dims: dims, data: data}, coords: coords}
}

// Map applies an elementwise ndarray function (ndarray.Sqrt, ndarray.Abs,
// …) to the data, keeping dims, coordinates and name (attrs dropped).
func (a *Array) Map(fn func(*ndarray.Array) *ndarray.Array) *Array {
	if a.Err() != nil {
		return a
	}
	if fn == nil {
		return Errored(argErr("nil function"))
	}
	data := fn(a.v.data)
	if data == nil {
		return Errored(argErr("function returned nil"))
	}
	if !slices.Equal(data.Shape(), a.v.data.Shape()) && data.Err() == nil {
		return Errored(argErr("function changed the shape from %v to %v", a.v.data.Shape(), data.Shape()))
	}
	return a.derive(data, a.v.dims, a.coords, false)
}
