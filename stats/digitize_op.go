package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// This file is the fused elementwise layer of Digitize and Isin: each
// output block is one task that evaluates the input block's fused
// expression tile by tile and writes the result of every element, so the
// input block never exists in memory.

// lookupSpec says what a lookupOp computes per element.
type lookupSpec struct {
	Digitize *digitizeParams `json:",omitempty"`
	Isin     *isinParams     `json:",omitempty"`
}

func (s *lookupSpec) check() error {
	switch {
	case s.Digitize != nil && s.Isin == nil:
		_, err := s.Digitize.direction()
		return err
	case s.Isin != nil && s.Digitize == nil:
		if !slices.IsSorted(s.Isin.Values) {
			return fmt.Errorf("%w: isin values not sorted", ErrCountOp)
		}
		return nil
	}
	return fmt.Errorf("%w: a lookup needs exactly one of digitize and isin", ErrCountOp)
}

func (s *lookupSpec) dtype() block.DType {
	if s.Isin != nil {
		return block.Bool
	}
	return block.Int64
}

// lookupArray is the lazy result of spec over every element of a.
func lookupArray(spec lookupSpec, a *ndarray.Array) *ndarray.Array {
	pj, err := json.Marshal(spec)
	if err != nil {
		return ndarray.Errored(err)
	}
	return ndarray.NewArray(spec.dtype(), a.Grid(), ndarray.Token("lookup", a.Name(), string(pj)), &lookupLayer{spec: spec, src: a})
}

type lookupLayer struct {
	spec lookupSpec
	src  *ndarray.Array
}

// FusedInputs is the data (ndarray.LayerFusedInputs).
func (l *lookupLayer) FusedInputs() []*ndarray.Array { return []*ndarray.Array{l.src} }

// BlockTask is the lookup of block idx, folding the source's program.
func (l *lookupLayer) BlockTask(b *ndarray.Builder, a *ndarray.Array, idx []int) (cluster.Task, error) {
	fb, inputs, err := b.FusedBlock(l.src, idx)
	if err != nil {
		return cluster.Task{}, err
	}
	bytes := chunk.Size(fb.Box().Shape()) * int64(a.DType().Size())
	return cluster.Task{Op: &lookupOp{Spec: l.spec, X: fb}, Inputs: inputs, Bytes: bytes, Scratch: fb.Scratch()}, nil
}

// lookupOp computes one block of Digitize or Isin.
type lookupOp struct {
	Spec lookupSpec
	X    ndarray.FusedBlock
}

// Kind is the op's registered name, "stats.lookup".
func (*lookupOp) Kind() string { return "stats.lookup" }

// UnmarshalJSON decodes the op and refuses malformed params (ErrCountOp,
// ErrDigitizeBins).
func (o *lookupOp) UnmarshalJSON(b []byte) error {
	type plain lookupOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	if err := o.X.Check(); err != nil {
		return fmt.Errorf("%w: %w", ErrCountOp, err)
	}
	return o.Spec.check()
}

// lookupFolder writes each span's results into the output block.
type lookupFolder struct {
	spec  *lookupSpec
	bins  []float64 // digitize: increasing
	dir   int
	ints  []int64
	bools []bool
}

func (f *lookupFolder) Fold(s *ndarray.Span) error {
	n := s.Len()
	for k := range n {
		x := block.SliceFloat64(s.Values, k)
		if f.spec.Isin != nil {
			_, found := slices.BinarySearch(f.spec.Isin.Values, x)
			f.bools[s.Start+k] = found != f.spec.Isin.Invert
			continue
		}
		// numpy: side = "left" if right else "right".
		i := searchsorted(f.bins, x, !f.spec.Digitize.Right)
		if f.dir < 0 {
			i = len(f.bins) - i
		}
		f.ints[s.Start+k] = int64(i)
	}
	return nil
}

// Run computes the block.
func (o *lookupOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if err := o.Spec.check(); err != nil {
		return nil, err
	}
	out, err := ndarray.Alloc(ctx, o.Spec.dtype(), o.X.Box().Shape()...)
	if err != nil {
		return nil, err
	}
	f := &lookupFolder{spec: &o.Spec}
	if o.Spec.Isin != nil {
		f.bools = out.Data().([]bool)
	} else {
		f.ints = out.Data().([]int64)
		f.dir, _ = o.Spec.Digitize.direction()
		f.bins = o.Spec.Digitize.Bins
		if f.dir < 0 {
			f.bins = slices.Clone(f.bins)
			slices.Reverse(f.bins)
		}
	}
	if err := o.X.Fold(ctx, in, f); err != nil {
		return nil, err
	}
	return out, nil
}

func init() {
	cluster.Register("stats.lookup", func() cluster.Op { return &lookupOp{} })
}
