package linalg

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// DefaultFitMemory is the largest block Polyfit lets a rechunk of the fit
// axis to one whole chunk make (256 MiB).
const DefaultFitMemory = 256 << 20

const polyfitFunc = "linalg.polyfit"

func init() {
	ndarray.RegisterBlockFunc(polyfitFunc, polyfitBlock)
}

// PolyfitOption tunes Polyfit.
type PolyfitOption func(*polyfitConfig)

type polyfitConfig struct {
	skipNaN bool
	memory  int64
}

// SkipNaN makes Polyfit fit each pixel on its valid (non-NaN) samples, as
// xarray's polyfit(skipna=True): pixels without NaN share one
// pseudo-inverse, pixels with NaN are solved one by one, and an all-NaN
// pixel gives NaN. Without it a pixel with any NaN gives NaN coefficients
// and residual, as numpy's lstsq propagates them.
func SkipNaN() PolyfitOption { return func(c *polyfitConfig) { c.skipNaN = true } }

// FitMemory sets the largest block (bytes) that making the fit axis one
// chunk may create (DefaultFitMemory when not given).
func FitMemory(bytes int64) PolyfitOption { return func(c *polyfitConfig) { c.memory = bytes } }

// PolyfitResult holds the lazy results of Polyfit.
type PolyfitResult struct {
	// Coefficients has a leading degree axis of deg+1, highest power first
	// as numpy.polyfit, then a's other axes: float64.
	Coefficients *ndarray.Array
	// Residuals is the sum of squared residuals of each pixel's fit, a's
	// shape without the fit axis: float64. It is NaN where numpy's lstsq
	// returns none (rank below deg+1 or no more samples than deg+1), as
	// xarray's polyfit_residuals.
	Residuals *ndarray.Array
}

// polyfitParams travel in every task of a fit.
type polyfitParams struct {
	Axis    int
	X       []float64
	Deg     int
	SkipNaN bool `json:",omitempty"`
}

// Polyfit fits a polynomial of degree deg along axis of a to every pixel
// (every position of the other axes): xarray's polyfit and numpy.polyfit
// applied per pixel, least squares on the Vandermonde matrix of x with
// its columns scaled to unit norm and rcond = len(x)·ε, through gonum's
// SVD. x gives the sample positions (len(x) must be a's length along axis,
// finite). The fit axis is rechunked to one chunk when it has several
// (ErrMemory when that block would exceed FitMemory: rechunk the other
// axes smaller first); each block is one task. Errors: ErrDegree for
// deg < 0, ErrShape for x of the wrong length or non-finite values, ErrAxis,
// ErrDType for non-numeric a (integers and float32 are fitted in float64).
func Polyfit(a *ndarray.Array, axis int, x []float64, deg int, opts ...PolyfitOption) PolyfitResult {
	fail := func(err error) PolyfitResult {
		e := ndarray.Errored(err)
		return PolyfitResult{Coefficients: e, Residuals: e}
	}
	cfg := polyfitConfig{memory: DefaultFitMemory}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := floatOperand("Polyfit", "a", a)
	if err != nil {
		return fail(err)
	}
	if deg < 0 {
		return fail(fmt.Errorf("%w: linalg.Polyfit: deg is %d, want >= 0", ErrDegree, deg))
	}
	ax, err := normAxes("Polyfit", "a", []int{axis}, a.Rank())
	if err != nil {
		return fail(err)
	}
	axis = ax[0]
	shape := a.Shape()
	if len(x) != shape[axis] {
		return fail(fmt.Errorf("%w: linalg.Polyfit: x has %d values, axis %d of a (shape %v) has length %d", ErrShape, len(x), axis, shape, shape[axis]))
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fail(fmt.Errorf("%w: linalg.Polyfit: x[%d] is %v", ErrShape, i, v))
		}
	}
	if deg > 1<<16 {
		return fail(fmt.Errorf("%w: linalg.Polyfit: deg %d is too large", ErrDegree, deg))
	}
	g := a.Grid()
	if g.Axis(axis).NumChunks() > 1 {
		need := int64(8 * max(shape[axis], 1))
		for i, s := range g.MaxChunkShape() {
			if i != axis {
				need *= int64(max(s, 1))
			}
		}
		if need > cfg.memory {
			return fail(fmt.Errorf("%w: linalg.Polyfit: making axis %d (length %d) one chunk gives blocks of %d bytes, over %d; rechunk the other axes smaller",
				ErrMemory, axis, shape[axis], need, cfg.memory))
		}
		sizes := make([][]int, a.Rank())
		for i := range sizes {
			sizes[i] = axisSizes(g.Axis(i))
		}
		sizes[axis] = []int{shape[axis]}
		a = a.Rechunk(chunk.Explicit(sizes...), ndarray.RechunkMemory(cfg.memory))
		if err := a.Err(); err != nil {
			return fail(fmt.Errorf("linalg.Polyfit: %w", err))
		}
		g = a.Grid()
	}
	chunks := make([][]int, a.Rank())
	for i := range chunks {
		chunks[i] = axisSizes(g.Axis(i))
	}
	chunks[axis] = []int{deg + 2}
	p := polyfitParams{Axis: axis, X: x, Deg: deg, SkipNaN: cfg.skipNaN}
	out := ndarray.MapBlocks(polyfitFunc, []*ndarray.Array{a}, block.Float64, chunks, p)
	if err := out.Err(); err != nil {
		return fail(err)
	}
	sel := make([]ndarray.Index, a.Rank())
	for i := range sel {
		sel[i] = ndarray.Sl(ndarray.None, ndarray.None, 1)
	}
	sel[axis] = ndarray.Sl(0, deg+1, 1)
	perm := []int{axis}
	for i := range a.Rank() {
		if i != axis {
			perm = append(perm, i)
		}
	}
	coef := out.Index(sel...).Transpose(perm...)
	sel[axis] = ndarray.At(deg + 1)
	return PolyfitResult{Coefficients: coef, Residuals: out.Index(sel...)}
}

// fit is the least-squares machinery of one set of sample positions:
// the scaled Vandermonde matrix and its pseudo-inverse.
type fit struct {
	n, p  int
	v     []float64 // n×p scaled Vandermonde, row-major
	scale []float64 // column norms
	pinv  []float64 // p×n
	rank  int
	rcond float64
}

func newFit(x []float64, deg int, rcond float64) (*fit, error) {
	n, p := len(x), deg+1
	f := &fit{n: n, p: p, v: make([]float64, n*p), scale: make([]float64, p), rcond: rcond}
	for i, xi := range x {
		for j := range p {
			f.v[i*p+j] = math.Pow(xi, float64(deg-j))
		}
	}
	for j := range p {
		var s float64
		for i := range n {
			s += f.v[i*p+j] * f.v[i*p+j]
		}
		f.scale[j] = math.Sqrt(s)
		if f.scale[j] == 0 {
			f.scale[j] = 1 // an all-zero column: numpy divides by 0 and gets NaN; keep it solvable
		}
		for i := range n {
			f.v[i*p+j] /= f.scale[j]
		}
	}
	var err error
	f.pinv, f.rank, err = pinv(f.v, n, p, rcond)
	return f, err
}

// pinv is the pseudo-inverse (p×n) of the n×p matrix v by SVD, singular
// values at or below rcond·s[0] cut, and the rank that leaves.
func pinv(v []float64, n, p int, rcond float64) ([]float64, int, error) {
	out := make([]float64, p*n)
	if n == 0 || p == 0 {
		return out, 0, nil
	}
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(n, p, v), mat.SVDThin) {
		return nil, 0, fmt.Errorf("linalg: SVD of the Vandermonde matrix did not converge")
	}
	s := svd.Values(nil)
	var U, V mat.Dense
	svd.UTo(&U)
	svd.VTo(&V)
	rank := 0
	for k, sk := range s {
		if sk <= rcond*s[0] {
			continue
		}
		rank++
		for i := range p {
			vik := V.At(i, k) / sk
			for j := range n {
				out[i*n+j] += vik * U.At(j, k)
			}
		}
	}
	return out, rank, nil
}

// solve fits y (length n, gathered) and writes the p coefficients and the
// residual to dst (length p+1).
func (f *fit) solve(y, dst []float64) {
	p, n := f.p, f.n
	for j := range p {
		var acc float64
		for i := range n {
			acc += f.pinv[j*n+i] * y[i]
		}
		dst[j] = acc
	}
	res := math.NaN()
	if f.rank == p && n > p {
		res = 0
		for i := range n {
			r := y[i]
			for j := range p {
				r -= f.v[i*p+j] * dst[j]
			}
			res += r * r
		}
	}
	for j := range p {
		dst[j] /= f.scale[j]
	}
	dst[p] = res
}

// polyfitBlock fits every pixel of one block whose fit axis is whole. Its
// output has the fit axis replaced by deg+1 coefficients and the residual.
func polyfitBlock(ctx context.Context, in []*block.Dense, p polyfitParams, info ndarray.BlockInfo) (*block.Dense, error) {
	if len(in) != 1 || p.Axis < 0 || p.Axis >= in[0].Rank() || p.Deg < 0 || p.Deg > 1<<16 || len(p.X) != in[0].Shape()[p.Axis] {
		return nil, fmt.Errorf("%w: linalg.polyfit: params %d axis, %d x values, degree %d for a block of shape %v", ErrParams, p.Axis, len(p.X), p.Deg, in[0].Shape())
	}
	src := in[0]
	shape := src.Shape()
	n, np := shape[p.Axis], p.Deg+1
	outer := prod(shape[:p.Axis])
	inner := prod(shape[p.Axis+1:])
	oshape := append([]int(nil), shape...)
	oshape[p.Axis] = np + 1
	rcond := float64(n) * 0x1p-52
	full, err := newFit(p.X, p.Deg, rcond)
	if err != nil {
		return nil, err
	}
	data := toFloat64(src)
	out := make([]float64, outer*(np+1)*inner)
	y := make([]float64, n)
	res := make([]float64, np+1)
	for o := range outer {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i := range inner {
			nan := 0
			for t := range n {
				y[t] = data[(o*n+t)*inner+i]
				if math.IsNaN(y[t]) {
					nan++
				}
			}
			switch {
			case nan == 0:
				full.solve(y, res)
			case !p.SkipNaN || nan == n:
				for j := range res {
					res[j] = math.NaN()
				}
			default:
				if err := subsetFit(full, p.X, y, res); err != nil {
					return nil, err
				}
			}
			for j := range np + 1 {
				out[(o*(np+1)+j)*inner+i] = res[j]
			}
		}
	}
	return block.FromSlice(out, oshape...)
}

// subsetFit solves one pixel on its non-NaN samples with the rows of the
// full fit's scaled Vandermonde matrix (xarray scales by the norms of the
// whole x and keeps rcond = len(x)·ε).
func subsetFit(full *fit, x, y, dst []float64) error {
	p := full.p
	var v, ys []float64
	for t := range x {
		if !math.IsNaN(y[t]) {
			v = append(v, full.v[t*p:(t+1)*p]...)
			ys = append(ys, y[t])
		}
	}
	m := len(ys)
	pi, rank, err := pinv(v, m, p, full.rcond)
	if err != nil {
		return err
	}
	sub := &fit{n: m, p: p, v: v, scale: full.scale, pinv: pi, rank: rank}
	sub.solve(ys, dst)
	return nil
}

// PolyVal evaluates polynomials with coefficients along the leading axis
// of coeffs (highest power first, as Polyfit returns them and numpy's
// polyval reads them) at the positions x: the result has shape (len(x),
// coeffs' other axes…), Horner's rule as lazy elementwise ops (one fused
// task per block). Errors: ErrShape for a coeffs of rank 0 or an empty
// degree axis, ErrDType as Matmul.
func PolyVal(coeffs *ndarray.Array, x []float64) *ndarray.Array {
	c, err := floatOperand("PolyVal", "coeffs", coeffs)
	if err != nil {
		return ndarray.Errored(err)
	}
	if c.Rank() == 0 || c.Shape()[0] == 0 {
		return ndarray.Errored(fmt.Errorf("%w: linalg.PolyVal: coeffs of shape %v, want a leading degree axis", ErrShape, c.Shape()))
	}
	xs := make([]int, c.Rank())
	for i := range xs {
		xs[i] = 1
	}
	xs[0] = len(x)
	xd, err := block.FromSlice(append([]float64(nil), x...), xs...)
	if err != nil {
		return ndarray.Errored(err)
	}
	xa := ndarray.FromDense(xd, chunk.Uniform(-1))
	term := func(k int) *ndarray.Array { return c.Index(ndarray.Sl(k, k+1, 1)) }
	y := ndarray.Mul(term(0), ndarray.Ones(block.Float64, xs, chunk.Uniform(-1)))
	for k := 1; k < c.Shape()[0]; k++ {
		y = ndarray.Add(ndarray.Mul(y, xa), term(k))
	}
	return y
}
