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

func init() {
	cluster.Register("reduce.grouppartial", func() cluster.Op { return &groupPartialOp{} })
	cluster.Register("reduce.groupcombine", func() cluster.Op { return &groupCombineOp{} })
	cluster.Register("reduce.groupfinalize", func() cluster.Op { return &groupFinalizeOp{} })
	cluster.RegisterValue("reduce.grouppartial", &groupPartial{})
}

// groupPartial is the running state of a grouped reduction over some
// blocks along the grouped axis: one entry per (group, other position),
// Shape being the block's shape with the grouped axis of length ngroups.
//
//	sum, mean, count  N count, S + C compensated sum
//	var, std          N count, S mean, M2 sum of squared deviations
//	prod              S
//	min, max          S extreme (NaN once seen, unless skipped), N taken
//	first, last       S value, N taken
//	any, all          S as 0 or 1
//
// Its fields are exported for encoding/gob only (value "reduce.grouppartial").
type groupPartial struct {
	Kind    string
	Shape   []int
	N, S, C []float64
	M2      []float64
}

// Nbytes implements cluster.Value.
func (p *groupPartial) Nbytes() int64 { return 8 * int64(len(p.N)+len(p.S)+len(p.C)+len(p.M2)) }

func newGroupPartial(k GroupKind, shape []int) (*groupPartial, error) {
	n, err := checkedProd(shape)
	if err != nil {
		return nil, err
	}
	p := &groupPartial{Kind: string(k), Shape: slices.Clone(shape)}
	fill := func(v float64) []float64 { return slices.Repeat([]float64{v}, n) }
	switch k.gfamily() {
	case "sum":
		p.N, p.S, p.C = fill(0), fill(0), fill(0)
	case "var":
		p.N, p.S, p.M2 = fill(0), fill(0), fill(0)
	case "prod":
		p.S = fill(1)
	case "minmax", "firstlast":
		p.N, p.S = fill(0), fill(math.NaN())
	case "anyall":
		p.S = fill(0)
		if k == GroupAll {
			p.S = fill(1)
		}
	default:
		return nil, fmt.Errorf("reduce: unknown grouped reduction %q", k)
	}
	return p, nil
}

// addSeg folds seg into the consecutive entries o, o+1, ...: the hot
// loops of sums, means and counts, and of variances, without a dispatch
// per element. Within one block a sum adds at most the block's extent
// along the axis in float64 (compensation is applied when partials
// merge), so float32 and float64 spans are added as they are.
func addSeg[T float32 | float64](p *groupPartial, k GroupKind, fam string, o int, seg []T) bool {
	skip := k.skipNaN()
	switch {
	case fam == "sum" && k == GroupCount:
		n := p.N[o : o+len(seg)]
		for j, x := range seg {
			if x == x {
				n[j]++
			}
		}
	case fam == "sum" && skip:
		n, s := p.N[o:o+len(seg)], p.S[o:o+len(seg)]
		for j, x := range seg {
			if x == x {
				n[j]++
				s[j] += float64(x)
			}
		}
	case fam == "sum":
		n, s := p.N[o:o+len(seg)], p.S[o:o+len(seg)]
		for j, x := range seg {
			n[j]++
			s[j] += float64(x)
		}
	case fam == "var":
		n, m, m2 := p.N[o:o+len(seg)], p.S[o:o+len(seg)], p.M2[o:o+len(seg)]
		for j, xv := range seg {
			x := float64(xv)
			if skip && x != x {
				continue
			}
			n[j]++
			d := x - m[j]
			m[j] += d / n[j]
			m2[j] += d * (x - m[j])
		}
	default:
		return false
	}
	return true
}

// add folds value x into entry o; fam is k.gfamily().
func (p *groupPartial) add(k GroupKind, fam string, o int, x float64) {
	nan := x != x
	switch fam {
	case "sum":
		if nan && k.skipNaN() {
			return
		}
		p.N[o]++
		if k != GroupCount {
			neumaier(&p.S[o], &p.C[o], x)
		}
	case "var":
		if nan && k.skipNaN() {
			return
		}
		p.N[o]++
		d := x - p.S[o]
		p.S[o] += d / p.N[o]
		p.M2[o] += d * (x - p.S[o])
	case "prod":
		if nan && k.skipNaN() {
			return
		}
		p.S[o] *= x
	case "minmax":
		if nan && k.skipNaN() {
			return
		}
		cur := p.S[o]
		switch {
		case p.N[o] == 0, nan:
			p.S[o] = x
		case cur != cur:
		case (k == GroupMin || k == GroupNanMin) && x < cur, (k == GroupMax || k == GroupNanMax) && x > cur:
			p.S[o] = x
		}
		p.N[o]++
	case "firstlast":
		if nan && k.skipNaN() {
			return
		}
		if k == GroupLast || k == GroupNanLast || p.N[o] == 0 {
			p.S[o] = x
		}
		p.N[o]++
	case "anyall":
		if k == GroupAny && x != 0 {
			p.S[o] = 1
		}
		if k == GroupAll && x == 0 {
			p.S[o] = 0
		}
	}
}

// merge folds q, which covers positions after p's, into p.
func (p *groupPartial) merge(k GroupKind, q *groupPartial) {
	for o := range p.S {
		switch k.gfamily() {
		case "sum":
			p.N[o] += q.N[o]
			neumaier(&p.S[o], &p.C[o], q.S[o])
			neumaier(&p.S[o], &p.C[o], q.C[o])
		case "var":
			n := p.N[o] + q.N[o]
			if q.N[o] == 0 {
				continue
			}
			d := q.S[o] - p.S[o]
			p.M2[o] += q.M2[o] + d*d*p.N[o]*q.N[o]/n
			p.S[o] += d * q.N[o] / n
			p.N[o] = n
		case "prod":
			p.S[o] *= q.S[o]
		case "minmax":
			if q.N[o] > 0 {
				p.add(k, "minmax", o, q.S[o])
				p.N[o] += q.N[o] - 1
			}
		case "firstlast":
			if q.N[o] > 0 && (p.N[o] == 0 || k == GroupLast || k == GroupNanLast) {
				p.S[o] = q.S[o]
			}
			p.N[o] += q.N[o]
		case "anyall":
			if k == GroupAny {
				p.S[o] = math.Max(p.S[o], q.S[o])
			} else {
				p.S[o] = math.Min(p.S[o], q.S[o])
			}
		}
	}
}

// groupPartialOp folds one block into per-group partials. Codes are the
// group codes of the block's positions along Axis (only this block's).
// Its JSON form is the wire form of the kind "reduce.grouppartial".
type groupPartialOp struct {
	Reduction string
	Kernel    ndarray.FusedBlock
	Axis      int
	NGroups   int
	Codes     []int
}

// Kind implements cluster.Op.
func (*groupPartialOp) Kind() string { return "reduce.grouppartial" }

// Run implements cluster.Op. Malformed params (from the wire) are errors.
func (o *groupPartialOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	k := GroupKind(o.Reduction)
	if k.gfamily() == "" {
		return nil, fmt.Errorf("reduce.grouppartial: unknown reduction %q", o.Reduction)
	}
	if err := o.Kernel.Check(); err != nil {
		return nil, fmt.Errorf("reduce.grouppartial: %w", err)
	}
	bs := o.Kernel.Box().Shape()
	r := len(bs)
	if o.Axis < 0 || o.Axis >= r {
		return nil, fmt.Errorf("reduce.grouppartial: %w: axis %d of a block of rank %d", ErrAxis, o.Axis, r)
	}
	if o.NGroups < 0 || len(o.Codes) != bs[o.Axis] {
		return nil, fmt.Errorf("reduce.grouppartial: %w: %d codes, %d groups for a block of %d along axis %d", ErrGroupCodes, len(o.Codes), o.NGroups, bs[o.Axis], o.Axis)
	}
	for i, c := range o.Codes {
		if c < -1 || c >= o.NGroups {
			return nil, fmt.Errorf("reduce.grouppartial: %w: code %d at block position %d", ErrGroupCodes, c, i)
		}
	}
	ps := slices.Clone(bs)
	ps[o.Axis] = o.NGroups
	p, err := newGroupPartial(k, ps)
	if err != nil {
		return nil, err
	}
	f := &groupFolder{p: p, k: k, fam: k.gfamily(), axis: o.Axis, codes: o.Codes, bs: bs, buf: make([]float64, ndarray.TileElems)}
	f.pstr = make([]int, r)
	acc := 1
	for i := r - 1; i >= 0; i-- {
		f.pstr[i] = acc
		acc *= ps[i]
	}
	f.coord = make([]int, r)
	if err := o.Kernel.Fold(ctx, in, f); err != nil {
		return nil, err
	}
	return p, nil
}

// groupFolder folds spans into a groupPartial.
type groupFolder struct {
	p     *groupPartial
	k     GroupKind
	fam   string
	axis  int
	codes []int
	bs    []int
	pstr  []int
	coord []int
	buf   []float64
}

// Fold implements ndarray.Folder.
func (f *groupFolder) Fold(s *ndarray.Span) error {
	if f.axis != len(f.bs)-1 {
		switch x := s.Values.(type) {
		case []float32:
			if foldTyped(f, s, x) {
				return nil
			}
		case []float64:
			if foldTyped(f, s, x) {
				return nil
			}
		}
	}
	dt, ok := block.SliceDType(s.Values)
	if !ok || !block.CanCast(dt, block.Float64) || dt.IsComplex() {
		return fmt.Errorf("reduce.grouppartial: unsupported span type %T", s.Values)
	}
	v := f.buf[:s.Rows*(s.Col1-s.Col0)]
	block.CastSlice(v, s.Values, block.OverflowClip) // to float64: plain conversion, bool as 0/1
	r := len(f.bs)
	// coordinates of the first row over the axes before the last
	row := s.Row
	for a := r - 2; a >= 0; a-- {
		f.coord[a] = row % f.bs[a]
		row /= f.bs[a]
	}
	w := s.Col1 - s.Col0
	last := r - 1
	for i := range s.Rows {
		if i > 0 {
			for a := r - 2; a >= 0; a-- {
				f.coord[a]++
				if f.coord[a] < f.bs[a] {
					break
				}
				f.coord[a] = 0
			}
		}
		base := 0
		skip := false
		for a := 0; a < last; a++ {
			c := f.coord[a]
			if a == f.axis {
				c = f.codes[c]
				if c < 0 {
					skip = true
					break
				}
			}
			base += c * f.pstr[a]
		}
		if skip {
			continue
		}
		seg := v[i*w : (i+1)*w]
		if f.axis == last {
			for j, x := range seg {
				g := f.codes[s.Col0+j]
				if g >= 0 {
					f.p.add(f.k, f.fam, base+g, x)
				}
			}
			continue
		}
		if !addSeg(f.p, f.k, f.fam, base+s.Col0, seg) {
			for j, x := range seg {
				f.p.add(f.k, f.fam, base+s.Col0+j, x)
			}
		}
	}
	return nil
}

// groupCombineOp merges the partials of consecutive blocks, in order.
type groupCombineOp struct {
	Reduction string
}

// Kind implements cluster.Op.
func (*groupCombineOp) Kind() string { return "reduce.groupcombine" }

func asGroupPartials(k GroupKind, in []cluster.Value) ([]*groupPartial, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("reduce.group: nothing to combine")
	}
	ps := make([]*groupPartial, len(in))
	for i, v := range in {
		p, ok := v.(*groupPartial)
		if !ok {
			return nil, fmt.Errorf("reduce.group: input %d is %T, not a group partial", i, v)
		}
		n, err := checkedProd(p.Shape)
		if err != nil {
			return nil, err
		}
		want := map[string]int{"sum": 3, "var": 3, "prod": 1, "minmax": 2, "firstlast": 2, "anyall": 1}[k.gfamily()]
		have := 0
		for _, s := range [][]float64{p.N, p.S, p.C, p.M2} {
			if s != nil {
				if len(s) != n {
					return nil, fmt.Errorf("reduce.group: malformed partial of shape %v", p.Shape)
				}
				have++
			}
		}
		if p.Kind != string(k) || have != want || len(p.S) != n {
			return nil, fmt.Errorf("reduce.group: partial of %q with %d fields does not fit %q", p.Kind, have, k)
		}
		if i > 0 && !chunk.EqualShape(p.Shape, ps[0].Shape) {
			return nil, fmt.Errorf("reduce.group: partials %v and %v do not match", ps[0].Shape, p.Shape)
		}
		ps[i] = p
	}
	return ps, nil
}

// Run implements cluster.Op.
func (o *groupCombineOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	k := GroupKind(o.Reduction)
	if k.gfamily() == "" {
		return nil, fmt.Errorf("reduce.groupcombine: unknown reduction %q", o.Reduction)
	}
	ps, err := asGroupPartials(k, in)
	if err != nil {
		return nil, err
	}
	f := ps[0]
	out := &groupPartial{Kind: f.Kind, Shape: slices.Clone(f.Shape), N: slices.Clone(f.N), S: slices.Clone(f.S), C: slices.Clone(f.C), M2: slices.Clone(f.M2)}
	for _, p := range ps[1:] {
		out.merge(k, p)
	}
	return out, nil
}

// groupFinalizeOp turns the root partial into the result block.
type groupFinalizeOp struct {
	Reduction string
	DType     block.DType
	DDOF      int
	Shape     []int
}

// Kind implements cluster.Op.
func (*groupFinalizeOp) Kind() string { return "reduce.groupfinalize" }

// Run implements cluster.Op.
func (o *groupFinalizeOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	k := GroupKind(o.Reduction)
	if k.gfamily() == "" {
		return nil, fmt.Errorf("reduce.groupfinalize: unknown reduction %q", o.Reduction)
	}
	if len(in) != 1 {
		return nil, fmt.Errorf("reduce.groupfinalize: %d inputs", len(in))
	}
	ps, err := asGroupPartials(k, in)
	if err != nil {
		return nil, err
	}
	p := ps[0]
	if !chunk.EqualShape(p.Shape, o.Shape) {
		return nil, fmt.Errorf("reduce.groupfinalize: partial %v does not fit %v", p.Shape, o.Shape)
	}
	f := make([]float64, len(p.S))
	for e := range f {
		switch k.gfamily() {
		case "sum":
			switch k {
			case GroupCount:
				f[e] = p.N[e]
			case GroupMean, GroupNanMean:
				f[e] = (p.S[e] + p.C[e]) / p.N[e]
			default:
				f[e] = p.S[e] + p.C[e]
			}
		case "var":
			d := p.N[e] - float64(o.DDOF)
			if d <= 0 {
				f[e] = math.NaN()
				continue
			}
			f[e] = p.M2[e] / d
			if k == GroupStd || k == GroupNanStd {
				f[e] = math.Sqrt(f[e])
			}
		default:
			f[e] = p.S[e]
		}
	}
	if !o.DType.IsFloat() && !o.DType.IsBool() {
		for e, x := range f {
			f[e] = math.Round(x)
		}
	}
	out, err := block.New(o.DType, o.Shape...)
	if err != nil {
		return nil, fmt.Errorf("reduce.groupfinalize: %w", err)
	}
	src, err := block.FromSlice(f, o.Shape...)
	if err != nil {
		return nil, err
	}
	if err := block.CastInto(out, src, block.CastOptions{Overflow: block.OverflowWrap}); err != nil {
		return nil, err
	}
	return out, nil
}

// foldTyped folds a float span straight into the partial when the grouped
// axis is not the last one and the kind has a segment loop; it reports
// false (having done nothing) otherwise.
func foldTyped[T float32 | float64](f *groupFolder, s *ndarray.Span, v []T) bool {
	if f.fam != "sum" && f.fam != "var" {
		return false
	}
	r := len(f.bs)
	row := s.Row
	for a := r - 2; a >= 0; a-- {
		f.coord[a] = row % f.bs[a]
		row /= f.bs[a]
	}
	w := s.Col1 - s.Col0
	for i := range s.Rows {
		if i > 0 {
			for a := r - 2; a >= 0; a-- {
				f.coord[a]++
				if f.coord[a] < f.bs[a] {
					break
				}
				f.coord[a] = 0
			}
		}
		g := f.codes[f.coord[f.axis]]
		if g < 0 {
			continue
		}
		base := 0
		for a := 0; a < r-1; a++ {
			c := f.coord[a]
			if a == f.axis {
				c = g
			}
			base += c * f.pstr[a]
		}
		addSeg(f.p, f.k, f.fam, base+s.Col0, v[i*w:(i+1)*w])
	}
	return true
}
