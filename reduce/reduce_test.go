package reduce

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

var ctx = context.Background()

// ref reduces d over axes the plain way: for each output element, gather
// the values and apply the numpy definition.
func ref(k kind, d *block.Dense, axes []int, ddof int) ([]float64, error) {
	shape := d.Shape()
	red := make([]bool, len(shape))
	for _, a := range axes {
		red[a] = true
	}
	var outShape []int
	for i, n := range shape {
		if !red[i] {
			outShape = append(outShape, n)
		}
	}
	groups := make([][]float64, chunk.Size(outShape))
	gidx := make([][]int64, len(groups))
	st := chunk.Strides(shape)
	for lin := range d.Len() {
		o := 0
		rem := lin
		var along int64
		for i := range shape {
			c := rem / st[i]
			rem %= st[i]
			if !red[i] {
				o = o*shape[i] + c
			} else {
				along = int64(c)
			}
		}
		idx := int64(lin)
		if len(axes) == 1 && len(shape) > 1 {
			idx = along
		}
		groups[o] = append(groups[o], d.Float64(lin))
		gidx[o] = append(gidx[o], idx)
	}
	out := make([]float64, len(groups))
	for o, g := range groups {
		var clean []float64
		for _, x := range g {
			if x == x {
				clean = append(clean, x)
			}
		}
		vals := g
		if k.skipNaN() {
			vals = clean
		}
		switch k {
		case kSum, kNanSum:
			s := 0.0
			for _, x := range vals {
				s += x
			}
			out[o] = s
		case kProd, kNanProd:
			s := 1.0
			for _, x := range vals {
				s *= x
			}
			out[o] = s
		case kMean, kNanMean:
			s := 0.0
			for _, x := range vals {
				s += x
			}
			out[o] = s / float64(len(vals))
		case kCount, kNanCount:
			out[o] = float64(len(vals))
		case kMin, kNanMin, kMax, kNanMax:
			if len(g) == 0 {
				return nil, ErrEmpty
			}
			if len(vals) == 0 || (!k.skipNaN() && len(clean) < len(g)) {
				out[o] = math.NaN()
				continue
			}
			out[o] = slices.Min(vals)
			if k.isMax() {
				out[o] = slices.Max(vals)
			}
		case kVar, kNanVar, kStd, kNanStd:
			m := 0.0
			for _, x := range vals {
				m += x
			}
			m /= float64(len(vals))
			s := 0.0
			for _, x := range vals {
				s += (x - m) * (x - m)
			}
			v := s / float64(len(vals)-ddof)
			if len(vals)-ddof <= 0 {
				v = math.NaN()
			}
			if k == kStd || k == kNanStd {
				v = math.Sqrt(v)
			}
			out[o] = v
		case kArgMin, kArgMax, kNanArgMin, kNanArgMax:
			if len(g) == 0 {
				return nil, ErrEmpty
			}
			best := -1
			for i, x := range g {
				if x != x {
					if k.skipNaN() {
						continue
					}
					best = i
					break
				}
				if best < 0 || (k.isMax() && x > g[best]) || (!k.isMax() && x < g[best]) {
					best = i
				}
			}
			if best < 0 {
				return nil, ErrAllNaN
			}
			out[o] = float64(gidx[o][best])
		case kAny:
			for _, x := range g {
				if x != 0 {
					out[o] = 1
				}
			}
		case kAll:
			out[o] = 1
			for _, x := range g {
				if x == 0 {
					out[o] = 0
				}
			}
		}
	}
	return out, nil
}

var allKinds = []kind{kSum, kNanSum, kProd, kNanProd, kMean, kNanMean, kMin, kNanMin, kMax, kNanMax, kVar, kNanVar, kStd, kNanStd, kCount, kNanCount, kArgMin, kArgMax, kNanArgMin, kNanArgMax, kAny, kAll}

func close(a, b float64) bool { return closeTol(a, b, 1e-9) }

// closeTol reports whether a and b agree to a relative tol (both NaN, or
// the same infinity, agree).
func closeTol(a, b, tol float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return a == b || math.Abs(a-b) <= tol*max(1, math.Abs(a), math.Abs(b))
}

// testData is shape filled with half-integers in [-5, 5] (ties on
// purpose), and NaN in about one element in nine with withNaN.
func testData(shape []int, withNaN bool) *block.Dense {
	r := rand.New(rand.NewPCG(5, 6))
	v := make([]float64, chunk.Size(shape))
	for i := range v {
		v[i] = math.Round(r.Float64()*20-10) / 2 // ties on purpose
		if withNaN && r.IntN(9) == 0 {
			v[i] = math.NaN()
		}
	}
	d, _ := block.FromSlice(v, shape...)
	return d
}

// tileCases are the shapes and chunkings of the reference tests: blocks
// larger than the 2048-element tile and not multiples of it, so that tile
// boundaries fall inside blocks, both between rows (short rows: several
// rows per tile) and inside rows (rows longer than a tile), beside blocks
// of one row, one column and one element.
var tileCases = []struct {
	shape []int
	specs []chunk.Spec
}{
	{[]int{13, 25, 9}, []chunk.Spec{chunk.PerAxis(13, 25, 9), chunk.PerAxis(10, 23, 9), chunk.Explicit([]int{11, 2}, []int{24, 1}, []int{8, 1})}},
	{[]int{3, 2, 2500}, []chunk.Spec{chunk.PerAxis(3, 2, 2500), chunk.PerAxis(2, 1, 2300), chunk.Explicit([]int{1, 2}, []int{2}, []int{2049, 451})}},
}

func TestReductionsMatchReference(t *testing.T) {
	axesList := [][]int{nil, {0}, {1}, {2}, {0, 2}, {1, 2}, {-1}}
	for _, tc := range tileCases {
		for _, withNaN := range []bool{false, true} {
			d := testData(tc.shape, withNaN)
			for _, k := range allKinds {
				for _, axes := range axesList {
					norm := []int{0, 1, 2}
					if axes != nil {
						norm = nil
						for _, a := range axes {
							norm = append(norm, (a+3)%3)
						}
					}
					if k.family() == "arg" && len(norm) == 2 {
						continue
					}
					want, werr := ref(k, d, norm, 0)
					for si, spec := range tc.specs {
						for _, split := range []int{2, 8} {
							name := fmt.Sprintf("%v/%s/nan=%v/axes=%v/spec%d/split%d", tc.shape, k, withNaN, axes, si, split)
							opts := []Option{SplitEvery(split)}
							if axes != nil {
								opts = append(opts, Axis(axes...))
							}
							a := ndarray.FromDense(d, spec)
							got, err := build(k, a, opts).Compute(ctx)
							if werr != nil {
								if !errors.Is(err, werr) {
									t.Fatalf("%s: err = %v, want %v", name, err, werr)
								}
								continue
							}
							if err != nil {
								t.Fatalf("%s: %v", name, err)
							}
							gv := got.Float64s()
							for i := range want {
								if !close(gv[i], want[i]) {
									t.Fatalf("%s: element %d = %v, want %v", name, i, gv[i], want[i])
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestReductionsAcrossTilesEveryDType runs reductions of every input
// dtype over blocks that span several tiles, against the reference: each
// dtype folds through its own instantiation of the tile folder (bool
// through a conversion buffer), so each is checked where tiles meet.
func TestReductionsAcrossTilesEveryDType(t *testing.T) {
	// Prod is left out: integer products of thousands of elements wrap,
	// which the float64 reference does not; it folds as Sum does.
	kinds := []kind{kSum, kMean, kMin, kMax, kVar, kCount, kArgMin, kArgMax, kAny, kAll}
	for _, tc := range tileCases {
		// Half-integers in [0, 10]: every dtype holds them (integers round
		// half to even), so the reference sees the values reduced.
		src := testData(tc.shape, false)
		for i, x := range block.Values[float64](src) {
			block.Values[float64](src)[i] = x + 5
		}
		for _, dt := range block.DTypes() {
			d, err := src.AsType(dt, block.CastOptions{Overflow: block.OverflowWrap})
			require.NoError(t, err)
			for _, k := range kinds {
				for _, axes := range [][]int{nil, {1}, {2}} {
					want, werr := ref(k, d, axesOrAll(axes, len(tc.shape)), 0)
					require.NoError(t, werr)
					spec := tc.specs[len(tc.specs)-1]
					opts := []Option{}
					if axes != nil {
						opts = append(opts, Axis(axes...))
					}
					got, err := build(k, ndarray.FromDense(d, spec), opts).Compute(ctx)
					require.NoError(t, err, "%v %s %s axes %v", tc.shape, dt, k, axes)
					tol := 1e-9
					if got.DType() == block.Float32 {
						tol = 1e-6
					}
					gv := got.Float64s()
					require.Len(t, gv, len(want))
					for i := range want {
						if !closeTol(gv[i], want[i], tol) {
							assert.Failf(t, "mismatch", "%v %s %s axes %v: element %d = %v, want %v", tc.shape, dt, k, axes, i, gv[i], want[i])
							break
						}
					}
				}
			}
		}
	}
}

// axesOrAll is axes, or every axis of rank when axes is nil.
func axesOrAll(axes []int, rank int) []int {
	if axes != nil {
		return axes
	}
	all := make([]int, rank)
	for i := range all {
		all[i] = i
	}
	return all
}

func TestResultDTypesAndKeepDims(t *testing.T) {
	i16 := ndarray.FromDense(must(block.FromSlice([]int16{1, 2, 3, 4, 5, 6}, 2, 3)), chunk.PerAxis(1, 2))
	cases := []struct {
		got   *ndarray.Array
		dt    block.DType
		shape []int
		vals  []float64
	}{
		{Sum(i16), block.Int64, []int{}, []float64{21}},
		{Sum(i16, Axis(1), KeepDims()), block.Int64, []int{2, 1}, []float64{6, 15}},
		{Mean(i16, Axis(0)), block.Float64, []int{3}, []float64{2.5, 3.5, 4.5}},
		{Max(i16, Axis(0, 1), KeepDims()), block.Int16, []int{1, 1}, []float64{6}},
		{ArgMax(i16, Axis(1)), block.Int64, []int{2}, []float64{2, 2}},
		{Any(ndarray.Greater(i16, 5)), block.Bool, []int{}, []float64{1}},
		{All(ndarray.Greater(i16, 5), Axis(0)), block.Bool, []int{3}, []float64{0, 0, 0}},
		{Var(i16, DDOF(1)), block.Float64, []int{}, []float64{3.5}},
		{Count(i16, Axis(0)), block.Int64, []int{3}, []float64{2, 2, 2}},
		{Sum(ndarray.Random([]int{10}, chunk.Uniform(3), 1).AsType(block.Float32, 0)), block.Float32, []int{}, nil},
	}
	for i, c := range cases {
		d, err := c.got.Compute(ctx)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if d.DType() != c.dt || !slices.Equal(d.Shape(), c.shape) {
			t.Fatalf("case %d: %s %v, want %s %v", i, d.DType(), d.Shape(), c.dt, c.shape)
		}
		if c.vals != nil && !slices.Equal(d.Float64s(), c.vals) {
			t.Fatalf("case %d: %v, want %v", i, d.Float64s(), c.vals)
		}
	}
}

func TestEmptyAndLengthOne(t *testing.T) {
	empty := ndarray.Zeros(block.Float64, []int{0, 3}, chunk.Spec{})
	s, err := Sum(empty, Axis(0)).Compute(ctx)
	if err != nil || !slices.Equal(s.Float64s(), []float64{0, 0, 0}) {
		t.Fatalf("sum of empty: %v %v", s, err)
	}
	m, err := Mean(empty).Compute(ctx)
	if err != nil || !math.IsNaN(m.Float64s()[0]) {
		t.Fatalf("mean of empty: %v %v", m, err)
	}
	if _, err := Min(empty).Compute(ctx); !errors.Is(err, ErrEmpty) {
		t.Fatalf("min of empty: %v", err)
	}
	one := ndarray.Full(block.Float64, 7, []int{1, 4}, chunk.Spec{})
	v, err := Max(one, Axis(0)).Compute(ctx)
	if err != nil || !slices.Equal(v.Float64s(), []float64{7, 7, 7, 7}) {
		t.Fatalf("length-1 axis: %v %v", v, err)
	}
	allNaN := ndarray.Full(block.Float64, math.NaN(), []int{3}, chunk.Spec{})
	if _, err := NanArgMin(allNaN).Compute(ctx); !errors.Is(err, ErrAllNaN) {
		t.Fatalf("nanargmin all NaN: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	a := ndarray.Zeros(block.Float64, []int{3, 4}, chunk.Spec{})
	for _, bad := range []*ndarray.Array{
		Sum(a, Axis(2)), Sum(a, Axis(-3)), Sum(a, Axis(0, 0)), ArgMax(ndarray.Zeros(block.Float64, []int{2, 2, 2}, chunk.Spec{}), Axis(0, 1)),
	} {
		if !errors.Is(bad.Err(), ErrAxis) {
			t.Fatalf("err = %v, want ErrAxis", bad.Err())
		}
	}
	if Sum(a, SplitEvery(1)).Err() == nil || Var(a, DDOF(-1)).Err() == nil {
		t.Fatal("bad options accepted")
	}
}

// TestSumBeatsNaive sums values whose naive float64 running sum drifts: a
// million copies of 0.1 plus values of mixed magnitude. The exact sum is
// computed with math/big.
func TestSumBeatsNaive(t *testing.T) {
	n := 1 << 20
	v := make([]float64, n)
	r := rand.New(rand.NewPCG(9, 9))
	for i := range v {
		v[i] = 0.1
		if i%1000 == 0 {
			v[i] = 1e6 * r.Float64()
		}
	}
	exact := new(big.Float).SetPrec(2000)
	naive := 0.0
	for _, x := range v {
		exact.Add(exact, new(big.Float).SetPrec(2000).SetFloat64(x))
		naive += x
	}
	ex, _ := exact.Float64()
	d, _ := block.FromSlice(v, n)
	got, err := Sum(ndarray.FromDense(d, chunk.Uniform(50000))).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ours := got.Float64s()[0]
	errOurs, errNaive := math.Abs(ours-ex), math.Abs(naive-ex)
	t.Logf("exact %.17g naive error %.3g tessera error %.3g", ex, errNaive, errOurs)
	if errNaive == 0 || errOurs*100 > errNaive {
		t.Fatalf("tessera error %.3g is not 100x better than naive %.3g", errOurs, errNaive)
	}
	// Variance of values with a large offset: the naive E[x²]-E[x]² formula
	// collapses, Welford/Chan does not.
	w := make([]float64, 100000)
	for i := range w {
		w[i] = 1e9 + float64(i%10)
	}
	dw, _ := block.FromSlice(w, len(w))
	vv, _ := Var(ndarray.FromDense(dw, chunk.Uniform(7000))).Compute(ctx)
	if got := vv.Float64s()[0]; math.Abs(got-8.25) > 1e-6 {
		t.Fatalf("var = %v, want 8.25", got)
	}
}

func TestMeanOfRandomIndependentOfChunks(t *testing.T) {
	var ref float64
	for i, spec := range []chunk.Spec{chunk.PerAxis(100, 100, 10), chunk.PerAxis(33, 47, 3), chunk.PerAxis(-1, 7, -1)} {
		m, err := Mean(ndarray.Random([]int{100, 100, 10}, spec, 3)).Compute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Float64s()[0]
		if i == 0 {
			ref = got
		} else if math.Abs(got-ref) > 1e-13 {
			t.Fatalf("chunking %d: mean %v vs %v", i, got, ref)
		}
	}
	if math.Abs(ref-0.5) > 0.01 {
		t.Fatalf("mean %v", ref)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestGeneratedSumMatchesTiles checks the generate-and-add fast path
// against the tiled path (forced by an elementwise op that changes nothing).
func TestGeneratedSumMatchesTiles(t *testing.T) {
	for _, spec := range []chunk.Spec{chunk.PerAxis(64, 50, 20), chunk.PerAxis(7, 13, 20), chunk.PerAxis(64, 50, 3)} {
		a := ndarray.Random([]int{128, 100, 20}, spec, 11)
		fast := must(Sum(a).Compute(ctx)).Float64s()[0]
		slow := must(Sum(ndarray.Mul(a, 1.0)).Compute(ctx)).Float64s()[0]
		if math.Abs(fast-slow) > 1e-9 {
			t.Fatalf("spec %v: fast %v tiled %v", spec, fast, slow)
		}
	}
}

// TestArgPastTheFirstTile puts each row's unique extremes (and, for the
// NaN-propagating variants, a NaN) in columns past the first tile of rows
// longer than a tile, so that the index arg* reports depends on the
// tile's column offset; and the flat index over every axis on the
// tile's row.
func TestArgPastTheFirstTile(t *testing.T) {
	shape := []int{3, 2, 2500}
	for _, withNaN := range []bool{false, true} {
		d := testData(shape, false)
		v := block.Values[float64](d)
		for row := range 6 {
			v[row*2500+2048+row*40] = 100
			v[row*2500+2100+row*50] = -100
			if withNaN {
				v[row*2500+2300+row] = math.NaN()
			}
		}
		for _, spec := range []chunk.Spec{chunk.PerAxis(3, 2, 2500), chunk.PerAxis(2, 1, 2300), chunk.Explicit([]int{1, 2}, []int{2}, []int{2049, 451})} {
			for _, k := range []kind{kArgMax, kArgMin, kNanArgMax, kNanArgMin} {
				for _, axes := range [][]int{{2}, {0}, nil} {
					want, err := ref(k, d, axesOrAll(axes, 3), 0)
					require.NoError(t, err)
					opts := []Option{}
					if axes != nil {
						opts = append(opts, Axis(axes...))
					}
					got, err := build(k, ndarray.FromDense(d, spec), opts).Compute(ctx)
					require.NoError(t, err)
					assert.Equal(t, want, got.Float64s(), "%s nan=%v axes %v spec %v", k, withNaN, axes, spec)
				}
			}
		}
	}
}
