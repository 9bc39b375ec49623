package cftime

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

const (
	nsPerDay    = int64(86400) * 1e9
	nsPerSecond = int64(1e9)
)

// Time is an instant in a CF calendar: the calendar, a count of days from
// the calendar's 1970-01-01 and the nanoseconds into that day. It is a
// small comparable value (use Equal or Compare rather than ==, which also
// compares calendars). The zero Time is 1970-01-01T00:00:00 in Standard.
//
// The real calendars (standard, proleptic_gregorian, julian) share one
// time line: a Time converted between them with In is the same instant,
// and each converts to Go's time.Time. Each idealized calendar (noleap,
// all_leap, 360_day) has a time line of its own.
type Time struct {
	day  int64 // days since the calendar's day 0 (see Calendar)
	nsec int64 // nanoseconds into the day, [0, 86400e9)
	cal  Calendar
}

// Date returns the Time of the given fields in calendar cal, with year in
// the calendar's own numbering (no year 0 in standard and julian). It
// returns an error wrapping ErrDate for a date or clock time that does not
// exist in cal (hour 0..23, minute and second 0..59, nsec 0..999999999),
// ErrRange for |year| > MaxYear and ErrCalendar for an undefined calendar.
func Date(cal Calendar, year, month, day, hour, minute, sec, nsec int) (Time, error) {
	if err := cal.validDate(year, month, day); err != nil {
		return Time{}, err
	}
	if hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 || nsec < 0 || nsec > 999_999_999 {
		return Time{}, fmt.Errorf("%w: clock %02d:%02d:%02d.%09d outside 00:00:00..23:59:59.999999999", ErrDate, hour, minute, sec, nsec)
	}
	return Time{
		day:  cal.days(year, month, day),
		nsec: (int64(hour)*3600+int64(minute)*60+int64(sec))*nsPerSecond + int64(nsec),
		cal:  cal,
	}, nil
}

// MustDate is Date that panics on an error; for fixed dates in programs and
// tests.
func MustDate(cal Calendar, year, month, day, hour, minute, sec, nsec int) Time {
	t, err := Date(cal, year, month, day, hour, minute, sec, nsec)
	if err != nil {
		panic(err)
	}
	return t
}

// fromParts builds a Time from a day count and nanoseconds (any sign),
// normalising and checking the range.
func fromParts(cal Calendar, day, nsec int64) (Time, error) {
	day += floorDiv(nsec, nsPerDay)
	nsec = floorMod(nsec, nsPerDay)
	lo, hi := cal.dayLimits()
	if day < lo || day > hi {
		return Time{}, fmt.Errorf("%w: day %d from 1970-01-01 is beyond year ±%d in the %s calendar", ErrRange, day, MaxYear, cal)
	}
	return Time{day: day, nsec: nsec, cal: cal}, nil
}

// Calendar returns t's calendar.
func (t Time) Calendar() Calendar { return t.cal }

// Days returns t's whole days from 1970-01-01 of its calendar (the
// Gregorian 1970-01-01 for the real calendars), rounded down.
func (t Time) Days() int64 { return t.day }

// Date returns t's year (in the calendar's numbering), month (1..12) and
// day of the month.
func (t Time) Date() (year, month, day int) {
	y, m, d, _ := t.cal.civil(t.day)
	return int(y), m, d
}

// Clock returns t's hour, minute and second.
func (t Time) Clock() (hour, minute, sec int) {
	s := t.nsec / nsPerSecond
	return int(s / 3600), int(s / 60 % 60), int(s % 60)
}

// Year returns t's year in its calendar's numbering (standard and julian
// have no year 0: the year before 1 is -1).
func (t Time) Year() int { y, _, _ := t.Date(); return y }

// Month returns t's month, 1..12.
func (t Time) Month() int { _, m, _ := t.Date(); return m }

// Day returns t's day of the month, 1..31 (1..30 in 360_day).
func (t Time) Day() int { _, _, d := t.Date(); return d }

// Hour returns t's hour, 0..23.
func (t Time) Hour() int { return int(t.nsec / (3600 * nsPerSecond)) }

// Minute returns t's minute, 0..59.
func (t Time) Minute() int { return int(t.nsec / (60 * nsPerSecond) % 60) }

// Second returns t's second, 0..59.
func (t Time) Second() int { return int(t.nsec / nsPerSecond % 60) }

// Nanosecond returns t's nanoseconds into the second, 0..999999999.
func (t Time) Nanosecond() int { return int(t.nsec % nsPerSecond) }

// DayOfYear returns t's 1-based day of the year, as cftime's dayofyr:
// the month's offset plus the day, so in Standard 1582-10-15 is day 288
// although ten days before it do not exist.
func (t Time) DayOfYear() int { _, _, _, yd := t.cal.civil(t.day); return yd }

// DayOfWeek returns t's day of the week, Monday = 0 .. Sunday = 6, as
// cftime's dayofwk (and Python's weekday()). For the idealized calendars
// it continues cftime's own count of days in that calendar.
func (t Time) DayOfWeek() int { return int(floorMod(t.day+t.cal.weekdayOffset(), 7)) }

// Season returns t's meteorological season: "DJF", "MAM", "JJA" or "SON",
// as xarray's time.season.
func (t Time) Season() string {
	return [...]string{"DJF", "DJF", "MAM", "MAM", "MAM", "JJA", "JJA", "JJA", "SON", "SON", "SON", "DJF"}[t.Month()-1]
}

// Compare returns -1, 0 or +1 as t is before, at or after u. Times are
// ordered by their day count and nanoseconds, which for the real calendars
// is their order in time; comparing an idealized calendar's Time with
// another calendar's orders their counts from each one's 1970-01-01, which
// says nothing about time. Compare times of one calendar.
func (t Time) Compare(u Time) int {
	switch {
	case t.day < u.day || (t.day == u.day && t.nsec < u.nsec):
		return -1
	case t.day == u.day && t.nsec == u.nsec:
		return 0
	}
	return 1
}

// Before reports whether t is before u (see Compare).
func (t Time) Before(u Time) bool { return t.Compare(u) < 0 }

// After reports whether t is after u (see Compare).
func (t Time) After(u Time) bool { return t.Compare(u) > 0 }

// Equal reports whether t and u are the same instant in the same
// calendar, or the same instant on the real calendars' shared time line.
func (t Time) Equal(u Time) bool {
	return t.day == u.day && t.nsec == u.nsec && (t.cal == u.cal || (t.cal.Real() && u.cal.Real()))
}

// Add returns t+d. The result is clamped to the supported years
// (±MaxYear), which no time.Duration can reach from a valid Time but
// 1e8-year-old ones.
func (t Time) Add(d time.Duration) Time {
	r, err := fromParts(t.cal, t.day+int64(d)/nsPerDay, t.nsec+int64(d)%nsPerDay)
	if err != nil {
		lo, hi := t.cal.dayLimits()
		if d < 0 {
			return Time{day: lo, cal: t.cal}
		}
		return Time{day: hi, nsec: nsPerDay - 1, cal: t.cal}
	}
	return r
}

// AddDays returns t plus n days of its calendar, or an error wrapping
// ErrRange past ±MaxYear.
func (t Time) AddDays(n int64) (Time, error) {
	if n > 2*MaxYear*400 || n < -2*MaxYear*400 {
		return Time{}, fmt.Errorf("%w: %d days", ErrRange, n)
	}
	return fromParts(t.cal, t.day+n, t.nsec)
}

// Sub returns t-u as a time.Duration, saturating at the minimum or maximum
// Duration (about ±292 years) as time.Time.Sub does. Use Between for longer
// spans. The result is meaningful for times of one calendar or of the real
// calendars.
func (t Time) Sub(u Time) time.Duration {
	days, ns := t.Between(u)
	if days > math.MaxInt64/nsPerDay-1 {
		return math.MaxInt64
	}
	if days < math.MinInt64/nsPerDay+1 {
		return math.MinInt64
	}
	v := days * nsPerDay
	if ns > 0 && v > math.MaxInt64-ns {
		return math.MaxInt64
	}
	if ns < 0 && v < math.MinInt64-ns {
		return math.MinInt64
	}
	return time.Duration(v + ns)
}

// Between returns t-u exactly as whole days and nanoseconds, with
// 0 <= ns < 86400e9.
func (t Time) Between(u Time) (days, ns int64) {
	days = t.day - u.day
	ns = t.nsec - u.nsec
	if ns < 0 {
		ns += nsPerDay
		days--
	}
	return days, ns
}

// In returns t in another real calendar: the same instant with that
// calendar's fields (1582-10-15 standard is 1582-10-05 julian). Converting
// to or from an idealized calendar is an error wrapping ErrCalendar, as is
// a standard date that cannot be represented.
func (t Time) In(cal Calendar) (Time, error) {
	if cal == t.cal {
		return t, nil
	}
	if !cal.Real() || !t.cal.Real() {
		return Time{}, fmt.Errorf("%w: cannot convert a %s time to the %s calendar", ErrCalendar, t.cal, cal)
	}
	return fromParts(cal, t.day, t.nsec)
}

// isoFormat formats t as cftime does: YYYY-MM-DD, sep, HH:MM:SS, then the
// fraction as 6 digits when it is whole microseconds and not zero, else 9.
func (t Time) isoFormat(sep byte) string {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	b := make([]byte, 0, 32)
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	ys := strconv.Itoa(y)
	for i := len(ys); i < 4; i++ {
		b = append(b, '0')
	}
	b = append(b, ys...)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10), sep,
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	if ns := t.Nanosecond(); ns != 0 {
		digits := 9
		if ns%1000 == 0 {
			ns /= 1000
			digits = 6
		}
		f := strconv.Itoa(ns)
		b = append(b, '.')
		for i := len(f); i < digits; i++ {
			b = append(b, '0')
		}
		b = append(b, f...)
	}
	return string(b)
}

// ISO returns t in ISO 8601 form exactly as cftime's isoformat():
// "2000-02-30T12:00:00", "-0005-01-02T00:00:00", with ".ffffff" when the
// time has microseconds (nine digits when it has nanoseconds cftime cannot
// hold). The year is in the calendar's numbering.
func (t Time) ISO() string { return t.isoFormat('T') }

// String returns t as cftime's str(): ISO with a space between date and
// time, "2000-02-30 12:00:00".
func (t Time) String() string { return t.isoFormat(' ') }

// FromTime returns the instant of the Go time t in a real calendar cal
// (standard, proleptic_gregorian or julian). Before 1582-10-15 in Standard
// the fields differ from t's proleptic Gregorian ones, as the instant is
// kept. Idealized calendars are an error wrapping ErrCalendar.
func FromTime(t time.Time, cal Calendar) (Time, error) {
	if !cal.Real() {
		return Time{}, fmt.Errorf("%w: a Go time.Time has no instant in the %s calendar", ErrCalendar, cal)
	}
	sec := t.Unix()
	return fromParts(cal, floorDiv(sec, 86400), floorMod(sec, 86400)*nsPerSecond+int64(t.Nanosecond()))
}

// GoTime returns t as a UTC Go time.Time, for the real calendars only
// (error wrapping ErrCalendar for the idealized ones).
func (t Time) GoTime() (time.Time, error) {
	if !t.cal.Real() {
		return time.Time{}, fmt.Errorf("%w: a %s time has no Go time.Time", ErrCalendar, t.cal)
	}
	return time.Unix(t.day*86400+t.nsec/nsPerSecond, t.nsec%nsPerSecond).UTC(), nil
}

// NaT is numpy's datetime64 "not a time", the minimum int64.
const NaT = math.MinInt64

// Datetime64 limits: the day counts of the first and last representable
// datetime64[ns] (1677-09-21T00:12:43.145224193 and
// 2262-04-11T23:47:16.854775807; the minimum int64 is NaT).
const (
	minDT64Day = -106752
	maxDT64Day = 106751
)

// Datetime64 returns t as numpy datetime64[ns]: nanoseconds since the Unix
// epoch (proleptic Gregorian, as numpy counts). Real calendars only
// (ErrCalendar otherwise); times outside datetime64[ns] wrap ErrRange.
func (t Time) Datetime64() (int64, error) {
	if !t.cal.Real() {
		return 0, fmt.Errorf("%w: a %s time has no datetime64 value", ErrCalendar, t.cal)
	}
	outside := fmt.Errorf("%w: %s is outside datetime64[ns]", ErrRange, t)
	switch {
	case t.day < minDT64Day || t.day > maxDT64Day:
		return 0, outside
	case t.day == minDT64Day:
		// day*nsPerDay alone is below the int64 range.
		base, rest := (t.day+1)*nsPerDay, t.nsec-nsPerDay
		if rest < math.MinInt64+1-base {
			return 0, outside
		}
		return base + rest, nil
	}
	base := t.day * nsPerDay
	if base > 0 && t.nsec > math.MaxInt64-base {
		return 0, outside
	}
	return base + t.nsec, nil
}

// FromDatetime64 returns the instant of a numpy datetime64[ns] value in a
// real calendar cal. NaT is an error wrapping ErrNaT; idealized calendars
// wrap ErrCalendar.
func FromDatetime64(v int64, cal Calendar) (Time, error) {
	if !cal.Real() {
		return Time{}, fmt.Errorf("%w: datetime64 has no instant in the %s calendar", ErrCalendar, cal)
	}
	if v == NaT {
		return Time{}, ErrNaT
	}
	return fromParts(cal, floorDiv(v, nsPerDay), floorMod(v, nsPerDay))
}
