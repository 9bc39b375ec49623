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

type polyfitCase struct {
	Name      string `json:"name"`
	Peer      string `json:"peer"`
	DType     string `json:"dtype"`
	X         nums   `json:"x"`
	Deg       int    `json:"deg"`
	Shape     []int  `json:"shape"`
	Y         nums   `json:"y"`
	SkipNA    bool   `json:"skipna"`
	Coef      nums   `json:"coef"`
	CoefShape []int  `json:"coef_shape"`
	Residuals nums   `json:"residuals"`
}

// TestPolyfitGolden compares Polyfit with numpy.polyfit and xarray's
// polyfit(skipna=True) (testdata/gen_polyfit.py), under chunkings that
// split the fit axis (rechunked whole) and the pixel axes, and along a
// non-leading axis (the data transposed).
func TestPolyfitGolden(t *testing.T) {
	var cases []polyfitCase
	loadJSON(t, "testdata/polyfit_golden.json", &cases)
	require.NotEmpty(t, cases)
	for _, c := range cases {
		for _, spec := range []chunk.Spec{chunk.Uniform(-1), chunk.Uniform(3), chunk.Uniform(7)} {
			for _, moved := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%v/moved=%v", c.Name, spec, moved), func(t *testing.T) {
					a := lazy(t, c.DType, c.Y, c.Shape, spec)
					axis := 0
					if moved {
						// put the fit axis last
						perm := make([]int, len(c.Shape))
						for i := range perm {
							perm[i] = (i + 1) % len(c.Shape)
						}
						a = a.Transpose(perm...)
						axis = -1
					}
					var opts []linalg.PolyfitOption
					if c.SkipNA {
						opts = append(opts, linalg.SkipNaN())
					}
					r := linalg.Polyfit(a, axis, c.X, c.Deg, opts...)
					cd, rd := compute(t, r.Coefficients), compute(t, r.Residuals)
					assert.Equal(t, block.Float64, cd.DType())
					got, gotR := cd.Float64s(), rd.Float64s()
					// moving the fit axis keeps the other axes in order, so the
					// results compare as they are
					assert.Equal(t, c.CoefShape, cd.Shape())
					tol := 1e-9
					if c.DType == "float32" {
						tol = 1e-5
					}
					i, ok := closeTo(got, c.Coef, tol)
					assert.True(t, ok, "coefficient %d: got %v want %v", i, at(got, i), at(c.Coef, i))
					i, ok = closeTo(gotR, c.Residuals, tol)
					assert.True(t, ok, "residual %d: got %v want %v", i, at(gotR, i), at(c.Residuals, i))
				})
			}
		}
	}
}

func at(v []float64, i int) float64 {
	if i < 0 || i >= len(v) {
		return math.NaN()
	}
	return v[i]
}

// TestPolyfitNaNWithoutSkip checks numpy's propagation: a pixel with a
// NaN gets NaN coefficients, its neighbours are unaffected.
func TestPolyfitNaNWithoutSkip(t *testing.T) {
	y := []float64{1, 10, 2, 20, math.NaN(), 30, 4, 40}
	a := lazy(t, "float64", y, []int{4, 2}, chunk.Uniform(2))
	r := linalg.Polyfit(a, 0, []float64{0, 1, 2, 3}, 1)
	c := compute(t, r.Coefficients).Float64s()
	assert.True(t, math.IsNaN(c[0]) && math.IsNaN(c[2]))
	assert.InDelta(t, 10, c[1], 1e-12)
	assert.InDelta(t, 10, c[3], 1e-12)
}

func TestPolyVal(t *testing.T) {
	// two pixels: 1 + 2x and 3x² - 1
	coef := lazy(t, "float64", []float64{0, 3, 2, 0, 1, -1}, []int{3, 2}, chunk.Uniform(1))
	d := compute(t, linalg.PolyVal(coef, []float64{0, 1, 2}))
	assert.Equal(t, []int{3, 2}, d.Shape())
	assert.Equal(t, []float64{1, -1, 3, 2, 5, 11}, d.Float64s())
	assert.ErrorIs(t, linalg.PolyVal(ndarray.Full(block.Float64, 1, nil, chunk.Auto()), []float64{1}).Err(), linalg.ErrShape)
}

func TestPolyfitErrors(t *testing.T) {
	a := ndarray.Zeros(block.Float64, []int{10, 4}, chunk.Uniform(3))
	x := make([]float64, 10)
	big := ndarray.Zeros(block.Float64, []int{1000, 1000}, chunk.PerAxis(10, 1000))
	nanX := append([]float64(nil), x...)
	nanX[4] = math.NaN()
	for _, tc := range []struct {
		name string
		r    linalg.PolyfitResult
		err  error
		msg  string
	}{
		{"negative degree", linalg.Polyfit(a, 0, x, -1), linalg.ErrDegree, "deg is -1"},
		{"x length", linalg.Polyfit(a, 0, x[:9], 1), linalg.ErrShape, "x has 9 values, axis 0"},
		{"x NaN", linalg.Polyfit(a, 0, nanX, 1), linalg.ErrShape, "x[4] is NaN"},
		{"axis", linalg.Polyfit(a, 2, x, 1), linalg.ErrAxis, "axis 2 of a"},
		{"dtype", linalg.Polyfit(ndarray.Zeros(block.Bool, []int{10}, chunk.Auto()), 0, x, 1), linalg.ErrDType, "bool"},
		{"budget", linalg.Polyfit(big, 0, make([]float64, 1000), 1, linalg.FitMemory(1<<20)), linalg.ErrMemory, "over 1048576"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, arr := range []*ndarray.Array{tc.r.Coefficients, tc.r.Residuals} {
				err := arr.Err()
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.err)
				assert.Contains(t, err.Error(), tc.msg)
			}
		})
	}
}

func ExamplePolyfit() {
	// Three pixels over five time steps: y = 2 + 0.5·t, y = 1 - t, and a
	// pixel with one missing sample fitted on the other four (SkipNaN).
	t := []float64{0, 1, 2, 3, 4}
	vals := []float64{}
	for _, ti := range t {
		third := 3 * ti
		if ti == 2 {
			third = math.NaN()
		}
		vals = append(vals, 2+0.5*ti, 1-ti, third)
	}
	d, _ := block.FromSlice(vals, 5, 3)
	a := ndarray.FromDense(d, chunk.PerAxis(2, -1))
	fit := linalg.Polyfit(a, 0, t, 1, linalg.SkipNaN())
	c, err := fit.Coefficients.Compute(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range 3 {
		fmt.Printf("slope %.2f intercept %.2f\n", c.At(0, i), c.At(1, i))
	}
	// Output:
	// slope 0.50 intercept 2.00
	// slope -1.00 intercept 1.00
	// slope 3.00 intercept 0.00
}
