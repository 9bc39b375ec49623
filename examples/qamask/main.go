// Command qamask builds a cloud and shadow mask from the bits of a Landsat
// Collection 2 QA_PIXEL band and masks a reflectance band with it, lazily:
// both bands are GeoTIFFs the example writes first (a synthetic scene with
// fill, clouds and their dilation, cirrus, shadow, snow, water and clear
// land), read block by block, decoded by a fused chain of shifts, bitwise
// ands and comparisons, and reduced to counts without a full-size mask
// ever existing in memory. It prints the counts and the xarray/dask code it
// replaces.
//
// QA_PIXEL bits (USGS, Landsat 8-9 Collection 2 Level-2):
//
//	0 fill, 1 dilated cloud, 2 cirrus, 3 cloud, 4 cloud shadow, 5 snow,
//	6 clear, 7 water; 8-9 cloud confidence, 10-11 cloud shadow confidence,
//	12-13 snow/ice confidence, 14-15 cirrus confidence (0 none, 1 low,
//	2 medium, 3 high).
//
//	go run ./examples/qamask [-dir DIR] [-size 1024]
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
	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/reduce"
)

func main() {
	dir := flag.String("dir", "", "output directory (default: a temporary one, removed at the end)")
	size := flag.Int("size", 1024, "scene edge in pixels")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *dir, *size); err != nil {
		fmt.Fprintln(os.Stderr, "qamask:", err)
		os.Exit(1)
	}
}

// QA_PIXEL bit positions.
const (
	bitFill     = 0
	bitDilated  = 1
	bitCirrus   = 2
	bitCloud    = 3
	bitShadow   = 4
	bitSnow     = 5
	bitClear    = 6
	bitWater    = 7
	bitCloudCf  = 8  // two bits
	bitShadowCf = 10 // two bits
)

// qaPixel is the synthetic scene's QA_PIXEL value at (x, y) of an n x n
// scene: a fill border, a round cloud with a dilation ring and its shadow
// offset to the south-east, a cirrus band, a snow patch, a lake and clear
// land elsewhere. Cloud confidence is high in the cloud, medium in the
// ring, low elsewhere.
func qaPixel(x, y, n int) uint16 {
	if x < n/32 || y < n/32 {
		return 1 << bitFill
	}
	fx, fy := float64(x)/float64(n), float64(y)/float64(n)
	d := math.Hypot(fx-0.4, fy-0.4)
	var q uint16
	conf := uint16(1)
	switch {
	case d < 0.12:
		q |= 1<<bitCloud | 1<<bitDilated
		conf = 3
	case d < 0.15:
		q |= 1 << bitDilated
		conf = 2
	}
	if s := math.Hypot(fx-0.55, fy-0.58); s < 0.1 && d >= 0.15 {
		q |= 1<<bitShadow | 3<<bitShadowCf
	}
	if fy > 0.8 && fy < 0.86 {
		q |= 1 << bitCirrus
	}
	switch {
	case fx > 0.75 && fy < 0.25:
		q |= 1 << bitSnow
	case math.Hypot(fx-0.2, fy-0.75) < 0.08:
		q |= 1 << bitWater
	}
	if q&(1<<bitCloud|1<<bitDilated|1<<bitShadow|1<<bitCirrus|1<<bitSnow) == 0 {
		q |= 1 << bitClear
	}
	return q | conf<<bitCloudCf
}

// reflectance is the synthetic red band: bright under clouds and snow,
// dark under shadow and water.
func reflectance(x, y, n int, q uint16) float32 {
	r := 0.08 + 0.04*math.Sin(float64(x)/37)*math.Cos(float64(y)/53)
	switch {
	case q&(1<<bitCloud) != 0:
		r = 0.6
	case q&(1<<bitSnow) != 0:
		r = 0.8
	case q&(1<<bitShadow) != 0:
		r *= 0.3
	case q&(1<<bitWater) != 0:
		r = 0.02
	}
	return float32(r)
}

// bit is ((qa >> b) & 1) == 1, lazily.
func bit(qa *ndarray.Array, b int) *ndarray.Array { return qa.RightShift(b).And(1).Equal(1) }

// counts are the mask's pixel counts.
type counts struct {
	total, fill, cloud, dilated, cirrus, shadow, snow, water, clear, masked, valid int64
	meanValid                                                                      float64
}

func run(ctx context.Context, out io.Writer, dir string, n int) error {
	if n < 64 {
		return fmt.Errorf("size %d: the scene needs at least 64 pixels a side", n)
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "tessera-qamask")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	qaPath, reflPath, err := writeScene(ctx, dir, n)
	if err != nil {
		return err
	}
	c, err := mask(ctx, qaPath, reflPath)
	if err != nil {
		return err
	}
	report(out, n, c)
	return nil
}

// writeScene writes the QA_PIXEL (uint16) and red (float32) GeoTIFFs.
func writeScene(ctx context.Context, dir string, n int) (string, string, error) {
	qa := block.Must(block.Uint16, n, n)
	red := block.Must(block.Float32, n, n)
	qv, rv := block.Values[uint16](qa), block.Values[float32](red)
	for y := range n {
		for x := range n {
			q := qaPixel(x, y, n)
			qv[y*n+x] = q
			rv[y*n+x] = reflectance(x, y, n, q)
		}
	}
	geo := raster.Georef{GeoTransform: [6]float64{600000, 30, 0, 5000000, 0, -30}, HasGeoTransform: true, CRS: "EPSG:32631"}
	qaPath := filepath.Join(dir, "LC09_QA_PIXEL.TIF")
	reflPath := filepath.Join(dir, "LC09_SR_B4.TIF")
	spec := chunk.PerAxis(256, 256)
	if _, err := raster.Write(ctx, ndarray.FromDense(qa, spec), qaPath, raster.WriteOptions{Georef: geo, BlockSize: 256}); err != nil {
		return "", "", err
	}
	if _, err := raster.Write(ctx, ndarray.FromDense(red, spec), reflPath, raster.WriteOptions{Georef: geo, BlockSize: 256}); err != nil {
		return "", "", err
	}
	return qaPath, reflPath, nil
}

// mask decodes the QA bits and masks the red band, all lazily; only the
// counts and the mean are computed.
func mask(ctx context.Context, qaPath, reflPath string) (counts, error) {
	var c counts
	qi, err := raster.Open(qaPath)
	if err != nil {
		return c, err
	}
	ri, err := raster.Open(reflPath)
	if err != nil {
		return c, err
	}
	opts := raster.ReadOptions{Chunks: chunk.PerAxis(1, 256, 256)}
	qa := qi.Lazy(opts)                           // uint16 (band, y, x)
	red := ri.Lazy(opts)                          // float32 (band, y, x)
	cloudConf := qa.RightShift(bitCloudCf).And(3) // 0 none .. 3 high
	cloud := bit(qa, bitCloud).And(cloudConf.GreaterEqual(2))
	bad := cloud.Or(bit(qa, bitDilated)).Or(bit(qa, bitCirrus)).Or(bit(qa, bitShadow)).Or(bit(qa, bitFill))
	masked := red.Where(bad.Not(), math.NaN())

	count := func(m *ndarray.Array) (int64, error) { return reduce.Sum(m).Int64(ctx) }
	for _, f := range []struct {
		dst *int64
		m   *ndarray.Array
	}{
		{&c.fill, bit(qa, bitFill)}, {&c.cloud, cloud}, {&c.dilated, bit(qa, bitDilated)},
		{&c.cirrus, bit(qa, bitCirrus)}, {&c.shadow, bit(qa, bitShadow)}, {&c.snow, bit(qa, bitSnow)},
		{&c.water, bit(qa, bitWater)}, {&c.clear, bit(qa, bitClear)}, {&c.masked, bad},
	} {
		if *f.dst, err = count(f.m); err != nil {
			return c, err
		}
	}
	if c.valid, err = reduce.NanCount(masked).Int64(ctx); err != nil {
		return c, err
	}
	if c.meanValid, err = reduce.NanMean(masked).Float64(ctx); err != nil {
		return c, err
	}
	c.total = int64(qi.Width) * int64(qi.Height)
	return c, nil
}

func report(out io.Writer, n int, c counts) {
	fmt.Fprintf(out, "QA_PIXEL %d x %d (uint16 GeoTIFF, 256 x 256 tiles), red band float32\n\n", n, n)
	pct := func(v int64) float64 { return 100 * float64(v) / float64(c.total) }
	for _, r := range []struct {
		name string
		v    int64
	}{
		{"fill (bit 0)", c.fill}, {"cloud (bit 3, confidence >= medium)", c.cloud}, {"dilated cloud (bit 1)", c.dilated},
		{"cirrus (bit 2)", c.cirrus}, {"cloud shadow (bit 4)", c.shadow}, {"snow (bit 5)", c.snow},
		{"water (bit 7)", c.water}, {"clear (bit 6)", c.clear}, {"masked (fill|cloud|dilated|cirrus|shadow)", c.masked},
		{"valid red pixels", c.valid},
	} {
		fmt.Fprintf(out, "%-44s %9d  %5.1f%%\n", r.name, r.v, pct(r.v))
	}
	fmt.Fprintf(out, "%-44s %9.4f\n\n", "mean red reflectance of valid pixels", c.meanValid)
	fmt.Fprint(out, `tessera:
    qa := qaInfo.Lazy(raster.ReadOptions{Chunks: chunk.PerAxis(1, 256, 256)})
    bit := func(b int) *ndarray.Array { return qa.RightShift(b).And(1).Equal(1) }
    cloud := bit(3).And(qa.RightShift(8).And(3).GreaterEqual(2))
    bad := cloud.Or(bit(1)).Or(bit(2)).Or(bit(4)).Or(bit(0))
    masked := red.Where(bad.Not(), math.NaN())
    n, _ := reduce.Sum(bad).Int64(ctx)

replaces (xarray + dask):
    qa = rioxarray.open_rasterio("LC09_QA_PIXEL.TIF", chunks=256)
    red = rioxarray.open_rasterio("LC09_SR_B4.TIF", chunks=256)
    bit = lambda b: (np.right_shift(qa, b) & 1) == 1   # DataArray has no >>
    cloud = bit(3) & ((np.right_shift(qa, 8) & 3) >= 2)
    bad = cloud | bit(1) | bit(2) | bit(4) | bit(0)
    masked = red.where(~bad)
    n = int(bad.sum().compute())
`)
}
