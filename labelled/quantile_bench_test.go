package labelled_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// cloudyCube is a (time: 730 days, y: 128, x: 128) float32 cube of random
// values with about 30% NaN, in chunks of 73 × 64 × 64 (48 MB).
func cloudyCube(tb testing.TB) *labelled.Array {
	const nt = 730
	t0 := cftime.MustDate(cftime.NoLeap, 2001, 1, 1, 0, 0, 0, 0)
	counts := make([]int64, nt)
	for i := range counts {
		counts[i] = int64(i)
	}
	ts, err := cftime.NewTimes(t0, cftime.Day, counts)
	require.NoError(tb, err)
	sh, ch := []int{nt, 128, 128}, chunk.PerAxis(73, 64, 64)
	r := ndarray.Random(sh, ch, 1)
	data := ndarray.Where(r.Less(0.3), math.NaN(), r).AsType(block.Float32, block.OverflowError)
	a := labelled.New(data, []string{"time", "y", "x"}, labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts))))
	require.NoError(tb, a.Err())
	return a
}

// BenchmarkGroupByMedian is da.groupby("time.season").median() (and
// .quantile([0.1, 0.5, 0.9])) of cloudyCube, computed.
func BenchmarkGroupByMedian(b *testing.B) {
	a := cloudyCube(b)
	for _, c := range []struct {
		name string
		f    func() *labelled.Array
	}{
		{"season-median", func() *labelled.Array { return a.GroupBy("time.season").Median() }},
		{"month-quantiles", func() *labelled.Array { return a.GroupBy("time.month").Quantiles([]float64{0.1, 0.5, 0.9}) }},
		{"time-quantile", func() *labelled.Array { return a.Quantile(0.9, []string{"time"}) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(a.Data().Nbytes())
			for b.Loop() {
				_, err := c.f().Compute(context.Background())
				require.NoError(b, err)
			}
		})
	}
}
