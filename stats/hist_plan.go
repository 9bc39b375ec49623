package stats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// This file plans the counting reductions (histograms and bincounts):
// one partial task per block of the data, which folds the block's fused
// program tile by tile into a small block of counts, a tree of sums, and
// a final task (density). Everything a task needs is in its countSpec.

// ErrCountOp reports a malformed counting task decoded from the wire.
var ErrCountOp = errors.New("stats: malformed counting op")

// countSplit is how many partials one sum task merges.
const countSplit = 8

const (
	modeHist     = "hist"
	modeBincount = "bincount"
)

// countSpec is the plain description of a counting reduction, the params
// every task of it carries.
type countSpec struct {
	Mode    string      // hist or bincount
	Edges   [][]float64 `json:",omitempty"` // hist: one edge list per data axis (1 or 2)
	Uniform []bool      `json:",omitempty"` // hist: edges are a linspace (a first guess by arithmetic)
	Length  int         `json:",omitempty"` // bincount: the number of bins
	Density bool        `json:",omitempty"`
	Float   bool        `json:",omitempty"` // counts are float64 (histogram2d), else int64 unless weighted by floats
	// Weighted and WFloat say whether a weights block follows the data's
	// inputs, and whether the sums are float64.
	Weighted bool `json:",omitempty"`
	WFloat   bool `json:",omitempty"`
}

// shape is the counts' shape.
func (s *countSpec) shape() []int {
	if s.Mode == modeBincount {
		return []int{s.Length}
	}
	out := make([]int, len(s.Edges))
	for i, e := range s.Edges {
		out[i] = len(e) - 1
	}
	return out
}

// sumDType is the dtype partial counts accumulate in.
func (s *countSpec) sumDType() block.DType {
	if s.Float || (s.Weighted && s.WFloat) {
		return block.Float64
	}
	return block.Int64
}

// outDType is the result's dtype.
func (s *countSpec) outDType() block.DType {
	if s.Density {
		return block.Float64
	}
	return s.sumDType()
}

func (s *countSpec) check() error {
	switch s.Mode {
	case modeBincount:
		if s.Length < 0 || s.Length > maxBins {
			return fmt.Errorf("%w: bincount length %d", ErrCountOp, s.Length)
		}
		if s.Edges != nil || s.Density {
			return fmt.Errorf("%w: bincount with histogram fields", ErrCountOp)
		}
	case modeHist:
		if len(s.Edges) < 1 || len(s.Edges) > 2 || len(s.Uniform) != len(s.Edges) {
			return fmt.Errorf("%w: %d edge lists, %d uniform flags", ErrCountOp, len(s.Edges), len(s.Uniform))
		}
		total := int64(1)
		for i, e := range s.Edges {
			if len(e) < 2 {
				return fmt.Errorf("%w: axis %d has %d edges", ErrCountOp, i, len(e))
			}
			if !sort.Float64sAreSorted(e) {
				return fmt.Errorf("%w: axis %d edges not sorted", ErrCountOp, i)
			}
			total *= int64(len(e) - 1)
			if total > maxBins {
				return fmt.Errorf("%w: more than %d bins", ErrCountOp, maxBins)
			}
		}
	default:
		return fmt.Errorf("%w: mode %q", ErrCountOp, s.Mode)
	}
	return nil
}

// countArray is the lazy counts of spec over the blocks of x (folded
// through its fused program), with y (histogram2d) and w (weights)
// blocks read alongside, both chunked as x.
func countArray(where string, spec countSpec, x, y, w *ndarray.Array) *ndarray.Array {
	spec.Weighted = w != nil
	if w != nil {
		spec.WFloat = w.DType() == block.Float32 || w.DType() == block.Float64
	}
	if err := spec.check(); err != nil {
		return ndarray.Errored(fmt.Errorf("%s: %w", where, err))
	}
	shape := spec.shape()
	chunks := make([][]int, len(shape))
	for d, n := range shape {
		chunks[d] = []int{n} // one block, empty ones included
	}
	grid, err := chunk.NewGrid(chunks)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("%s: %w", where, err))
	}
	pj, _ := json.Marshal(spec)
	names := []string{"count", x.Name(), string(pj)}
	for _, e := range []*ndarray.Array{y, w} {
		if e != nil {
			names = append(names, e.Name())
		}
	}
	tok := ndarray.Token(names...)
	return ndarray.NewArray(spec.outDType(), grid, tok, &countLayer{spec: spec, x: x, y: y, w: w, token: tok, where: where})
}

// countLayer is the layer of a counting reduction: its one block is the
// final task over a tree of partial tasks it adds to the graph.
type countLayer struct {
	spec    countSpec
	x, y, w *ndarray.Array
	token   string
	where   string
}

// FusedInputs is the data array, read through its fused program
// (ndarray.LayerFusedInputs).
func (l *countLayer) FusedInputs() []*ndarray.Array { return []*ndarray.Array{l.x} }

// Inputs are the arrays read as blocks (ndarray.LayerInputs).
func (l *countLayer) Inputs() []*ndarray.Array {
	var in []*ndarray.Array
	for _, e := range []*ndarray.Array{l.y, l.w} {
		if e != nil {
			in = append(in, e)
		}
	}
	return in
}

// Tasks counts a partial per data block and the sum tree
// (ndarray.LayerTasks).
func (l *countLayer) Tasks(*ndarray.Array) int64 {
	n := int64(1)
	for _, k := range l.x.Grid().NumBlocks() {
		n *= int64(k)
	}
	total := n
	for n > 1 {
		n = (n + countSplit - 1) / countSplit
		total += n
	}
	return total + 1
}

// BlockTask plans the partials, the sum tree and the final task.
func (l *countLayer) BlockTask(b *ndarray.Builder, out *ndarray.Array, _ []int) (cluster.Task, error) {
	g := l.x.Grid()
	nb := g.Len()
	if err := b.Reserve(nb+nb/(countSplit-1)+2, l.where+" of "+l.x.Name()); err != nil {
		return cluster.Task{}, err
	}
	shape := l.spec.shape()
	sumDT := l.spec.sumDType()
	pbytes := chunk.Size(shape) * int64(sumDT.Size())
	graph := b.Graph()
	var level []cluster.Key
	for idx := range g.Blocks() {
		key := cluster.Key(fmt.Sprintf("%s-p%v", l.token, idx))
		if !graph.Has(key) {
			fb, inputs, err := b.FusedBlock(l.x, idx)
			if err != nil {
				return cluster.Task{}, err
			}
			op := &countPartialOp{Spec: l.spec, X: fb, NX: len(inputs), Y: l.y != nil, Shape: g.Shape()}
			scratch := fb.Scratch()
			for _, e := range []*ndarray.Array{l.y, l.w} {
				if e == nil {
					continue
				}
				k, err := b.Key(e, idx)
				if err != nil {
					return cluster.Task{}, err
				}
				inputs = append(inputs, k)
				scratch += chunk.Size(g.BlockShape(idx)) * 8 // its float64 view
			}
			if err := graph.Add(cluster.Task{Key: key, Op: op, Inputs: inputs, Bytes: pbytes, Scratch: scratch}); err != nil {
				return cluster.Task{}, err
			}
		}
		level = append(level, key)
	}
	for depth := 0; len(level) > countSplit; depth++ {
		var next []cluster.Key
		for i := 0; i < len(level); i += countSplit {
			key := cluster.Key(fmt.Sprintf("%s-s%d(%d)", l.token, depth, i/countSplit))
			if !graph.Has(key) {
				t := cluster.Task{Key: key, Op: &countSumOp{DType: sumDT, Shape: shape}, Inputs: level[i:min(i+countSplit, len(level))], Bytes: pbytes}
				if err := graph.Add(t); err != nil {
					return cluster.Task{}, err
				}
			}
			next = append(next, key)
		}
		level = next
	}
	return cluster.Task{
		Op:     &countFinalOp{Spec: l.spec},
		Inputs: level,
		Bytes:  chunk.Size(shape) * int64(out.DType().Size()),
	}, nil
}

// countPartialOp counts one block of the data.
type countPartialOp struct {
	Spec  countSpec
	X     ndarray.FusedBlock // the data block's program
	NX    int                // the program's inputs come first
	Y     bool               // a y block follows (histogram2d)
	Shape []int              // the data array's shape (for error positions)
}

// Kind is the op's registered name, "stats.countpartial".
func (*countPartialOp) Kind() string { return "stats.countpartial" }

// UnmarshalJSON decodes the op and refuses malformed params (ErrCountOp).
func (o *countPartialOp) UnmarshalJSON(b []byte) error {
	type plain countPartialOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	return o.check()
}

func (o *countPartialOp) check() error {
	if err := o.Spec.check(); err != nil {
		return err
	}
	if err := o.X.Check(); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	if o.NX < 0 {
		return fmt.Errorf("%w: %d data inputs", ErrCountOp, o.NX)
	}
	if o.Y != (len(o.Spec.Edges) == 2) {
		return fmt.Errorf("%w: y block flag %v for %d edge lists", ErrCountOp, o.Y, len(o.Spec.Edges))
	}
	return nil
}

// Run folds the block into counts.
func (o *countPartialOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	extra := 0
	if o.Y {
		extra++
	}
	if o.Spec.Weighted {
		extra++
	}
	if len(in) != o.NX+extra {
		return nil, fmt.Errorf("%w: %d inputs, want %d", ErrCountOp, len(in), o.NX+extra)
	}
	n := int(chunk.Size(o.X.Box().Shape()))
	view := func(v cluster.Value, what string) ([]float64, error) {
		d, ok := v.(*block.Dense)
		if !ok {
			return nil, fmt.Errorf("%w: %s input is %T", ErrCountOp, what, v)
		}
		if d.Len() != n {
			return nil, fmt.Errorf("%w: %s block of %d elements for a data block of %d", block.ErrShape, what, d.Len(), n)
		}
		return d.Float64s(), nil
	}
	f := &counter{spec: &o.Spec, box: o.X.Box()}
	var err error
	next := o.NX
	if o.Y {
		if f.y, err = view(in[next], "y"); err != nil {
			return nil, err
		}
		next++
	}
	if o.Spec.Weighted {
		if f.w, err = view(in[next], "weights"); err != nil {
			return nil, err
		}
	}
	shape := o.Spec.shape()
	out, err := ndarray.Alloc(ctx, o.Spec.sumDType(), shape...)
	if err != nil {
		return nil, err
	}
	f.out = out
	if v, ok := out.Data().([]int64); ok {
		f.ints = v
	} else {
		f.floats = out.Data().([]float64)
	}
	if err := o.X.Fold(ctx, in[:o.NX], f); err != nil {
		return nil, err
	}
	return out, nil
}

// countSumOp adds partial counts.
type countSumOp struct {
	DType block.DType
	Shape []int
}

// Kind is the op's registered name, "stats.countsum".
func (*countSumOp) Kind() string { return "stats.countsum" }

// UnmarshalJSON decodes the op and refuses malformed params (ErrCountOp).
func (o *countSumOp) UnmarshalJSON(b []byte) error {
	type plain countSumOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	if o.DType != block.Int64 && o.DType != block.Float64 {
		return fmt.Errorf("%w: sums of dtype %s", ErrCountOp, o.DType)
	}
	if err := chunk.CheckShape(o.Shape); err != nil || chunk.Size(o.Shape) > maxBins {
		return fmt.Errorf("%w: shape %v", ErrCountOp, o.Shape)
	}
	return nil
}

// Run adds its inputs elementwise.
func (o *countSumOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	out, err := ndarray.Alloc(ctx, o.DType, o.Shape...)
	if err != nil {
		return nil, err
	}
	if err := addCounts(out, in); err != nil {
		return nil, err
	}
	return out, nil
}

// addCounts adds the blocks in to out (same dtype and size).
func addCounts(out *block.Dense, in []cluster.Value) error {
	for i, v := range in {
		d, ok := v.(*block.Dense)
		if !ok || d.DType() != out.DType() || d.Len() != out.Len() {
			return fmt.Errorf("%w: partial %d is %v, want %s of %d elements", ErrCountOp, i, describe(v), out.DType(), out.Len())
		}
		switch o := out.Data().(type) {
		case []int64:
			for j, x := range d.Data().([]int64) {
				o[j] += x
			}
		case []float64:
			for j, x := range d.Data().([]float64) {
				o[j] += x
			}
		}
	}
	return nil
}

func describe(v cluster.Value) string {
	if d, ok := v.(*block.Dense); ok {
		return fmt.Sprintf("%s of %d elements", d.DType(), d.Len())
	}
	return fmt.Sprintf("%T", v)
}

// countFinalOp adds the last partials and applies the density.
type countFinalOp struct {
	Spec countSpec
}

// Kind is the op's registered name, "stats.countfinal".
func (*countFinalOp) Kind() string { return "stats.countfinal" }

// UnmarshalJSON decodes the op and refuses malformed params (ErrCountOp).
func (o *countFinalOp) UnmarshalJSON(b []byte) error {
	type plain countFinalOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	return o.Spec.check()
}

// Run sums and finalises.
func (o *countFinalOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if err := o.Spec.check(); err != nil {
		return nil, err
	}
	shape := o.Spec.shape()
	sum, err := ndarray.Alloc(ctx, o.Spec.sumDType(), shape...)
	if err != nil {
		return nil, err
	}
	if err := addCounts(sum, in); err != nil {
		return nil, err
	}
	if !o.Spec.Density {
		return sum, nil
	}
	// numpy: count / bin width / total; histogramdd divides by every
	// axis's widths.
	out, err := ndarray.Alloc(ctx, block.Float64, shape...)
	if err != nil {
		return nil, err
	}
	v := out.Data().([]float64)
	total := 0.0
	for i := range v {
		v[i] = sum.Float64(i)
		total += v[i]
	}
	sum.Recycle()
	inner := 1
	if len(shape) == 2 {
		inner = shape[1]
	}
	for i := range v {
		r, c := i/inner, i%inner
		wd := o.Spec.Edges[0][r+1] - o.Spec.Edges[0][r]
		if len(shape) == 2 {
			wd *= o.Spec.Edges[1][c+1] - o.Spec.Edges[1][c]
		}
		v[i] = v[i] / wd / total
	}
	return out, nil
}

// chunkSpecOf is the explicit spec of a's chunks.
func chunkSpecOf(a *ndarray.Array) chunk.Spec {
	return chunk.Explicit(a.Chunks()...)
}

// errPos names an element of the data by its global index.
func errPos(box chunk.Box, local int) string {
	idx := chunk.Unravel(local, box.Shape())
	parts := make([]string, len(idx))
	for i := range idx {
		parts[i] = fmt.Sprint(idx[i] + box.Lo[i])
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func init() {
	cluster.Register("stats.countpartial", func() cluster.Op { return &countPartialOp{} })
	cluster.Register("stats.countsum", func() cluster.Op { return &countSumOp{} })
	cluster.Register("stats.countfinal", func() cluster.Op { return &countFinalOp{} })
}
