package labelled_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// FuzzToZarrTimes writes a time coordinate of fuzzed counts (up to 64, in
// a fuzzed calendar and unit, some missing) with ToZarr, in inferred units
// or in fuzzed "units"/"calendar" encoding strings, and reads it back with
// OpenZarr: either ToZarr refuses with an error wrapping a sentinel, or
// the same times come back (NaT where NaT).
func FuzzToZarrTimes(f *testing.F) {
	f.Add(uint8(2), uint8(0), int64(0), []byte{1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}, "", "", false)
	f.Add(uint8(5), uint8(1), int64(-400), []byte{24, 0, 0, 0, 0, 0, 0, 0}, "hours since 2000-01-01", "360_day", true)
	f.Add(uint8(0), uint8(3), int64(86400), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "days since 1970-01-01 00:00:00.5", "standard", false)
	f.Add(uint8(1), uint8(2), int64(7), []byte{0, 0, 0, 0, 0, 0, 0, 0x80}, "seconds since 2001-1-1T12:00Z", "gregorian", false)
	units := []cftime.Unit{cftime.Day, cftime.Hour, cftime.Minute, cftime.Second, cftime.Millisecond}
	f.Fuzz(func(t *testing.T, calB, unitB uint8, start int64, raw []byte, unitsText, calText string, v3 bool) {
		if len(raw) > 64*8 || len(unitsText) > 200 || len(calText) > 50 {
			return
		}
		cals := []cftime.Calendar{cftime.Standard, cftime.ProlepticGregorian, cftime.Julian, cftime.NoLeap, cftime.AllLeap, cftime.Day360}
		cal := cals[int(calB)%len(cals)]
		unit := units[int(unitB)%len(units)]
		counts := []int64{start % (1 << 40)}
		for i := 0; i+8 <= len(raw); i += 8 {
			d := int64(binary.LittleEndian.Uint64(raw[i:]))
			if d == cftime.NaT {
				counts = append(counts, cftime.NaT)
				continue
			}
			counts = append(counts, counts[0]+d%(1<<30))
		}
		ts, err := cftime.NewTimes(cftime.MustDate(cal, 2000, 1, 1, 0, 0, 0, 0), unit, counts)
		if err != nil {
			return
		}
		d, err := block.FromSlice(make([]float64, len(counts)), len(counts))
		require.NoError(t, err)
		a := labelled.New(ndarray.FromDense(d, chunk.Spec{}), []string{"time"}, labelled.Name("v"),
			labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts))))
		ds, err := labelled.NewDataset([]*labelled.Array{a}, nil)
		require.NoError(t, err)
		opts := labelled.ZarrOptions{Format: 2}
		if v3 {
			opts.Format = 3
		}
		if unitsText != "" || calText != "" {
			opts.Encoding = map[string]map[string]any{"time": {"units": unitsText, "calendar": calText}}
		}
		s := zarr.NewMemoryStore()
		if err := ds.ToZarr(t.Context(), s, "", opts); err != nil {
			for _, e := range []error{cftime.ErrCalendar, cftime.ErrUnits, cftime.ErrDate, cftime.ErrRange, cftime.ErrPrecision, labelled.ErrCoord} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("ToZarr error wraps no sentinel: %v", err)
		}
		back, err := labelled.OpenZarr(t.Context(), s, "")
		require.NoError(t, err)
		got, ok := back.Var("v").Index("time").(labelled.TimeIndex)
		require.True(t, ok)
		require.Equal(t, ts.Len(), got.Len())
		for i := range ts.Len() {
			want, wok := ts.At(i)
			g, gok := got.Times().At(i)
			require.Equal(t, wok, gok, "time %d NaT", i)
			if wok {
				assert.True(t, want.Equal(g), "time %d: wrote %s, read %s", i, want, g)
			}
		}
	})
}
