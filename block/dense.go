package block

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/tessera-array/tessera/chunk"
)

// Elem is the set of Go storage types a Dense may hold, one per dtype (a
// dtype's storage type is what Values, As, Get and Set take). Dtypes to
// are not numbers (Half bit patterns, complex, string) or share one
// (datetime64 and timedelta64 are stored as int64), so code generic over
// Elem must not assume arithmetic; Number is the numeric subset.
type Elem interface {
	bool | int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64 |
		Half | complex64 | complex128 | string
}

// Number is the constraint of numeric storage types: Elem without bool.
type Number interface {
	int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64
}

// ErrShape reports a shape that does not fit: wrong element count, rank
// mismatch, negative lengths. It wraps chunk.ErrShape so either test works.
var ErrShape = fmt.Errorf("block: %w", chunk.ErrShape)

// shapeError makes a shape error of package chunk one that wraps ErrShape
// (and through it chunk.ErrShape), keeping chunk's detail in the message.
func shapeError(err error) error {
	if errors.Is(err, chunk.ErrShape) {
		return fmt.Errorf("%w%s", ErrShape, strings.TrimPrefix(err.Error(), chunk.ErrShape.Error()))
	}
	return fmt.Errorf("block: %w", err)
}

// ErrDTypeMismatch reports two blocks whose dtypes had to agree but do not.
var ErrDTypeMismatch = errors.New("block: dtype mismatch")

// Dense is an in-memory n-dimensional block: a dtype, a shape and a C-order
// contiguous buffer. A Dense is not safe for concurrent mutation; concurrent
// reads are safe. Methods that return a *Dense return a new block unless
// documented to share the buffer.
type Dense struct {
	dtype DType
	shape []int
	data  any     // []bool, []int8, ..., []float64 of length Size(shape)
	pb    *pooled // set when the buffer is borrowed from an executor's pool
}

// DTypeOf returns the dtype whose storage type is T (Float32 for float32,
// Int64 for int64: datetime64 blocks are made with New or WrapDType).
func DTypeOf[T Elem]() DType {
	var z T
	switch any(z).(type) {
	case bool:
		return Bool
	case int8:
		return Int8
	case int16:
		return Int16
	case int32:
		return Int32
	case int64:
		return Int64
	case uint8:
		return Uint8
	case uint16:
		return Uint16
	case uint32:
		return Uint32
	case uint64:
		return Uint64
	case float32:
		return Float32
	case Half:
		return Float16
	case complex64:
		return Complex64
	case complex128:
		return Complex128
	case string:
		return String
	default:
		return Float64
	}
}

func makeSlice(dt DType, n int) any { return kernelsOf(dt).make(n) }

// MaxBlockBytes bounds the size of one in-memory block (4 GiB). Larger
// requests are refused with ErrShape rather than attempted.
const MaxBlockBytes = 4 << 30

// New allocates a zero-filled block. It reports ErrDType for an invalid
// dtype and ErrShape for a negative length or a block over MaxBlockBytes.
func New(dt DType, shape ...int) (*Dense, error) {
	if !dt.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrDType, uint8(dt))
	}
	if err := chunk.CheckShape(shape); err != nil {
		return nil, shapeError(err)
	}
	n := chunk.Size(shape)
	if n > MaxBlockBytes/int64(dt.Size()) {
		return nil, fmt.Errorf("%w: block of shape %v %s exceeds %d bytes", ErrShape, shape, dt, int64(MaxBlockBytes))
	}
	return &Dense{dtype: dt, shape: cloneInts(shape), data: makeSlice(dt, int(n))}, nil
}

// Must is New that panics on error, for dtypes and shapes known to be
// valid (constants in code; never shapes read from data).
func Must(dt DType, shape ...int) *Dense {
	d, err := New(dt, shape...)
	if err != nil {
		panic(err)
	}
	return d
}

// FromSlice wraps data (no copy) as a block of the given shape. The block
// shares data with the caller. It reports ErrShape when len(data) differs
// from the shape's element count.
func FromSlice[T Elem](data []T, shape ...int) (*Dense, error) {
	if err := chunk.CheckShape(shape); err != nil {
		return nil, shapeError(err)
	}
	if int64(len(data)) != chunk.Size(shape) {
		return nil, fmt.Errorf("%w: %d elements do not fill shape %v (%d)", ErrShape, len(data), shape, chunk.Size(shape))
	}
	return &Dense{dtype: DTypeOf[T](), shape: cloneInts(shape), data: data}, nil
}

// FromBytes copies little-endian element bytes b into a new block. It
// reports ErrShape when len(b) is not the shape's byte size. Bool bytes other
// than 0 read as true. String has no fixed-size element bytes: it is
// refused with an *UnsupportedError (codecs decode strings).
func FromBytes(dt DType, b []byte, shape ...int) (*Dense, error) {
	if dt == String {
		return nil, &UnsupportedError{Op: "FromBytes", DType: dt}
	}
	d, err := New(dt, shape...)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != d.Nbytes() {
		return nil, fmt.Errorf("%w: %d bytes do not fill %s shape %v (%d bytes)", ErrShape, len(b), dt, shape, d.Nbytes())
	}
	if dt == Bool {
		v := d.data.([]bool)
		for i, c := range b {
			v[i] = c != 0
		}
		return d, nil
	}
	copy(d.Bytes(), b)
	return d, nil
}

// Values returns the block's typed buffer (shared, not copied). It panics
// when T is not the storage type of the block's dtype (a programmer
// error); As reports that as an error instead.
func Values[T Elem](d *Dense) []T {
	v, ok := d.data.([]T)
	if !ok {
		panic(fmt.Sprintf("block.Values: block is %s, not %T", d.dtype, *new(T)))
	}
	return v
}

// DType is the block's element type.
func (d *Dense) DType() DType { return d.dtype }

// Shape returns the block's shape in a new slice the caller may keep.
func (d *Dense) Shape() []int { return cloneInts(d.shape) }

// Rank is the number of axes (0 for a scalar block of one element).
func (d *Dense) Rank() int { return len(d.shape) }

// Len is the number of elements, the product of the shape.
func (d *Dense) Len() int { return int(chunk.Size(d.shape)) }

// Nbytes is the size of the buffer in bytes, Len times the dtype's Size;
// it makes *Dense a cluster.Value.
func (d *Dense) Nbytes() int64 { return chunk.Size(d.shape) * int64(d.dtype.Size()) }

// Data returns the typed buffer as an any ([]float64 for Float64, ...),
// shared with the block; SliceDType names its dtype. Prefer Values or As
// where the type is known.
func (d *Dense) Data() any { return d.data }

// Bytes returns a zero-copy little-endian view of the buffer. Writes through
// it change the block; for Bool blocks only the bytes 0 and 1 may be written.
// A String block has no byte view: Bytes panics for it (check HasBytes;
// CopyBox, Clone, Equal and FillFrom work on every dtype).
func (d *Dense) Bytes() []byte {
	if d.dtype == String {
		panic("block: Bytes of a string block")
	}
	n := int(d.Nbytes())
	if n == 0 {
		return []byte{}
	}
	p := kern[d.dtype].ptr(d.data)
	return unsafe.Slice((*byte)(p), n)
}

// HasBytes reports whether the block's buffer has a byte view (Bytes): true
// for every dtype but String.
func (d *Dense) HasBytes() bool { return d.dtype != String }

// Reshape returns a block sharing d's buffer with a new shape of the same
// element count (ErrShape otherwise). A pooled d is marked shared (see
// Share), so its buffer is never recycled under the new block.
func (d *Dense) Reshape(shape ...int) (*Dense, error) {
	if err := chunk.CheckShape(shape); err != nil {
		return nil, shapeError(err)
	}
	if chunk.Size(shape) != chunk.Size(d.shape) {
		return nil, fmt.Errorf("%w: cannot reshape %v into %v", ErrShape, d.shape, shape)
	}
	d.Share()
	return &Dense{dtype: d.dtype, shape: cloneInts(shape), data: d.data}, nil
}

// Clone returns a deep copy: same dtype and shape, a buffer of its own
// (never pooled).
func (d *Dense) Clone() *Dense {
	c := Must(d.dtype, d.shape...)
	if d.dtype == String {
		copy(c.data.([]string), d.data.([]string))
		return c
	}
	copy(c.Bytes(), d.Bytes())
	return c
}

// Float64 returns element i (C-order linear index) converted to float64
// (bool: 0 or 1; int64 and uint64 beyond 2^53 round to the nearest
// float64; a datetime64 or timedelta64 its count, NaN for NaT; float16
// exactly). It panics when i is out of range, and for Complex64,
// Complex128 and String blocks, which have no float view (HasFloat).
func (d *Dense) Float64(i int) float64 { return SliceFloat64(d.data, i) }

// Float64s returns every element converted to float64 as Float64 does, in
// C order, in a new slice.
func (d *Dense) Float64s() []float64 {
	out := make([]float64, d.Len())
	for i := range out {
		out[i] = d.Float64(i)
	}
	return out
}

// HasFloat reports whether Float64 and At are defined for the block's
// dtype: every dtype but Complex64, Complex128 and String.
func (d *Dense) HasFloat() bool { return kern[d.dtype].float != nil }

// At returns the element at the n-d index idx as float64. It panics when idx
// is out of range.
func (d *Dense) At(idx ...int) float64 { return d.Float64(d.linear("block.At", idx)) }

// Fill sets every element to v converted to the block's dtype as a Go
// conversion would (bool: v != 0; a datetime64 NaT for NaN; a complex
// dtype v+0i). String blocks are left alone (use FillString). Use AsType
// semantics via FillChecked when v may not fit.
func (d *Dense) Fill(v float64) {
	switch v2 := d.data.(type) {
	case []complex64:
		fillT(v2, complex(float32(v), 0))
		return
	case []complex128:
		fillT(v2, complex(v, 0))
		return
	}
	kern[d.dtype].fill(d.data, v)
}

// FillString sets every element of a String block to s; other dtypes get
// an *UnsupportedError.
func (d *Dense) FillString(s string) error {
	v, ok := d.data.([]string)
	if !ok {
		return &UnsupportedError{Op: "FillString", DType: d.dtype}
	}
	fillT(v, s)
	return nil
}

// FillComplex sets every element of a complex block to c (rounded to
// complex64 for Complex64); other dtypes get an *UnsupportedError.
func (d *Dense) FillComplex(c complex128) error {
	switch v := d.data.(type) {
	case []complex64:
		fillT(v, complex64(c))
	case []complex128:
		fillT(v, c)
	default:
		return &UnsupportedError{Op: "FillComplex", DType: d.dtype}
	}
	return nil
}

// FillFrom sets every element of d to the one element of src, which must
// have d's dtype (ErrDTypeMismatch) and one element (ErrShape). It works
// for every dtype, strings included.
func (d *Dense) FillFrom(src *Dense) error {
	if src.dtype != d.dtype {
		return fmt.Errorf("%w: FillFrom a %s block into %s", ErrDTypeMismatch, src.dtype, d.dtype)
	}
	if src.Len() != 1 {
		return fmt.Errorf("%w: FillFrom a block of %d elements", ErrShape, src.Len())
	}
	if d.dtype == String {
		fillT(d.data.([]string), src.data.([]string)[0])
		return nil
	}
	b, pat := d.Bytes(), src.Bytes()
	if len(b) == 0 {
		return nil
	}
	copy(b, pat)
	for n := len(pat); n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
	return nil
}

// FillChecked is Fill that refuses values that the dtype cannot hold exactly
// after nearest-even rounding (ErrOverflow), and NaN for integer dtypes. A
// datetime64 or timedelta64 takes NaN as NaT and otherwise an integral v
// that fits int64; a float16 a v within ±65504 (or ±Inf, NaN); a complex
// dtype v+0i. String gets an *UnsupportedError.
func (d *Dense) FillChecked(v float64) error {
	switch {
	case d.dtype == String:
		return &UnsupportedError{Op: "fill with a number", DType: d.dtype}
	case d.dtype.IsComplex():
		if d.dtype == Complex64 && math.Abs(v) > math.MaxFloat32 && !math.IsInf(v, 0) {
			return &CastError{From: Float64, To: d.dtype, Index: []int{0}, Value: v}
		}
		d.Fill(v)
		return nil
	case d.dtype.IsTime():
		if math.IsNaN(v) {
			fillT(d.data.([]int64), NaT)
			return nil
		}
		if v != math.Trunc(v) || v < -(1<<63) || v >= 1<<63 {
			return &CastError{From: Float64, To: d.dtype, Index: []int{0}, Value: v}
		}
		fillT(d.data.([]int64), int64(v))
		return nil
	case d.dtype == Float16:
		h := HalfFromFloat64(v)
		if h&0x7fff == 0x7c00 && !math.IsInf(v, 0) {
			return &CastError{From: Float64, To: d.dtype, Index: []int{0}, Value: v}
		}
		fillT(d.data.([]Half), h)
		return nil
	}
	one, _ := FromSlice([]float64{v}, 1)
	c, err := one.AsType(d.dtype, CastOptions{Overflow: OverflowError})
	if err != nil {
		return err
	}
	if d.dtype.IsFloat() || d.dtype.IsBool() {
		d.Fill(c.Float64(0))
		return nil
	}
	// integers: fill from the converted element bytes to keep 64-bit precision
	es := d.dtype.Size()
	src := c.Bytes()[:es]
	b := d.Bytes()
	for i := 0; i < len(b); i += es {
		copy(b[i:i+es], src)
	}
	return nil
}

func fillT[T Elem](s []T, v T) {
	if len(s) == 0 {
		return
	}
	s[0] = v
	for n := 1; n < len(s); n *= 2 {
		copy(s[n:], s[:n])
	}
}

// Equal reports whether two blocks have the same dtype, shape and elements,
// compared bit for bit: NaN equals NaN with the same bits, and 0 does not
// equal -0.
func (d *Dense) Equal(o *Dense) bool {
	if d.dtype != o.dtype || !chunk.EqualShape(d.shape, o.shape) {
		return false
	}
	if d.dtype == String {
		return slices.Equal(d.data.([]string), o.data.([]string))
	}
	return string(d.Bytes()) == string(o.Bytes()) // bools are bytes 0 and 1
}

// String summarises the block by dtype and shape, e.g.
// "Dense(float64, [2 3])"; it never prints elements.
func (d *Dense) String() string { return fmt.Sprintf("Dense(%s, %v)", d.dtype, d.shape) }

func cloneInts(s []int) []int {
	if s == nil {
		return []int{}
	}
	return append([]int(nil), s...)
}
