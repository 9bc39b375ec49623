package cftime

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCalendar(t *testing.T) {
	for name, want := range map[string]Calendar{
		"standard": Standard, "Gregorian": Standard, " STANDARD ": Standard, "": Standard,
		"proleptic_gregorian": ProlepticGregorian, "julian": Julian,
		"noleap": NoLeap, "365_day": NoLeap, "ALL_LEAP": AllLeap, "366_day": AllLeap, "360_day": Day360,
	} {
		got, err := ParseCalendar(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	for _, bad := range []string{"none", "gregorian_proleptic", "360", "lunar"} {
		_, err := ParseCalendar(bad)
		require.ErrorIs(t, err, ErrCalendar)
		assert.Contains(t, err.Error(), bad)
	}
	assert.Equal(t, "360_day", Day360.String())
}

func TestLeapYears(t *testing.T) {
	assert.True(t, Standard.IsLeapYear(1500))  // Julian rule before 1583
	assert.False(t, Standard.IsLeapYear(1700)) // Gregorian after
	assert.False(t, ProlepticGregorian.IsLeapYear(1500))
	assert.True(t, Julian.IsLeapYear(1900))
	assert.True(t, Standard.IsLeapYear(-1)) // 1 BC, astronomical year 0
	assert.True(t, ProlepticGregorian.IsLeapYear(0))
	assert.Equal(t, 355, Standard.DaysInYear(1582))
	assert.Equal(t, 30, Day360.DaysInMonth(2021, 2))
	assert.Equal(t, 0, NoLeap.DaysInMonth(2021, 13))
}

func TestDateErrors(t *testing.T) {
	for _, c := range []struct {
		cal  Calendar
		y    int
		m, d int
	}{
		{Standard, 2021, 2, 29}, {Standard, 1582, 10, 10}, {Standard, 0, 1, 1}, {Julian, 0, 6, 1},
		{NoLeap, 2000, 2, 29}, {Day360, 2000, 1, 31}, {ProlepticGregorian, 2000, 13, 1},
	} {
		_, err := Date(c.cal, c.y, c.m, c.d, 0, 0, 0, 0)
		require.ErrorIs(t, err, ErrDate, "%v %d-%d-%d", c.cal, c.y, c.m, c.d)
	}
	_, err := Date(Standard, 2000, 1, 1, 24, 0, 0, 0)
	require.ErrorIs(t, err, ErrDate)
	_, err = Date(Standard, MaxYear+1, 1, 1, 0, 0, 0, 0)
	require.ErrorIs(t, err, ErrRange)
	_, err = Date(Calendar(99), 2000, 1, 1, 0, 0, 0, 0)
	require.ErrorIs(t, err, ErrCalendar)
	_, err = Date(ProlepticGregorian, 0, 1, 1, 0, 0, 0, 0) // year 0 exists there
	require.NoError(t, err)
}

func TestComponents(t *testing.T) {
	tm := MustDate(Day360, 2021, 2, 30, 13, 14, 15, 16_000)
	y, m, d := tm.Date()
	assert.Equal(t, [3]int{2021, 2, 30}, [3]int{y, m, d})
	assert.Equal(t, 13, tm.Hour())
	assert.Equal(t, 14, tm.Minute())
	assert.Equal(t, 15, tm.Second())
	assert.Equal(t, 16_000, tm.Nanosecond())
	assert.Equal(t, 60, tm.DayOfYear())
	assert.Equal(t, "DJF", tm.Season())
	assert.Equal(t, "2021-02-30T13:14:15.000016", tm.ISO())
	assert.Equal(t, "2021-02-30 13:14:15.000016", tm.String())
	assert.Equal(t, "JJA", MustDate(NoLeap, 1, 7, 1, 0, 0, 0, 0).Season())
	assert.Equal(t, "SON", MustDate(NoLeap, 1, 11, 1, 0, 0, 0, 0).Season())
	assert.Equal(t, "MAM", MustDate(NoLeap, 1, 3, 1, 0, 0, 0, 0).Season())
	assert.Equal(t, "2000-01-01T00:00:00.000000001", MustDate(Standard, 2000, 1, 1, 0, 0, 0, 1).ISO())
	assert.Equal(t, "-0005-01-02T00:00:00", MustDate(Standard, -5, 1, 2, 0, 0, 0, 0).ISO())
	// The day after 1582-10-04 in Standard is 1582-10-15.
	next, err := MustDate(Standard, 1582, 10, 4, 0, 0, 0, 0).AddDays(1)
	require.NoError(t, err)
	assert.Equal(t, "1582-10-15T00:00:00", next.ISO())
	// and 1 BC is followed by AD 1 in standard, year 0 in proleptic.
	n, _ := MustDate(Standard, -1, 12, 31, 0, 0, 0, 0).AddDays(1)
	assert.Equal(t, "0001-01-01T00:00:00", n.ISO())
	n, _ = MustDate(ProlepticGregorian, -1, 12, 31, 0, 0, 0, 0).AddDays(1)
	assert.Equal(t, "0000-01-01T00:00:00", n.ISO())
}

func TestArithmetic(t *testing.T) {
	a := MustDate(NoLeap, 2000, 2, 28, 12, 0, 0, 0)
	b := a.Add(24 * time.Hour)
	assert.Equal(t, "2000-03-01T12:00:00", b.ISO()) // no Feb 29 in noleap
	assert.Equal(t, 24*time.Hour, b.Sub(a))
	assert.Equal(t, -24*time.Hour, a.Sub(b))
	assert.True(t, a.Before(b))
	assert.True(t, b.After(a))
	assert.Equal(t, 0, a.Compare(a))
	assert.Equal(t, "2000-02-27T12:00:00", a.Add(-24*time.Hour).ISO())
	far := MustDate(Standard, -100000, 1, 1, 0, 0, 0, 0)
	assert.Equal(t, time.Duration(math.MaxInt64), MustDate(Standard, 2000, 1, 1, 0, 0, 0, 0).Sub(far))
	days, ns := MustDate(Standard, 2000, 1, 2, 6, 0, 0, 0).Between(MustDate(Standard, 2000, 1, 1, 12, 0, 0, 0))
	assert.Equal(t, [2]int64{0, 18 * 3600 * 1e9}, [2]int64{days, ns})
	// Real calendars share a time line.
	j, err := MustDate(Standard, 1582, 10, 15, 0, 0, 0, 0).In(Julian)
	require.NoError(t, err)
	assert.Equal(t, "1582-10-05T00:00:00", j.ISO())
	assert.True(t, j.Equal(MustDate(ProlepticGregorian, 1582, 10, 15, 0, 0, 0, 0)))
	_, err = j.In(NoLeap)
	require.ErrorIs(t, err, ErrCalendar)
}

func TestGoTimeAndDatetime64(t *testing.T) {
	g := time.Date(2020, 2, 29, 12, 30, 0, 5, time.FixedZone("x", 3600))
	tm, err := FromTime(g, Standard)
	require.NoError(t, err)
	assert.Equal(t, "2020-02-29T11:30:00.000000005", tm.ISO())
	back, err := tm.GoTime()
	require.NoError(t, err)
	assert.True(t, back.Equal(g))
	ns, err := tm.Datetime64()
	require.NoError(t, err)
	assert.Equal(t, g.UnixNano(), ns)
	tm2, err := FromDatetime64(ns, ProlepticGregorian)
	require.NoError(t, err)
	assert.True(t, tm2.Equal(tm))
	// The datetime64[ns] limits and beyond.
	lo, err := FromDatetime64(math.MinInt64+1, Standard)
	require.NoError(t, err)
	assert.Equal(t, "1677-09-21T00:12:43.145224193", lo.ISO())
	v, err := lo.Datetime64()
	require.NoError(t, err)
	assert.Equal(t, int64(math.MinInt64+1), v)
	hi, err := FromDatetime64(math.MaxInt64, Standard)
	require.NoError(t, err)
	assert.Equal(t, "2262-04-11T23:47:16.854775807", hi.ISO())
	v, err = hi.Datetime64()
	require.NoError(t, err)
	assert.Equal(t, int64(math.MaxInt64), v)
	_, err = hi.Add(time.Nanosecond).Datetime64()
	require.ErrorIs(t, err, ErrRange)
	_, err = lo.Add(-time.Nanosecond).Datetime64()
	require.ErrorIs(t, err, ErrRange)
	_, err = FromDatetime64(NaT, Standard)
	require.ErrorIs(t, err, ErrNaT)
	_, err = FromTime(g, Day360)
	require.ErrorIs(t, err, ErrCalendar)
	_, err = MustDate(Day360, 2000, 1, 1, 0, 0, 0, 0).GoTime()
	require.ErrorIs(t, err, ErrCalendar)
	// Julian dates convert by instant.
	jt, err := FromTime(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), Julian)
	require.NoError(t, err)
	assert.Equal(t, "1969-12-19T00:00:00", jt.ISO())
}

func TestParseUnits(t *testing.T) {
	for _, c := range []struct {
		s    string
		cal  Calendar
		unit Unit
		ref  string
	}{
		{"days since 1970-01-01", Standard, Day, "1970-01-01T00:00:00"},
		{"Hours Since 1970-1-1 00:00:00", Standard, Hour, "1970-01-01T00:00:00"},
		{"seconds since 2000-01-01T12:00:00Z", ProlepticGregorian, Second, "2000-01-01T12:00:00"},
		{"minutes since 1900-01-01 00:00:00.0 -6:00", Standard, Minute, "1900-01-01T06:00:00"},
		{"minutes since 1900-01-01 00:00:00.0 -06:00", NoLeap, Minute, "1900-01-01T06:00:00"},
		{"d since 0001-01-01", Julian, Day, "0001-01-01T00:00:00"},
		{"hrs since 2000-01-01 12:00 +0130", Standard, Hour, "2000-01-01T10:30:00"},
		{"msecs since 2000-01-01 00:00:00.123456789", Standard, Millisecond, "2000-01-01T00:00:00.123456789"},
		{"us since 2000-01-01", Standard, 0, ""},
		{"microsec since 1-1-1", AllLeap, Microsecond, "0001-01-01T00:00:00"},
		{"days since 1970-01-01 00:00:00 UTC", Standard, Day, "1970-01-01T00:00:00"},
		{"days since 2000", Standard, Day, "2000-01-01T00:00:00"},
		{"days since 2000-02", Standard, Day, "2000-02-01T00:00:00"},
		{"  days   since   2000-02-30  ", Day360, Day, "2000-02-30T00:00:00"},
		{"months since 2000-01-01", Day360, Month, "2000-01-01T00:00:00"},
		{"common_years since 2000-01-01", NoLeap, CommonYear, "2000-01-01T00:00:00"},
		{"days since -0100-03-01", Standard, Day, "-0100-03-01T00:00:00"},
		{"days since 1970-01-01 +02", Standard, Day, "1969-12-31T22:00:00"},
		{"nanoseconds since 1970-01-01", Standard, Nanosecond, "1970-01-01T00:00:00"},
	} {
		u, err := ParseUnits(c.s, c.cal)
		if c.unit == 0 {
			require.ErrorIs(t, err, ErrUnits, c.s)
			continue
		}
		require.NoError(t, err, c.s)
		assert.Equal(t, c.unit, u.Unit, c.s)
		assert.Equal(t, c.ref, u.Ref.ISO(), c.s)
		assert.Equal(t, c.cal, u.Calendar())
		// String parses back to the same units.
		again, err := ParseUnits(u.String(), c.cal)
		require.NoError(t, err, u.String())
		assert.Equal(t, u, again)
	}
	for _, c := range []struct {
		s   string
		cal Calendar
		err error
	}{
		{"", Standard, ErrUnits},
		{"days", Standard, ErrUnits},
		{"days after 2000-01-01", Standard, ErrUnits},
		{"fortnights since 2000-01-01", Standard, ErrUnits},
		{"years since 2000-01-01", Standard, ErrUnits},
		{"months since 2000-01-01", Standard, ErrUnits},
		{"common_years since 2000-01-01", Day360, ErrUnits},
		{"days since", Standard, ErrUnits},
		{"days since 2000-01-01garbage", Standard, ErrUnits},
		{"days since 2000-01-01 12", Standard, ErrUnits},
		{"days since 2000-01-01 25:00", Standard, ErrDate},
		{"days since 2021-02-29", Standard, ErrDate},
		{"days since 0000-01-01", Standard, ErrDate},
		{"days since 1582-10-10", Standard, ErrDate},
		{"days since 2000-01-01 00:00 +25:00", Standard, ErrUnits},
		{"days since 2000-01-31", Day360, ErrDate},
		{"days since 2000-01-01", Calendar(42), ErrCalendar},
	} {
		_, err := ParseUnits(c.s, c.cal)
		require.ErrorIs(t, err, c.err, "%q", c.s)
		if c.cal.Valid() && c.s != "" {
			assert.Contains(t, err.Error(), c.s)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	u, err := ParseUnits("days since 2000-01-01", Standard)
	require.NoError(t, err)
	_, err = u.DecodeFloats([]float64{0, math.Inf(1)})
	require.ErrorIs(t, err, ErrRange)
	_, err = u.DecodeFloats([]float64{1e300})
	require.ErrorIs(t, err, ErrRange)
	_, err = u.DecodeFloats([]float64{0.5, 1e17}) // beyond int64 microseconds
	require.ErrorIs(t, err, ErrRange)
	_, err = u.DecodeInts([]int64{math.MaxInt64})
	require.ErrorIs(t, err, ErrRange)
	_, err = u.Decode(math.NaN())
	require.ErrorIs(t, err, ErrNaT)
	ts, err := u.DecodeFloats([]float64{math.NaN(), 1})
	require.NoError(t, err)
	assert.True(t, ts.IsNaT(0))
	_, ok := ts.At(0)
	assert.False(t, ok)
	// Far from the reference in nanoseconds: a range error, not a wrap.
	ns, err := ParseUnits("nanoseconds since 2000-01-01", Standard)
	require.NoError(t, err)
	_, err = ns.EncodeInt(MustDate(Standard, 1000, 1, 1, 0, 0, 0, 0))
	require.ErrorIs(t, err, ErrRange)
	// Encoding across unrelated calendars.
	_, err = u.EncodeInt(MustDate(NoLeap, 2000, 1, 1, 0, 0, 0, 0))
	require.ErrorIs(t, err, ErrCalendar)
}

func TestDecodeLongSpans(t *testing.T) {
	// Day counts far beyond int64 nanoseconds decode exactly.
	u, err := ParseUnits("days since 0001-01-01", NoLeap)
	require.NoError(t, err)
	ts, err := u.DecodeInts([]int64{365 * 1_000_000, -365})
	require.NoError(t, err)
	a, _ := ts.At(0)
	b, _ := ts.At(1)
	assert.Equal(t, "1000001-01-01T00:00:00", a.ISO())
	assert.Equal(t, "0000-01-01T00:00:00", b.ISO())
	v, err := u.EncodeInt(a)
	require.NoError(t, err)
	assert.Equal(t, int64(365*1_000_000), v)
}

func TestParsePartial(t *testing.T) {
	for _, c := range []struct {
		s          string
		cal        Calendar
		start, end string
		res        Resolution
	}{
		{"2020", Standard, "2020-01-01T00:00:00", "2021-01-01T00:00:00", ResYear},
		{"2020-02", Standard, "2020-02-01T00:00:00", "2020-03-01T00:00:00", ResMonth},
		{"2020-12", NoLeap, "2020-12-01T00:00:00", "2021-01-01T00:00:00", ResMonth},
		{"2020-02-29", Standard, "2020-02-29T00:00:00", "2020-03-01T00:00:00", ResDay},
		{"2021-02-30", Day360, "2021-02-30T00:00:00", "2021-03-01T00:00:00", ResDay},
		{"2020-02-29T12", Standard, "2020-02-29T12:00:00", "2020-02-29T13:00:00", ResHour},
		{"2020-02-29 12:30", Standard, "2020-02-29T12:30:00", "2020-02-29T12:31:00", ResMinute},
		{"2020-02-29T23:59:59", Standard, "2020-02-29T23:59:59", "2020-03-01T00:00:00", ResSecond},
		{"20200229T1230", Standard, "2020-02-29T12:30:00", "2020-02-29T12:31:00", ResMinute},
		{"202002", AllLeap, "2020-02-01T00:00:00", "2020-03-01T00:00:00", ResMonth},
		{"1582-10-04", Standard, "1582-10-04T00:00:00", "1582-10-15T00:00:00", ResDay},
		{"1582-10", Standard, "1582-10-01T00:00:00", "1582-11-01T00:00:00", ResMonth},
	} {
		iv, res, err := ParsePartial(c.s, c.cal)
		require.NoError(t, err, c.s)
		assert.Equal(t, c.start, iv.Start.ISO(), c.s)
		assert.Equal(t, c.end, iv.End.ISO(), c.s)
		assert.Equal(t, c.res, res, c.s)
		assert.True(t, iv.Contains(iv.Start))
		assert.False(t, iv.Contains(iv.End))
	}
	for _, c := range []struct {
		s   string
		cal Calendar
	}{
		{"2021-02-29", Standard}, {"2021-02-31", Day360}, {"1582-10-10", Standard}, {"20", Standard},
		{"2020-2", Standard}, {"2020-02-29T", Standard}, {"2020-02-29T12:3", Standard}, {"2020/02", Standard},
		{"2020-02-29T12:30:00Z", Standard}, {"2020-02-29T24", Standard}, {"0000", Standard},
	} {
		_, _, err := ParsePartial(c.s, c.cal)
		require.ErrorIs(t, err, ErrDate, c.s)
		assert.Contains(t, err.Error(), c.s)
	}
	_, _, err := ParsePartial("2020", Calendar(7))
	require.ErrorIs(t, err, ErrCalendar)
}

func TestSearchAndLocate(t *testing.T) {
	u, err := ParseUnits("days since 2019-12-01", Standard)
	require.NoError(t, err)
	n := 120
	vals := make([]int64, n)
	for i := range vals {
		vals[i] = int64(i)
	}
	ts, err := u.DecodeInts(vals)
	require.NoError(t, err)
	feb, _, err := ParsePartial("2020-02", Standard)
	require.NoError(t, err)
	lo, hi := ts.Locate(feb)
	first, _ := ts.At(lo)
	last, _ := ts.At(hi - 1)
	assert.Equal(t, "2020-02-01T00:00:00", first.ISO())
	assert.Equal(t, "2020-02-29T00:00:00", last.ISO())
	assert.Equal(t, 29, hi-lo)
	// A time between steps searches to the next step.
	assert.Equal(t, 1, ts.Search(MustDate(Standard, 2019, 12, 1, 0, 0, 0, 1)))
	assert.Equal(t, 0, ts.Search(MustDate(Standard, 1900, 1, 1, 0, 0, 0, 0)))
	assert.Equal(t, n, ts.Search(MustDate(Standard, 2100, 1, 1, 0, 0, 0, 0)))
	c, exact := ts.CountOf(MustDate(Standard, 2019, 12, 3, 12, 0, 0, 0))
	assert.Equal(t, int64(2), c)
	assert.False(t, exact)
	c, exact = ts.CountOf(MustDate(Standard, 2019, 11, 30, 0, 0, 0, 0))
	assert.Equal(t, int64(-1), c)
	assert.True(t, exact)
	// An hour of a daily axis.
	h, _, err := ParsePartial("2020-01-05T00", Standard)
	require.NoError(t, err)
	lo, hi = ts.Locate(h)
	assert.Equal(t, [2]int{35, 36}, [2]int{lo, hi})
	h, _, err = ParsePartial("2020-01-05T01", Standard)
	require.NoError(t, err)
	lo, hi = ts.Locate(h)
	assert.Equal(t, lo, hi)

	// Descending axes locate the same times.
	rev := make([]int64, n)
	for i := range rev {
		rev[i] = vals[n-1-i]
	}
	rts, err := u.DecodeInts(rev)
	require.NoError(t, err)
	lo, hi = rts.Locate(feb)
	first, _ = rts.At(lo)
	last, _ = rts.At(hi - 1)
	assert.Equal(t, "2020-02-29T00:00:00", first.ISO())
	assert.Equal(t, "2020-02-01T00:00:00", last.ISO())

	assert.Equal(t, 1, ts.Monotonic())
	assert.Equal(t, -1, rts.Monotonic())
	sub := ts.Slice(62, 91) // the February of the axis
	assert.Equal(t, 29, sub.Len())
	lo, hi = sub.Locate(feb)
	assert.Equal(t, [2]int{0, 29}, [2]int{lo, hi})
	flat, err := u.DecodeInts([]int64{0, 1, 1})
	require.NoError(t, err)
	assert.Equal(t, 0, flat.Monotonic())
	gap, err := u.DecodeInts([]int64{0, NaT, 2})
	require.NoError(t, err)
	assert.Equal(t, 0, gap.Monotonic())

	// A month of a 360_day hourly axis.
	u360, err := ParseUnits("hours since 2000-01-01", Day360)
	require.NoError(t, err)
	hv := make([]int64, 24*360)
	for i := range hv {
		hv[i] = int64(i)
	}
	hts, err := u360.DecodeInts(hv)
	require.NoError(t, err)
	m, _, err := ParsePartial("2000-02", Day360)
	require.NoError(t, err)
	lo, hi = hts.Locate(m)
	assert.Equal(t, [2]int{30 * 24, 60 * 24}, [2]int{lo, hi})
}

func TestTimesDatetime64(t *testing.T) {
	vals := []int64{0, NaT, 86400e9}
	ts, err := FromDatetime64s(vals, ProlepticGregorian)
	require.NoError(t, err)
	out, err := ts.Datetime64()
	require.NoError(t, err)
	assert.Equal(t, vals, out)
	all, ok := ts.All()
	assert.Equal(t, []bool{true, false, true}, ok)
	assert.Equal(t, "1970-01-02T00:00:00", all[2].ISO())
	_, err = FromDatetime64s(vals, NoLeap)
	require.ErrorIs(t, err, ErrCalendar)
	_, err = NewTimes(Time{}, Unit(7), nil)
	require.ErrorIs(t, err, ErrUnits)
	_, err = NewTimes(Time{}, Month, nil)
	require.ErrorIs(t, err, ErrUnits)
}
