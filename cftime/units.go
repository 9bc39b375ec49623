package cftime

import (
	"fmt"
	"strings"
)

// Unit is the length of a CF time unit in nanoseconds. Only the named
// constants are valid units.
type Unit int64

// The CF time units. Month (30 days) is allowed only in 360_day and
// CommonYear (365 days) only in noleap, as cftime allows them; CF's other
// "month" and "year" (fractions of a tropical year, from udunits) are
// refused, as cftime and the CF conventions advise.
const (
	// Nanosecond is "nanoseconds" (xarray's, for datetime64; cftime has
	// none).
	Nanosecond Unit = 1
	// Microsecond is "microseconds" (also microsecond, microsec, microsecs).
	Microsecond Unit = 1000
	// Millisecond is "milliseconds" (also millisecond, millisec(s), msec(s), ms).
	Millisecond Unit = 1000 * Microsecond
	// Second is "seconds" (also second, sec, secs, s).
	Second Unit = 1000 * Millisecond
	// Minute is "minutes" (also minute, min, mins).
	Minute Unit = 60 * Second
	// Hour is "hours" (also hour, hr, hrs, h).
	Hour Unit = 60 * Minute
	// Day is "days" (also day, d): 86400 s in every calendar.
	Day Unit = 24 * Hour
	// Month is "months", 30 days, allowed only in 360_day.
	Month Unit = 30 * Day
	// CommonYear is "common_years", 365 days, allowed only in noleap.
	CommonYear Unit = 365 * Day
)

// String returns the unit's plural CF name ("days", "hours", ...,
// "months", "common_years").
func (u Unit) String() string {
	switch u {
	case Nanosecond:
		return "nanoseconds"
	case Microsecond:
		return "microseconds"
	case Millisecond:
		return "milliseconds"
	case Second:
		return "seconds"
	case Minute:
		return "minutes"
	case Hour:
		return "hours"
	case Day:
		return "days"
	case Month:
		return "months"
	case CommonYear:
		return "common_years"
	}
	return fmt.Sprintf("Unit(%d)", int64(u))
}

// valid reports whether u is one of the named units and allowed in cal.
func (u Unit) validIn(cal Calendar) error {
	switch u {
	case Nanosecond, Microsecond, Millisecond, Second, Minute, Hour, Day:
		return nil
	case Month:
		if cal == Day360 {
			return nil
		}
		return fmt.Errorf("%w: \"months\" is allowed only in the 360_day calendar, not %s", ErrUnits, cal)
	case CommonYear:
		if cal == NoLeap {
			return nil
		}
		return fmt.Errorf("%w: \"common_years\" is allowed only in the noleap/365_day calendar, not %s", ErrUnits, cal)
	}
	return fmt.Errorf("%w: %v is not a CF time unit", ErrUnits, u)
}

// unitNames are the names cftime accepts (lower case) plus xarray's
// nanoseconds.
var unitNames = map[string]Unit{
	"nanoseconds": Nanosecond, "nanosecond": Nanosecond, "ns": Nanosecond,
	"microseconds": Microsecond, "microsecond": Microsecond, "microsec": Microsecond, "microsecs": Microsecond,
	"milliseconds": Millisecond, "millisecond": Millisecond, "millisec": Millisecond, "millisecs": Millisecond,
	"msec": Millisecond, "msecs": Millisecond, "ms": Millisecond,
	"seconds": Second, "second": Second, "sec": Second, "secs": Second, "s": Second,
	"minutes": Minute, "minute": Minute, "min": Minute, "mins": Minute,
	"hours": Hour, "hour": Hour, "hr": Hour, "hrs": Hour, "h": Hour,
	"days": Day, "day": Day, "d": Day,
	"months": Month, "month": Month,
	"common_years": CommonYear, "common_year": CommonYear,
}

// ParseUnit parses a CF time unit name as cftime does, case-insensitively:
// days/day/d, hours/hour/hr/hrs/h, minutes/minute/min/mins,
// seconds/second/sec/secs/s, milliseconds/millisecond/millisec/millisecs/
// msec/msecs/ms, microseconds/microsecond/microsec/microsecs, and
// xarray's nanoseconds/nanosecond/ns; months/month (360_day only) and
// common_years/common_year (noleap only) are checked by ParseUnits.
func ParseUnit(name string) (Unit, error) {
	if u, ok := unitNames[strings.ToLower(strings.TrimSpace(name))]; ok {
		return u, nil
	}
	if n := strings.ToLower(strings.TrimSpace(name)); n == "years" || n == "year" || n == "yr" || n == "a" {
		return 0, fmt.Errorf("%w: %q (a fraction of a tropical year in udunits) is refused, as cftime refuses it; use days", ErrUnits, name)
	}
	return 0, fmt.Errorf("%w: unknown time unit %q (want days, hours, minutes, seconds, milliseconds, microseconds or nanoseconds)", ErrUnits, name)
}

// Units is a parsed CF time units attribute, "<unit> since <reference>",
// in a calendar: the unit and the reference time in that calendar, with
// any time-zone offset of the string applied (Ref is UTC).
type Units struct {
	// Unit is the length of one count.
	Unit Unit
	// Ref is the reference time, UTC, in the units' calendar.
	Ref Time
}

// NewUnits returns the units "unit since ref" in ref's calendar, checking
// that the unit is valid there.
func NewUnits(unit Unit, ref Time) (Units, error) {
	if err := ref.cal.check(); err != nil {
		return Units{}, err
	}
	if err := unit.validIn(ref.cal); err != nil {
		return Units{}, err
	}
	return Units{Unit: unit, Ref: ref}, nil
}

// maxUnitsLen bounds the units strings ParseUnits reads.
const maxUnitsLen = 256

// ParseUnits parses a CF time units string in calendar cal:
// "<unit> since <date>", with the unit as ParseUnit accepts it and the
// word since in any case. The reference date takes every form xarray
// reads: "1970-01-01", "1970-1-1 00:00:00", "2000-01-01T12:00:00Z",
// "1900-01-01 00:00:00.0 -6:00", "0001-01-01", a year alone or a year
// and month (as pandas reads them), fractional seconds to the
// nanosecond, and a time zone "Z", "UTC", "GMT", "±H", "±HH", "±HHMM",
// "±H:MM" or "±HH:MM" that is subtracted so Ref is UTC. Unlike cftime,
// which ignores what it cannot read after the date (a one-digit zone
// hour, trailing text), anything left over is an error. The errors wrap
// ErrUnits and name the string; a reference date not in cal wraps ErrDate
// as well.
func ParseUnits(s string, cal Calendar) (Units, error) {
	if err := cal.check(); err != nil {
		return Units{}, err
	}
	if len(s) > maxUnitsLen {
		return Units{}, fmt.Errorf("%w: units string of %d bytes (limit %d)", ErrUnits, len(s), maxUnitsLen)
	}
	rest := strings.TrimLeft(s, " \t\r\n")
	name, rest, _ := cutSpace(rest)
	since, rest, _ := cutSpace(strings.TrimLeft(rest, " \t\r\n"))
	if name == "" || !strings.EqualFold(since, "since") {
		return Units{}, fmt.Errorf("%w: %q is not of the form \"<unit> since <date>\"", ErrUnits, s)
	}
	unit, err := ParseUnit(name)
	if err != nil {
		return Units{}, fmt.Errorf("%w (in %q)", err, s)
	}
	if err := unit.validIn(cal); err != nil {
		return Units{}, fmt.Errorf("%w (in %q)", err, s)
	}
	ref, err := parseReference(strings.TrimSpace(rest), cal)
	if err != nil {
		return Units{}, fmt.Errorf("%w: reference date of %q: %w", ErrUnits, s, err)
	}
	return Units{Unit: unit, Ref: ref}, nil
}

// cutSpace splits s at its first run of white space.
func cutSpace(s string) (before, after string, found bool) {
	i := strings.IndexAny(s, " \t\r\n")
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i:], true
}

// String returns the units as "<unit> since YYYY-MM-DD HH:MM:SS", with a
// fraction when Ref has one (the form xarray writes), which ParseUnits
// reads back to the same Units.
func (u Units) String() string { return u.Unit.String() + " since " + u.Ref.String() }

// Calendar returns the calendar of the units' reference time.
func (u Units) Calendar() Calendar { return u.Ref.cal }

// dateScanner reads the reference date grammar.
type dateScanner struct {
	s   string
	pos int
}

func (d *dateScanner) peek() byte {
	if d.pos < len(d.s) {
		return d.s[d.pos]
	}
	return 0
}

// digits reads 1..max decimal digits.
func (d *dateScanner) digits(max int) (int, int, bool) {
	start := d.pos
	v := 0
	for d.pos < len(d.s) && d.pos-start < max && d.s[d.pos] >= '0' && d.s[d.pos] <= '9' {
		v = v*10 + int(d.s[d.pos]-'0')
		d.pos++
	}
	return v, d.pos - start, d.pos > start
}

func (d *dateScanner) skipSpace() {
	for d.pos < len(d.s) && (d.s[d.pos] == ' ' || d.s[d.pos] == '\t') {
		d.pos++
	}
}

func (d *dateScanner) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d of %q", ErrDate, what, d.pos, d.s)
}

// parseReference parses a reference date and applies its zone offset.
func parseReference(s string, cal Calendar) (Time, error) {
	d := &dateScanner{s: s}
	neg := false
	switch d.peek() {
	case '-':
		neg = true
		d.pos++
	case '+':
		d.pos++
	}
	year, _, ok := d.digits(9)
	if !ok {
		return Time{}, d.fail("want a year")
	}
	if d.peek() >= '0' && d.peek() <= '9' {
		return Time{}, d.fail("year has more than 9 digits")
	}
	if neg {
		year = -year
	}
	month, day := 1, 1
	if d.peek() == '-' {
		d.pos++
		if month, _, ok = d.digits(2); !ok {
			return Time{}, d.fail("want a month")
		}
		if d.peek() == '-' {
			d.pos++
			if day, _, ok = d.digits(2); !ok {
				return Time{}, d.fail("want a day")
			}
		}
	}
	hour, minute, sec, nsec := 0, 0, 0, 0
	// time: 'T' or spaces, then H[H]:M[M][:S[S][.f+]]
	save := d.pos
	if d.peek() == 'T' || d.peek() == 't' {
		d.pos++
	} else {
		d.skipSpace()
	}
	if c := d.peek(); c >= '0' && c <= '9' {
		hour, _, _ = d.digits(2)
		if d.peek() != ':' {
			return Time{}, d.fail("want ':' after the hour")
		}
		d.pos++
		if minute, _, ok = d.digits(2); !ok {
			return Time{}, d.fail("want minutes")
		}
		if d.peek() == ':' {
			d.pos++
			if sec, _, ok = d.digits(2); !ok {
				return Time{}, d.fail("want seconds")
			}
			if d.peek() == '.' {
				d.pos++
				start := d.pos
				scale := 100_000_000
				for d.pos < len(d.s) && d.s[d.pos] >= '0' && d.s[d.pos] <= '9' {
					nsec += int(d.s[d.pos]-'0') * scale
					scale /= 10
					d.pos++
				}
				if d.pos == start {
					return Time{}, d.fail("want digits after '.'")
				}
			}
		}
	} else {
		d.pos = save
	}
	// zone
	d.skipSpace()
	offMin := 0
	switch c := d.peek(); {
	case c == 'Z' || c == 'z':
		d.pos++
	case len(d.s)-d.pos >= 3 && (strings.EqualFold(d.s[d.pos:d.pos+3], "UTC") || strings.EqualFold(d.s[d.pos:d.pos+3], "GMT")):
		d.pos += 3
	case c == '+' || c == '-':
		d.pos++
		h, n, ok := d.digits(2)
		if !ok {
			return Time{}, d.fail("want zone hours")
		}
		m := 0
		if d.peek() == ':' {
			d.pos++
			if m, _, ok = d.digits(2); !ok {
				return Time{}, d.fail("want zone minutes")
			}
		} else if n == 2 {
			if c := d.peek(); c >= '0' && c <= '9' {
				if m, _, ok = d.digits(2); !ok {
					return Time{}, d.fail("want zone minutes")
				}
			}
		}
		if h > 14 || m > 59 {
			return Time{}, d.fail(fmt.Sprintf("zone offset %02d:%02d out of range", h, m))
		}
		offMin = h*60 + m
		if c == '-' {
			offMin = -offMin
		}
	}
	d.skipSpace()
	if d.pos != len(d.s) {
		return Time{}, d.fail("unexpected text")
	}
	t, err := Date(cal, year, month, day, hour, minute, sec, nsec)
	if err != nil {
		return Time{}, err
	}
	if offMin != 0 {
		return fromParts(cal, t.day, t.nsec-int64(offMin)*60*nsPerSecond)
	}
	return t, nil
}
