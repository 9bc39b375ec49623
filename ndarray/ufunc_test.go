package ndarray

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// ufuncGolden is testdata/ufunc_golden.json, made by gen_ufunc.py.
type ufuncGolden struct {
	Specials map[string][]any    `json:"specials"`
	Big      map[string][2][]any `json:"big"`
	Cases    []struct {
		Name   string `json:"name"`
		Kind   string `json:"kind"`
		Op     string `json:"op"`
		A      string `json:"a"`
		B      string `json:"b"`
		DType  string `json:"dtype"`
		Shape  []int  `json:"shape"`
		Values []any  `json:"values"`
	} `json:"cases"`
}

var ufuncBinary = map[string]func(x, y any) *Array{
	"and": And, "or": Or, "xor": Xor, "left_shift": LeftShift, "right_shift": RightShift,
	"mod": Mod, "fmod": Fmod, "floor_divide": FloorDivide, "fmin": Fmin, "fmax": Fmax,
	"arctan2": Arctan2, "hypot": Hypot,
}

var ufuncUnary = map[string]func(x *Array) *Array{
	"not": Not, "sign": Sign, "square": Square, "isinf": IsInf, "nan_to_num": NanToNum, "trunc": Trunc,
	"arcsin": Arcsin, "arccos": Arccos, "arctan": Arctan, "sinh": Sinh, "cosh": Cosh, "tanh": Tanh,
	"log2": Log2, "exp2": Exp2, "deg2rad": Deg2Rad, "rad2deg": Rad2Deg,
}

// exactUfunc are the ops whose float results must match numpy bit for
// bit (the sign of zero included); the others are libm functions, within
// a few ulps.
var exactUfunc = map[string]bool{
	"mod": true, "fmod": true, "floor_divide": true, "fmin": true, "fmax": true, "sign": true,
	"square": true, "trunc": true, "nan_to_num": true, "deg2rad": true, "rad2deg": true,
}

func goldenFloat(t *testing.T, v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		require.NoError(t, err)
		return f
	case string:
		switch x {
		case "nan":
			return math.NaN()
		case "inf":
			return math.Inf(1)
		case "-inf":
			return math.Inf(-1)
		}
	case bool:
		if x {
			return 1
		}
		return 0
	}
	require.Failf(t, "bad golden value", "%v (%T)", v, v)
	return 0
}

func fillGoldenInts[T block.Integer](t *testing.T, dst []T, vals []any) {
	unsigned := ^T(0) > 0
	for i, v := range vals {
		n, ok := v.(json.Number)
		require.True(t, ok, "value %d: %v", i, v)
		if unsigned {
			u, err := strconv.ParseUint(n.String(), 10, 64)
			require.NoError(t, err)
			dst[i] = T(u)
		} else {
			s, err := strconv.ParseInt(n.String(), 10, 64)
			require.NoError(t, err)
			dst[i] = T(s)
		}
	}
}

// goldenDense decodes golden values into a block of dtype name and shape.
func goldenDense(t *testing.T, name string, vals []any, shape ...int) *block.Dense {
	dt, err := block.ParseDType(name)
	require.NoError(t, err)
	d := block.Must(dt, shape...)
	require.Equal(t, int(chunk.Size(d.Shape())), len(vals), "%s values for %v", name, shape)
	switch dt {
	case block.Bool:
		b := block.Values[bool](d)
		for i, v := range vals {
			b[i] = v.(bool)
		}
	case block.Int8:
		fillGoldenInts(t, block.Values[int8](d), vals)
	case block.Int16:
		fillGoldenInts(t, block.Values[int16](d), vals)
	case block.Int32:
		fillGoldenInts(t, block.Values[int32](d), vals)
	case block.Int64:
		fillGoldenInts(t, block.Values[int64](d), vals)
	case block.Uint8:
		fillGoldenInts(t, block.Values[uint8](d), vals)
	case block.Uint16:
		fillGoldenInts(t, block.Values[uint16](d), vals)
	case block.Uint32:
		fillGoldenInts(t, block.Values[uint32](d), vals)
	case block.Uint64:
		fillGoldenInts(t, block.Values[uint64](d), vals)
	case block.Float32:
		f := block.Values[float32](d)
		for i, v := range vals {
			f[i] = float32(goldenFloat(t, v))
		}
	case block.Float64:
		f := block.Values[float64](d)
		for i, v := range vals {
			f[i] = goldenFloat(t, v)
		}
	default:
		require.Failf(t, "dtype", "no golden decoding of %s", name)
	}
	return d
}

// checkUfuncResult compares a computed array with a golden case.
func checkUfuncResult(t *testing.T, a *Array, wantDT string, shape []int, vals []any, exact bool) {
	t.Helper()
	require.NoError(t, a.Err())
	assert.Equal(t, wantDT, a.DType().String(), "dtype")
	require.Equal(t, shape, a.Shape())
	got, err := a.Compute(context.Background(), WithExecutor(sharedEx))
	require.NoError(t, err)
	want := goldenDense(t, wantDT, vals, shape...)
	if !got.DType().IsFloat() {
		assert.Equal(t, want.Data(), got.Data())
		return
	}
	tol := 8 * 0x1p-52
	if got.DType() == block.Float32 {
		tol = 2 * 0x1p-23
	}
	scale := 0.0 // the magnitude below which the tolerance is absolute
	if strings.HasPrefix(t.Name(), "TestUfuncAgainstNumpy/chain/") {
		// Fmod of Hypot cancels: libm's last-ulp differences in Hypot
		// (of values up to ~30) stay as absolute errors of ~1e-15.
		tol, scale = 1e-13, 1
	}
	g, w := got.Float64s(), want.Float64s()
	bad := 0
	for i := range w {
		ok := false
		switch {
		case math.IsNaN(w[i]):
			ok = math.IsNaN(g[i])
		case exact || math.IsInf(w[i], 0) || w[i] == 0:
			ok = math.Float64bits(g[i]) == math.Float64bits(w[i])
			if !exact && w[i] == 0 {
				ok = math.Abs(g[i]) <= tol
			}
		default:
			ok = math.Abs(g[i]-w[i]) <= tol*max(math.Abs(w[i]), scale)
		}
		if !ok {
			bad++
			if bad <= 5 {
				assert.Failf(t, "mismatch", "element %d (%v) = %v, numpy %v", i, chunk.Unravel(i, shape), g[i], w[i])
			}
		}
	}
	assert.Zero(t, bad, "mismatched elements")
}

// TestUfuncAgainstNumpy checks every ufunc against numpy 1.24
// (testdata/ufunc_golden.json, made by gen_ufunc.py) over bool, int8 to
// uint64, float32 and float64: every pair of edge values (sign rules of
// Mod and FloorDivide, shifts by negative and too-large counts, inf and
// NaN, integer division by zero), promotion across dtypes, broadcasting,
// 2x1100 arrays past the 2048-element tile under three chunkings, and
// fused chains.
func TestUfuncAgainstNumpy(t *testing.T) {
	raw, err := os.ReadFile("testdata/ufunc_golden.json")
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var g ufuncGolden
	require.NoError(t, dec.Decode(&g))
	require.NotEmpty(t, g.Cases)
	seen := map[string]bool{}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			seen[c.Op] = true
			switch c.Kind {
			case "grid":
				sa, sb := g.Specials[c.A], g.Specials[c.B]
				da := goldenDense(t, c.A, sa, len(sa), 1)
				db := goldenDense(t, c.B, sb, 1, len(sb))
				for _, cut := range []bool{false, true} {
					ca, cb := chunk.Spec{}, chunk.Spec{}
					if cut {
						ca = chunk.Explicit([]int{1, len(sa) - 1}, []int{1})
						cb = chunk.Explicit([]int{1}, []int{1, len(sb) - 1})
					}
					f := ufuncBinary[c.Op]
					require.NotNil(t, f, c.Op)
					checkUfuncResult(t, f(FromDense(da, ca), FromDense(db, cb)), c.DType, c.Shape, c.Values, exactUfunc[c.Op])
				}
			case "unary":
				s := g.Specials[c.A]
				d := goldenDense(t, c.A, s, len(s))
				f := ufuncUnary[c.Op]
				require.NotNil(t, f, c.Op)
				for _, spec := range []chunk.Spec{{}, chunk.Explicit([]int{1, len(s) - 1})} {
					checkUfuncResult(t, f(FromDense(d, spec)), c.DType, c.Shape, c.Values, exactUfunc[c.Op])
				}
			case "big", "bigrow", "bigunary", "chain":
				bx, by := g.Big[c.A][0], g.Big[c.A][1]
				dx, dy := goldenDense(t, c.A, bx, 2, 1100), goldenDense(t, c.A, by, 2, 1100)
				for _, cols := range [][]int{{1100}, {700, 400}, {1000, 100}} {
					rows := []int{2}
					if len(cols) == 2 {
						rows = []int{1, 1}
					}
					x, y := FromDense(dx, chunk.Explicit(rows, cols)), FromDense(dy, chunk.Explicit(rows, cols))
					var r *Array
					switch c.Kind {
					case "big":
						r = ufuncBinary[c.Op](x, y)
					case "bigrow":
						r = ufuncBinary[c.Op](x, y.Index(At(0)))
					case "bigunary":
						r = ufuncUnary[c.Op](x)
					default:
						r = ufuncChain(t, c.Name, x)
					}
					checkUfuncResult(t, r, c.DType, c.Shape, c.Values, exactUfunc[c.Op] || strings.HasPrefix(c.Name, "chain/qa"))
				}
			default:
				require.Failf(t, "kind", "unknown case kind %q", c.Kind)
			}
		})
	}
	for op := range ufuncBinary {
		assert.True(t, seen[op], "no golden case of %s", op)
	}
	for op := range ufuncUnary {
		assert.True(t, seen[op], "no golden case of %s", op)
	}
}

// ufuncChain is the Go form of gen_ufunc.py's chain cases.
func ufuncChain(t *testing.T, name string, x *Array) *Array {
	switch name {
	case "chain/qa":
		cloud := x.RightShift(3).And(1).Equal(1)
		conf := x.RightShift(8).And(3).GreaterEqual(2)
		shadow := x.RightShift(4).And(1).Equal(1)
		return cloud.And(conf).Or(shadow)
	case "chain/qa_invert":
		return x.Not().And(0x00FF).Xor(x.LeftShift(2))
	case "chain/float":
		y := FromDense(goldenBigY(t, x), chunk.Spec{}).Rechunk(chunk.Explicit(gridAxes(x)...))
		return Fmod(Hypot(Arctan2(x, y), x.Square()), 3.0).NanToNum().Add(x.FloorDivide(-2.5))
	}
	require.Failf(t, "chain", "unknown chain %q", name)
	return nil
}

// goldenBigY is the second big float64 input of the fixture.
func goldenBigY(t *testing.T, x *Array) *block.Dense {
	raw, err := os.ReadFile("testdata/ufunc_golden.json")
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var g ufuncGolden
	require.NoError(t, dec.Decode(&g))
	return goldenDense(t, x.DType().String(), g.Big[x.DType().String()][1], x.Shape()...)
}

func gridAxes(a *Array) [][]int {
	var out [][]int
	for i := range a.Rank() {
		ax := a.Grid().Axis(i)
		sizes := make([]int, ax.NumChunks())
		for j := range sizes {
			sizes[j] = ax.Start(j+1) - ax.Start(j)
		}
		out = append(out, sizes)
	}
	return out
}

// TestUfuncBadInput checks that ufuncs on dtypes or operands numpy refuses
// give errors naming the op, the operand and the dtype, through the lazy
// array's error, never a panic.
func TestUfuncBadInput(t *testing.T) {
	f64 := Full(block.Float64, 1.5, []int{4}, chunk.Spec{})
	f32 := f64.AsType(block.Float32, block.OverflowWrap)
	u8 := Full(block.Uint8, 3, []int{4}, chunk.Spec{})
	i64 := u8.AsType(block.Int64, block.OverflowWrap)
	u64 := u8.AsType(block.Uint64, block.OverflowWrap)
	bl := u8.Greater(1)
	cplx := FromDense(block.Must(block.Complex128, 4), chunk.Spec{})
	cases := []struct {
		name string
		a    *Array
		want []string
	}{
		{"and on float64", And(f64, u8), []string{"And", "float64"}},
		{"or on float32", f32.Or(1), []string{"Or", "float32"}},
		{"xor uint64 with int64 (float64)", Xor(u64, i64), []string{"Xor", "uint64", "int64"}},
		{"not on float", f64.Not(), []string{"Not", "float64"}},
		{"left shift of float", LeftShift(f32, u8), []string{"LeftShift", "float32"}},
		{"right shift by float scalar", u8.RightShift(1.5), []string{"RightShift", "scalar operand 2", "uint8"}},
		{"and with out-of-range scalar", u8.And(300), []string{"And", "scalar operand 2", "300", "uint8"}},
		{"or of int64 with float scalar", bl.And(true).And(2).Or(-1.0), []string{"Or", "scalar operand 2", "float"}},
		{"xor of int64 with float32 array", Xor(i64, f32), []string{"Xor", "int64 and float32", "float64"}},
		{"sign of bool", Sign(bl), []string{"Sign", "bool"}},
		{"mod of complex", Mod(cplx, cplx), []string{"Mod", "complex128"}},
		{"arcsin of complex", Arcsin(cplx), []string{"Arcsin", "complex128"}},
		{"invert of complex", cplx.Not(), []string{"Not", "complex128"}},
		{"unsupported operand", Hypot(f64, "x"), []string{"Hypot", "operand 2", "string"}},
		{"nil operand", Fmin(nil, f64), []string{"Fmin", "operand 1"}},
		{"nil receiver", (*Array)(nil).Tanh(), []string{"Tanh", "nil"}},
		{"scalars only", Arctan2(1.0, 2.0), []string{"Arctan2", "*Array"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.a.Err() })
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			_, cerr := c.a.Compute(context.Background(), WithExecutor(sharedEx))
			assert.Error(t, cerr)
		})
	}
	assert.ErrorIs(t, And(f64, u8).Err(), ErrOpDType)
	assert.ErrorIs(t, u8.And(300).Err(), ErrOperand)
	var ue *block.UnsupportedError
	require.ErrorAs(t, LeftShift(f64, 1).Err(), &ue)
	assert.Equal(t, block.Float64, ue.DType)

	// Integers and bools pass through NanToNum and Trunc unchanged, as in
	// numpy (which returns integers from nan_to_num untouched).
	assert.Same(t, u8, NanToNum(u8))
	assert.Same(t, bl, NanToNumWith(bl, 1, 2, 3))
	assert.Same(t, i64, Trunc(i64))
	// An errored operand reports itself.
	assert.ErrorIs(t, Mod(Errored(fmt.Errorf("upstream: %w", ErrChunks)), 1).Err(), ErrChunks)
	assert.ErrorIs(t, Errored(ErrChunks).Sinh().Err(), ErrChunks)
}

// TestUfuncDTypes pins the result dtypes that are tessera's choices.
func TestUfuncDTypes(t *testing.T) {
	u8 := Full(block.Uint8, 3, []int{3}, chunk.Spec{})
	i8 := u8.AsType(block.Int8, block.OverflowWrap)
	bl := u8.Greater(1)
	for _, c := range []struct {
		a    *Array
		want block.DType
	}{
		{u8.And(1), block.Uint8},       // weak scalar keeps the dtype
		{bl.And(true), block.Bool},     // logical on bool
		{bl.And(1), block.Int64},       // a Python int makes it int64
		{bl.LeftShift(bl), block.Int8}, // shifts of bool are int8
		{u8.Mod(i8), block.Int16},
		{Arctan2(u8, u8), block.Float32}, // numpy: float16
		{Hypot(u8.AsType(block.Int32, block.OverflowWrap), 1), block.Float64},
		{bl.Square(), block.Int8},
		{bl.Not(), block.Bool},
		{u8.IsInf(), block.Bool},
		{Fmax(bl, bl), block.Bool},
	} {
		require.NoError(t, c.a.Err())
		assert.Equal(t, c.want, c.a.DType(), c.a.String())
	}
}

// TestMalformedUfuncTaskIsAnError extends TestMalformedFusedTaskIsAnError to
// the ufunc op codes: programs a worker decodes with a bitwise op on floats,
// a float function on integers, a shift with the wrong arity, nan_to_num
// without its replacements and isinf into a non-bool must fail with an
// error, never a panic.
func TestMalformedUfuncTaskIsAnError(t *testing.T) {
	f := `{"op":"full","dtype":"float64","f":[1]}`
	i := `{"op":"full","dtype":"int32","f":[1]}`
	cases := map[string]string{
		"bitand on float":      f + `,{"op":"bitand","dtype":"float64","args":[0,0]}`,
		"invert on float":      f + `,{"op":"invert","dtype":"float64","args":[0]}`,
		"lshift arity":         i + `,{"op":"lshift","dtype":"int32","args":[0]}`,
		"rshift mixed dtypes":  i + `,` + f + `,{"op":"rshift","dtype":"int32","args":[0,1]}`,
		"arctan2 on int":       i + `,{"op":"arctan2","dtype":"int32","args":[0,0]}`,
		"tanh on int":          i + `,{"op":"tanh","dtype":"int32","args":[0]}`,
		"nan_to_num no params": f + `,{"op":"nan_to_num","dtype":"float64","args":[0]}`,
		"isinf into float":     f + `,{"op":"isinf","dtype":"float64","args":[0]}`,
		"mod on bool":          `{"op":"full","dtype":"bool","f":[1]},{"op":"mod","dtype":"bool","args":[0,0]}`,
		"sign on bool":         `{"op":"full","dtype":"bool","f":[1]},{"op":"sign","dtype":"bool","args":[0]}`,
		"fmod bad arg":         f + `,{"op":"fmod","dtype":"float64","args":[0,7]}`,
		"bitxor on string":     `{"op":"input","dtype":"string","in":0,"block_shape":[4]},{"op":"bitxor","dtype":"string","args":[0,0]}`,
	}
	for name, prog := range cases {
		t.Run(name, func(t *testing.T) {
			kern := `{"Lo":[0],"Hi":[4],"Prog":[` + prog + `]}`
			task := `{"key":"k","kind":"ndarray.fused","params":{"Kernel":` + kern + `}}`
			tk, err := cluster.DecodeTask([]byte(task))
			require.NoError(t, err)
			var in []cluster.Value
			if strings.Contains(prog, `"input"`) {
				in = append(in, block.Must(block.String, 4))
			}
			var runErr error
			require.NotPanics(t, func() { _, runErr = tk.Op.Run(ctx, in) })
			assert.Error(t, runErr)
		})
	}
}

// TestUfuncChainFusesAndTravels checks that a QA decode chain of the new
// ops is one "ndarray.fused" task per block over the input blocks (no
// intermediate block exists), and that each task, encoded to its wire form
// and decoded as a remote worker does, computes the same block.
func TestUfuncChainFusesAndTravels(t *testing.T) {
	raw := block.Must(block.Uint16, 40, 3000)
	for i, v := 0, block.Values[uint16](raw); i < len(v); i++ {
		v[i] = uint16(uint32(i) * 2654435761 >> 16)
	}
	qa := FromDense(raw, chunk.PerAxis(20, 1500))
	refl := Full(block.Float32, 0.25, []int{40, 3000}, chunk.Spec{})
	bad := qa.RightShift(3).And(1).Equal(1).And(qa.RightShift(8).And(3).GreaterEqual(2)).Or(qa.LeftShift(11).Not().Xor(0xF0).Mod(3).Equal(0))
	out := refl.Where(bad.Not(), math.NaN()).Fmax(Hypot(qa, 2).Arctan().Sign())
	require.NoError(t, out.Err())
	b := NewBuilder()
	keys, err := b.Keys(out)
	require.NoError(t, err)
	require.Len(t, keys, 4)
	g := b.Graph()
	values := map[cluster.Key]cluster.Value{}
	fused := 0
	for _, k := range g.Keys() {
		tk, ok := g.Task(k)
		require.True(t, ok)
		if tk.Op.Kind() != "ndarray.fused" {
			require.Empty(t, tk.Inputs, "%s: only input leaves besides the fused tasks", tk.Op.Kind())
			v, err := tk.Op.Run(ctx, nil)
			require.NoError(t, err)
			values[k] = v
		}
	}
	for _, k := range keys {
		tk, ok := g.Task(k)
		require.True(t, ok)
		require.Equal(t, "ndarray.fused", tk.Op.Kind())
		fused++
		in := make([]cluster.Value, len(tk.Inputs))
		for i, ik := range tk.Inputs {
			in[i] = values[ik]
			require.NotNil(t, in[i], "fused task reads a non-leaf %s", ik)
		}
		local, err := tk.Op.Run(ctx, in)
		require.NoError(t, err)
		wire, err := cluster.EncodeTask(tk)
		require.NoError(t, err)
		for _, op := range []string{`"rshift"`, `"bitand"`, `"lshift"`, `"invert"`, `"bitxor"`, `"mod"`, `"fmax"`, `"hypot"`, `"sign"`} {
			assert.Contains(t, string(wire), op)
		}
		back, err := cluster.DecodeTask(wire)
		require.NoError(t, err)
		remote, err := back.Op.Run(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, local.(*block.Dense).Bytes(), remote.(*block.Dense).Bytes())
	}
	assert.Equal(t, 4, fused)
	assert.Equal(t, 8, g.Len(), "4 input blocks and 4 fused tasks")
}

// TestNonFiniteParamsTravel checks that instructions holding NaN and
// infinities (Where with a NaN, Clip to ±Inf, NanToNumWith) encode to the
// wire and decode to the same program, and that malformed params are a
// decode error.
func TestNonFiniteParamsTravel(t *testing.T) {
	x := Arange(-3, 3, 0.5, chunk.Uniform(5)).Div(0)
	a := Clip(x, math.Inf(-1), 1).Where(x.Greater(-1), math.NaN()).Add(NanToNumWith(x, math.NaN(), math.Inf(1), -7))
	want, err := a.Compute(ctx, WithExecutor(sharedEx))
	require.NoError(t, err)
	b := NewBuilder()
	keys, err := b.Keys(a)
	require.NoError(t, err)
	got := block.Must(block.Float64, 12)
	for i, k := range keys {
		tk, ok := b.Graph().Task(k)
		require.True(t, ok)
		wire, err := cluster.EncodeTask(tk)
		require.NoError(t, err)
		assert.Contains(t, string(wire), `"NaN"`)
		back, err := cluster.DecodeTask(wire)
		require.NoError(t, err)
		v, err := back.Op.Run(ctx, nil)
		require.NoError(t, err)
		copy(block.Values[float64](got)[i*5:], block.Values[float64](v.(*block.Dense)))
	}
	assert.Equal(t, want.Bytes(), got.Bytes())
	for _, f := range []string{`["nope"]`, `[true]`, `{"a":1}`, `["NaN",]`} {
		task := `{"key":"k","kind":"ndarray.fused","params":{"Kernel":{"Lo":[0],"Hi":[4],"Prog":[{"op":"full","dtype":"float64","f":` + f + `}]}}}`
		_, err := cluster.DecodeTask([]byte(task))
		assert.Error(t, err, f)
	}
}
