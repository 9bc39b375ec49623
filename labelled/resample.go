package labelled

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tessera-array/tessera/cftime"
)

var freqRE = regexp.MustCompile(`^(\d*)(D|H|h|T|min|S|s|W|MS|ME|M|QS|QE|Q|AS|YS|A|Y|YE)(?:-([A-Z]{3}))?$`)

var monthAbbr = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
var dayAbbr = []string{"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"}

// freq is a parsed resample frequency.
type freq struct {
	n      int
	unit   string        // "tick", "week", "month"
	step   time.Duration // tick
	months int           // month: months per period (1, 3, 12)
	anchor int           // month: first month of a period (1..12); week: the last weekday (0 Monday)
	end    bool          // labelled by the period's last day (M, Q, A, W)
}

func parseFreq(s string) (freq, error) {
	m := freqRE.FindStringSubmatch(s)
	if m == nil {
		return freq{}, fmt.Errorf("%w: %q (use D, nD, nH, nMin/nT, nS, W[-DAY], MS, M, QS[-MON], Q[-MON], AS/YS[-MON], A/Y[-MON])", ErrFrequency, s)
	}
	f := freq{n: 1}
	if m[1] != "" {
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 {
			return freq{}, fmt.Errorf("%w: %q: multiple must be positive", ErrFrequency, s)
		}
		f.n = n
	}
	unit, anc := m[2], m[3]
	month := func(def string, end bool, months int) error {
		if anc == "" {
			anc = def
		}
		i := slices.Index(monthAbbr, anc)
		if i < 0 {
			return fmt.Errorf("%w: %q: unknown month %q", ErrFrequency, s, anc)
		}
		f.unit, f.months, f.end = "month", months, end
		if end {
			f.anchor = (i+1)%12 + 1 // the month after the anchor starts a period
		} else {
			f.anchor = i + 1
		}
		return nil
	}
	if anc != "" && !strings.ContainsAny(unit[:1], "WQAY") {
		return freq{}, fmt.Errorf("%w: %q: %s takes no anchor", ErrFrequency, s, unit)
	}
	switch unit {
	case "D":
		f.unit, f.step = "tick", 24*time.Hour
	case "H", "h":
		f.unit, f.step = "tick", time.Hour
	case "T", "min":
		f.unit, f.step = "tick", time.Minute
	case "S", "s":
		f.unit, f.step = "tick", time.Second
	case "W":
		if anc == "" {
			anc = "SUN"
		}
		i := slices.Index(dayAbbr, anc)
		if i < 0 {
			return freq{}, fmt.Errorf("%w: %q: unknown weekday %q", ErrFrequency, s, anc)
		}
		f.unit, f.anchor, f.end = "week", i, true
	case "MS", "M", "ME":
		if anc != "" {
			return freq{}, fmt.Errorf("%w: %q: %s takes no anchor", ErrFrequency, s, unit)
		}
		return f, month("JAN", unit != "MS", 1)
	case "QS":
		return f, month("JAN", false, 3)
	case "Q", "QE":
		return f, month("DEC", true, 3)
	case "AS", "YS":
		return f, month("JAN", false, 12)
	default: // A, Y, YE
		return f, month("DEC", true, 12)
	}
	if f.unit == "tick" {
		f.step *= time.Duration(f.n)
	}
	return f, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Resample groups the array along dim, which must have a time index
// (ErrFrequency otherwise, and for a frequency pandas would not take,
// "3X"), into the periods of freq, as xarray's resample: D, nD, nH (h),
// nMin (T), nS with bins closed and labelled on the left from midnight of
// the first day (pandas' origin "start_day"); W (W-SUN; W-MON...) weeks
// ending on that day, labelled by it; MS month starts and M (ME) month
// ends; QS (QS-JAN; QS-DEC gives DJF, MAM, JJA, SON) and Q (Q-DEC)
// quarters; AS/YS and A/Y years, all with multiples ("2MS"). End
// frequencies (M, Q, A, W) are closed and labelled on the right, so a bin
// holds whole days and is labelled by its last day at midnight, as pandas'
// defaults. Every cftime calendar works (360_day months end on day 30).
//
// Every period from the first time's to the last time's is a group, empty
// ones too: their reductions give NaN (as xarray). The result dim is dim,
// labelled by the periods. Times must increase (ErrNotMonotonic); NaT
// belongs to no period.
func (a *Array) Resample(dim, freqText string) *GroupBy {
	if err := a.Err(); err != nil {
		return groupErr(err)
	}
	ax := slices.Index(a.v.dims, dim)
	if ax < 0 {
		return groupErr(dimErr("resample over %q: the array's dims are %v", dim, a.v.dims))
	}
	ti, ok := a.Index(dim).(TimeIndex)
	if !ok {
		return groupErr(fmt.Errorf("%w: resample over %q: the dim has no time index", ErrFrequency, dim))
	}
	f, err := parseFreq(freqText)
	if err != nil {
		return groupErr(fmt.Errorf("resample over %q: %w", dim, err))
	}
	ts := ti.Times()
	if ts.Monotonic() < 0 || (ts.Monotonic() == 0 && ts.Len() > 1 && !onlyNaTBreaks(ts)) {
		return groupErr(&LabelError{Dim: dim, Label: freqText, Err: ErrNotMonotonic})
	}
	cal := ts.Calendar()
	codes := make([]int, ts.Len())
	keys := make([]int64, ts.Len())
	first := -1
	for i := range codes {
		t, has := ts.At(i)
		codes[i] = -1
		if !has {
			continue
		}
		if first < 0 {
			first = i
		}
		keys[i] = periodKey(f, t)
	}
	g := &GroupBy{a: a, dim: dim, axis: ax, name: dim, codes: codes}
	if first < 0 {
		g.labels = NewTimeIndex(ts.Slice(0, 0))
		return g
	}
	t0, _ := ts.At(first)
	k0 := keys[first]
	var origin cftime.Time
	if f.unit == "tick" {
		y, mo, d := t0.Date()
		origin = cftime.MustDate(cal, y, mo, d, 0, 0, 0, 0)
		k0 = 0
		for i := range keys {
			if _, has := ts.At(i); has {
				t, _ := ts.At(i)
				keys[i] = tickKey(t, origin, f.step)
			}
		}
	}
	per := int64(f.n)
	if f.unit == "tick" {
		per = 1
	}
	nb := int64(0)
	for i := range codes {
		if _, has := ts.At(i); has {
			codes[i] = int(floorDiv(keys[i]-k0, per))
			nb = max(nb, int64(codes[i])+1)
		}
	}
	labels := make([]cftime.Time, nb)
	for b := range labels {
		labels[b], err = periodLabel(f, cal, origin, k0+int64(b)*per)
		if err != nil {
			return groupErr(fmt.Errorf("resample over %q: %w", dim, err))
		}
	}
	lt, err := cftime.TimesOf(labels)
	if err != nil {
		return groupErr(fmt.Errorf("resample over %q: %w", dim, err))
	}
	g.labels = NewTimeIndex(lt)
	return g
}

// onlyNaTBreaks reports whether the times increase once NaT is skipped.
func onlyNaTBreaks(ts cftime.Times) bool {
	var prev cftime.Time
	seen := false
	for i := range ts.Len() {
		t, ok := ts.At(i)
		if !ok {
			continue
		}
		if seen && t.Before(prev) {
			return false
		}
		prev, seen = t, true
	}
	return true
}

// periodKey is t's period number on a scale of single periods: months
// for month frequencies (periods of f.months starting at f.anchor count
// as one each), days of the week's end for weeks.
func periodKey(f freq, t cftime.Time) int64 {
	switch f.unit {
	case "month":
		m := int64(t.Year())*12 + int64(t.Month()-1) - int64(f.anchor-1)
		return floorDiv(m, int64(f.months))
	case "week":
		// the day number of the week's last day, in weeks
		end := t.Days() + int64((f.anchor-t.DayOfWeek()+7)%7)
		return floorDiv(end, 7)
	}
	return 0
}

// tickKey is floor((t - origin) / step).
func tickKey(t, origin cftime.Time, step time.Duration) int64 {
	days, ns := t.Between(origin)
	if step%(24*time.Hour) == 0 {
		return floorDiv(days, int64(step/(24*time.Hour)))
	}
	total := days*int64(24*time.Hour) + ns
	return floorDiv(total, int64(step))
}

// periodLabel is the label of period k (on periodKey's or tickKey's scale).
func periodLabel(f freq, cal cftime.Calendar, origin cftime.Time, k int64) (cftime.Time, error) {
	switch f.unit {
	case "tick":
		days := int64(0)
		rest := time.Duration(0)
		if f.step%(24*time.Hour) == 0 {
			days = k * int64(f.step/(24*time.Hour))
		} else {
			total := time.Duration(k) * f.step
			days, rest = int64(total/(24*time.Hour)), total%(24*time.Hour)
		}
		t, err := origin.AddDays(days)
		if err != nil {
			return cftime.Time{}, err
		}
		return t.Add(rest), nil
	case "month":
		m := k*int64(f.months) + int64(f.anchor-1) // month number of the period's start
		if f.end {
			m += int64(f.months*f.n) - 1
		}
		y, mo := int(floorDiv(m, 12)), int(m-floorDiv(m, 12)*12)+1
		d := 1
		if f.end {
			d = cal.DaysInMonth(y, mo)
		}
		return cftime.Date(cal, y, mo, d, 0, 0, 0, 0)
	}
	// week: k*7 is a day number in the week's last days' congruence class;
	// recover that day from the scale by the anchor's offset.
	e := cftime.MustDate(cal, 1970, 1, 1, 0, 0, 0, 0)
	base := int64(f.anchor - e.DayOfWeek()) // day number of the first anchor day >= epoch, mod 7
	if base < 0 {
		base += 7
	}
	last := k*7 + base
	if f.n > 1 {
		last += int64(7 * (f.n - 1))
	}
	return e.AddDays(last)
}
