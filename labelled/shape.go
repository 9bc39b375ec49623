package labelled

import (
	"fmt"
	"maps"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// Transpose reorders the dims to names, lazily; with no names it reverses
// them (as xarray). names must be a permutation of the dims (ErrDim).
func (a *Array) Transpose(names ...string) *Array {
	if a.Err() != nil {
		return a
	}
	if len(names) == 0 {
		names = slices.Clone(a.v.dims)
		slices.Reverse(names)
	}
	if len(names) != len(a.v.dims) {
		return Errored(dimErr("transpose to %v: the array's dims are %v", names, a.v.dims))
	}
	perm := make([]int, len(names))
	for i, n := range names {
		p := slices.Index(a.v.dims, n)
		if p < 0 || slices.Contains(perm[:i], p) {
			return Errored(dimErr("transpose to %v: the array's dims are %v", names, a.v.dims))
		}
		perm[i] = p
	}
	return a.derive(a.v.data.Transpose(perm...), slices.Clone(names), a.coords, true)
}

// Rename renames dims and coordinates, old name to new, as xarray's
// rename: a dim's dimension coordinate follows it. A name the array does
// not have, or a new name that collides, is ErrDim.
func (a *Array) Rename(names map[string]string) *Array {
	if a.Err() != nil {
		return a
	}
	for old := range names {
		if !slices.Contains(a.v.dims, old) && a.Coord(old) == nil {
			return Errored(dimErr("rename %q: no such dim or coordinate", old))
		}
	}
	ren := func(s string) string {
		if n, ok := names[s]; ok {
			return n
		}
		return s
	}
	dims := make([]string, len(a.v.dims))
	for i, d := range a.v.dims {
		dims[i] = ren(d)
	}
	if err := checkDims(dims); err != nil {
		return Errored(err)
	}
	coords := make([]*Coord, len(a.coords))
	seen := map[string]bool{}
	for i, c := range a.coords {
		cd := make([]string, len(c.dims))
		for k, d := range c.dims {
			cd[k] = ren(d)
		}
		n := ren(c.name)
		if seen[n] {
			return Errored(dimErr("rename gives two coordinates the name %q", n))
		}
		seen[n] = true
		coords[i] = c.renamed(n, cd)
	}
	b := a.derive(a.v.data, dims, coords, true)
	if b.Err() == nil {
		if err := b.checkCoords(); err != nil {
			return Errored(err)
		}
	}
	return b
}

// ExpandDims inserts a new dim of length one named dim at axis (0 is the
// front, as xarray's default). A scalar coordinate named dim becomes its
// dimension coordinate, as xarray does. An existing dim or an axis out of
// 0..rank is ErrDim.
func (a *Array) ExpandDims(dim string, axis int) *Array {
	if a.Err() != nil {
		return a
	}
	if dim == "" || slices.Contains(a.v.dims, dim) {
		return Errored(dimErr("expand_dims %q: the array's dims are %v", dim, a.v.dims))
	}
	if axis < 0 || axis > len(a.v.dims) {
		return Errored(dimErr("expand_dims %q at axis %d of an array of rank %d", dim, axis, len(a.v.dims)))
	}
	dims := slices.Insert(slices.Clone(a.v.dims), axis, dim)
	coords := slices.Clone(a.coords)
	for i, c := range coords {
		if c.name == dim && len(c.dims) == 0 {
			coords[i] = &Coord{name: dim, dims: []string{dim}, shape: []int{1}, values: c.values, attrs: c.attrs}
		}
	}
	return a.derive(a.v.data.ExpandDims(axis), dims, coords, true)
}

// Squeeze drops dims of length one: the named ones (ErrDim when one is
// longer or absent) or all such dims when none are named. Their dimension
// coordinates become scalar coordinates, as xarray keeps them.
func (a *Array) Squeeze(dims ...string) *Array {
	if a.Err() != nil {
		return a
	}
	shape := a.v.data.Shape()
	if len(dims) == 0 {
		for i, n := range shape {
			if n == 1 {
				dims = append(dims, a.v.dims[i])
			}
		}
	}
	sel := make([]Indexer, 0, len(dims))
	for _, d := range dims {
		if n := a.Size(d); n != 1 {
			return Errored(dimErr("squeeze %q of size %d", d, n))
		}
		sel = append(sel, At(d, 0))
	}
	return a.Isel(sel...)
}

// Concat joins arrays along dim, lazily (ndarray.Concatenate). When every
// array has dim it is an existing dim and its dimension coordinates are
// concatenated; when none has it, dim is a new first dim and labels (nil
// for none) become its index, one label per array — as xarray's concat.
// A scalar coordinate named dim (what Sel of one label leaves) becomes its
// index; other scalar coordinates that differ become coordinates along the
// new dim, and coordinates on dim alone are concatenated, as xarray's
// coords="different". Other dims must match in size and index (ErrAlign);
// other coordinates that differ between arrays are ErrMerge; dtypes are
// promoted.
func Concat(dim string, arrays []*Array, labels Index) *Array {
	if dim == "" || len(arrays) == 0 {
		return Errored(argErr("concat needs a dim name and at least one array"))
	}
	for i, a := range arrays {
		if err := a.Err(); err != nil {
			return Errored(fmt.Errorf("labelled: concat operand %d: %w", i, err))
		}
	}
	has := 0
	for _, a := range arrays {
		if slices.Contains(a.v.dims, dim) {
			has++
		}
	}
	if has != 0 && has != len(arrays) {
		return Errored(dimErr("concat along %q: %d of %d arrays have that dim", dim, has, len(arrays)))
	}
	newDim := has == 0
	if newDim && labels != nil && labels.Len() != len(arrays) {
		return Errored(fmt.Errorf("%w: %d labels for %d arrays concatenated along %q", ErrCoord, labels.Len(), len(arrays), dim))
	}
	parts := slices.Clone(arrays)
	if newDim {
		for i, a := range parts {
			parts[i] = a.ExpandDims(dim, 0)
		}
	}
	first := parts[0]
	ax := slices.Index(first.v.dims, dim)
	dt := first.v.data.DType()
	for _, p := range parts[1:] {
		dt = block.Promote(dt, p.v.data.DType())
	}
	data := make([]*ndarray.Array, len(parts))
	var joinedIndex Index
	for i, p := range parts {
		if len(p.v.dims) != len(first.v.dims) {
			return Errored(dimErr("concat along %q: dims %v and %v", dim, first.v.dims, p.v.dims))
		}
		t := p
		if !slices.Equal(p.v.dims, first.v.dims) {
			t = p.Transpose(first.v.dims...)
			if t.Err() != nil {
				return Errored(dimErr("concat along %q: dims %v and %v", dim, first.v.dims, p.v.dims))
			}
		}
		for _, d := range first.v.dims {
			if d == dim {
				continue
			}
			if t.Size(d) != first.Size(d) {
				return Errored(&AlignError{Dim: d, Detail: fmt.Sprintf("sizes %d and %d in concat", first.Size(d), t.Size(d)), Err: ErrAlign})
			}
			if x, y := first.Index(d), t.Index(d); x != nil && y != nil && !sameLabels(x, y) {
				return Errored(&AlignError{Dim: d, Detail: "indexes differ in concat", Err: ErrAlign})
			}
		}
		d := t.v.data
		if d.DType() != dt {
			d = d.AsType(dt, block.OverflowError)
		}
		data[i] = d
		{
			ix := t.Index(dim)
			switch {
			case i == 0:
				joinedIndex = ix
			case joinedIndex != nil && ix != nil:
				j, err := joinedIndex.Concat(ix)
				if err != nil {
					return Errored(fmt.Errorf("labelled: concat index of %q: %w", dim, err))
				}
				joinedIndex = j
			default:
				joinedIndex = nil
			}
		}
		parts[i] = t
	}
	out := ndarray.Concatenate(data, ax)
	var coords []*Coord
	for _, c := range first.coords {
		if c.name == dim && c.IsIndex() {
			continue // the index of dim, joined above
		}
		others := make([]*Coord, 0, len(parts)-1)
		for _, p := range parts[1:] {
			if o := p.Coord(c.name); o != nil {
				others = append(others, o)
			}
		}
		all := len(others) == len(parts)-1
		if c.dimAxis(dim) >= 0 {
			// A coordinate along dim (lat of a station) is concatenated
			// when it lies on dim alone and every array has it.
			if len(c.dims) == 1 && all && slices.IndexFunc(others, func(o *Coord) bool { return !slices.Equal(o.dims, c.dims) }) < 0 {
				vals := make([]Index, len(others))
				for k, o := range others {
					vals[k] = o.values
				}
				joined, err := c.values.Concat(vals...)
				if err != nil {
					return Errored(fmt.Errorf("labelled: concat coordinate %q: %w", c.name, err))
				}
				coords = append(coords, &Coord{name: c.name, dims: []string{dim}, shape: []int{joined.Len()}, values: joined, attrs: c.attrs})
			}
			continue
		}
		equal := all && slices.IndexFunc(others, func(o *Coord) bool { return !o.equal(c) }) < 0
		switch {
		case equal:
			coords = append(coords, c)
		case newDim && all && len(c.dims) == 0:
			// Scalar coordinates that differ become a coordinate along the
			// new dim, as xarray's coords="different".
			vals := make([]Index, len(others))
			for k, o := range others {
				vals[k] = o.values
			}
			joined, err := c.values.Concat(vals...)
			if err != nil || joined.Len() != len(parts) {
				return Errored(fmt.Errorf("%w: scalar coordinate %q of the arrays concatenated along %q: %v", ErrMerge, c.name, dim, err))
			}
			coords = append(coords, &Coord{name: c.name, dims: []string{dim}, shape: []int{len(parts)}, values: joined, attrs: c.attrs})
		default:
			return Errored(fmt.Errorf("%w: coordinate %q differs between the arrays concatenated along %q", ErrMerge, c.name, dim))
		}
	}
	switch {
	case newDim && labels != nil:
		coords = append(coords, IndexCoord(dim, labels))
	case joinedIndex != nil && joinedIndex.Len() == out.Shape()[ax]:
		coords = append(coords, IndexCoord(dim, joinedIndex))
	}
	r := &Array{name: first.name, coords: coords}
	if err := out.Err(); err != nil {
		return Errored(fmt.Errorf("labelled: %w", err))
	}
	r.v = &Variable{dims: slices.Clone(first.v.dims), data: out, attrs: maps.Clone(first.v.attrs)}
	return r
}
