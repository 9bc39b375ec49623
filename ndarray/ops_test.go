package ndarray

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// opShape is the shape of the op reference data: 10400 elements, so
// blocks span several 2048-element tiles (see opSpecs).
var opShape = []int{4, 2600}

// opSpecs cut opShape so that tile boundaries fall inside blocks: rows of
// 2300 are split inside the row, rows of 700 and 300 are grouped several
// to a tile, and no block is a multiple of the tile.
var opSpecs = []chunk.Spec{
	chunk.Explicit(opChunks[0][0], opChunks[0][1]),
	chunk.Explicit(opChunks[1][0], opChunks[1][1]),
}

// opChunks are the chunk sizes of opSpecs, per axis.
var opChunks = [][2][]int{
	{{3, 1}, {2300, 300}},
	{{4}, {700, 1900}},
}

// data for the op reference tests: floats with NaN, negatives, zeros.
// The first twelve pairs are the hand-picked specials; the rest are
// random with NaN, zeros, integers and halves sprinkled in.
func opData(t *testing.T) (*block.Dense, *block.Dense) {
	t.Helper()
	xs := []float64{-2.5, -1, 0, 0.5, 1, 2, 3.5, math.NaN(), 4, -0.5, 7, 9}
	ys := []float64{1, 2, -3, 0.25, 0, 2, -1, 1, math.NaN(), 3, 0.5, -2}
	r := rand.New(rand.NewPCG(3, 4))
	draw := func() float64 {
		switch r.IntN(10) {
		case 0:
			return math.NaN()
		case 1:
			return 0
		case 2:
			return float64(r.IntN(11) - 5)
		case 3:
			return float64(r.IntN(21)-10) / 2
		}
		return r.Float64()*20 - 10
	}
	n := int(chunk.Size(opShape))
	for len(xs) < n {
		xs, ys = append(xs, draw()), append(ys, draw())
	}
	x, err := block.FromSlice(xs, opShape...)
	require.NoError(t, err)
	y, err := block.FromSlice(ys, opShape...)
	require.NoError(t, err)
	return x, y
}

func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b || math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

func TestEveryOpAgainstReference(t *testing.T) {
	for si, spec := range opSpecs {
		t.Run(fmt.Sprintf("spec%d", si), func(t *testing.T) { testEveryOp(t, spec) })
	}
}

func testEveryOp(t *testing.T, spec chunk.Spec) {
	xd, yd := opData(t)
	x, y := FromDense(xd, spec), FromDense(yd, spec)
	b2 := func(f func(a, b float64) float64) func(a, b float64) float64 { return f }
	bin := []struct {
		name string
		got  *Array
		ref  func(a, b float64) float64
	}{
		{"add", Add(x, y), b2(func(a, b float64) float64 { return a + b })},
		{"sub", Sub(x, y), func(a, b float64) float64 { return a - b }},
		{"mul", Mul(x, y), func(a, b float64) float64 { return a * b }},
		{"div", Div(x, y), func(a, b float64) float64 { return a / b }},
		{"pow", Pow(x, y), math.Pow},
		{"maximum", Maximum(x, y), func(a, b float64) float64 {
			if math.IsNaN(a) || math.IsNaN(b) {
				return math.NaN()
			}
			return math.Max(a, b)
		}},
		{"minimum", Minimum(x, y), func(a, b float64) float64 {
			if math.IsNaN(a) || math.IsNaN(b) {
				return math.NaN()
			}
			return math.Min(a, b)
		}},
		{"eq", Equal(x, y), func(a, b float64) float64 { return b2f(a == b) }},
		{"ne", NotEqual(x, y), func(a, b float64) float64 { return b2f(a != b) }},
		{"lt", Less(x, y), func(a, b float64) float64 { return b2f(a < b) }},
		{"le", LessEqual(x, y), func(a, b float64) float64 { return b2f(a <= b) }},
		{"gt", Greater(x, y), func(a, b float64) float64 { return b2f(a > b) }},
		{"ge", GreaterEqual(x, y), func(a, b float64) float64 { return b2f(a >= b) }},
		{"and", LogicalAnd(x, y), func(a, b float64) float64 { return b2f(a != 0 && b != 0) }},
		{"or", LogicalOr(x, y), func(a, b float64) float64 { return b2f(a != 0 || b != 0) }},
		{"xor", LogicalXor(x, y), func(a, b float64) float64 { return b2f((a != 0) != (b != 0)) }},
		{"scalar add", Add(x, 10), func(a, _ float64) float64 { return a + 10 }},
		{"scalar rsub", Sub(1.5, x), func(a, _ float64) float64 { return 1.5 - a }},
		{"where", Where(Greater(x, 0.75), x, y), func(a, b float64) float64 {
			if a > 0.75 {
				return a
			}
			return b
		}},
	}
	for _, c := range bin {
		t.Run(c.name, func(t *testing.T) {
			d, err := c.got.Compute(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, g := range d.Float64s() {
				if w := c.ref(xd.Float64(i), yd.Float64(i)); !same(g, w) {
					t.Fatalf("element %d: %v op %v = %v, want %v", i, xd.Float64(i), yd.Float64(i), g, w)
				}
			}
		})
	}
	un := []struct {
		name string
		got  *Array
		ref  func(float64) float64
	}{
		{"neg", Neg(x), func(a float64) float64 { return -a }},
		{"abs", Abs(x), math.Abs},
		{"sqrt", Sqrt(x), math.Sqrt},
		{"exp", Exp(x), math.Exp},
		{"log", Log(x), math.Log},
		{"log10", Log10(x), math.Log10},
		{"log1p", Log1p(x), math.Log1p},
		{"expm1", Expm1(x), math.Expm1},
		{"sin", Sin(x), math.Sin},
		{"cos", Cos(x), math.Cos},
		{"tan", Tan(x), math.Tan},
		{"floor", Floor(x), math.Floor},
		{"ceil", Ceil(x), math.Ceil},
		{"round", Round(x), math.RoundToEven},
		{"isnan", IsNaN(x), func(a float64) float64 { return b2f(math.IsNaN(a)) }},
		{"isfinite", IsFinite(x), func(a float64) float64 { return b2f(!math.IsNaN(a) && !math.IsInf(a, 0)) }},
		{"not", LogicalNot(x), func(a float64) float64 { return b2f(a == 0) }},
		{"clip", Clip(x, -1, 3), func(a float64) float64 {
			if math.IsNaN(a) {
				return a
			}
			return math.Max(-1, math.Min(3, a))
		}},
		{"chain", Sqrt(Abs(Add(Mul(x, 2), 1))), func(a float64) float64 { return math.Sqrt(math.Abs(a*2 + 1)) }},
	}
	for _, c := range un {
		t.Run(c.name, func(t *testing.T) {
			d, err := c.got.Compute(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, g := range d.Float64s() {
				if w := c.ref(xd.Float64(i)); !same(g, w) {
					t.Fatalf("element %d: %s(%v) = %v, want %v", i, c.name, xd.Float64(i), g, w)
				}
			}
		})
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func TestIntegerOpsAndDTypes(t *testing.T) {
	// The four values repeat 1300 times, in blocks of 2301: each block
	// spans two tiles, and no boundary falls on a multiple of four.
	const reps = 1300
	a := FromDense(must1(block.FromSlice(slices.Repeat([]int16{-3, 5, 7, 32767}, reps), 4*reps)), chunk.Uniform(2301))
	b := FromDense(must1(block.FromSlice(slices.Repeat([]uint8{2, 3, 0, 1}, reps), 4*reps)), chunk.Uniform(2301))
	cases := []struct {
		got  *Array
		dt   block.DType
		want []float64
	}{
		{Add(a, b), block.Int16, []float64{-1, 8, 7, -32768}}, // int16+uint8 -> int16, wraps like numpy
		{Mul(a, 2), block.Int16, []float64{-6, 10, 14, -2}},
		{Div(a, b), block.Float64, []float64{-1.5, 5.0 / 3, math.Inf(1), 32767}},
		{Pow(b, 2), block.Uint8, []float64{4, 9, 0, 1}},
		{Abs(a), block.Int16, []float64{3, 5, 7, 32767}},
		{Sqrt(b), block.Float32, []float64{math.Sqrt2, float64(float32(math.Sqrt(3))), 0, 1}},
		{Floor(a), block.Int16, []float64{-3, 5, 7, 32767}},
		{Maximum(a, b), block.Int16, []float64{2, 5, 7, 32767}},
		{Add(a, 0.5), block.Float64, []float64{-2.5, 5.5, 7.5, 32767.5}},
		{Less(a, b), block.Bool, []float64{1, 0, 0, 0}},
	}
	for i, c := range cases {
		d, err := c.got.Compute(ctx)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if d.DType() != c.dt {
			t.Fatalf("case %d: dtype %s, want %s", i, d.DType(), c.dt)
		}
		for j, g := range d.Float64s() {
			if w := c.want[j%4]; !same(g, w) && !(c.dt == block.Float32 && math.Abs(g-w) < 1e-6) {
				t.Fatalf("case %d element %d: %v want %v", i, j, g, w)
			}
		}
	}
	if _, err := Pow(a, Neg(FromDense(must1(block.FromSlice(slices.Repeat([]int16{1}, 4*reps), 4*reps)), chunk.Uniform(2301)))).Compute(ctx); !errors.Is(err, ErrNegativePower) {
		t.Fatalf("negative integer power: %v", err)
	}
	if Sub(IsNaN(FromDense(must1(block.FromSlice([]float64{1}, 1)), chunk.Spec{})), true).Err() == nil {
		t.Fatal("bool subtraction accepted")
	}
	if _, err := Add(a, "x").Compute(ctx); !errors.Is(err, ErrOperand) {
		t.Fatalf("string operand: %v", err)
	}
}

func TestLazyAsTypeErrorNamesGlobalIndex(t *testing.T) {
	d := must1(block.FromSlice([]float64{1, 2, 3, 4, 5, 6, 7, 8e9, 9}, 3, 3))
	_, err := FromDense(d, chunk.Uniform(2)).AsType(block.Int32, block.OverflowError).Compute(ctx)
	var ce *block.CastError
	if !errors.As(err, &ce) || ce.Index[0] != 2 || ce.Index[1] != 1 || ce.Value != 8e9 {
		t.Fatalf("err = %v", err)
	}
}

// TestLazyAsTypeErrorNamesGlobalIndexPastATile puts the value out of range
// in the second tile of a block (rows of 2500 are split at 2048, and a
// second block row starts at 2): the error must still name its index in
// the whole array, which takes the tile's offset in the block.
func TestLazyAsTypeErrorNamesGlobalIndexPastATile(t *testing.T) {
	for _, at := range [][2]int{{2, 2100}, {1, 2047}, {2, 2048}, {0, 2999}, {3, 1}} {
		v := make([]float64, 4*3000)
		v[at[0]*3000+at[1]] = 8e9
		d := must1(block.FromSlice(v, 4, 3000))
		_, err := FromDense(d, chunk.PerAxis(2, 2500)).AsType(block.Int32, block.OverflowError).Compute(ctx)
		var ce *block.CastError
		require.ErrorAs(t, err, &ce, "value at %v", at)
		assert.Equal(t, []int{at[0], at[1]}, ce.Index)
		assert.Equal(t, 8e9, ce.Value)
	}
}

// TestGeneratorsAndBroadcastAcrossTiles checks leaves that are not the
// block itself across tile boundaries: generators addressed by global
// index (random, normal, arange, linspace), broadcast rows and columns
// (gathered with stride 0), and a random leaf broadcast along the last
// axis (one value per row).
func TestGeneratorsAndBroadcastAcrossTiles(t *testing.T) {
	xd, _ := opData(t)
	rows, cols := opShape[0], opShape[1]
	rowVals := make([]float64, cols)
	for j := range rowVals {
		rowVals[j] = float64(j%97) - 40
	}
	colVals := []float64{1000, 2000, 3000, 4000}
	for si, spec := range opSpecs {
		t.Run(fmt.Sprintf("spec%d", si), func(t *testing.T) {
			colSpec := chunk.Explicit(opChunks[si][0], []int{1})
			rowSpec := chunk.Explicit(opChunks[si][1])
			x := FromDense(xd, spec)
			row := FromDense(must1(block.FromSlice(rowVals, cols)), rowSpec)
			col := FromDense(must1(block.FromSlice(colVals, rows, 1)), colSpec)
			ukey, nkey := streamKey(7, 1), streamKey(7, 2)
			cases := []struct {
				name string
				got  *Array
				ref  func(i, j int) float64
			}{
				{"random", Random(opShape, spec, 7), func(i, j int) float64 { return uniformAt(ukey, uint64(i*cols+j)) }},
				{"randn", RandomNormal(opShape, spec, 7), func(i, j int) float64 { return normalAt(nkey, uint64(i*cols+j)) }},
				{"x+row+col", Add(Add(x, row), col), func(i, j int) float64 { return xd.Float64(i*cols+j) + rowVals[j] + colVals[i] }},
				{"x*random(row)", Mul(x, Random([]int{cols}, rowSpec, 7)), func(i, j int) float64 { return xd.Float64(i*cols+j) * uniformAt(ukey, uint64(j)) }},
				{"x+random(col)", Add(x, Random([]int{rows, 1}, colSpec, 7)), func(i, j int) float64 { return xd.Float64(i*cols+j) + uniformAt(ukey, uint64(i)) }},
				{"x+arange", Add(x, Arange(0, float64(cols), 1, rowSpec)), func(i, j int) float64 { return xd.Float64(i*cols+j) + float64(j) }},
				{"where(x>0,linspace,col)", Where(Greater(x, 0), Linspace(0, 1, cols, true, rowSpec), col), func(i, j int) float64 {
					if xd.Float64(i*cols+j) > 0 {
						if j == cols-1 {
							return 1
						}
						return float64(j) / float64(cols-1)
					}
					return colVals[i]
				}},
			}
			for _, c := range cases {
				require.NoError(t, c.got.Err(), c.name)
				d, err := c.got.Compute(ctx)
				require.NoError(t, err, c.name)
				require.Equal(t, opShape, d.Shape(), c.name)
				for i := range rows {
					for j := range cols {
						if g, w := d.Float64(i*cols+j), c.ref(i, j); !same(g, w) {
							assert.Failf(t, "mismatch", "%s: element (%d, %d) = %v, want %v", c.name, i, j, g, w)
							return
						}
					}
				}
			}
		})
	}
}

func TestComputeSharesWork(t *testing.T) {
	x := Random([]int{100}, chunk.Uniform(10), 1)
	y := Add(x, 1)
	b := NewBuilder()
	kx, _ := b.Keys(x)
	ky, _ := b.Keys(Add(x, 1))
	ky2, _ := b.Keys(y)
	if len(kx) != 10 || ky[0] != ky2[0] || b.Graph().Len() != 20 {
		t.Fatalf("identical expressions did not share keys: %d tasks", b.Graph().Len())
	}
}

// TestMalformedFusedTaskIsAnError decodes "ndarray.fused" and
// "reduce.partial"-style kernels from the wire, as a worker does, and runs
// them: a malformed program (crafted, or from a mismatched build) must be
// an error, never a panic or silently wrong values. It goes through the
// op registry only, so it runs unchanged against any build.
func TestMalformedFusedTaskIsAnError(t *testing.T) {
	cases := map[string]string{
		"empty program":         `{"Lo":[0],"Hi":[4],"Prog":[]}`,
		"ranks differ":          `{"Lo":[0,0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":[1]}]}`,
		"inverted region":       `{"Lo":[5],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":[1]}]}`,
		"random not float64":    `{"Lo":[0],"Hi":[3000],"Prog":[{"op":"random","dtype":"int32","shape":[3000]}]}`,
		"randn not float64":     `{"Lo":[0],"Hi":[3000],"Prog":[{"op":"randn","dtype":"uint8","shape":[3000]}]}`,
		"arange into int16":     `{"Lo":[0],"Hi":[3000],"Prog":[{"op":"arange","dtype":"int16","f":[0,1],"shape":[3000]}]}`,
		"linspace into int64":   `{"Lo":[0],"Hi":[10],"Prog":[{"op":"linspace","dtype":"int64","f":[0,1,1,10],"shape":[10]}]}`,
		"forward reference":     `{"Lo":[0],"Hi":[4],"Prog":[{"op":"neg","dtype":"float64","args":[1]},{"op":"full","dtype":"float64","f":[1]}]}`,
		"missing input":         `{"Lo":[0],"Hi":[4],"Prog":[{"op":"input","dtype":"float64","in":0,"block_shape":[4]}]}`,
		"unknown op":            `{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":[1]},{"op":"frobnicate","dtype":"float64","args":[0]}]}`,
		"generator params":      `{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64"}]}`,
		"compare on bool":       `{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"bool","f":[1]},{"op":"lt","dtype":"bool","args":[0,0]}]}`,
		"leaf rank above block": `{"Lo":[0],"Hi":[4],"Prog":[{"op":"random","dtype":"float64","shape":[2,4]}]}`,
		"bitand on float":       `{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":[1]},{"op":"bitand","dtype":"float64","args":[0,0]}]}`,
		"rshift of one arg":     `{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"int8","f":[1]},{"op":"rshift","dtype":"int8","args":[0]}]}`,
		"hypot on int16":        `{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"int16","f":[1]},{"op":"hypot","dtype":"int16","args":[0,0]}]}`,
		"nan_to_num one param":  `{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"float32","f":[1]},{"op":"nan_to_num","dtype":"float32","f":[0],"args":[0]}]}`,
	}
	for name, kern := range cases {
		t.Run(name, func(t *testing.T) {
			task := `{"key":"k","kind":"ndarray.fused","params":{"Kernel":` + kern + `}}`
			tk, err := cluster.DecodeTask([]byte(task))
			require.NoError(t, err)
			var out cluster.Value
			require.NotPanics(t, func() { out, err = tk.Op.Run(ctx, nil) })
			assert.Error(t, err, "ran to %v", out)
		})
	}
}
