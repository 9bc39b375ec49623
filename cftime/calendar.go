package cftime

import (
	"fmt"
	"strings"
)

// Calendar is a CF calendar (CF conventions §4.4.1). The zero value is
// Standard, the CF default when a time variable has no calendar attribute.
type Calendar uint8

// The CF calendars. Aliases parse to the same value: "gregorian" is
// Standard, "365_day" is NoLeap, "366_day" is AllLeap.
const (
	// Standard is the mixed Julian/Gregorian calendar: Julian up to
	// 1582-10-04, Gregorian from the next day, 1582-10-15; the ten days
	// between do not exist. It has no year 0 (year -1 precedes year 1), as
	// in cftime's default.
	Standard Calendar = iota
	// ProlepticGregorian is the Gregorian calendar extended before
	// 1582-10-15. It has a year 0 (ISO 8601), as in cftime 1.6's default.
	ProlepticGregorian
	// Julian is the Julian calendar (a leap year every 4 years). No year 0.
	Julian
	// NoLeap ("noleap", "365_day") has no leap years. Year 0 exists.
	NoLeap
	// AllLeap ("all_leap", "366_day") has a leap year every year. Year 0
	// exists.
	AllLeap
	// Day360 ("360_day") has twelve months of 30 days. Year 0 exists.
	Day360
)

// MaxYear bounds the years this package represents: every date has
// -MaxYear <= year <= MaxYear, so day counts and their arithmetic never
// overflow.
const MaxYear = 100_000_000

// ParseCalendar parses a CF calendar name, case-insensitively and ignoring
// surrounding space: standard, gregorian, proleptic_gregorian, julian,
// noleap, 365_day, all_leap, 366_day, 360_day. The empty string is
// Standard (the CF default for a missing calendar attribute). Anything
// else, including the deprecated "none", is an error wrapping ErrCalendar
// that names the input.
func ParseCalendar(name string) (Calendar, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "standard", "gregorian":
		return Standard, nil
	case "proleptic_gregorian":
		return ProlepticGregorian, nil
	case "julian":
		return Julian, nil
	case "noleap", "365_day":
		return NoLeap, nil
	case "all_leap", "366_day":
		return AllLeap, nil
	case "360_day":
		return Day360, nil
	}
	return 0, fmt.Errorf("%w: %q is not a CF calendar (standard, gregorian, proleptic_gregorian, julian, noleap, 365_day, all_leap, 366_day, 360_day)", ErrCalendar, name)
}

// String returns the calendar's canonical CF name ("standard",
// "proleptic_gregorian", "julian", "noleap", "all_leap", "360_day").
func (c Calendar) String() string {
	switch c {
	case Standard:
		return "standard"
	case ProlepticGregorian:
		return "proleptic_gregorian"
	case Julian:
		return "julian"
	case NoLeap:
		return "noleap"
	case AllLeap:
		return "all_leap"
	case Day360:
		return "360_day"
	}
	return fmt.Sprintf("Calendar(%d)", uint8(c))
}

// Valid reports whether c is one of the defined calendars.
func (c Calendar) Valid() bool { return c <= Day360 }

func (c Calendar) check() error {
	if !c.Valid() {
		return fmt.Errorf("%w: %v", ErrCalendar, c)
	}
	return nil
}

// Real reports whether c is a real-world calendar (standard,
// proleptic_gregorian, julian). Real calendars share one time line: their
// day counts are the same absolute days, so their times compare and convert
// to Go's time.Time. The idealized calendars (noleap, all_leap, 360_day)
// each have their own.
func (c Calendar) Real() bool { return c <= Julian }

// HasYearZero reports whether the calendar numbers a year 0, with cftime
// 1.6's defaults: proleptic_gregorian and the idealized calendars do;
// standard and julian do not (year -1 precedes year 1).
func (c Calendar) HasYearZero() bool { return c != Standard && c != Julian }

// astro converts a year in the calendar's numbering to astronomical
// numbering (with a year 0).
func (c Calendar) astro(year int64) int64 {
	if !c.HasYearZero() && year < 0 {
		return year + 1
	}
	return year
}

// fromAstro is the inverse of astro.
func (c Calendar) fromAstro(y int64) int64 {
	if !c.HasYearZero() && y <= 0 {
		return y - 1
	}
	return y
}

func gregorianLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
func julianLeap(y int64) bool    { return y%4 == 0 }

// IsLeapYear reports whether year (in the calendar's numbering) has a
// leap day. In Standard, years before 1583 follow the Julian rule, so 1500
// is a leap year and 1700 is not. 360_day and noleap have none; all_leap
// has one every year.
func (c Calendar) IsLeapYear(year int) bool {
	y := c.astro(int64(year))
	switch c {
	case Standard:
		if y < 1583 {
			return julianLeap(y)
		}
		return gregorianLeap(y)
	case ProlepticGregorian:
		return gregorianLeap(y)
	case Julian:
		return julianLeap(y)
	case AllLeap:
		return true
	}
	return false
}

var cumDays = [2][13]int{
	{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
	{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366},
}

// DaysInMonth returns the number of days of month (1..12) of year in the
// calendar, or 0 for a month outside 1..12. October 1582 has 31 in
// Standard, as cftime counts it, though ten of them do not exist.
func (c Calendar) DaysInMonth(year, month int) int {
	if month < 1 || month > 12 {
		return 0
	}
	if c == Day360 {
		return 30
	}
	l := 0
	if c.IsLeapYear(year) {
		l = 1
	}
	return cumDays[l][month] - cumDays[l][month-1]
}

// DaysInYear returns the number of days of year in the calendar (360, 365
// or 366; 355 for 1582 in Standard).
func (c Calendar) DaysInYear(year int) int {
	switch {
	case c == Day360:
		return 360
	case c == Standard && year == 1582:
		return 355
	case c.IsLeapYear(year):
		return 366
	}
	return 365
}

// Day counts. Every calendar counts days from its own 1970-01-01, except
// that the real calendars share Unix days: day 0 is the Gregorian
// 1970-01-01 for standard, proleptic_gregorian and julian alike (julian's
// 1969-12-19), so one count is one instant in all three.

// floorDiv returns floor(a/b) for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// floorMod returns a - b*floorDiv(a, b), in [0, b) for b > 0.
func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// marchDayOfYear is the day of the year of (m, d) counted from March 1.
func marchDayOfYear(m, d int64) int64 {
	mp := (m + 9) % 12 // March = 0
	return (153*mp+2)/5 + d - 1
}

// Gregorian days from civil (after H. Hinnant's days_from_civil), y astronomical.
func gregorianDays(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doe := yoe*365 + yoe/4 - yoe/100 + marchDayOfYear(m, d)
	return era*146097 + doe - 719468
}

func gregorianCivil(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	return fromMarchDay(y, doy)
}

// fromMarchDay is the civil date of day doy (0-based) of the year that
// starts on 1 March of year y (the March-based years of both day-count
// algorithms, which put the leap day last).
func fromMarchDay(y, doy int64) (year, month, day int64) {
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	if month <= 2 {
		y++
	}
	return y, month, day
}

// julianEpoch is the Julian-calendar day count (from 0000-03-01 Julian)
// of the Gregorian 1970-01-01 (Julian 1969-12-19).
const julianEpoch = 719470

func julianDays(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 4)
	yoe := y - era*4
	return era*1461 + yoe*365 + marchDayOfYear(m, d) - julianEpoch
}

func julianCivil(z int64) (y, m, d int64) {
	z += julianEpoch
	era := floorDiv(z, 1461)
	doe := z - era*1461
	yoe := doe / 365
	if yoe == 4 {
		yoe = 3
	}
	y = yoe + era*4
	doy := doe - 365*yoe
	return fromMarchDay(y, doy)
}

// gregorianStart is the day count of 1582-10-15, the first Gregorian day
// of Standard.
var gregorianStart = gregorianDays(1582, 10, 15)

// idealized epochs: day count of their own 1970-01-01 from 0000-01-01.
const (
	noLeapEpoch  = 1970 * 365
	allLeapEpoch = 1970 * 366
	day360Epoch  = 1970 * 360
)

// validDate checks a date in the calendar's own year numbering.
func (c Calendar) validDate(year, month, day int) error {
	if err := c.check(); err != nil {
		return err
	}
	if year > MaxYear || year < -MaxYear {
		return fmt.Errorf("%w: year %d outside ±%d", ErrRange, year, MaxYear)
	}
	if year == 0 && !c.HasYearZero() {
		return fmt.Errorf("%w: year 0 does not exist in the %s calendar", ErrDate, c)
	}
	if month < 1 || month > 12 {
		return fmt.Errorf("%w: month %d in %04d-%02d-%02d", ErrDate, month, year, month, day)
	}
	if day < 1 || day > c.DaysInMonth(year, month) {
		return fmt.Errorf("%w: %04d-%02d-%02d does not exist in the %s calendar", ErrDate, year, month, day, c)
	}
	if c == Standard && year == 1582 && month == 10 && day > 4 && day < 15 {
		return fmt.Errorf("%w: %04d-%02d-%02d is not in the mixed Julian/Gregorian calendar (1582-10-04 is followed by 1582-10-15)", ErrDate, year, month, day)
	}
	return nil
}

// days returns the day count of a valid date.
func (c Calendar) days(year, month, day int) int64 {
	y, m, d := c.astro(int64(year)), int64(month), int64(day)
	switch c {
	case Standard:
		if y > 1582 || (y == 1582 && (m > 10 || (m == 10 && d >= 15))) {
			return gregorianDays(y, m, d)
		}
		return julianDays(y, m, d)
	case ProlepticGregorian:
		return gregorianDays(y, m, d)
	case Julian:
		return julianDays(y, m, d)
	case NoLeap:
		return y*365 + int64(cumDays[0][m-1]) + d - 1 - noLeapEpoch
	case AllLeap:
		return y*366 + int64(cumDays[1][m-1]) + d - 1 - allLeapEpoch
	case Day360:
		return y*360 + (m-1)*30 + d - 1 - day360Epoch
	}
	return 0
}

// civil returns the date (in the calendar's year numbering) and the
// 1-based day of the year of day count z.
func (c Calendar) civil(z int64) (year int64, month, day, yday int) {
	var y, m, d int64
	switch c {
	case Standard:
		if z >= gregorianStart {
			y, m, d = gregorianCivil(z)
		} else {
			y, m, d = julianCivil(z)
		}
	case ProlepticGregorian:
		y, m, d = gregorianCivil(z)
	case Julian:
		y, m, d = julianCivil(z)
	case NoLeap, AllLeap:
		n := int64(365)
		l := 0
		e := int64(noLeapEpoch)
		if c == AllLeap {
			n, l, e = 366, 1, allLeapEpoch
		}
		z += e
		y = floorDiv(z, n)
		doy := int(z - y*n)
		m = 1
		for doy >= cumDays[l][m] {
			m++
		}
		d = int64(doy-cumDays[l][m-1]) + 1
	case Day360:
		z += day360Epoch
		y = floorDiv(z, 360)
		doy := z - y*360
		m, d = doy/30+1, doy%30+1
	}
	year = c.fromAstro(y)
	l := 0
	if c.IsLeapYear(int(year)) {
		l = 1
	}
	if c == Day360 {
		yday = int(m-1)*30 + int(d)
	} else {
		yday = cumDays[l][m-1] + int(d)
	}
	return year, int(m), int(d), yday
}

// weekdayOffset is the day of the week (Monday = 0) of day 0 in each
// calendar, as cftime reports dayofwk: the real calendars share the true
// weekday (1970-01-01 was a Thursday); each idealized calendar continues
// its own count of days from cftime's epoch.
func (c Calendar) weekdayOffset() int64 {
	switch c {
	case AllLeap:
		return 6
	case Day360:
		return 2
	}
	return 3
}

// dayLimitTable holds each calendar's day counts of -MaxYear-01-01 and
// MaxYear-12-31, computed once; it is never written after.
var dayLimitTable = func() (t [Day360 + 1][2]int64) {
	for c := Standard; c <= Day360; c++ {
		t[c] = [2]int64{c.days(-MaxYear, 1, 1), c.days(MaxYear, 12, c.DaysInMonth(MaxYear, 12))}
	}
	return t
}()

// dayLimits returns the first and last day counts of the supported years.
func (c Calendar) dayLimits() (lo, hi int64) {
	if !c.Valid() {
		return 0, -1
	}
	l := dayLimitTable[c]
	return l[0], l[1]
}
