package labelled

import (
	"fmt"
	"math"
	"time"

	"github.com/tessera-array/tessera/cftime"
)

// TimeIndex is an Index of CF times in one calendar, held as the compact
// cftime.Times form (one int64 count per label), so that a 100,000-step
// axis costs one slice and Sel binary-searches it. It implements
// IntervalIndex and MonotonicIndex.
//
// Labels are cftime.Time values (Label returns them; a missing time, NaT,
// is nil). Sel accepts a cftime.Time, a Go time.Time (real calendars only)
// or a date string as xarray does: "2020-02-10", "2020-02-10T13:00",
// "2020-02". A string names the interval it covers — exact Sel of "2020-02"
// keeps the dim and selects February, a slice to "2020-02" runs to
// February's end — with one difference between calendars that xarray has
// too. In the standard and proleptic Gregorian calendars (which xarray
// indexes with pandas' DatetimeIndex) a string is an interval only when it
// is coarser than the index's own resolution (a month on a daily axis, a
// day on an hourly one) and a point otherwise, so "2020-03-05" on a daily
// axis selects one time and drops the dim. In the other calendars (xarray's
// CFTimeIndex) a string is always an interval, so "2001-02-30" on a daily
// 360_day axis keeps the dim. The index's resolution is the finest clock
// field any of its times uses (day when every time is at midnight),
// computed once by NewTimeIndex.
//
// Distance (for tolerances of Nearest, Pad and Backfill) is in seconds.
// Keys are equal for the same instant in the same calendar.
type TimeIndex struct {
	ts  cftime.Times
	res cftime.Resolution
}

// NewTimeIndex returns the index of the times ts. It costs one pass over
// ts to find the index's resolution.
func NewTimeIndex(ts cftime.Times) TimeIndex {
	return TimeIndex{ts: ts, res: resolutionOf(ts)}
}

// resolutionOf is the finest clock field the times of ts use: ResDay when
// all are at midnight (pandas' coarsest inferred resolution), else ResHour,
// ResMinute or ResSecond (finer times count as seconds: a partial date has
// no finer field).
func resolutionOf(ts cftime.Times) cftime.Resolution {
	res := cftime.ResDay
	for i := range ts.Len() {
		t, ok := ts.At(i)
		if !ok {
			continue
		}
		switch {
		case t.Second() != 0 || t.Nanosecond() != 0:
			return cftime.ResSecond
		case t.Minute() != 0:
			res = max(res, cftime.ResMinute)
		case t.Hour() != 0:
			res = max(res, cftime.ResHour)
		}
	}
	return res
}

// Times is the index's time axis.
func (x TimeIndex) Times() cftime.Times { return x.ts }

// Len is the number of times.
func (x TimeIndex) Len() int { return x.ts.Len() }

// DType is "datetime64[ns]" for the standard and proleptic Gregorian
// calendars (what xarray decodes them to) and "cftime[CALENDAR]" for the
// others (xarray's object arrays of cftime dates).
func (x TimeIndex) DType() string {
	switch c := x.ts.Calendar(); c {
	case cftime.Standard, cftime.ProlepticGregorian:
		return "datetime64[ns]"
	default:
		return "cftime[" + c.String() + "]"
	}
}

// Label is the cftime.Time at i, or nil for a missing time (NaT).
func (x TimeIndex) Label(i int) any {
	t, ok := x.ts.At(i)
	if !ok {
		return nil
	}
	return t
}

// Format is the time at i in ISO 8601 ("2020-02-10T00:00:00", cftime's
// isoformat), or "NaT".
func (x TimeIndex) Format(i int) string {
	t, ok := x.ts.At(i)
	if !ok {
		return "NaT"
	}
	return t.ISO()
}

// point converts a Sel label into a time of the index's calendar: a
// cftime.Time (converted between real calendars), a time.Time, or a date
// string read as the start of the period it names.
func (x TimeIndex) point(label any) (cftime.Time, error) {
	cal := x.ts.Calendar()
	switch v := label.(type) {
	case cftime.Time:
		if v.Calendar() == cal {
			return v, nil
		}
		t, err := v.In(cal)
		if err != nil {
			return cftime.Time{}, fmt.Errorf("%w: %s time on a %s index: %w", ErrLabelType, v.Calendar(), cal, err)
		}
		return t, nil
	case time.Time:
		t, err := cftime.FromTime(v, cal)
		if err != nil {
			return cftime.Time{}, fmt.Errorf("%w: Go time on a %s index: %w", ErrLabelType, cal, err)
		}
		return t, nil
	case string:
		iv, _, err := cftime.ParsePartial(v, cal)
		if err != nil {
			return cftime.Time{}, fmt.Errorf("%w: date %q: %w", ErrLabelType, v, err)
		}
		return iv.Start, nil
	}
	return cftime.Time{}, fmt.Errorf("%w: %T on a time index (use a cftime.Time, a time.Time or a date string)", ErrLabelType, label)
}

// Compare is the sign of the time at i minus label. A missing time at i
// compares as unordered (ErrNotFound); labels that are not times are
// ErrLabelType.
func (x TimeIndex) Compare(i int, label any) (int, error) {
	t, l, err := x.pair(i, label)
	if err != nil {
		return 0, err
	}
	return t.Compare(l), nil
}

// pair is the time at i and label as a time of the index's calendar.
func (x TimeIndex) pair(i int, label any) (at, l cftime.Time, err error) {
	l, err = x.point(label)
	if err != nil {
		return at, l, err
	}
	at, ok := x.ts.At(i)
	if !ok {
		return at, l, fmt.Errorf("%w: NaT at position %d", ErrNotFound, i)
	}
	return at, l, nil
}

// Distance is |time at i − label| in seconds (saturating past ±292 years,
// as time.Duration does).
func (x TimeIndex) Distance(i int, label any) (float64, error) {
	t, l, err := x.pair(i, label)
	if err != nil {
		return 0, err
	}
	return math.Abs(t.Sub(l).Seconds()), nil
}

// natKey is the key of a missing time.
type natKey struct{}

// Key is the cftime.Time at i (comparable), or a NaT key shared by every
// missing time.
func (x TimeIndex) Key(i int) any {
	t, ok := x.ts.At(i)
	if !ok {
		return natKey{}
	}
	return t
}

// Take is the index of the times at positions (each in range).
func (x TimeIndex) Take(positions []int) Index {
	counts := x.ts.Counts()
	out := make([]int64, len(positions))
	for k, p := range positions {
		out[k] = counts[p]
	}
	ts, err := cftime.NewTimes(x.ts.Epoch(), x.ts.Unit(), out)
	if err != nil {
		// The counts come from a valid axis of the same epoch and unit.
		panic(fmt.Sprintf("labelled: TimeIndex.Take: %v", err))
	}
	return TimeIndex{ts: ts, res: x.res}
}

// Concat joins time indexes of one calendar (or of real calendars, taken in
// this index's), in order; any other index kind is ErrMerge.
func (x TimeIndex) Concat(others ...Index) (Index, error) {
	all, valid := x.ts.All()
	for _, o := range others {
		y, ok := o.(TimeIndex)
		if !ok {
			return nil, fmt.Errorf("%w: %s labels onto a time index", ErrMerge, o.DType())
		}
		ts, ok2 := y.ts.All()
		all, valid = append(all, ts...), append(valid, ok2...)
	}
	for i, ok := range valid {
		if !ok {
			return nil, fmt.Errorf("%w: concatenating time indexes with a missing time (position %d)", ErrMerge, i)
		}
	}
	if len(all) == 0 {
		return x, nil
	}
	ts, err := cftime.TimesOf(all)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMerge, err)
	}
	return NewTimeIndex(ts), nil
}

// Interval reads a date string coarser than the index's resolution as the
// half-open interval of times it covers (see TimeIndex). Other labels, and
// strings at or finer than the resolution, are points (ok false). A string
// that is not a date of the index's calendar is ErrLabelType wrapping the
// cftime error that says why.
func (x TimeIndex) Interval(label any) (lo, hi any, ok bool, err error) {
	s, isStr := label.(string)
	if !isStr {
		return nil, nil, false, nil
	}
	iv, res, err := cftime.ParsePartial(s, x.ts.Calendar())
	if err != nil {
		// Not a date of this calendar ("2002-02-29" in noleap, "2002-13",
		// "tomorrow"): the cftime error says which.
		return nil, nil, false, fmt.Errorf("%w: date %q: %w", ErrLabelType, s, err)
	}
	if c := x.ts.Calendar(); (c == cftime.Standard || c == cftime.ProlepticGregorian) && res >= x.res {
		return nil, nil, false, nil // pandas: a point at the index's resolution
	}
	return iv.Start, iv.End, true, nil
}

// Monotonic is the order of the times: +1 ascending, -1 descending, 0
// neither (or with a missing time), as cftime.Times.Monotonic reports.
func (x TimeIndex) Monotonic() int { return x.ts.Monotonic() }

var (
	_ IntervalIndex  = TimeIndex{}
	_ MonotonicIndex = TimeIndex{}
)
