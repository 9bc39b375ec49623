package window

import (
	"context"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// CoarsenParams are the parameters of a coarsen task as they travel in
// the graph (JSON): one factor per axis (1 for an axis left alone), the
// reduction, its ddof and the output dtype.
type CoarsenParams struct {
	Factors   []int
	Reduction Reduction
	DDOF      int `json:",omitempty"`
	Out       block.DType
}

func (p CoarsenParams) check(rank int) error {
	if len(p.Factors) != rank {
		return errorf(ErrParams, "%d coarsening factors for rank %d", len(p.Factors), rank)
	}
	for d, f := range p.Factors {
		if f < 1 {
			return errorf(ErrFactor, "factor %d for axis %d", f, d)
		}
	}
	switch {
	case !p.Reduction.valid() || p.Reduction == Custom:
		return errorf(ErrReduction, "%v for coarsen", p.Reduction)
	case p.DDOF < 0:
		return errorf(ErrFactor, "negative ddof %d", p.DDOF)
	case !p.Out.Valid() || !p.Out.IsNumeric() || p.Out.IsComplex() || p.Out.IsTime():
		return errorf(ErrParams, "coarsen output dtype %s", p.Out)
	}
	return nil
}

const coarsenKind = "window.coarsen"

func init() {
	ndarray.RegisterBlockFunc(coarsenKind, coarsenBlock)
}

// coarsenBlock reduces every factor-shaped group of its input block to one
// output element.
func coarsenBlock(ctx context.Context, in []*block.Dense, p CoarsenParams, info ndarray.BlockInfo) (*block.Dense, error) {
	if len(in) != 1 {
		return nil, errorf(ErrParams, "coarsen of %d inputs", len(in))
	}
	src := in[0]
	if err := p.check(src.Rank()); err != nil {
		return nil, err
	}
	if want := coarsenDType(src.DType(), p.Reduction); want != p.Out {
		return nil, errorf(ErrParams, "coarsen %v of %s declared %s, not %s", p.Reduction, src.DType(), p.Out, want)
	}
	shape := src.Shape()
	oshape := make([]int, len(shape))
	for d, s := range shape {
		if s%p.Factors[d] != 0 {
			return nil, errorf(ErrParams, "coarsen block of shape %v with factors %v", shape, p.Factors)
		}
		oshape[d] = s / p.Factors[d]
	}
	if !chunk.EqualShape(oshape, info.Box.Shape()) {
		return nil, errorf(ErrParams, "coarsen block of shape %v gives %v, the output block is %v", shape, oshape, info.Box.Shape())
	}
	out, err := ndarray.Alloc(ctx, p.Out, oshape...)
	if err != nil {
		return nil, err
	}
	if out.Len() == 0 {
		return out, nil
	}
	g := newGroups(shape, p.Factors)
	intPath := src.DType().IsInt() && (p.Reduction == Sum || p.Reduction == Prod || p.Reduction == Min || p.Reduction == Max)
	if intPath {
		err = coarsenInts(ctx, src, out, g, p.Reduction)
	} else {
		err = coarsenFloats(ctx, src, out, g, p)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// groups walks the factor-shaped groups of a block in the output's C
// order: base(i) is the first input position of group i, offs the offsets
// of a group's elements from it.
type groups struct {
	offs    []int
	oshape  []int
	ostride []int // input offset of one step of each output axis
}

func newGroups(shape, f []int) groups {
	r := len(shape)
	stride := chunk.Strides(shape)
	g := groups{oshape: make([]int, r), ostride: make([]int, r)}
	for d := range r {
		g.oshape[d] = shape[d] / f[d]
		g.ostride[d] = stride[d] * f[d]
	}
	g.offs = []int{0}
	for d := r - 1; d >= 0; d-- {
		if f[d] == 1 {
			continue
		}
		n := len(g.offs)
		for k := 1; k < f[d]; k++ {
			for _, o := range g.offs[:n] {
				g.offs = append(g.offs, o+k*stride[d])
			}
		}
	}
	slices.Sort(g.offs)
	return g
}

// each calls fn with every group's output index and base position.
func (g groups) each(ctx context.Context, fn func(i, base int)) error {
	r := len(g.oshape)
	q := make([]int, r)
	n := int(chunk.Size(g.oshape))
	base := 0
	for i := range n {
		if i&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		fn(i, base)
		for d := r - 1; d >= 0; d-- {
			q[d]++
			base += g.ostride[d]
			if q[d] < g.oshape[d] {
				break
			}
			base -= q[d] * g.ostride[d]
			q[d] = 0
		}
	}
	return nil
}

func coarsenFloats(ctx context.Context, src, out *block.Dense, g groups, p CoarsenParams) error {
	vals := make([]float64, len(g.offs))
	var get func(i int) float64
	switch s := src.Data().(type) {
	case []float64:
		get = func(i int) float64 { return s[i] }
	case []float32:
		get = func(i int) float64 { return float64(s[i]) }
	default:
		get = src.Float64
	}
	set := floatSetter(out)
	return g.each(ctx, func(i, base int) {
		for k, o := range g.offs {
			vals[k] = get(base + o)
		}
		set(i, reduceFloats(vals, p.Reduction, p.DDOF))
	})
}

// reduceFloats is numpy's nan-skipping reduction of vals (which it may
// reorder).
func reduceFloats(vals []float64, red Reduction, ddof int) float64 {
	n := 0
	for _, v := range vals {
		if valid(v) {
			vals[n] = v
			n++
		}
	}
	v := vals[:n]
	switch red {
	case Count:
		return float64(n)
	case Sum, Mean:
		s := 0.0
		for _, x := range v {
			s += x
		}
		if red == Mean {
			return s / float64(n) // NaN for n == 0
		}
		return s
	case Prod:
		s := 1.0
		for _, x := range v {
			s *= x
		}
		return s
	case Min, Max:
		if n == 0 {
			return math.NaN()
		}
		m := v[0]
		for _, x := range v[1:] {
			if (red == Min && x < m) || (red == Max && x > m) {
				m = x
			}
		}
		return m
	case Var, Std:
		if n-ddof <= 0 {
			return math.NaN()
		}
		mean := 0.0
		for _, x := range v {
			mean += x
		}
		mean /= float64(n)
		ss := 0.0
		for _, x := range v {
			ss += (x - mean) * (x - mean)
		}
		r := ss / float64(n-ddof)
		if red == Std {
			r = math.Sqrt(r)
		}
		return r
	case Median:
		if n == 0 {
			return math.NaN()
		}
		slices.Sort(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return (v[n/2-1] + v[n/2]) / 2
	}
	return math.NaN()
}

// floatSetter writes a float64 result into out's dtype (count into int64).
func floatSetter(out *block.Dense) func(i int, v float64) {
	switch d := out.Data().(type) {
	case []float64:
		return func(i int, v float64) { d[i] = v }
	case []float32:
		return func(i int, v float64) { d[i] = float32(v) }
	case []int64:
		return func(i int, v float64) { d[i] = int64(v) }
	case []block.Half:
		return func(i int, v float64) { d[i] = block.HalfFromFloat64(v) }
	}
	return func(int, float64) {}
}

// coarsenInts computes Sum, Prod, Min and Max of integer data exactly, in
// 64-bit integers (wrapping as numpy does; unsigned data as uint64).
func coarsenInts(ctx context.Context, src, out *block.Dense, g groups, red Reduction) error {
	get, unsigned := intGetter(src)
	set := intSetter(out)
	return g.each(ctx, func(i, base int) {
		acc := get(base + g.offs[0])
		for _, o := range g.offs[1:] {
			v := get(base + o)
			switch red {
			case Sum:
				acc += v
			case Prod:
				acc *= v
			case Min:
				if (unsigned && uint64(v) < uint64(acc)) || (!unsigned && v < acc) {
					acc = v
				}
			case Max:
				if (unsigned && uint64(v) > uint64(acc)) || (!unsigned && v > acc) {
					acc = v
				}
			}
		}
		set(i, acc)
	})
}

// intGetter reads element i as the bits of an int64 (unsigned values
// zero-extended).
func intGetter(src *block.Dense) (func(i int) int64, bool) {
	switch s := src.Data().(type) {
	case []int8:
		return func(i int) int64 { return int64(s[i]) }, false
	case []int16:
		return func(i int) int64 { return int64(s[i]) }, false
	case []int32:
		return func(i int) int64 { return int64(s[i]) }, false
	case []int64:
		return func(i int) int64 { return s[i] }, false
	case []uint8:
		return func(i int) int64 { return int64(s[i]) }, true
	case []uint16:
		return func(i int) int64 { return int64(s[i]) }, true
	case []uint32:
		return func(i int) int64 { return int64(s[i]) }, true
	case []uint64:
		return func(i int) int64 { return int64(s[i]) }, true
	}
	return func(int) int64 { return 0 }, false
}

// intSetter writes int64 bits into out's integer dtype (results of Min
// and Max are in range by construction).
func intSetter(out *block.Dense) func(i int, v int64) {
	switch d := out.Data().(type) {
	case []int8:
		return func(i int, v int64) { d[i] = int8(v) }
	case []int16:
		return func(i int, v int64) { d[i] = int16(v) }
	case []int32:
		return func(i int, v int64) { d[i] = int32(v) }
	case []int64:
		return func(i int, v int64) { d[i] = v }
	case []uint8:
		return func(i int, v int64) { d[i] = uint8(v) }
	case []uint16:
		return func(i int, v int64) { d[i] = uint16(v) }
	case []uint32:
		return func(i int, v int64) { d[i] = uint32(v) }
	case []uint64:
		return func(i int, v int64) { d[i] = uint64(v) }
	}
	return func(int, int64) {}
}
