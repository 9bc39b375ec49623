package ndarray

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// ErrIndex reports an index outside an axis, or an indexing expression that
// does not fit the array (too many indices, two integer arrays).
var ErrIndex = errors.New("ndarray: index out of range")

// Seq is a compact list of positions along one axis: Start + Step*k for k
// in [0, N) when List is nil, else List itself (N == len(List)). It is the
// serialized form of the index lists in a GatherOp.
type Seq struct {
	Start int   `json:"s,omitempty"`
	Step  int   `json:"t,omitempty"`
	N     int   `json:"n"`
	List  []int `json:"l,omitempty"`
}

// At returns element k.
func (s Seq) At(k int) int {
	if s.List != nil {
		return s.List[k]
	}
	return s.Start + s.Step*k
}

// seqOf compresses a list into an arithmetic Seq when it is one.
func seqOf(l []int) Seq {
	if len(l) <= 1 {
		if len(l) == 0 {
			return Seq{}
		}
		return Seq{Start: l[0], Step: 1, N: 1}
	}
	step := l[1] - l[0]
	for i := 2; i < len(l); i++ {
		if l[i]-l[i-1] != step {
			return Seq{N: len(l), List: slices.Clone(l)}
		}
	}
	return Seq{Start: l[0], Step: step, N: len(l)}
}

// GatherPiece copies from one input block into the output block: for every
// combination of positions k (one per output axis), out[Dst[d].At(k_d)...]
// = in[src] where source axis SrcAxis[d] takes position Src[d].At(k_d) and
// every source axis no output axis maps to takes Fixed[axis]. SrcAxis[d] is
// -1 for an output axis that is new (Src[d] is then ignored).
type GatherPiece struct {
	In      int   `json:"in"`
	Dst     []Seq `json:"dst"`
	Src     []Seq `json:"src"`
	SrcAxis []int `json:"axis"`
	Fixed   []int `json:"fixed,omitempty"`
}

// GatherOp builds one output block from pieces of its input blocks: the
// single kernel behind slicing with steps, integer and array indexing,
// new axes, transposes, padding and the halos of MapOverlap. Elements that
// no piece writes hold Fill.
type GatherOp struct {
	DType  DType         `json:"dtype"`
	Shape  []int         `json:"shape"`
	Fill   float64       `json:"fill,omitempty"`
	Pieces []GatherPiece `json:"pieces"`
}

func (*GatherOp) Kind() string { return "ndarray.gather" }

// Run allocates the output and copies every piece. Malformed pieces (out of
// range positions, wrong input count) are reported as ErrIndex, never a
// panic.
func (o *GatherOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
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
		src, ok := in[p.In].(*Dense)
		if !ok {
			return nil, fmt.Errorf("ndarray.gather: input %d is %T, not a block", p.In, in[p.In])
		}
		if err := gatherPiece(out, src, &p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func gatherPiece(out, src *Dense, p *GatherPiece) error {
	if src.dtype != out.dtype {
		return fmt.Errorf("%w: gather from %s into %s", ErrDTypeMismatch, src.dtype, out.dtype)
	}
	r, sr := len(out.shape), len(src.shape)
	if len(p.Dst) != r || len(p.Src) != r || len(p.SrcAxis) != r || (len(p.Fixed) != sr && len(p.Fixed) != 0) {
		return fmt.Errorf("%w: gather piece ranks do not match blocks %v and %v", ErrIndex, out.shape, src.shape)
	}
	dstr, sstr := chunk.Strides(out.shape), chunk.Strides(src.shape)
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
			if f < 0 || f >= src.shape[s] {
				return fmt.Errorf("%w: fixed position %d on axis of length %d", ErrIndex, f, src.shape[s])
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
			if x < 0 || x >= out.shape[d] {
				return fmt.Errorf("%w: gather destination %d on axis of length %d", ErrIndex, x, out.shape[d])
			}
			doff[d][k] = x * dstr[d]
			if s := p.SrcAxis[d]; s >= 0 {
				y := p.Src[d].At(k)
				if y < 0 || y >= src.shape[s] {
					return fmt.Errorf("%w: gather source %d on axis of length %d", ErrIndex, y, src.shape[s])
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
	switch o := out.data.(type) {
	case []bool:
		gatherND(o, src.data.([]bool), base, doff, soff, contig)
	case []int8:
		gatherND(o, src.data.([]int8), base, doff, soff, contig)
	case []int16:
		gatherND(o, src.data.([]int16), base, doff, soff, contig)
	case []int32:
		gatherND(o, src.data.([]int32), base, doff, soff, contig)
	case []int64:
		gatherND(o, src.data.([]int64), base, doff, soff, contig)
	case []uint8:
		gatherND(o, src.data.([]uint8), base, doff, soff, contig)
	case []uint16:
		gatherND(o, src.data.([]uint16), base, doff, soff, contig)
	case []uint32:
		gatherND(o, src.data.([]uint32), base, doff, soff, contig)
	case []uint64:
		gatherND(o, src.data.([]uint64), base, doff, soff, contig)
	case []float32:
		gatherND(o, src.data.([]float32), base, doff, soff, contig)
	case []float64:
		gatherND(o, src.data.([]float64), base, doff, soff, contig)
	}
	return nil
}

// gatherND is the reference loop
//
//	for every k in the product of [0, len(doff[d])):
//	    dst[sum_d doff[d][k_d]] = src[base + sum_d soff[d][k_d]]
//
// with the last axis copied as one run when contig.
func gatherND[T Elem](dst, src []T, base int, doff, soff [][]int, contig bool) {
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

// oindexLayer is the opaque layer behind every orthogonal indexing
// operation. Output axis d reads source axis srcAxis[d] (-1: a new axis of
// length one); for output block i along d, index[d][i] lists the global
// source position of each output element (-1: fill). Source axes that no
// output axis reads stay at fixed[axis].
type oindexLayer struct {
	src     *Array
	srcAxis []int
	index   [][][]int // [out axis][out block] -> global source positions
	fixed   []int
	fill    float64
	slabs   bool // cut small pieces of source blocks into their own tasks
}

// BlockTask groups the output block's positions by the source block they
// fall in, one GatherPiece per combination of source blocks.
func (l *oindexLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	r := len(idx)
	sg := l.src.grid
	type group struct {
		blk      int
		dst, src []int
	}
	groups := make([][]group, r)
	for d := range r {
		list := l.index[d][idx[d]]
		s := l.srcAxis[d]
		var gs []group
		pos := map[int]int{}
		for k, x := range list {
			blk, local := -1, 0
			if s >= 0 {
				if x < 0 {
					continue // fill
				}
				blk = sg.AxisBlock(s, x)
				local = x - sg.AxisOffset(s, blk)
			}
			j, ok := pos[blk]
			if !ok {
				j = len(gs)
				pos[blk] = j
				gs = append(gs, group{blk: blk})
			}
			gs[j].dst = append(gs[j].dst, k)
			gs[j].src = append(gs[j].src, local)
		}
		groups[d] = gs
	}
	op := &GatherOp{DType: a.dtype, Shape: a.grid.BlockShape(idx), Fill: l.fill}
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
		p := GatherPiece{Dst: make([]Seq, r), Src: make([]Seq, r), SrcAxis: slices.Clone(l.srcAxis)}
		for d := range r {
			g := groups[d][combo[d]]
			p.Dst[d] = seqOf(g.dst)
			if s := l.srcAxis[d]; s >= 0 {
				sidx[s] = g.blk
				p.Src[d] = seqOf(g.src)
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
func (b *Builder) slab(src *Array, sidx []int, key cluster.Key, p *GatherPiece) (cluster.Key, error) {
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
		op := &GatherOp{DType: src.dtype, Shape: box.Shape()}
		q := GatherPiece{Dst: make([]Seq, rank), Src: make([]Seq, rank), SrcAxis: make([]int, rank)}
		for s := range rank {
			q.SrcAxis[s] = s
			q.Dst[s] = Seq{Step: 1, N: hi[s] - lo[s]}
			q.Src[s] = Seq{Start: lo[s], Step: 1, N: hi[s] - lo[s]}
		}
		op.Pieces = []GatherPiece{q}
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
			p.Src[d] = Seq{N: q.N, List: l}
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

// newOIndex builds the array: outChunks are the output chunk sizes per
// axis; lists[d] is the global source position of every output element
// along d (-1: fill), or nil for a new axis.
func newOIndex(src *Array, token string, srcAxis []int, fixed []int, outChunks [][]int, lists [][]int, fill float64) *Array {
	grid, err := chunk.NewGrid(outChunks)
	if err != nil {
		return Errored(err)
	}
	index := make([][][]int, len(outChunks))
	for d, cs := range outChunks {
		off := 0
		for _, c := range cs {
			if lists[d] == nil { // new axis
				index[d] = append(index[d], make([]int, c))
			} else {
				index[d] = append(index[d], lists[d][off:off+c])
			}
			off += c
		}
	}
	l := &oindexLayer{src: src, srcAxis: srcAxis, index: index, fixed: fixed, fill: fill}
	return NewArray(src.dtype, grid, token+" "+src.name, l)
}

func init() {
	cluster.Register("ndarray.gather", func() cluster.Op { return &GatherOp{} })
}
