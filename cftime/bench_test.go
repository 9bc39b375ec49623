package cftime

import (
	"testing"
)

// BenchmarkDecodeDaily100k decodes a 100,000-step daily axis (about 274
// years) from int and from float offsets, and locates a month in it.
func BenchmarkDecodeDaily100k(b *testing.B) {
	const n = 100_000
	ints := make([]int64, n)
	floats := make([]float64, n)
	for i := range ints {
		ints[i] = int64(i)
		floats[i] = float64(i)
	}
	half := make([]float64, n)
	for i := range half {
		half[i] = float64(i) + 0.5
	}
	for _, cal := range []Calendar{Standard, NoLeap, Day360} {
		u, err := ParseUnits("days since 1850-01-01", cal)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(cal.String()+"/ints", func(b *testing.B) {
			b.SetBytes(8 * n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := u.DecodeInts(ints); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(cal.String()+"/floats", func(b *testing.B) {
			b.SetBytes(8 * n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := u.DecodeFloats(floats); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(cal.String()+"/fractional-floats", func(b *testing.B) {
			b.SetBytes(8 * n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := u.DecodeFloats(half); err != nil {
					b.Fatal(err)
				}
			}
		})
		ts, _ := u.DecodeInts(ints)
		b.Run(cal.String()+"/components", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := 0
				for i := range ts.Len() {
					t, _ := ts.At(i)
					s += t.Month() + t.DayOfYear()
				}
				_ = s
			}
		})
		b.Run(cal.String()+"/partial-locate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				iv, _, err := ParsePartial("2020-02", cal)
				if err != nil {
					b.Fatal(err)
				}
				if lo, hi := ts.Locate(iv); hi <= lo {
					b.Fatal("empty")
				}
			}
		})
		b.Run(cal.String()+"/encode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Encode(ts, EncodeOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
