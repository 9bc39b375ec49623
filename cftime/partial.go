package cftime

import "fmt"

// Interval is the half-open time interval [Start, End) in one calendar.
type Interval struct {
	// Start is the first instant inside the interval.
	Start Time
	// End is the first instant after it.
	End Time
}

// Contains reports whether Start <= t < End.
func (iv Interval) Contains(t Time) bool { return !t.Before(iv.Start) && t.Before(iv.End) }

// Resolution is the finest field a partial date gives.
type Resolution uint8

// Resolutions of partial dates, coarsest first.
const (
	// ResYear: "2020".
	ResYear Resolution = iota
	// ResMonth: "2020-02".
	ResMonth
	// ResDay: "2020-02-29".
	ResDay
	// ResHour: "2020-02-29T12".
	ResHour
	// ResMinute: "2020-02-29T12:30".
	ResMinute
	// ResSecond: "2020-02-29T12:30:15".
	ResSecond
)

// String returns the field's name ("year" ... "second"), as xarray names
// a partial date's resolution.
func (r Resolution) String() string {
	switch r {
	case ResYear:
		return "year"
	case ResMonth:
		return "month"
	case ResDay:
		return "day"
	case ResHour:
		return "hour"
	case ResMinute:
		return "minute"
	case ResSecond:
		return "second"
	}
	return fmt.Sprintf("Resolution(%d)", uint8(r))
}

// maxPartialLen bounds the strings ParsePartial reads.
const maxPartialLen = 64

// ParsePartial parses a partial date as xarray's CFTimeIndex reads one for
// sel: a four-digit year, then optionally "-MM", "-DD", "THH" (or " HH"),
// ":MM", ":SS", each two digits ("2020", "2020-02", "2020-02-29T12",
// "2020-02-29 12:30", "2020-02-29T12:30:15"), or the same without
// separators ("20200229T1230"). It returns the interval the date covers
// in cal — "2020-02" is [2020-02-01, 2020-03-01) — and its resolution.
// A date that does not exist in cal ("2021-02-29" in standard, but
// "2021-02-30" is fine in 360_day) is an error wrapping ErrDate naming the
// string. xarray's interval ends 1 µs before the next period (its bounds
// are inclusive); this one is half-open at the next period's start, which
// selects the same times at microsecond resolution and more exactly below.
func ParsePartial(s string, cal Calendar) (Interval, Resolution, error) {
	if err := cal.check(); err != nil {
		return Interval{}, 0, err
	}
	if len(s) > maxPartialLen {
		return Interval{}, 0, fmt.Errorf("%w: partial date of %d bytes (limit %d)", ErrDate, len(s), maxPartialLen)
	}
	var f [6]int
	f[1], f[2] = 1, 1
	res, err := scanPartial(s, &f)
	if err != nil {
		return Interval{}, 0, err
	}
	start, err := Date(cal, f[0], f[1], f[2], f[3], f[4], f[5], 0)
	if err != nil {
		return Interval{}, 0, fmt.Errorf("%w (partial date %q)", err, s)
	}
	var end Time
	switch res {
	case ResYear:
		end, err = nextYear(cal, f[0])
	case ResMonth:
		if f[1] == 12 {
			end, err = nextYear(cal, f[0])
		} else {
			end, err = Date(cal, f[0], f[1]+1, 1, 0, 0, 0, 0)
		}
	case ResDay:
		// Day counts are consecutive across Standard's 1582 switch, so
		// the day after 1582-10-04 is 1582-10-15.
		end, err = start.AddDays(1)
	case ResHour:
		end, err = fromParts(cal, start.day, start.nsec+3600*nsPerSecond)
	case ResMinute:
		end, err = fromParts(cal, start.day, start.nsec+60*nsPerSecond)
	default:
		end, err = fromParts(cal, start.day, start.nsec+nsPerSecond)
	}
	if err != nil {
		return Interval{}, 0, fmt.Errorf("%w (partial date %q)", err, s)
	}
	return Interval{Start: start, End: end}, res, nil
}

// nextYear returns January 1 of the year after y (skipping year 0 where
// the calendar has none).
func nextYear(cal Calendar, y int) (Time, error) {
	n := y + 1
	if n == 0 && !cal.HasYearZero() {
		n = 1
	}
	return Date(cal, n, 1, 1, 0, 0, 0, 0)
}

// scanPartial fills f with the fields of s and returns the resolution.
func scanPartial(s string, f *[6]int) (Resolution, error) {
	bad := func(why string) error { return fmt.Errorf("%w: partial date %q: %s", ErrDate, s, why) }
	num := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok := num(0, 4)
	if !ok {
		return 0, bad("want a four-digit year")
	}
	f[0] = y
	if len(s) == 4 {
		return ResYear, nil
	}
	extended := s[4] == '-'
	i := 4
	// seps before month, day, hour, minute, second
	for field := 1; field < 6; field++ {
		if i == len(s) {
			return Resolution(field - 1), nil
		}
		switch {
		case field == 3:
			if s[i] != 'T' && !(extended && s[i] == ' ') {
				return 0, bad("want 'T' before the hour")
			}
			i++
		case extended && field < 3:
			if s[i] != '-' {
				return 0, bad("want '-'")
			}
			i++
		case extended:
			if s[i] != ':' {
				return 0, bad("want ':'")
			}
			i++
		}
		v, ok := num(i, 2)
		if !ok {
			return 0, bad("want two digits")
		}
		f[field] = v
		i += 2
	}
	if i != len(s) {
		return 0, bad("unexpected text after the seconds")
	}
	return ResSecond, nil
}
