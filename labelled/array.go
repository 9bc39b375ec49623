package labelled

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// Variable is xarray's Variable: dimension names over lazy data, with attrs
// (what the values mean: units, long_name) kept apart from encoding (how
// they are stored: _FillValue, scale_factor, chunks, dtype on disk). A
// Variable is immutable and safe for concurrent use.
type Variable struct {
	dims     []string
	data     *ndarray.Array
	attrs    map[string]any
	encoding map[string]any
}

// NewVariable makes a variable of data on dims: ErrArgument for nil or
// errored data, ErrDim when len(dims) is not data's rank or a dim repeats.
// attrs and encoding are copied.
func NewVariable(dims []string, data *ndarray.Array, attrs, encoding map[string]any) (*Variable, error) {
	if data == nil {
		return nil, argErr("nil data")
	}
	if err := data.Err(); err != nil {
		return nil, fmt.Errorf("labelled: data: %w", err)
	}
	if len(dims) != data.Rank() {
		return nil, dimErr("%d dims %v for data of shape %v", len(dims), dims, data.Shape())
	}
	if err := checkDims(dims); err != nil {
		return nil, err
	}
	return &Variable{dims: slices.Clone(dims), data: data, attrs: maps.Clone(attrs), encoding: maps.Clone(encoding)}, nil
}

// Dims are the variable's dimension names (a copy).
func (v *Variable) Dims() []string { return slices.Clone(v.dims) }

// Data is the lazy data.
func (v *Variable) Data() *ndarray.Array { return v.data }

// Attrs is a copy of the attributes.
func (v *Variable) Attrs() map[string]any { return maps.Clone(v.attrs) }

// Encoding is a copy of the encoding.
func (v *Variable) Encoding() map[string]any { return maps.Clone(v.encoding) }

// Array is a labelled array, xarray's DataArray: a Variable with a name and
// coordinates. Every coordinate's dims are among the array's dims and its
// sizes match theirs.
//
// Like ndarray.Array, an Array that could not be built carries its error:
// every method of an errored Array returns an errored Array (or that error),
// so chains such as a.Sel(...).Mean("time") report the first failure at the
// end, through Err or Compute. Arrays are immutable and safe for concurrent
// use.
type Array struct {
	name   string
	v      *Variable
	coords []*Coord // in insertion order, names unique
	err    error
}

// Option configures New.
type Option func(*Array)

// Name names the array.
func Name(name string) Option { return func(a *Array) { a.name = name } }

// Coords attaches coordinates (a later one of a name replaces an earlier).
func Coords(cs ...*Coord) Option {
	return func(a *Array) {
		for _, c := range cs {
			a.coords = setCoord(a.coords, c)
		}
	}
}

// Attrs sets the array's attributes (copied).
func Attrs(attrs map[string]any) Option {
	return func(a *Array) { a.v.attrs = maps.Clone(attrs) }
}

// Encoding sets the array's encoding (copied).
func Encoding(enc map[string]any) Option {
	return func(a *Array) { a.v.encoding = maps.Clone(enc) }
}

// New makes a labelled array of data on dims. It is errored (see Err) with
// ErrArgument for nil data, the data's own error, ErrDim for dims that do not
// fit data's rank, or ErrCoord for a nil coordinate or one on other dims or
// of other sizes.
func New(data *ndarray.Array, dims []string, opts ...Option) *Array {
	v, err := NewVariable(dims, data, nil, nil)
	if err != nil {
		return Errored(err)
	}
	a := &Array{v: v}
	for _, o := range opts {
		if o != nil {
			o(a)
		}
	}
	if err := a.checkCoords(); err != nil {
		return Errored(err)
	}
	return a
}

// FromVariable makes a labelled array of v named name with coords; errors
// as New.
func FromVariable(name string, v *Variable, coords ...*Coord) *Array {
	if v == nil {
		return Errored(argErr("nil variable"))
	}
	a := &Array{name: name, v: v}
	for _, c := range coords {
		a.coords = setCoord(a.coords, c)
	}
	if err := a.checkCoords(); err != nil {
		return Errored(err)
	}
	return a
}

// Errored is an Array that carries err.
func Errored(err error) *Array {
	if err == nil {
		err = argErr("Errored with a nil error")
	}
	return &Array{err: err}
}

func setCoord(cs []*Coord, c *Coord) []*Coord {
	if c == nil {
		return append(cs, nil) // reported by checkCoords
	}
	for i, o := range cs {
		if o != nil && o.name == c.name {
			cs = slices.Clone(cs)
			cs[i] = c
			return cs
		}
	}
	return append(slices.Clone(cs), c)
}

func (a *Array) checkCoords() error {
	shape := a.v.data.Shape()
	for _, c := range a.coords {
		if c == nil {
			return fmt.Errorf("%w: nil coordinate", ErrCoord)
		}
		for k, d := range c.dims {
			ax := slices.Index(a.v.dims, d)
			if ax < 0 {
				return fmt.Errorf("%w: coordinate %q is on dim %q, which the array (dims %v) does not have", ErrCoord, c.name, d, a.v.dims)
			}
			if c.shape[k] != shape[ax] {
				return fmt.Errorf("%w: coordinate %q has %d labels on dim %q of size %d", ErrCoord, c.name, c.shape[k], d, shape[ax])
			}
		}
		if len(c.dims) == 1 && c.name != c.dims[0] && slices.Contains(a.v.dims, c.name) {
			return fmt.Errorf("%w: coordinate %q is named as a dim but lies on dim %q", ErrCoord, c.name, c.dims[0])
		}
	}
	return nil
}

// Err is the error the array carries, or nil.
func (a *Array) Err() error {
	if a == nil {
		return argErr("nil *Array")
	}
	return a.err
}

// Name is the array's name ("" when unnamed).
func (a *Array) Name() string {
	if a.Err() != nil {
		return ""
	}
	return a.name
}

// Dims are the dimension names (a copy; nil for an errored array).
func (a *Array) Dims() []string {
	if a.Err() != nil {
		return nil
	}
	return a.v.Dims()
}

// Shape is the data's shape.
func (a *Array) Shape() []int {
	if a.Err() != nil {
		return nil
	}
	return a.v.data.Shape()
}

// Sizes maps each dim to its length.
func (a *Array) Sizes() map[string]int {
	if a.Err() != nil {
		return nil
	}
	out := map[string]int{}
	for i, n := range a.v.data.Shape() {
		out[a.v.dims[i]] = n
	}
	return out
}

// Size is the length of dim, or -1 when the array has no such dim.
func (a *Array) Size(dim string) int {
	if a.Err() != nil {
		return -1
	}
	i := slices.Index(a.v.dims, dim)
	if i < 0 {
		return -1
	}
	return a.v.data.Shape()[i]
}

// DType is the data's dtype.
func (a *Array) DType() block.DType {
	if a.Err() != nil {
		return 0
	}
	return a.v.data.DType()
}

// Data is the lazy data (an errored ndarray.Array for an errored array).
func (a *Array) Data() *ndarray.Array {
	if a.Err() != nil {
		return ndarray.Errored(a.Err())
	}
	return a.v.data
}

// Variable is the array's variable (nil for an errored array).
func (a *Array) Variable() *Variable {
	if a.Err() != nil {
		return nil
	}
	return a.v
}

// Attrs is a copy of the attributes.
func (a *Array) Attrs() map[string]any {
	if a.Err() != nil {
		return nil
	}
	return a.v.Attrs()
}

// Encoding is a copy of the encoding.
func (a *Array) Encoding() map[string]any {
	if a.Err() != nil {
		return nil
	}
	return a.v.Encoding()
}

// Coords are the coordinates in insertion order (a copy of the list).
func (a *Array) Coords() []*Coord {
	if a.Err() != nil {
		return nil
	}
	return slices.Clone(a.coords)
}

// Coord is the coordinate named name, or nil.
func (a *Array) Coord(name string) *Coord {
	if a.Err() != nil {
		return nil
	}
	for _, c := range a.coords {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Index is the index of dim (its dimension coordinate's labels), or nil
// when dim has no dimension coordinate.
func (a *Array) Index(dim string) Index {
	c := a.Coord(dim)
	if c == nil || !c.IsIndex() {
		return nil
	}
	return c.values
}

// Compute computes the data into one dense block.
func (a *Array) Compute(ctx context.Context, opts ...ndarray.ComputeOption) (*block.Dense, error) {
	if err := a.Err(); err != nil {
		return nil, err
	}
	return a.v.data.Compute(ctx, opts...)
}

// WithName returns the array renamed to name (the name of the array, not
// of a dim: see Rename).
func (a *Array) WithName(name string) *Array {
	if a.Err() != nil {
		return a
	}
	b := *a
	b.name = name
	return &b
}

// WithAttrs returns the array with attrs (copied) replacing its own.
func (a *Array) WithAttrs(attrs map[string]any) *Array {
	if a.Err() != nil {
		return a
	}
	v := *a.v
	v.attrs = maps.Clone(attrs)
	b := *a
	b.v = &v
	return &b
}

// WithCoords returns the array with coordinates added or replaced; errors
// as New.
func (a *Array) WithCoords(cs ...*Coord) *Array {
	if a.Err() != nil {
		return a
	}
	b := *a
	for _, c := range cs {
		b.coords = setCoord(b.coords, c)
	}
	if err := b.checkCoords(); err != nil {
		return Errored(err)
	}
	return &b
}

// DropCoords returns the array without the named coordinates (names it
// does not have are ignored).
func (a *Array) DropCoords(names ...string) *Array {
	if a.Err() != nil {
		return a
	}
	b := *a
	b.coords = slices.DeleteFunc(slices.Clone(a.coords), func(c *Coord) bool { return slices.Contains(names, c.name) })
	return &b
}

// with is a copy of a with new data and dims (attrs and encoding dropped
// unless keep), and coords.
func (a *Array) derive(data *ndarray.Array, dims []string, coords []*Coord, keepAttrs bool) *Array {
	if err := data.Err(); err != nil {
		return Errored(fmt.Errorf("labelled: %w", err))
	}
	v := &Variable{dims: dims, data: data}
	if keepAttrs {
		v.attrs, v.encoding = a.v.attrs, a.v.encoding
	}
	return &Array{name: a.name, v: v, coords: coords}
}
