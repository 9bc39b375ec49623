package linalg

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

func init() {
	cluster.Register("linalg.lstsqsolve", func() cluster.Op { return &lstsqSolveOp{} })
}

// LstsqResult is what Lstsq returns, numpy.linalg.lstsq's four values as
// lazy arrays.
type LstsqResult struct {
	// X is the least-squares solution, (n,) for a 1-D b and (n, k) for a
	// 2-D one: the minimum-norm solution when a is rank deficient.
	X *ndarray.Array
	// Residuals is the sum of squared residuals ‖b - a·X‖² per column of
	// b, shape (1,) for a 1-D b and (k,) otherwise. numpy returns an empty
	// array when rank < n or m <= n; here it is always computed.
	Residuals *ndarray.Array
	// Rank is the effective rank of a, a 0-d int64 array: the number of
	// singular values above rcond times the largest.
	Rank *ndarray.Array
	// S is a's singular values in decreasing order, (n,).
	S *ndarray.Array
}

// Lstsq solves the least-squares problem min ‖a·x - b‖ for a
// tall-and-skinny a (m×n, requirements as TSQR) and b of m rows (1-D or
// 2-D, any chunks), as numpy.linalg.lstsq: through SVD (TSQR, then the
// SVD of the small R), x = V·diag(1/s)·Urᵀ·(Qᵀ·b), singular values at or
// below rcond·s[0] treated as zero. A negative rcond means numpy's default
// machine epsilon × max(m, n). Qᵀ·b is a Tensordot over a's row blocks
// (a tree sum); the small solve is one task. Errors as TSQR, and ErrShape
// for a b of the wrong rank or rows; all are carried by every array of the
// result.
func Lstsq(a, b *ndarray.Array, rcond float64) LstsqResult {
	fail := func(err error) LstsqResult {
		e := ndarray.Errored(err)
		return LstsqResult{X: e, Residuals: e, Rank: e, S: e}
	}
	f, err := newFactorization("Lstsq", a)
	if err != nil {
		return fail(err)
	}
	b, err = floatOperand("Lstsq", "b", b)
	if err != nil {
		return fail(err)
	}
	m, n := f.a.Shape()[0], f.n
	if b.Rank() < 1 || b.Rank() > 2 || b.Shape()[0] != m {
		return fail(fmt.Errorf("%w: linalg.Lstsq: b has shape %v, want (%d,) or (%d, k) for a of shape %v", ErrShape, b.Shape(), m, m, f.a.Shape()))
	}
	if math.IsNaN(rcond) {
		return fail(fmt.Errorf("%w: linalg.Lstsq: rcond is NaN", ErrParams))
	}
	if rcond < 0 {
		rcond = float64(max(m, n)) * 0x1p-52
	}
	q := f.array("q", f.a.Grid())
	qtb := Tensordot(q, b, []int{0}, []int{0}).Rechunk(chunk.Uniform(-1))
	if err := qtb.Err(); err != nil {
		return fail(err)
	}
	k := 0
	if b.Rank() == 2 {
		k = b.Shape()[1]
	}
	dt := qtb.DType()
	grid, err := chunk.NewGridAxes(qtb.Grid().Axes())
	if err != nil {
		return fail(err)
	}
	l := &lstsqLayer{f: f, qtb: qtb, op: lstsqSolveOp{N: n, K: k, RCond: rcond, DType: dt}}
	x := ndarray.NewArray(dt, grid, ndarray.Token("linalg.lstsq", f.token, qtb.Name(), fmt.Sprint(rcond)), l)
	r := ndarray.Sub(b, Matmul(f.a, x))
	res := reduce.Sum(ndarray.Mul(r, r), reduce.Axis(0))
	if k == 0 {
		res = res.Reshape([]int{1})
	}
	sg, err := chunk.NewRegularGrid([]int{n}, []int{max(n, 1)})
	if err != nil {
		return fail(err)
	}
	rankGrid, err := chunk.NewGrid([][]int{})
	if err != nil {
		return fail(err)
	}
	rl := &rankLayer{f: f, rcond: rcond}
	rank := ndarray.NewArray(block.Int64, rankGrid, ndarray.Token("linalg.rank", f.token, fmt.Sprint(rcond)), rl)
	return LstsqResult{X: x, Residuals: res, Rank: rank, S: f.array("s", sg)}
}

// lstsqSolveOp is the small solve of Lstsq: inputs the svdsmall value and
// Qᵀb (N values, or N×K); x = Vᵀ·diag(1/s, cut at RCond·s[0])·Urᵀ·Qᵀb. With
// Rank set it returns the effective rank instead (one input).
type lstsqSolveOp struct {
	N, K  int
	RCond float64
	DType block.DType
	Rank  bool `json:",omitempty"`
}

func (*lstsqSolveOp) Kind() string { return "linalg.lstsqsolve" }

func (o *lstsqSolveOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	n, k := o.N, o.K
	bad := func(why string) error { return fmt.Errorf("%w: linalg.lstsqsolve: %s", ErrParams, why) }
	if n < 0 || k < 0 || (!o.Rank && o.DType != block.Float32 && o.DType != block.Float64) {
		return nil, bad("bad sizes or dtype")
	}
	if len(in) != map[bool]int{true: 1, false: 2}[o.Rank] {
		return nil, bad("wrong number of inputs")
	}
	sv, ok := in[0].(*block.Dense)
	if !ok || sv.DType() != block.Float64 || !chunk.EqualShape(sv.Shape(), []int{2*n + 1, n}) {
		return nil, bad("first input is not an svdsmall value")
	}
	v := block.Values[float64](sv)
	u, s, vt := v[:n*n], v[n*n:n*n+n], v[n*n+n:]
	cut := 0.0
	if n > 0 {
		cut = o.RCond * s[0]
	}
	if o.Rank {
		r := int64(0)
		for _, x := range s {
			if x > cut {
				r++
			}
		}
		return block.FromSlice([]int64{r})
	}
	c, ok := in[1].(*block.Dense)
	kk := max(k, 1)
	if !ok || !c.DType().IsFloat() || c.Len() != n*kk {
		return nil, bad("second input is not Qᵀb")
	}
	qtb := toFloat64(c)
	// y = diag(1/s)·Urᵀ·qtb, zero where s is cut
	y := make([]float64, n*kk)
	for i := range n {
		if s[i] <= cut {
			continue
		}
		for j := range kk {
			var acc float64
			for l := range n {
				acc += u[l*n+i] * qtb[l*kk+j]
			}
			y[i*kk+j] = acc / s[i]
		}
	}
	// x = Vtᵀ·y
	x := make([]float64, n*kk)
	for i := range n {
		for j := range kk {
			var acc float64
			for l := range n {
				acc += vt[l*n+i] * y[l*kk+j]
			}
			x[i*kk+j] = acc
		}
	}
	if k == 0 {
		return fromFloat64(o.DType, x, n)
	}
	return fromFloat64(o.DType, x, n, k)
}

type lstsqLayer struct {
	f   *factorization
	qtb *ndarray.Array
	op  lstsqSolveOp
}

func (l *lstsqLayer) Inputs() []*ndarray.Array { return []*ndarray.Array{l.f.a, l.qtb} }

func (l *lstsqLayer) BlockTask(b *ndarray.Builder, out *ndarray.Array, idx []int) (cluster.Task, error) {
	sk, err := l.f.svd(b)
	if err != nil {
		return cluster.Task{}, err
	}
	qk, err := b.Key(l.qtb, idx)
	if err != nil {
		return cluster.Task{}, err
	}
	op := l.op
	return cluster.Task{Op: &op, Inputs: []cluster.Key{sk, qk}, Bytes: out.Nbytes()}, nil
}

type rankLayer struct {
	f     *factorization
	rcond float64
}

func (l *rankLayer) Inputs() []*ndarray.Array { return []*ndarray.Array{l.f.a} }

func (l *rankLayer) BlockTask(b *ndarray.Builder, out *ndarray.Array, idx []int) (cluster.Task, error) {
	sk, err := l.f.svd(b)
	if err != nil {
		return cluster.Task{}, err
	}
	return cluster.Task{Op: &lstsqSolveOp{N: l.f.n, RCond: l.rcond, Rank: true}, Inputs: []cluster.Key{sk}, Bytes: 8}, nil
}
