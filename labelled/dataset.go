package labelled

import (
	"fmt"
	"maps"
	"slices"
)

// Dataset is xarray's Dataset: named data variables sharing coordinates and
// dims (each dim one size throughout), with attrs. A Dataset is immutable and
// safe for concurrent use.
type Dataset struct {
	names  []string
	vars   map[string]*Variable
	coords []*Coord
	sizes  map[string]int
	dims   []string // in order of first appearance
	attrs  map[string]any
}

// NewDataset gathers named arrays into a dataset, their coordinates merged.
// An unnamed, nil or errored array is ErrArgument; two arrays of one name,
// or coordinates of one name that differ, ErrMerge; a dim with two sizes
// ErrAlign (align the arrays first, with Align). attrs is copied.
func NewDataset(arrays []*Array, attrs map[string]any) (*Dataset, error) {
	ds := &Dataset{vars: map[string]*Variable{}, sizes: map[string]int{}, attrs: maps.Clone(attrs)}
	for i, a := range arrays {
		if err := a.Err(); err != nil {
			return nil, fmt.Errorf("labelled: dataset variable %d: %w", i, err)
		}
		if a.name == "" {
			return nil, argErr("dataset variable %d has no name", i)
		}
		if err := ds.add(a.name, a.v, a.coords); err != nil {
			return nil, err
		}
	}
	return ds, nil
}

func (ds *Dataset) addDims(dims []string, shape []int, what string) error {
	for i, d := range dims {
		if n, ok := ds.sizes[d]; ok && n != shape[i] {
			return &AlignError{Dim: d, Detail: fmt.Sprintf("size %d in the dataset, %d in %s", n, shape[i], what), Err: ErrAlign}
		}
		if _, ok := ds.sizes[d]; !ok {
			ds.dims = append(ds.dims, d)
		}
		ds.sizes[d] = shape[i]
	}
	return nil
}

func (ds *Dataset) add(name string, v *Variable, coords []*Coord) error {
	if _, dup := ds.vars[name]; dup {
		return fmt.Errorf("%w: variable %q given twice", ErrMerge, name)
	}
	if slices.ContainsFunc(ds.coords, func(c *Coord) bool { return c.name == name }) {
		return fmt.Errorf("%w: %q is both a coordinate and a data variable", ErrMerge, name)
	}
	if err := ds.addDims(v.dims, v.data.Shape(), fmt.Sprintf("variable %q", name)); err != nil {
		return err
	}
	for _, c := range coords {
		if err := ds.addCoord(c); err != nil {
			return err
		}
	}
	ds.vars[name] = v
	ds.names = append(ds.names, name)
	return nil
}

func (ds *Dataset) addCoord(c *Coord) error {
	if _, isVar := ds.vars[c.name]; isVar {
		return fmt.Errorf("%w: %q is both a coordinate and a data variable", ErrMerge, c.name)
	}
	k := slices.IndexFunc(ds.coords, func(o *Coord) bool { return o.name == c.name })
	if k >= 0 {
		if !ds.coords[k].equal(c) {
			return fmt.Errorf("%w: coordinate %q has different values or dims", ErrMerge, c.name)
		}
		return nil
	}
	if err := ds.addDims(c.dims, c.shape, fmt.Sprintf("coordinate %q", c.name)); err != nil {
		return err
	}
	ds.coords = append(ds.coords, c)
	return nil
}

// Names are the data variables' names, in order.
func (ds *Dataset) Names() []string { return slices.Clone(ds.names) }

// Dims are the dataset's dims in order of first appearance.
func (ds *Dataset) Dims() []string { return slices.Clone(ds.dims) }

// Sizes maps each dim to its length (a copy).
func (ds *Dataset) Sizes() map[string]int { return maps.Clone(ds.sizes) }

// Coords are the dataset's coordinates (a copy of the list).
func (ds *Dataset) Coords() []*Coord { return slices.Clone(ds.coords) }

// Attrs is a copy of the dataset's attrs.
func (ds *Dataset) Attrs() map[string]any { return maps.Clone(ds.attrs) }

// Var is the data variable name as a labelled array with the dataset's
// coordinates on its dims (and the scalar ones), as ds["name"] in xarray.
// An unknown name is an errored array wrapping ErrArgument.
func (ds *Dataset) Var(name string) *Array {
	v, ok := ds.vars[name]
	if !ok {
		return Errored(argErr("dataset has no variable %q (it has %v)", name, ds.names))
	}
	var coords []*Coord
	for _, c := range ds.coords {
		in := true
		for _, d := range c.dims {
			if !slices.Contains(v.dims, d) {
				in = false
			}
		}
		if in {
			coords = append(coords, c)
		}
	}
	return &Array{name: name, v: v, coords: coords}
}

// Isel applies Isel to every variable and coordinate having the selected
// dims, as xarray's Dataset.isel (coordinates on dims no variable has
// included). A dim the dataset does not have is ErrDim; positions out of
// range ndarray.ErrIndex.
func (ds *Dataset) Isel(sel ...Indexer) (*Dataset, error) {
	picks := map[string]pick{}
	for _, s := range sel {
		n, ok := ds.sizes[s.dim]
		if !ok {
			return nil, dimErr("isel on %q: the dataset's dims are %v", s.dim, ds.dims)
		}
		if _, dup := picks[s.dim]; dup {
			return nil, dimErr("dim %q selected twice", s.dim)
		}
		p, _, err := resolvePick(s, n)
		if err != nil {
			return nil, err
		}
		picks[s.dim] = p
	}
	out := &Dataset{vars: map[string]*Variable{}, sizes: map[string]int{}, attrs: ds.attrs}
	for _, c := range ds.coords {
		if err := out.addCoord(c.isel(picks)); err != nil {
			return nil, err
		}
	}
	for _, n := range ds.names {
		a := &Array{name: n, v: ds.vars[n]}
		var mine []Indexer
		for _, s := range sel {
			if slices.Contains(a.v.dims, s.dim) {
				mine = append(mine, s)
			}
		}
		r := a.Isel(mine...)
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("labelled: variable %q: %w", n, err)
		}
		if err := out.add(n, r.v, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Sel selects by label on the dataset's indexes, as xarray's Dataset.sel:
// each Selector is resolved on the dimension coordinate of its dim, then
// Isel applies the positions to every variable and coordinate. Errors as
// Array.Sel.
func (ds *Dataset) Sel(sel ...Selector) (*Dataset, error) {
	idx := make([]Indexer, 0, len(sel))
	for _, s := range sel {
		if _, ok := ds.sizes[s.dim]; !ok {
			return nil, dimErr("sel on %q: the dataset's dims are %v", s.dim, ds.dims)
		}
		k := slices.IndexFunc(ds.coords, func(c *Coord) bool { return c.name == s.dim && c.IsIndex() })
		if k < 0 {
			return nil, &LabelError{Dim: s.dim, Err: ErrNoIndex}
		}
		ix, err := resolve(ds.coords[k], s)
		if err != nil {
			return nil, err
		}
		idx = append(idx, ix)
	}
	return ds.Isel(idx...)
}

// Merge merges datasets into one, as xarray.merge with compat="no_conflicts"
// restricted to equality: a data variable present in several must be the
// same variable (same lazy data and dims), coordinates of one name must be
// equal, dims must have one size; anything else is ErrMerge or ErrAlign
// naming the variable or dim. Attrs are taken from the first dataset.
func Merge(datasets ...*Dataset) (*Dataset, error) {
	if len(datasets) == 0 {
		return nil, argErr("merge of no datasets")
	}
	out := &Dataset{vars: map[string]*Variable{}, sizes: map[string]int{}}
	for i, ds := range datasets {
		if ds == nil {
			return nil, argErr("merge: dataset %d is nil", i)
		}
		if i == 0 {
			out.attrs = maps.Clone(ds.attrs)
		}
		for _, c := range ds.coords {
			if err := out.addCoord(c); err != nil {
				return nil, fmt.Errorf("labelled: merge dataset %d: %w", i, err)
			}
		}
		for _, n := range ds.names {
			v := ds.vars[n]
			if o, ok := out.vars[n]; ok {
				if o.data.Name() != v.data.Name() || !slices.Equal(o.dims, v.dims) {
					return nil, fmt.Errorf("%w: merge dataset %d: variable %q differs (dims %v vs %v, or other data)", ErrMerge, i, n, o.dims, v.dims)
				}
				continue
			}
			if err := out.add(n, v, nil); err != nil {
				return nil, fmt.Errorf("labelled: merge dataset %d: %w", i, err)
			}
		}
	}
	return out, nil
}
