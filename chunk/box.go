package chunk

import (
	"math"
	"strconv"
	"strings"
)

// Box is an n-dimensional half-open region [Lo[i], Hi[i]) per axis. The zero
// Box has rank 0 and holds exactly one element (a scalar), as numpy's shape ()
// does. Boxes are values: methods never modify the receiver, and callers must
// not modify Lo or Hi after handing a Box to this package.
type Box struct {
	Lo, Hi []int // the first index inside and the first index past, per axis
}

// NewBox returns the box [lo, hi). It reports ErrRank when the lengths differ
// and ErrShape when some lo[i] > hi[i] or lo[i] < 0.
func NewBox(lo, hi []int) (Box, error) {
	if len(lo) != len(hi) {
		return Box{}, errorf(ErrRank, "box lo has rank %d, hi has rank %d", len(lo), len(hi))
	}
	for i := range lo {
		if lo[i] < 0 || hi[i] < lo[i] {
			return Box{}, errorf(ErrShape, "box axis %d: [%d, %d) is not a valid interval", i, lo[i], hi[i])
		}
	}
	return Box{Lo: clone(lo), Hi: clone(hi)}, nil
}

// BoxOf returns the box [0, shape) covering a whole array of that shape.
// It panics on a negative length (a programmer error; validate shapes with
// CheckShape first).
func BoxOf(shape []int) Box {
	for _, n := range shape {
		if n < 0 {
			panic("chunk.BoxOf: negative length")
		}
	}
	return Box{Lo: make([]int, len(shape)), Hi: clone(shape)}
}

// Rank is the number of axes.
func (b Box) Rank() int { return len(b.Lo) }

// Shape returns the extent of the box along each axis (a new slice).
func (b Box) Shape() []int {
	s := make([]int, len(b.Lo))
	for i := range s {
		s[i] = b.Hi[i] - b.Lo[i]
	}
	return s
}

// Size is the number of elements in the box.
func (b Box) Size() int64 {
	n := int64(1)
	for i := range b.Lo {
		n *= int64(b.Hi[i] - b.Lo[i])
	}
	return n
}

// Empty reports whether the box holds no element.
func (b Box) Empty() bool {
	for i := range b.Lo {
		if b.Hi[i] <= b.Lo[i] {
			return true
		}
	}
	return false
}

// Equal reports whether two boxes have the same rank and bounds.
func (b Box) Equal(o Box) bool {
	if len(b.Lo) != len(o.Lo) {
		return false
	}
	for i := range b.Lo {
		if b.Lo[i] != o.Lo[i] || b.Hi[i] != o.Hi[i] {
			return false
		}
	}
	return true
}

// Contains reports whether o lies inside b. An empty o of the same rank is
// contained in any box.
func (b Box) Contains(o Box) bool {
	if len(b.Lo) != len(o.Lo) {
		return false
	}
	if o.Empty() {
		return true
	}
	for i := range b.Lo {
		if o.Lo[i] < b.Lo[i] || o.Hi[i] > b.Hi[i] {
			return false
		}
	}
	return true
}

// Intersect returns b ∩ o and whether it is non-empty. It panics when the
// ranks differ.
func (b Box) Intersect(o Box) (Box, bool) {
	if len(b.Lo) != len(o.Lo) {
		panic("chunk.Box.Intersect: rank mismatch")
	}
	r := Box{Lo: make([]int, len(b.Lo)), Hi: make([]int, len(b.Lo))}
	ok := true
	for i := range b.Lo {
		r.Lo[i] = max(b.Lo[i], o.Lo[i])
		r.Hi[i] = min(b.Hi[i], o.Hi[i])
		if r.Hi[i] <= r.Lo[i] {
			r.Hi[i] = r.Lo[i]
			ok = false
		}
	}
	return r, ok
}

// Translate returns the box shifted by -origin: the same region expressed in
// the coordinates of a box whose low corner is origin.
func (b Box) Translate(origin []int) Box {
	r := Box{Lo: make([]int, len(b.Lo)), Hi: make([]int, len(b.Lo))}
	for i := range b.Lo {
		r.Lo[i] = b.Lo[i] - origin[i]
		r.Hi[i] = b.Hi[i] - origin[i]
	}
	return r
}

// String formats the box as numpy-style slices, e.g. "[0:10, 5:7]".
func (b Box) String() string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := range b.Lo {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(b.Lo[i]))
		sb.WriteByte(':')
		sb.WriteString(strconv.Itoa(b.Hi[i]))
	}
	sb.WriteByte(']')
	return sb.String()
}

// CheckShape validates an array shape: no negative length and an element
// count that fits in an int64.
func CheckShape(shape []int) error {
	n := int64(1)
	for i, s := range shape {
		if s < 0 {
			return errorf(ErrShape, "axis %d has negative length %d", i, s)
		}
		if s != 0 && n > math.MaxInt64/int64(s) {
			return errorf(ErrShape, "shape %v has more than 2^63 elements", shape)
		}
		n *= int64(s)
	}
	return nil
}

// Size is the number of elements of an array of the given shape.
func Size(shape []int) int64 {
	n := int64(1)
	for _, s := range shape {
		n *= int64(s)
	}
	return n
}

// Unravel converts a C-order linear element index into an n-d index of
// shape (numpy's unravel_index). Axes of length 0 give index 0.
func Unravel(lin int, shape []int) []int {
	idx := make([]int, len(shape))
	for a := len(shape) - 1; a >= 0; a-- {
		if shape[a] > 0 {
			idx[a] = lin % shape[a]
			lin /= shape[a]
		}
	}
	return idx
}

// Strides returns C-order element strides for shape.
func Strides(shape []int) []int {
	st := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= shape[i]
	}
	return st
}

// EqualShape reports whether two shapes are identical.
func EqualShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func clone(s []int) []int {
	if s == nil {
		return []int{}
	}
	return append([]int(nil), s...)
}
