package ndarray

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// Reshape returns the array with a new shape of the same size, elements in
// C order; one entry may be -1 (inferred). Like dask, it works block by
// block after a rechunk that makes each group of merged (or split) axes
// whole on all but its leading axis: reshaping (4, 6) chunked (2, 3) to
// (24,) first merges axis 1 into one chunk. Errors: ErrShape for a size
// mismatch or more than one -1; ErrRechunkMemory when the merge rechunk
// does not fit RechunkMemory.
func (a *Array) Reshape(shape []int, opts ...RechunkOption) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	in := a.grid.Shape()
	out := slices.Clone(shape)
	neg := -1
	known := int64(1)
	for i, n := range out {
		switch {
		case n == -1 && neg < 0:
			neg = i
		case n < 0:
			return Errored(fmt.Errorf("%w: reshape %v to %v: bad length %d", block.ErrShape, in, shape, n))
		default:
			known *= int64(n)
		}
	}
	size := chunk.Size(in)
	if neg >= 0 {
		if known == 0 || size%known != 0 {
			return Errored(fmt.Errorf("%w: cannot reshape array of size %d into %v", block.ErrShape, size, shape))
		}
		out[neg] = int(size / known)
	}
	if chunk.Size(out) != size {
		return Errored(fmt.Errorf("%w: cannot reshape array of size %d into %v", block.ErrShape, size, shape))
	}
	if chunk.EqualShape(in, out) {
		return a
	}
	if size == 0 {
		return Zeros(a.dtype, out, chunk.Uniform(-1))
	}
	inChunks, outChunks, err := reshapeChunks(in, out, a.grid.Axes())
	var le listError
	if errors.As(err, &le) {
		return Errored(fmt.Errorf("ndarray.Reshape %v to %v: %w", in, out, err))
	}
	if err != nil {
		// Axes that do not group ((6, 7, 5) to (6, 5, 7)): keep the
		// leading axes both shapes share and make the rest one chunk.
		inChunks, outChunks = fallbackChunks(in, out, a.grid.Axes())
	}
	ig, err := chunk.NewGridAxes(inChunks)
	if err != nil {
		return Errored(err)
	}
	src := a.rechunkTo(ig, opts...)
	if src.err != nil {
		return src
	}
	og, err := chunk.NewGridAxes(outChunks)
	if err != nil {
		return Errored(err)
	}
	return NewArray(a.dtype, og, fmt.Sprint("reshape ", out, " ", src.name), reshapeLayer{src: src})
}

// reshapeChunks is dask's reshape_rechunk: walking axes from the end, equal
// lengths keep their chunks; a group of input axes merging into one output
// axis keeps the chunks of its leading axis and makes the others whole; an
// input axis splitting into several output axes keeps chunks that are
// multiples of the trailing output axes' product, which become whole.
//
// It works on chunk.Axis values: regular axes stay regular (O(rank));
// irregular ones are listed (at most chunk.MaxListChunks chunks, else an
// error wrapping chunk.ErrShape).
func reshapeChunks(in, out []int, chunks []chunk.Axis) ([]chunk.Axis, []chunk.Axis, error) {
	ri, ro := make([]chunk.Axis, len(in)), make([]chunk.Axis, len(out))
	one, _ := chunk.RegularAxis(1, 1)
	whole := func(n int) chunk.Axis { a, _ := chunk.RegularAxis(n, max(n, 1)); return a }
	prod := func(s []int) int {
		p := 1
		for _, n := range s {
			p *= n
		}
		return p
	}
	ii, oi := len(in)-1, len(out)-1
	for ii >= 0 || oi >= 0 {
		switch {
		case ii < 0:
			if out[oi] != 1 {
				return nil, nil, fmt.Errorf("%w: reshape %v to %v", block.ErrShape, in, out)
			}
			ro[oi] = one
			oi--
		case oi < 0:
			if in[ii] != 1 {
				return nil, nil, fmt.Errorf("%w: reshape %v to %v", block.ErrShape, in, out)
			}
			ri[ii] = one
			ii--
		case in[ii] == out[oi]:
			ri[ii] = chunks[ii]
			ro[oi] = chunks[ii]
			ii--
			oi--
		case in[ii] == 1:
			ri[ii] = one
			ii--
		case out[oi] == 1:
			ro[oi] = one
			oi--
		case in[ii] < out[oi]:
			left := ii - 1
			for left >= 0 && prod(in[left:ii+1]) < out[oi] {
				left--
			}
			if left < 0 || prod(in[left:ii+1]) != out[oi] {
				return nil, nil, fmt.Errorf("%w: reshape %v to %v: axes do not group", block.ErrShape, in, out)
			}
			for i := left + 1; i <= ii; i++ {
				ri[i] = whole(in[i])
			}
			ri[left] = chunks[left]
			var err error
			if ro[oi], err = mapAxis(ri[left], func(c int) int { return c * prod(in[left+1:ii+1]) }); err != nil {
				return nil, nil, err
			}
			oi--
			ii = left - 1
		default: // in[ii] > out[oi]
			left := oi - 1
			for left >= 0 && prod(out[left:oi+1]) < in[ii] {
				left--
			}
			if left < 0 || prod(out[left:oi+1]) != in[ii] {
				return nil, nil, fmt.Errorf("%w: reshape %v to %v: axes do not group", block.ErrShape, in, out)
			}
			cs := prod(out[left+1 : oi+1])
			var err error
			if ri[ii], err = contractAxis(chunks[ii], cs); err != nil {
				return nil, nil, err
			}
			for i := left + 1; i <= oi; i++ {
				ro[i] = whole(out[i])
			}
			if ro[left], err = mapAxis(ri[ii], func(c int) int { return c / cs }); err != nil {
				return nil, nil, err
			}
			oi = left - 1
			ii--
		}
	}
	return ri, ro, nil
}

// listError marks a chunk list too long to write out (the reshape is
// refused rather than falling back).
type listError struct{ error }

func (e listError) Unwrap() error { return e.error }

// sizeRun is count consecutive chunks of one size.
type sizeRun struct{ size, count int }

// chunkRuns returns the chunks of ax as runs of equal sizes, in order.
// Regular pieces of the axis, and pieces cut from one with step 1 (a
// first chunk, then regular), cost O(1) each; a piece sliced with a larger
// step or listed by the user costs its chunks, at most chunk.MaxListChunks
// in all (else an error wrapping chunk.ErrShape).
func chunkRuns(ax chunk.Axis) ([]sizeRun, error) {
	var runs []sizeRun
	add := func(size, count int) {
		if k := len(runs); k > 0 && runs[k-1].size == size {
			runs[k-1].count += count
			return
		}
		runs = append(runs, sizeRun{size, count})
	}
	regular := func(p chunk.Axis) bool {
		c, ok := p.Regular()
		if !ok {
			return false
		}
		k := p.NumChunks()
		add(c, k-1)
		add(p.Size(k-1), 1)
		return true
	}
	listed := 0
	for _, p := range ax.Pieces() {
		if regular(p) {
			continue
		}
		if k := p.NumChunks(); k > 2 {
			// A unit-step slice of a regular run: one first chunk, then
			// a regular rest.
			if rest, err := p.Slice(p.Size(0), 1, p.Len()-p.Size(0)); err == nil {
				if _, ok := rest.Regular(); ok && rest.NumChunks() == k-1 {
					add(p.Size(0), 1)
					regular(rest)
					continue
				}
			}
		}
		listed += p.NumChunks()
		if listed > chunk.MaxListChunks {
			return nil, fmt.Errorf("%w: more than %d irregular chunks to list", chunk.ErrShape, chunk.MaxListChunks)
		}
		for i := range p.NumChunks() {
			add(p.Size(i), 1)
		}
	}
	out := runs[:0]
	for _, r := range runs {
		if r.count > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// axisOfRuns builds the axis of the given runs: runs of many chunks stay
// regular pieces, single chunks are listed together.
func axisOfRuns(runs []sizeRun) (chunk.Axis, error) {
	var parts []chunk.Axis
	var pending []int
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		a, err := chunk.ListAxis(pending)
		if err != nil {
			return err
		}
		parts = append(parts, a)
		pending = nil
		return nil
	}
	for _, r := range runs {
		if r.count == 1 {
			pending = append(pending, r.size)
			continue
		}
		if err := flush(); err != nil {
			return chunk.Axis{}, err
		}
		if r.size > 0 && r.count > math.MaxInt/r.size {
			return chunk.Axis{}, fmt.Errorf("%w: %d chunks of %d overflow an int", chunk.ErrShape, r.count, r.size)
		}
		a, err := chunk.RegularAxis(r.count*r.size, r.size)
		if err != nil {
			return chunk.Axis{}, err
		}
		parts = append(parts, a)
	}
	if err := flush(); err != nil {
		return chunk.Axis{}, err
	}
	if len(parts) == 0 {
		return chunk.Axis{}, nil
	}
	return chunk.ConcatAxes(parts...)
}

// mapAxis applies f (multiplying or dividing by a factor the sizes share)
// to every chunk size, run by run (see chunkRuns).
func mapAxis(ax chunk.Axis, f func(int) int) (chunk.Axis, error) {
	runs, err := chunkRuns(ax)
	if err != nil {
		return chunk.Axis{}, listError{err}
	}
	for i := range runs {
		runs[i].size = f(runs[i].size)
	}
	return axisOfRuns(runs)
}

// contractAxis merges chunks so that each is a multiple of factor (the
// axis length is one already), run by run: a run of chunks that are
// multiples of factor passes through whatever remainder the chunks before
// it left (each chunk adds its size to the remainder and emits its size),
// so only runs of other sizes are walked chunk by chunk.
func contractAxis(ax chunk.Axis, factor int) (chunk.Axis, error) {
	if c, ok := ax.Regular(); ok && c%factor == 0 {
		return ax, nil
	}
	runs, err := chunkRuns(ax)
	if err != nil {
		return chunk.Axis{}, listError{err}
	}
	var out []sizeRun
	add := func(size, count int) {
		if k := len(out); k > 0 && out[k-1].size == size {
			out[k-1].count += count
			return
		}
		out = append(out, sizeRun{size, count})
	}
	res := 0
	for _, r := range runs {
		if r.size%factor == 0 {
			add(r.size, r.count)
			continue
		}
		if r.count > chunk.MaxListChunks {
			return chunk.Axis{}, listError{fmt.Errorf("%w: %d chunks of %d to merge into multiples of %d", chunk.ErrShape, r.count, r.size, factor)}
		}
		for range r.count {
			c := r.size + res
			good := c / factor * factor
			res = c - good
			if good > 0 {
				add(good, 1)
			}
		}
	}
	return axisOfRuns(out)
}

type reshapeLayer struct{ src *Array }

// BlockTask maps output block idx to the input block with the same C-order
// position (reshapeChunks makes the block grids correspond).
func (l reshapeLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	shape := a.grid.BlockShape(idx)
	if l.src.grid.Len() != a.grid.Len() {
		return cluster.Task{}, fmt.Errorf("%w: reshape block grids differ", block.ErrShape)
	}
	sidx := l.src.grid.Unlinear(a.grid.Linear(idx))
	k, err := b.Key(l.src, sidx)
	if err != nil {
		return cluster.Task{}, err
	}
	return cluster.Task{Op: &reshapeOp{Shape: shape}, Inputs: []cluster.Key{k}}, nil
}

// reshapeOp gives its single input block a new shape of the same size,
// sharing the buffer (blocks are immutable once made).
type reshapeOp struct{ Shape []int }

func (*reshapeOp) Kind() string { return "ndarray.reshape" }
func (o *reshapeOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("ndarray.reshape: %d inputs", len(in))
	}
	d, ok := in[0].(*block.Dense)
	if !ok {
		return nil, fmt.Errorf("ndarray.reshape: input is %T", in[0])
	}
	return d.Reshape(o.Shape...)
}

// Concatenate joins arrays along an existing axis. All must have the same
// dtype (ErrDTypeMismatch otherwise: convert with AsType first) and the same
// shape off that axis (ErrShape). The result keeps each input's chunks along
// axis and the first input's chunks elsewhere; other inputs are cut to them
// inside the assembling tasks.
func Concatenate(arrays []*Array, axis int) *Array {
	if len(arrays) == 0 {
		return Errored(fmt.Errorf("%w: concatenate of no arrays", ErrOperand))
	}
	for _, x := range arrays {
		if x == nil {
			return Errored(fmt.Errorf("%w: nil *Array", ErrOperand))
		}
		if err := x.Err(); err != nil {
			return Errored(err)
		}
	}
	first := arrays[0]
	r := first.Rank()
	ax, err := normAxis(axis, r)
	if err != nil {
		return Errored(err)
	}
	shape := first.grid.Shape()
	axes := first.grid.Axes()
	var along []chunk.Axis
	origins := make([][]int, len(arrays))
	tok := fmt.Sprint("concatenate ", ax)
	off := 0
	for i, x := range arrays {
		if x.dtype != first.dtype {
			return Errored(fmt.Errorf("%w: concatenate %s with %s (array %d)", block.ErrDTypeMismatch, first.dtype, x.dtype, i))
		}
		s := x.grid.Shape()
		if len(s) != r {
			return Errored(fmt.Errorf("%w: concatenate rank %d with rank %d (array %d)", block.ErrShape, r, len(s), i))
		}
		for j := range s {
			if j != ax && s[j] != shape[j] {
				return Errored(fmt.Errorf("%w: concatenate along axis %d: shape %v vs %v (array %d)", block.ErrShape, ax, shape, s, i))
			}
		}
		origins[i] = make([]int, r)
		origins[i][ax] = off
		if off > math.MaxInt-s[ax] {
			return Errored(fmt.Errorf("%w: concatenated length along axis %d overflows", block.ErrShape, ax))
		}
		off += s[ax]
		along = append(along, x.grid.Axis(ax))
		tok += " " + x.name
	}
	cat, err := chunk.ConcatAxes(along...)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.Concatenate: %w", err))
	}
	axes[ax] = cat
	g, err := chunk.NewGridAxes(axes)
	if err != nil {
		return Errored(err)
	}
	return NewArray(first.dtype, g, tok, concatLayer{srcs: arrays, origins: origins, axis: ax})
}

// concatLayer assembles each block from the inputs it overlaps along axis,
// found by binary search over their origins: a block of a Stack of many
// arrays costs in the arrays it touches, not in all of them.
type concatLayer struct {
	srcs    []*Array
	origins [][]int
	axis    int
}

func (l concatLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	box := a.grid.BlockBox(idx)
	lo, hi := box.Lo[l.axis], box.Hi[l.axis]
	// Inputs [i0, i1) start before hi and end after lo.
	i0 := sort.Search(len(l.srcs), func(i int) bool { return l.origins[i][l.axis]+l.srcs[i].grid.Axis(l.axis).Len() > lo })
	i1 := sort.Search(len(l.srcs), func(i int) bool { return l.origins[i][l.axis] >= hi })
	if i1 < i0 {
		i1 = i0
	}
	return assembleTask(b, a.dtype, box, l.srcs[i0:i1], l.origins[i0:i1])
}

// Stack joins arrays of one shape and dtype along a new axis (numpy's
// stack): ExpandDims on each, then Concatenate.
func Stack(arrays []*Array, axis int) *Array {
	if len(arrays) == 0 {
		return Errored(fmt.Errorf("%w: stack of no arrays", ErrOperand))
	}
	ex := make([]*Array, len(arrays))
	for i, x := range arrays {
		if x == nil {
			return Errored(fmt.Errorf("%w: nil *Array", ErrOperand))
		}
		if x.Err() == nil && arrays[0].Err() == nil && !chunk.EqualShape(x.grid.Shape(), arrays[0].grid.Shape()) {
			return Errored(fmt.Errorf("%w: stack shapes %v and %v (array %d)", block.ErrShape, arrays[0].grid.Shape(), x.grid.Shape(), i))
		}
		ex[i] = x.ExpandDims(axis)
	}
	return Concatenate(ex, axis)
}

func init() {
	cluster.Register("ndarray.reshape", func() cluster.Op { return &reshapeOp{} })
}

func fallbackChunks(in, out []int, chunks []chunk.Axis) ([]chunk.Axis, []chunk.Axis) {
	k := 0
	for k < len(in) && k < len(out) && in[k] == out[k] {
		k++
	}
	whole := func(n int) chunk.Axis { a, _ := chunk.RegularAxis(n, max(n, 1)); return a }
	ri, ro := make([]chunk.Axis, len(in)), make([]chunk.Axis, len(out))
	for i := range in {
		if i < k {
			ri[i] = chunks[i]
		} else {
			ri[i] = whole(in[i])
		}
	}
	for i := range out {
		if i < k {
			ro[i] = chunks[i]
		} else {
			ro[i] = whole(out[i])
		}
	}
	return ri, ro
}
