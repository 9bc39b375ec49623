package labelled_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
)

// Open a NetCDF-4 file (pr(time, lat, lon) with a noleap time axis and a
// packed int16 variable), select a month and a latitude by label and
// average over time, as xr.open_dataset(path).pr.sel(time="2001-02", lat=55.0) and
// .tmin.sel(lon=0.0).mean(("time", "lat")), which gives 283.8722 in xarray.
func ExampleOpenNetCDF() {
	ctx := context.Background()
	ds, err := labelled.OpenNetCDF(ctx, filepath.Join("..", "raster", "testdata", "pr4.nc"), labelled.NetCDFOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.Names(), ds.Sizes())
	t := ds.Var("pr").Index("time")
	fmt.Println("time:", t.Format(0), "...", t.Format(t.Len()-1))

	feb := ds.Var("pr").Sel(labelled.Label("time", "2001-02"), labelled.Label("lat", 55.0))
	fmt.Println(feb.Dims(), feb.Shape())
	m, err := ds.Var("tmin").Sel(labelled.Label("lon", 0.0)).Mean("time", "lat").Compute(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tmin mean: %.2f K (stored as %s)\n", m.Float64s()[0], ds.Var("tmin").Encoding()["dtype"])
	// Output:
	// [pr tmin] map[lat:5 lon:4 time:36]
	// time: 2000-01-16T12:00:00 ... 2002-12-02T12:00:00
	// [time lon] [1 4]
	// tmin mean: 283.87 K (stored as int16)
}

// Open a GeoTIFF as rioxarray does (band_data(band, y, x), pixel-centre
// coordinates, spatial_ref), with nodata masked as open_rasterio(masked=True).
func ExampleOpenRaster() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tessera-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	vals := make([]int16, 2*3*4)
	for i := range vals {
		vals[i] = int16(i)
	}
	vals[0] = -1
	d, _ := block.FromSlice(vals, 2, 3, 4)
	path := filepath.Join(dir, "small.tif")
	geo := raster.Georef{CRS: "EPSG:32631", GeoTransform: [6]float64{500000, 10, 0, 5200000, 0, -10}, HasGeoTransform: true}
	if _, err := raster.Write(ctx, ndarray.FromDense(d, chunk.Spec{}), path, raster.WriteOptions{NoData: -1, HasNoData: true, Georef: geo}); err != nil {
		fmt.Println(err)
		return
	}
	ds, err := labelled.OpenRaster(ctx, path, labelled.RasterOptions{Masked: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	bd := ds.Var(raster.DataVar)
	fmt.Println(bd.Dims(), bd.Shape(), bd.DType())
	fmt.Println("x:", bd.Index("x").Format(0), "y:", bd.Index("y").Format(0))
	first, err := bd.Sel(labelled.Label("band", int64(1))).Mean("y", "x").Compute(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("band 1 mean without nodata: %.1f\n", first.Float64s()[0])
	// Output:
	// [band y x] [2 3 4] float32
	// x: 500005.0 y: 5.199995e+06
	// band 1 mean without nodata: 6.0
}

// Open the same file twice as two ensemble members along a new dim, as
// xr.open_mfdataset([a, b], combine="nested", concat_dim="member").
func ExampleOpenMF() {
	ctx := context.Background()
	p := filepath.Join("..", "raster", "testdata", "classic.nc")
	ds, err := labelled.OpenMF(ctx, []string{p, p}, "member",
		labelled.MFOptions{Combine: labelled.Nested, Labels: labelled.StringIndex{"r1", "r2"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	tas := ds.Var("tas")
	fmt.Println(tas.Dims(), tas.Shape())
	fmt.Println(ds.Var("count").Dims())
	// Output:
	// [member time lat lon] [2 4 3 2]
	// [member lat lon]
}
