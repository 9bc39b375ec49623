// Package cftime is CF time for tessera: the calendars of the CF
// conventions (§4.4.1) — standard/gregorian (mixed Julian/Gregorian, with
// the 1582-10-15 switch), proleptic_gregorian, julian, noleap/365_day,
// all_leap/366_day and 360_day — times that know their calendar and
// their components, CF "<unit> since <date>" units, and decoding and
// encoding of time coordinates as cftime and xarray do them, natively, for
// every calendar. It imports nothing of tessera's.
//
// A [Calendar] is parsed from a CF name by [ParseCalendar]. A [Time] is a
// calendar, a day count and nanoseconds into the day: [Date] builds one
// from fields and checks that the date exists in the calendar; its
// methods give Year, Month, Day, Hour, ..., DayOfYear, DayOfWeek and
// Season as cftime and xarray report them, Add, Sub and Compare, and ISO,
// the form of cftime's isoformat. Real calendars share a time line and
// convert to Go's time.Time ([FromTime], [Time.GoTime]) and numpy
// datetime64[ns] ([FromDatetime64], [Time.Datetime64]).
//
// A time axis is a [Times]: int64 counts of a [Unit] from an epoch Time,
// one slice however long the axis, searched by binary search
// ([Times.Search], [Times.Locate]). [ParseUnits] reads a units attribute
// into [Units]; [Units.DecodeInts] decodes integer offsets exactly (a copy
// and a range check), [Units.DecodeFloats] decodes float offsets with
// cftime's num2date rounding; [Encode] writes an axis back as xarray's
// encode_cf_datetime does, inferring units with [InferUnits] when none
// are given and refusing floats that would not decode to the same times.
// [ParsePartial] turns a partial date ("2020-02") into the half-open
// [Interval] it covers in a calendar, which Times.Locate turns into index
// bounds: xarray's sel by partial date.
//
// Where cftime and xarray differ, the package follows pandas' reading of
// the units (a one-digit zone hour such as "-6:00" is applied; cftime's
// parser ignores it, so xarray itself applies it on its pandas path —
// standard calendars inside datetime64[ns] — and ignores it elsewhere;
// "-06:00" means the same to all) and cftime's decoding of floats (to
// the microsecond, as num2date; xarray's pandas path truncates to the
// nanosecond, and Encode refuses floats on which the two disagree). Text after the reference date that cftime silently
// ignores is an error here. Year numbering follows cftime 1.6: standard
// and julian have no year 0, the other calendars have one.
package cftime
