package ndarray

import (
	"context"
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// TileElems is the most elements a fused block program evaluates at once,
// and so the most a [Span] holds: small enough that every intermediate of
// an expression stays in cache.
const TileElems = 2048

// instr is one step of a kernel's program. Leaves are generators
// ("random", "randn", "full", "arange", "linspace") and "input" (task input
// In); the other ops combine earlier steps named by Args. Shape is a leaf's
// own shape, right-aligned against the block for broadcasting. The fields
// are exported for encoding/json only: the JSON form is the wire form of
// the "ndarray.fused" and "reduce.partial" ops.
type instr struct {
	Op         string         `json:"op"`
	DType      block.DType    `json:"dtype"`
	Args       []int          `json:"args,omitempty"`
	F          wireFloats     `json:"f,omitempty"`
	Seed       uint64         `json:"seed,omitempty"`
	Pol        block.Overflow `json:"pol,omitempty"`
	In         int            `json:"in,omitempty"`
	Shape      []int          `json:"shape,omitempty"`
	BlockShape []int          `json:"block_shape,omitempty"`
}

// kernel is a fused elementwise program for one output block: plain data
// that encodes to JSON, evaluated tile by tile so that no intermediate
// block is ever materialised. The last instruction is the result.
type kernel struct {
	Lo, Hi []int // the output block's region of the array
	Prog   []instr
}

// dtype is the dtype of the kernel's result (0 for an empty program).
func (k *kernel) dtype() block.DType {
	if len(k.Prog) == 0 {
		return 0
	}
	return k.Prog[len(k.Prog)-1].DType
}

// box is the output block's region.
func (k *kernel) box() chunk.Box { return chunk.Box{Lo: k.Lo, Hi: k.Hi} }

// check validates the kernel's frame (not its steps, which eval checks),
// so that a malformed kernel from the wire is an error, never a panic.
func (k *kernel) check() error {
	if len(k.Prog) == 0 {
		return errors.New("ndarray.fused: empty program")
	}
	if len(k.Lo) != len(k.Hi) {
		return fmt.Errorf("ndarray.fused: block region %v..%v has mismatched ranks", k.Lo, k.Hi)
	}
	for a := range k.Lo {
		if k.Lo[a] < 0 || k.Hi[a] < k.Lo[a] {
			return fmt.Errorf("ndarray.fused: bad block region %v..%v", k.Lo, k.Hi)
		}
	}
	if err := chunk.CheckShape(k.box().Shape()); err != nil {
		return fmt.Errorf("ndarray.fused: %w", err)
	}
	return nil
}

// scratch is the tile buffer memory an evaluation of k holds.
func (k *kernel) scratch() int64 { return int64(len(k.Prog)) * TileElems * 8 }

// fusedOp computes one block of an elementwise expression. Its JSON form
// ({"Kernel": ...}) is the wire form of the registered kind "ndarray.fused".
type fusedOp struct {
	Kernel kernel
}

func init() {
	cluster.Register("ndarray.fused", func() cluster.Op { return &fusedOp{} })
}

// Kind implements cluster.Op.
func (*fusedOp) Kind() string { return "ndarray.fused" }

// Run materialises the block.
func (o *fusedOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	k := &o.Kernel
	if err := k.check(); err != nil {
		return nil, err
	}
	out, _, err := newBlock(ctx, k.dtype(), k.box().Shape()) // every element is written
	if err != nil {
		return nil, err
	}
	ek := elemKernelsOf(k.dtype())
	dst := out.Data()
	err = k.eval(ctx, in, func(s *Span) error {
		ek.copyInto(dst, s.Start, s.Values)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// leafState is a leaf's mapping from block coordinates to its element
// positions: stride[a] is the leaf's stride along output axis a (0 when
// broadcast or absent).
type leafState struct {
	stride []int64
	whole  bool // input leaf that is the block itself: tiles are sub-slices
	data   any  // input block data
	filled int  // for constant leaves: elements already filled
	key    uint64
}

// generatorParams is the number of F parameters each generator leaf takes.
var generatorParams = map[string]int{"random": 0, "randn": 0, "arange": 2, "linspace": 4, "full": 1}

// evalState is one evaluation of a kernel over a block.
type evalState struct {
	k     *kernel
	box   chunk.Box
	shape []int
	outer []int // the block's shape without the last axis
	st    []leafState
	ek    []elemKernels // per step: kernels of the step's dtype
	bufs  []any         // per step: its tile buffer (nil for whole inputs)
	cur   []any         // per step: its values over the current tile
	args  [][]any       // per step: its arguments' values over the tile
	n     int           // elements in the block
	odo   []int         // outer coordinates of the tile's first row
	rowOd []int         // scratch odometer for forRows
}

// eval runs the program over the block tile by tile and calls fn with each
// span of results, in C order. Inputs must be *block.Dense blocks matching
// the program; anything else is an error.
func (k *kernel) eval(ctx context.Context, in []cluster.Value, fn func(s *Span) error) error {
	if err := k.check(); err != nil {
		return err
	}
	box := k.box()
	shape := box.Shape()
	r := len(shape)
	n := int(chunk.Size(shape))
	if n == 0 {
		return nil
	}
	prog := k.Prog
	e := &evalState{
		k: k, box: box, shape: shape, n: n,
		st: make([]leafState, len(prog)), ek: make([]elemKernels, len(prog)),
		bufs: make([]any, len(prog)), cur: make([]any, len(prog)), args: make([][]any, len(prog)),
	}
	for i := range prog {
		ins := &prog[i]
		if !ins.DType.Valid() {
			return fmt.Errorf("ndarray.fused: step %d (%s): invalid dtype", i, ins.Op)
		}
		e.ek[i] = elemKernelsOf(ins.DType)
		for _, a := range ins.Args {
			if a < 0 || a >= i {
				return fmt.Errorf("ndarray.fused: step %d (%s) refers to step %d", i, ins.Op, a)
			}
		}
		switch need, gen := generatorParams[ins.Op]; {
		case ins.Op == "input":
			if ins.In < 0 || ins.In >= len(in) {
				return fmt.Errorf("ndarray.fused: step %d reads input %d of %d", i, ins.In, len(in))
			}
			d, ok := in[ins.In].(*block.Dense)
			if !ok {
				return fmt.Errorf("ndarray.fused: input %d is %T, not a block", ins.In, in[ins.In])
			}
			if d.DType() != ins.DType || !chunk.EqualShape(d.Shape(), ins.BlockShape) {
				return fmt.Errorf("ndarray.fused: input %d is %s %v, program expects %s %v", ins.In, d.DType(), d.Shape(), ins.DType, ins.BlockShape)
			}
			s, err := leafStrides(ins.BlockShape, shape)
			if err != nil {
				return fmt.Errorf("ndarray.fused: input %d: %w", ins.In, err)
			}
			e.st[i].stride, e.st[i].data = s, d.Data()
			e.st[i].whole = chunk.EqualShape(ins.BlockShape, shape)
		case gen:
			s, err := leafStrides(ins.Shape, shape)
			if err != nil {
				return fmt.Errorf("ndarray.fused: step %d (%s): %w", i, ins.Op, err)
			}
			e.st[i].stride = s
			if len(ins.F) != need {
				return fmt.Errorf("ndarray.fused: step %d (%s) needs %d params", i, ins.Op, need)
			}
			switch ins.Op {
			case "random":
				e.st[i].key = streamKey(ins.Seed, 1)
			case "randn":
				e.st[i].key = streamKey(ins.Seed, 2)
			}
			if (ins.Op == "random" || ins.Op == "randn") && ins.DType != block.Float64 {
				return fmt.Errorf("ndarray.fused: step %d (%s) must be float64, not %s", i, ins.Op, ins.DType)
			}
			if ins.Op == "arange" && ins.DType != block.Int64 && ins.DType != block.Float64 {
				return fmt.Errorf("ndarray.fused: step %d (arange) must be int64 or float64, not %s", i, ins.DType)
			}
			if ins.Op == "linspace" && ins.DType != block.Float64 {
				return fmt.Errorf("ndarray.fused: step %d (linspace) must be float64, not %s", i, ins.DType)
			}
		default:
			if err := checkOp(ins, prog); err != nil {
				return fmt.Errorf("ndarray.fused: step %d: %w", i, err)
			}
			e.args[i] = make([]any, len(ins.Args))
		}
		if !(ins.Op == "input" && e.st[i].whole) {
			e.bufs[i] = block.MakeSlice(ins.DType, min(n, TileElems))
		}
	}

	rowLen := 1
	if r > 0 {
		rowLen = shape[r-1]
	}
	nRows := n / rowLen
	e.outer = shape[:max(r-1, 0)]
	e.odo = make([]int, len(e.outer))
	e.rowOd = make([]int, len(e.outer))
	s := &Span{}
	if rowLen >= TileElems {
		for row := range nRows {
			if err := ctx.Err(); err != nil {
				return err
			}
			e.setOdo(row)
			for c0 := 0; c0 < rowLen; c0 += TileElems {
				c1 := min(c0+TileElems, rowLen)
				*s = Span{Start: row*rowLen + c0, Row: row, Rows: 1, Col0: c0, Col1: c1, n: c1 - c0}
				if err := e.tile(s, fn); err != nil {
					return err
				}
			}
		}
		return nil
	}
	per := TileElems / rowLen
	for row := 0; row < nRows; row += per {
		if row%(per*64) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		nr := min(per, nRows-row)
		e.setOdo(row)
		*s = Span{Start: row * rowLen, Row: row, Rows: nr, Col0: 0, Col1: rowLen, n: nr * rowLen}
		if err := e.tile(s, fn); err != nil {
			return err
		}
	}
	return nil
}

// setOdo sets the outer coordinates of the tile's first row.
func (e *evalState) setOdo(row int) {
	for a := len(e.outer) - 1; a >= 0; a-- {
		e.odo[a] = row % e.outer[a]
		row /= e.outer[a]
	}
}

// tile evaluates every step over span s and hands the result to fn.
func (e *evalState) tile(s *Span, fn func(s *Span) error) error {
	for i := range e.k.Prog {
		v, err := e.step(i, s)
		if err != nil {
			return err
		}
		e.cur[i] = v
	}
	s.Values = e.cur[len(e.cur)-1]
	return fn(s)
}

// leafStrides computes a leaf's element strides along each output axis,
// right-aligning the leaf shape; broadcast axes get stride 0.
func leafStrides(leaf, out []int) ([]int64, error) {
	if len(leaf) > len(out) {
		return nil, fmt.Errorf("leaf rank %d exceeds block rank %d", len(leaf), len(out))
	}
	s := make([]int64, len(out))
	off := len(out) - len(leaf)
	acc := int64(1)
	for j := len(leaf) - 1; j >= 0; j-- {
		if leaf[j] != 1 {
			s[off+j] = acc
		}
		acc *= int64(leaf[j])
	}
	return s, nil
}

// rowBase returns, for the row at outer coordinates odo, the leaf position
// of column c0, with global selecting array-global coordinates
// (generators) or block-local ones (inputs).
func rowBase(stride []int64, odo []int, c0 int, lo []int, global bool) int64 {
	var base int64
	for a, o := range odo {
		c := o
		if global {
			c += lo[a]
		}
		base += int64(c) * stride[a]
	}
	r := len(stride)
	if r > 0 {
		c := c0
		if global {
			c += lo[r-1]
		}
		base += int64(c) * stride[r-1]
	}
	return base
}

// forRows calls f for each row of span s with the row's position in the
// tile buffer and the outer coordinates of the row. The coordinates are
// scratch: f must not keep them.
func (e *evalState) forRows(s *Span, f func(off int, odo []int)) {
	odo := e.rowOd
	copy(odo, e.odo)
	w := s.Col1 - s.Col0
	for i := range s.Rows {
		f(i*w, odo)
		for a := len(e.outer) - 1; a >= 0; a-- {
			odo[a]++
			if odo[a] < e.outer[a] {
				break
			}
			odo[a] = 0
		}
	}
}

// buf returns step i's tile buffer cut to n elements: the buffer itself
// (no new interface value, so no allocation) for a full tile.
func (e *evalState) buf(i, n int) any {
	if n == min(e.n, TileElems) {
		return e.bufs[i]
	}
	return e.ek[i].slice(e.bufs[i], 0, n)
}

// step evaluates instruction i over span s.
func (e *evalState) step(i int, s *Span) (any, error) {
	ins := &e.k.Prog[i]
	ls := &e.st[i]
	ek := e.ek[i]
	box := e.box
	w := s.Col1 - s.Col0
	r := len(box.Lo)
	last := int64(0)
	if r > 0 && len(ls.stride) == r {
		last = ls.stride[r-1]
	}
	switch ins.Op {
	case "input":
		if ls.whole {
			return ek.slice(ls.data, s.Start, s.n), nil
		}
		buf := e.buf(i, s.n)
		e.forRows(s, func(off int, o []int) {
			ek.gather(buf, off, ls.data, rowBase(ls.stride, o, s.Col0, box.Lo, false), last, w)
		})
		return buf, nil
	case "full":
		buf := e.buf(i, s.n)
		if ls.filled < s.n {
			block.FillSlice(buf, ins.F[0])
			ls.filled = s.n
		}
		return buf, nil
	case "random", "randn":
		buf := e.bufs[i].([]float64)[:s.n]
		normal := ins.Op == "randn"
		e.forRows(s, func(off int, o []int) {
			base := uint64(rowBase(ls.stride, o, s.Col0, box.Lo, true))
			seg := buf[off : off+w]
			switch {
			case last == 1 && !normal:
				fillUniform(seg, ls.key, base)
			case last == 1:
				fillNormal(seg, ls.key, base)
			default:
				for j := range seg {
					idx := base + uint64(int64(j)*last)
					if normal {
						seg[j] = normalAt(ls.key, idx)
					} else {
						seg[j] = uniformAt(ls.key, idx)
					}
				}
			}
		})
		return e.buf(i, s.n), nil
	case "arange", "linspace":
		buf := e.buf(i, s.n)
		start, step := ins.F[0], ins.F[1]
		e.forRows(s, func(off int, o []int) {
			base := rowBase(ls.stride, o, s.Col0, box.Lo, true)
			switch b := buf.(type) {
			case []int64:
				for j := range w {
					b[off+j] = int64(start) + (base+int64(j)*last)*int64(step)
				}
			case []float64:
				for j := range w {
					idx := base + int64(j)*last
					v := start + float64(idx)*step
					if ins.Op == "linspace" && ins.F[2] != 0 && idx == int64(ins.F[3])-1 {
						v = ins.F[2]
					}
					b[off+j] = v
				}
			}
		})
		return buf, nil
	}
	buf := e.buf(i, s.n)
	args := e.args[i]
	for j, a := range ins.Args {
		args[j] = e.cur[a]
	}
	var aek elemKernels
	if len(ins.Args) > 0 {
		aek = e.ek[ins.Args[0]]
	}
	if err := applyOp(ins, ek, aek, buf, args); err != nil {
		var ce *block.CastError
		if errors.As(err, &ce) {
			// Name the element by its index in the whole array.
			local := chunk.Unravel(s.Start+ce.Index[0], e.shape)
			for a := range local {
				local[a] += box.Lo[a]
			}
			ce.Index = local
		}
		return nil, err
	}
	return buf, nil
}

// fusedTask turns the expression of array a into a kernel for block idx.
func (b *Builder) fusedTask(a *Array, idx []int) (cluster.Task, error) {
	box := a.grid.BlockBox(idx)
	shape := a.grid.Shape()
	k := kernel{Lo: box.Lo, Hi: box.Hi}
	memo := map[string]int{}
	var inputs []cluster.Key
	inPos := map[cluster.Key]int{}
	var walk func(n *node) (int, error)
	walk = func(n *node) (int, error) {
		if i, ok := memo[n.tok]; ok {
			return i, nil
		}
		ins := instr{Op: n.op, DType: n.dtype, F: n.f, Seed: n.seed, Pol: n.pol}
		for _, c := range n.args {
			j, err := walk(c)
			if err != nil {
				return 0, err
			}
			ins.Args = append(ins.Args, j)
		}
		switch n.op {
		case "input":
			src := n.src
			sshape := src.grid.Shape()
			off := len(shape) - len(sshape)
			sidx := make([]int, len(sshape))
			for j := range sshape {
				if sshape[j] == 1 && shape[off+j] != 1 {
					continue // broadcast: block 0
				}
				// The input's block must be this block along the axis
				// (checked per block: O(1), not per chunk list).
				sa, oa, i := src.grid.Axis(j), a.grid.Axis(off+j), idx[off+j]
				if i >= sa.NumChunks() || sa.Start(i) != oa.Start(i) || sa.Start(i+1) != oa.Start(i+1) {
					return 0, fmt.Errorf("%w: %s axis %d chunks %v, result needs %v", ErrChunks, src.name, j, sa, oa)
				}
				sidx[j] = i
			}
			key, err := b.Key(src, sidx)
			if err != nil {
				return 0, err
			}
			p, ok := inPos[key]
			if !ok {
				p = len(inputs)
				inPos[key] = p
				inputs = append(inputs, key)
			}
			ins.In = p
			ins.BlockShape = src.grid.BlockShape(sidx)
		case "random", "randn", "arange", "linspace", "full":
			ins.Shape = n.shape
		}
		k.Prog = append(k.Prog, ins)
		memo[n.tok] = len(k.Prog) - 1
		return len(k.Prog) - 1, nil
	}
	if _, err := walk(a.expr); err != nil {
		return cluster.Task{}, err
	}
	outBytes := box.Size() * int64(a.dtype.Size())
	return cluster.Task{Op: &fusedOp{Kernel: k}, Inputs: inputs, Bytes: outBytes, Scratch: k.scratch()}, nil
}

// generatedSum sums the block's values without a tile buffer when the
// program is a single uniform random leaf (generate-and-add in one pass,
// the fastest path for the mean of a random array). It calls add with each
// run's partial sum (at most TileElems values) in C order and returns
// false, without calling add, when the program is anything else.
func (k *kernel) generatedSum(ctx context.Context, add func(sum float64, n int)) (bool, error) {
	if len(k.Prog) != 1 || k.Prog[0].Op != "random" || k.Prog[0].DType != block.Float64 {
		return false, nil
	}
	ins := &k.Prog[0]
	box := k.box()
	shape := box.Shape()
	r := len(shape)
	if r == 0 || chunk.Size(shape) == 0 {
		return false, nil
	}
	stride, err := leafStrides(ins.Shape, shape)
	if err != nil {
		return false, err
	}
	if stride[r-1] != 1 {
		return false, nil // broadcast along rows: use the general path
	}
	key := streamKey(ins.Seed, 1)
	w := shape[r-1]
	outer := shape[:r-1]
	odo := make([]int, r-1)
	nRows := int(chunk.Size(outer))
	// Merge rows that are consecutive in the leaf's index space.
	var runStart int64 = -1
	var runLen int64
	flush := func() {
		for runLen > 0 {
			n := min(runLen, TileElems)
			add(sumUniform(key, uint64(runStart), int(n)), int(n))
			runStart += n
			runLen -= n
		}
	}
	for row := range nRows {
		if row%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return true, err
			}
		}
		base := rowBase(stride, odo, 0, box.Lo, true)
		if runLen > 0 && base == runStart+runLen {
			runLen += int64(w)
		} else {
			flush()
			runStart, runLen = base, int64(w)
		}
		for a := len(outer) - 1; a >= 0; a-- {
			odo[a]++
			if odo[a] < outer[a] {
				break
			}
			odo[a] = 0
		}
	}
	flush()
	return true, nil
}
