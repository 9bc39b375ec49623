package vrt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/vrt"
)

// Mosaic two tiles side by side with a VRT, reproject the mosaic with a
// warped VRT, and read both lazily like any raster.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "vrt-example")
	defer os.RemoveAll(dir)
	var tiles []string
	for i := 0; i < 2; i++ {
		p := filepath.Join(dir, fmt.Sprintf("tile%d.tif", i))
		gt := [6]float64{500000 + float64(i)*1000, 10, 0, 4600000, 0, -10}
		_, err := raster.Write(ctx, ndarray.Full(block.Float32, float64(i+1), []int{100, 100}, chunk.Spec{}), p,
			raster.WriteOptions{Georef: raster.Georef{GeoTransform: gt, HasGeoTransform: true, CRS: "EPSG:32631"}})
		if err != nil {
			fmt.Println(err)
			return
		}
		tiles = append(tiles, p)
	}
	m, err := vrt.Build(filepath.Join(dir, "mosaic.vrt"), tiles, vrt.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Width, m.Height, m.Bounds)
	row, _ := m.Read(ctx, raster.ReadOptions{Window: &raster.Window{X: 98, Y: 0, W: 4, H: 1}})
	fmt.Println(row.Float64s())

	w, err := vrt.Warp(filepath.Join(dir, "wgs84.vrt"), filepath.Join(dir, "mosaic.vrt"), vrt.WarpOptions{CRS: "EPSG:4326", Resampling: "bilinear"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.EPSG, w.Driver)
	// Output:
	// 200 100 [500000 4.599e+06 502000 4.6e+06]
	// [1 1 2 2]
	// 4326 VRT
}
