package cftime_test

import (
	"fmt"

	"github.com/tessera-array/tessera/cftime"
)

// Decode a noleap time axis written as "days since", look at its
// components, and encode it back.
func ExampleUnits_DecodeInts() {
	cal, _ := cftime.ParseCalendar("365_day")
	u, _ := cftime.ParseUnits("days since 2000-02-27 12:00", cal)
	ts, _ := u.DecodeInts([]int64{0, 1, 2, 300})
	for i := range ts.Len() {
		t, _ := ts.At(i)
		fmt.Println(t.ISO(), t.DayOfYear(), t.Season())
	}
	enc, _ := cftime.Encode(ts, cftime.EncodeOptions{})
	fmt.Println(enc.Units, enc.Ints)
	// Output:
	// 2000-02-27T12:00:00 58 DJF
	// 2000-02-28T12:00:00 59 DJF
	// 2000-03-01T12:00:00 60 MAM
	// 2000-12-24T12:00:00 358 DJF
	// days since 2000-02-27 12:00:00 [0 1 2 300]
}

// Float offsets and a time zone in the reference date.
func ExampleUnits_DecodeFloats() {
	u, _ := cftime.ParseUnits("hours since 1900-01-01 00:00:00.0 -6:00", cftime.Standard)
	ts, _ := u.DecodeFloats([]float64{0, 1.5, -30})
	for i := range ts.Len() {
		t, _ := ts.At(i)
		fmt.Println(t)
	}
	// Output:
	// 1900-01-01 06:00:00
	// 1900-01-01 07:30:00
	// 1899-12-31 00:00:00
}

// Select a month of a 360_day axis by a partial date.
func ExampleParsePartial() {
	u, _ := cftime.ParseUnits("days since 2021-01-01", cftime.Day360)
	counts := make([]int64, 360)
	for i := range counts {
		counts[i] = int64(i)
	}
	ts, _ := u.DecodeInts(counts)
	feb, _, _ := cftime.ParsePartial("2021-02", cftime.Day360)
	lo, hi := ts.Locate(feb)
	last, _ := ts.At(hi - 1)
	fmt.Println(lo, hi, last.ISO())
	_, _, err := cftime.ParsePartial("2021-02-29", cftime.Standard)
	fmt.Println(err)
	// Output:
	// 30 60 2021-02-30T00:00:00
	// cftime: invalid date: 2021-02-29 does not exist in the standard calendar (partial date "2021-02-29")
}

// The mixed Julian/Gregorian calendar skips ten days in October 1582.
func ExampleDate() {
	t, _ := cftime.Date(cftime.Standard, 1582, 10, 4, 0, 0, 0, 0)
	next, _ := t.AddDays(1)
	fmt.Println(next.ISO(), next.DayOfYear(), next.DayOfWeek())
	_, err := cftime.Date(cftime.Standard, 1582, 10, 10, 0, 0, 0, 0)
	fmt.Println(err)
	// Output:
	// 1582-10-15T00:00:00 288 4
	// cftime: invalid date: 1582-10-10 is not in the mixed Julian/Gregorian calendar (1582-10-04 is followed by 1582-10-15)
}

func ExampleParseCalendar() {
	c, _ := cftime.ParseCalendar("Gregorian")
	fmt.Println(c, c.IsLeapYear(1500), c.HasYearZero())
	_, err := cftime.ParseCalendar("lunar")
	fmt.Println(err != nil)
	// Output:
	// standard true false
	// true
}
