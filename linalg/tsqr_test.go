package linalg_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/linalg"
	"github.com/tessera-array/tessera/ndarray"
)

type tsqrCase struct {
	Name       string `json:"name"`
	M, N       int
	A          nums `json:"a"`
	B          nums `json:"b"`
	R          nums `json:"r"`
	S          nums `json:"s"`
	X          nums `json:"x"`
	Residuals  nums `json:"residuals"`
	Rank       int  `json:"rank"`
	X1         nums `json:"x1"`
	Residuals1 nums `json:"residuals1"`
}

func abs(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Abs(x)
	}
	return out
}

// matmulT is aᵀ·b for row-major a (m×n) and b (m×k).
func matmulT(a, b []float64, m, n, k int) []float64 {
	c := make([]float64, n*k)
	for i := range m {
		for p := range n {
			for q := range k {
				c[p*k+q] += a[i*n+p] * b[i*k+q]
			}
		}
	}
	return c
}

func identity(n int) []float64 {
	e := make([]float64, n*n)
	for i := range n {
		e[i*n+i] = 1
	}
	return e
}

// TestTSQRGolden checks TSQR, SVD and Lstsq against numpy
// (testdata/gen_tsqr.py) for row chunks that give one block, blocks
// shorter than wide, and many blocks: Q·R = A, QᵀQ = I, |R| and S equal to
// numpy's (QR and SVD are unique up to signs), U·diag(S)·Vt = A, and
// lstsq's solution, residuals and rank.
func TestTSQRGolden(t *testing.T) {
	var cases []tsqrCase
	loadJSON(t, "testdata/tsqr_golden.json", &cases)
	require.NotEmpty(t, cases)
	ctx := context.Background()
	for _, c := range cases {
		for _, rows := range []int{-1, 2, 13, 97} {
			t.Run(fmt.Sprintf("%s/rows%d", c.Name, rows), func(t *testing.T) {
				a := lazy(t, "float64", c.A, []int{c.M, c.N}, chunk.PerAxis(rows, -1))
				q, r := linalg.TSQR(a)
				qd, rd := compute(t, q), compute(t, r)
				require.Equal(t, []int{c.M, c.N}, qd.Shape())
				require.Equal(t, []int{c.N, c.N}, rd.Shape())
				qv, rv := qd.Float64s(), rd.Float64s()
				qr := make([]float64, c.M*c.N)
				for i := range c.M {
					for j := range c.N {
						for l := range c.N {
							qr[i*c.N+j] += qv[i*c.N+l] * rv[l*c.N+j]
						}
					}
				}
				i, ok := closeTo(qr, c.A, 1e-12)
				assert.True(t, ok, "Q·R differs from A at %d", i)
				if c.R != nil {
					i, ok = closeTo(matmulT(qv, qv, c.M, c.N, c.N), identity(c.N), 1e-12)
					assert.True(t, ok, "QᵀQ differs from I at %d", i)
					i, ok = closeTo(abs(rv), abs(c.R), 1e-12)
					assert.True(t, ok, "|R| differs from numpy's at %d", i)
				}
				u, s, vt := linalg.SVD(a)
				ud, sd, vd := compute(t, u), compute(t, s), compute(t, vt)
				i, ok = closeTo(sd.Float64s(), c.S, 1e-12)
				assert.True(t, ok, "S differs from numpy's at %d", i)
				uv, sv, vv := ud.Float64s(), sd.Float64s(), vd.Float64s()
				usv := make([]float64, c.M*c.N)
				for i := range c.M {
					for j := range c.N {
						for l := range c.N {
							usv[i*c.N+j] += uv[i*c.N+l] * sv[l] * vv[l*c.N+j]
						}
					}
				}
				i, ok = closeTo(usv, c.A, 1e-12)
				assert.True(t, ok, "U·S·Vt differs from A at %d", i)

				b := lazy(t, "float64", c.B, []int{c.M, 2}, chunk.PerAxis(max(rows, 5), 1))
				res := linalg.Lstsq(a, b, -1)
				i, ok = closeTo(compute(t, res.X).Float64s(), c.X, 1e-10)
				assert.True(t, ok, "x differs from numpy's at %d", i)
				rank, err := res.Rank.Int64(ctx)
				require.NoError(t, err)
				assert.Equal(t, int64(c.Rank), rank)
				if len(c.Residuals) > 0 {
					i, ok = closeTo(compute(t, res.Residuals).Float64s(), c.Residuals, 1e-10)
					assert.True(t, ok, "residuals differ from numpy's at %d", i)
				}
				if c.X1 != nil {
					b1 := lazy(t, "float64", c.B, []int{c.M, 2}, chunk.PerAxis(7, -1)).Index(ndarray.Sl(ndarray.None, ndarray.None, 1), ndarray.At(0))
					r1 := linalg.Lstsq(a, b1, -1)
					i, ok = closeTo(compute(t, r1.X).Float64s(), c.X1, 1e-10)
					assert.True(t, ok, "1-D x differs at %d", i)
					if len(c.Residuals1) > 0 {
						rd := compute(t, r1.Residuals)
						assert.Equal(t, []int{1}, rd.Shape())
						i, ok = closeTo(rd.Float64s(), c.Residuals1, 1e-10)
						assert.True(t, ok, "1-D residuals differ at %d", i)
					}
				}
			})
		}
	}
}

func TestTSQRFloat32(t *testing.T) {
	a := ndarray.RandomNormal([]int{200, 5}, chunk.PerAxis(30, -1), 3).AsType(block.Float32, block.OverflowError)
	q, r := linalg.TSQR(a)
	assert.Equal(t, block.Float32, q.DType())
	assert.Equal(t, block.Float32, r.DType())
	qv := compute(t, q).Float64s()
	i, ok := closeTo(matmulT(qv, qv, 200, 5, 5), identity(5), 1e-5)
	assert.True(t, ok, "QᵀQ differs from I at %d", i)
}

func TestTSQRErrors(t *testing.T) {
	m := func(shape []int, spec chunk.Spec) *ndarray.Array { return ndarray.Zeros(block.Float64, shape, spec) }
	wide, _ := linalg.TSQR(m([]int{3, 5}, chunk.Uniform(-1)))
	cols, _ := linalg.TSQR(m([]int{30, 5}, chunk.Uniform(2)))
	rank3, _, _ := linalg.SVD(m([]int{3, 3, 3}, chunk.Uniform(-1)))
	many, _ := linalg.TSQR(m([]int{400000, 100}, chunk.PerAxis(10, -1)))
	str, _ := linalg.TSQR(ndarray.Zeros(block.Bool, []int{4, 2}, chunk.Auto()))
	lb := linalg.Lstsq(m([]int{30, 5}, chunk.PerAxis(7, -1)), m([]int{29}, chunk.Auto()), -1)
	for _, tc := range []struct {
		name string
		a    *ndarray.Array
		err  error
		msg  string
	}{
		{"wider than tall", wide, linalg.ErrChunking, "wider than tall"},
		{"column chunks", cols, linalg.ErrChunking, "3 chunks along its columns"},
		{"rank", rank3, linalg.ErrShape, "want a matrix"},
		{"stack budget", many, linalg.ErrMemory, "40000 row blocks"},
		{"dtype", str, linalg.ErrDType, "bool"},
		{"lstsq rows", lb.X, linalg.ErrShape, "b has shape [29]"},
		{"lstsq rank", lb.Rank, linalg.ErrShape, "b has shape [29]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Err()
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func ExampleSVD() {
	// A 1000×3 matrix whose columns are 1, 2 and 3 times one column:
	// rank 1, so one singular value is non-zero (√14 · 0.01 · √1000).
	col := ndarray.Full(block.Float64, 0.01, []int{1000, 1}, chunk.PerAxis(250, -1))
	a := ndarray.Concatenate([]*ndarray.Array{col, col.Mul(2.0), col.Mul(3.0)}, 1).Rechunk(chunk.PerAxis(250, -1))
	_, s, _ := linalg.SVD(a)
	d, err := s.Compute(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.4f %v\n", d.Float64(0), d.Float64(1) < 1e-12)
	// Output: 1.1832 true
}

func ExampleTSQR() {
	// A 6×2 matrix in three row blocks: Q has its row chunks, R is 2×2.
	d, _ := block.FromSlice([]float64{3, 0, 0, 1, 0, 0, 4, 0, 0, 0, 0, 0}, 6, 2)
	q, r := linalg.TSQR(ndarray.FromDense(d, chunk.PerAxis(2, -1)))
	rd, err := r.Compute(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Chunks(), math.Abs(rd.At(0, 0)), math.Abs(rd.At(1, 1)), rd.At(1, 0))
	// Output: [[2 2 2] [2]] 5 1 0
}
