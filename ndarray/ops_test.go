package ndarray

import (
	"errors"
	"math"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// data for the op reference tests: floats with NaN, negatives, zeros.
func opData(t *testing.T) (*block.Dense, *block.Dense) {
	xs := []float64{-2.5, -1, 0, 0.5, 1, 2, 3.5, math.NaN(), 4, -0.5, 7, 9}
	ys := []float64{1, 2, -3, 0.25, 0, 2, -1, 1, math.NaN(), 3, 0.5, -2}
	x, _ := block.FromSlice(xs, 3, 4)
	y, _ := block.FromSlice(ys, 3, 4)
	return x, y
}

func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b || math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

func TestEveryOpAgainstReference(t *testing.T) {
	xd, yd := opData(t)
	spec := chunk.Explicit([]int{2, 1}, []int{1, 3}) // uneven chunks
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
	a := FromDense(must1(block.FromSlice([]int16{-3, 5, 7, 32767}, 4)), chunk.Uniform(3))
	b := FromDense(must1(block.FromSlice([]uint8{2, 3, 0, 1}, 4)), chunk.Uniform(3))
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
			if !same(g, c.want[j]) && !(c.dt == block.Float32 && math.Abs(g-c.want[j]) < 1e-6) {
				t.Fatalf("case %d element %d: %v want %v", i, j, g, c.want[j])
			}
		}
	}
	if _, err := Pow(a, Neg(FromDense(must1(block.FromSlice([]int16{1, 1, 1, 1}, 4)), chunk.Uniform(3)))).Compute(ctx); !errors.Is(err, ErrNegativePower) {
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
