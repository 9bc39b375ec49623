package ndarray

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// None marks an omitted slice bound, Python's None in x[None:5].
const None = math.MinInt

type indexKind uint8

const (
	kSlice indexKind = iota
	kInt
	kList
	kNewAxis
	kEllipsis
)

// Index is one item of an indexing expression (see Array.Index): a slice,
// an integer, an integer list, a new axis or an ellipsis.
type Index struct {
	kind              indexKind
	start, stop, step int
	list              []int
}

// Sl is the slice start:stop:step with Python's rules: negative bounds count
// from the end, bounds are clipped to the axis, None omits a bound, and a
// negative step walks backwards (Sl(None, None, -1) reverses). A zero step
// is an error.
func Sl(start, stop, step int) Index {
	return Index{kind: kSlice, start: start, stop: stop, step: step}
}

// All is the full slice ":".
func All() Index { return Sl(None, None, 1) }

// At is an integer index: it selects one position and drops the axis.
// Negative values count from the end; out of range is ErrIndex.
func At(i int) Index { return Index{kind: kInt, start: i} }

// List selects the given positions along one axis, in order, repeats
// allowed (numpy's integer-array indexing along one axis). Negative values
// count from the end. At most one List may appear in an expression.
func List(positions ...int) Index { return Index{kind: kList, list: slices.Clone(positions)} }

// NewAxis inserts an axis of length one (numpy's np.newaxis).
var NewAxis = Index{kind: kNewAxis}

// Ellipsis stands for as many full slices as the expression needs.
var Ellipsis = Index{kind: kEllipsis}

// String formats the item as Python would write it inside brackets: a
// slice as "start:stop:step" with a None bound or step left empty, so
// All() is "::1"; an integer as its decimal value; a List as "[1 5 2]"; a
// new axis as "newaxis" and an ellipsis as "...".
func (ix Index) String() string {
	b := func(v int) string {
		if v == None {
			return ""
		}
		return fmt.Sprint(v)
	}
	switch ix.kind {
	case kSlice:
		return b(ix.start) + ":" + b(ix.stop) + ":" + b(ix.step)
	case kInt:
		return fmt.Sprint(ix.start)
	case kList:
		return fmt.Sprint(ix.list)
	case kNewAxis:
		return "newaxis"
	}
	return "..."
}

// sliceIndices is Python's slice.indices(n): the first position, the step
// and the count.
func sliceIndices(start, stop, step, n int) (int, int, int, error) {
	if step == None {
		step = 1
	}
	if step == 0 {
		return 0, 0, 0, fmt.Errorf("%w: slice step cannot be zero", ErrIndex)
	}
	if step > 0 {
		lo := func(v, def int) int {
			if v == None {
				return def
			}
			if v < 0 {
				v += n
			}
			return min(max(v, 0), n)
		}
		s, e := lo(start, 0), lo(stop, n)
		cnt := 0
		if e > s {
			cnt = (e - s + step - 1) / step
		}
		return s, step, cnt, nil
	}
	lo := func(v, def int) int {
		if v == None {
			return def
		}
		if v < 0 {
			v += n
		}
		return min(max(v, -1), n-1)
	}
	s, e := lo(start, n-1), lo(stop, -1)
	cnt := 0
	if s > e {
		cnt = (s - e + (-step) - 1) / (-step)
	}
	return s, step, cnt, nil
}

// chunkList chooses output chunks for the source positions l along source
// axis s: a monotonic list keeps the source's block boundaries (as dask does
// for slices); any other list is cut into pieces of the source's largest
// chunk. The monotonic check reads l once; the cut costs a binary search
// per output chunk, not a lookup per position.
func chunkList(a *Array, s int, l []int) (chunk.Axis, error) {
	if len(l) == 0 {
		return chunk.Axis{}, nil
	}
	inc, dec := true, true
	for i := 1; i < len(l) && (inc || dec); i++ {
		inc = inc && l[i] >= l[i-1]
		dec = dec && l[i] <= l[i-1]
	}
	if !inc && !dec {
		return chunk.RegularAxis(len(l), max(a.grid.Axis(s).MaxSize(), 1))
	}
	ax := a.grid.Axis(s)
	var out []int
	for k := 0; k < len(l); {
		b := ax.Block(l[k])
		// The run of l inside block b ends at the first position past it.
		lo, hi := ax.Start(b), ax.Start(b+1)
		var e int
		if inc {
			e = k + sort.Search(len(l)-k, func(j int) bool { return l[k+j] >= hi })
		} else {
			e = k + sort.Search(len(l)-k, func(j int) bool { return l[k+j] < lo })
		}
		out = append(out, e-k)
		k = e
	}
	return chunk.ListAxis(out)
}

// normList returns the list with negative positions counted from the end
// of an axis of length n, or ErrIndex naming the first out of range. It
// returns l itself (Lists own their copy) when nothing needs changing.
func normList(l []int, axis, n int) ([]int, error) {
	var out []int
	for k, x := range l {
		if x < -n || x >= n {
			return nil, fmt.Errorf("%w: index %d on axis %d of length %d", ErrIndex, x, axis, n)
		}
		if x < 0 && out == nil {
			out = slices.Clone(l)
		}
		if out != nil && x < 0 {
			out[k] = x + n
		}
	}
	if out == nil {
		return l, nil
	}
	return out, nil
}

// indexToken names an expanded indexing expression. A list enters as its
// length and a hash of its positions, so naming a list of millions costs
// one pass without formatting it.
func indexToken(full []Index) string {
	var sb strings.Builder
	sb.WriteString("index [")
	var buf [8 * 512]byte
	for i, it := range full {
		if i > 0 {
			sb.WriteByte(' ')
		}
		if it.kind != kList {
			sb.WriteString(it.String())
			continue
		}
		h := sha256.New()
		for l := it.list; len(l) > 0; {
			n := min(len(l), len(buf)/8)
			for k, x := range l[:n] {
				binary.LittleEndian.PutUint64(buf[8*k:], uint64(x))
			}
			h.Write(buf[:8*n])
			l = l[n:]
		}
		fmt.Fprintf(&sb, "list(%d:%x)", len(it.list), h.Sum(nil)[:16])
	}
	sb.WriteByte(']')
	return sb.String()
}

// Index applies a numpy basic-indexing expression plus at most one integer
// list, orthogonally: Sl slices, At drops an axis, NewAxis inserts one,
// Ellipsis fills, List takes positions. Missing trailing items are full
// slices. Output chunks follow the source's block boundaries along sliced
// axes. Errors (ErrIndex): a position out of range, a zero step, more
// items than axes, two Lists or two Ellipses.
//
// The result is lazy; each output block is one gather task reading only the
// source blocks it needs. Planning is O(rank) for slices, integers and new
// axes whatever the lengths and steps; a List costs one pass over its
// positions (checked, hashed into the array's name, its chunks found by
// binary search), and each block's task reads its own positions by offset.
//
// When the expression selects a box (step-1 slices, integers, new axes,
// at most one contiguous increasing List) of an opaque array whose layer
// is a SubsetLayer (a lazy Zarr array or raster, say), the box is read
// directly: one read task per source block the box touches, for that
// block's part of the box, and no gather; integers then drop their axes
// by reshaping the read blocks (sharing their buffers), and later
// selections of the result stay direct.
func (a *Array) Index(items ...Index) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	shape := a.grid.Shape()
	// Expand the ellipsis.
	consumed, ell, lists := 0, -1, 0
	for i, it := range items {
		switch it.kind {
		case kEllipsis:
			if ell >= 0 {
				return Errored(fmt.Errorf("%w: more than one ellipsis", ErrIndex))
			}
			ell = i
		case kNewAxis:
		case kList:
			lists++
			consumed++
		default:
			consumed++
		}
	}
	if lists > 1 {
		return Errored(fmt.Errorf("%w: only one integer list per expression (index one axis at a time)", ErrIndex))
	}
	if consumed > len(shape) {
		return Errored(fmt.Errorf("%w: %d indices for array of rank %d", ErrIndex, consumed, len(shape)))
	}
	var full []Index
	fill := make([]Index, len(shape)-consumed)
	for i := range fill {
		fill[i] = All()
	}
	if ell >= 0 {
		full = append(append(append(full, items[:ell]...), fill...), items[ell+1:]...)
	} else {
		full = append(append(full, items...), fill...)
	}
	var srcAxis []int
	var maps []axisMap
	var outAxes []chunk.Axis
	one, _ := chunk.RegularAxis(1, 1)
	fixed := make([]int, len(shape))
	identity := true
	s := 0
	for _, it := range full {
		switch it.kind {
		case kNewAxis:
			srcAxis = append(srcAxis, -1)
			maps = append(maps, axisMap{kind: mapNew})
			outAxes = append(outAxes, one)
			identity = false
		case kInt:
			i := it.start
			if i < -shape[s] || i >= shape[s] {
				return Errored(fmt.Errorf("%w: index %d on axis %d of length %d", ErrIndex, i, s, shape[s]))
			}
			if i < 0 {
				i += shape[s]
			}
			fixed[s] = i
			s++
			identity = false
		case kSlice, kList:
			var m axisMap
			var ax chunk.Axis
			if it.kind == kSlice {
				st, step, cnt, err := sliceIndices(it.start, it.stop, it.step, shape[s])
				if err != nil {
					return Errored(err)
				}
				m = axisMap{kind: mapAffine, start: st, step: step}
				if cnt > 0 {
					ax, err = a.grid.Axis(s).Slice(st, step, cnt)
					if err != nil {
						return Errored(fmt.Errorf("%w: axis %d: %w", ErrIndex, s, err))
					}
				}
				if st != 0 || step != 1 || cnt != shape[s] {
					identity = false
				}
			} else {
				l, err := normList(it.list, s, shape[s])
				if err != nil {
					return Errored(err)
				}
				if ax, err = chunkList(a, s, l); err != nil {
					return Errored(fmt.Errorf("%w: axis %d: %w", ErrIndex, s, err))
				}
				m = axisMap{kind: mapList, list: l}
				identity = false
			}
			fixed[s] = -1
			srcAxis = append(srcAxis, s)
			maps = append(maps, m)
			outAxes = append(outAxes, ax)
			s++
		}
	}
	if identity {
		return a
	}
	if sub, ok := a.indexSubset(full); ok {
		return sub
	}
	return newOIndex(a, indexToken(full), srcAxis, fixed, outAxes, maps, 0)
}

// Take selects positions along one axis (numpy's take): a.Index with a
// List on that axis. Negative positions count from the end; out of range
// is ErrIndex. The positions are copied (the caller may reuse the slice);
// the plan costs that copy and one pass, see Index.
func (a *Array) Take(positions []int, axis int) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	ax, err := normAxis(axis, a.Rank())
	if err != nil {
		return Errored(err)
	}
	items := make([]Index, a.Rank())
	for i := range items {
		items[i] = All()
	}
	items[ax] = List(positions...)
	return a.Index(items...)
}

// ErrAxis reports an axis argument out of range or repeated.
var ErrAxis = fmt.Errorf("%w: invalid axis", ErrIndex)

func normAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("%w: axis %d for rank %d", ErrAxis, axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// Transpose permutes the axes: output axis i is input axis axes[i]. With no
// argument it reverses them (numpy's .T). Chunks move with their axes; each
// output block is one input block transposed.
func (a *Array) Transpose(axes ...int) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	r := a.Rank()
	if len(axes) == 0 {
		axes = make([]int, r)
		for i := range axes {
			axes[i] = r - 1 - i
		}
	}
	if len(axes) != r {
		return Errored(fmt.Errorf("%w: transpose of rank %d by %v", ErrAxis, r, axes))
	}
	perm := make([]int, r)
	seen := make([]bool, r)
	same := true
	for i, ax := range axes {
		p, err := normAxis(ax, r)
		if err != nil {
			return Errored(err)
		}
		if seen[p] {
			return Errored(fmt.Errorf("%w: axis %d repeated in %v", ErrAxis, p, axes))
		}
		seen[p] = true
		perm[i] = p
		same = same && p == i
	}
	if same {
		return a
	}
	maps := make([]axisMap, r)
	out := make([]chunk.Axis, r)
	fixed := make([]int, r)
	for i, p := range perm {
		maps[i] = axisMap{kind: mapAffine, start: 0, step: 1}
		out[i] = a.grid.Axis(p)
		fixed[p] = -1
	}
	return newOIndex(a, fmt.Sprint("transpose ", perm), perm, fixed, out, maps, 0)
}

// Squeeze drops axes of length one: the given axes (ErrShape when one is
// not of length one), or every such axis when none is given.
func (a *Array) Squeeze(axes ...int) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	shape := a.grid.Shape()
	drop := make([]bool, len(shape))
	if len(axes) == 0 {
		for i, n := range shape {
			drop[i] = n == 1
		}
	}
	for _, ax := range axes {
		p, err := normAxis(ax, len(shape))
		if err != nil {
			return Errored(err)
		}
		if shape[p] != 1 {
			return Errored(fmt.Errorf("%w: cannot squeeze axis %d of length %d", block.ErrShape, p, shape[p]))
		}
		drop[p] = true
	}
	items := make([]Index, len(shape))
	for i := range items {
		items[i] = All()
		if drop[i] {
			items[i] = At(0)
		}
	}
	return a.Index(items...)
}

// ExpandDims inserts a new axis of length one at position axis of the
// result (negative counts from the end of the result, as numpy).
func (a *Array) ExpandDims(axis int) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	p, err := normAxis(axis, a.Rank()+1)
	if err != nil {
		return Errored(err)
	}
	items := make([]Index, a.Rank()+1)
	for i := range items {
		items[i] = All()
	}
	items[p] = NewAxis
	return a.Index(items...)
}

// PadMode selects how Pad fills the new border.
type PadMode uint8

// Pad modes, numpy's names (np.pad's mode argument). The examples pad
// [1 2 3] by 2 on each side.
const (
	// PadConstant fills the border with Pad's value argument (numpy's
	// "constant"): 0 0 1 2 3 0 0 for value 0. It is the zero PadMode.
	PadConstant PadMode = iota
	// PadEdge repeats the edge element (numpy's "edge"): 1 1 1 2 3 3 3.
	PadEdge
	// PadReflect mirrors the array about its edge element, without
	// repeating it (numpy's "reflect"): 3 2 1 2 3 2 1.
	PadReflect
	// PadSymmetric mirrors the array including the edge element (numpy's
	// "symmetric", dask's "reflect"): 2 1 1 2 3 3 2.
	PadSymmetric
	// PadWrap repeats the array periodically (numpy's "wrap"):
	// 2 3 1 2 3 1 2.
	PadWrap
)

// String is the mode's numpy name: "constant", "edge", "reflect",
// "symmetric" or "wrap" (also for values past PadWrap).
func (m PadMode) String() string {
	return [...]string{"constant", "edge", "reflect", "symmetric", "wrap"}[min(int(m), 4)]
}

// mapBoundary maps a position x (possibly outside [0, n)) to a source
// position under mode, or -1 for constant fill.
func mapBoundary(x, n int, mode PadMode) int {
	if x >= 0 && x < n {
		return x
	}
	switch mode {
	case PadEdge:
		return min(max(x, 0), n-1)
	case PadReflect:
		if n == 1 {
			return 0
		}
		p := 2 * (n - 1)
		m := ((x % p) + p) % p
		if m >= n {
			m = p - m
		}
		return m
	case PadSymmetric:
		p := 2 * n
		m := ((x % p) + p) % p
		if m >= n {
			m = p - 1 - m
		}
		return m
	case PadWrap:
		return ((x % n) + n) % n
	}
	return -1
}

// Pad adds widths[i] = {before, after} elements on each side of axis i,
// filled by mode (value is used by PadConstant and must fit the dtype).
// The border becomes chunks of its own on each padded side, as in dask.
// Errors: ErrShape for a width list of the wrong length, a negative width
// or a padded shape of more than 2^63 elements (10^12 on two axes),
// ErrIndex for edge, reflect, symmetric or wrap padding of an empty axis.
// Planning costs O(rank) whatever the widths; a block of the border costs
// the mirror or wrap periods it crosses, never the widths.
func (a *Array) Pad(widths [][2]int, mode PadMode, value float64) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	shape := a.grid.Shape()
	if len(widths) != len(shape) {
		return Errored(fmt.Errorf("%w: %d pad widths for rank %d", block.ErrShape, len(widths), len(shape)))
	}
	if mode > PadWrap {
		return Errored(fmt.Errorf("ndarray.Pad: unknown mode %d", mode))
	}
	if mode == PadConstant && value != 0 {
		if err := block.Must(a.dtype, 1).FillChecked(value); err != nil {
			return Errored(fmt.Errorf("ndarray.Pad: %w", err))
		}
	}
	r := len(shape)
	maps, axes := make([]axisMap, r), make([]chunk.Axis, r)
	srcAxis, fixed := make([]int, r), make([]int, r)
	padded := false
	for i, w := range widths {
		if w[0] < 0 || w[1] < 0 {
			return Errored(fmt.Errorf("%w: negative pad width %v on axis %d", block.ErrShape, w, i))
		}
		n := shape[i]
		if n == 0 && mode != PadConstant && w[0]+w[1] > 0 {
			return Errored(fmt.Errorf("%w: cannot %s-pad empty axis %d", ErrIndex, mode, i))
		}
		if w[0] > math.MaxInt-n || w[1] > math.MaxInt-n-w[0] {
			return Errored(fmt.Errorf("%w: pad widths %v on axis %d of length %d overflow", block.ErrShape, w, i, n))
		}
		padded = padded || w[0] > 0 || w[1] > 0
		srcAxis[i], fixed[i] = i, -1
		maps[i] = axisMap{kind: mapPad, before: w[0], n: n, mode: mode}
		ax, err := padAxis(a.grid.Axis(i), w)
		if err != nil {
			return Errored(fmt.Errorf("ndarray.Pad: axis %d: %w", i, err))
		}
		axes[i] = ax
	}
	if !padded {
		return a
	}
	fill := 0.0
	if mode == PadConstant {
		fill = value
	}
	if err := chunk.CheckShape(outShape(axes)); err != nil {
		// block.ErrShape wraps chunk.ErrShape: both match.
		return Errored(fmt.Errorf("%w: ndarray.Pad to shape %v: too many elements", block.ErrShape, outShape(axes)))
	}
	return newOIndex(a, fmt.Sprint("pad ", widths, mode, value), srcAxis, fixed, axes, maps, fill)
}

// padAxis is the padded axis: the border on each side is a chunk of its own
// (dask's choice) while it is no wider than the axis's largest chunk, and a
// run of such chunks beyond, so that no border block outgrows the source's.
func padAxis(ax chunk.Axis, w [2]int) (chunk.Axis, error) {
	c := ax.MaxSize()
	if ax.Len() == 0 {
		c = min(max(w[0], w[1]), padMaxChunk)
	}
	border := func(n int) (chunk.Axis, error) {
		if n == 0 {
			return chunk.Axis{}, nil
		}
		return chunk.RegularAxis(n, max(c, 1))
	}
	lo, err := border(w[0])
	if err != nil {
		return chunk.Axis{}, err
	}
	hi, err := border(w[1])
	if err != nil {
		return chunk.Axis{}, err
	}
	return chunk.ConcatAxes(lo, ax, hi)
}

// padMaxChunk bounds the border chunks of padding an empty axis.
const padMaxChunk = 1 << 20

func outShape(axes []chunk.Axis) []int {
	s := make([]int, len(axes))
	for i, a := range axes {
		s[i] = a.Len()
	}
	return s
}
