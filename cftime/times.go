package cftime

import (
	"fmt"
	"math"
	"sort"
)

// Times is the compact array form of a time axis: int64 counts of one Unit
// from an epoch Time, so a 100,000-step axis is one slice, and searching
// it is a binary search over int64s. A count of NaT (math.MinInt64) is a
// missing time. A Times is a value; its methods never modify it and may be
// called concurrently. It keeps the slice it was built from.
type Times struct {
	epoch  Time
	unit   Unit
	values []int64
}

// NewTimes returns the axis of values counted in unit from epoch, in
// epoch's calendar. It keeps values (the caller must not change them
// after). It checks that the unit is valid in the calendar and that every
// value lands within ±MaxYear (ErrUnits, ErrRange); NaT values are missing
// times.
func NewTimes(epoch Time, unit Unit, values []int64) (Times, error) {
	if err := epoch.cal.check(); err != nil {
		return Times{}, err
	}
	if err := unit.validIn(epoch.cal); err != nil {
		return Times{}, err
	}
	lo, hi, any := int64(math.MaxInt64), int64(math.MinInt64), false
	for _, v := range values {
		if v == NaT {
			continue
		}
		any = true
		lo, hi = min(lo, v), max(hi, v)
	}
	if any {
		for _, v := range [2]int64{lo, hi} {
			if _, err := addCount(epoch, unit, v); err != nil {
				return Times{}, err
			}
		}
	}
	return Times{epoch: epoch, unit: unit, values: values}, nil
}

// FromDatetime64s returns a datetime64[ns] axis as Times in a real
// calendar, without copying: nanoseconds from 1970-01-01. NaT stays
// missing.
func FromDatetime64s(values []int64, cal Calendar) (Times, error) {
	if !cal.Real() {
		return Times{}, fmt.Errorf("%w: datetime64 has no instant in the %s calendar", ErrCalendar, cal)
	}
	return NewTimes(Time{cal: cal}, Nanosecond, values)
}

// addCount returns epoch + v units, exactly, without overflowing int64
// nanoseconds for long spans.
func addCount(epoch Time, unit Unit, v int64) (Time, error) {
	u := int64(unit)
	if u >= nsPerDay { // whole days: Day, Month, CommonYear
		dpu := u / nsPerDay
		if v > math.MaxInt64/dpu || v < math.MinInt64/dpu {
			return Time{}, fmt.Errorf("%w: %d %v", ErrRange, v, unit)
		}
		d := v * dpu
		if (d > 0 && epoch.day > math.MaxInt64-d) || (d < 0 && epoch.day < math.MinInt64-d) {
			return Time{}, fmt.Errorf("%w: %d %v", ErrRange, v, unit)
		}
		return fromParts(epoch.cal, epoch.day+d, epoch.nsec)
	}
	upd := nsPerDay / u
	return fromParts(epoch.cal, epoch.day+floorDiv(v, upd), epoch.nsec+floorMod(v, upd)*u)
}

// Len returns the number of times.
func (ts Times) Len() int { return len(ts.values) }

// Calendar returns the axis's calendar.
func (ts Times) Calendar() Calendar { return ts.epoch.cal }

// Epoch returns the time the counts start from.
func (ts Times) Epoch() Time { return ts.epoch }

// Unit returns the unit of the counts.
func (ts Times) Unit() Unit { return ts.unit }

// Counts returns the counts themselves (shared, not copied; do not modify).
func (ts Times) Counts() []int64 { return ts.values }

// IsNaT reports whether time i is missing.
func (ts Times) IsNaT(i int) bool { return ts.values[i] == NaT }

// At returns time i, and false if it is missing (NaT). It panics if i is
// out of range, as slice indexing does.
func (ts Times) At(i int) (Time, bool) {
	v := ts.values[i]
	if v == NaT {
		return Time{}, false
	}
	t, err := addCount(ts.epoch, ts.unit, v)
	if err != nil { // NewTimes checked the range
		panic(err)
	}
	return t, true
}

// All returns every time as a Time (missing ones as the zero Time) with a
// mask of which are valid; for small axes and tests. Prefer At and the
// counts for long axes.
func (ts Times) All() ([]Time, []bool) {
	out := make([]Time, len(ts.values))
	ok := make([]bool, len(ts.values))
	for i := range ts.values {
		out[i], ok[i] = ts.At(i)
	}
	return out, ok
}

// Datetime64 returns the axis as numpy datetime64[ns] values (NaT kept),
// for real calendars; ErrRange if a time is outside datetime64[ns].
func (ts Times) Datetime64() ([]int64, error) {
	if !ts.epoch.cal.Real() {
		return nil, fmt.Errorf("%w: a %s axis has no datetime64 values", ErrCalendar, ts.epoch.cal)
	}
	out := make([]int64, len(ts.values))
	for i, v := range ts.values {
		if v == NaT {
			out[i] = NaT
			continue
		}
		t, _ := ts.At(i)
		d, err := t.Datetime64()
		if err != nil {
			return nil, fmt.Errorf("time %d: %w", i, err)
		}
		out[i] = d
	}
	return out, nil
}

// CountOf returns t's position on the axis's own scale: floor((t -
// epoch) / unit), and whether t falls exactly on a count. It saturates at
// the int64 limits (never at NaT). With Search it gives the distances that
// nearest, pad and backfill selection need, in the axis's integers.
func (ts Times) CountOf(t Time) (count int64, exact bool) { return ts.count(t) }

// count returns floor((t-epoch)/unit) and whether the division is exact,
// saturating at the int64 limits.
func (ts Times) count(t Time) (int64, bool) {
	days, ns := t.Between(ts.epoch)
	u := int64(ts.unit)
	if u >= nsPerDay {
		dpu := u / nsPerDay
		q := floorDiv(days, dpu)
		return q, floorMod(days, dpu) == 0 && ns == 0
	}
	upd := nsPerDay / u
	if days > math.MaxInt64/upd-1 {
		return math.MaxInt64, false
	}
	if days < math.MinInt64/upd+1 {
		return math.MinInt64 + 1, false
	}
	return days*upd + ns/u, ns%u == 0
}

// Search returns the first index i at which the time is not before t, in
// an axis ascending in time without missing times (Len if there is none):
// sort.Search over the counts. t must be in the axis's calendar (or,
// for real calendars, any real calendar).
func (ts Times) Search(t Time) int {
	k := ts.ceilCount(t)
	return sort.Search(len(ts.values), func(i int) bool { return ts.values[i] >= k })
}

// Locate returns the index range [lo, hi) of the times inside iv, in an
// axis monotonic in time (ascending or descending) without missing times:
// the positions xarray's sel selects for a partial date. An empty range has
// lo == hi.
func (ts Times) Locate(iv Interval) (lo, hi int) {
	n := len(ts.values)
	if n > 1 && ts.values[0] > ts.values[n-1] {
		// Descending: the times inside iv are the counts c with
		// start <= c < end, found from the other end.
		lo = sort.Search(n, func(i int) bool { return ts.values[i] < ts.ceilCount(iv.End) })
		hi = sort.Search(n, func(i int) bool { return ts.values[i] < ts.ceilCount(iv.Start) })
		return lo, max(lo, hi)
	}
	lo = ts.Search(iv.Start)
	hi = ts.Search(iv.End)
	return lo, max(lo, hi)
}

// ceilCount returns the smallest count whose time is not before t.
func (ts Times) ceilCount(t Time) int64 {
	k, exact := ts.count(t)
	if !exact {
		k++
	}
	return k
}

// TimesOf returns times as an axis counted in the coarsest unit (days,
// hours, minutes, seconds, milliseconds, microseconds, nanoseconds) that
// holds every one exactly, from the first. All must share a calendar (or
// be real calendars, taken in the first's).
func TimesOf(times []Time) (Times, error) {
	if len(times) == 0 {
		return NewTimes(Time{}, Day, nil)
	}
	epoch := times[0]
	for _, unit := range []Unit{Day, Hour, Minute, Second, Millisecond, Microsecond, Nanosecond} {
		u := Units{Unit: unit, Ref: epoch}
		counts := make([]int64, len(times))
		ok := true
		for i, t := range times {
			w, rem, err := u.offset(t)
			if err != nil {
				return Times{}, fmt.Errorf("time %d: %w", i, err)
			}
			if rem != 0 {
				ok = false
				break
			}
			counts[i] = w
		}
		if ok {
			return NewTimes(epoch, unit, counts)
		}
	}
	panic("unreachable: nanoseconds divide every offset")
}

// Slice returns times [lo, hi) as an axis sharing ts's counts (isel on a
// time coordinate). It panics if the bounds are out of range, as slicing
// does.
func (ts Times) Slice(lo, hi int) Times {
	return Times{epoch: ts.epoch, unit: ts.unit, values: ts.values[lo:hi:hi]}
}

// Monotonic reports the axis's order: +1 if every time is after the one
// before (strictly ascending), -1 if every one is before it (strictly
// descending), 0 otherwise, or when a time is missing. An axis of fewer
// than two times is ascending. Search and Locate need +1 (Locate also
// takes -1).
func (ts Times) Monotonic() int {
	v := ts.values
	for _, x := range v {
		if x == NaT {
			return 0
		}
	}
	if len(v) < 2 {
		return 1
	}
	up, down := true, true
	for i := 1; i < len(v); i++ {
		up = up && v[i] > v[i-1]
		down = down && v[i] < v[i-1]
	}
	switch {
	case up:
		return 1
	case down:
		return -1
	}
	return 0
}
