package stats

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// ErrK reports a k of zero or larger in magnitude than the axis.
var ErrK = errors.New("stats: invalid k")

// topkSplit is how many partial blocks one combine step merges.
const topkSplit = 8

// topkParams travel in every top-k task.
type topkParams struct {
	Axis int
	K    int  // >0: largest, descending; <0: smallest, ascending
	Arg  bool // return positions (int64)
	// Level 0 reads the array (positions are the block's offset plus the
	// local index); later levels read a values partial and, for Arg, a
	// positions partial.
	Level int
	// Level 0: the input's chunk size along the axis when regular, else
	// the start of each of its blocks (BlockInfo.Box is the output's).
	Chunk  int   `json:",omitempty"`
	Starts []int `json:",omitempty"`
}

// TopK returns the |k| largest elements along axis in descending order
// when k > 0, the |k| smallest in ascending order when k < 0, as
// dask.array.topk(a, k, axis): numpy's order, so NaN counts as the
// largest. It works for any chunking: each block gives its own top |k|,
// and the partials are merged by a tree of 8-way steps along the axis, so
// no task holds more than 8·|k| lines' worth of the axis. Ties keep the
// element of lower position first. Errors: ErrK when k == 0 or |k|
// exceeds the axis length, ErrAxis, ErrDType.
func TopK(a *ndarray.Array, k, axis int) *ndarray.Array { return topk("TopK", a, k, axis, false) }

// ArgTopK returns the int64 positions along axis of TopK's elements, in
// the same order (dask.array.argtopk).
func ArgTopK(a *ndarray.Array, k, axis int) *ndarray.Array { return topk("ArgTopK", a, k, axis, true) }

func topk(fn string, a *ndarray.Array, k, axis int, arg bool) *ndarray.Array {
	ax, err := oneAxis(fn, a, axis)
	if err != nil {
		return ndarray.Errored(err)
	}
	n := a.Shape()[ax]
	if k == 0 || k > n || -k > n {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w: k = %d for axis %d of length %d (need 1 <= |k| <= %d)", fn, ErrK, k, ax, n, n))
	}
	kk := max(k, -k)
	vals := level0(a, ax, k, kk, false)
	var pos *ndarray.Array
	if arg {
		pos = level0(a, ax, k, kk, true)
	}
	for level := 1; vals.Err() == nil && vals.Grid().Axis(ax).NumChunks() > 1; level++ {
		cs := vals.Chunks()
		var merged []int
		for i := 0; i < len(cs[ax]); i += topkSplit {
			s := 0
			for _, c := range cs[ax][i:min(i+topkSplit, len(cs[ax]))] {
				s += c
			}
			merged = append(merged, s)
		}
		cs[ax] = merged
		v := vals.Rechunk(chunk.Explicit(cs...))
		out := outChunks(v, ax, kk)
		nv := ndarray.MapBlocks("stats.topk", []*ndarray.Array{v}, a.DType(), out, topkParams{Axis: ax, K: k, Level: level})
		if arg {
			p := pos.Rechunk(chunk.Explicit(cs...))
			pos = ndarray.MapBlocks("stats.topk", []*ndarray.Array{v, p}, block.Int64, out, topkParams{Axis: ax, K: k, Arg: true, Level: level})
		}
		vals = nv
	}
	if arg {
		return pos
	}
	return vals
}

func outChunks(a *ndarray.Array, ax, kk int) [][]int {
	cs := a.Chunks()
	for i, c := range cs[ax] {
		cs[ax][i] = min(c, kk)
	}
	return cs
}

func level0(a *ndarray.Array, ax, k, kk int, arg bool) *ndarray.Array {
	dt := a.DType()
	if arg {
		dt = block.Int64
	}
	p := topkParams{Axis: ax, K: k, Arg: arg}
	if arg {
		axis := a.Grid().Axis(ax)
		if c, ok := axis.Regular(); ok {
			p.Chunk = c
		} else {
			for i := range axis.NumChunks() {
				p.Starts = append(p.Starts, axis.Start(i))
			}
		}
	}
	return ndarray.MapBlocks("stats.topk", []*ndarray.Array{a}, dt, outChunks(a, ax, kk), p)
}

func topkBlock(ctx context.Context, in []*block.Dense, p topkParams, info ndarray.BlockInfo) (*block.Dense, error) {
	want := 1
	if p.Level > 0 && p.Arg {
		want = 2
	}
	if len(in) != want || p.Axis < 0 || p.Axis >= in[0].Rank() || p.K == 0 || p.Level < 0 {
		return nil, fmt.Errorf("stats.topk: %w: axis %d, k %d, level %d over %d inputs", ErrK, p.Axis, p.K, p.Level, len(in))
	}
	d := in[0]
	var pos []int64
	if want == 2 {
		if in[1].DType() != block.Int64 || !chunk.EqualShape(in[1].Shape(), d.Shape()) {
			return nil, fmt.Errorf("stats.topk: %w: positions %v %v for values %v", block.ErrShape, in[1].DType(), in[1].Shape(), d.Shape())
		}
		pos = in[1].Data().([]int64)
	}
	shape := d.Shape()
	oshape := slices.Clone(shape)
	oshape[p.Axis] = min(shape[p.Axis], max(p.K, -p.K))
	dt := d.DType()
	if p.Arg {
		dt = block.Int64
	}
	out, err := ndarray.Alloc(ctx, dt, oshape...)
	if err != nil {
		return nil, err
	}
	off := int64(0)
	if p.Level == 0 && p.Arg {
		b := info.Index[p.Axis]
		switch {
		case p.Chunk > 0:
			off = int64(b) * int64(p.Chunk)
		case b < len(p.Starts):
			off = int64(p.Starts[b])
		default:
			return nil, fmt.Errorf("stats.topk: %w: block %d of %d along the axis", ErrK, b, len(p.Starts))
		}
	}
	switch x := d.Data().(type) {
	case []int8:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []int16:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []int32:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []int64:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []uint8:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []uint16:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []uint32:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []uint64:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []float32:
		topkLines(x, pos, off, shape, oshape, p, out)
	case []float64:
		topkLines(x, pos, off, shape, oshape, p, out)
	default:
		return nil, fmt.Errorf("stats.topk: %w: %v", ErrDType, d.DType())
	}
	return out, ctx.Err()
}

// topkLines keeps, per line, the |K| first elements in the order: value
// descending (K > 0) or ascending (K < 0) in numpy's order (NaN largest),
// then position ascending. Positions are pos (a partial's) or off plus the
// local index.
func topkLines[T number](data []T, pos []int64, off int64, shape, oshape []int, p topkParams, out *block.Dense) {
	n, m := shape[p.Axis], oshape[p.Axis]
	type item struct {
		v T
		i int64
	}
	buf := make([]item, n)
	ostride := chunk.Strides(oshape)[p.Axis]
	obases := offsets(oshape, axisMask(len(shape), p.Axis), false)
	li := 0
	less := func(a, b item) int {
		c := cmpNaNLast(a.v, b.v)
		if p.K > 0 {
			c = -c
		}
		if c != 0 {
			return c
		}
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	lines(shape, p.Axis, func(base, stride int) {
		for j := range n {
			e := base + j*stride
			it := item{v: data[e], i: off + int64(j)}
			if pos != nil {
				it.i = pos[e]
			}
			buf[j] = it
		}
		slices.SortFunc(buf, less)
		ob := obases[li]
		li++
		if p.Arg {
			o := out.Data().([]int64)
			for j := range m {
				o[ob+j*ostride] = buf[j].i
			}
			return
		}
		o := out.Data().([]T)
		for j := range m {
			o[ob+j*ostride] = buf[j].v
		}
	})
}

func axisMask(rank, ax int) []bool {
	m := make([]bool, rank)
	m[ax] = true
	return m
}
