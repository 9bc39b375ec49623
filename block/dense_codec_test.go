package block

import (
	"errors"
	"testing"
)

func TestDenseCodecRoundTrip(t *testing.T) {
	f, _ := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	bo, _ := FromSlice([]bool{true, false, true}, 3)
	i8, _ := FromSlice([]int8{-1, 2}, 2, 1, 1)
	empty := Must(Uint16, 0, 5)
	scalar := Must(Int32)
	for _, d := range []*Dense{f, bo, i8, empty, scalar} {
		b, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var v Dense
		if err := v.UnmarshalBinary(b); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if !v.Equal(d) {
			t.Fatalf("round trip of %s gave %s", d, &v)
		}
	}
}

func TestDenseCodecRejects(t *testing.T) {
	good, _ := FromSlice([]float64{1, 2}, 2)
	b, _ := good.MarshalBinary()
	cases := map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XXXX"), b[4:]...),
		"dtype":     append(append([]byte{}, b[:4]...), append([]byte{200}, b[5:]...)...),
		"truncated": b[:len(b)-1],
		"extra":     append(append([]byte{}, b...), 0),
		"huge":      {'T', 'D', 'N', '1', byte(Float64), 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"rank":      {'T', 'D', 'N', '1', byte(Float64), 0xff, 0x01},
	}
	for name, in := range cases {
		var d Dense
		if err := d.UnmarshalBinary(in); !errors.Is(err, ErrCorruptBlock) {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

func FuzzDenseUnmarshal(f *testing.F) {
	str, _ := FromSlice([]string{"a", "", "日本"}, 3)
	for _, d := range []*Dense{Must(Float32, 2, 2), Must(Bool, 3), Must(Int64), str, Must(DateTime64(UnitNano), 2), Must(Complex128, 1), Must(Float16, 2)} {
		b, _ := d.MarshalBinary()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		var d Dense
		if err := d.UnmarshalBinary(b); err != nil {
			return
		}
		b2, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var d2 Dense
		if err := d2.UnmarshalBinary(b2); err != nil || !d2.Equal(&d) {
			t.Fatalf("re-decode: %v", err)
		}
	})
}
