package labelled_test

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// A centred 3-day rolling mean along a named dim, as xarray's
// da.rolling(time=3, center=True, min_periods=2).mean(); coordinates and
// attrs stay.
func ExampleArray_Rolling() {
	d, _ := block.FromSlice([]float64{1, 2, 3, math.NaN(), 5, 9}, 6)
	da := labelled.New(ndarray.FromDense(d, chunk.Uniform(4)), []string{"time"},
		labelled.Name("t2m"), labelled.Attrs(map[string]any{"units": "K"}),
		labelled.Coords(labelled.IndexCoord("time", labelled.Int64Index{1, 2, 3, 4, 5, 6})))
	m := da.Rolling("time", 3, labelled.RollingOptions{Center: true, MinPeriods: 2}).Mean()
	out, _ := m.Compute(context.Background())
	fmt.Println(out.Float64s())
	fmt.Println(m.Dims(), m.Coord("time").Values(), m.Attrs())
	// Output:
	// [1.5 2 2.5 4 7 7]
	// [time] [1 2 3 4 5 6] map[units:K]
}
