package labelled

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/tessera-array/tessera/chunk"
)

// Coord is a coordinate: named labels on zero or more dimensions, held in
// memory as an Index of its values flattened in C order, with attrs.
//
// A coordinate whose name is its only dimension is a dimension coordinate
// and indexes that dimension (Sel and alignment use it); one on other dims
// (lat and lon on a station dim) is a non-dimension coordinate; one on no
// dims is a scalar coordinate, what Isel or Sel with one label leaves of a
// dimension coordinate. A Coord is immutable and safe for concurrent use.
type Coord struct {
	name   string
	dims   []string
	shape  []int
	values Index
	attrs  map[string]any
	// encoding is how the coordinate is stored (xarray's encoding: CF time
	// "units" and "calendar", "dtype", "chunks"), apart from attrs.
	encoding map[string]any

	monoOnce sync.Once
	mono     int
}

// NewCoord makes a coordinate named name on dims with the given shape,
// whose values (C order) are labels. It is ErrCoord when the name is empty,
// dims repeat, shape and dims differ in length, or labels.Len() is not the
// product of shape. attrs is copied.
func NewCoord(name string, dims []string, shape []int, labels Index, attrs map[string]any) (*Coord, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: empty name", ErrCoord)
	}
	if labels == nil {
		return nil, fmt.Errorf("%w: coordinate %q has nil labels", ErrCoord, name)
	}
	if len(dims) != len(shape) {
		return nil, fmt.Errorf("%w: coordinate %q has %d dims %v but shape %v", ErrCoord, name, len(dims), dims, shape)
	}
	if err := checkDims(dims); err != nil {
		return nil, fmt.Errorf("%w: coordinate %q: %w", ErrCoord, name, err)
	}
	if err := chunk.CheckShape(shape); err != nil {
		return nil, fmt.Errorf("%w: coordinate %q: %w", ErrCoord, name, err)
	}
	if n := chunk.Size(shape); n != int64(labels.Len()) {
		return nil, fmt.Errorf("%w: coordinate %q of shape %v has %d labels", ErrCoord, name, shape, labels.Len())
	}
	return &Coord{name: name, dims: slices.Clone(dims), shape: slices.Clone(shape), values: labels, attrs: maps.Clone(attrs)}, nil
}

// IndexCoord is the dimension coordinate of dim with the given labels, the
// common case of NewCoord. It panics when dim is empty or labels is nil
// (programmer errors).
func IndexCoord(dim string, labels Index) *Coord {
	c, err := NewCoord(dim, []string{dim}, []int{labels.Len()}, labels, nil)
	if err != nil {
		panic(err)
	}
	return c
}

// ScalarCoord is a scalar coordinate holding one label: a float64, int64,
// int or string (others are ErrCoord).
func ScalarCoord(name string, label any) (*Coord, error) {
	var ix Index
	switch v := label.(type) {
	case float64:
		ix = Float64Index{v}
	case int64:
		ix = Int64Index{v}
	case int:
		ix = Int64Index{int64(v)}
	case string:
		ix = StringIndex{v}
	default:
		return nil, fmt.Errorf("%w: scalar coordinate %q of type %T", ErrCoord, name, label)
	}
	return NewCoord(name, nil, nil, ix, nil)
}

// Name is the coordinate's name.
func (c *Coord) Name() string { return c.name }

// Dims are the coordinate's dimension names (a copy).
func (c *Coord) Dims() []string { return slices.Clone(c.dims) }

// Shape is the coordinate's shape (a copy).
func (c *Coord) Shape() []int { return slices.Clone(c.shape) }

// Values is the coordinate's labels, flattened in C order.
func (c *Coord) Values() Index { return c.values }

// Attrs is a copy of the coordinate's attributes.
func (c *Coord) Attrs() map[string]any { return maps.Clone(c.attrs) }

// IsIndex reports whether c is a dimension coordinate: one dim, named as c.
func (c *Coord) IsIndex() bool { return len(c.dims) == 1 && c.dims[0] == c.name }

// WithAttrs returns a copy of c with attrs (copied) replacing its own.
func (c *Coord) WithAttrs(attrs map[string]any) *Coord {
	return &Coord{name: c.name, dims: c.dims, shape: c.shape, values: c.values, attrs: maps.Clone(attrs), encoding: c.encoding}
}

// Encoding is a copy of the coordinate's encoding: how it is stored, in
// xarray's encoding keys ("units" and "calendar" of a CF time coordinate,
// "dtype", "chunks"), kept apart from its attrs. Dataset.ToZarr writes a
// time coordinate in the units and calendar found here.
func (c *Coord) Encoding() map[string]any { return maps.Clone(c.encoding) }

// WithEncoding returns a copy of c with enc (copied) replacing its
// encoding.
func (c *Coord) WithEncoding(enc map[string]any) *Coord {
	return &Coord{name: c.name, dims: c.dims, shape: c.shape, values: c.values, attrs: c.attrs, encoding: maps.Clone(enc)}
}

// monotonic is +1, -1 or 0 (see monotonic), computed once.
func (c *Coord) monotonic() int {
	c.monoOnce.Do(func() { c.mono = monotonic(c.values) })
	return c.mono
}

func (c *Coord) renamed(name string, dims []string) *Coord {
	return &Coord{name: name, dims: dims, shape: c.shape, values: c.values, attrs: c.attrs, encoding: c.encoding}
}

func (c *Coord) dimAxis(dim string) int { return slices.Index(c.dims, dim) }

// pick is a selection on one dim: positions, and whether the dim is dropped
// (one position, from an integer or a single label).
type pick struct {
	pos  []int
	drop bool
	list bool // from a list of positions or labels (taken with Take)
}

// isel applies per-dim picks; dims not in sel are kept whole.
func (c *Coord) isel(sel map[string]pick) *Coord {
	touched := false
	for _, d := range c.dims {
		if _, ok := sel[d]; ok {
			touched = true
		}
	}
	if !touched {
		return c
	}
	var dims []string
	var shape []int
	per := make([][]int, len(c.dims))
	for a, d := range c.dims {
		if p, ok := sel[d]; ok {
			per[a] = p.pos
			if p.drop {
				continue
			}
		}
		dims = append(dims, d)
		if per[a] != nil {
			shape = append(shape, len(per[a]))
		} else {
			shape = append(shape, c.shape[a])
		}
	}
	full := make([]int, len(c.dims))
	for a := range c.dims {
		if per[a] != nil {
			full[a] = len(per[a])
		} else {
			full[a] = c.shape[a]
		}
	}
	strides := chunk.Strides(c.shape)
	positions := make([]int, 0, chunk.Size(full))
	for idx := range chunk.Indices(full) {
		off := 0
		for a, i := range idx {
			if per[a] != nil {
				i = per[a][i]
			}
			off += i * strides[a]
		}
		positions = append(positions, off)
	}
	name := c.name
	return &Coord{name: name, dims: dims, shape: shape, values: c.values.Take(positions), attrs: c.attrs, encoding: c.encoding}
}

// equal reports whether two coordinates have the same dims, shape and
// label keys.
func (c *Coord) equal(o *Coord) bool {
	if !slices.Equal(c.dims, o.dims) || !slices.Equal(c.shape, o.shape) || c.values.Len() != o.values.Len() {
		return false
	}
	return sameLabels(c.values, o.values)
}

func sameLabels(a, b Index) bool {
	if a.Len() != b.Len() {
		return false
	}
	for i := range a.Len() {
		if a.Key(i) != b.Key(i) {
			return false
		}
	}
	return true
}

func checkDims(dims []string) error {
	for i, d := range dims {
		if d == "" {
			return dimErr("empty dimension name at %d", i)
		}
		if slices.Index(dims[:i], d) >= 0 {
			return dimErr("dimension %q repeated in %v", d, dims)
		}
	}
	return nil
}
