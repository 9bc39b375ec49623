package stats

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// ErrTooManyUnique reports a Unique whose distinct values exceed
// MaxUnique: the partial results would not be bounded.
var ErrTooManyUnique = errors.New("stats: too many distinct values")

// MaxUnique is the most distinct values Unique holds in one partial
// result (2^24, 256 MiB of values and counts at most).
const MaxUnique = 1 << 24

// uniqueDeclare is the number of distinct values a partial declares to
// the executor's memory admission when it covers more elements than that.
const uniqueDeclare = 1 << 16

// Unique is numpy's unique(a, return_counts=True): the sorted distinct
// values of a (in a's dtype, as a one-dimensional block) and how many
// times each occurs (int64). NaN values are collapsed into one, sorted
// last, as numpy 1.24's equal_nan=True.
//
// The number of distinct values depends on the data, so Unique computes:
// each block of a is reduced by one task, folding a's fused expression
// tile by tile into its sorted distinct values and counts, and the
// partials are merged in a tree of sorted merges. Memory is bounded by the
// number of distinct values (each partial holds at most MaxUnique, else
// the run fails with ErrTooManyUnique), not by the size of a; a's recipe
// runs twice, once to learn the result's length and once for the
// result. opts are as for ndarray.Compute. Errors: a's error,
// ErrHistDType for dtypes that are not real numbers, and any error of the
// computation.
func Unique(ctx context.Context, a *ndarray.Array, opts ...ndarray.ComputeOption) (values, counts *block.Dense, err error) {
	if err := checkData("stats.Unique", a); err != nil {
		return nil, nil, err
	}
	tok := ndarray.Token("unique", a.Name())
	one, err := chunk.NewRegularGrid([]int{1}, []int{1})
	if err != nil {
		return nil, nil, err
	}
	n, err := ndarray.Scalar[int64](ctx, ndarray.NewArray(block.Int64, one, tok+" len", &uniqueLayer{src: a, tok: tok, out: uniqueLen}), opts...)
	if err != nil {
		return nil, nil, err
	}
	g, err := chunk.NewGrid([][]int{{int(n)}})
	if err != nil {
		return nil, nil, err
	}
	va := ndarray.NewArray(a.DType(), g, tok+" values", &uniqueLayer{src: a, tok: tok, out: uniqueValues})
	ca := ndarray.NewArray(block.Int64, g, tok+" counts", &uniqueLayer{src: a, tok: tok, out: uniqueCounts})
	res, err := ndarray.Compute(ctx, []*ndarray.Array{va, ca}, opts...)
	if err != nil {
		return nil, nil, err
	}
	return res[0], res[1], nil
}

// What a unique layer's final task returns.
const (
	uniqueLen    = "len"
	uniqueValues = "values"
	uniqueCounts = "counts"
)

// uniqueLayer plans the partial tree (shared by its three arrays through
// its keys) and a final task.
type uniqueLayer struct {
	src *ndarray.Array
	tok string
	out string
}

// FusedInputs is the data (ndarray.LayerFusedInputs).
func (l *uniqueLayer) FusedInputs() []*ndarray.Array { return []*ndarray.Array{l.src} }

// BlockTask adds the partials and merges (once per graph) and the final
// task.
func (l *uniqueLayer) BlockTask(b *ndarray.Builder, out *ndarray.Array, _ []int) (cluster.Task, error) {
	g := l.src.Grid()
	nb := g.Len()
	if err := b.Reserve(nb+nb/(countSplit-1)+2, "stats.Unique of "+l.src.Name()); err != nil {
		return cluster.Task{}, err
	}
	graph := b.Graph()
	declare := func(elems int64) int64 { return min(elems, uniqueDeclare) * 16 }
	type node struct {
		key   cluster.Key
		elems int64
	}
	var level []node
	for idx := range g.Blocks() {
		key := cluster.Key(fmt.Sprintf("%s-p%v", l.tok, idx))
		elems := chunk.Size(g.BlockShape(idx))
		if !graph.Has(key) {
			fb, inputs, err := b.FusedBlock(l.src, idx)
			if err != nil {
				return cluster.Task{}, err
			}
			t := cluster.Task{Key: key, Op: &uniquePartialOp{X: fb}, Inputs: inputs, Bytes: declare(elems), Scratch: fb.Scratch() + elems*16}
			if err := graph.Add(t); err != nil {
				return cluster.Task{}, err
			}
		}
		level = append(level, node{key, elems})
	}
	for depth := 0; len(level) > 1; depth++ {
		var next []node
		for i := 0; i < len(level); i += countSplit {
			key := cluster.Key(fmt.Sprintf("%s-m%d(%d)", l.tok, depth, i/countSplit))
			group := level[i:min(i+countSplit, len(level))]
			var inputs []cluster.Key
			var elems int64
			for _, c := range group {
				inputs = append(inputs, c.key)
				elems += c.elems
			}
			if !graph.Has(key) {
				if err := graph.Add(cluster.Task{Key: key, Op: &uniqueMergeOp{}, Inputs: inputs, Bytes: declare(elems)}); err != nil {
					return cluster.Task{}, err
				}
			}
			next = append(next, node{key, elems})
		}
		level = next
	}
	var inputs []cluster.Key
	if len(level) == 1 {
		inputs = []cluster.Key{level[0].key}
	}
	n := out.Shape()[0]
	return cluster.Task{
		Op:     &uniqueFinalOp{Out: l.out, DType: out.DType(), Len: n, Src: l.src.DType()},
		Inputs: inputs,
		Bytes:  int64(n) * int64(out.DType().Size()),
	}, nil
}

// uniquePartial is a sorted set of distinct values with their counts:
// exactly one of Ints (bool and signed data), Uints or Floats is used,
// and NaN holds the number of NaN values apart. It travels between
// workers (registered as "stats.uniquepartial"; gob encodes it).
type uniquePartial struct {
	Ints   []int64
	Uints  []uint64
	Floats []float64
	Counts []int64
	NaN    int64
}

// Nbytes is the memory the partial holds.
func (p *uniquePartial) Nbytes() int64 { return int64(len(p.Counts))*16 + 8 }

func (p *uniquePartial) len() int { return len(p.Counts) }

// uniquePartialOp reduces one block to its distinct values.
type uniquePartialOp struct {
	X ndarray.FusedBlock
}

// Kind is the op's registered name, "stats.uniquepartial".
func (*uniquePartialOp) Kind() string { return "stats.uniquepartial" }

// UnmarshalJSON decodes the op and refuses a malformed program.
func (o *uniquePartialOp) UnmarshalJSON(b []byte) error {
	type plain uniquePartialOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	if err := o.X.Check(); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	return nil
}

// uniqueCollector gathers a block's values for sorting.
type uniqueCollector struct {
	ints   []int64
	uints  []uint64
	floats []float64
	nan    int64
}

// Fold copies the span's values.
func (c *uniqueCollector) Fold(s *ndarray.Span) error {
	switch v := s.Values.(type) {
	case []bool:
		for _, x := range v {
			c.ints = append(c.ints, map[bool]int64{false: 0, true: 1}[x])
		}
	case []int8:
		c.ints = appendConv(c.ints, v)
	case []int16:
		c.ints = appendConv(c.ints, v)
	case []int32:
		c.ints = appendConv(c.ints, v)
	case []int64:
		c.ints = append(c.ints, v...)
	case []uint8:
		c.uints = appendConv(c.uints, v)
	case []uint16:
		c.uints = appendConv(c.uints, v)
	case []uint32:
		c.uints = appendConv(c.uints, v)
	case []uint64:
		c.uints = append(c.uints, v...)
	case []float32:
		for _, x := range v {
			c.addFloat(float64(x))
		}
	case []float64:
		for _, x := range v {
			c.addFloat(x)
		}
	default:
		return fmt.Errorf("%w: unique of %T", ErrHistDType, s.Values)
	}
	return nil
}

func (c *uniqueCollector) addFloat(x float64) {
	if math.IsNaN(x) {
		c.nan++
		return
	}
	c.floats = append(c.floats, x)
}

func appendConv[D int64 | uint64, S int8 | int16 | int32 | uint8 | uint16 | uint32](dst []D, src []S) []D {
	for _, x := range src {
		dst = append(dst, D(x))
	}
	return dst
}

// runs sorts v and returns its distinct values with their counts.
func runs[T cmp.Ordered](v []T) ([]T, []int64) {
	slices.Sort(v)
	var out []T
	var counts []int64
	for i, x := range v {
		if i > 0 && x == v[i-1] {
			counts[len(counts)-1]++
			continue
		}
		out = append(out, x)
		counts = append(counts, 1)
	}
	return out, counts
}

// Run reduces the block.
func (o *uniquePartialOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	var c uniqueCollector
	if err := o.X.Fold(ctx, in, &c); err != nil {
		return nil, err
	}
	p := &uniquePartial{NaN: c.nan}
	switch {
	case c.ints != nil:
		p.Ints, p.Counts = runs(c.ints)
	case c.uints != nil:
		p.Uints, p.Counts = runs(c.uints)
	default:
		p.Floats, p.Counts = runs(c.floats)
	}
	if p.len() > MaxUnique {
		return nil, fmt.Errorf("%w: %d in block %v, more than %d", ErrTooManyUnique, p.len(), o.X.Box(), MaxUnique)
	}
	return p, nil
}

// uniqueMergeOp merges partials.
type uniqueMergeOp struct{}

// Kind is the op's registered name, "stats.uniquemerge".
func (*uniqueMergeOp) Kind() string { return "stats.uniquemerge" }

// Run merges its inputs.
func (*uniqueMergeOp) Run(_ context.Context, in []cluster.Value) (cluster.Value, error) {
	return mergeUnique(in)
}

func mergeUnique(in []cluster.Value) (*uniquePartial, error) {
	acc := &uniquePartial{}
	for i, v := range in {
		p, ok := v.(*uniquePartial)
		if !ok {
			return nil, fmt.Errorf("%w: unique input %d is %T", ErrCountOp, i, v)
		}
		if len(p.Ints)+len(p.Uints)+len(p.Floats) != len(p.Counts) {
			return nil, fmt.Errorf("%w: unique partial of %d values and %d counts", ErrCountOp, len(p.Ints)+len(p.Uints)+len(p.Floats), len(p.Counts))
		}
		acc.NaN += p.NaN
		var c []int64
		switch {
		case len(p.Ints) > 0:
			acc.Ints, c = mergeRuns(acc.Ints, acc.Counts, p.Ints, p.Counts)
		case len(p.Uints) > 0:
			acc.Uints, c = mergeRuns(acc.Uints, acc.Counts, p.Uints, p.Counts)
		case len(p.Floats) > 0:
			acc.Floats, c = mergeRuns(acc.Floats, acc.Counts, p.Floats, p.Counts)
		default:
			continue
		}
		acc.Counts = c
		if acc.len() > MaxUnique {
			return nil, fmt.Errorf("%w: more than %d", ErrTooManyUnique, MaxUnique)
		}
	}
	return acc, nil
}

// mergeRuns merges two sorted distinct lists, adding the counts of values
// in both.
func mergeRuns[T cmp.Ordered](a []T, ac []int64, b []T, bc []int64) ([]T, []int64) {
	out := make([]T, 0, len(a)+len(b))
	oc := make([]int64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out, oc = append(out, a[i]), append(oc, ac[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out, oc = append(out, b[j]), append(oc, bc[j])
			j++
		default:
			out, oc = append(out, a[i]), append(oc, ac[i]+bc[j])
			i, j = i+1, j+1
		}
	}
	return out, oc
}

// uniqueFinalOp turns the root partial into the result's length, values
// or counts.
type uniqueFinalOp struct {
	Out   string      // len, values or counts
	DType block.DType // the output's
	Len   int         // the output's length (values, counts)
	Src   block.DType // the data's dtype
}

// Kind is the op's registered name, "stats.uniquefinal".
func (*uniqueFinalOp) Kind() string { return "stats.uniquefinal" }

// UnmarshalJSON decodes the op and refuses malformed params.
func (o *uniqueFinalOp) UnmarshalJSON(b []byte) error {
	type plain uniqueFinalOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	if o.Out != uniqueLen && o.Out != uniqueValues && o.Out != uniqueCounts {
		return fmt.Errorf("%w: unique output %q", ErrCountOp, o.Out)
	}
	if o.Len < 0 || o.Len > MaxUnique+1 || !realDType(o.Src) {
		return fmt.Errorf("%w: unique of %d %s values", ErrCountOp, o.Len, o.Src)
	}
	return nil
}

// Run builds the output block.
func (o *uniqueFinalOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	p, err := mergeUnique(in)
	if err != nil {
		return nil, err
	}
	n := p.len()
	if p.NaN > 0 {
		n++
	}
	if o.Out == uniqueLen {
		return block.FromSlice([]int64{int64(n)}, 1)
	}
	if n != o.Len {
		return nil, fmt.Errorf("stats.Unique: %d distinct values, %d the first pass found (the data changed between passes?)", n, o.Len)
	}
	if o.Out == uniqueCounts {
		c := append(slices.Clip(p.Counts), p.NaN)
		return block.FromSlice(c[:n], n)
	}
	out, err := ndarray.Alloc(ctx, o.DType, n)
	if err != nil {
		return nil, err
	}
	var src *block.Dense
	switch {
	case p.Ints != nil:
		src, err = block.FromSlice(p.Ints, len(p.Ints))
	case p.Uints != nil:
		src, err = block.FromSlice(p.Uints, len(p.Uints))
	default:
		f := p.Floats
		if p.NaN > 0 {
			f = append(slices.Clip(f), math.NaN())
		}
		src, err = block.FromSlice(f, len(f))
	}
	if err != nil {
		return nil, err
	}
	if err := block.CastInto(out, src, block.CastOptions{}); err != nil {
		return nil, err
	}
	return out, nil
}

func init() {
	cluster.RegisterValue("stats.uniquepartial", &uniquePartial{})
	cluster.Register("stats.uniquepartial", func() cluster.Op { return &uniquePartialOp{} })
	cluster.Register("stats.uniquemerge", func() cluster.Op { return &uniqueMergeOp{} })
	cluster.Register("stats.uniquefinal", func() cluster.Op { return &uniqueFinalOp{} })
}
