package ndarray

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// ErrIndex reports an index outside an axis, or an indexing expression that
// does not fit the array (too many indices, two integer arrays).
var ErrIndex = errors.New("ndarray: index out of range")

// seq is a compact list of positions along one axis: Start + Step*k for k
// in [0, N) when List is nil, else List itself (N == len(List)). It is the
// serialized form of the index lists in a gatherOp.
type seq struct {
	Start int   `json:"s,omitempty"`
	Step  int   `json:"t,omitempty"`
	N     int   `json:"n"`
	List  []int `json:"l,omitempty"`
}

// At returns element k.
func (s seq) At(k int) int {
	if s.List != nil {
		return s.List[k]
	}
	return s.Start + s.Step*k
}

// gatherPiece copies from one input block into the output block: for every
// combination of positions k (one per output axis), out[Dst[d].At(k_d)...]
// = in[src] where source axis SrcAxis[d] takes position Src[d].At(k_d) and
// every source axis no output axis maps to takes Fixed[axis]. SrcAxis[d] is
// -1 for an output axis that is new (Src[d] is then ignored).
type gatherPiece struct {
	In      int   `json:"in"`
	Dst     []seq `json:"dst"`
	Src     []seq `json:"src"`
	SrcAxis []int `json:"axis"`
	Fixed   []int `json:"fixed,omitempty"`
}

// gatherOp builds one output block from pieces of its input blocks: the
// single kernel behind slicing with steps, integer and array indexing,
// new axes, transposes, padding and the halos of MapOverlap. Elements that
// no piece writes hold Fill.
type gatherOp struct {
	DType  block.DType   `json:"dtype"`
	Shape  []int         `json:"shape"`
	Fill   float64       `json:"fill,omitempty"`
	Pieces []gatherPiece `json:"pieces"`
}

func (*gatherOp) Kind() string { return "ndarray.gather" }

// Run allocates the output and copies every piece. Malformed pieces (out of
// range positions, wrong input count) are reported as ErrIndex, never a
// panic.
func (o *gatherOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	out, zeroed, err := newBlock(ctx, o.DType, o.Shape)
	if err != nil {
		return nil, err
	}
	if o.Fill != 0 {
		if err := out.FillChecked(o.Fill); err != nil {
			return nil, err
		}
	} else if !zeroed {
		var covered int64
		for _, p := range o.Pieces {
			n := int64(1)
			for _, q := range p.Dst {
				n *= int64(q.N)
			}
			covered += n
		}
		if covered != chunk.Size(o.Shape) {
			clear(out.Bytes())
		}
	}
	for i, p := range o.Pieces {
		if p.In < 0 || p.In >= len(in) {
			return nil, fmt.Errorf("%w: gather piece %d reads input %d of %d", ErrIndex, i, p.In, len(in))
		}
		src, ok := in[p.In].(*block.Dense)
		if !ok {
			return nil, fmt.Errorf("ndarray.gather: input %d is %T, not a block", p.In, in[p.In])
		}
		if err := copyPiece(out, src, &p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func copyPiece(out, src *block.Dense, p *gatherPiece) error {
	if src.DType() != out.DType() {
		return fmt.Errorf("%w: gather from %s into %s", block.ErrDTypeMismatch, src.DType(), out.DType())
	}
	osh, ssh := out.Shape(), src.Shape() // copies: read them once
	r, sr := len(osh), len(ssh)
	if len(p.Dst) != r || len(p.Src) != r || len(p.SrcAxis) != r || (len(p.Fixed) != sr && len(p.Fixed) != 0) {
		return fmt.Errorf("%w: gather piece ranks do not match blocks %v and %v", ErrIndex, osh, ssh)
	}
	dstr, sstr := chunk.Strides(osh), chunk.Strides(ssh)
	mapped := make([]bool, sr)
	base := 0
	for d := range r {
		if s := p.SrcAxis[d]; s >= 0 {
			if s >= sr || mapped[s] {
				return fmt.Errorf("%w: gather piece maps source axis %d twice or out of rank", ErrIndex, s)
			}
			mapped[s] = true
		}
	}
	for s := range sr {
		if !mapped[s] {
			f := 0
			if len(p.Fixed) > 0 {
				f = p.Fixed[s]
			}
			if f < 0 || f >= ssh[s] {
				return fmt.Errorf("%w: fixed position %d on axis of length %d", ErrIndex, f, ssh[s])
			}
			base += f * sstr[s]
		}
	}
	// Offsets per output axis, checked once.
	doff := make([][]int, r)
	soff := make([][]int, r)
	n := make([]int, r)
	for d := range r {
		n[d] = p.Dst[d].N
		if p.SrcAxis[d] >= 0 && p.Src[d].N != n[d] {
			return fmt.Errorf("%w: gather piece axis %d: %d destinations, %d sources", ErrIndex, d, n[d], p.Src[d].N)
		}
		doff[d] = make([]int, n[d])
		soff[d] = make([]int, n[d])
		for k := range n[d] {
			x := p.Dst[d].At(k)
			if x < 0 || x >= osh[d] {
				return fmt.Errorf("%w: gather destination %d on axis of length %d", ErrIndex, x, osh[d])
			}
			doff[d][k] = x * dstr[d]
			if s := p.SrcAxis[d]; s >= 0 {
				y := p.Src[d].At(k)
				if y < 0 || y >= ssh[s] {
					return fmt.Errorf("%w: gather source %d on axis of length %d", ErrIndex, y, ssh[s])
				}
				soff[d][k] = y * sstr[s]
			}
		}
		if n[d] == 0 {
			return nil
		}
	}
	// The innermost run is contiguous on both sides when the last output
	// axis walks the last source axis with step 1 on both.
	contig := r > 0 && p.SrcAxis[r-1] == sr-1 && p.Dst[r-1].List == nil && p.Dst[r-1].Step == 1 &&
		p.Src[r-1].List == nil && p.Src[r-1].Step == 1
	gatherDense(out, src, base, doff, soff, contig)
	return nil
}

// gatherDense runs gatherND on the blocks' buffers viewed as words of the
// element's width: a gather only moves bit patterns, so one instantiation
// per width (1, 2, 4, 8 bytes) serves all eleven dtypes. The blocks share
// one dtype (the caller checked).
func gatherDense(out, src *block.Dense, base int, doff, soff [][]int, contig bool) {
	if v, ok := out.Data().([]string); ok { // strings move as Go strings, never as bytes
		gatherND(v, src.Data().([]string), base, doff, soff, contig)
		return
	}
	ob, sb := out.Bytes(), src.Bytes()
	switch out.DType().Size() {
	case 16: // complex128: pairs of words
		pairs := func(b []byte) [][2]uint64 {
			if len(b) == 0 {
				return nil
			}
			return unsafe.Slice((*[2]uint64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/16)
		}
		gatherND(pairs(ob), pairs(sb), base, doff, soff, contig)
	case 1:
		gatherND(ob, sb, base, doff, soff, contig)
	case 2:
		gatherND(words[uint16](ob), words[uint16](sb), base, doff, soff, contig)
	case 4:
		gatherND(words[uint32](ob), words[uint32](sb), base, doff, soff, contig)
	case 8:
		gatherND(words[uint64](ob), words[uint64](sb), base, doff, soff, contig)
	default:
		panic(fmt.Sprintf("ndarray: gather of %d-byte elements", out.DType().Size()))
	}
}

// word is an unsigned integer of one element width.
type word interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}

// words views b, the byte view of a block buffer (so aligned for its
// element type), as a slice of W. It shares b's memory.
func words[W word](b []byte) []W {
	var w W
	size := int(unsafe.Sizeof(w))
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*W)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

// gatherND is the reference loop
//
//	for every k in the product of [0, len(doff[d])):
//	    dst[sum_d doff[d][k_d]] = src[base + sum_d soff[d][k_d]]
//
// with the last axis copied as one run when contig.
func gatherND[T any](dst, src []T, base int, doff, soff [][]int, contig bool) {
	r := len(doff)
	if r == 0 {
		dst[0] = src[base]
		return
	}
	last := r - 1
	w := len(doff[last])
	idx := make([]int, last)
	for {
		db, sb := 0, base
		for d := range last {
			db += doff[d][idx[d]]
			sb += soff[d][idx[d]]
		}
		if contig {
			copy(dst[db+doff[last][0]:db+doff[last][0]+w], src[sb+soff[last][0]:sb+soff[last][0]+w])
		} else {
			dl, sl := doff[last], soff[last]
			for k := range w {
				dst[db+dl[k]] = src[sb+sl[k]]
			}
		}
		a := last - 1
		for ; a >= 0; a-- {
			idx[a]++
			if idx[a] < len(doff[a]) {
				break
			}
			idx[a] = 0
		}
		if a < 0 {
			return
		}
	}
}

// mapKind is how an axisMap finds source positions.
type mapKind uint8

const (
	mapAffine mapKind = iota // src = start + k*step
	mapList                  // src = list[k] (-1: fill)
	mapNew                   // a new axis: no source axis
	mapPad                   // src = boundary(k - before) over a source axis of length n
	mapHalo                  // block i is source chunk i widened by dep on each side
)

// axisMap says which global source position every element of one output
// axis reads. It is symbolic — O(1) memory whatever the axis length —
// except for a list the user gave.
type axisMap struct {
	kind        mapKind
	start, step int
	list        []int
	before, n   int
	dep         int
	mode        PadMode
	clip        bool // halo: no halo past the array's edges (BoundaryNone)
}

// run is n consecutive output elements of a block, from dst on, reading
// source positions src + k*step (src < 0: fill).
type run struct{ dst, n, src, step int }

// runs yields the runs of output block i on output axis out (source axis
// in: used by halos); dst positions are relative to the block's start.
func (m *axisMap) runs(out, in chunk.Axis, i int, yield func(run)) {
	o0, o1 := out.Start(i), out.Start(i+1)
	switch m.kind {
	case mapNew:
		yield(run{dst: 0, n: o1 - o0, src: 0, step: 0})
	case mapAffine:
		if o1 > o0 {
			yield(run{dst: 0, n: o1 - o0, src: m.start + o0*m.step, step: m.step})
		}
	case mapList:
		for k := o0; k < o1; k++ {
			if x := m.list[k]; x >= 0 {
				yield(run{dst: k - o0, n: 1, src: x, step: 0})
			}
		}
	case mapPad:
		boundaryRuns(o0-m.before, o1-m.before, m.n, m.mode, func(r run) {
			r.dst -= o0 - m.before
			yield(r)
		})
	case mapHalo:
		lo, hi := in.Start(i), in.Start(i+1)
		from, to := haloRange(lo, hi, m.dep, m.n, m.clip)
		boundaryRuns(from, to, m.n, m.mode, func(r run) {
			r.dst -= from
			yield(r)
		})
	}
}

// haloRange is the source range a halo block reads: the chunk [lo, hi)
// widened by dep, clipped to the array when clip (or the axis is empty).
func haloRange(lo, hi, dep, n int, clip bool) (int, int) {
	from, to := lo-dep, hi+dep
	if clip || n == 0 {
		from, to = max(from, 0), min(to, n)
	}
	return from, to
}

func modFloor(x, p int) int { return ((x % p) + p) % p }

// boundaryRuns yields the positions [from, to) of an axis of length n
// extended by mode (numpy's pad modes) as runs of source positions: the
// interior as one run, each mirrored or wrapped period as another, constant
// fill with src -1. dst is the position x itself. Its cost is in the number
// of periods crossed, not the length.
func boundaryRuns(from, to, n int, mode PadMode, yield func(run)) {
	x := from
	for x < to {
		if x >= 0 && x < n {
			e := min(to, n)
			yield(run{dst: x, n: e - x, src: x, step: 1})
			x = e
			continue
		}
		e := to // end of this run
		if x < 0 {
			e = min(to, 0)
		}
		switch {
		case mode == PadConstant || n == 0:
			yield(run{dst: x, n: e - x, src: -1})
		case mode == PadEdge || n == 1:
			src := 0
			if x >= n {
				src = n - 1
			}
			yield(run{dst: x, n: e - x, src: src, step: 0})
		case mode == PadReflect:
			p := 2 * (n - 1)
			m := modFloor(x, p)
			if m < n {
				e = min(e, x+n-m)
				yield(run{dst: x, n: e - x, src: m, step: 1})
			} else {
				e = min(e, x+p-m)
				yield(run{dst: x, n: e - x, src: p - m, step: -1})
			}
		case mode == PadSymmetric:
			p := 2 * n
			m := modFloor(x, p)
			if m < n {
				e = min(e, x+n-m)
				yield(run{dst: x, n: e - x, src: m, step: 1})
			} else {
				e = min(e, x+p-m)
				yield(run{dst: x, n: e - x, src: p - 1 - m, step: -1})
			}
		default: // PadWrap
			m := modFloor(x, n)
			e = min(e, x+n-m)
			yield(run{dst: x, n: e - x, src: m, step: 1})
		}
		x = e
	}
}

// oindexLayer is the opaque layer behind every orthogonal indexing
// operation. Output axis d reads source axis srcAxis[d] (-1: a new axis of
// length one) through maps[d]. Source axes that no output axis reads stay
// at fixed[axis]. Planning a block costs in the runs and source blocks it
// touches, never in the array's length.
type oindexLayer struct {
	src     *Array
	srcAxis []int
	maps    []axisMap
	fixed   []int
	fill    float64
	slabs   bool // cut small pieces of source blocks into their own tasks
}

// piece is a run of a group: dst and src positions, both arithmetic.
type piece struct{ dst, n, src, step int }

// group is the part of an output block's axis read from one source block.
type group struct {
	blk    int
	pieces []piece
}

// add appends a run, extending the last piece when it continues it.
func (g *group) add(p piece) {
	if k := len(g.pieces); k > 0 {
		q := &g.pieces[k-1]
		s := q.step
		if q.n == 1 {
			s = p.src - q.src
			if p.n > 1 && p.step != s {
				s = p.step
			}
		}
		if q.dst+q.n == p.dst && (p.n == 1 || p.step == s) && q.src+q.n*s == p.src {
			q.n += p.n
			q.step = s
			return
		}
	}
	g.pieces = append(g.pieces, p)
}

// seqs returns the group's dst and src positions as Seqs.
func (g *group) seqs() (seq, seq) {
	if len(g.pieces) == 1 {
		p := g.pieces[0]
		return seq{Start: p.dst, Step: 1, N: p.n}, seq{Start: p.src, Step: p.step, N: p.n}
	}
	var dst, src []int
	for _, p := range g.pieces {
		for k := range p.n {
			dst = append(dst, p.dst+k)
			src = append(src, p.src+k*p.step)
		}
	}
	return seq{N: len(dst), List: dst}, seq{N: len(src), List: src}
}

// axisGroups splits the runs of output block i along output axis d by the
// source blocks they read, in order of first appearance.
func (l *oindexLayer) axisGroups(a *Array, d, i int) []group {
	s := l.srcAxis[d]
	var gs []group
	pos := map[int]int{}
	add := func(blk int, p piece) {
		j, ok := pos[blk]
		if !ok {
			j = len(gs)
			pos[blk] = j
			gs = append(gs, group{blk: blk})
		}
		gs[j].add(p)
	}
	var in chunk.Axis
	if s >= 0 {
		in = l.src.grid.Axis(s)
	}
	l.maps[d].runs(a.grid.Axis(d), in, i, func(r run) {
		if s < 0 {
			add(-1, piece{dst: r.dst, n: r.n, src: 0, step: 0})
			return
		}
		if r.src < 0 {
			return // fill
		}
		if r.step == 0 {
			b := in.Block(r.src)
			add(b, piece{dst: r.dst, n: r.n, src: r.src - in.Start(b), step: 0})
			return
		}
		for k := 0; k < r.n; {
			x := r.src + k*r.step
			b := in.Block(x)
			lo, hi := in.Start(b), in.Start(b+1)
			var e int
			if r.step > 0 {
				e = min(r.n, k+(hi-x+r.step-1)/r.step)
			} else {
				e = min(r.n, k+(x-lo)/(-r.step)+1)
			}
			add(b, piece{dst: r.dst + k, n: e - k, src: x - lo, step: r.step})
			k = e
		}
	})
	return gs
}

// BlockTask groups the output block's positions by the source block they
// fall in, one gatherPiece per combination of source blocks.
func (l *oindexLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	r := len(idx)
	sg := l.src.grid
	groups := make([][]group, r)
	for d := range r {
		groups[d] = l.axisGroups(a, d, idx[d])
	}
	op := &gatherOp{DType: a.dtype, Shape: a.grid.BlockShape(idx), Fill: l.fill}
	var inputs []cluster.Key
	inPos := map[cluster.Key]int{}
	n := make([]int, r)
	for d := range r {
		n[d] = len(groups[d]) // 0 when the axis is empty or all fill
	}
	sidx := make([]int, sg.Rank())
	fixedLocal := make([]int, sg.Rank())
	for combo := range chunk.Indices(n) { // yields nothing when some n[d] is 0
		for s := range sidx {
			if l.fixed != nil && l.fixed[s] >= 0 {
				sidx[s] = sg.AxisBlock(s, l.fixed[s])
				fixedLocal[s] = l.fixed[s] - sg.AxisOffset(s, sidx[s])
			}
		}
		p := gatherPiece{Dst: make([]seq, r), Src: make([]seq, r), SrcAxis: slices.Clone(l.srcAxis)}
		for d := range r {
			g := &groups[d][combo[d]]
			dst, src := g.seqs()
			p.Dst[d] = dst
			if s := l.srcAxis[d]; s >= 0 {
				sidx[s] = g.blk
				p.Src[d] = src
			}
		}
		p.Fixed = slices.Clone(fixedLocal)
		key, err := b.Key(l.src, slices.Clone(sidx)) // layers may keep idx
		if err != nil {
			return cluster.Task{}, err
		}
		if l.slabs {
			key, err = b.slab(l.src, sidx, key, &p)
			if err != nil {
				return cluster.Task{}, err
			}
		}
		j, ok := inPos[key]
		if !ok {
			j = len(inputs)
			inPos[key] = j
			inputs = append(inputs, key)
		}
		p.In = j
		op.Pieces = append(op.Pieces, p)
	}
	bytes := chunk.Size(op.Shape) * int64(a.dtype.Size())
	return cluster.Task{Op: op, Inputs: inputs, Bytes: bytes}, nil
}

// slab replaces a piece's source block by a task that cuts out just the
// box the piece reads, when that box is under half the block: halos then
// depend on thin slabs of their neighbours rather than whole blocks. The
// piece's source positions are rebased onto the slab.
func (b *Builder) slab(src *Array, sidx []int, key cluster.Key, p *gatherPiece) (cluster.Key, error) {
	shape := src.grid.BlockShape(sidx)
	rank := len(shape)
	lo, hi := make([]int, rank), make([]int, rank)
	mapped := make([]bool, rank)
	for d, s := range p.SrcAxis {
		if s < 0 {
			continue
		}
		mapped[s] = true
		q := p.Src[d]
		lo[s], hi[s] = q.At(0), q.At(0)
		for k := range q.N {
			lo[s] = min(lo[s], q.At(k))
			hi[s] = max(hi[s], q.At(k))
		}
		hi[s]++
	}
	for s := range rank {
		if !mapped[s] {
			lo[s], hi[s] = p.Fixed[s], p.Fixed[s]+1
		}
	}
	box := chunk.Box{Lo: lo, Hi: hi}
	if 2*box.Size() >= chunk.Size(shape) {
		return key, nil
	}
	sk := cluster.Key(fmt.Sprintf("%s%v", key, box))
	if !b.g.Has(sk) {
		op := &gatherOp{DType: src.dtype, Shape: box.Shape()}
		q := gatherPiece{Dst: make([]seq, rank), Src: make([]seq, rank), SrcAxis: make([]int, rank)}
		for s := range rank {
			q.SrcAxis[s] = s
			q.Dst[s] = seq{Step: 1, N: hi[s] - lo[s]}
			q.Src[s] = seq{Start: lo[s], Step: 1, N: hi[s] - lo[s]}
		}
		op.Pieces = []gatherPiece{q}
		t := cluster.Task{Key: sk, Op: op, Inputs: []cluster.Key{key}, Bytes: box.Size() * int64(src.dtype.Size())}
		if err := b.g.Add(t); err != nil {
			return "", err
		}
	}
	for d, s := range p.SrcAxis {
		if s < 0 {
			continue
		}
		q := p.Src[d]
		if q.List != nil {
			l := make([]int, q.N)
			for k := range l {
				l[k] = q.List[k] - lo[s]
			}
			p.Src[d] = seq{N: q.N, List: l}
		} else {
			p.Src[d].Start -= lo[s]
		}
	}
	for s := range rank {
		if !mapped[s] {
			p.Fixed[s] = 0
		}
	}
	return sk, nil
}

// newOIndex builds the array on the output axes outAxes, output axis d
// reading source axis srcAxis[d] through maps[d].
func newOIndex(src *Array, token string, srcAxis []int, fixed []int, outAxes []chunk.Axis, maps []axisMap, fill float64) *Array {
	grid, err := chunk.NewGridAxes(outAxes)
	if err != nil {
		return Errored(err)
	}
	l := &oindexLayer{src: src, srcAxis: srcAxis, maps: maps, fixed: fixed, fill: fill}
	return NewArray(src.dtype, grid, token+" "+src.name, l)
}

func init() {
	cluster.Register("ndarray.gather", func() cluster.Op { return &gatherOp{} })
}
