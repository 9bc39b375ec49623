package reduce

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// partial is the running state of a reduction over part of the input, one
// entry per output element of a block (reduced axes have length 1 in
// Shape). Which fields are used depends on the reduction:
//
//	sum, prod   S (+ C compensation) for floats, I for integers
//	mean, count N count, S + C sum
//	var, std    N count, S mean, M2 sum of squared deviations
//	min, max    S for floats, I for integers; N values taken, C elements seen
//	arg*        S or V the extreme value, I its index; N and C as min/max
//	any, all    S as 0 or 1
//
// Its fields are exported for encoding/gob only: partials move between
// remote workers under the registered value name "reduce.partial".
type partial struct {
	Kind     string
	Shape    []int
	Int      bool // integer accumulation
	Unsigned bool // I and V hold uint64 bits
	Time     bool // datetime64/timedelta64 counts: NaT (MinInt64) propagates through min and max
	N, S, C  []float64
	M2       []float64
	I, V     []int64
}

// Nbytes implements cluster.Value: the memory held.
func (p *partial) Nbytes() int64 {
	return 8 * int64(len(p.N)+len(p.S)+len(p.C)+len(p.M2)+len(p.I)+len(p.V))
}

// newPartial is the identity partial of k over a block of input dtype in.
func newPartial(k kind, shape []int, in block.DType) *partial {
	n := prod(shape)
	p := &partial{Kind: string(k), Shape: shape, Int: in.IsInt() || in.IsBool() || in.IsTime(), Unsigned: in.IsUnsigned(), Time: in.IsTime()}
	fam := k.family()
	if fam == "mean" || fam == "var" || fam == "anyall" {
		p.Int, p.Unsigned = false, false // averaged or tested in float64
	}
	fill := func(v float64) []float64 { return slices.Repeat([]float64{v}, n) }
	ifill := func(v int64) []int64 { return slices.Repeat([]int64{v}, n) }
	switch fam {
	case "sum":
		if p.Int {
			p.I = ifill(0)
		} else {
			p.S, p.C = fill(0), fill(0)
		}
	case "prod":
		if p.Int {
			p.I = ifill(1)
		} else {
			p.S = fill(1)
		}
	case "mean":
		p.N, p.S, p.C = fill(0), fill(0), fill(0)
	case "var":
		p.N, p.S, p.M2 = fill(0), fill(0), fill(0)
	case "minmax", "arg":
		p.N, p.C = fill(0), fill(0)
		if p.Int {
			p.I = ifill(0)
		} else {
			p.S = fill(0)
		}
		if fam == "arg" {
			p.V = p.I
			p.I = ifill(-1)
			if !p.Int {
				p.V = nil
			}
		}
	case "anyall":
		if k == kAll {
			p.S = fill(1)
		} else {
			p.S = fill(0)
		}
	}
	return p
}

// partialOp reduces one block: it folds the block's fused expression,
// tile by tile, into a partial through ndarray's fused-reduction hook
// (ndarray.FusedBlock.Fold). Its JSON form is the wire form of the
// registered kind "reduce.partial".
type partialOp struct {
	Reduction string
	Kernel    ndarray.FusedBlock
	Reduced   []bool
	Shape     []int // the whole input array's shape (for flat arg indices)
}

// Kind implements cluster.Op.
func (o *partialOp) Kind() string { return "reduce.partial" }

// geometry maps span rows to partial positions.
type geometry struct {
	box     chunk.Box
	pstride []int // partial stride per axis (0 on reduced axes)
	gstride []int64
	lastRed bool
	allRed  bool
	argAxis int // -1: flat index
	outer   []int
}

// Run implements cluster.Op: it returns the block's partial.
func (o *partialOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	k := kind(o.Reduction)
	if k.family() == "" {
		return nil, fmt.Errorf("reduce: unknown reduction %q", o.Reduction)
	}
	if err := o.Kernel.Check(); err != nil {
		return nil, fmt.Errorf("reduce.partial: %w", err)
	}
	box := o.Kernel.Box()
	bs := box.Shape()
	r := len(bs)
	if len(o.Reduced) != r {
		return nil, fmt.Errorf("reduce.partial: %d reduced flags for a block of rank %d", len(o.Reduced), r)
	}
	ps := make([]int, r)
	for i := range bs {
		ps[i] = bs[i]
		if o.Reduced[i] {
			ps[i] = 1
		}
	}
	dt := o.Kernel.DType()
	p := newPartial(k, ps, dt)
	g := &geometry{box: box, argAxis: -1}
	g.pstride = make([]int, r)
	acc := 1
	for i := r - 1; i >= 0; i-- {
		if !o.Reduced[i] {
			g.pstride[i] = acc
		}
		acc *= ps[i]
	}
	g.allRed = !slices.Contains(o.Reduced, false)
	nred := 0
	for i, red := range o.Reduced {
		if red {
			nred++
			if k.family() == "arg" {
				g.argAxis = i
			}
		}
	}
	if nred != 1 || r == 1 {
		g.argAxis = -1
	}
	if len(o.Shape) == r {
		g.gstride = make([]int64, r)
		a := int64(1)
		for i := r - 1; i >= 0; i-- {
			g.gstride[i] = a
			a *= int64(o.Shape[i])
		}
	} else if k.family() == "arg" {
		return nil, fmt.Errorf("reduce.partial: array shape %v does not match kernel rank %d", o.Shape, r)
	}
	g.lastRed = r == 0 || o.Reduced[r-1]
	if r > 0 {
		g.outer = bs[:r-1]
	}
	var bk *blocked
	if !g.allRed && !g.lastRed && (k == kSum || k == kNanSum || k == kMean || k == kNanMean) && !p.Int && blockable(dt) {
		bk = newBlocked(p, ps[r-1], k, dt)
	}
	var f ndarray.Folder = newFolder(p, k, g, dt, bk)
	if g.allRed && (k == kSum || k == kNanSum || k == kMean || k == kNanMean) && !p.Int {
		f = sumFolder{f, p}
	}
	if err := o.Kernel.Fold(ctx, in, f); err != nil {
		return nil, err
	}
	bk.flushAll()
	return p, nil
}

// sumFolder upgrades a folder of a float sum or mean over every axis to an
// ndarray.SumFolder, so that random blocks take the generate-and-add path.
type sumFolder struct {
	ndarray.Folder
	p *partial
}

// FoldSum implements ndarray.SumFolder.
func (f sumFolder) FoldSum(s float64, n int) {
	neumaier(&f.p.S[0], &f.p.C[0], s)
	if f.p.N != nil {
		f.p.N[0] += float64(n)
	}
}

// folder folds spans of element type T into a partial.
type folder[T block.Number] struct {
	p  *partial
	k  kind
	g  *geometry
	bk *blocked // nil: no blocked accumulation
}

// Fold implements ndarray.Folder.
func (f *folder[T]) Fold(s *ndarray.Span) error {
	accumTile(f.p, f.k, f.g, f.bk, s, s.Values.([]T))
	return nil
}

// boolFolder folds bool spans as 0 and 1, converted in a buffer it reuses.
type boolFolder struct {
	folder[uint8]
	u []uint8
}

// Fold implements ndarray.Folder.
func (f *boolFolder) Fold(s *ndarray.Span) error {
	v := s.Values.([]bool)
	u := f.u[:len(v)]
	for i, b := range v {
		u[i] = 0
		if b {
			u[i] = 1
		}
	}
	accumTile(f.p, f.k, f.g, f.bk, s, u)
	return nil
}

// newFolder returns the folder of blocks of dtype dt; bk, when not nil,
// takes the per-element sums of the kept-last-axis path.
func newFolder(p *partial, k kind, g *geometry, dt block.DType, bk *blocked) ndarray.Folder {
	switch dt {
	case block.Bool:
		return &boolFolder{folder[uint8]{p, k, g, bk}, make([]uint8, ndarray.TileElems)}
	case block.Int8:
		return &folder[int8]{p, k, g, bk}
	case block.Int16:
		return &folder[int16]{p, k, g, bk}
	case block.Int32:
		return &folder[int32]{p, k, g, bk}
	case block.Int64:
		return &folder[int64]{p, k, g, bk}
	case block.Uint8:
		return &folder[uint8]{p, k, g, bk}
	case block.Uint16:
		return &folder[uint16]{p, k, g, bk}
	case block.Uint32:
		return &folder[uint32]{p, k, g, bk}
	case block.Uint64:
		return &folder[uint64]{p, k, g, bk}
	case block.Float32:
		return &folder[float32]{p, k, g, bk}
	}
	if dt.IsTime() {
		return &folder[int64]{p, k, g, bk} // int64 counts
	}
	return &folder[float64]{p, k, g, bk}
}

// accumTile folds one span into the partial, row segment by row segment.
func accumTile[T block.Number](p *partial, k kind, g *geometry, bk *blocked, t *ndarray.Span, d []T) {
	fam := k.family()
	if g.allRed && fam != "arg" {
		accumSeg(p, k, 0, d)
		return
	}
	w := t.Col1 - t.Col0
	r := len(g.box.Lo)
	var odoBuf [8]int // no allocation per span up to rank 9
	odo := odoBuf[:0]
	if len(g.outer) > len(odoBuf) {
		odo = make([]int, 0, len(g.outer))
	}
	odo = odo[:len(g.outer)]
	row := t.Row
	for a := len(g.outer) - 1; a >= 0; a-- {
		odo[a] = row % g.outer[a]
		row /= g.outer[a]
	}
	for i := range t.Rows {
		seg := d[i*w : i*w+w]
		base := 0
		for a, o := range odo {
			base += o * g.pstride[a]
		}
		if fam == "arg" {
			// global index of the segment's first element and the step
			var gi, step int64
			if g.argAxis < 0 {
				for a, o := range odo {
					gi += int64(g.box.Lo[a]+o) * g.gstride[a]
				}
				if r > 0 {
					gi += int64(g.box.Lo[r-1]+t.Col0) * g.gstride[r-1]
					step = g.gstride[r-1]
				}
			} else if g.argAxis == r-1 {
				gi, step = int64(g.box.Lo[r-1]+t.Col0), 1
			} else {
				gi = int64(g.box.Lo[g.argAxis] + odo[g.argAxis])
			}
			if g.lastRed {
				accumArg(p, k, base, seg, gi, step, false)
			} else {
				accumArg(p, k, base+t.Col0, seg, gi, 0, true)
			}
		} else if g.lastRed {
			accumSeg(p, k, base, seg)
		} else if bk != nil {
			blockedAdd(bk, base, t.Col0, seg)
		} else {
			accumElems(p, k, base+t.Col0, seg)
		}
		for a := len(g.outer) - 1; a >= 0; a-- {
			odo[a]++
			if odo[a] < g.outer[a] {
				break
			}
			odo[a] = 0
		}
	}
}

// neumaier adds x to the compensated sum (s, c).
func neumaier(s, c *float64, x float64) {
	t := *s + x
	if math.Abs(*s) >= math.Abs(x) {
		*c += (*s - t) + x
	} else {
		*c += (x - t) + *s
	}
	*s = t
}

// sum8 adds a segment with eight interleaved accumulators.
func sum8[T block.Number](s []T) float64 {
	var a0, a1, a2, a3, a4, a5, a6, a7 float64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8 : i+8]
		a0 += float64(b[0])
		a1 += float64(b[1])
		a2 += float64(b[2])
		a3 += float64(b[3])
		a4 += float64(b[4])
		a5 += float64(b[5])
		a6 += float64(b[6])
		a7 += float64(b[7])
	}
	for ; i < len(s); i++ {
		a0 += float64(s[i])
	}
	return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

// nansum8 is sum8 skipping NaN; it also returns the count of non-NaN values.
func nansum8[T block.Number](s []T) (float64, int) {
	var a0, a1, a2, a3 float64
	var n0, n1, n2, n3 int
	i := 0
	for ; i+4 <= len(s); i += 4 {
		b := s[i : i+4 : i+4]
		if x := float64(b[0]); x == x {
			a0 += x
			n0++
		}
		if x := float64(b[1]); x == x {
			a1 += x
			n1++
		}
		if x := float64(b[2]); x == x {
			a2 += x
			n2++
		}
		if x := float64(b[3]); x == x {
			a3 += x
			n3++
		}
	}
	for ; i < len(s); i++ {
		if x := float64(s[i]); x == x {
			a0 += x
			n0++
		}
	}
	return (a0 + a1) + (a2 + a3), n0 + n1 + n2 + n3
}

func isFloat[T block.Number]() bool {
	var z T
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

// accumSeg folds a segment whose elements all belong to partial entry o.
func accumSeg[T block.Number](p *partial, k kind, o int, seg []T) {
	switch k.family() {
	case "sum":
		if p.Int {
			var s int64
			for _, x := range seg {
				s += toI64(x, p.Unsigned)
			}
			p.I[o] += s
			return
		}
		var s float64
		if k.skipNaN() {
			s, _ = nansum8(seg)
		} else {
			s = sum8(seg)
		}
		neumaier(&p.S[o], &p.C[o], s)
	case "prod":
		if p.Int {
			v := p.I[o]
			for _, x := range seg {
				v *= toI64(x, p.Unsigned)
			}
			p.I[o] = v
			return
		}
		v := p.S[o]
		for _, x := range seg {
			f := float64(x)
			if f != f && k.skipNaN() {
				continue
			}
			v *= f
		}
		p.S[o] = v
	case "mean":
		var s float64
		n := len(seg)
		if (k.skipNaN() || k == kNanCount) && isFloat[T]() {
			s, n = nansum8(seg)
		} else if k != kCount {
			s = sum8(seg)
		}
		p.N[o] += float64(n)
		neumaier(&p.S[o], &p.C[o], s)
	case "var":
		var s float64
		n := len(seg)
		if k.skipNaN() && isFloat[T]() {
			s, n = nansum8(seg)
		} else {
			s = sum8(seg)
		}
		if n == 0 {
			return
		}
		m := s / float64(n)
		var m2 float64
		for _, x := range seg {
			f := float64(x)
			if f != f && k.skipNaN() {
				continue
			}
			d := f - m
			m2 += d * d
		}
		chanMerge(p, o, float64(n), m, m2)
	case "minmax":
		accumMinMax(p, k, o, seg)
	case "anyall":
		for _, x := range seg {
			if k == kAny && x != 0 {
				p.S[o] = 1
				return
			}
			if k == kAll && x == 0 {
				p.S[o] = 0
				return
			}
		}
	}
}

// chanMerge merges (n, mean, m2) into entry o (Chan et al.).
func chanMerge(p *partial, o int, n, m, m2 float64) {
	na := p.N[o]
	if na == 0 {
		p.N[o], p.S[o], p.M2[o] = n, m, m2
		return
	}
	nt := na + n
	d := m - p.S[o]
	p.S[o] += d * n / nt
	p.M2[o] += m2 + d*d*na*n/nt
	p.N[o] = nt
}

func toI64[T block.Number](x T, unsigned bool) int64 {
	if unsigned {
		return int64(uint64(x))
	}
	return int64(x)
}

func accumMinMax[T block.Number](p *partial, k kind, o int, seg []T) {
	isMax := k.isMax()
	p.C[o] += float64(len(seg))
	if p.Int {
		for _, x := range seg {
			v := toI64(x, p.Unsigned)
			if p.N[o] == 0 || betterMinMax(p, v, p.I[o], isMax) {
				p.I[o] = v
			}
			p.N[o]++
		}
		return
	}
	s := p.S[o]
	n := p.N[o]
	for _, x := range seg {
		f := float64(x)
		if f != f {
			if k.skipNaN() {
				continue
			}
			s = f // NaN propagates and sticks
			n++
			continue
		}
		if n == 0 || (s == s && ((isMax && f > s) || (!isMax && f < s))) {
			s = f
		}
		n++
	}
	p.S[o], p.N[o] = s, n
}

// betterMinMax is better for min and max, with numpy's NaT rule for
// datetimes: a NaT, once seen, is the result.
func betterMinMax(p *partial, v, cur int64, isMax bool) bool {
	if p.Time {
		if cur == block.NaT {
			return false
		}
		if v == block.NaT {
			return true
		}
	}
	return better(v, cur, isMax, p.Unsigned)
}

func better(v, cur int64, isMax, unsigned bool) bool {
	if unsigned {
		if isMax {
			return uint64(v) > uint64(cur)
		}
		return uint64(v) < uint64(cur)
	}
	if isMax {
		return v > cur
	}
	return v < cur
}

// accumElems folds a segment element-wise into entries o, o+1, ... (the
// last axis is kept).
func accumElems[T block.Number](p *partial, k kind, o int, seg []T) {
	switch k.family() {
	case "sum":
		if p.Int {
			for j, x := range seg {
				p.I[o+j] += toI64(x, p.Unsigned)
			}
			return
		}
		S, C := p.S[o:o+len(seg)], p.C[o:o+len(seg)]
		skip := k.skipNaN()
		for j, x := range seg {
			f := float64(x)
			if f != f && skip {
				continue
			}
			S[j], C[j] = twoSum(S[j], C[j], f) // Neumaier's exact error term, branch-free
		}
	case "prod":
		for j, x := range seg {
			if p.Int {
				p.I[o+j] *= toI64(x, p.Unsigned)
				continue
			}
			f := float64(x)
			if f != f && k.skipNaN() {
				continue
			}
			p.S[o+j] *= f
		}
	case "mean":
		skip := k.skipNaN() || k == kNanCount
		count := k == kCount || k == kNanCount
		for j, x := range seg {
			f := float64(x)
			if f != f && skip {
				continue
			}
			p.N[o+j]++
			if !count {
				p.S[o+j], p.C[o+j] = twoSum(p.S[o+j], p.C[o+j], f)
			}
		}
	case "var":
		for j, x := range seg {
			f := float64(x)
			if f != f && k.skipNaN() {
				continue
			}
			// Welford update
			e := o + j
			p.N[e]++
			d := f - p.S[e]
			p.S[e] += d / p.N[e]
			p.M2[e] += d * (f - p.S[e])
		}
	case "minmax":
		for j := range seg {
			accumMinMax(p, k, o+j, seg[j:j+1])
		}
	case "anyall":
		for j, x := range seg {
			if k == kAny && x != 0 {
				p.S[o+j] = 1
			}
			if k == kAll && x == 0 {
				p.S[o+j] = 0
			}
		}
	}
}

// accumArg folds values with their global indices: element j has index
// gi + j*step. With perElem, element j goes to entry o+j (and all share gi).
func accumArg[T block.Number](p *partial, k kind, o int, seg []T, gi, step int64, perElem bool) {
	isMax := k.isMax()
	for j, x := range seg {
		e, idx := o, gi+int64(j)*step
		if perElem {
			e, idx = o+j, gi
		}
		p.C[e]++
		if p.Int {
			v := toI64(x, p.Unsigned)
			if p.N[e] == 0 || better(v, p.V[e], isMax, p.Unsigned) {
				p.V[e], p.I[e] = v, idx
			}
			p.N[e]++
			continue
		}
		f := float64(x)
		cur := p.S[e]
		switch {
		case f != f:
			if k.skipNaN() {
				continue
			}
			if p.N[e] == 0 || cur == cur { // first NaN wins
				p.S[e], p.I[e] = f, idx
			}
		case p.N[e] == 0:
			p.S[e], p.I[e] = f, idx
		case cur != cur:
			// a NaN already won
		case (isMax && f > cur) || (!isMax && f < cur):
			p.S[e], p.I[e] = f, idx
		}
		p.N[e]++
	}
}
