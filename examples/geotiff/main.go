// Command geotiff tells the seed's data-size story end to end with GDAL
// files: synthetic reflectance tiles are written as float64 GeoTIFFs, mosaicked
// through a VRT (no pixel is copied), reprojected through a warped VRT, read
// across tile borders, and written again as int16 (reflectance x 10000) with
// ZSTD and with DEFLATE. It prints the sizes and the largest round-trip error.
//
//	go run ./examples/geotiff [-dir DIR] [-tile 1024] [-grid 2]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/quicklook"
	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/vrt"
)

func main() {
	dir := flag.String("dir", "", "output directory (default: a temporary one, removed at the end)")
	tile := flag.Int("tile", 1024, "tile edge in pixels")
	grid := flag.Int("grid", 2, "tiles per side")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *dir, *tile, *grid); err != nil {
		fmt.Fprintln(os.Stderr, "geotiff:", err)
		os.Exit(1)
	}
}

const (
	res     = 10.0 // metres per pixel
	originX = 600000.0
	originY = 5000000.0
	crs     = "EPSG:32631"
)

// reflectance is a smooth field in [0.05, 0.65) with a little texture, a
// function of the global pixel so that tiles agree where they meet.
func reflectance(gx, gy int) float64 {
	x, y := float64(gx), float64(gy)
	h := uint64(gx)*0x9e3779b97f4a7c15 ^ uint64(gy)*0xc2b2ae3d27d4eb4f
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	noise := float64(h>>11) / (1 << 53)
	return 0.35 + 0.2*math.Sin(x/90)*math.Cos(y/130) + 0.08*math.Sin((x+y)/23) + 0.02*(noise-0.5)
}

func run(ctx context.Context, out io.Writer, dir string, tile, grid int) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "tessera-geotiff")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	// 1. float64 tiles, uncompressed: the seed's starting point. Adjacent
	// tiles overlap by 16 pixels (the mosaic's last tile wins there).
	step := tile - 16
	bs := 512 // tiles no larger than the images (TIFF pads partial tiles)
	for bs > 16 && bs > tile/2 {
		bs /= 2
	}
	var tiles []string
	var rawBytes int64
	for ty := 0; ty < grid; ty++ {
		for tx := 0; tx < grid; tx++ {
			d := block.Must(block.Float64, tile, tile)
			v := block.Values[float64](d)
			for y := 0; y < tile; y++ {
				for x := 0; x < tile; x++ {
					v[y*tile+x] = reflectance(tx*step+x, ty*step+y)
				}
			}
			gt := [6]float64{originX + float64(tx*step)*res, res, 0, originY - float64(ty*step)*res, 0, -res}
			p := filepath.Join(dir, fmt.Sprintf("refl_%d_%d.tif", ty, tx))
			n, err := raster.Write(ctx, ndarray.FromDense(d, chunk.PerAxis(512, 512)), p, raster.WriteOptions{
				Compress: "NONE", BlockSize: bs, Georef: raster.Georef{GeoTransform: gt, HasGeoTransform: true, CRS: crs},
			})
			if err != nil {
				return err
			}
			rawBytes += n
			tiles = append(tiles, p)
		}
	}
	// 2. A mosaic VRT over the tiles: a few kB of XML, no pixels copied.
	mosaicPath := filepath.Join(dir, "mosaic.vrt")
	mosaic, err := vrt.Build(mosaicPath, tiles, vrt.Options{})
	if err != nil {
		return err
	}
	// 3. Reprojected to WGS84 by a warped VRT (computed on read).
	wgs, err := vrt.Warp(filepath.Join(dir, "mosaic_wgs84.vrt"), mosaicPath, vrt.WarpOptions{CRS: "EPSG:4326", Resampling: "bilinear"})
	if err != nil {
		return err
	}
	// 4. A window across the tile borders, checked against the generator.
	c := tile - 8
	win := &raster.Window{X: c - 100, Y: c - 100, W: 200, H: 200}
	w, err := mosaic.Read(ctx, raster.ReadOptions{Window: win})
	if err != nil {
		return err
	}
	for y := 0; y < win.H; y++ {
		for x := 0; x < win.W; x++ {
			if got, want := w.At(0, y, x), reflectance(win.X+x, win.Y+y); got != want {
				return fmt.Errorf("mosaic pixel (%d, %d) is %v, want %v", win.X+x, win.Y+y, got, want)
			}
		}
	}
	ww, err := wgs.Read(ctx, raster.ReadOptions{Window: &raster.Window{X: wgs.Width/2 - 50, Y: wgs.Height/2 - 50, W: 100, H: 100}})
	if err != nil {
		return err
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range ww.Float64s() {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	// 5. The scaled int16 version, computed in parallel from the mosaic.
	so := block.ScaleOffset{Scale: 1e-4}
	lazy := mosaic.Lazy(raster.ReadOptions{Chunks: chunk.PerAxis(1, 512, 512)})
	packed := lazy.Pack(so, block.Int16, block.OverflowError)
	geo := mosaic.Georef
	sizes := map[string]int64{}
	for _, v := range []struct {
		name string
		o    raster.WriteOptions
	}{
		{"int16", raster.WriteOptions{Compress: "NONE"}},
		{"int16-zstd", raster.WriteOptions{Compress: "ZSTD", Predictor: 2, Level: 9}},
		{"int16-deflate", raster.WriteOptions{Compress: "DEFLATE", Predictor: 2, Level: 6}},
	} {
		v.o.BlockSize, v.o.Scale, v.o.Georef = bs, so.Scale, geo
		n, err := raster.Write(ctx, packed, filepath.Join(dir, "mosaic_"+v.name+".tif"), v.o)
		if err != nil {
			return err
		}
		sizes[v.name] = n
	}
	// 6. Round trip: the ZSTD file decoded with its scale against the mosaic.
	back, err := raster.Open(filepath.Join(dir, "mosaic_int16-zstd.tif"))
	if err != nil {
		return err
	}
	diff := ndarray.Abs(ndarray.Sub(back.Lazy(raster.ReadOptions{ApplyScale: true, Chunks: chunk.PerAxis(1, 512, 512)}), lazy))
	d, err := diff.Compute(ctx)
	if err != nil {
		return err
	}
	maxErr := 0.0
	for _, v := range d.Float64s() {
		maxErr = math.Max(maxErr, v)
	}

	// 7. A quicklook of the mosaic: band 1 in viridis, 2-98 % stretch.
	band, err := mosaic.Read(ctx, raster.ReadOptions{Bands: []int{1}})
	if err != nil {
		return err
	}
	band, err = band.Reshape(mosaic.Height, mosaic.Width)
	if err != nil {
		return err
	}
	img, err := quicklook.RenderDense(band, quicklook.Options{Colormap: "viridis", MaxSize: 512})
	if err != nil {
		return err
	}
	qlPath := filepath.Join(dir, "mosaic_quicklook.png")
	qf, err := os.Create(qlPath)
	if err != nil {
		return err
	}
	if err := quicklook.WritePNG(qf, img); err != nil {
		qf.Close()
		return err
	}
	if err := qf.Close(); err != nil {
		return err
	}

	mb := func(n int64) string { return fmt.Sprintf("%9.2f MB", float64(n)/1e6) }
	fmt.Fprintf(out, "%d float64 tiles of %d x %d -> mosaic %d x %d (%s), reprojected %d x %d (EPSG:%d)\n",
		len(tiles), tile, tile, mosaic.Width, mosaic.Height, crs, wgs.Width, wgs.Height, wgs.EPSG)
	fmt.Fprintf(out, "window %dx%d across tile borders matches the source; reprojected window in [%.3f, %.3f]\n\n", win.W, win.H, lo, hi)
	mosaicBytes := int64(mosaic.Width) * int64(mosaic.Height) * 8
	fmt.Fprintf(out, "%-28s %s %8s\n", "form", "      size", "vs raw")
	row := func(name string, n int64) {
		fmt.Fprintf(out, "%-28s %s %7.1f%%\n", name, mb(n), 100*float64(n)/float64(mosaicBytes))
	}
	fmt.Fprintf(out, "%-28s %s\n", "float64 tiles (GeoTIFF, raw)", mb(rawBytes))
	row("float64 mosaic (raw)", mosaicBytes)
	row("int16 x1e-4 (raw)", sizes["int16"])
	row("int16 x1e-4 ZSTD", sizes["int16-zstd"])
	row("int16 x1e-4 DEFLATE", sizes["int16-deflate"])
	fi, _ := os.Stat(mosaicPath)
	fmt.Fprintf(out, "%-28s %9.2f kB\n", "mosaic VRT", float64(fi.Size())/1e3)
	fmt.Fprintf(out, "\nlargest round-trip error: %.3g (limit 5e-05)\n", maxErr)
	fmt.Fprintf(out, "quicklook of the mosaic: %s (%dx%d)\n", qlPath, img.Bounds().Dx(), img.Bounds().Dy())
	if maxErr > 0.5e-4+1e-12 {
		return fmt.Errorf("round-trip error %.3g exceeds half a step", maxErr)
	}
	return nil
}
