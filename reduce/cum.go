package reduce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// ErrCumOp reports a malformed cumulative-op task decoded from the wire
// (an unknown stage or function, an axis outside the block, a dtype the
// op does not produce).
var ErrCumOp = errors.New("reduce: malformed cumulative op")

// Cumulative functions.
const (
	cumSum     = "cumsum"
	cumProd    = "cumprod"
	cumNanSum  = "nancumsum"
	cumNanProd = "nancumprod"
)

// CumSum is the cumulative sum along axis (negative counts from the end),
// numpy's cumsum with an axis: the result has a's shape and chunks. Bool
// and signed integers accumulate in int64, unsigned integers in uint64,
// float32 and float64 keep their dtype and accumulate in it (within a
// block sequentially, as numpy; across blocks the running total of the
// blocks before is added, as dask's cumreduction does, so float results
// may differ from numpy's in the last bits). Integers wrap on overflow.
// NaN propagates. Errors on the returned array: ErrAxis for an axis
// out of range, ndarray.ErrOpDType for a dtype that is not a number
// (strings, times, complex, float16).
//
// Each block of a is scanned by one task; a chain of small carry tasks
// along axis (one slice of a block's shape each) carries the last slice
// of every block forward, and each output block is its scan plus the
// carry of the blocks before it, so an output block depends only on the
// input blocks at or before it along axis.
func CumSum(a *ndarray.Array, axis int) *ndarray.Array { return cumulative(cumSum, a, axis) }

// CumProd is the cumulative product along axis, with CumSum's dtypes,
// chunks and errors. NaN propagates.
func CumProd(a *ndarray.Array, axis int) *ndarray.Array { return cumulative(cumProd, a, axis) }

// NanCumSum is CumSum treating NaN as zero (numpy's nancumsum): a
// leading run of NaN gives zeros.
func NanCumSum(a *ndarray.Array, axis int) *ndarray.Array { return cumulative(cumNanSum, a, axis) }

// NanCumProd is CumProd treating NaN as one (numpy's nancumprod).
func NanCumProd(a *ndarray.Array, axis int) *ndarray.Array { return cumulative(cumNanProd, a, axis) }

// cumDType is numpy's accumulator dtype of add.accumulate and
// multiply.accumulate on a 64-bit platform.
func cumDType(dt block.DType) (block.DType, bool) {
	switch dt {
	case block.Bool, block.Int8, block.Int16, block.Int32, block.Int64:
		return block.Int64, true
	case block.Uint8, block.Uint16, block.Uint32, block.Uint64:
		return block.Uint64, true
	case block.Float32, block.Float64:
		return dt, true
	}
	return 0, false
}

func cumulative(fn string, a *ndarray.Array, axis int) *ndarray.Array {
	name := "reduce." + map[string]string{cumSum: "CumSum", cumProd: "CumProd", cumNanSum: "NanCumSum", cumNanProd: "NanCumProd"}[fn]
	if a == nil {
		return ndarray.Errored(fmt.Errorf("%s: %w: nil *Array", name, ndarray.ErrOperand))
	}
	if err := a.Err(); err != nil {
		return a
	}
	r := a.Rank()
	if axis < -r || axis >= r {
		return ndarray.Errored(fmt.Errorf("%s: %w: axis %d for an array of rank %d", name, ErrAxis, axis, r))
	}
	if axis < 0 {
		axis += r
	}
	out, ok := cumDType(a.DType())
	if !ok {
		return ndarray.Errored(fmt.Errorf("%s: %w: %s", name, ndarray.ErrOpDType, a.DType()))
	}
	g := a.Grid()
	scan := ndarray.NewArray(out, g, ndarray.Token("cumscan", fn, a.Name(), fmt.Sprint(axis)), &cumLayer{stage: stageScan, fn: fn, axis: axis, src: a})
	// The carry grid: a's grid with one element per block along axis.
	axes := make([]chunk.Axis, r)
	for d := range r {
		axes[d] = g.Axis(d)
	}
	nb := g.Axis(axis).NumChunks()
	one, err := chunk.RegularAxis(nb, 1)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("%s: %w", name, err))
	}
	axes[axis] = one
	cg, err := chunk.NewGridAxes(axes)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("%s: %w", name, err))
	}
	carry := ndarray.NewArray(out, cg, ndarray.Token("cumcarry", fn, scan.Name()), &cumLayer{stage: stageCarry, fn: fn, axis: axis, src: scan})
	l := &cumLayer{stage: stageApply, fn: fn, axis: axis, src: scan, carry: carry}
	return ndarray.NewArray(out, g, ndarray.Token("cumapply", fn, scan.Name()), l)
}

// Stages of a cumulative op.
const (
	stageScan  = "scan"  // scan one input block along the axis
	stageCarry = "carry" // carry[j] = carry[j-1] ⊕ last slice of scan[j-1]
	stageApply = "apply" // out[j] = scan[j] ⊕ carry[j]
)

// cumLayer plans one stage: its blocks' tasks are cumOp tasks.
type cumLayer struct {
	stage string
	fn    string
	axis  int
	src   *ndarray.Array // the input (scan), the scan (carry, apply)
	carry *ndarray.Array // apply only
}

// Inputs lists the arrays the stage reads (ndarray.LayerInputs).
func (l *cumLayer) Inputs() []*ndarray.Array {
	if l.carry != nil {
		return []*ndarray.Array{l.src, l.carry}
	}
	return []*ndarray.Array{l.src}
}

// BlockTask plans block idx of the stage.
func (l *cumLayer) BlockTask(b *ndarray.Builder, a *ndarray.Array, idx []int) (cluster.Task, error) {
	shape := a.Grid().BlockShape(idx)
	op := &cumOp{Stage: l.stage, Func: l.fn, Axis: l.axis, DType: a.DType(), Shape: shape}
	bytes := chunk.Size(shape) * int64(a.DType().Size())
	switch l.stage {
	case stageScan:
		k, err := b.Key(l.src, idx)
		if err != nil {
			return cluster.Task{}, err
		}
		return cluster.Task{Op: op, Inputs: []cluster.Key{k}, Bytes: bytes}, nil
	case stageCarry:
		if idx[l.axis] == 0 {
			return cluster.Task{Op: op, Bytes: bytes}, nil // the identity
		}
		prev := append([]int(nil), idx...)
		prev[l.axis]--
		ks, err := b.Key(l.src, prev)
		if err != nil {
			return cluster.Task{}, err
		}
		if prev[l.axis] == 0 {
			// The carry into block 1 is block 0's last slice alone.
			return cluster.Task{Op: op, Inputs: []cluster.Key{ks}, Bytes: bytes}, nil
		}
		kc, err := b.Key(a, prev)
		if err != nil {
			return cluster.Task{}, err
		}
		return cluster.Task{Op: op, Inputs: []cluster.Key{kc, ks}, Bytes: bytes}, nil
	default:
		ks, err := b.Key(l.src, idx)
		if err != nil {
			return cluster.Task{}, err
		}
		if idx[l.axis] == 0 {
			// Nothing before the first block: the scan is the result.
			op.Stage = "copy"
			return cluster.Task{Op: op, Inputs: []cluster.Key{ks}, Bytes: bytes}, nil
		}
		kc, err := b.Key(l.carry, idx)
		if err != nil {
			return cluster.Task{}, err
		}
		return cluster.Task{Op: op, Inputs: []cluster.Key{ks, kc}, Bytes: bytes}, nil
	}
}

// cumOp is one task of a cumulative op: plain data for the wire.
type cumOp struct {
	Stage string      // scan, carry, apply or copy
	Func  string      // cumsum, cumprod, nancumsum, nancumprod
	Axis  int         // the axis accumulated along
	DType block.DType // the accumulator and output dtype
	Shape []int       // the output block's shape
}

// Kind is the op's registered name, "reduce.cum".
func (*cumOp) Kind() string { return "reduce.cum" }

// UnmarshalJSON decodes the op and refuses malformed fields (ErrCumOp).
func (o *cumOp) UnmarshalJSON(b []byte) error {
	type plain cumOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	return o.check()
}

func (o *cumOp) check() error {
	switch o.Stage {
	case stageScan, stageCarry, stageApply, "copy":
	default:
		return fmt.Errorf("%w: stage %q", ErrCumOp, o.Stage)
	}
	switch o.Func {
	case cumSum, cumProd, cumNanSum, cumNanProd:
	default:
		return fmt.Errorf("%w: function %q", ErrCumOp, o.Func)
	}
	switch o.DType {
	case block.Int64, block.Uint64, block.Float32, block.Float64:
	default:
		return fmt.Errorf("%w: dtype %s", ErrCumOp, o.DType)
	}
	if o.Axis < 0 || o.Axis >= len(o.Shape) {
		return fmt.Errorf("%w: axis %d for block shape %v", ErrCumOp, o.Axis, o.Shape)
	}
	if err := chunk.CheckShape(o.Shape); err != nil {
		return fmt.Errorf("%w: %w", ErrCumOp, err)
	}
	return nil
}

func (o *cumOp) prod() bool { return o.Func == cumProd || o.Func == cumNanProd }

// Run computes the stage's block.
func (o *cumOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	blocks := make([]*block.Dense, len(in))
	for i, v := range in {
		d, ok := v.(*block.Dense)
		if !ok {
			return nil, fmt.Errorf("%w: input %d is %T", ErrCumOp, i, v)
		}
		blocks[i] = d
	}
	want := map[string]int{stageScan: 1, stageApply: 2, "copy": 1, stageCarry: 2}[o.Stage]
	if o.Stage == stageCarry && len(blocks) < 2 {
		want = len(blocks) // the identity, or the first block's last slice
	}
	if len(blocks) != want {
		return nil, fmt.Errorf("%w: %s stage with %d inputs", ErrCumOp, o.Stage, len(blocks))
	}
	out, err := ndarray.Alloc(ctx, o.DType, o.Shape...)
	if err != nil {
		return nil, err
	}
	switch o.Stage {
	case stageScan:
		src := blocks[0]
		if !chunk.EqualShape(src.Shape(), o.Shape) {
			return nil, fmt.Errorf("%w: scan of a block of shape %v, declared %v", block.ErrShape, src.Shape(), o.Shape)
		}
		if err := block.CastInto(out, src, block.CastOptions{Overflow: block.OverflowWrap}); err != nil {
			return nil, err
		}
		err = scanBlock(out, o.Axis, o.Func)
	case "copy":
		err = block.CastInto(out, blocks[0], block.CastOptions{})
	case stageCarry:
		if o.prod() {
			out.Fill(1)
		}
		switch len(blocks) {
		case 0:
			return out, nil
		case 1:
			err = carryBlock(out, out.Clone(), blocks[0], o.Axis, o.prod())
		default:
			err = carryBlock(out, blocks[0], blocks[1], o.Axis, o.prod())
		}
	default:
		err = applyBlock(out, blocks[0], blocks[1], o.Axis, o.prod())
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// outerInner splits shape around axis: the product of the axes before it,
// its length, the product of the axes after it.
func outerInner(shape []int, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for d, s := range shape {
		switch {
		case d < axis:
			outer *= s
		case d > axis:
			inner *= s
		}
	}
	return outer, shape[axis], inner
}

type cumElem interface {
	int64 | uint64 | float32 | float64
}

func scanBlock(d *block.Dense, axis int, fn string) error {
	switch v := d.Data().(type) {
	case []int64:
		scan(v, d.Shape(), axis, fn)
	case []uint64:
		scan(v, d.Shape(), axis, fn)
	case []float32:
		scan(v, d.Shape(), axis, fn)
	case []float64:
		scan(v, d.Shape(), axis, fn)
	default:
		return fmt.Errorf("%w: scan of %s", ErrCumOp, d.DType())
	}
	return nil
}

// scan accumulates v in place along axis: the reference loop is
//
//	for j := 1; j < n; j++ { v[j] = v[j-1] ⊕ v[j] }
//
// per (outer, inner) line, with NaN replaced by the identity first for
// the nan- functions.
func scan[T cumElem](v []T, shape []int, axis int, fn string) {
	outer, n, inner := outerInner(shape, axis)
	prod := fn == cumProd || fn == cumNanProd
	if fn == cumNanSum || fn == cumNanProd {
		var id T
		if prod {
			id = 1
		}
		for i, x := range v {
			if x != x {
				v[i] = id
			}
		}
	}
	for o := range outer {
		base := o * n * inner
		for j := 1; j < n; j++ {
			cur := v[base+j*inner : base+(j+1)*inner]
			prev := v[base+(j-1)*inner : base+j*inner]
			if prod {
				for i := range cur {
					cur[i] *= prev[i]
				}
			} else {
				for i := range cur {
					cur[i] += prev[i]
				}
			}
		}
	}
}

// carryBlock sets out (axis length 1) to prev ⊕ the last slice of s along
// axis.
func carryBlock(out, prev, s *block.Dense, axis int, prod bool) error {
	switch o := out.Data().(type) {
	case []int64:
		return carry(o, prev, s, axis, prod)
	case []uint64:
		return carry(o, prev, s, axis, prod)
	case []float32:
		return carry(o, prev, s, axis, prod)
	case []float64:
		return carry(o, prev, s, axis, prod)
	}
	return fmt.Errorf("%w: carry of %s", ErrCumOp, out.DType())
}

func carry[T cumElem](o []T, prevD, sD *block.Dense, axis int, prod bool) error {
	p, err1 := block.As[T](prevD)
	s, err2 := block.As[T](sD)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%w: %w", ErrCumOp, err)
	}
	outer, n, inner := outerInner(sD.Shape(), axis)
	if len(p) != outer*inner || len(o) != outer*inner {
		return fmt.Errorf("%w: carry of %d elements for a scan of shape %v", block.ErrShape, len(p), sD.Shape())
	}
	if n == 0 {
		copy(o, p)
		return nil
	}
	for k := range outer {
		last := s[(k*n+n-1)*inner : (k*n+n)*inner]
		for i := range inner {
			if prod {
				o[k*inner+i] = p[k*inner+i] * last[i]
			} else {
				o[k*inner+i] = p[k*inner+i] + last[i]
			}
		}
	}
	return nil
}

// applyBlock sets out to s ⊕ c, c (axis length 1) broadcast along axis.
func applyBlock(out, s, c *block.Dense, axis int, prod bool) error {
	switch o := out.Data().(type) {
	case []int64:
		return apply(o, s, c, axis, prod)
	case []uint64:
		return apply(o, s, c, axis, prod)
	case []float32:
		return apply(o, s, c, axis, prod)
	case []float64:
		return apply(o, s, c, axis, prod)
	}
	return fmt.Errorf("%w: apply of %s", ErrCumOp, out.DType())
}

func apply[T cumElem](o []T, sD, cD *block.Dense, axis int, prod bool) error {
	s, err1 := block.As[T](sD)
	c, err2 := block.As[T](cD)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%w: %w", ErrCumOp, err)
	}
	outer, n, inner := outerInner(sD.Shape(), axis)
	if len(s) != len(o) || len(c) != outer*inner {
		return fmt.Errorf("%w: apply of a carry of %d elements to a scan of shape %v", block.ErrShape, len(c), sD.Shape())
	}
	for k := range outer {
		cr := c[k*inner : (k+1)*inner]
		for j := range n {
			off := (k*n + j) * inner
			if prod {
				for i := range inner {
					o[off+i] = s[off+i] * cr[i]
				}
			} else {
				for i := range inner {
					o[off+i] = s[off+i] + cr[i]
				}
			}
		}
	}
	return nil
}

func init() {
	cluster.Register("reduce.cum", func() cluster.Op { return &cumOp{} })
}
