package raster_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
)

// Open a NetCDF-4 file (made by xarray) as named dimensions, coordinate
// variables, raw attributes and lazy arrays of raw values.
func ExampleOpenMultidim() {
	ctx := context.Background()
	ds, err := raster.OpenMultidim(ctx, "testdata/pr4.nc", raster.MultidimOptions{Chunks: map[string]int{"time": 12}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range ds.Dims {
		fmt.Printf("dim %s=%d coord %q\n", d.Name, d.Size, d.Coord)
	}
	pr, _ := ds.Var("pr")
	fmt.Println(pr.Name, pr.Dims, pr.DType, pr.Data.Chunks()[0], pr.Attrs["units"])
	tm, _ := ds.Var("time")
	t, _ := tm.Data.Compute(ctx)
	fmt.Println(tm.Attrs["units"], tm.Attrs["calendar"], t.Float64s()[:3])
	// Output:
	// dim time=36 coord "time"
	// dim lat=5 coord "lat"
	// dim lon=4 coord "lon"
	// pr [time lat lon] float32 [12 12 12] kg m-2 s-1
	// days since 2000-01-01 noleap [15.5 45.5 75.5]
}

// Describe a GeoTIFF as rioxarray does: band_data(band, y, x) with
// pixel-centre coordinates and a spatial_ref grid-mapping variable.
func ExampleInfo_Dataset() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "raster-dataset")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "dem.tif")
	a := ndarray.FromDense(block.Must(block.Int16, 2, 3, 4), chunk.Spec{})
	_, err := raster.Write(ctx, a, path, raster.WriteOptions{NoData: -9999, HasNoData: true,
		Georef: raster.Georef{GeoTransform: [6]float64{500000, 10, 0, 4600000, 0, -10}, HasGeoTransform: true, CRS: "EPSG:32631"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	info, _ := raster.Open(path)
	ds, err := info.Dataset(raster.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range ds.Vars {
		fmt.Println(v.Name, v.Dims, v.DType)
	}
	bd, _ := ds.Var(raster.DataVar)
	fmt.Println(bd.Attrs["_FillValue"], bd.Attrs["grid_mapping"])
	x, _ := ds.Var("x")
	xs, _ := x.Data.Compute(ctx)
	y, _ := ds.Var("y")
	ys, _ := y.Data.Compute(ctx)
	fmt.Println(xs.Float64s(), ys.Float64s())
	sr, _ := ds.Var(raster.GridMappingVar)
	fmt.Println(sr.Attrs["GeoTransform"])
	// Output:
	// band_data [band y x] int16
	// band [band] int64
	// x [x] float64
	// y [y] float64
	// spatial_ref [] int64
	// -9999 spatial_ref
	// [500005 500015 500025 500035] [4.599995e+06 4.599985e+06 4.599975e+06]
	// 500000.0 10.0 0.0 4600000.0 0.0 -10.0
}
