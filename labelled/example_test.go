package labelled_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// t2mExample is a small (time, lat, lon) cube with a descending lat, as a
// user's ds["t2m"].
func t2mExample() *labelled.Array {
	data := ndarray.Arange(0, 4*3*4, 1, chunk.Uniform(2)).AsType(block.Float64, block.OverflowError).Reshape([]int{4, 3, 4})
	return labelled.New(data, []string{"time", "lat", "lon"},
		labelled.Name("t2m"),
		labelled.Coords(
			labelled.IndexCoord("time", labelled.Int64Index{0, 1, 2, 3}),
			labelled.IndexCoord("lat", labelled.Float64Index{60, 45, 30}),
			labelled.IndexCoord("lon", labelled.Float64Index{-10, 0, 10, 20}),
		),
		labelled.Attrs(map[string]any{"units": "K"}))
}

// The notebook steps: select a box by coordinates (lat descending, so the
// slice runs north to south), a climatology over time, and the anomaly,
// broadcast by dim name.
func Example() {
	ctx := context.Background()
	t2m := t2mExample()

	// t2m.sel(lat=slice(60, 30), lon=slice(-10, 0))
	sub := t2m.Sel(labelled.Slice("lat", 60.0, 30.0), labelled.Slice("lon", -10.0, 0.0))
	// clim = sub.mean("time")
	clim := sub.Mean("time")
	// anom = sub - clim
	anom := labelled.Sub(sub, clim)

	fmt.Println(anom.Dims(), anom.Shape())
	v, _ := anom.Isel(labelled.At("time", 0)).Compute(ctx)
	fmt.Println(v.Float64s())
	c, _ := clim.Compute(ctx)
	fmt.Println(c.Float64s())
	// Output:
	// [time lat lon] [4 3 2]
	// [-18 -18 -18 -18 -18 -18]
	// [18 19 22 23 26 27]
}

// Sel by label: one label drops the dim and leaves a scalar coordinate;
// nearest with a tolerance; a missing label is an error naming label and
// dim.
func ExampleArray_Sel() {
	t2m := t2mExample()
	a := t2m.Sel(labelled.Label("lat", 44.0).WithMethod(labelled.Nearest).WithTolerance(2))
	fmt.Println(a.Dims(), a.Coord("lat").Values())

	b := t2m.Sel(labelled.Labels("lon", 20.0, -10.0))
	fmt.Println(b.Index("lon"))

	err := t2m.Sel(labelled.Label("lat", 44.0)).Err()
	var le *labelled.LabelError
	fmt.Println(errors.As(err, &le), le.Dim, le.Label, errors.Is(err, labelled.ErrNotFound))
	// Output:
	// [time lon] [45]
	// [20 -10]
	// true lat 44 true
}

// Isel by position on named dims.
func ExampleArray_Isel() {
	t2m := t2mExample()
	a := t2m.Isel(labelled.Range("time", 0, ndarray.None, 2), labelled.At("lon", -1))
	fmt.Println(a.Dims(), a.Shape(), a.Index("time"), a.Coord("lon").Values())
	// Output:
	// [time lat] [2 3] [0 2] [20]
}

// Arithmetic broadcasts by name and aligns on the indexes (inner join by
// default; JoinExact refuses indexes that differ).
func ExampleAdd() {
	ctx := context.Background()
	x := labelled.New(ndarray.FromDense(must(block.FromSlice([]float64{1, 2, 3}, 3)), chunk.Spec{}), []string{"x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{1, 2, 3})))
	y := labelled.New(ndarray.FromDense(must(block.FromSlice([]float64{10, 20, 30}, 3)), chunk.Spec{}), []string{"x"},
		labelled.Coords(labelled.IndexCoord("x", labelled.Float64Index{2, 3, 4})))
	s := labelled.Add(x, y)
	v, _ := s.Compute(ctx)
	fmt.Println(s.Index("x"), v.Float64s())

	o := labelled.Add(x, y, labelled.WithJoin(labelled.JoinOuter))
	w, _ := o.Compute(ctx)
	fmt.Println(o.Index("x"), w.Float64s())

	err := labelled.Add(x, y, labelled.WithJoin(labelled.JoinExact)).Err()
	fmt.Println(errors.Is(err, labelled.ErrAlign))
	// Output:
	// [2 3] [12 23]
	// [1 2 3 4] [NaN 12 23 NaN]
	// true
}

// Reductions over named dims; NaN is skipped for float data, as in xarray.
func ExampleArray_Reduce() {
	ctx := context.Background()
	t2m := t2mExample()
	m := t2m.Reduce(labelled.Max, []string{"lat", "lon"})
	v, _ := m.Compute(ctx)
	fmt.Println(m.Dims(), v.Float64s())
	// Output:
	// [time] [11 23 35 47]
}

// Concat along an existing dim joins its index; along a new dim the labels
// given become its index.
func ExampleConcat() {
	t2m := t2mExample()
	a := labelled.Concat("time", []*labelled.Array{
		t2m.Isel(labelled.Range("time", 2, 4, 1)), t2m.Isel(labelled.Range("time", 0, 1, 1)),
	}, nil)
	fmt.Println(a.Index("time"))
	m := labelled.Concat("member", []*labelled.Array{t2m, t2m}, labelled.StringIndex{"a", "b"})
	fmt.Println(m.Dims(), m.Index("member"))
	// Output:
	// [2 3 0]
	// [member time lat lon] [a b]
}

// A repr as xarray's: dims and sizes, the lazy data with chunks and tasks,
// coordinates with first and last values, attrs.
func ExampleArray_String() {
	fmt.Println(t2mExample().Sel(labelled.Label("time", 1)))
	// Output:
	// <labelled.Array 't2m' (lat: 3, lon: 4)> Size: 96B
	// ndarray.Array<index-c29fe69b4ff5fdba, shape=[3 4], dtype=float64, chunksize=[3 4], chunks=1, tasks=9>
	// Coordinates:
	//     time     int64 8B 1
	//   * lat      (lat) float64 24B 60.0 45.0 30.0
	//   * lon      (lon) float64 32B -10.0 0.0 10.0 20.0
	// Attributes:
	//     units:    K
}

// A dataset of variables sharing coordinates; Merge refuses a variable of
// one name with other values.
func ExampleMerge() {
	t2m := t2mExample()
	ds1, _ := labelled.NewDataset([]*labelled.Array{t2m}, nil)
	ds2, _ := labelled.NewDataset([]*labelled.Array{labelled.Mul(t2m, 2.0).WithName("t2x")}, nil)
	m, _ := labelled.Merge(ds1, ds2)
	fmt.Println(m.Names(), m.Dims())
	fmt.Println(m.Var("t2x").Shape())

	bad, _ := labelled.NewDataset([]*labelled.Array{labelled.Add(t2m, 1.0).WithName("t2m")}, nil)
	_, err := labelled.Merge(ds1, bad)
	fmt.Println(errors.Is(err, labelled.ErrMerge))
	// Output:
	// [t2m t2x] [time lat lon]
	// [4 3 4]
	// true
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Where keeps values where a condition holds, broadcasting by name: here a
// (lat) mask applied to the (time, lat, lon) cube.
func ExampleWhere() {
	ctx := context.Background()
	t2m := t2mExample()
	lat := labelled.New(ndarray.FromDense(must(block.FromSlice([]float64{60, 45, 30}, 3)), chunk.Spec{}), []string{"lat"},
		labelled.Coords(labelled.IndexCoord("lat", labelled.Float64Index{60, 45, 30})))
	north := labelled.Where(labelled.Greater(lat, 40.0), t2m, -1.0)
	fmt.Println(north.Dims())
	v, _ := north.Isel(labelled.At("time", 0), labelled.At("lon", 0)).Compute(ctx)
	fmt.Println(v.Float64s())
	// Output:
	// [lat time lon]
	// [0 4 -1]
}

// Align re-indexes arrays onto a joined index without computing; a
// descending index keeps the first array's order under an inner join.
func ExampleAlign() {
	a := t2mExample()
	b := labelled.New(ndarray.Zeros(block.Float64, []int{2}, chunk.Spec{}), []string{"lat"},
		labelled.Coords(labelled.IndexCoord("lat", labelled.Float64Index{30, 60})))
	out, err := labelled.Align(labelled.JoinInner, a, b)
	fmt.Println(err, out[0].Index("lat"), out[1].Index("lat"), out[0].Shape())
	// Output:
	// <nil> [60 30] [60 30] [4 2 4]
}

// Transpose orders dims by name.
func ExampleArray_Transpose() {
	fmt.Println(t2mExample().Transpose("lon", "time", "lat").Shape())
	// Output:
	// [4 4 3]
}

func ExampleNewTimeIndex() {
	// A daily axis in the noleap calendar, as a CF "days since" variable
	// decodes to; select a month by a partial date, as xarray's sel does.
	days := make([]int64, 365)
	vals := make([]float64, 365)
	for i := range days {
		days[i], vals[i] = int64(i), float64(i)
	}
	ts, _ := cftime.NewTimes(cftime.MustDate(cftime.NoLeap, 2001, 1, 1, 0, 0, 0, 0), cftime.Day, days)
	coord, _ := labelled.NewCoord("time", []string{"time"}, []int{365}, labelled.NewTimeIndex(ts), nil)
	d, _ := block.FromSlice(vals, 365)
	a := labelled.New(ndarray.FromDense(d, chunk.Uniform(100)), []string{"time"}, labelled.Coords(coord))

	feb := a.Sel(labelled.Label("time", "2001-02"))
	mean, err := feb.Mean("time").Data().Float64(context.Background())
	fmt.Println(feb.Sizes()["time"], mean, err)
	// Output: 28 44.5 <nil>
}

func ExampleOpenZarr() {
	// A store as xarray writes one: a "days since" time in the noleap
	// calendar and a variable over it.
	ctx := context.Background()
	store := zarr.NewMemoryStore()
	days, _ := block.FromSlice([]int64{0, 31, 59, 90}, 4)
	temp, _ := block.FromSlice([]float64{270, 271.5, 275, 281}, 4)
	err := zarr.WriteDataset(ctx, store, "", zarr.Dataset{Vars: map[string]zarr.Variable{
		"time": {Dims: []string{"time"}, Data: ndarray.FromDense(days, chunk.Spec{}),
			Attrs: map[string]any{"units": "days since 2001-01-01", "calendar": "noleap"}},
		"t2m": {Dims: []string{"time"}, Data: ndarray.FromDense(temp, chunk.Spec{}), Attrs: map[string]any{"units": "K"}},
	}}, 2)
	if err != nil {
		panic(err)
	}

	ds, err := labelled.OpenZarr(ctx, store, "") // xr.open_zarr(store)
	if err != nil {
		panic(err)
	}
	t2m := ds.Var("t2m")
	fmt.Println(t2m.Coord("time").Values().Format(2), t2m.Coord("time").Values().DType())
	march, _ := t2m.Sel(labelled.Label("time", "2001-03")).Data().Float64(ctx) // t2m.sel(time="2001-03")
	fmt.Println(march)
	// Output:
	// 2001-03-01T00:00:00 cftime[noleap]
	// 275
}
