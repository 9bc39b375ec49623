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

// Write a lazy array as a tiled, compressed GeoTIFF, then open it and read
// it back lazily, chunked on the file's tiles.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "raster-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "reflectance.tif")

	// Stored int16 values; readers decode them as stored*1e-4.
	d := block.Must(block.Int16, 512, 512)
	v := block.Values[int16](d)
	for i := range v {
		v[i] = int16(i % 10000)
	}
	a := ndarray.FromDense(d, chunk.PerAxis(256, 256))
	_, err := raster.Write(ctx, a, path, raster.WriteOptions{
		Compress: "ZSTD", Predictor: 2, BlockSize: 256, Scale: 1e-4,
		Georef: raster.Georef{GeoTransform: [6]float64{500000, 10, 0, 4600000, 0, -10}, HasGeoTransform: true, CRS: "EPSG:32631"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	info, err := raster.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Width, info.Height, info.DType, info.BlockX, info.EPSG, info.Bands[0].Scale)

	lazy := info.Lazy(raster.ReadOptions{ApplyScale: true, Chunks: chunk.PerAxis(1, 256, 256), Window: &raster.Window{X: 100, Y: 0, W: 300, H: 2}})
	fmt.Println(lazy.Shape(), lazy.DType(), lazy.Chunks())
	w, _ := lazy.Compute(ctx)
	fmt.Printf("%.4f %.4f\n", w.At(0, 0, 0), w.At(0, 1, 299))
	// Output:
	// 512 512 int16 256 32631 0.0001
	// [1 2 300] float64 [[1] [2] [156 144]]
	// 0.0100 0.0911
}
