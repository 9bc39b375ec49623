package ndarray

import (
	"fmt"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// SubsetLayer is an optional upgrade of a Layer, in the manner of io/fs's
// upgrades: a layer that can produce a rectangular part of its array
// directly, so that selecting a box reads only the box instead of whole
// blocks followed by a gather that copies the box out of them.
//
// Array.Index (and Take of a contiguous run of positions) asks for it when
// every item selects a step-1 range or one position of an opaque array
// whose layer implements it, and the box is a proper, non-empty part of
// the array. Steps other than 1, unordered or repeated lists, and empty
// selections keep the gather path.
type SubsetLayer interface {
	Layer
	// Subset returns a layer whose array is the part box of a (same rank,
	// box inside a's shape and neither empty nor the whole of a), laid out
	// on grid: a's chunks clipped to box and moved to start at the origin,
	// as dask's slicing chunks it. Block idx of the result must hold the
	// elements of a's box grid.BlockBox(idx) + box.Lo. The result's name
	// is derived by ndarray from a's name and box, so the returned layer
	// need not be named. ok false declines, and Index gathers instead.
	Subset(a *Array, box chunk.Box, grid *chunk.Grid) (layer Layer, ok bool)
}

// subset returns the part box of a read directly through a's SubsetLayer,
// or false when a's layer has none, declines, or the box is empty or the
// whole array. The result's chunks are a's clipped to box.
func (a *Array) subset(box chunk.Box) (*Array, bool) {
	sl, ok := a.layer.(SubsetLayer)
	if !ok || a.expr != nil || box.Rank() != a.Rank() {
		return nil, false
	}
	shape := a.grid.Shape()
	whole := true
	for i := range shape {
		if box.Lo[i] < 0 || box.Hi[i] > shape[i] || box.Lo[i] >= box.Hi[i] {
			return nil, false
		}
		whole = whole && box.Lo[i] == 0 && box.Hi[i] == shape[i]
	}
	if whole {
		return nil, false
	}
	axes := make([]chunk.Axis, len(shape))
	for i := range shape {
		ax, err := a.grid.Axis(i).Slice(box.Lo[i], 1, box.Hi[i]-box.Lo[i])
		if err != nil {
			return nil, false
		}
		axes[i] = ax
	}
	grid, err := chunk.NewGridAxes(axes)
	if err != nil {
		return nil, false
	}
	l, ok := sl.Subset(a, box, grid)
	if !ok || l == nil {
		return nil, false
	}
	sub := NewArray(a.dtype, grid, Token("subset", a.name, fmt.Sprint(box.Lo), fmt.Sprint(box.Hi)), l)
	return sub, sub.Err() == nil
}

// indexSubset is Index's direct path: when full (the expanded expression)
// selects a box of a (step-1 slices, integers, contiguous increasing
// lists) from an opaque array whose layer is a SubsetLayer, it reads the
// box through the layer and applies what is left (dropping the integers'
// axes, inserting new ones) to that smaller array. It reports false when
// the expression does not qualify, leaving Index to gather.
func (a *Array) indexSubset(full []Index) (*Array, bool) {
	if _, ok := a.layer.(SubsetLayer); !ok || a.expr != nil {
		return nil, false
	}
	shape := a.grid.Shape()
	lo, hi := make([]int, len(shape)), make([]int, len(shape))
	rest := make([]Index, 0, len(full))
	squeeze := false
	s := 0
	for _, it := range full {
		switch it.kind {
		case kNewAxis:
			rest = append(rest, NewAxis)
			squeeze = true
			continue
		case kInt:
			i := it.start
			if i < -shape[s] || i >= shape[s] {
				return nil, false // Index reports it
			}
			if i < 0 {
				i += shape[s]
			}
			lo[s], hi[s] = i, i+1
			rest = append(rest, At(0))
			squeeze = true
		case kSlice:
			st, step, cnt, err := sliceIndices(it.start, it.stop, it.step, shape[s])
			if err != nil || cnt == 0 || (step != 1 && cnt > 1) {
				return nil, false
			}
			lo[s], hi[s] = st, st+cnt
			rest = append(rest, All())
		case kList:
			l, err := normList(it.list, s, shape[s])
			if err != nil || !contiguous(l) {
				return nil, false
			}
			lo[s], hi[s] = l[0], l[0]+len(l)
			rest = append(rest, All())
		default:
			return nil, false
		}
		s++
	}
	sub, ok := a.subset(chunk.Box{Lo: lo, Hi: hi})
	if !ok {
		return nil, false
	}
	if !squeeze {
		return sub, true
	}
	return squeezeSubset(sub, rest), true
}

// squeezeSubset applies rest (All, At(0) on axes of length one, NewAxis)
// to sub, a direct read. Only axes of length one come and go, so each
// output block is the read block reshaped, sharing its buffer (a
// squeezeLayer, itself a SubsetLayer so that later selections stay
// direct).
func squeezeSubset(sub *Array, rest []Index) *Array {
	src, under := sub, []int(nil)
	if sq, ok := sub.layer.(squeezeLayer); ok {
		src, under = sq.src, sq.axis
	}
	var axis []int
	var axes []chunk.Axis
	one, _ := chunk.RegularAxis(1, 1)
	s := 0
	for _, it := range rest {
		switch it.kind {
		case kNewAxis:
			axis = append(axis, -1)
			axes = append(axes, one)
			continue
		case kSlice:
			m := s
			if under != nil {
				m = under[s]
			}
			axis = append(axis, m)
			axes = append(axes, sub.grid.Axis(s))
		}
		s++
	}
	grid, err := chunk.NewGridAxes(axes)
	if err != nil {
		return sub.Index(rest...)
	}
	if grid.Equal(sub.grid) {
		return sub // only axes of length one moved: the same elements in the same order
	}
	return NewArray(sub.dtype, grid, Token("squeeze", src.name, fmt.Sprint(axis)), squeezeLayer{src: src, axis: axis})
}

// squeezeLayer is a direct read src with axes of length one dropped and
// inserted: output axis d is src's axis axis[d], or new when -1; src's
// axes no entry names have length one. Block idx is src's block with the
// same indices on the kept axes, reshaped.
type squeezeLayer struct {
	src  *Array
	axis []int
}

// Inputs is the read a squeeze reshapes.
func (l squeezeLayer) Inputs() []*Array { return []*Array{l.src} }

func (l squeezeLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	sidx := make([]int, l.src.Rank())
	for d, s := range l.axis {
		if s >= 0 {
			sidx[s] = idx[d]
		}
	}
	k, err := b.Key(l.src, sidx)
	if err != nil {
		return cluster.Task{}, err
	}
	return cluster.Task{Op: &reshapeOp{Shape: a.grid.BlockShape(idx)}, Inputs: []cluster.Key{k}}, nil
}

// Subset selects box of the squeezed array as the matching box of src
// (position 0 on its dropped axes), read directly, squeezed the same way.
func (l squeezeLayer) Subset(a *Array, box chunk.Box, grid *chunk.Grid) (Layer, bool) {
	sb := chunk.BoxOf(make([]int, l.src.Rank()))
	for i := range sb.Hi {
		sb.Hi[i] = 1
	}
	for d, s := range l.axis {
		if s >= 0 {
			sb.Lo[s], sb.Hi[s] = box.Lo[d], box.Hi[d]
		}
	}
	src, ok := l.src.subset(sb)
	if !ok {
		if !chunk.EqualShape(sb.Shape(), l.src.Shape()) {
			return nil, false
		}
		src = l.src
	}
	return squeezeLayer{src: src, axis: l.axis}, true
}

// contiguous reports whether l is a non-empty increasing run of
// consecutive positions.
func contiguous(l []int) bool {
	if len(l) == 0 {
		return false
	}
	for k := 1; k < len(l); k++ {
		if l[k] != l[0]+k {
			return false
		}
	}
	return true
}
