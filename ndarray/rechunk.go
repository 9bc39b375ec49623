package ndarray

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// ErrRechunkMemory reports a rechunk whose every plan needs more memory per
// task than allowed. The message names the budget and the smallest budget
// that would work.
var ErrRechunkMemory = errors.New("ndarray: rechunk does not fit the memory budget")

// DefaultRechunkMemory is the per-task memory a rechunk plan may use when
// no RechunkMemory option is given (256 MiB).
const DefaultRechunkMemory = 256 << 20

// RechunkOption configures Rechunk.
type RechunkOption func(*rechunkConfig)

type rechunkConfig struct{ mem int64 }

// RechunkMemory bounds the memory one rechunk task may hold: the input
// blocks it reads plus the block it writes. Use the executor's memory
// budget.
func RechunkMemory(n int64) RechunkOption { return func(c *rechunkConfig) { c.mem = n } }

// RechunkPlan describes how Rechunk moves data: the chunkings it goes
// through (the last is the target) and the projected memory of the
// largest task of each stage. It is for inspection before computing (as
// rechunker's plans are): how many passes a rechunk takes and the budget
// it needs.
type RechunkPlan struct {
	Stages   []*chunk.Grid // each stage's output grid
	TaskMem  []int64       // projected bytes of the largest task per stage
	MaxBytes int64         // the largest of TaskMem
}

// PlanRechunk chooses how to rechunk from the grid from to the grid to for
// elements of itemSize bytes within mem bytes per task: directly when the
// largest direct task fits; otherwise through one intermediate chunking, the
// per-axis geometric mean of the two (rechunker's choice, fewer tasks) or,
// when that does not fit either, the common refinement of both (every
// intermediate block inside one source and one target block: the least
// memory any plan can use). When nothing fits it returns ErrRechunkMemory
// naming mem and the smallest budget that would work.
//
// Projected memory is an upper bound: per axis, the largest target chunk
// and the largest sum of source chunks one target chunk touches.
func PlanRechunk(from, to *chunk.Grid, itemSize int, mem int64) (RechunkPlan, error) {
	if !chunk.EqualShape(from.Shape(), to.Shape()) {
		return RechunkPlan{}, fmt.Errorf("%w: rechunk from shape %v to %v", block.ErrShape, from.Shape(), to.Shape())
	}
	es := int64(itemSize)
	direct := stageCost(from, to, es)
	if direct <= mem || from.Equal(to) {
		return RechunkPlan{Stages: []*chunk.Grid{to}, TaskMem: []int64{direct}, MaxBytes: direct}, nil
	}
	best := direct
	for _, mid := range []*chunk.Grid{geometricGrid(from, to), refineGrid(from, to)} {
		if mid == nil {
			continue
		}
		c1, c2 := stageCost(from, mid, es), stageCost(mid, to, es)
		m := max(c1, c2)
		if m <= mem {
			return RechunkPlan{Stages: []*chunk.Grid{mid, to}, TaskMem: []int64{c1, c2}, MaxBytes: m}, nil
		}
		best = min(best, m)
	}
	return RechunkPlan{}, fmt.Errorf("%w: budget %d bytes per task, the smallest workable plan needs %d bytes (raise RechunkMemory to at least %d or pick target chunks closer to the source's)",
		ErrRechunkMemory, mem, best, best)
}

// stageCost bounds the bytes of the largest task of a direct rechunk: the
// largest output block plus the largest total of input blocks one output
// block touches, both per axis. Axes of up to stageExact chunks are walked
// exactly; longer ones use a bound from the largest chunks (exact when the
// target's regular chunk is a multiple of the source's), so planning stays
// O(rank) for huge grids.
func stageCost(from, to *chunk.Grid, es int64) int64 {
	out, in := es, es
	for a := range to.Rank() {
		fa, ta := from.Axis(a), to.Axis(a)
		maxOut, maxIn := ta.MaxSize(), 0
		if ta.NumChunks() <= stageExact {
			for i := range ta.NumChunks() {
				off, c := ta.Start(i), ta.Size(i)
				if c > 0 {
					b0, b1 := fa.Block(off), fa.Block(off+c-1)
					maxIn = max(maxIn, fa.Start(b1+1)-fa.Start(b0))
				}
			}
		} else {
			sc, sreg := fa.Regular()
			tc, treg := ta.Regular()
			switch {
			case sreg && treg && tc%sc == 0:
				maxIn = tc
			case sreg:
				maxIn = ((maxOut-1+sc-1)/sc + 1) * sc
			default:
				maxIn = maxOut + 2*(fa.MaxSize()-1)
			}
			maxIn = min(maxIn, fa.Len())
		}
		out = satMul(out, int64(maxOut))
		in = satMul(in, int64(maxIn))
	}
	if out > math.MaxInt64-in {
		return math.MaxInt64
	}
	return out + in
}

// stageExact is the number of target chunks per axis stageCost walks.
const stageExact = 1 << 16

func satMul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

// geometricGrid is the regular grid whose chunk on each axis is the
// geometric mean of the largest source and target chunks.
func geometricGrid(from, to *chunk.Grid) *chunk.Grid {
	a, b := from.MaxChunkShape(), to.MaxChunkShape()
	c := make([]int, len(a))
	for i := range c {
		c[i] = max(1, int(math.Round(math.Sqrt(float64(a[i])*float64(b[i])))))
	}
	g, err := chunk.NewRegularGrid(from.Shape(), c)
	if err != nil {
		return nil
	}
	return g
}

// refineGrid cuts every axis at the chunk boundaries of both grids (nil
// when that would list too many chunks).
func refineGrid(from, to *chunk.Grid) *chunk.Grid {
	axes := make([]chunk.Axis, from.Rank())
	for a := range axes {
		r, err := from.Axis(a).Refine(to.Axis(a))
		if err != nil {
			return nil
		}
		axes[a] = r
	}
	g, err := chunk.NewGridAxes(axes)
	if err != nil {
		return nil
	}
	return g
}

// Rechunk returns a with the chunks of spec (normalized for a's shape and
// dtype). Generator expressions (random, full, arange and elementwise ops
// on them) are re-cut for free; other arrays are moved by a plan from
// PlanRechunk within the RechunkMemory budget (DefaultRechunkMemory when not
// given), and an over-budget plan makes the result carry ErrRechunkMemory.
// Each task copies the pieces of the source blocks its output block needs.
// Auto axes (the zero spec is chunk.Auto()) take whole multiples of a's
// chunks when they are regular, as dask's rechunk passes previous_chunks.
func (a *Array) Rechunk(spec chunk.Spec, opts ...RechunkOption) *Array {
	if err := a.Err(); err != nil {
		return Errored(err)
	}
	prev, _ := a.grid.Regular()
	grid, err := spec.Normalize(a.grid.Shape(), a.dtype.Size(), chunk.NormalizeOptions{Previous: prev})
	if err != nil {
		return Errored(fmt.Errorf("ndarray.Rechunk: %w", err))
	}
	return a.rechunkTo(grid, opts...)
}

func (a *Array) rechunkTo(grid *chunk.Grid, opts ...RechunkOption) *Array {
	if grid.Equal(a.grid) {
		return a
	}
	if a.expr != nil && !a.expr.rigid {
		return exprArray(a.expr, grid)
	}
	cfg := rechunkConfig{mem: DefaultRechunkMemory}
	for _, o := range opts {
		o(&cfg)
	}
	plan, err := PlanRechunk(a.grid, grid, a.dtype.Size(), cfg.mem)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.Rechunk %v to %v: %w", a.grid.MaxChunkShape(), grid.MaxChunkShape(), err))
	}
	cur := a
	for _, g := range plan.Stages {
		cur = NewArray(a.dtype, g, "rechunk "+cur.name, rechunkLayer{src: cur})
	}
	return cur
}

type rechunkLayer struct{ src *Array }

func (l rechunkLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	box := a.grid.BlockBox(idx)
	return assembleTask(b, a.dtype, box, []*Array{l.src}, [][]int{make([]int, box.Rank())})
}

// assembleTask makes the task building the region box from the blocks of
// srcs, where source i covers the region starting at origins[i] (in the
// output's coordinates). Regions of box no source covers are zero.
func assembleTask(b *Builder, dt block.DType, box chunk.Box, srcs []*Array, origins [][]int) (cluster.Task, error) {
	op := &assembleOp{DType: dt, Shape: box.Shape()}
	var inputs []cluster.Key
	for i, s := range srcs {
		sb := chunk.Box{Lo: make([]int, box.Rank()), Hi: make([]int, box.Rank())}
		shape := s.grid.Shape()
		for ax := range sb.Lo {
			sb.Lo[ax] = origins[i][ax]
			sb.Hi[ax] = origins[i][ax] + shape[ax]
		}
		part, ok := box.Intersect(sb)
		if !ok {
			continue
		}
		pieces, err := s.grid.Intersect(part.Translate(origins[i]))
		if err != nil {
			return cluster.Task{}, err
		}
		shift := make([]int, box.Rank())
		for ax := range shift {
			shift[ax] = box.Lo[ax] - part.Lo[ax]
		}
		for _, p := range pieces {
			if len(pieces) == 1 && len(srcs) == 1 && p.Src.Equal(chunk.BoxOf(s.grid.BlockShape(p.Block))) && chunk.EqualShape(p.Src.Shape(), op.Shape) {
				k, err := b.Key(s, p.Block)
				if err != nil {
					return cluster.Task{}, err
				}
				return cluster.Task{Op: &identityOp{}, Inputs: []cluster.Key{k}}, nil
			}
			k, err := b.Key(s, p.Block)
			if err != nil {
				return cluster.Task{}, err
			}
			inputs = append(inputs, k)
			op.Pieces = append(op.Pieces, boxPiece{In: len(inputs) - 1, Src: p.Src, Dst: p.Dst.Translate(shift)})
		}
	}
	return cluster.Task{Op: op, Inputs: inputs, Bytes: box.Size() * int64(dt.Size())}, nil
}

// boxPiece copies the Src box of input In to the Dst box of the output.
type boxPiece struct {
	In       int
	Src, Dst chunk.Box
}

// assembleOp builds one block of the given shape from boxes of its input
// blocks (rechunk, concatenate): memmove-speed copies of whole rows.
// Elements no piece covers are zero.
type assembleOp struct {
	DType  block.DType
	Shape  []int
	Pieces []boxPiece
}

func (*assembleOp) Kind() string { return "ndarray.assemble" }

// Run copies every piece with CopyBox; a piece outside its blocks is an
// ErrShape error.
func (o *assembleOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	out, zeroed, err := newBlock(ctx, o.DType, o.Shape)
	if err != nil {
		return nil, err
	}
	if !zeroed {
		var covered int64
		for _, p := range o.Pieces {
			covered += p.Dst.Size()
		}
		if covered != chunk.Size(o.Shape) {
			clear(out.Bytes())
		}
	}
	for i, p := range o.Pieces {
		if p.In < 0 || p.In >= len(in) {
			return nil, fmt.Errorf("%w: assemble piece %d reads input %d of %d", ErrIndex, i, p.In, len(in))
		}
		src, ok := in[p.In].(*block.Dense)
		if !ok {
			return nil, fmt.Errorf("ndarray.assemble: input %d is %T, not a block", p.In, in[p.In])
		}
		if err := block.CopyBox(out, p.Dst, src, p.Src); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func init() {
	cluster.Register("ndarray.assemble", func() cluster.Op { return &assembleOp{} })
}
