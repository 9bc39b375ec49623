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

// ErrSortMemory reports a Sort or ArgSort whose axis does not fit the
// memory budget in one task; the message names the sizes.
var ErrSortMemory = errors.New("stats: sort axis does not fit the memory budget")

// SortOption configures Sort and ArgSort.
type SortOption func(*sortConfig)

type sortConfig struct{ mem int64 }

// SortMemory bounds the bytes one sort task may hold (DefaultQuantileMemory
// when not given).
func SortMemory(n int64) SortOption { return func(c *sortConfig) { c.mem = n } }

// sortParams travel in every sort task.
type sortParams struct {
	Axis int
	Arg  bool // ArgSort: int64 positions along the axis
}

func init() {
	ndarray.RegisterBlockFunc("stats.sort", sortBlock)
	ndarray.RegisterBlockFunc("stats.topk", topkBlock)
}

// Sort returns a sorted along axis (negative counts from the end), as
// numpy's np.sort(a, axis, kind="stable"): ascending, NaN last, ties in
// their original order. The axis is rechunked whole and the other axes cut
// so a block fits a quarter of SortMemory; an axis whose one line does not
// fit is ErrSortMemory naming the sizes. Integer, unsigned and float dtypes
// (ErrDType otherwise); ErrAxis for a bad axis.
func Sort(a *ndarray.Array, axis int, opts ...SortOption) *ndarray.Array {
	return sortOf("Sort", a, axis, false, opts)
}

// ArgSort returns the int64 positions along axis that sort a, as numpy's
// np.argsort(a, axis, kind="stable"): equal values keep their order and NaN
// come last. Plan and errors as Sort.
func ArgSort(a *ndarray.Array, axis int, opts ...SortOption) *ndarray.Array {
	return sortOf("ArgSort", a, axis, true, opts)
}

func sortOf(fn string, a *ndarray.Array, axis int, arg bool, opts []SortOption) *ndarray.Array {
	cfg := sortConfig{mem: DefaultQuantileMemory}
	for _, o := range opts {
		o(&cfg)
	}
	ax, err := oneAxis(fn, a, axis)
	if err != nil {
		return ndarray.Errored(err)
	}
	n := int64(a.Shape()[ax])
	isz := int64(a.DType().Size())
	if arg {
		isz += 8
	}
	if n*isz > cfg.mem/4 {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w: axis %d of %d elements needs %d bytes per line with %d-byte elements, the budget allows %d (a quarter of %d)", fn, ErrSortMemory, ax, n, n*isz, isz, cfg.mem/4, cfg.mem))
	}
	rc, err := wholeAxis(a, ax, n*isz, cfg.mem)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w", fn, err))
	}
	dt := a.DType()
	if arg {
		dt = block.Int64
	}
	return ndarray.MapBlocks("stats.sort", []*ndarray.Array{rc}, dt, nil, sortParams{Axis: ax, Arg: arg})
}

// oneAxis validates a and one axis of it.
func oneAxis(fn string, a *ndarray.Array, axis int) (int, error) {
	if a == nil {
		return 0, fmt.Errorf("stats.%s: %w", fn, ndarray.ErrOperand)
	}
	if err := a.Err(); err != nil {
		return 0, err
	}
	if !supportedDType(a.DType()) {
		return 0, fmt.Errorf("stats.%s: %w: %v (convert with AsType)", fn, ErrDType, a.DType())
	}
	ax := axis
	if ax < 0 {
		ax += a.Rank()
	}
	if ax < 0 || ax >= a.Rank() {
		return 0, fmt.Errorf("stats.%s: %w: axis %d for an array of rank %d", fn, ErrAxis, axis, a.Rank())
	}
	return ax, nil
}

// wholeAxis rechunks a so axis ax is one chunk and a block of lines of
// lineBytes each fits mem/4, halving the largest other chunk as needed.
func wholeAxis(a *ndarray.Array, ax int, lineBytes, mem int64) (*ndarray.Array, error) {
	g := a.Grid()
	sizes := make([]int, a.Rank())
	for i := range sizes {
		if i == ax {
			sizes[i] = -1
			continue
		}
		if c, ok := g.Axis(i).Regular(); ok {
			sizes[i] = max(c, 1)
		} else {
			sizes[i] = max(g.Axis(i).MaxSize(), 1)
		}
	}
	for {
		lines := int64(1)
		for i, s := range sizes {
			if i != ax {
				lines *= int64(s)
			}
		}
		if lines*lineBytes <= mem/4 {
			break
		}
		big := -1
		for i, s := range sizes {
			if i != ax && (big < 0 || s > sizes[big]) {
				big = i
			}
		}
		if big < 0 || sizes[big] == 1 {
			break
		}
		sizes[big] = (sizes[big] + 1) / 2
	}
	same := g.Axis(ax).NumChunks() == 1
	for i, s := range sizes {
		if i != ax {
			if c, ok := g.Axis(i).Regular(); !ok || c != s {
				same = false
			}
		}
	}
	if same {
		return a, nil
	}
	rc := a.Rechunk(chunk.PerAxis(sizes...), ndarray.RechunkMemory(mem))
	return rc, rc.Err()
}

// lessNaNLast is numpy's sort order: NaN after every number.
func lessNaNLast[T number](x, y T) bool { return !isNaN(x) && (isNaN(y) || x < y) }

func cmpNaNLast[T number](x, y T) int {
	switch {
	case lessNaNLast(x, y):
		return -1
	case lessNaNLast(y, x):
		return 1
	}
	return 0
}

// lines calls fn with the offset of the first element of every line along
// axis of a block of shape, and the stride between its elements.
func lines(shape []int, axis int, fn func(base, stride int)) {
	sel := make([]bool, len(shape))
	sel[axis] = true
	stride := chunk.Strides(shape)[axis]
	for _, base := range offsets(shape, sel, false) {
		fn(base, stride)
	}
}

func sortBlock(ctx context.Context, in []*block.Dense, p sortParams, info ndarray.BlockInfo) (*block.Dense, error) {
	if len(in) != 1 || p.Axis < 0 || p.Axis >= in[0].Rank() {
		return nil, fmt.Errorf("stats.sort: %w: axis %d for %d inputs", ErrAxis, p.Axis, len(in))
	}
	d := in[0]
	dt := d.DType()
	if p.Arg {
		dt = block.Int64
	}
	out, err := ndarray.Alloc(ctx, dt, d.Shape()...)
	if err != nil {
		return nil, err
	}
	switch x := d.Data().(type) {
	case []int8:
		sortLines(x, d.Shape(), p, out)
	case []int16:
		sortLines(x, d.Shape(), p, out)
	case []int32:
		sortLines(x, d.Shape(), p, out)
	case []int64:
		sortLines(x, d.Shape(), p, out)
	case []uint8:
		sortLines(x, d.Shape(), p, out)
	case []uint16:
		sortLines(x, d.Shape(), p, out)
	case []uint32:
		sortLines(x, d.Shape(), p, out)
	case []uint64:
		sortLines(x, d.Shape(), p, out)
	case []float32:
		sortLines(x, d.Shape(), p, out)
	case []float64:
		sortLines(x, d.Shape(), p, out)
	default:
		return nil, fmt.Errorf("stats.sort: %w: %v", ErrDType, d.DType())
	}
	return out, ctx.Err()
}

func sortLines[T number](data []T, shape []int, p sortParams, out *block.Dense) {
	n := shape[p.Axis]
	buf := make([]T, n)
	idx := make([]int64, n)
	lines(shape, p.Axis, func(base, stride int) {
		for i := range n {
			buf[i] = data[base+i*stride]
		}
		if !p.Arg {
			slices.SortStableFunc(buf, cmpNaNLast[T])
			o := out.Data().([]T)
			for i := range n {
				o[base+i*stride] = buf[i]
			}
			return
		}
		for i := range idx {
			idx[i] = int64(i)
		}
		slices.SortStableFunc(idx, func(i, j int64) int { return cmpNaNLast(buf[i], buf[j]) })
		o := out.Data().([]int64)
		for i := range n {
			o[base+i*stride] = idx[i]
		}
	})
}
