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

// Quartiles over time, as da.quantile([0.25, 0.5, 0.75], dim="time"):
// the result has a leading "quantile" dim, and NaN is skipped.
func ExampleArray_Quantiles() {
	d, _ := block.FromSlice([]float64{
		1, 10,
		2, math.NaN(),
		3, 30,
		4, 40,
	}, 4, 2)
	da := labelled.New(ndarray.FromDense(d, chunk.Uniform(2)), []string{"time", "x"})
	q := da.Quantiles([]float64{0.25, 0.5, 0.75}, []string{"time"})
	v, _ := q.Compute(context.Background())
	fmt.Println(q.Dims(), q.Index("quantile"), v.Float64s())
	// Output:
	// [quantile x] [0.25 0.5 0.75] [1.75 20 2.5 30 3.25 35]
}

// One quantile, as da.quantile(0.9, dim="time", method="lower"): a scalar
// "quantile" coordinate, and the input's dtype for a method that picks.
func ExampleArray_Quantile() {
	da := dailySeries()
	q := da.Quantile(0.9, []string{"time"}, labelled.QuantileMethod("lower"))
	v, _ := q.Compute(context.Background())
	fmt.Println(q.Dims(), q.Coord("quantile").Values(), q.DType(), v.Float64(0))
	// Output:
	// [] [0.9] float64 80
}

// Seasonal medians, as da.groupby("time.season").median(), exact for any
// chunking.
func ExampleGroupBy_Median() {
	da := dailySeries() // days 0..89 from 2001-01-01: January to March
	m := da.GroupBy("time.season").Median()
	v, _ := m.Compute(context.Background())
	fmt.Println(m.Dims(), m.Index("season"), v.Float64s())
	// Output:
	// [season] [DJF MAM] [29 74]
}
