package cftime

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xarrayTable is testdata/xarray_table.json, made by
// testdata/make_xarray_fixtures.py with the real xarray.
type xarrayTable struct {
	Encode []struct {
		Calendar string    `json:"calendar"`
		Name     string    `json:"name"`
		Dates    [][7]int  `json:"dates"`
		Units    string    `json:"units"`
		Values   []float64 `json:"values"`
		Int      bool      `json:"int"`
	} `json:"encode"`
	Decode []struct {
		Units  string    `json:"units"`
		Values []float64 `json:"values"`
		NS     []int64   `json:"datetime64ns"`
	} `json:"decode"`
}

func loadXarray(t *testing.T) xarrayTable {
	b, err := os.ReadFile("testdata/xarray_table.json")
	require.NoError(t, err)
	var x xarrayTable
	require.NoError(t, json.Unmarshal(b, &x))
	require.NotEmpty(t, x.Encode)
	require.NotEmpty(t, x.Decode)
	return x
}

// TestXarrayEncode: Encode with inferred units gives the units and values
// xarray's encode_cf_datetime gives, in every calendar.
func TestXarrayEncode(t *testing.T) {
	for _, e := range loadXarray(t).Encode {
		t.Run(e.Calendar+"/"+e.Name, func(t *testing.T) {
			cal, err := ParseCalendar(e.Calendar)
			require.NoError(t, err)
			times := make([]Time, len(e.Dates))
			for i, d := range e.Dates {
				times[i] = MustDate(cal, d[0], d[1], d[2], d[3], d[4], d[5], d[6]*1000)
			}
			ts, err := TimesOf(times)
			require.NoError(t, err)
			enc, err := Encode(ts, EncodeOptions{})
			require.NoError(t, err)
			want, err := ParseUnits(e.Units, cal)
			require.NoError(t, err)
			assert.Equal(t, want, enc.Units, "xarray: %q, ours: %q", e.Units, enc.Units)
			require.Equal(t, e.Int, enc.Ints != nil)
			for i, v := range e.Values {
				assert.Equal(t, int64(v), enc.Ints[i])
			}
			// What we write, xarray's units string read back, decodes to
			// the same times.
			back, err := want.DecodeInts(enc.Ints)
			require.NoError(t, err)
			for i := range times {
				got, _ := back.At(i)
				assert.True(t, got.Equal(times[i]), "%s != %s", got, times[i])
			}
		})
	}
}

// TestXarrayDecode: units with time zones, UTC, unpadded dates, fractional
// days and nanoseconds decode to the datetime64[ns] xarray gives
// (including "-6:00", which cftime alone would ignore).
func TestXarrayDecode(t *testing.T) {
	for _, d := range loadXarray(t).Decode {
		u, err := ParseUnits(d.Units, Standard)
		require.NoError(t, err, d.Units)
		ts, err := u.DecodeFloats(d.Values)
		require.NoError(t, err)
		ns, err := ts.Datetime64()
		require.NoError(t, err)
		assert.Equal(t, d.NS, ns, d.Units)
	}
}

func TestEncodeNaTAndLossy(t *testing.T) {
	u, err := ParseUnits("days since 2000-01-01", Standard)
	require.NoError(t, err)
	ts, err := NewTimes(MustDate(Standard, 2000, 1, 1, 0, 0, 0, 0), Hour, []int64{0, NaT, 36})
	require.NoError(t, err)
	enc, err := Encode(ts, EncodeOptions{Units: &u})
	require.NoError(t, err)
	require.Nil(t, enc.Ints)
	assert.Equal(t, 0.0, enc.Floats[0])
	assert.True(t, math.IsNaN(enc.Floats[1]))
	assert.Equal(t, 1.5, enc.Floats[2])

	// A third of a day is a float that decodes back to the microsecond,
	// as cftime's rounding does.
	ts, err = NewTimes(MustDate(Standard, 2000, 1, 1, 0, 0, 0, 0), Hour, []int64{8})
	require.NoError(t, err)
	enc, err = Encode(ts, EncodeOptions{Units: &u})
	require.NoError(t, err)
	assert.Equal(t, 1.0/3, enc.Floats[0])
	// A nanosecond in days is not.
	ts, err = NewTimes(MustDate(Standard, 2000, 1, 1, 0, 0, 0, 0), Nanosecond, []int64{0, 1})
	require.NoError(t, err)
	_, err = Encode(ts, EncodeOptions{Units: &u})
	require.ErrorIs(t, err, ErrPrecision)
	enc, err = Encode(ts, EncodeOptions{Units: &u, AllowLossy: true})
	require.NoError(t, err)
	assert.Equal(t, 1.0/86400e9, enc.Floats[1])
	_, err = u.EncodeInt(MustDate(Standard, 2000, 1, 1, 8, 0, 0, 0))
	require.ErrorIs(t, err, ErrPrecision)

	// Nanoseconds in noleap: cftime has no nanosecond unit, so the
	// inferred unit is seconds and the floats are refused as lossy.
	ts, err = NewTimes(MustDate(NoLeap, 2000, 1, 1, 0, 0, 0, 0), Nanosecond, []int64{0, 1})
	require.NoError(t, err)
	iu, err := InferUnits(ts)
	require.NoError(t, err)
	assert.Equal(t, Second, iu.Unit)
	_, err = Encode(ts, EncodeOptions{})
	require.ErrorIs(t, err, ErrPrecision)
}
