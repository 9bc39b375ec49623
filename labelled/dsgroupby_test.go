package labelled_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

// dailyDataset is t (time) = 0..89 over 90 noleap days from 2001-01-01,
// u (time) = 2t, and z (x) = [7, 8], unrelated to time.
func dailyDataset() *labelled.Dataset {
	tvar := dailySeries().WithName("t")
	u := labelled.Mul(tvar, 2.0).WithName("u")
	z := labelled.New(ndarray.Arange(7, 9, 1, chunk.Uniform(2)).AsType(block.Float64, block.OverflowError), []string{"x"}).WithName("z")
	return must(labelled.NewDataset([]*labelled.Array{tvar, u, z}, nil))
}

// ExampleDataset_GroupBy: a monthly climatology of every variable and the
// anomaly from it, as clim = ds.groupby("time.month").mean();
// anom = ds.groupby("time.month") - clim. z, without time, is kept.
func ExampleDataset_GroupBy() {
	ctx := context.Background()
	ds := dailyDataset()
	clim, err := ds.GroupBy("time.month").Mean()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range clim.Names() {
		v := clim.Var(n)
		d, _ := v.Compute(ctx)
		fmt.Println(n, v.Dims(), d.Float64s())
	}
	anom, _ := ds.GroupBy("time.month").Sub(clim)
	d, _ := anom.Var("u").Compute(ctx)
	fmt.Println(anom.Var("u").Dims(), d.Float64s()[:3])
	// Output:
	// t [month] [15 44.5 74]
	// u [month] [30 89 148]
	// z [x] [7 8]
	// [time] [-30 -28 -26]
}

// ExampleDataset_Resample: month-start sums, as ds.resample(time="MS").sum().
func ExampleDataset_Resample() {
	ds := dailyDataset()
	m, _ := ds.Resample("time", "MS").Sum()
	d, _ := m.Var("t").Compute(context.Background())
	ix := m.Var("t").Index("time")
	for i := range ix.Len() {
		fmt.Println(ix.Format(i), d.Float64(i))
	}
	// Output:
	// 2001-01-01T00:00:00 465
	// 2001-02-01T00:00:00 1246
	// 2001-03-01T00:00:00 2294
}

func TestDatasetGroupByMethods(t *testing.T) {
	ctx := context.Background()
	ds := dailyDataset()
	g := ds.GroupBy("time.month")
	require.NoError(t, g.Err())
	assert.Equal(t, "time", g.Dim())
	assert.Equal(t, "month", g.Name())
	assert.Equal(t, 3, g.Labels().Len())
	// January: t = 0..30; February 31..58; March 59..89 (the variance of
	// n consecutive integers is (n²-1)/12).
	want := map[string][]float64{
		"mean": {15, 44.5, 74}, "sum": {465, 1246, 2294}, "min": {0, 31, 59}, "max": {30, 58, 89},
		"count": {31, 28, 31}, "median": {15, 44.5, 74}, "quantile": {30, 58, 89},
		"var": {80, 65.25, 80}, "std": {math.Sqrt(80), math.Sqrt(65.25), math.Sqrt(80)},
	}
	run := map[string]func() (*labelled.Dataset, error){
		"mean": g.Mean, "sum": g.Sum, "min": g.Min, "max": g.Max, "count": g.Count,
		"median":   func() (*labelled.Dataset, error) { return g.Median() },
		"quantile": func() (*labelled.Dataset, error) { return g.Quantile(1) },
		"var":      func() (*labelled.Dataset, error) { return g.Var() },
		"std":      func() (*labelled.Dataset, error) { return g.Std() },
	}
	for name, f := range run {
		out, err := f()
		require.NoError(t, err, name)
		d, err := out.Var("t").Compute(ctx)
		require.NoError(t, err, name)
		assert.InDeltaSlice(t, want[name], d.Float64s(), 1e-9, name)
		z, err := out.Var("z").Compute(ctx)
		require.NoError(t, err, name)
		assert.Equal(t, []float64{7, 8}, z.Float64s(), name)
		assert.Equal(t, []string{"month"}, out.Var("u").Dims(), name)
	}
	// sample variance with DDOF(1): January 0..30 is 2480/30.
	out, err := g.Var(labelled.DDOF(1))
	require.NoError(t, err)
	d, err := out.Var("t").Compute(ctx)
	require.NoError(t, err)
	assert.InDelta(t, 2480.0/30, d.Float64(0), 1e-9)

	// Sub keeps only the variables clim has.
	clim, err := g.Mean()
	require.NoError(t, err)
	only, err := labelled.NewDataset([]*labelled.Array{clim.Var("u")}, nil)
	require.NoError(t, err)
	anom, err := g.Sub(only)
	require.NoError(t, err)
	assert.Equal(t, []string{"u"}, anom.Names())
}

func TestDatasetGroupByErrors(t *testing.T) {
	ds := dailyDataset()
	cases := []struct {
		name string
		g    *labelled.DatasetGroupBy
		want error
	}{
		{"unknown coordinate", ds.GroupBy("date.month"), labelled.ErrGroup},
		{"unknown component", ds.GroupBy("time.fortnight"), labelled.ErrGroup},
		{"resample unknown dim", ds.Resample("depth", "MS"), labelled.ErrDim},
		{"resample dim without index", ds.Resample("x", "MS"), labelled.ErrFrequency},
		{"resample bad freq", ds.Resample("time", "3X"), labelled.ErrFrequency},
		{"nil dataset", (*labelled.Dataset)(nil).GroupBy("time.month"), labelled.ErrArgument},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Error(t, c.g.Err())
			assert.ErrorIs(t, c.g.Err(), c.want)
			assert.Contains(t, c.g.Err().Error(), "dataset")
			_, err := c.g.Mean()
			assert.ErrorIs(t, err, c.want)
			_, err = c.g.Sub(ds)
			assert.ErrorIs(t, err, c.want)
			assert.Equal(t, "", c.g.Name())
			assert.Nil(t, c.g.Labels())
		})
	}
	g := ds.GroupBy("time.month")
	_, err := g.Sub(nil)
	assert.ErrorIs(t, err, labelled.ErrArgument)
	// clim's variable on the grouped dim itself.
	_, err = g.Sub(ds)
	assert.ErrorIs(t, err, labelled.ErrDim)
	assert.Contains(t, err.Error(), `"t"`)
	// a bad quantile, naming the variable.
	_, err = g.Quantile(1.5)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"t"`)
	// ungrouped z against a clim whose z has the groups' dim.
	clim, err := g.Mean()
	require.NoError(t, err)
	zm := labelled.New(ndarray.Zeros(block.Float64, []int{3, 2}, chunk.Uniform(2)), []string{"month", "x"}).WithName("z")
	bad, err := labelled.NewDataset([]*labelled.Array{clim.Var("t"), zm}, nil)
	require.NoError(t, err)
	_, err = g.Sub(bad)
	require.ErrorIs(t, err, labelled.ErrDim)
	assert.Contains(t, err.Error(), `"z"`)
}
