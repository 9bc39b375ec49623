package linalg

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// DefaultTSQRMemory is the most bytes the one task that stacks and factors
// the R factors of all row blocks of TSQR may hold (256 MiB): about
// 2·(blocks·n)·n·8 bytes for n columns.
const DefaultTSQRMemory = 256 << 20

func init() {
	cluster.Register("linalg.qrblock", func() cluster.Op { return &qrBlockOp{} })
	cluster.Register("linalg.qrstack", func() cluster.Op { return &qrStackOp{} })
	cluster.Register("linalg.svdsmall", func() cluster.Op { return &svdSmallOp{} })
	cluster.Register("linalg.qrpart", func() cluster.Op { return &qrPartOp{} })
}

// qrBlockOp factors one row block A_i (m_i×n) as Q_i·R_i. Its value is a
// float64 block of m_i+r_i rows (r_i = min(m_i, n)): Q_i in the first r_i
// columns of the first m_i rows, then R_i (r_i×n). A block shorter than
// wide is its own R (Q_i = I).
type qrBlockOp struct{ N int }

func (*qrBlockOp) Kind() string { return "linalg.qrblock" }

func (o *qrBlockOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("%w: linalg.qrblock: %d inputs", ErrParams, len(in))
	}
	d, ok := in[0].(*block.Dense)
	if !ok || d.Rank() != 2 || d.Shape()[1] != o.N || !d.DType().IsFloat() {
		return nil, fmt.Errorf("%w: linalg.qrblock: input is not a float matrix of %d columns", ErrParams, o.N)
	}
	m, n := d.Shape()[0], o.N
	a := toFloat64(d)
	r := min(m, n)
	out := make([]float64, (m+r)*n)
	if m >= n {
		q, rr := thinQR(a, m, n)
		copy(out, q)
		copy(out[m*n:], rr)
	} else {
		for i := range m {
			out[i*n+i] = 1
		}
		copy(out[m*n:], a)
	}
	return block.FromSlice(out, m+r, n)
}

// qrStackOp stacks the R_i of every row block (heights r_i = min(Rows[i],
// N)) and factors the stack as Q2·R. Its value is Q2 (Σr_i × N) then R
// (N×N), as one float64 block.
type qrStackOp struct {
	N    int
	Rows []int
}

func (*qrStackOp) Kind() string { return "linalg.qrstack" }

func (o *qrStackOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if len(in) != len(o.Rows) || o.N < 0 {
		return nil, fmt.Errorf("%w: linalg.qrstack: %d inputs for %d blocks", ErrParams, len(in), len(o.Rows))
	}
	n := o.N
	var stack []float64
	for i, v := range in {
		d, ok := v.(*block.Dense)
		m := o.Rows[i]
		if m < 0 || !ok || d.DType() != block.Float64 || !chunk.EqualShape(d.Shape(), []int{m + min(m, n), n}) {
			return nil, fmt.Errorf("%w: linalg.qrstack: input %d does not hold the factors of a %d×%d block", ErrParams, i, m, n)
		}
		stack = append(stack, block.Values[float64](d)[m*n:]...)
	}
	h := len(stack) / max(n, 1)
	if n == 0 {
		h = 0
		for _, m := range o.Rows {
			h += min(m, n)
		}
	}
	if h < n {
		return nil, fmt.Errorf("%w: linalg.qrstack: %d stacked rows for %d columns", ErrParams, h, n)
	}
	q2, r := thinQR(stack, h, n)
	return block.FromSlice(append(q2, r...), h+n, n)
}

// svdSmallOp takes the SVD of the R in a qrstack value: R = Ur·diag(s)·Vt.
// Its value is Ur (N×N), s (one row) and Vt (N×N) as one float64 block.
type svdSmallOp struct{ N int }

func (*svdSmallOp) Kind() string { return "linalg.svdsmall" }

func (o *svdSmallOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	d, ok := single(in)
	n := o.N
	if !ok || d.Rank() != 2 || d.Shape()[1] != n || d.Shape()[0] < n || d.DType() != block.Float64 {
		return nil, fmt.Errorf("%w: linalg.svdsmall: input is not a qrstack value of %d columns", ErrParams, n)
	}
	v := block.Values[float64](d)
	u, s, vt, err := smallSVD(v[len(v)-n*n:], n)
	if err != nil {
		return nil, err
	}
	return block.FromSlice(append(append(u, s...), vt...), 2*n+1, n)
}

func single(in []cluster.Value) (*block.Dense, bool) {
	if len(in) != 1 {
		return nil, false
	}
	d, ok := in[0].(*block.Dense)
	return d, ok
}

// qrPartOp extracts one block of a result of TSQR or SVD: "q" and "u" for
// row block Block (inputs: its qrblock value, the qrstack value, and for
// "u" the svdsmall value), "r" (the qrstack value), "s" and "vt" (the
// svdsmall value).
type qrPartOp struct {
	Part  string
	Block int
	Rows  []int
	N     int
	DType block.DType
}

func (*qrPartOp) Kind() string { return "linalg.qrpart" }

func (o *qrPartOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	bad := func(why string) error { return fmt.Errorf("%w: linalg.qrpart %q: %s", ErrParams, o.Part, why) }
	if o.DType != block.Float32 && o.DType != block.Float64 {
		return nil, bad("dtype " + o.DType.String())
	}
	n := o.N
	ds := make([]*block.Dense, len(in))
	for i, v := range in {
		d, ok := v.(*block.Dense)
		if !ok || d.DType() != block.Float64 || d.Rank() != 2 || d.Shape()[1] != n {
			return nil, bad(fmt.Sprintf("input %d is not a factor block of %d columns", i, n))
		}
		ds[i] = d
	}
	switch o.Part {
	case "r":
		if len(ds) != 1 || ds[0].Shape()[0] < n {
			return nil, bad("want the qrstack value")
		}
		v := block.Values[float64](ds[0])
		return fromFloat64(o.DType, append([]float64(nil), v[len(v)-n*n:]...), n, n)
	case "s", "vt":
		if len(ds) != 1 || ds[0].Shape()[0] != 2*n+1 {
			return nil, bad("want the svdsmall value")
		}
		v := block.Values[float64](ds[0])
		if o.Part == "s" {
			return fromFloat64(o.DType, append([]float64(nil), v[n*n:n*n+n]...), n)
		}
		return fromFloat64(o.DType, append([]float64(nil), v[n*n+n:]...), n, n)
	case "q", "u":
		if o.Block < 0 || o.Block >= len(o.Rows) || len(ds) != map[string]int{"q": 2, "u": 3}[o.Part] {
			return nil, bad("block or inputs out of range")
		}
		m := o.Rows[o.Block]
		r := min(m, n)
		off := 0
		for _, x := range o.Rows[:o.Block] {
			if x < 0 {
				return nil, bad("negative rows")
			}
			off += min(x, n)
		}
		if m < 0 || ds[0].Shape()[0] != m+r || ds[1].Shape()[0] < off+r+n {
			return nil, bad("factor blocks of the wrong height")
		}
		// Q_i (m×r, the first r columns of its block) · Q2[off:off+r, :]
		qi := block.Values[float64](ds[0])[:m*n]
		q1 := make([]float64, m*r)
		for i := range m {
			copy(q1[i*r:(i+1)*r], qi[i*n:i*n+r])
		}
		q := matmulRM(q1, block.Values[float64](ds[1])[off*n:(off+r)*n], m, r, n)
		if o.Part == "u" {
			if ds[2].Shape()[0] != 2*n+1 {
				return nil, bad("want the svdsmall value")
			}
			q = matmulRM(q, block.Values[float64](ds[2])[:n*n], m, n, n)
		}
		return fromFloat64(o.DType, q, m, n)
	}
	return nil, bad("unknown part")
}

// factorization is the plan shared by the arrays of one TSQR or SVD: the
// tasks of the row blocks, the stack and the small SVD are keyed by its
// token, so Q, R, U, S and Vt of one matrix share them.
type factorization struct {
	a     *ndarray.Array
	dt    block.DType
	n     int
	rows  []int
	token string
}

func (f *factorization) stage1(b *ndarray.Builder, i int) (cluster.Key, error) {
	k := cluster.Key(fmt.Sprintf("%s-qr1-%d", f.token, i))
	if b.Graph().Has(k) {
		return k, nil
	}
	in, err := b.Key(f.a, []int{i, 0})
	if err != nil {
		return "", err
	}
	m := f.rows[i]
	bytes := int64(m+min(m, f.n)) * int64(f.n) * 8
	return k, b.Graph().Add(cluster.Task{Key: k, Op: &qrBlockOp{N: f.n}, Inputs: []cluster.Key{in}, Bytes: bytes, Scratch: bytes})
}

func (f *factorization) stackRows() int64 {
	var h int64
	for _, m := range f.rows {
		h += int64(min(m, f.n))
	}
	return h
}

func (f *factorization) stage2(b *ndarray.Builder) (cluster.Key, error) {
	k := cluster.Key(f.token + "-qr2")
	if b.Graph().Has(k) {
		return k, nil
	}
	if err := b.Reserve(len(f.rows)+2, "linalg TSQR "+f.token); err != nil {
		return "", err
	}
	keys := make([]cluster.Key, len(f.rows))
	for i := range f.rows {
		var err error
		if keys[i], err = f.stage1(b, i); err != nil {
			return "", err
		}
	}
	bytes := (f.stackRows() + int64(f.n)) * int64(f.n) * 8
	return k, b.Graph().Add(cluster.Task{Key: k, Op: &qrStackOp{N: f.n, Rows: f.rows}, Inputs: keys, Bytes: bytes, Scratch: bytes})
}

func (f *factorization) svd(b *ndarray.Builder) (cluster.Key, error) {
	k := cluster.Key(f.token + "-svd")
	if b.Graph().Has(k) {
		return k, nil
	}
	s2, err := f.stage2(b)
	if err != nil {
		return "", err
	}
	bytes := int64(2*f.n+1) * int64(f.n) * 8
	return k, b.Graph().Add(cluster.Task{Key: k, Op: &svdSmallOp{N: f.n}, Inputs: []cluster.Key{s2}, Bytes: bytes, Scratch: 4 * bytes})
}

// partLayer is the layer of one array of a factorization.
type partLayer struct {
	f    *factorization
	part string
}

func (l *partLayer) Inputs() []*ndarray.Array { return []*ndarray.Array{l.f.a} }

func (l *partLayer) BlockTask(b *ndarray.Builder, out *ndarray.Array, idx []int) (cluster.Task, error) {
	f := l.f
	op := &qrPartOp{Part: l.part, N: f.n, DType: f.dt}
	bytes := chunk.Size(out.Grid().BlockShape(idx)) * int64(f.dt.Size())
	var inputs []cluster.Key
	add := func(k cluster.Key, err error) error {
		inputs = append(inputs, k)
		return err
	}
	var err error
	switch l.part {
	case "r":
		err = add(f.stage2(b))
	case "s", "vt":
		err = add(f.svd(b))
	default:
		op.Block, op.Rows = idx[0], f.rows
		if err = add(f.stage1(b, idx[0])); err == nil {
			err = add(f.stage2(b))
		}
		if err == nil && l.part == "u" {
			err = add(f.svd(b))
		}
	}
	if err != nil {
		return cluster.Task{}, err
	}
	return cluster.Task{Op: op, Inputs: inputs, Bytes: bytes}, nil
}

// newFactorization checks that a suits TSQR: a 2-D float (or integer)
// array, at least as tall as wide, in one column chunk, whose stacked R
// factors fit DefaultTSQRMemory.
func newFactorization(op string, a *ndarray.Array) (*factorization, error) {
	a, err := floatOperand(op, "a", a)
	if err != nil {
		return nil, err
	}
	if a.Rank() != 2 {
		return nil, fmt.Errorf("%w: linalg.%s: a has shape %v, want a matrix", ErrShape, op, a.Shape())
	}
	m, n := a.Shape()[0], a.Shape()[1]
	g := a.Grid()
	if g.Axis(1).NumChunks() != 1 {
		return nil, fmt.Errorf("%w: linalg.%s: a (shape %v) has %d chunks along its columns; TSQR needs one column chunk (rechunk axis 1 whole)",
			ErrChunking, op, a.Shape(), g.Axis(1).NumChunks())
	}
	if m < n {
		return nil, fmt.Errorf("%w: linalg.%s: a (shape %v) is wider than tall; TSQR needs rows >= columns", ErrChunking, op, a.Shape())
	}
	f := &factorization{a: a, dt: a.DType(), n: n, rows: axisSizes(g.Axis(0))}
	if need := 2 * (float64(f.stackRows()) + float64(n)) * float64(n) * 8; need > DefaultTSQRMemory {
		return nil, fmt.Errorf("%w: linalg.%s: stacking the R factors of %d row blocks of %d columns needs %.0f MiB, over %d MiB; use fewer, taller row chunks",
			ErrMemory, op, len(f.rows), n, math.Ceil(need/(1<<20)), DefaultTSQRMemory>>20)
	}
	f.token = ndarray.Token("linalg.tsqr", a.Name())
	return f, nil
}

func (f *factorization) array(part string, grid *chunk.Grid) *ndarray.Array {
	return ndarray.NewArray(f.dt, grid, f.token+"-"+part, &partLayer{f: f, part: part})
}

// TSQR factors the tall-and-skinny matrix a (m×n, m >= n, one chunk along
// its columns, any chunks along its rows) as a = Q·R, with Q (m×n, a's
// row chunks, orthonormal columns) and R (n×n, upper triangular, one
// chunk), as numpy's qr in "reduced" mode and dask's tsqr (Benson, Gleich
// and Demmel 2013): each row block is factored with Householder QR
// (gonum's LAPACK), the R factors are stacked and factored again in one
// task, and each block of Q is its block's Q times its slice of the second
// Q. The signs of rows of R (and columns of Q) may differ from numpy's, as
// QR is unique only up to them.
//
// The stacking task holds about 2·(blocks·n + n)·n·8 bytes and must fit
// DefaultTSQRMemory (ErrMemory otherwise: use fewer row chunks); there is
// one level of stacking, not a tree. Float32 is factored in float64 and
// returned as float32; integers give float64. Errors: ErrChunking for a
// matrix split along its columns or wider than tall, ErrShape for another
// rank, ErrDType.
func TSQR(a *ndarray.Array) (q, r *ndarray.Array) {
	f, err := newFactorization("TSQR", a)
	if err != nil {
		return ndarray.Errored(err), ndarray.Errored(err)
	}
	g := f.a.Grid()
	rg, err := chunk.NewRegularGrid([]int{f.n, f.n}, []int{max(f.n, 1), max(f.n, 1)})
	if err != nil {
		return ndarray.Errored(err), ndarray.Errored(err)
	}
	return f.array("q", g), f.array("r", rg)
}

// SVD is the thin singular value decomposition of a tall-and-skinny matrix
// a = U·diag(S)·Vt, numpy's svd(a, full_matrices=False) and dask's svd:
// TSQR, then the SVD of the small R (gonum) in one task, and U = Q·Ur per
// row block. U has a's row chunks, S (n,) and Vt (n×n) one chunk each; S
// is in decreasing order. Signs of singular vector pairs may differ from
// numpy's. Requirements and errors as TSQR.
func SVD(a *ndarray.Array) (u, s, vt *ndarray.Array) {
	f, err := newFactorization("SVD", a)
	if err != nil {
		e := ndarray.Errored(err)
		return e, e, e
	}
	one := max(f.n, 1)
	sg, err1 := chunk.NewRegularGrid([]int{f.n}, []int{one})
	vg, err2 := chunk.NewRegularGrid([]int{f.n, f.n}, []int{one, one})
	if err1 != nil || err2 != nil {
		e := ndarray.Errored(fmt.Errorf("linalg.SVD: %v %v", err1, err2))
		return e, e, e
	}
	return f.array("u", f.a.Grid()), f.array("s", sg), f.array("vt", vg)
}
