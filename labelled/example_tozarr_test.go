package labelled_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// ds.to_zarr(store) of a noleap daily series packed as int16: the time
// coordinate is written as "days since" its first date in its calendar,
// the packing as scale_factor/add_offset/_FillValue, and OpenZarr (or
// xarray.open_zarr) reads back the same dates and values.
func ExampleDataset_ToZarr() {
	ctx := context.Background()
	ts, _ := cftime.NewTimes(cftime.MustDate(cftime.NoLeap, 2001, 2, 27, 0, 0, 0, 0), cftime.Day, []int64{0, 1, 2, 3})
	d, _ := block.FromSlice([]float64{271.5, 272.25, 273, 274.75}, 4)
	t2m := labelled.New(ndarray.FromDense(d, chunk.Spec{}), []string{"time"},
		labelled.Name("t2m"),
		labelled.Attrs(map[string]any{"units": "K"}),
		labelled.Encoding(map[string]any{"dtype": "int16", "scale_factor": 0.01, "add_offset": 273.0, "_FillValue": -32768.0}),
		labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts))))
	ds, _ := labelled.NewDataset([]*labelled.Array{t2m}, map[string]any{"title": "example"})

	s := zarr.NewMemoryStore()
	if err := ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2}); err != nil {
		fmt.Println(err)
		return
	}
	tm, _ := zarr.OpenArray(ctx, s, "time")
	fmt.Println(tm.DType(), tm.Meta().Attributes["units"], tm.Meta().Attributes["calendar"])
	raw, _ := zarr.OpenArray(ctx, s, "t2m")
	stored, _ := raw.ReadAll(ctx)
	fmt.Println(raw.DType(), block.Values[int16](stored))

	back, _ := labelled.OpenZarr(ctx, s, "")
	ix := back.Var("t2m").Index("time")
	var dates []string
	for i := range ix.Len() {
		dates = append(dates, ix.Format(i))
	}
	fmt.Println(dates)
	v, _ := back.Var("t2m").Compute(ctx)
	fmt.Println(v.Float64s())
	// Output:
	// int64 days since 2001-02-27 00:00:00 noleap
	// int16 [-150 -75 0 175]
	// [2001-02-27T00:00:00 2001-02-28T00:00:00 2001-03-01T00:00:00 2001-03-02T00:00:00]
	// [271.5 272.25 273 274.75]
}

// da.to_zarr(store): an unnamed array is written as xarray's
// __xarray_dataarray_variable__, with its string coordinate.
func ExampleArray_ToZarr() {
	ctx := context.Background()
	d, _ := block.FromSlice([]float64{0.1, 0.7}, 2)
	ndvi := labelled.New(ndarray.FromDense(d, chunk.Spec{}), []string{"band"},
		labelled.Coords(labelled.IndexCoord("band", labelled.StringIndex{"red", "nir"})))
	s := zarr.NewMemoryStore()
	if err := ndvi.ToZarr(ctx, s, "ndvi.zarr", labelled.ZarrOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	back, _ := labelled.OpenZarr(ctx, s, "ndvi.zarr")
	fmt.Println(back.Names(), back.Var(labelled.DataArrayVariable).Index("band"))
	// Output:
	// [__xarray_dataarray_variable__] [red nir]
}

// ds.to_zarr(store, append_dim="time"): the appended days are encoded in
// the store's own units, so the grown axis reads as one.
func ExampleDataset_AppendZarr() {
	ctx := context.Background()
	day := func(start int64, n int) *labelled.Dataset {
		counts := make([]int64, n)
		vals := make([]float64, n)
		for i := range counts {
			counts[i] = start + int64(i)
			vals[i] = float64(start) + float64(i)
		}
		ts, _ := cftime.NewTimes(cftime.MustDate(cftime.Day360, 2001, 1, 1, 0, 0, 0, 0), cftime.Day, counts)
		d, _ := block.FromSlice(vals, n)
		a := labelled.New(ndarray.FromDense(d, chunk.Spec{}), []string{"time"}, labelled.Name("v"),
			labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts))))
		ds, _ := labelled.NewDataset([]*labelled.Array{a}, nil)
		return ds
	}
	s := zarr.NewMemoryStore()
	if err := day(0, 29).ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2}); err != nil {
		fmt.Println(err)
		return
	}
	if err := day(29, 3).AppendZarr(ctx, s, "", "time", labelled.ZarrOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	back, _ := labelled.OpenZarr(ctx, s, "")
	ix := back.Var("v").Index("time")
	fmt.Println(ix.Len(), ix.Format(28), ix.Format(29), ix.Format(31))
	// Output:
	// 32 2001-01-29T00:00:00 2001-01-30T00:00:00 2001-02-02T00:00:00
}
