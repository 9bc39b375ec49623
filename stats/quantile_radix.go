package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// Radix selection, the plan of Quantiles when a slice does not fit the
// budget. Every value maps to a w-bit key whose unsigned order is the
// value order (keyOf); each pass counts one more byte of the keys inside
// the bracket of every order statistic, per output element.

const (
	radixBits  = 8
	radixBins  = 1 << radixBits
	radixSplit = 8 // partials one sum task adds
)

func init() {
	cluster.Register("stats.radixhist", func() cluster.Op { return &radixHistOp{} })
	cluster.Register("stats.radixsum", func() cluster.Op { return &radixSumOp{} })
	cluster.Register("stats.radixstep", func() cluster.Op { return &radixStepOp{} })
	cluster.Register("stats.radixfinal", func() cluster.Op { return &radixFinalOp{} })
}

// radixState is the per-output-element state after a pass, in an int64
// block of m*(2+2S) values: the count of non-NaN values, the count of NaN,
// then per order statistic its key prefix and its rank among the values
// inside the prefix's bracket (-1: not needed, the result is NaN).
func stateWidth(nq int) int { return 2 + 4*nq }

// radixPlan builds the multi-pass plan.
func radixPlan(fn string, a *ndarray.Array, p qParams, lay qLayout, mem int64) *ndarray.Array {
	g := a.Grid()
	rank := a.Rank()
	S := 2 * len(p.Q)
	perElem := int64(max(radixBins+1, S*radixBins)) * 8
	m := max(mem/(20*perElem), 1)
	sizes := make([]int, rank)
	for i := range rank {
		if !lay.reduced[i] {
			sizes[i] = max(g.Axis(i).MaxSize(), 1)
		}
	}
	for {
		e := int64(1)
		for i, s := range sizes {
			if !lay.reduced[i] {
				e *= int64(s)
			}
		}
		if e <= m {
			break
		}
		big := -1
		for i, s := range sizes {
			if !lay.reduced[i] && (big < 0 || s > sizes[big]) {
				big = i
			}
		}
		sizes[big] = (sizes[big] + 1) / 2
	}
	kept := make([]chunk.Axis, rank)
	for i := range rank {
		if lay.reduced[i] {
			continue
		}
		ax := g.Axis(i)
		reg, err := chunk.RegularAxis(ax.Len(), sizes[i])
		if err != nil {
			return ndarray.Errored(fmt.Errorf("stats.%s: %w", fn, err))
		}
		if kept[i], err = ax.Refine(reg); err != nil {
			return ndarray.Errored(fmt.Errorf("stats.%s: %w", fn, err))
		}
	}
	axes, err := lay.outAxes(kept)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w", fn, err))
	}
	og, err := chunk.NewGridAxes(axes)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w", fn, err))
	}
	pj, _ := json.Marshal(p)
	tok := ndarray.Token("stats.radix", a.Name(), string(pj), fmt.Sprint(lay, mem))
	return ndarray.NewArray(p.Out, og, tok, &radixLayer{src: a, p: p, lay: lay, kept: kept, token: tok, passes: 8 * p.In.Size() / radixBits})
}

// radixLayer plans, per output block, the passes over its kept region.
type radixLayer struct {
	src    *ndarray.Array
	p      qParams
	lay    qLayout
	kept   []chunk.Axis // per input axis; zero on reduced axes
	token  string
	passes int
}

func (l *radixLayer) Inputs() []*ndarray.Array { return []*ndarray.Array{l.src} }

// Tasks counts, per output block, every pass's histogram, sum and step
// tasks plus the final one.
func (l *radixLayer) Tasks(a *ndarray.Array) int64 {
	J := int64(1)
	for i, r := range l.lay.reduced {
		if r {
			J *= int64(l.src.Grid().Axis(i).NumChunks())
		}
	}
	per := J + (J+radixSplit-2)/(radixSplit-1) + 1
	blocks := int64(1)
	for _, n := range a.Grid().NumBlocks() {
		blocks *= int64(n)
	}
	return blocks * (int64(l.passes)*per + 1)
}

// region is the kept box of state block sidx (per input axis; reduced
// axes whole) and the index of the input block holding it on kept axes.
func (l *radixLayer) region(sidx []int) (lo, hi, inIdx []int) {
	g := l.src.Grid()
	rank := len(sidx)
	lo, hi, inIdx = make([]int, rank), make([]int, rank), make([]int, rank)
	for i := range rank {
		if l.lay.reduced[i] {
			lo[i], hi[i] = 0, g.Axis(i).Len()
			continue
		}
		lo[i] = l.kept[i].Start(sidx[i])
		hi[i] = lo[i] + l.kept[i].Size(sidx[i])
		inIdx[i] = g.Axis(i).Block(lo[i])
	}
	return
}

func (l *radixLayer) BlockTask(b *ndarray.Builder, out *ndarray.Array, oidx []int) (cluster.Task, error) {
	sidx := l.lay.keptIndex(oidx)
	J := 1
	for i, r := range l.lay.reduced {
		if r {
			J *= l.src.Grid().Axis(i).NumChunks()
		}
	}
	if err := b.Reserve(l.passes*(J+J/(radixSplit-1)+2)+1, fmt.Sprintf("stats radix quantile of %s (shape %v)", l.src.Name(), l.src.Shape())); err != nil {
		return cluster.Task{}, err
	}
	st, err := l.stateKey(b, l.passes, sidx)
	if err != nil {
		return cluster.Task{}, err
	}
	oshape := out.Grid().BlockShape(oidx)
	return cluster.Task{
		Op:     &radixFinalOp{Params: l.p, Shape: oshape},
		Inputs: []cluster.Key{st},
		Bytes:  chunk.Size(oshape) * int64(l.p.Out.Size()),
	}, nil
}

func idxString(idx []int) string {
	var sb strings.Builder
	for i, x := range idx {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprint(&sb, x)
	}
	return sb.String()
}

// stateKey adds the step task of pass p for state block sidx (and
// everything it needs) and returns its key.
func (l *radixLayer) stateKey(b *ndarray.Builder, pass int, sidx []int) (cluster.Key, error) {
	key := cluster.Key(fmt.Sprintf("%s-state%d(%s)", l.token, pass, idxString(sidx)))
	g := b.Graph()
	if g.Has(key) {
		return key, nil
	}
	var prev cluster.Key
	if pass > 1 {
		var err error
		if prev, err = l.stateKey(b, pass-1, sidx); err != nil {
			return "", err
		}
	}
	lo, hi, inIdx := l.region(sidx)
	rank := len(sidx)
	m := int64(1)
	for i := range rank {
		if !l.lay.reduced[i] {
			m *= int64(hi[i] - lo[i])
		}
	}
	S := 2 * len(l.p.Q)
	bins := int64(S * radixBins)
	if pass == 1 {
		bins = radixBins + 1
	}
	// one histogram per input block along the reduced axes
	src := l.src.Grid()
	var hists []cluster.Key
	var redAxes []int
	var redCounts []int
	for i := range rank {
		if l.lay.reduced[i] {
			redAxes = append(redAxes, i)
			redCounts = append(redCounts, src.Axis(i).NumChunks())
		}
	}
	for j := range chunk.Indices(redCounts) {
		bidx := append([]int(nil), inIdx...)
		for k, ax := range redAxes {
			bidx[ax] = j[k]
		}
		in, err := b.Key(l.src, bidx)
		if err != nil {
			return "", err
		}
		if pass > 1 {
			in = cloneSource(g, in, fmt.Sprintf("~radix%d", pass), 4)
		}
		box := src.BlockBox(bidx)
		sub := chunk.Box{Lo: make([]int, rank), Hi: make([]int, rank)}
		for i := range rank {
			if l.lay.reduced[i] {
				sub.Lo[i], sub.Hi[i] = 0, box.Hi[i]-box.Lo[i]
			} else {
				sub.Lo[i], sub.Hi[i] = lo[i]-box.Lo[i], hi[i]-box.Lo[i]
			}
		}
		hk := cluster.Key(fmt.Sprintf("%s-hist%d(%s|%s)", l.token, pass, idxString(sidx), idxString(bidx)))
		inputs := []cluster.Key{in}
		if pass > 1 {
			inputs = append(inputs, prev)
		}
		t := cluster.Task{Key: hk, Op: &radixHistOp{Params: l.p, Pass: pass, Reduced: l.lay.reduced, Sub: sub}, Inputs: inputs, Bytes: m * bins * 8}
		if !g.Has(hk) {
			if err := g.Add(t); err != nil {
				return "", err
			}
		}
		hists = append(hists, hk)
	}
	// sum tree
	for level := 0; len(hists) > 1; level++ {
		var next []cluster.Key
		for i := 0; i < len(hists); i += radixSplit {
			grp := hists[i:min(i+radixSplit, len(hists))]
			if len(grp) == 1 {
				next = append(next, grp[0])
				continue
			}
			sk := cluster.Key(fmt.Sprintf("%s-sum%d.%d.%d(%s)", l.token, pass, level, i, idxString(sidx)))
			if !g.Has(sk) {
				if err := g.Add(cluster.Task{Key: sk, Op: &radixSumOp{}, Inputs: append([]cluster.Key(nil), grp...), Bytes: m * bins * 8}); err != nil {
					return "", err
				}
			}
			next = append(next, sk)
		}
		hists = next
	}
	inputs := []cluster.Key{hists[0]}
	if pass > 1 {
		inputs = append(inputs, prev)
	}
	t := cluster.Task{Key: key, Op: &radixStepOp{Params: l.p, Pass: pass, M: int(m)}, Inputs: inputs, Bytes: m * int64(stateWidth(len(l.p.Q))) * 8}
	return key, g.Add(t)
}

// cloneSource returns a key computing the same value as key under a new
// name, so a later pass reads its source afresh instead of the executor
// holding every source block between passes: the task is copied when it
// and (up to depth levels) its inputs are copies too; otherwise key.
func cloneSource(g *cluster.Graph, key cluster.Key, suffix string, depth int) cluster.Key {
	t, ok := g.Task(key)
	if !ok || depth == 0 {
		return key
	}
	nk := key + cluster.Key(suffix)
	if g.Has(nk) {
		return nk
	}
	inputs := make([]cluster.Key, len(t.Inputs))
	for i, in := range t.Inputs {
		c := cloneSource(g, in, suffix, depth-1)
		if c == in {
			return key
		}
		inputs[i] = c
	}
	c := *t
	c.Key, c.Inputs = nk, inputs
	if err := g.Add(c); err != nil {
		return key
	}
	return nk
}

// radixHistOp counts, for the kept sub-box Sub of its input block, the
// next byte of the keys of each output element's values: pass 1 into 256
// bins plus a NaN count per element, later passes into 256 bins per order
// statistic, for the values inside the statistic's bracket (the state
// from the previous pass, the op's second input).
type radixHistOp struct {
	Params  qParams
	Pass    int
	Reduced []bool
	Sub     chunk.Box
}

// Kind is "stats.radixhist".
func (*radixHistOp) Kind() string { return "stats.radixhist" }

func (o *radixHistOp) check() error {
	if err := o.Params.check(); err != nil {
		return fmt.Errorf("stats.radixhist: %w", err)
	}
	if w := 8 * o.Params.In.Size() / radixBits; o.Pass < 1 || o.Pass > w {
		return fmt.Errorf("stats.radixhist: pass %d outside 1..%d", o.Pass, w)
	}
	if len(o.Sub.Lo) != len(o.Reduced) || len(o.Sub.Hi) != len(o.Reduced) {
		return fmt.Errorf("stats.radixhist: %w: box %v for rank %d", block.ErrShape, o.Sub, len(o.Reduced))
	}
	for i := range o.Sub.Lo {
		if o.Sub.Lo[i] < 0 || o.Sub.Hi[i] < o.Sub.Lo[i] {
			return fmt.Errorf("stats.radixhist: %w: box %v", block.ErrShape, o.Sub)
		}
	}
	return nil
}

// UnmarshalJSON decodes the op and rejects malformed params.
func (o *radixHistOp) UnmarshalJSON(b []byte) error {
	type plain radixHistOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	return o.check()
}

func (o *radixHistOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	want := 1
	if o.Pass > 1 {
		want = 2
	}
	if len(in) != want {
		return nil, fmt.Errorf("stats.radixhist: %d inputs, want %d", len(in), want)
	}
	d, ok := in[0].(*block.Dense)
	if !ok || d.DType() != o.Params.In || d.Rank() != len(o.Reduced) {
		return nil, fmt.Errorf("stats.radixhist: input %T is not a %v block of rank %d", in[0], o.Params.In, len(o.Reduced))
	}
	for i, n := range d.Shape() {
		if o.Sub.Hi[i] > n {
			return nil, fmt.Errorf("stats.radixhist: %w: box %v outside block %v", block.ErrShape, o.Sub, d.Shape())
		}
	}
	roff := boxOffsets(d.Shape(), o.Sub.Lo, o.Sub.Hi, o.Reduced, true)
	koff := boxOffsets(d.Shape(), o.Sub.Lo, o.Sub.Hi, o.Reduced, false)
	m := len(koff)
	S := 2 * len(o.Params.Q)
	var state []int64
	if o.Pass > 1 {
		s, ok := in[1].(*block.Dense)
		if !ok || s.DType() != block.Int64 || s.Len() != m*stateWidth(len(o.Params.Q)) {
			return nil, fmt.Errorf("stats.radixhist: state %T does not hold %d elements", in[1], m)
		}
		state = s.Data().([]int64)
	}
	width := radixBins + 1
	if o.Pass > 1 {
		width = S * radixBins
	}
	out, err := ndarray.Alloc(ctx, block.Int64, m*width)
	if err != nil {
		return nil, err
	}
	h := out.Data().([]int64)
	clear(h)
	w := 8 * o.Params.In.Size()
	switch x := d.Data().(type) {
	case []int8:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []int16:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []int32:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []int64:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []uint8:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []uint16:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []uint32:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []uint64:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []float32:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	case []float64:
		histBlock(x, roff, koff, state, h, o.Pass, w, S)
	default:
		return nil, fmt.Errorf("stats.radixhist: %w: %T", ErrDType, x)
	}
	return out, ctx.Err()
}

func histBlock[T number](data []T, roff, koff []int, state, h []int64, pass, w, S int) {
	var z T
	float := isFloatT(z)
	sw := 2 + 2*S
	shift := uint(w - radixBits*pass)
	for e, base := range koff {
		if pass == 1 {
			bins := h[e*(radixBins+1) : (e+1)*(radixBins+1)]
			for _, r := range roff {
				v := data[base+r]
				if float && v != v {
					bins[radixBins]++
					continue
				}
				bins[keyOf(v)>>shift]++
			}
			continue
		}
		st := state[e*sw : (e+1)*sw]
		bins := h[e*S*radixBins : (e+1)*S*radixBins]
		hiShift := shift + radixBits
		for _, r := range roff {
			v := data[base+r]
			if float && v != v {
				continue
			}
			k := keyOf(v)
			for s := range S {
				if st[2+2*s+1] < 0 {
					continue
				}
				if k>>hiShift == uint64(st[2+2*s])>>hiShift {
					bins[s*radixBins+int(k>>shift&(radixBins-1))]++
				}
			}
		}
	}
}

// radixSumOp adds int64 partials of one length elementwise.
type radixSumOp struct{}

// Kind is "stats.radixsum".
func (*radixSumOp) Kind() string { return "stats.radixsum" }

func (*radixSumOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("stats.radixsum: no input")
	}
	var n int
	for i, v := range in {
		d, ok := v.(*block.Dense)
		if !ok || d.DType() != block.Int64 || (i > 0 && d.Len() != n) {
			return nil, fmt.Errorf("stats.radixsum: input %d is not an int64 block of %d", i, n)
		}
		n = d.Len()
	}
	out, err := ndarray.Alloc(ctx, block.Int64, n)
	if err != nil {
		return nil, err
	}
	s := out.Data().([]int64)
	copy(s, in[0].(*block.Dense).Data().([]int64))
	for _, v := range in[1:] {
		for i, x := range v.(*block.Dense).Data().([]int64) {
			s[i] += x
		}
	}
	return out, nil
}

// radixStepOp narrows every order statistic's bracket by one byte from
// the summed histograms of a pass (pass 1 also plans the statistics from
// the counts).
type radixStepOp struct {
	Params qParams
	Pass   int
	M      int // output elements
}

// Kind is "stats.radixstep".
func (*radixStepOp) Kind() string { return "stats.radixstep" }

func (o *radixStepOp) check() error {
	if err := o.Params.check(); err != nil {
		return fmt.Errorf("stats.radixstep: %w", err)
	}
	if w := 8 * o.Params.In.Size() / radixBits; o.Pass < 1 || o.Pass > w || o.M < 0 {
		return fmt.Errorf("stats.radixstep: pass %d outside 1..%d or %d elements", o.Pass, w, o.M)
	}
	return nil
}

// UnmarshalJSON decodes the op and rejects malformed params.
func (o *radixStepOp) UnmarshalJSON(b []byte) error {
	type plain radixStepOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	return o.check()
}

func (o *radixStepOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	nq := len(o.Params.Q)
	S, sw := 2*nq, stateWidth(nq)
	want, width := 1, radixBins+1
	if o.Pass > 1 {
		want, width = 2, S*radixBins
	}
	if len(in) != want {
		return nil, fmt.Errorf("stats.radixstep: %d inputs, want %d", len(in), want)
	}
	hd, ok := in[0].(*block.Dense)
	if !ok || hd.DType() != block.Int64 || hd.Len() != o.M*width {
		return nil, fmt.Errorf("stats.radixstep: histograms %T do not hold %d elements", in[0], o.M)
	}
	h := hd.Data().([]int64)
	out, err := ndarray.Alloc(ctx, block.Int64, o.M*sw)
	if err != nil {
		return nil, err
	}
	st := out.Data().([]int64)
	w := 8 * o.Params.In.Size()
	shift := uint(w - radixBits*o.Pass)
	if o.Pass == 1 {
		for e := range o.M {
			bins := h[e*width : (e+1)*width]
			var n int64
			for _, c := range bins[:radixBins] {
				n += c
			}
			s := st[e*sw : (e+1)*sw]
			s[0], s[1] = n, bins[radixBins]
			dead := n == 0 || (s[1] > 0 && !o.Params.SkipNaN)
			for i, q := range o.Params.Q {
				if dead {
					s[2+4*i+1], s[2+4*i+3] = -1, -1
					continue
				}
				pk := planPick(o.Params.method, n, q)
				for j, r := range [2]int64{pk.lo, pk.hi} {
					b, rest := walk(bins[:radixBins], r)
					s[2+4*i+2*j] = int64(uint64(b) << shift)
					s[2+4*i+2*j+1] = rest
				}
			}
		}
		return out, nil
	}
	pd, ok := in[1].(*block.Dense)
	if !ok || pd.DType() != block.Int64 || pd.Len() != o.M*sw {
		return nil, fmt.Errorf("stats.radixstep: state %T does not hold %d elements", in[1], o.M)
	}
	copy(st, pd.Data().([]int64))
	for e := range o.M {
		s := st[e*sw : (e+1)*sw]
		for k := range S {
			if s[2+2*k+1] < 0 {
				continue
			}
			bins := h[(e*S+k)*radixBins : (e*S+k+1)*radixBins]
			b, rest := walk(bins, s[2+2*k+1])
			s[2+2*k] = int64(uint64(s[2+2*k]) | uint64(b)<<shift)
			s[2+2*k+1] = rest
		}
	}
	return out, nil
}

// walk finds the bin holding the value of rank r (0-based) and r's rank
// within that bin.
func walk(bins []int64, r int64) (int, int64) {
	var cum int64
	for b, c := range bins {
		if r < cum+c {
			return b, r - cum
		}
		cum += c
	}
	return len(bins) - 1, 0 // unreachable for consistent counts
}

// radixFinalOp forms the quantiles from the exact keys of the last pass.
type radixFinalOp struct {
	Params qParams
	Shape  []int // output block shape
}

// Kind is "stats.radixfinal".
func (*radixFinalOp) Kind() string { return "stats.radixfinal" }

func (o *radixFinalOp) check() error {
	if err := o.Params.check(); err != nil {
		return fmt.Errorf("stats.radixfinal: %w", err)
	}
	if chunk.CheckShape(o.Shape) != nil {
		return fmt.Errorf("stats.radixfinal: %w: shape %v", block.ErrShape, o.Shape)
	}
	return nil
}

// UnmarshalJSON decodes the op and rejects malformed params.
func (o *radixFinalOp) UnmarshalJSON(b []byte) error {
	type plain radixFinalOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	return o.check()
}

func (o *radixFinalOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	nq := len(o.Params.Q)
	size := int(chunk.Size(o.Shape))
	sw := stateWidth(nq)
	if len(in) != 1 {
		return nil, fmt.Errorf("stats.radixfinal: %d inputs, want 1", len(in))
	}
	sd, ok := in[0].(*block.Dense)
	if !ok || sd.DType() != block.Int64 || sd.Len()*nq != size*sw {
		return nil, fmt.Errorf("stats.radixfinal: state %T does not fit output %v", in[0], o.Shape)
	}
	out, err := ndarray.Alloc(ctx, o.Params.Out, o.Shape...)
	if err != nil {
		return nil, err
	}
	st := sd.Data().([]int64)
	switch o.Params.In {
	case block.Int8:
		finalBlock[int8](st, &o.Params, out)
	case block.Int16:
		finalBlock[int16](st, &o.Params, out)
	case block.Int32:
		finalBlock[int32](st, &o.Params, out)
	case block.Int64:
		finalBlock[int64](st, &o.Params, out)
	case block.Uint8:
		finalBlock[uint8](st, &o.Params, out)
	case block.Uint16:
		finalBlock[uint16](st, &o.Params, out)
	case block.Uint32:
		finalBlock[uint32](st, &o.Params, out)
	case block.Uint64:
		finalBlock[uint64](st, &o.Params, out)
	case block.Float32:
		finalBlock[float32](st, &o.Params, out)
	case block.Float64:
		finalBlock[float64](st, &o.Params, out)
	}
	return out, nil
}

func finalBlock[T number](st []int64, p *qParams, out *block.Dense) {
	nq := len(p.Q)
	sw := stateWidth(nq)
	M := len(st) / sw
	w := newResultWriter[T](out, M)
	var z T
	for e := range M {
		s := st[e*sw : (e+1)*sw]
		n := s[0]
		if n == 0 || (s[1] > 0 && !p.SkipNaN) {
			for i := range nq {
				w.put(i, e, math.NaN(), nanOf[T](), isFloatT(z))
			}
			continue
		}
		for i, q := range p.Q {
			pk := planPick(p.method, n, q)
			lo := valueOf[T](uint64(s[2+4*i]))
			hi := valueOf[T](uint64(s[2+4*i+2]))
			f, v, native := finishPick(pk, lo, hi)
			w.put(i, e, f, v, native && p.Out == p.In)
		}
	}
}
