package labelled_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// longAxis is a (time: 100000, lat: 180, lon: 360) float32 cube (26 GB,
// never computed) with an increasing time index and a decreasing lat.
func longAxis(tb testing.TB) *labelled.Array {
	const n = 100_000
	ti := make(labelled.Int64Index, n)
	for i := range ti {
		ti[i] = int64(i) * 3600
	}
	lat := make(labelled.Float64Index, 180)
	for i := range lat {
		lat[i] = 89.5 - float64(i)
	}
	lon := make(labelled.Float64Index, 360)
	for i := range lon {
		lon[i] = -179.5 + float64(i)
	}
	data := ndarray.Zeros(block.Float32, []int{n, 180, 360}, chunk.PerAxis(24, 90, 180))
	a := labelled.New(data, []string{"time", "lat", "lon"}, labelled.Coords(
		labelled.IndexCoord("time", ti), labelled.IndexCoord("lat", lat), labelled.IndexCoord("lon", lon)))
	require.NoError(tb, a.Err())
	return a
}

// BenchmarkSelLongAxis is the plan cost of label selection on a
// 100,000-step time axis: a slice of a month, a nearest label, and a list,
// each with a lat/lon box, through to the lazy array's task count.
func BenchmarkSelLongAxis(b *testing.B) {
	a := longAxis(b)
	// The index's monotonicity is computed once per coordinate; pay it here.
	require.NoError(b, a.Sel(labelled.Slice("time", 0, 1)).Err())
	cases := []struct {
		name string
		sel  []labelled.Selector
	}{
		{"slice", []labelled.Selector{labelled.Slice("time", 3600*50_000, 3600*(50_000+24*30)), labelled.Slice("lat", 60.0, 30.0), labelled.Slice("lon", -10.0, 40.0)}},
		{"nearest", []labelled.Selector{labelled.Label("time", 3600*77_777+1000).WithMethod(labelled.Nearest).WithTolerance(3600), labelled.Slice("lat", 60.0, 30.0)}},
		{"list", []labelled.Selector{labelled.Labels("time", 0, 3600*10, 3600*99_999), labelled.Labels("lon", 0.5, 10.5)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := a.Sel(c.sel...)
				if s.Err() != nil || s.Data().Tasks() <= 0 {
					b.Fatal(s.Err())
				}
			}
		})
	}
	b.Run("first-sel-with-monotonic-scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fresh := a.WithCoords(labelled.IndexCoord("time", a.Index("time").(labelled.Int64Index)))
			if s := fresh.Sel(cases[0].sel...); s.Err() != nil {
				b.Fatal(s.Err())
			}
		}
	})
}

// TestSelLongAxis checks the long-axis selections' shapes and labels.
func TestSelLongAxis(t *testing.T) {
	a := longAxis(t)
	s := a.Sel(labelled.Slice("time", 3600*50_000, 3600*(50_000+24*30)), labelled.Slice("lat", 60.0, 30.0))
	require.NoError(t, s.Err())
	require.Equal(t, []int{24*30 + 1, 30, 360}, s.Shape())
	require.Equal(t, int64(3600*50_000), s.Index("time").Label(0))
	n := s.Sel(labelled.Label("time", 3600*50_001+1799).WithMethod(labelled.Nearest))
	require.NoError(t, n.Err())
	require.Equal(t, int64(3600*50_001), n.Coord("time").Values().Label(0))
	tie := s.Sel(labelled.Label("time", 3600*50_001+1800).WithMethod(labelled.Nearest))
	require.Equal(t, int64(3600*50_002), tie.Coord("time").Values().Label(0), "a tie takes the larger label")
}

// BenchmarkTimeAxis is the cost of a CF time axis of 100,000 daily steps in
// the noleap calendar: building its TimeIndex (one pass for the
// resolution), then Sel of a partial date ("2150-02", a month) and of a
// slice between two dates on the (time, lat, lon) cube, through to the
// lazy array's task count. The target is under 50 ms for graph
// build and sel.
func BenchmarkTimeAxis(b *testing.B) {
	const n = 100_000
	counts := make([]int64, n)
	for i := range counts {
		counts[i] = int64(i)
	}
	ts, err := cftime.NewTimes(cftime.MustDate(cftime.NoLeap, 1900, 1, 1, 0, 0, 0, 0), cftime.Day, counts)
	require.NoError(b, err)
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = labelled.NewTimeIndex(ts)
		}
	})
	data := ndarray.Zeros(block.Float32, []int{n, 180, 360}, chunk.PerAxis(24, 90, 180))
	a := labelled.New(data, []string{"time", "lat", "lon"}, labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts))))
	require.NoError(b, a.Err())
	for _, c := range []struct {
		name string
		sel  labelled.Selector
	}{
		{"month", labelled.Label("time", "2150-02")},
		{"slice", labelled.Slice("time", "2000-12-01", "2001-02")},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := a.Sel(c.sel)
				if s.Err() != nil || s.Data().Tasks() <= 0 {
					b.Fatal(s.Err())
				}
			}
		})
	}
}
