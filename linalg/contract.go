package linalg

import (
	"context"
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// FanIn is the most contracted-axis blocks one product task accumulates,
// and the most partial sums one level of the tree adds. The order of a
// block's sum is fixed by the chunking alone: products of the contracted
// blocks k = 0, 1, … (C order over the contracted axes' block grid) are
// accumulated FanIn at a time in order, and the partials are added FanIn
// at a time, left to right, level by level. Every executor gives the same
// bits; other chunkings agree up to float rounding.
const FanIn = 4

func init() {
	cluster.Register("linalg.gemm", func() cluster.Op { return &gemmOp{} })
	cluster.Register("linalg.add", func() cluster.Op { return &addOp{} })
}

// gemmOp computes Σ_p A_p·B_p over the block pairs of its inputs (a0, b0,
// a1, b1, …) for one output block, accumulating with gemm.
type gemmOp struct {
	Layout layout
	DType  block.DType
	Shape  []int // output block shape
}

// Kind implements cluster.Op.
func (*gemmOp) Kind() string { return "linalg.gemm" }

func denseInputs(op string, in []cluster.Value, dt block.DType) ([]*block.Dense, error) {
	out := make([]*block.Dense, len(in))
	for i, v := range in {
		d, ok := v.(*block.Dense)
		if !ok {
			return nil, fmt.Errorf("%w: %s: input %d is %T, not a block", ErrParams, op, i, v)
		}
		if d.DType() != dt {
			return nil, fmt.Errorf("%w: %s: input %d is %s, want %s", ErrParams, op, i, d.DType(), dt)
		}
		out[i] = d
	}
	return out, nil
}

// Run implements cluster.Op.
func (o *gemmOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if o.DType != block.Float32 && o.DType != block.Float64 {
		return nil, fmt.Errorf("%w: linalg.gemm: dtype %s", ErrParams, o.DType)
	}
	if len(in) == 0 || len(in)%2 != 0 {
		return nil, fmt.Errorf("%w: linalg.gemm: %d inputs, want pairs", ErrParams, len(in))
	}
	if err := chunk.CheckShape(o.Shape); err != nil {
		return nil, fmt.Errorf("%w: linalg.gemm: %v", ErrParams, err)
	}
	ds, err := denseInputs("linalg.gemm", in, o.DType)
	if err != nil {
		return nil, err
	}
	for p := 0; p < len(ds); p += 2 {
		if err := o.Layout.check(ds[p].Shape(), ds[p+1].Shape(), o.Shape); err != nil {
			return nil, fmt.Errorf("linalg.gemm: pair %d: %w", p/2, err)
		}
	}
	out, err := block.New(o.DType, o.Shape...)
	if err != nil {
		return nil, err
	}
	for p := 0; p < len(ds); p += 2 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, b := ds[p], ds[p+1]
		if o.DType == block.Float64 {
			gemmAcc(&o.Layout, block.Values[float64](a), a.Shape(), block.Values[float64](b), b.Shape(), block.Values[float64](out), o.Shape)
		} else {
			gemmAcc(&o.Layout, block.Values[float32](a), a.Shape(), block.Values[float32](b), b.Shape(), block.Values[float32](out), o.Shape)
		}
	}
	return out, nil
}

// addOp adds blocks of one shape and dtype, in input order.
type addOp struct {
	DType block.DType
	Shape []int
}

// Kind implements cluster.Op.
func (*addOp) Kind() string { return "linalg.add" }

// Run implements cluster.Op.
func (o *addOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if o.DType != block.Float32 && o.DType != block.Float64 {
		return nil, fmt.Errorf("%w: linalg.add: dtype %s", ErrParams, o.DType)
	}
	if len(in) == 0 {
		return nil, fmt.Errorf("%w: linalg.add: no inputs", ErrParams)
	}
	ds, err := denseInputs("linalg.add", in, o.DType)
	if err != nil {
		return nil, err
	}
	for i, d := range ds {
		if !chunk.EqualShape(d.Shape(), o.Shape) {
			return nil, fmt.Errorf("%w: linalg.add: input %d has shape %v, want %v", ErrParams, i, d.Shape(), o.Shape)
		}
	}
	out := ds[0].Clone()
	for _, d := range ds[1:] {
		if o.DType == block.Float64 {
			addInto(block.Values[float64](out), block.Values[float64](d))
		} else {
			addInto(block.Values[float32](out), block.Values[float32](d))
		}
	}
	return out, nil
}

func addInto[T block.Float](dst, src []T) {
	for i, v := range src {
		dst[i] += v
	}
}

// contraction is the layer of Matmul, Dot and Tensordot: output block
// idx is Σ_k A[blockA(idx, k)]·B[blockB(idx, k)] over the blocks k of the
// contracted axes, as a tree of gemm and add tasks.
type contraction struct {
	a, b   *ndarray.Array
	dt     block.DType
	lay    layout
	kgrid  []int // blocks per contracted axis
	outDim int
	token  string
}

// operandIndex maps an output block index and a contracted block index to
// the block index of an operand: batch axes follow the output (block 0 for
// an axis of extent 1 that broadcasts), free axes too, contracted axes k.
func operandIndex(rank int, batch, free, contr []int, shape []int, freeOff int, idx, k []int) []int {
	oi := make([]int, rank)
	for j, ax := range batch {
		if ax >= 0 && shape[ax] != 1 {
			oi[ax] = idx[j]
		}
	}
	for i, ax := range free {
		oi[ax] = idx[freeOff+i]
	}
	for i, ax := range contr {
		oi[ax] = k[i]
	}
	return oi
}

func (c *contraction) pairKeys(b *ndarray.Builder, idx []int, k0, k1 int) ([]cluster.Key, error) {
	nb := len(c.lay.ABatch)
	var keys []cluster.Key
	for k := k0; k < k1; k++ {
		kk := chunk.Unravel(k, c.kgrid)
		ai := operandIndex(c.a.Rank(), c.lay.ABatch, c.lay.AFree, c.lay.AContr, c.a.Shape(), nb, idx, kk)
		bi := operandIndex(c.b.Rank(), c.lay.BBatch, c.lay.BFree, c.lay.BContr, c.b.Shape(), nb+len(c.lay.AFree), idx, kk)
		ka, err := b.Key(c.a, ai)
		if err != nil {
			return nil, err
		}
		kb, err := b.Key(c.b, bi)
		if err != nil {
			return nil, err
		}
		keys = append(keys, ka, kb)
	}
	return keys, nil
}

// nodes is the number of tree nodes at each level for n leaves of
// products: level 0 has ceil(n/FanIn) gemm tasks, each next level
// ceil(prev/FanIn) add tasks, up to one.
func nodes(n int) []int {
	l := []int{(n + FanIn - 1) / FanIn}
	for l[len(l)-1] > 1 {
		l = append(l, (l[len(l)-1]+FanIn-1)/FanIn)
	}
	return l
}

// BlockTask implements ndarray.Layer.
func (c *contraction) BlockTask(b *ndarray.Builder, out *ndarray.Array, idx []int) (cluster.Task, error) {
	nk := prod(c.kgrid)
	levels := nodes(nk)
	total := 0
	for _, n := range levels {
		total += n
	}
	if err := b.Reserve(total, fmt.Sprintf("linalg contraction %s", c.token)); err != nil {
		return cluster.Task{}, err
	}
	shape := out.Grid().BlockShape(idx)
	bytes := chunk.Size(shape) * int64(c.dt.Size())
	var task func(level, i int) (cluster.Task, error)
	key := func(level, i int) (cluster.Key, error) {
		k := cluster.Key(fmt.Sprintf("%s-l%d-%d%v", c.token, level, i, idx))
		if b.Graph().Has(k) {
			return k, nil
		}
		t, err := task(level, i)
		if err != nil {
			return "", err
		}
		t.Key = k
		return k, b.Graph().Add(t)
	}
	task = func(level, i int) (cluster.Task, error) {
		if level == 0 {
			k0, k1 := i*FanIn, min((i+1)*FanIn, nk)
			keys, err := c.pairKeys(b, idx, k0, k1)
			if err != nil {
				return cluster.Task{}, err
			}
			// scratch: the packed copies of one pair, for operands whose
			// axes are not already in gemm's order
			sa := c.a.Grid().MaxChunkShape()
			sb := c.b.Grid().MaxChunkShape()
			nb := len(c.lay.ABatch)
			scratch := int64(0)
			if !inOrder(c.a.Shape(), c.lay.ABatch, c.lay.AFree, c.lay.AContr, out.Shape()[:nb]) {
				scratch += chunk.Size(sa) * int64(c.dt.Size())
			}
			if !inOrder(c.b.Shape(), c.lay.BBatch, c.lay.BContr, c.lay.BFree, out.Shape()[:nb]) {
				scratch += chunk.Size(sb) * int64(c.dt.Size())
			}
			return cluster.Task{Op: &gemmOp{Layout: c.lay, DType: c.dt, Shape: slices.Clone(shape)}, Inputs: keys, Bytes: bytes, Scratch: scratch}, nil
		}
		c0, c1 := i*FanIn, min((i+1)*FanIn, levels[level-1])
		var keys []cluster.Key
		for j := c0; j < c1; j++ {
			k, err := key(level-1, j)
			if err != nil {
				return cluster.Task{}, err
			}
			keys = append(keys, k)
		}
		return cluster.Task{Op: &addOp{DType: c.dt, Shape: slices.Clone(shape)}, Inputs: keys, Bytes: bytes}, nil
	}
	return task(len(levels)-1, 0)
}

// Inputs implements ndarray.LayerInputs.
func (c *contraction) Inputs() []*ndarray.Array { return []*ndarray.Array{c.a, c.b} }

// Tasks implements ndarray.LayerTasks: one gemm task per FanIn
// contracted blocks and the add tasks of the tree, per output block.
func (c *contraction) Tasks(a *ndarray.Array) int64 {
	per := int64(0)
	for _, n := range nodes(prod(c.kgrid)) {
		per += int64(n)
	}
	blocks := int64(1)
	for _, n := range a.Grid().NumBlocks() {
		blocks *= int64(n)
	}
	return blocks * per
}
