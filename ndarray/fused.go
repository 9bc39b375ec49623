package ndarray

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// TileElems is the number of elements evaluated at once by a Kernel: small
// enough that every intermediate of an expression stays in cache.
const TileElems = 2048

// Instr is one step of a Kernel's program. Leaves are generators
// ("random", "randn", "full", "arange", "linspace") and "input" (task input
// In); the other ops combine earlier steps named by Args. Shape is a leaf's
// own shape, right-aligned against the block for broadcasting.
type Instr struct {
	Op         string         `json:"op"`
	DType      block.DType    `json:"dtype"`
	Args       []int          `json:"args,omitempty"`
	F          []float64      `json:"f,omitempty"`
	Seed       uint64         `json:"seed,omitempty"`
	Pol        block.Overflow `json:"pol,omitempty"`
	In         int            `json:"in,omitempty"`
	Shape      []int          `json:"shape,omitempty"`
	BlockShape []int          `json:"block_shape,omitempty"`
}

// Kernel is a fused elementwise program for one output block: plain data
// that encodes to JSON, evaluated tile by tile so that no intermediate
// block is ever materialised. The last instruction is the result.
type Kernel struct {
	Lo, Hi []int // the output block's region of the array
	Prog   []Instr
}

// DType is the dtype of the kernel's result.
func (k *Kernel) DType() block.DType { return k.Prog[len(k.Prog)-1].DType }

// Box is the output block's region.
func (k *Kernel) Box() chunk.Box { return chunk.Box{Lo: k.Lo, Hi: k.Hi} }

// Tile is a run of consecutive elements of a block (C order): NRows whole
// rows of the last axis, or, when rows are long, one segment [C0, C1) of row
// Row0. Data holds the values as a typed slice ([]float64, ...) of length N;
// it is only valid during the callback.
type Tile struct {
	Start, N    int
	Row0, NRows int
	C0, C1      int
	RowLen      int
	Data        any
}

// FusedOp computes one block of an elementwise expression.
type FusedOp struct {
	Kernel Kernel
}

func (*FusedOp) Kind() string { return "ndarray.fused" }

// Run materialises the block.
func (o *FusedOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	k := &o.Kernel
	if len(k.Prog) == 0 {
		return nil, fmt.Errorf("ndarray.fused: empty program")
	}
	out, _, err := newBlock(ctx, k.DType(), k.Box().Shape()) // every element is written
	if err != nil {
		return nil, err
	}
	err = k.Eval(ctx, in, func(t *Tile) error {
		copyAny(out.Data(), t.Start, t.Data, t.N)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func copyAny(dst any, off int, src any, n int) {
	switch d := dst.(type) {
	case []bool:
		copy(d[off:off+n], src.([]bool))
	case []int8:
		copy(d[off:off+n], src.([]int8))
	case []int16:
		copy(d[off:off+n], src.([]int16))
	case []int32:
		copy(d[off:off+n], src.([]int32))
	case []int64:
		copy(d[off:off+n], src.([]int64))
	case []uint8:
		copy(d[off:off+n], src.([]uint8))
	case []uint16:
		copy(d[off:off+n], src.([]uint16))
	case []uint32:
		copy(d[off:off+n], src.([]uint32))
	case []uint64:
		copy(d[off:off+n], src.([]uint64))
	case []float32:
		copy(d[off:off+n], src.([]float32))
	case []float64:
		copy(d[off:off+n], src.([]float64))
	}
}

// leafMap maps block coordinates to a leaf's element positions: stride[a]
// is the leaf's stride along output axis a (0 when broadcast or absent).
type leafState struct {
	stride []int64
	whole  bool // input leaf that is the block itself: tiles are sub-slices
	data   any  // input block data
	filled int  // for constant leaves: elements already filled
	key    uint64
}

// Eval runs the program over the block tile by tile and calls fn with each
// tile of results. Inputs must be *Dense blocks matching the program.
func (k *Kernel) Eval(ctx context.Context, in []cluster.Value, fn func(t *Tile) error) error {
	box := k.Box()
	shape := box.Shape()
	r := len(shape)
	n := int(chunk.Size(shape))
	if n == 0 {
		return nil
	}
	prog := k.Prog
	st := make([]leafState, len(prog))
	bufs := make([]any, len(prog))
	cur := make([]any, len(prog))
	for i := range prog {
		ins := &prog[i]
		if !ins.DType.Valid() {
			return fmt.Errorf("ndarray.fused: step %d (%s): invalid dtype", i, ins.Op)
		}
		for _, a := range ins.Args {
			if a < 0 || a >= i {
				return fmt.Errorf("ndarray.fused: step %d (%s) refers to step %d", i, ins.Op, a)
			}
		}
		switch ins.Op {
		case "input":
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
			st[i].stride, st[i].data = s, d.Data()
			st[i].whole = chunk.EqualShape(ins.BlockShape, shape)
		case "random", "randn", "arange", "linspace", "full":
			s, err := leafStrides(ins.Shape, shape)
			if err != nil {
				return fmt.Errorf("ndarray.fused: step %d (%s): %w", i, ins.Op, err)
			}
			st[i].stride = s
			switch ins.Op {
			case "random":
				st[i].key = streamKey(ins.Seed, 1)
			case "randn":
				st[i].key = streamKey(ins.Seed, 2)
			case "arange", "linspace", "full":
				need := map[string]int{"arange": 2, "linspace": 4, "full": 1}[ins.Op]
				if len(ins.F) != need {
					return fmt.Errorf("ndarray.fused: step %d (%s) needs %d params", i, ins.Op, need)
				}
			}
		default:
			if err := checkOp(ins, prog); err != nil {
				return fmt.Errorf("ndarray.fused: step %d: %w", i, err)
			}
		}
		if !(ins.Op == "input" && st[i].whole) {
			bufs[i] = block.MakeSlice(ins.DType, min(n, TileElems))
		}
	}

	rowLen := 1
	if r > 0 {
		rowLen = shape[r-1]
	}
	nRows := n / rowLen
	outer := shape[:max(r-1, 0)]
	t := &Tile{RowLen: rowLen}
	odo := make([]int, len(outer))
	evalTile := func() error {
		for i := range prog {
			v, err := k.step(i, t, box, outer, odo, st, bufs, cur)
			if err != nil {
				return err
			}
			cur[i] = v
		}
		t.Data = cur[len(prog)-1]
		return fn(t)
	}
	setOdo := func(row int) {
		for a := len(outer) - 1; a >= 0; a-- {
			odo[a] = row % outer[a]
			row /= outer[a]
		}
	}
	if rowLen >= TileElems {
		for row := range nRows {
			if err := ctx.Err(); err != nil {
				return err
			}
			setOdo(row)
			for c0 := 0; c0 < rowLen; c0 += TileElems {
				c1 := min(c0+TileElems, rowLen)
				*t = Tile{Start: row*rowLen + c0, N: c1 - c0, Row0: row, NRows: 1, C0: c0, C1: c1, RowLen: rowLen}
				if err := evalTile(); err != nil {
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
		setOdo(row)
		*t = Tile{Start: row * rowLen, N: nr * rowLen, Row0: row, NRows: nr, C0: 0, C1: rowLen, RowLen: rowLen}
		if err := evalTile(); err != nil {
			return err
		}
	}
	return nil
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

// rowBase returns, for the row at outer coordinates odo (advanced by rows),
// the leaf position of column c0, with global selecting box-global
// coordinates (generators) or block-local ones (inputs).
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

// forRows calls f for each row of the tile with the row's position in the
// tile buffer and the outer coordinates of the row.
func forRows(t *Tile, outer []int, odo0 []int, f func(off int, odo []int)) {
	odo := append([]int(nil), odo0...)
	w := t.C1 - t.C0
	for i := range t.NRows {
		f(i*w, odo)
		for a := len(outer) - 1; a >= 0; a-- {
			odo[a]++
			if odo[a] < outer[a] {
				break
			}
			odo[a] = 0
		}
	}
}

// step evaluates instruction i over the tile.
func (k *Kernel) step(i int, t *Tile, box chunk.Box, outer, odo []int, st []leafState, bufs, cur []any) (any, error) {
	ins := &k.Prog[i]
	ls := &st[i]
	w := t.C1 - t.C0
	r := len(box.Lo)
	last := int64(0)
	if r > 0 && len(ls.stride) == r {
		last = ls.stride[r-1]
	}
	switch ins.Op {
	case "input":
		if ls.whole {
			return sliceAny(ls.data, t.Start, t.N), nil
		}
		buf := resize(bufs[i], t.N)
		forRows(t, outer, odo, func(off int, o []int) {
			base := rowBase(ls.stride, o, t.C0, box.Lo, false)
			gatherAny(buf, off, ls.data, base, last, w)
		})
		return buf, nil
	case "full":
		buf := resize(bufs[i], t.N)
		if ls.filled < t.N {
			block.FillSlice(buf, ins.F[0])
			ls.filled = t.N
		}
		return buf, nil
	case "random", "randn":
		buf := bufs[i].([]float64)[:t.N]
		normal := ins.Op == "randn"
		forRows(t, outer, odo, func(off int, o []int) {
			base := uint64(rowBase(ls.stride, o, t.C0, box.Lo, true))
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
		return buf, nil
	case "arange", "linspace":
		buf := resize(bufs[i], t.N)
		start, step := ins.F[0], ins.F[1]
		forRows(t, outer, odo, func(off int, o []int) {
			base := rowBase(ls.stride, o, t.C0, box.Lo, true)
			for j := range w {
				idx := base + int64(j)*last
				switch b := buf.(type) {
				case []int64:
					b[off+j] = int64(start) + idx*int64(step)
				case []float64:
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
	buf := resize(bufs[i], t.N)
	args := make([]any, len(ins.Args))
	for j, a := range ins.Args {
		args[j] = cur[a]
	}
	if err := applyOp(ins, buf, args); err != nil {
		var ce *block.CastError
		if asCast(err, &ce) {
			// Name the element by its index in the whole array.
			local := chunk.Unravel(t.Start+ce.Index[0], box.Shape())
			for a := range local {
				local[a] += box.Lo[a]
			}
			ce.Index = local
		}
		return nil, err
	}
	return buf, nil
}

func asCast(err error, ce **block.CastError) bool {
	c, ok := err.(*block.CastError)
	if ok {
		*ce = c
	}
	return ok
}

func sliceAny(data any, start, n int) any {
	switch d := data.(type) {
	case []bool:
		return d[start : start+n]
	case []int8:
		return d[start : start+n]
	case []int16:
		return d[start : start+n]
	case []int32:
		return d[start : start+n]
	case []int64:
		return d[start : start+n]
	case []uint8:
		return d[start : start+n]
	case []uint16:
		return d[start : start+n]
	case []uint32:
		return d[start : start+n]
	case []uint64:
		return d[start : start+n]
	case []float32:
		return d[start : start+n]
	case []float64:
		return d[start : start+n]
	}
	panic("ndarray: invalid buffer")
}

func resize(buf any, n int) any { return sliceAny(buf, 0, n) }

func gatherT[T block.Elem](dst []T, off int, src []T, base, step int64, w int) {
	seg := dst[off : off+w]
	if step == 1 {
		copy(seg, src[base:base+int64(w)])
		return
	}
	if step == 0 {
		v := src[base]
		for j := range seg {
			seg[j] = v
		}
		return
	}
	for j := range seg {
		seg[j] = src[base+int64(j)*step]
	}
}

func gatherAny(dst any, off int, src any, base, step int64, w int) {
	switch d := dst.(type) {
	case []bool:
		gatherT(d, off, src.([]bool), base, step, w)
	case []int8:
		gatherT(d, off, src.([]int8), base, step, w)
	case []int16:
		gatherT(d, off, src.([]int16), base, step, w)
	case []int32:
		gatherT(d, off, src.([]int32), base, step, w)
	case []int64:
		gatherT(d, off, src.([]int64), base, step, w)
	case []uint8:
		gatherT(d, off, src.([]uint8), base, step, w)
	case []uint16:
		gatherT(d, off, src.([]uint16), base, step, w)
	case []uint32:
		gatherT(d, off, src.([]uint32), base, step, w)
	case []uint64:
		gatherT(d, off, src.([]uint64), base, step, w)
	case []float32:
		gatherT(d, off, src.([]float32), base, step, w)
	case []float64:
		gatherT(d, off, src.([]float64), base, step, w)
	}
}

// fusedTask turns the expression of array a into a Kernel for block idx.
func (b *Builder) fusedTask(a *Array, idx []int) (cluster.Task, error) {
	box := a.grid.BlockBox(idx)
	shape := a.grid.Shape()
	k := Kernel{Lo: box.Lo, Hi: box.Hi}
	memo := map[string]int{}
	var inputs []cluster.Key
	inPos := map[cluster.Key]int{}
	var walk func(n *node) (int, error)
	walk = func(n *node) (int, error) {
		if i, ok := memo[n.tok]; ok {
			return i, nil
		}
		ins := Instr{Op: n.op, DType: n.dtype, F: n.f, Seed: n.seed, Pol: n.pol}
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
	scratch := int64(len(k.Prog)) * TileElems * 8
	return cluster.Task{Op: &FusedOp{Kernel: k}, Inputs: inputs, Bytes: outBytes, Scratch: scratch}, nil
}

// KernelFor returns the fused Kernel computing block idx of a and the keys
// of its inputs, adding their tasks to b. Reductions use it to evaluate an
// expression and reduce it tile by tile in one task.
func (b *Builder) KernelFor(a *Array, idx []int) (Kernel, []cluster.Key, error) {
	if a.err != nil {
		return Kernel{}, nil, a.err
	}
	if err := a.grid.CheckIndex(idx); err != nil {
		return Kernel{}, nil, err
	}
	if a.expr == nil {
		// An opaque array is the identity program over its block.
		key, err := b.Key(a, idx)
		if err != nil {
			return Kernel{}, nil, err
		}
		box := a.grid.BlockBox(idx)
		return Kernel{Lo: box.Lo, Hi: box.Hi, Prog: []Instr{{Op: "input", DType: a.dtype, BlockShape: box.Shape()}}}, []cluster.Key{key}, nil
	}
	t, err := b.fusedTask(a, idx)
	if err != nil {
		return Kernel{}, nil, err
	}
	return t.Op.(*FusedOp).Kernel, t.Inputs, nil
}

// GeneratedSum sums the block's values without a tile buffer when the
// program is a single uniform random leaf (generate-and-add in one pass,
// the fastest path for the mean of a random array). It calls add with each
// run's partial sum (at most TileElems values) and returns false, without
// calling add, when the program is anything else.
func (k *Kernel) GeneratedSum(ctx context.Context, add func(sum float64, n int)) (bool, error) {
	if len(k.Prog) != 1 || k.Prog[0].Op != "random" {
		return false, nil
	}
	ins := &k.Prog[0]
	box := k.Box()
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
