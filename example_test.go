package tessera_test

// The snippets of README.md's "Using it" section, each one compiled and
// run here as an Example; TestReadmeSnippetsAreExamples keeps the two
// identical.

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
	"github.com/tessera-array/tessera/stats"
	"github.com/tessera-array/tessera/zarr"
)

// Example_lazy: a 60 GB array is a description until something is asked
// of it; its repr says what computing it would take.
func Example_lazy() {
	ctx := context.Background()
	a := ndarray.Random([]int{10000, 7500, 100}, chunk.PerAxis(400, 400, 100), 0) // da.random.random
	fmt.Printf("%#v\n", reduce.Mean(a, reduce.Axis(2)))                           // one line; %v prints dask's table

	corner := a.Index(ndarray.Sl(0, 10, 1), ndarray.Sl(0, 100, 1)) // a[:10, :100]: plans 1 of 475 blocks
	m, err := reduce.Mean(corner).Float64(ctx)                     // a scalar in one call
	fmt.Printf("%.2f %v\n", m, err)
	// Output:
	// ndarray.Array<mean-2a0d95af7b8e269c-b6bb8065b41ce320, shape=[10000 7500], dtype=float64, chunksize=[400 400], chunks=475, tasks=950>
	// 0.50 <nil>
}

// Example_elementwise: arithmetic with numpy's broadcasting and dtype
// rules, indexing like a[::2, 10:], and reductions along axes. The chain
// fuses into one task per block, so no intermediate block exists.
func Example_elementwise() {
	ctx := context.Background()
	red := ndarray.Random([]int{4, 1000, 1200}, chunk.PerAxis(1, 500, 600), 1)
	nir := ndarray.Random([]int{4, 1000, 1200}, chunk.PerAxis(1, 500, 600), 2)
	ndvi := ndarray.Div(ndarray.Sub(nir, red), ndarray.Add(nir, red)) // (nir - red) / (nir + red)
	bright := ndarray.Where(ndarray.Greater(ndvi, 0.5), ndvi, math.NaN())
	sub := bright.Index(ndarray.All(), ndarray.Sl(0, ndarray.None, 2), ndarray.Sl(10, ndarray.None, 1))
	fmt.Println(sub.Shape(), sub.DType())

	perScene, _ := reduce.NanMean(sub, reduce.Axis(1, 2)).Compute(ctx) // ndvi.mean(dim=("y", "x"), skipna=True)
	fmt.Printf("%.3f\n", block.Values[float64](perScene))
	// Output:
	// [4 500 1190] float64
	// [0.726 0.726 0.726 0.726]
}

// scaleParams are the parameters of the "readme.scale" block function.
type scaleParams struct{ Factor, Offset float64 }

func init() {
	// A block function is registered by name (at init, so remote workers
	// running the same binary know it too) and takes typed parameters.
	ndarray.RegisterBlockFunc("readme.scale", func(ctx context.Context, in []*block.Dense, p scaleParams, _ ndarray.BlockInfo) (*block.Dense, error) {
		out, err := ndarray.Alloc(ctx, block.Float64, in[0].Shape()...)
		if err != nil {
			return nil, err
		}
		dst, src := block.Values[float64](out), block.Values[float64](in[0])
		for i, v := range src {
			dst[i] = v*p.Factor + p.Offset
		}
		return out, nil
	})
}

// Example_mapBlocks: dask's map_blocks with a registered function.
func Example_mapBlocks() {
	ctx := context.Background()
	a := ndarray.Arange(0, 10, 1, chunk.Uniform(4)).AsType(block.Float64, block.OverflowError)
	b := ndarray.MapBlocks("readme.scale", []*ndarray.Array{a}, block.Float64, nil, scaleParams{Factor: 2, Offset: 1})
	d, err := b.Compute(ctx)
	fmt.Println(block.Values[float64](d), err)
	// Output: [1 3 5 7 9 11 13 15 17 19] <nil>
}

// Example_zarr: write a lazy array to Zarr v3, reopen it lazily (chunks
// in multiples of the stored ones, as xarray's open_zarr(chunks="auto")),
// and reduce it. A directory store (zarr.NewDirectoryStore) or an HTTP
// store works the same way.
func Example_zarr() {
	ctx := context.Background()
	store := zarr.NewMemoryStore()
	src := ndarray.Random([]int{2000, 3000}, chunk.PerAxis(500, 500), 7)
	_, written, err := zarr.ToZarr(ctx, src, store, "refl", zarr.CreateOptions{})
	fmt.Println(written, err)

	z, err := zarr.OpenArray(ctx, store, "refl")
	if err != nil {
		panic(err)
	}
	lazy := z.Lazy(chunk.Spec{}) // the zero Spec is "auto" in every package
	fmt.Println(lazy.Shape(), lazy.Grid().MaxChunkShape())
	mx, err := reduce.Max(lazy).Float64(ctx)
	fmt.Printf("%.4f %v\n", mx, err)
	// Output:
	// 48001368 <nil>
	// [2000 3000] [2000 3000]
	// 1.0000 <nil>
}

// Example_pack: float64 reflectance becomes int16 ×10000 (CF
// scale_factor 1e-4), refusing values that do not fit.
func Example_pack() {
	ctx := context.Background()
	refl := ndarray.Random([]int{1000, 1000}, chunk.PerAxis(500, 500), 3)
	packed := refl.Pack(block.ScaleOffset{Scale: 1e-4}, block.Int16, block.OverflowError)
	fmt.Println(packed.DType(), packed.Nbytes(), "bytes instead of", refl.Nbytes())

	back := packed.Unpack(block.ScaleOffset{Scale: 1e-4}, block.Float64)
	worst, err := reduce.Max(ndarray.Abs(ndarray.Sub(back, refl))).Float64(ctx)
	fmt.Println(worst <= 0.5e-4, err)
	// Output:
	// int16 2000000 bytes instead of 8000000
	// true <nil>
}

// Example_labelled: xarray's model — named dims, coordinates, CF time in
// its calendar — over lazy arrays, opened from a Zarr store.
func Example_labelled() {
	ctx := context.Background()
	store := zarr.NewMemoryStore()
	days := make([]int64, 365)
	for i := range days {
		days[i] = int64(i)
	}
	daysBlock, _ := block.FromSlice(days, 365)
	lat, _ := block.FromSlice([]float64{60, 50, 40, 30}, 4) // descending, as many grids are
	err := zarr.WriteDataset(ctx, store, "", zarr.Dataset{Vars: map[string]zarr.Variable{
		"time": {Dims: []string{"time"}, Data: ndarray.FromDense(daysBlock, chunk.Spec{}),
			Attrs: map[string]any{"units": "days since 2001-01-01", "calendar": "noleap"}},
		"lat": {Dims: []string{"lat"}, Data: ndarray.FromDense(lat, chunk.Spec{})},
		"t2m": {Dims: []string{"time", "lat"}, Data: ndarray.Random([]int{365, 4}, chunk.PerAxis(100, 4), 5)},
	}}, 2)
	if err != nil {
		panic(err)
	}

	ds, err := labelled.OpenZarr(ctx, store, "")                                                    // ds = xr.open_zarr(store)
	t2m := ds.Var("t2m")                                                                            // t2m = ds.t2m
	djf := t2m.Sel(labelled.Slice("time", "2001-01", "2001-02"), labelled.Slice("lat", 55.0, 35.0)) // .sel(time=slice(...), lat=slice(55, 35))
	clim := djf.Mean("time")                                                                        // .mean("time")
	anom := labelled.Sub(djf, clim)                                                                 // broadcast by name
	fmt.Println(err, djf.Sizes(), clim.Dims(), anom.Dims())
	// Output: <nil> map[lat:2 time:59] [lat] [time lat]
}

// Example_blocks: a computed block is a Go slice in its own type.
func Example_blocks() {
	d, _ := block.Make[float32](2, 3)
	block.Set[float32](d, 1.5, 1, 2)
	v, err := block.As[float32](d) // []float32, shared with the block
	fmt.Println(v, err, block.Get[float32](d, 1, 2))
	_, err = block.As[int16](d)
	fmt.Println(err)
	// Output:
	// [0 0 0 0 0 1.5] <nil> 1.5
	// block: dtype mismatch: block is float32, not int16
}

// Example_analysis: the analysis vocabulary on a daily (time, y, x) cube —
// a QA-bit mask, a rolling mean, a monthly climatology and its anomaly,
// an exact median composite, a histogram and a per-pixel trend.
func Example_analysis() {
	ctx := context.Background()
	days := make([]int64, 730)
	for i := range days {
		days[i] = int64(i)
	}
	ts, _ := cftime.NewTimes(cftime.MustDate(cftime.NoLeap, 2001, 1, 1, 0, 0, 0, 0), cftime.Day, days)
	trendy := ndarray.Arange(0, 730, 1, chunk.Uniform(100)).Reshape([]int{730, 1, 1}).Mul(0.01)
	data := ndarray.Add(ndarray.RandomNormal([]int{730, 4, 5}, chunk.PerAxis(100, 4, 5), 1), trendy)
	cube := labelled.New(data, []string{"time", "y", "x"}, labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts))))

	qa := ndarray.Arange(0, 64, 1, chunk.Spec{}).AsType(block.Uint16, block.OverflowError)
	cloud := qa.RightShift(3).And(1).Equal(1)                                       // (qa >> 3) & 1 == 1
	smooth := cube.Rolling("time", 7, labelled.RollingOptions{Center: true}).Mean() // .rolling(time=7, center=True).mean()
	clim := cube.GroupBy("time.month").Mean()                                       // .groupby("time.month").mean()
	anom := cube.GroupBy("time.month").Sub(clim)                                    // .groupby("time.month") - clim
	med := cube.GroupBy("time.season").Median()                                     // exact for any chunking; dask needs time in one chunk
	counts, edges := stats.Histogram(cube.Data(), stats.UniformBins(4, 0, 8))       // da.histogram(x, bins=4, range=(0, 8))
	fit, err := cube.Polyfit("time", 1, labelled.PolyfitOptions{})                  // .polyfit("time", 1)

	nCloud, _ := reduce.Sum(cloud).Int64(ctx)
	h, _ := counts.Compute(ctx)
	slope, _ := reduce.Mean(fit.Var("polyfit_coefficients").Isel(labelled.At("degree", 0)).Data()).Float64(ctx)
	fmt.Println(nCloud, smooth.Dims(), clim.Sizes()["month"], anom.Dims(), med.Dims())
	fmt.Println(edges, block.Values[int64](h), fmt.Sprintf("%.2f", slope*86400e9), err) // slope per ns of time, as xarray: per day
	// Output:
	// 32 [time y x] 12 [time y x] [season y x]
	// [0 2 4 6 8] [3221 3957 3886 2401] 0.01 <nil>
}
