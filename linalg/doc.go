// Package linalg is chunked linear algebra on lazy arrays, with gonum for
// the blocks: matrix products and tensor contractions with a tree sum over
// the contracted axis, tall-and-skinny QR and the SVD built on it, least
// squares, and per-pixel polynomial fits along an axis.
//
// Every function returns lazy *ndarray.Array values whose recipe is a
// graph of registered ops (linalg.gemm, linalg.add, linalg.qrblock,
// linalg.qrstack, linalg.svdsmall, linalg.qrpart, linalg.lstsqsolve and the
// block function linalg.polyfit) with plain parameters, so it runs the
// same on every executor; each op checks its parameters against its inputs
// and refuses malformed ones with ErrParams.
//
// Products: Matmul (numpy's matmul, batch axes broadcast), Dot and
// Tensordot compute each output block as Σ_k A_k·B_k over the blocks of
// the contracted axes: FanIn block pairs accumulate in one gemm task, and
// partial sums are added FanIn at a time in a fixed order, so a block's
// sum never waits on all of its inputs at once and every executor gives
// the same bits.
//
// Factorizations: TSQR (Benson, Gleich and Demmel's tall-and-skinny QR,
// as dask's tsqr) factors each row block, stacks the small R factors and
// factors them again in one task whose size is checked against
// DefaultTSQRMemory; SVD takes the SVD of the final R, and Lstsq solves
// least squares through it, as numpy.linalg.lstsq.
//
// Fits: Polyfit fits a polynomial along one axis of every pixel, as
// xarray's polyfit (highest power first, residuals per pixel, SkipNaN for
// per-pixel fits on valid samples), and PolyVal evaluates the result.
//
// Dtypes: float32 stays float32 in products and factorizations; integers
// are converted to float64; bool, complex, string and time dtypes are
// refused with ErrDType. Blocks use gonum's pure-Go BLAS and LAPACK by
// default (blas64.Use swaps in another implementation, such as gonum's
// netlib binding to OpenBLAS).
package linalg
