package block

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/chunk"
)

// TestHalfRoundTrip: every binary16 bit pattern converts to float32 and
// back to itself (NaNs stay NaN), and float64 values round to nearest
// even as numpy's astype('f2') does.
func TestHalfRoundTrip(t *testing.T) {
	for b := 0; b < 1<<16; b++ {
		h := Half(b)
		f := h.Float32()
		back := HalfFromFloat32(f)
		if f != f {
			require.True(t, back&0x7c00 == 0x7c00 && back&0x3ff != 0, "NaN %#04x", b)
			continue
		}
		require.Equal(t, h, back, "bits %#04x (%v)", b, f)
	}
	for _, c := range []struct {
		in   float64
		want Half
	}{
		{1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {65519.99, 0x7bff}, {65520, 0x7c00},
		{2049, 0x6800}, {2051, 0x6802}, // ties to even: 2049 -> 2048, 2051 -> 2052
		{0x1p-24, 0x0001}, {0x1p-25, 0}, {0x1.8p-25, 0x0001}, {0x1p-14, 0x0400},
		{math.Inf(-1), 0xfc00}, {math.Copysign(0, -1), 0x8000},
	} {
		assert.Equal(t, c.want, HalfFromFloat64(c.in), "%v", c.in)
	}
}

// TestParseNumpy: numpy type strings of every kind, with their order,
// string kind and width, and their Typestr back.
func TestParseNumpy(t *testing.T) {
	for _, c := range []struct {
		in    string
		dt    DType
		order binary.ByteOrder
		kind  StringKind
		width int
	}{
		{"<U3", String, binary.LittleEndian, StringUnicode, 3},
		{">U3", String, binary.BigEndian, StringUnicode, 3},
		{"|S5", String, binary.LittleEndian, StringBytes, 5},
		{"|O", String, binary.LittleEndian, StringObject, 0},
		{"<M8[ns]", DateTime64(UnitNano), binary.LittleEndian, 0, 0},
		{">m8[s]", TimeDelta64(UnitSecond), binary.BigEndian, 0, 0},
		{"<M8[D]", DateTime64(UnitDay), binary.LittleEndian, 0, 0},
		{"<f2", Float16, binary.LittleEndian, 0, 0},
		{"<c8", Complex64, binary.LittleEndian, 0, 0},
		{">c16", Complex128, binary.BigEndian, 0, 0},
		{"<f8", Float64, binary.LittleEndian, 0, 0},
	} {
		nt, err := ParseNumpy(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, NumpyType{DType: c.dt, Order: c.order, Kind: c.kind, Width: c.width}, nt, c.in)
		assert.Equal(t, c.in, nt.Typestr())
	}
	for _, name := range []string{"datetime64[ns]", "timedelta64[us]", "float16", "complex64", "complex128", "string"} {
		d, err := ParseDType(name)
		require.NoError(t, err, name)
		assert.Equal(t, name, d.String())
		b, _ := d.MarshalText()
		var back DType
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, d, back)
	}
	for _, bad := range []string{"|V8", "<M8", "<M8[xs]", "<U", "<U-3", "|S1048577", "<c4", "M8[ns", "Z"} {
		_, err := ParseNumpy(bad)
		assert.ErrorIs(t, err, ErrDType, bad)
	}
}

// TestPromoteNewDTypes: numpy's result_type for float16 and complex, and
// no common type for strings and datetimes with numbers.
func TestPromoteNewDTypes(t *testing.T) {
	for _, c := range []struct{ a, b, want DType }{
		{Float16, Int8, Float16}, {Float16, Uint8, Float16}, {Float16, Int16, Float32}, {Float16, Int32, Float64},
		{Float16, Float32, Float32}, {Float16, Bool, Float16},
		{Complex64, Float32, Complex64}, {Complex64, Float64, Complex128}, {Complex64, Int16, Complex64},
		{Complex64, Int32, Complex128}, {Complex64, Complex128, Complex128}, {Complex64, Float16, Complex64},
		{String, Float64, 0}, {DateTime64(UnitNano), Int64, 0}, {DateTime64(UnitNano), DateTime64(UnitSecond), 0},
		{String, String, String}, {DateTime64(UnitSecond), DateTime64(UnitSecond), DateTime64(UnitSecond)},
	} {
		assert.Equal(t, c.want, Promote(c.a, c.b), "%s %s", c.a, c.b)
		assert.Equal(t, c.want, Promote(c.b, c.a), "%s %s", c.b, c.a)
	}
	assert.Equal(t, DType(0), PromoteScalar(String, true))
	assert.Equal(t, Complex64, PromoteScalar(Complex64, true))
}

// TestNewDTypeCasts: casts that exist convert as numpy does; the others are
// refused with *UnsupportedError, never a panic.
func TestNewDTypeCasts(t *testing.T) {
	ns, s := DateTime64(UnitNano), DateTime64(UnitSecond)
	d, err := WrapDType(ns, []int64{1_500_000_000, -1, NaT}, 3)
	require.NoError(t, err)
	sec, err := d.AsType(s, CastOptions{})
	require.NoError(t, err)
	assert.Equal(t, []int64{1, -1, NaT}, Values[int64](sec), "floor, NaT kept")
	back, err := sec.AsType(ns, CastOptions{})
	require.NoError(t, err)
	assert.Equal(t, []int64{1_000_000_000, -1_000_000_000, NaT}, Values[int64](back))
	big, _ := WrapDType(s, []int64{math.MaxInt64 / 10}, 1)
	_, err = big.AsType(ns, CastOptions{})
	assert.ErrorIs(t, err, ErrOverflow)
	raw, err := d.AsType(Int64, CastOptions{})
	require.NoError(t, err)
	assert.Equal(t, Values[int64](d), Values[int64](raw))
	assert.False(t, CanCast(DateTime64(UnitMonth), ns))
	assert.True(t, CanCast(DateTime64(UnitYear), DateTime64(UnitMonth)))
	assert.False(t, CanCast(ns, TimeDelta64(UnitNano)))

	f, _ := FromSlice([]float64{1.5, 70000, math.NaN()}, 3)
	_, err = f.AsType(Float16, CastOptions{})
	var ce *CastError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []int{1}, ce.Index)
	h, err := f.AsType(Float16, CastOptions{Overflow: OverflowClip})
	require.NoError(t, err)
	assert.Equal(t, []float64{1.5, 65504}, h.Float64s()[:2])
	assert.True(t, math.IsNaN(h.Float64(2)))
	c, err := h.AsType(Complex128, CastOptions{})
	require.NoError(t, err)
	assert.Equal(t, complex(1.5, 0), Values[complex128](c)[0])

	str, _ := FromSlice([]string{"a"}, 1)
	for _, bad := range []struct {
		d  *Dense
		to DType
	}{{str, Float64}, {f, String}, {c, Float64}, {d, Float64}} {
		_, err := bad.d.AsType(bad.to, CastOptions{})
		var ue *UnsupportedError
		require.ErrorAs(t, err, &ue, "%s -> %s", bad.d.DType(), bad.to)
		assert.ErrorIs(t, err, ErrUnsupported)
		assert.Contains(t, err.Error(), bad.to.String())
	}
	assert.ErrorIs(t, str.FillChecked(1), ErrUnsupported)
	_, err = FromBytes(String, nil, 0)
	assert.ErrorIs(t, err, ErrUnsupported)
}

// TestStringBlocks: copies, views, equality, fills and the wire form of
// string blocks.
func TestStringBlocks(t *testing.T) {
	d, err := FromSlice([]string{"a", "bb", "", "dddd", "é", "f"}, 2, 3)
	require.NoError(t, err)
	assert.False(t, d.HasBytes())
	assert.Panics(t, func() { d.Bytes() })
	c := d.Clone()
	assert.True(t, c.Equal(d))
	Values[string](c)[0] = "z"
	assert.False(t, c.Equal(d))
	sub, err := d.SubBlock(chunk.Box{Lo: []int{0, 1}, Hi: []int{2, 3}})
	require.NoError(t, err)
	assert.Equal(t, []string{"bb", "", "é", "f"}, Values[string](sub))
	row, err := d.Row(1)
	require.NoError(t, err)
	assert.Equal(t, []string{"dddd", "é", "f"}, Values[string](row))
	one, _ := FromSlice([]string{"fill"}, 1)
	require.NoError(t, c.FillFrom(one))
	assert.Equal(t, []string{"fill", "fill", "fill", "fill", "fill", "fill"}, Values[string](c))

	b, err := d.MarshalBinary()
	require.NoError(t, err)
	var back Dense
	require.NoError(t, back.UnmarshalBinary(b))
	assert.True(t, back.Equal(d))
	for name, in := range map[string][]byte{
		"TDN1":    append([]byte("TDN1"), b[4:]...),
		"overrun": append([]byte{}, b[:len(b)-1]...),
		"extra":   append(append([]byte{}, b...), 0),
		"count":   {'T', 'D', 'N', '2', byte(String), 1, 200},
	} {
		var x Dense
		assert.ErrorIs(t, x.UnmarshalBinary(in), ErrCorruptBlock, name)
	}
	for _, dt := range AllDTypes() {
		x := Must(dt, 2)
		b, err := x.MarshalBinary()
		require.NoError(t, err, dt.String())
		var y Dense
		require.NoError(t, y.UnmarshalBinary(b), dt.String())
		assert.True(t, y.Equal(x), dt.String())
		assert.Equal(t, dt, y.DType())
	}
}

// FuzzParseNumpy: no type string panics the parser; what parses prints a
// type string that parses to the same type.
func FuzzParseNumpy(f *testing.F) {
	for _, s := range []string{"<U3", ">U3", "|S5", "|O", "<M8[ns]", ">m8[s]", "<f2", "<c16", "|b1", "datetime64[D]", "|V8", "<M8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 64 {
			return
		}
		nt, err := ParseNumpy(s)
		if err != nil {
			if !errors.Is(err, ErrDType) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		back, err := ParseNumpy(nt.Typestr())
		if err != nil || back.DType != nt.DType || back.Kind != nt.Kind && !(nt.Kind == StringVLen && back.Kind == StringObject) || back.Width != nt.Width {
			t.Fatalf("%q -> %+v -> %q -> %+v %v", s, nt, nt.Typestr(), back, err)
		}
	})
}
