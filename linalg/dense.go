package linalg

import (
	"fmt"

	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/tessera-array/tessera/block"
)

// The in-memory kernels of TSQR, SVD and the fits, on row-major float64
// matrices (float32 blocks are computed in float64).

var lapackImpl gonum.Implementation

// thinQR factors the m×n matrix a (row-major, m >= n) into a thin Q (m×n,
// orthonormal columns) and an upper triangular R (n×n) with Householder
// reflections (LAPACK's dgeqrf and dorgqr, as numpy's qr).
func thinQR(a []float64, m, n int) (q, r []float64) {
	q = append([]float64(nil), a...)
	r = make([]float64, n*n)
	if n == 0 {
		return q, r
	}
	tau := make([]float64, n)
	work := make([]float64, 1)
	lapackImpl.Dgeqrf(m, n, q, n, tau, work, -1) // workspace queries
	lw := work[0]
	lapackImpl.Dorgqr(m, n, n, q, n, tau, work, -1)
	work = make([]float64, max(int(lw), int(work[0]), n))
	lapackImpl.Dgeqrf(m, n, q, n, tau, work, len(work))
	for i := range n {
		copy(r[i*n+i:(i+1)*n], q[i*n+i:(i+1)*n])
	}
	lapackImpl.Dorgqr(m, n, n, q, n, tau, work, len(work))
	return q, r
}

// smallSVD is the thin SVD of the n×n matrix r: r = u·diag(s)·vt, s in
// decreasing order.
func smallSVD(r []float64, n int) (u, s, vt []float64, err error) {
	if n == 0 {
		return nil, nil, nil, nil
	}
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(n, n, append([]float64(nil), r...)), mat.SVDThin) {
		return nil, nil, nil, fmt.Errorf("linalg: SVD did not converge")
	}
	s = svd.Values(nil)
	var U, V mat.Dense
	svd.UTo(&U)
	svd.VTo(&V)
	u = make([]float64, n*n)
	vt = make([]float64, n*n)
	for i := range n {
		for j := range n {
			u[i*n+j] = U.At(i, j)
			vt[i*n+j] = V.At(j, i)
		}
	}
	return u, s, vt, nil
}

// matmulRM is the row-major product of the m×k matrix a and the k×n
// matrix b.
func matmulRM(a, b []float64, m, k, n int) []float64 {
	c := make([]float64, m*n)
	if m == 0 || n == 0 || k == 0 {
		return c
	}
	mat.NewDense(m, n, c).Mul(mat.NewDense(m, k, a), mat.NewDense(k, n, b))
	return c
}

// toFloat64 returns the values of a float block as float64.
func toFloat64(d *block.Dense) []float64 {
	if d.DType() == block.Float64 {
		return block.Values[float64](d)
	}
	return d.Float64s()
}

// fromFloat64 makes a block of dtype dt and the given shape from vals.
func fromFloat64(dt block.DType, vals []float64, shape ...int) (*block.Dense, error) {
	d, err := block.FromSlice(vals, shape...)
	if err != nil || dt == block.Float64 {
		return d, err
	}
	return d.AsType(dt, block.CastOptions{})
}
