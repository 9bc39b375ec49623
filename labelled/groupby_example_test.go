package labelled_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// dailySeries is 90 days of the noleap calendar from 2001-01-01 with the
// day number as value, in chunks of 30 days.
func dailySeries() *labelled.Array {
	t0 := cftime.MustDate(cftime.NoLeap, 2001, 1, 1, 0, 0, 0, 0)
	ts := make([]cftime.Time, 90)
	for i := range ts {
		ts[i], _ = t0.AddDays(int64(i))
	}
	tt, _ := cftime.TimesOf(ts)
	data := ndarray.Arange(0, 90, 1, chunk.Uniform(30)).AsType(block.Float64, block.OverflowError)
	return labelled.New(data, []string{"time"}, labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(tt))))
}

// The monthly climatology and the anomaly from it:
// clim = da.groupby("time.month").mean(); anom = da.groupby("time.month") - clim.
func ExampleArray_GroupBy() {
	ctx := context.Background()
	da := dailySeries()
	g := da.GroupBy("time.month")
	clim := g.Mean()
	d, _ := clim.Compute(ctx)
	fmt.Println(clim.Dims(), clim.Index("month"), d.Float64s())
	anom, _ := g.Sub(clim).Compute(ctx)
	fmt.Println(anom.Float64s()[:3], anom.Float64s()[31])
	// Output:
	// [month] [1 2 3] [15 44.5 74]
	// [-15 -14 -13] -13.5
}

// Month-end means, as da.resample(time="M").mean(): labels are the
// months' last days.
func ExampleArray_Resample() {
	da := dailySeries()
	m := da.Resample("time", "M").Mean()
	d, _ := m.Compute(context.Background())
	ix := m.Index("time")
	for i := range ix.Len() {
		fmt.Println(ix.Format(i), d.Float64(i))
	}
	// Output:
	// 2001-01-31T00:00:00 15
	// 2001-02-28T00:00:00 44.5
	// 2001-03-31T00:00:00 74
}

// Interpolation at new times, as da.interp(time=[...]): NaN outside.
func ExampleArray_Interp() {
	da := dailySeries()
	at := []cftime.Time{
		cftime.MustDate(cftime.NoLeap, 2001, 1, 1, 6, 0, 0, 0),
		cftime.MustDate(cftime.NoLeap, 2001, 3, 1, 12, 0, 0, 0),
		cftime.MustDate(cftime.NoLeap, 2002, 1, 1, 0, 0, 0, 0),
	}
	d, _ := da.Interp("time", at, labelled.InterpLinear).Compute(context.Background())
	fmt.Println(d.Float64s())
	// Output:
	// [0.25 59.5 NaN]
}
