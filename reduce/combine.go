package reduce

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

func init() {
	cluster.Register("reduce.partial", func() cluster.Op { return &partialOp{} })
	cluster.Register("reduce.combine", func() cluster.Op { return &combineOp{} })
	cluster.Register("reduce.finalize", func() cluster.Op { return &finalizeOp{} })
}

// combineOp merges partials of one shape into one.
type combineOp struct {
	Reduction string
}

// Kind implements cluster.Op.
func (*combineOp) Kind() string { return "reduce.combine" }

// asPartials checks that the inputs are partials of one shape and kind.
func asPartials(in []cluster.Value) ([]*partial, error) {
	ps := make([]*partial, len(in))
	for i, v := range in {
		p, ok := v.(*partial)
		if !ok {
			return nil, fmt.Errorf("reduce: input %d is %T, not a partial", i, v)
		}
		ps[i] = p
		if i > 0 && (!chunk.EqualShape(p.Shape, ps[0].Shape) || p.Kind != ps[0].Kind || p.Int != ps[0].Int || p.Unsigned != ps[0].Unsigned) {
			return nil, fmt.Errorf("reduce: partials %v and %v do not match", ps[0].Shape, p.Shape)
		}
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("reduce: nothing to combine")
	}
	return ps, nil
}

// Run merges the inputs in order (earlier inputs win ties of arg*).
func (o *combineOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	ps, err := asPartials(in)
	if err != nil {
		return nil, err
	}
	k := kind(o.Reduction)
	if k.family() == "" {
		return nil, fmt.Errorf("reduce: unknown reduction %q", o.Reduction)
	}
	first := ps[0]
	out := &partial{Kind: first.Kind, Shape: first.Shape, Int: first.Int, Unsigned: first.Unsigned}
	out.N, out.S, out.C, out.M2 = slices.Clone(first.N), slices.Clone(first.S), slices.Clone(first.C), slices.Clone(first.M2)
	out.I, out.V = slices.Clone(first.I), slices.Clone(first.V)
	for _, p := range ps[1:] {
		if err := merge(out, p, k); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// allLen reports whether every slice has n elements.
func allLen[T any](n int, s ...[]T) bool {
	return !slices.ContainsFunc(s, func(x []T) bool { return len(x) != n })
}

// merge folds partial b into a (earlier partials win ties of arg*). It
// reports a malformed partial (from the wire) as an error.
func merge(a, b *partial, k kind) error {
	n := prod(a.Shape)
	check := func(s ...[]float64) bool { return allLen(n, s...) }
	checkI := func(s ...[]int64) bool { return allLen(n, s...) }
	bad := fmt.Errorf("reduce: malformed %s partial", k)
	switch k.family() {
	case "sum":
		if a.Int {
			if !checkI(a.I, b.I) {
				return bad
			}
			for e := range n {
				a.I[e] += b.I[e]
			}
			return nil
		}
		if !check(a.S, a.C, b.S, b.C) {
			return bad
		}
		for e := range n {
			neumaier(&a.S[e], &a.C[e], b.S[e])
			a.C[e] += b.C[e]
		}
	case "prod":
		if a.Int {
			if !checkI(a.I, b.I) {
				return bad
			}
			for e := range n {
				a.I[e] *= b.I[e]
			}
			return nil
		}
		if !check(a.S, b.S) {
			return bad
		}
		for e := range n {
			a.S[e] *= b.S[e]
		}
	case "mean":
		if !check(a.N, a.S, a.C, b.N, b.S, b.C) {
			return bad
		}
		for e := range n {
			a.N[e] += b.N[e]
			neumaier(&a.S[e], &a.C[e], b.S[e])
			a.C[e] += b.C[e]
		}
	case "var":
		if !check(a.N, a.S, a.M2, b.N, b.S, b.M2) {
			return bad
		}
		for e := range n {
			if b.N[e] > 0 {
				chanMerge(a, e, b.N[e], b.S[e], b.M2[e])
			}
		}
	case "minmax":
		if !check(a.N, a.C, b.N, b.C) || (a.Int && !checkI(a.I, b.I)) || (!a.Int && !check(a.S, b.S)) {
			return bad
		}
		isMax := k.isMax()
		for e := range n {
			a.C[e] += b.C[e]
			if b.N[e] == 0 {
				continue
			}
			if a.Int {
				if a.N[e] == 0 || betterMinMax(a, b.I[e], a.I[e], isMax) {
					a.I[e] = b.I[e]
				}
			} else {
				x, y := a.S[e], b.S[e]
				switch {
				case a.N[e] == 0 || y != y:
					if x == x || a.N[e] == 0 {
						a.S[e] = y
					}
				case x != x:
				case (isMax && y > x) || (!isMax && y < x):
					a.S[e] = y
				}
			}
			a.N[e] += b.N[e]
		}
	case "arg":
		if !check(a.N, a.C, b.N, b.C) || !checkI(a.I, b.I) || (a.Int && !checkI(a.V, b.V)) || (!a.Int && !check(a.S, b.S)) {
			return bad
		}
		isMax := k.isMax()
		for e := range n {
			a.C[e] += b.C[e]
			if b.N[e] == 0 {
				continue
			}
			take := false
			if a.N[e] == 0 {
				take = true
			} else if a.Int {
				take = better(b.V[e], a.V[e], isMax, a.Unsigned) || (b.V[e] == a.V[e] && b.I[e] < a.I[e])
			} else {
				x, y := a.S[e], b.S[e]
				switch {
				case x != x && y != y:
					take = b.I[e] < a.I[e]
				case x != x:
				case y != y:
					take = true
				case y == x:
					take = b.I[e] < a.I[e]
				default:
					take = (isMax && y > x) || (!isMax && y < x)
				}
			}
			if take {
				a.I[e] = b.I[e]
				if a.Int {
					a.V[e] = b.V[e]
				} else {
					a.S[e] = b.S[e]
				}
			}
			a.N[e] += b.N[e]
		}
	case "anyall":
		if !check(a.S, b.S) {
			return bad
		}
		for e := range n {
			if k == kAny {
				a.S[e] = math.Max(a.S[e], b.S[e])
			} else {
				a.S[e] = math.Min(a.S[e], b.S[e])
			}
		}
	}
	return nil
}

// finalizeOp turns a partial into the result block.
type finalizeOp struct {
	Reduction string
	DType     block.DType
	DDOF      int
	Shape     []int
}

// Kind implements cluster.Op.
func (*finalizeOp) Kind() string { return "reduce.finalize" }

// Run implements cluster.Op: the result block of the partial.
func (o *finalizeOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	ps, err := asPartials(in)
	if err != nil {
		return nil, err
	}
	if len(ps) != 1 {
		return nil, fmt.Errorf("reduce.finalize: %d inputs", len(ps))
	}
	p := ps[0]
	k := kind(o.Reduction)
	n := prod(p.Shape)
	if int64(n) != chunk.Size(o.Shape) {
		return nil, fmt.Errorf("reduce.finalize: partial %v does not fit %v", p.Shape, o.Shape)
	}
	f := make([]float64, n) // float results
	var ints []int64
	switch k.family() {
	case "sum", "prod":
		if p.Int {
			ints = p.I
		} else {
			for e := range n {
				if p.C != nil {
					f[e] = p.S[e] + p.C[e]
				} else {
					f[e] = p.S[e]
				}
			}
		}
	case "mean":
		if k == kCount || k == kNanCount {
			ints = make([]int64, n)
			for e := range n {
				ints[e] = int64(p.N[e])
			}
			break
		}
		for e := range n {
			f[e] = (p.S[e] + p.C[e]) / p.N[e] // 0/0 is NaN: the mean of nothing
		}
	case "var":
		for e := range n {
			d := p.N[e] - float64(o.DDOF)
			if d <= 0 {
				f[e] = math.NaN()
				continue
			}
			f[e] = p.M2[e] / d
			if k == kStd || k == kNanStd {
				f[e] = math.Sqrt(f[e])
			}
		}
	case "minmax", "arg":
		for e := range n {
			if p.C[e] == 0 {
				return nil, fmt.Errorf("%w: %s", ErrEmpty, k)
			}
			if p.N[e] == 0 { // only NaN seen by a nan-variant
				if k.family() == "arg" {
					return nil, fmt.Errorf("%w: %s", ErrAllNaN, k)
				}
				f[e] = math.NaN()
				continue
			}
			if k.family() == "minmax" && !p.Int {
				f[e] = p.S[e]
			}
		}
		if k.family() == "arg" {
			ints = p.I
		} else if p.Int {
			ints = p.I
		}
	case "anyall":
		for e := range n {
			f[e] = p.S[e]
		}
	default:
		return nil, fmt.Errorf("reduce: unknown reduction %q", o.Reduction)
	}
	out, err := block.New(o.DType, o.Shape...)
	if err != nil {
		return nil, err
	}
	if ints != nil {
		if len(ints) != n {
			return nil, fmt.Errorf("reduce.finalize: malformed partial")
		}
		switch v := out.Data().(type) {
		case []int64:
			copy(v, ints)
		case []uint64:
			for e := range v {
				v[e] = uint64(ints[e])
			}
		default:
			src, _ := block.FromSlice(ints, o.Shape...)
			if p.Unsigned {
				u := make([]uint64, n)
				for e := range u {
					u[e] = uint64(ints[e])
				}
				src, _ = block.FromSlice(u, o.Shape...)
			}
			if err := block.CastInto(out, src, block.CastOptions{Overflow: block.OverflowWrap}); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	src, _ := block.FromSlice(f, o.Shape...)
	if err := block.CastInto(out, src, block.CastOptions{Overflow: block.OverflowWrap}); err != nil {
		return nil, err
	}
	return out, nil
}
