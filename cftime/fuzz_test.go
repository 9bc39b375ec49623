package cftime

import (
	"errors"
	"math"
	"testing"
)

var fuzzCalendars = []Calendar{Standard, ProlepticGregorian, Julian, NoLeap, AllLeap, Day360}

func fuzzCal(i uint8) Calendar { return fuzzCalendars[int(i)%len(fuzzCalendars)] }

// FuzzParseUnits: no input panics; what parses prints as units that parse
// back to the same Units, and decodes and encodes small counts exactly.
func FuzzParseUnits(f *testing.F) {
	seen := map[string]bool{}
	for _, r := range loadTable(f) {
		if !seen[r.units] {
			seen[r.units] = true
			f.Add(r.units, uint8(0))
		}
	}
	for _, s := range []string{"days since 1900-01-01 00:00:00.0 -6:00", "months since 2000-01-01", "common_years since 1-1-1",
		"s since -99999-12-31T23:59:59.999999999+14:00", "hours since 2000-01-01 12:00 UTC", "days since 2000-02-30"} {
		f.Add(s, uint8(5))
	}
	f.Fuzz(func(t *testing.T, s string, ci uint8) {
		if len(s) > 2*maxUnitsLen {
			return
		}
		cal := fuzzCal(ci)
		u, err := ParseUnits(s, cal)
		if err != nil {
			return
		}
		again, err := ParseUnits(u.String(), cal)
		if err != nil {
			t.Fatalf("%q parsed, its String %q does not: %v", s, u.String(), err)
		}
		if again != u {
			t.Fatalf("%q: %v then %v", s, u, again)
		}
		ts, err := u.DecodeInts([]int64{-3, 0, 7})
		if err != nil {
			return // the reference is at the edge of the range
		}
		for i, want := range []int64{-3, 0, 7} {
			tm, _ := ts.At(i)
			got, err := u.EncodeInt(tm)
			if err != nil || got != want {
				t.Fatalf("%q: count %d encodes to %d, %v", s, want, got, err)
			}
		}
	})
}

// FuzzParsePartial: no input panics; an interval parsed is non-empty and
// starts at the date given.
func FuzzParsePartial(f *testing.F) {
	for _, s := range []string{"2020", "2020-02", "2020-02-29", "2020-02-29T12", "2020-02-29 12:30", "2020-02-29T12:30:15",
		"20200229T1230", "2021-02-30", "1582-10-04", "9999-12-31T23:59:59"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(5))
	}
	f.Fuzz(func(t *testing.T, s string, ci uint8) {
		if len(s) > 2*maxPartialLen {
			return
		}
		iv, res, err := ParsePartial(s, fuzzCal(ci))
		if err != nil {
			return
		}
		if !iv.Start.Before(iv.End) || !iv.Contains(iv.Start) || iv.Contains(iv.End) {
			t.Fatalf("%q: bad interval [%s, %s)", s, iv.Start, iv.End)
		}
		if res > ResSecond {
			t.Fatalf("%q: resolution %v", s, res)
		}
	})
}

// FuzzDecodeFloats: no offset panics; a decoded time encodes to a float
// that decodes to the same time, or, where cftime's own rounding does not
// give it back (1 µs past a whole second in seconds: cftime decodes 1e-06
// seconds as 0), Encode refuses the float as lossy.
func FuzzDecodeFloats(f *testing.F) {
	for _, v := range []float64{0, 0.5, -1.000001, 1.0 / 3, 1e-7, 36524.999999, 1e15, -1e300, math.NaN()} {
		f.Add(v, uint8(0), uint8(1))
	}
	units := []string{"days since 2000-01-01", "hours since 0001-01-01", "seconds since 1970-01-01 00:00:00 -6:00", "microseconds since 2000-01-01"}
	f.Fuzz(func(t *testing.T, v float64, ci, ui uint8) {
		cal := fuzzCal(ci)
		u, err := ParseUnits(units[int(ui)%len(units)], cal)
		if err != nil {
			t.Fatal(err)
		}
		tm, err := u.Decode(v)
		if err != nil {
			return
		}
		e, _, err := u.EncodeFloat(tm)
		if err != nil {
			return
		}
		back, err := u.Decode(e)
		if err == nil && back.Equal(tm) {
			return
		}
		ts, err := TimesOf([]Time{tm})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Encode(ts, EncodeOptions{Units: &u}); !errors.Is(err, ErrPrecision) && !errors.Is(err, ErrRange) {
			t.Fatalf("%v %q: %s encodes to %v which decodes to %s, and Encode says %v", v, u, tm, e, back, err)
		}
	})
}
