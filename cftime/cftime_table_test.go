package cftime

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tableRow is one row of testdata/cftime_table.json.gz, made by
// testdata/make_fixtures.py with the real cftime: calendar, units, the date
// given to date2num (nil for offsets decoded as given), the value, whether
// date2num returned an int, and what num2date returned for the value
// (year, month, day, hour, minute, second, microsecond, dayofyr, dayofwk,
// isoformat).
type tableRow struct {
	cal, units string
	in         []int64
	num        json.Number
	isInt      bool
	out        []any
}

// loadTableJSON returns the uncompressed table.
func loadTableJSON(t testing.TB) []byte {
	f, err := os.Open("testdata/cftime_table.json.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return b
}

func loadTable(t testing.TB) []tableRow {
	dec := json.NewDecoder(bytes.NewReader(loadTableJSON(t)))
	dec.UseNumber()
	var doc struct {
		Rows [][]json.RawMessage `json:"rows"`
	}
	require.NoError(t, dec.Decode(&doc))
	rows := make([]tableRow, 0, len(doc.Rows))
	for _, raw := range doc.Rows {
		require.Len(t, raw, 6)
		var r tableRow
		require.NoError(t, json.Unmarshal(raw[0], &r.cal))
		require.NoError(t, json.Unmarshal(raw[1], &r.units))
		require.NoError(t, json.Unmarshal(raw[2], &r.in))
		d := json.NewDecoder(bytes.NewReader(raw[3]))
		d.UseNumber()
		require.NoError(t, d.Decode(&r.num))
		require.NoError(t, json.Unmarshal(raw[4], &r.isInt))
		d = json.NewDecoder(bytes.NewReader(raw[5]))
		d.UseNumber()
		require.NoError(t, d.Decode(&r.out))
		rows = append(rows, r)
	}
	require.Greater(t, len(rows), 1000)
	return rows
}

func num(t testing.TB, v any) int64 {
	n, err := v.(json.Number).Int64()
	require.NoError(t, err)
	return n
}

// TestCftimeTable decodes every value of cftime's table and checks every
// field cftime reported, then encodes every date and checks the value and
// its int-ness exactly, then encodes the decoded time back.
func TestCftimeTable(t *testing.T) {
	rows := loadTable(t)
	seen := map[string]int{}
	for i, r := range rows {
		cal, err := ParseCalendar(r.cal)
		require.NoError(t, err)
		u, err := ParseUnits(r.units, cal)
		require.NoError(t, err, "row %d %q", i, r.units)
		var ts Times
		if r.isInt {
			v, err := r.num.Int64()
			require.NoError(t, err)
			ts, err = u.DecodeInts([]int64{v})
			require.NoError(t, err, "row %d", i)
		} else {
			v, err := r.num.Float64()
			require.NoError(t, err)
			ts, err = u.DecodeFloats([]float64{v})
			require.NoError(t, err, "row %d", i)
		}
		got, ok := ts.At(0)
		require.True(t, ok)
		y, m, d := got.Date()
		want := []int64{num(t, r.out[0]), num(t, r.out[1]), num(t, r.out[2]), num(t, r.out[3]), num(t, r.out[4]), num(t, r.out[5]), num(t, r.out[6]), num(t, r.out[7]), num(t, r.out[8])}
		have := []int64{int64(y), int64(m), int64(d), int64(got.Hour()), int64(got.Minute()), int64(got.Second()), int64(got.Nanosecond() / 1000), int64(got.DayOfYear()), int64(got.DayOfWeek())}
		if !assert.Equal(t, want, have, "row %d: %s %q %s", i, r.cal, r.units, r.num) {
			continue
		}
		assert.Zero(t, got.Nanosecond()%1000, "row %d", i)
		assert.Equal(t, r.out[9], got.ISO(), "row %d", i)
		seen[r.cal]++

		// Encoding the decoded time gives the value back when it was an
		// integer count (float values round-trip through Encode's check).
		if r.isInt {
			v, _ := r.num.Int64()
			back, err := u.EncodeInt(got)
			require.NoError(t, err, "row %d", i)
			assert.Equal(t, v, back, "row %d", i)
		}
		if r.in == nil {
			continue
		}
		in, err := Date(cal, int(r.in[0]), int(r.in[1]), int(r.in[2]), int(r.in[3]), int(r.in[4]), int(r.in[5]), int(r.in[6])*1000)
		require.NoError(t, err, "row %d", i)
		f, exact, err := u.EncodeFloat(in)
		require.NoError(t, err, "row %d", i)
		assert.Equal(t, r.isInt, exact, "row %d: %s %q %v", i, r.cal, r.units, r.in)
		if r.isInt {
			v, _ := r.num.Int64()
			n, err := u.EncodeInt(in)
			require.NoError(t, err)
			assert.Equal(t, v, n, "row %d: %s %q %v", i, r.cal, r.units, r.in)
		} else {
			v, _ := r.num.Float64()
			assert.Equal(t, math.Float64bits(v), math.Float64bits(f), "row %d: %s %q %v: want %v got %v", i, r.cal, r.units, r.in, v, f)
		}
	}
	for _, c := range []string{"standard", "proleptic_gregorian", "julian", "noleap", "all_leap", "360_day"} {
		assert.Greater(t, seen[c], 500, c)
	}
}
