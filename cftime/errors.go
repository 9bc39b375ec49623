package cftime

import "errors"

// Sentinel errors. Every error this package returns wraps one of them with
// %w and names the input that caused it, so callers test with errors.Is.
var (
	// ErrCalendar: a calendar name that is not a CF calendar, or an
	// operation a calendar does not support (a Go time.Time for 360_day).
	ErrCalendar = errors.New("cftime: unsupported calendar")
	// ErrUnits: a CF time units string that cannot be parsed, or whose
	// unit is not allowed in its calendar.
	ErrUnits = errors.New("cftime: invalid time units")
	// ErrDate: a date that does not exist in its calendar (2021-02-29 in
	// standard, 1582-10-10 in the mixed Julian/Gregorian calendar, year 0
	// where the calendar has none) or a date string that cannot be parsed.
	ErrDate = errors.New("cftime: invalid date")
	// ErrRange: a value outside what can be represented (years beyond
	// ±MaxYear, offsets that overflow int64 counts, datetime64[ns] outside
	// 1677-09-21..2262-04-11, infinite offsets).
	ErrRange = errors.New("cftime: value out of range")
	// ErrPrecision: an encoding that would not decode back to the same
	// times (a float offset that rounds, a fractional offset asked as an
	// integer) when lossy encoding was not allowed.
	ErrPrecision = errors.New("cftime: encoding would lose precision")
	// ErrNaT: a missing time (NaT) where a time is needed.
	ErrNaT = errors.New("cftime: missing time (NaT)")
)
