package labelled_test

import (
	"context"
	"encoding/binary"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// refLocate is pandas' get_indexer for one label, by brute force over a
// monotonic index of unique labels: -1 when not found.
func refLocate(ix []float64, dir int, label float64, m labelled.Method, tol float64, hasTol bool) int {
	best := -1
	for i, v := range ix {
		switch m {
		case labelled.Exact:
			if v == label {
				best = i
			}
		case labelled.Pad, labelled.Backfill:
			// pad: at or before label in the index's order.
			before := (dir > 0 && v <= label) || (dir < 0 && v >= label)
			after := (dir > 0 && v >= label) || (dir < 0 && v <= label)
			if m == labelled.Pad && before && (best < 0 || (dir > 0) == (v > ix[best])) {
				best = i
			}
			if m == labelled.Backfill && after && (best < 0 || (dir > 0) == (v < ix[best])) {
				best = i
			}
		case labelled.Nearest:
			d := math.Abs(v - label)
			if best < 0 || d < math.Abs(ix[best]-label) || (d == math.Abs(ix[best]-label) && v > ix[best]) {
				best = i
			}
		}
	}
	if best >= 0 && hasTol && !(math.Abs(ix[best]-label) <= tol) {
		return -1
	}
	return best
}

// FuzzSel checks label selection against a brute-force reference of
// pandas' rules on indexes of up to 64 unique labels, increasing or
// decreasing, for every method, with and without a tolerance, and label
// slices. Seeds are the lat and lon labels of the xarray fixtures.
func FuzzSel(f *testing.F) {
	f.Add([]byte{70, 65, 60, 55, 50, 45, 40, 35, 30, 25}, int16(47), uint8(1), uint8(3), int16(30))
	f.Add([]byte{0, 10, 20, 30, 40, 50}, int16(15), uint8(1), uint8(0), int16(-5))
	f.Add([]byte{0, 10, 20, 30, 40, 50}, int16(13), uint8(2), uint8(255), int16(60))
	f.Add([]byte{5, 3, 1}, int16(2), uint8(3), uint8(1), int16(0))
	f.Fuzz(func(t *testing.T, raw []byte, label int16, method uint8, tolb uint8, hi int16) {
		if len(raw) == 0 || len(raw) > 64 {
			return
		}
		vals := make([]float64, 0, len(raw))
		for _, b := range raw {
			v := float64(int8(b))
			if !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
		dir := 1
		if binary.LittleEndian.Uint16([]byte{raw[0], 0})%2 == 1 {
			dir = -1
			slices.Sort(vals)
			slices.Reverse(vals)
		} else {
			slices.Sort(vals)
		}
		if len(vals) < 2 {
			dir = 1 // one label counts as increasing, as in pandas
		}
		data := make([]float64, len(vals))
		for i := range data {
			data[i] = float64(i)
		}
		d, err := block.FromSlice(data, len(data))
		require.NoError(t, err)
		a := labelled.New(ndarray.FromDense(d, chunk.Uniform(7)), []string{"x"},
			labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index(vals))))
		require.NoError(t, a.Err())

		m := labelled.Method(method % 4)
		tol, hasTol := float64(tolb%16), tolb < 128
		sel := labelled.Label("x", float64(label)/4).WithMethod(m)
		if hasTol {
			sel = sel.WithTolerance(tol)
		}
		got := a.Sel(sel)
		want := refLocate(vals, dir, float64(label)/4, m, tol, hasTol)
		if want < 0 {
			require.ErrorIs(t, got.Err(), labelled.ErrNotFound)
		} else {
			require.NoError(t, got.Err())
			v, err := got.Compute(context.Background())
			require.NoError(t, err)
			require.Equal(t, []float64{float64(want)}, v.Float64s(), "label %v method %v tol %v on %v", float64(label)/4, m, tol, vals)
		}

		// Inclusive label slices in the index's direction.
		lo, top := float64(label)/4, float64(hi)/4
		s := a.Sel(labelled.Slice("x", lo, top))
		require.NoError(t, s.Err())
		var wantPos []float64
		for i, v := range vals {
			if (dir > 0 && v >= lo && v <= top) || (dir < 0 && v <= lo && v >= top) {
				wantPos = append(wantPos, float64(i))
			}
		}
		sv, err := s.Compute(context.Background())
		require.NoError(t, err)
		if len(wantPos) == 0 {
			require.Zero(t, sv.Len())
		} else {
			require.Equal(t, wantPos, sv.Float64s())
		}
	})
}
