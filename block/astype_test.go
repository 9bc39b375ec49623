package block

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestAsType(t *testing.T) {
	tests := []struct {
		name string
		in   *Dense
		to   DType
		pol  Overflow
		want []float64
		bad  []int // index of the error, nil when no error
	}{
		{"round half even", mustSlice([]float64{0.5, 1.5, 2.5, -0.5, -1.5, 2.4999}), Int16, OverflowError, []float64{0, 2, 2, -0, -2, 2}, nil},
		{"error names index", mustSlice([]float64{1, 2, 40000, 3}), Int16, OverflowError, nil, []int{2}},
		{"clip", mustSlice([]float64{-40000, 40000, math.NaN(), math.Inf(1)}), Int16, OverflowClip, []float64{-32768, 32767, 0, 32767}, nil},
		{"wrap", mustSlice([]float64{32768, 65537, -32769, math.NaN()}), Int16, OverflowWrap, []float64{-32768, 1, 32767, 0}, nil},
		{"nan is error", mustSlice([]float64{1, math.NaN()}), Uint8, OverflowError, nil, []int{1}},
		{"uint8 negative", mustSlice([]float64{-1}), Uint8, OverflowError, nil, []int{0}},
		{"int64 edge", mustSlice([]float64{-9223372036854775808, 9223372036854775807}), Int64, OverflowError, nil, []int{1}}, // 2^63 rounds up
		{"uint64 top", mustSlice([]float64{18446744073709549568}), Uint64, OverflowError, []float64{18446744073709549568}, nil},
		{"int narrowing", mustSlice([]int32{100, 300, -129}), Int8, OverflowError, nil, []int{1}},
		{"int clip", mustSlice([]int32{100, 300, -129}), Int8, OverflowClip, []float64{100, 127, -128}, nil},
		{"int wrap", mustSlice([]int32{100, 300, -129}), Int8, OverflowWrap, []float64{100, 44, 127}, nil},
		{"signed to unsigned", mustSlice([]int64{-1, 5}), Uint32, OverflowError, nil, []int{0}},
		{"unsigned to signed", mustSlice([]uint64{1 << 63, 5}), Int64, OverflowClip, []float64{math.MaxInt64, 5}, nil},
		{"f64 to f32 overflow", mustSlice([]float64{1e39}), Float32, OverflowError, nil, []int{0}},
		{"f64 to f32 inf ok", mustSlice([]float64{math.Inf(-1), 1.5}), Float32, OverflowError, []float64{math.Inf(-1), 1.5}, nil},
		{"f64 to f32 clip", mustSlice([]float64{-1e39}), Float32, OverflowClip, []float64{-math.MaxFloat32}, nil},
		{"to bool", mustSlice([]float32{0, 0.1, -3}), Bool, OverflowError, []float64{0, 1, 1}, nil},
		{"from bool", mustSlice([]bool{true, false}), Float32, OverflowError, []float64{1, 0}, nil},
		{"widen", mustSlice([]uint8{255, 0}), Int16, OverflowError, []float64{255, 0}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.in.AsType(tc.to, CastOptions{Overflow: tc.pol})
			if tc.bad != nil {
				var ce *CastError
				if !errors.As(err, &ce) || !errors.Is(err, ErrOverflow) || !reflect.DeepEqual(ce.Index, tc.bad) || ce.To != tc.to {
					t.Fatalf("err = %v, want CastError at %v", err, tc.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.DType() != tc.to {
				t.Fatalf("dtype %s", out.DType())
			}
			got := out.Float64s()
			for i := range got {
				if got[i] != tc.want[i] && !(math.IsNaN(got[i]) && math.IsNaN(tc.want[i])) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestCastErrorNamesNDIndex(t *testing.T) {
	d, _ := FromSlice([]float64{1, 2, 3, 4, 5, 1e9}, 2, 3)
	_, err := d.AsType(Int16, CastOptions{})
	var ce *CastError
	if !errors.As(err, &ce) || !reflect.DeepEqual(ce.Index, []int{1, 2}) || ce.Value != 1e9 || ce.From != Float64 {
		t.Fatalf("err = %#v", err)
	}
	if msg := err.Error(); msg != "block: cannot convert float64 value 1e+09 at index [1 2] to int16: out of range" {
		t.Fatalf("message %q", msg)
	}
}

func TestScaleOffsetRoundTrip(t *testing.T) {
	v := make([]float64, 10000)
	for i := range v {
		v[i] = float64(i) / 10000 // [0, 1)
	}
	src, _ := FromSlice(v, 100, 100)
	so := ScaleOffset{Scale: 1e-4}
	packed, err := so.Pack(src, Int16, OverflowError)
	if err != nil {
		t.Fatal(err)
	}
	if packed.Nbytes()*4 != src.Nbytes() {
		t.Fatalf("packed %d bytes, float %d", packed.Nbytes(), src.Nbytes())
	}
	back, _ := so.Unpack(packed, Float64)
	for i, x := range back.Float64s() {
		if math.Abs(x-v[i]) > 0.5e-4+1e-12 {
			t.Fatalf("element %d: %v -> %v", i, v[i], x)
		}
	}
	over, _ := FromSlice([]float64{0.5, 3.5}, 2)
	_, err = so.Pack(over, Int16, OverflowError)
	var ce *CastError
	if !errors.As(err, &ce) || ce.Value != 3.5 || ce.Index[0] != 1 {
		t.Fatalf("pack overflow err = %v", err)
	}
	if _, err := (ScaleOffset{}).Pack(src, Int16, OverflowError); err == nil {
		t.Fatal("zero scale accepted")
	}
}

func mustSlice[T Elem](v []T) *Dense {
	d, err := FromSlice(v, len(v))
	if err != nil {
		panic(err)
	}
	return d
}
