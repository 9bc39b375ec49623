package labelled

import (
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/ndarray"
)

// ReduceEach is the whole-group hook for reductions that do not combine
// blockwise (a median, a quantile): for each group it takes the group's
// members along Dim (ndarray's Take, one gather per block) and applies f,
// a positional reducer that must return the input reduced along axis
// (rank one less, the other axes unchanged); the results are stacked along
// a new Name dim in Dim's place. name names f in errors. Memory is that of
// f over one group at a time per block; f sees the whole group along axis,
// so a group larger than memory needs an f that is itself chunked (as
// stats' exact quantiles are). An f returning nil, an errored array or a
// wrong shape gives an errored result naming the group.
func (g *GroupBy) ReduceEach(name string, f func(a *ndarray.Array, axis int) *ndarray.Array) *Array {
	if g.err != nil {
		return Errored(g.err)
	}
	if f == nil {
		return Errored(argErr("groupby %s: nil reducer", name))
	}
	ng := g.labels.Len()
	members := make([][]int, ng)
	for i, c := range g.codes {
		if c >= 0 {
			members[c] = append(members[c], i)
		}
	}
	src := g.a.v.data
	want := slices.Delete(slices.Clone(src.Shape()), g.axis, g.axis+1)
	parts := make([]*ndarray.Array, ng)
	for j, pos := range members {
		r := f(src.Take(pos, g.axis), g.axis)
		if r == nil {
			return Errored(argErr("groupby %s: reducer returned nil for group %s", name, g.labels.Format(j)))
		}
		if err := r.Err(); err != nil {
			return Errored(fmt.Errorf("labelled: groupby %s of group %s: %w", name, g.labels.Format(j), err))
		}
		if !slices.Equal(r.Shape(), want) {
			return Errored(argErr("groupby %s: reducer gave shape %v for group %s, want %v", name, r.Shape(), g.labels.Format(j), want))
		}
		parts[j] = r.ExpandDims(g.axis)
	}
	if ng == 0 {
		return Errored(argErr("groupby %s: no groups", name))
	}
	return g.result(ndarray.Concatenate(parts, g.axis), false)
}

// gather is other, indexed by the groups, gathered back onto the source's
// positions along Dim (dims renamed from Name to Dim), and whether some
// position belongs to no group or to a group other lacks (it is then NaN
// in the arithmetic).
func (g *GroupBy) gather(other *Array) (*Array, []bool, error) {
	if other == nil {
		return nil, nil, argErr("groupby arithmetic with a nil array")
	}
	if err := other.Err(); err != nil {
		return nil, nil, err
	}
	ax := slices.Index(other.v.dims, g.name)
	if ax < 0 {
		return nil, nil, dimErr("groupby arithmetic: the operand has dims %v, not the groups' dim %q", other.v.dims, g.name)
	}
	if slices.Contains(other.v.dims, g.dim) {
		return nil, nil, dimErr("groupby arithmetic: the operand has the grouped dim %q too", g.dim)
	}
	ix := other.Index(g.name)
	at := map[any]int{}
	if ix != nil {
		for i := range ix.Len() {
			at[ix.Key(i)] = i
		}
	} else if other.v.data.Shape()[ax] != g.labels.Len() {
		return nil, nil, dimErr("groupby arithmetic: %d groups but %q has length %d and no index", g.labels.Len(), g.name, other.v.data.Shape()[ax])
	}
	pos := make([]int, len(g.codes))
	missing := make([]bool, len(g.codes))
	anyMissing := false
	for i, c := range g.codes {
		p := c
		if c >= 0 && ix != nil {
			var ok bool
			p, ok = at[g.labels.Key(c)]
			if !ok {
				p = -1
			}
		}
		if p < 0 {
			p, missing[i], anyMissing = 0, true, true
		}
		pos[i] = p
	}
	data := other.v.data.Take(pos, ax)
	dims := slices.Clone(other.v.dims)
	dims[ax] = g.dim
	var coords []*Coord
	for _, c := range other.coords {
		if !slices.Contains(c.dims, g.name) {
			coords = append(coords, c)
		}
	}
	if !anyMissing {
		missing = nil
	}
	return &Array{name: other.name, v: &Variable{dims: dims, data: data}, coords: coords}, missing, nil
}

// arith applies op to the source and other gathered by group.
func (g *GroupBy) arith(op func(x, y any, opts ...OpOption) *Array, other *Array) *Array {
	if g.err != nil {
		return Errored(g.err)
	}
	y, missing, err := g.gather(other)
	if err != nil {
		return Errored(err)
	}
	out := op(g.a, y)
	if missing == nil || out.Err() != nil {
		return out
	}
	return nanWhere(out, g.dim, missing)
}

// Sub is the anomaly idiom x.groupby(key) - other: other has the groups'
// dim (Name; "month" for a climatology), and each position along Dim
// subtracts the entry of its group (a gather of other by the group codes,
// then the subtraction, broadcast and aligned by name as [Sub]). The
// result is on the source's dims. Positions in no group, or in a group
// other lacks, give NaN (as xarray).
func (g *GroupBy) Sub(other *Array) *Array { return g.arith(Sub, other) }

// Add is x.groupby(key) + other, as Sub.
func (g *GroupBy) Add(other *Array) *Array { return g.arith(Add, other) }

// Mul is x.groupby(key) * other, as Sub.
func (g *GroupBy) Mul(other *Array) *Array { return g.arith(Mul, other) }

// Div is x.groupby(key) / other, as Sub.
func (g *GroupBy) Div(other *Array) *Array { return g.arith(Div, other) }
