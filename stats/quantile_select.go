package stats

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// maxSelectInputs bounds the blocks one selection task reads (the column
// of blocks along the reduced axes), for graphs and for params from the
// wire.
const maxSelectInputs = 1 << 16

// selectLayer makes one selectOp task per output block over the blocks of
// src holding its slices: the one kept block index, every block index
// along the reduced axes.
type selectLayer struct {
	src *ndarray.Array
	p   qParams
	lay qLayout
}

func (l *selectLayer) Inputs() []*ndarray.Array { return []*ndarray.Array{l.src} }

// split is the number of src blocks along each axis one task reads: all
// of a reduced axis, one of a kept axis.
func (l *selectLayer) split() ([]int, int, error) {
	g := l.src.Grid()
	split := make([]int, len(l.lay.reduced))
	n := 1
	for i, r := range l.lay.reduced {
		split[i] = 1
		if r {
			split[i] = g.Axis(i).NumChunks()
		}
		if split[i] > maxSelectInputs/n {
			return nil, 0, fmt.Errorf("stats.select: %w: more than %d blocks along the reduced axes (chunks %v); rechunk them larger", ErrQuantile, maxSelectInputs, g.Shape())
		}
		n *= split[i]
	}
	return split, n, nil
}

func (l *selectLayer) BlockTask(b *ndarray.Builder, out *ndarray.Array, oidx []int) (cluster.Task, error) {
	split, n, err := l.split()
	if err != nil {
		return cluster.Task{}, err
	}
	sidx := l.lay.keptIndex(oidx)
	keys := make([]cluster.Key, 0, n)
	// every block index along the reduced axes, in C order
	for c := range n {
		idx := append([]int(nil), sidx...)
		rest := c
		for i := len(split) - 1; i >= 0; i-- {
			if split[i] > 1 {
				idx[i] = rest % split[i]
				rest /= split[i]
			}
		}
		k, err := b.Key(l.src, idx)
		if err != nil {
			return cluster.Task{}, err
		}
		keys = append(keys, k)
	}
	oshape := out.Grid().BlockShape(oidx)
	ishape := l.src.Grid().BlockShape(sidx)
	R, K := int64(1), int64(1)
	for i, r := range l.lay.reduced {
		if r {
			R *= int64(l.src.Shape()[i])
		} else {
			K *= int64(ishape[i])
		}
	}
	op := &selectOp{Params: l.p, Reduced: l.lay.reduced, Shape: oshape}
	if n > 1 {
		op.Split = split
	}
	return cluster.Task{
		Op:      op,
		Inputs:  keys,
		Bytes:   chunk.Size(oshape) * int64(l.p.Out.Size()),
		Scratch: R * min(K, int64(tileElems(R))) * int64(l.p.In.Size()),
	}, nil
}

func init() {
	cluster.Register("stats.select", func() cluster.Op { return &selectOp{} })
}

// selectOp computes the quantiles of every slice of one block of the kept
// axes whose reduced axes are whole: whole in its one input, or split over
// its inputs, the blocks of a Split grid in C order (all with the same
// extent on the kept axes).
type selectOp struct {
	Params  qParams
	Reduced []bool // per input axis
	Shape   []int  // output block shape
	// Split is the number of input blocks along each input axis (1 on
	// kept axes); nil for one input.
	Split []int `json:",omitempty"`
}

// Kind is "stats.select".
func (*selectOp) Kind() string { return "stats.select" }

// UnmarshalJSON decodes the op and rejects malformed params.
func (o *selectOp) UnmarshalJSON(b []byte) error {
	type plain selectOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	return o.check()
}

func (o *selectOp) check() error {
	if err := o.Params.check(); err != nil {
		return fmt.Errorf("stats.select: %w", err)
	}
	if chunk.CheckShape(o.Shape) != nil {
		return fmt.Errorf("stats.select: %w: output shape %v", block.ErrShape, o.Shape)
	}
	if _, err := o.inputs(); err != nil {
		return err
	}
	return nil
}

// inputs is the number of input blocks the op takes.
func (o *selectOp) inputs() (int, error) {
	if o.Split == nil {
		return 1, nil
	}
	if len(o.Split) != len(o.Reduced) {
		return 0, fmt.Errorf("stats.select: %w: split %v for %d axes", block.ErrShape, o.Split, len(o.Reduced))
	}
	n := 1
	for i, s := range o.Split {
		if s < 1 || (s > 1 && !o.Reduced[i]) || s > maxSelectInputs/n {
			return 0, fmt.Errorf("stats.select: %w: split %v (reduced %v)", block.ErrShape, o.Split, o.Reduced)
		}
		n *= s
	}
	return n, nil
}

func (o *selectOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	n, _ := o.inputs()
	if len(in) != n {
		return nil, fmt.Errorf("stats.select: %d inputs, want %d", len(in), n)
	}
	ds := make([]*block.Dense, n)
	var kshape []int
	for i, v := range in {
		d, ok := v.(*block.Dense)
		if !ok {
			return nil, fmt.Errorf("stats.select: input %d is %T", i, v)
		}
		if d.DType() != o.Params.In || d.Rank() != len(o.Reduced) {
			return nil, fmt.Errorf("stats.select: %w: input %d: %v of shape %v, want %v of rank %d", block.ErrShape, i, d.DType(), d.Shape(), o.Params.In, len(o.Reduced))
		}
		k, _ := splitShape(d.Shape(), o.Reduced)
		if i == 0 {
			kshape = k
		} else if !equalInts(k, kshape) {
			return nil, fmt.Errorf("stats.select: %w: input %d of shape %v, input 0 of %v on the kept axes", block.ErrShape, i, d.Shape(), ds[0].Shape())
		}
		ds[i] = d
	}
	K := chunk.Size(kshape)
	if int64(len(o.Params.Q))*K != chunk.Size(o.Shape) {
		return nil, fmt.Errorf("stats.select: %w: output %v for %d q over kept %v", block.ErrShape, o.Shape, len(o.Params.Q), kshape)
	}
	out, err := ndarray.Alloc(ctx, o.Params.Out, o.Shape...)
	if err != nil {
		return nil, err
	}
	switch ds[0].Data().(type) {
	case []int8:
		selectBlocks[int8](ctx, ds, o.Reduced, &o.Params, out)
	case []int16:
		selectBlocks[int16](ctx, ds, o.Reduced, &o.Params, out)
	case []int32:
		selectBlocks[int32](ctx, ds, o.Reduced, &o.Params, out)
	case []int64:
		selectBlocks[int64](ctx, ds, o.Reduced, &o.Params, out)
	case []uint8:
		selectBlocks[uint8](ctx, ds, o.Reduced, &o.Params, out)
	case []uint16:
		selectBlocks[uint16](ctx, ds, o.Reduced, &o.Params, out)
	case []uint32:
		selectBlocks[uint32](ctx, ds, o.Reduced, &o.Params, out)
	case []uint64:
		selectBlocks[uint64](ctx, ds, o.Reduced, &o.Params, out)
	case []float32:
		selectBlocks[float32](ctx, ds, o.Reduced, &o.Params, out)
	case []float64:
		selectBlocks[float64](ctx, ds, o.Reduced, &o.Params, out)
	default:
		return nil, fmt.Errorf("stats.select: %w: %T", ErrDType, ds[0].Data())
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func equalInts(a, b []int) bool {
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

// tileElems is how many output elements selectBlocks gathers at once for
// slices of R values: a tile of about 64 Ki values, which stays in L2.
func tileElems(R int64) int { return int(max(1, (64<<10)/max(R, 1))) }

// selectBlocks reduces every slice of the blocks ds (the same extent on
// the kept axes; together the whole of the reduced axes) into out. The
// slices of a tile of output elements are gathered at once, block by
// block and reduced offset outermost, so that consecutive output elements
// (a row of pixels of a time stack) read consecutive memory. The gather
// notes whether the tile holds a NaN; only then are slices filtered.
func selectBlocks[T number](ctx context.Context, ds []*block.Dense, reduced []bool, p *qParams, out *block.Dense) {
	data := make([][]T, len(ds))
	roffs := make([][]int, len(ds))
	koffs := make([][]int, len(ds)) // the same elements, by each block's strides
	R := 0
	for i, d := range ds {
		data[i] = d.Data().([]T)
		roffs[i] = offsets(d.Shape(), reduced, true)
		R += len(roffs[i])
		// blocks of one shape share their kept offsets
		for j := range i {
			if equalInts(ds[j].Shape(), d.Shape()) {
				koffs[i] = koffs[j]
				break
			}
		}
		if koffs[i] == nil {
			koffs[i] = offsets(d.Shape(), reduced, false)
		}
	}
	K := len(koffs[0])
	w := newResultWriter[T](out, K)
	s := newSlicer[T](p)
	B := min(K, tileElems(int64(R)))
	tile := make([]T, B*R)
	var z T
	float := isFloatT(z)
	for e0 := 0; e0 < K; e0 += B {
		if ctx.Err() != nil {
			return
		}
		e1 := min(e0+B, K)
		col, nan := 0, 0
		for i, x := range data {
			ks := koffs[i][e0:e1]
			for _, r := range roffs[i] {
				t := tile[col:]
				for b, base := range ks {
					v := x[base+r]
					t[b*R] = v
					nan |= b2i(v != v)
				}
				col++
			}
		}
		for b := range e1 - e0 {
			buf := tile[b*R : (b+1)*R]
			nans := 0
			if float && nan != 0 {
				k := 0
				for _, v := range buf {
					if v != v {
						nans++
						continue
					}
					buf[k] = v
					k++
				}
				buf = buf[:k]
			}
			s.finish(buf, nans, e0+b, &w)
		}
	}
}
