// Command raster compares tessera's GDAL reads with rasterio's on the same
// files and the same GDAL: an 8192×8192 float32 GeoTIFF, ZSTD, 512×512
// tiles, read whole with 1 and 2 goroutines, and a mosaic VRT of the same
// pixels in four 4096×4096 tiles.
//
//	go run ./benchmarks/raster [-dir /tmp/tessera-raster-bench] [-repeat 5] [-python /usr/bin/python3]
//
// The files are made once by tessera itself (four tiles, a mosaic VRT over
// them, and the single file written from the VRT) and reused. Every
// measurement is the best of -repeat rounds after a warm-up round; a round
// runs every variant once, tessera's and rasterio's, so load from other
// processes falls on all alike. Reads go into a preallocated buffer (rasterio's read(out=...), tessera's ReadInto); the
// lazy path (Lazy + Compute, which allocates its blocks and result) is
// shown too. GDAL_CACHEMAX is set to -cachemax (64 MB) on both sides so
// that every read decodes the tiles rather than copying from GDAL's block
// cache. Targets: tessera 1 goroutine ≥ 0.9× rasterio's speed, 2
// goroutines ≥ 1.7× one, mosaic VRT within 1.2× of the single file.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/vrt"
)

func main() {
	dir := flag.String("dir", filepath.Join(os.TempDir(), "tessera-raster-bench"), "where the benchmark files live (made once)")
	size := flag.Int("size", 8192, "raster edge in pixels (a multiple of 1024)")
	repeat := flag.Int("repeat", 5, "measured rounds (best is kept)")
	python := flag.String("python", "/usr/bin/python3", "Debian's python with rasterio")
	cacheMB := flag.Int("cachemax", 64, "GDAL_CACHEMAX in MB for both sides (smaller than the file, so every read decodes)")
	flag.Parse()
	// GDAL reads GDAL_CACHEMAX from the environment when its block cache is
	// first used; the rasterio child inherits the same value.
	os.Setenv("GDAL_CACHEMAX", fmt.Sprint(*cacheMB))
	if err := run(context.Background(), *dir, *size, *repeat, *python); err != nil {
		log.Fatal(err)
	}
}

func field(gx, gy int) float32 {
	x, y := float64(gx), float64(gy)
	h := uint64(gx)*0x9e3779b97f4a7c15 ^ uint64(gy)*0xc2b2ae3d27d4eb4f
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return float32(250 + 40*math.Sin(x/370)*math.Cos(y/530) + 10*math.Sin((x+y)/110) + 2*(float64(h>>11)/(1<<53)-0.5))
}

func prepare(ctx context.Context, dir string, size int) (single, mosaic string, err error) {
	single, mosaic = filepath.Join(dir, "single.tif"), filepath.Join(dir, "mosaic.vrt")
	if _, err1 := os.Stat(single); err1 == nil {
		if _, err2 := os.Stat(mosaic); err2 == nil {
			return single, mosaic, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	half := size / 2
	var tiles []string
	o := raster.WriteOptions{Compress: "ZSTD", BlockSize: 512, Predictor: 3}
	for ty := 0; ty < 2; ty++ {
		for tx := 0; tx < 2; tx++ {
			d := block.Must(block.Float32, half, half)
			v := block.Values[float32](d)
			for y := 0; y < half; y++ {
				for x := 0; x < half; x++ {
					v[y*half+x] = field(tx*half+x, ty*half+y)
				}
			}
			o.Georef = raster.Georef{GeoTransform: [6]float64{float64(tx * half * 10), 10, 0, float64(-ty * half * 10), 0, -10}, HasGeoTransform: true, CRS: "EPSG:32631"}
			p := filepath.Join(dir, fmt.Sprintf("tile_%d_%d.tif", ty, tx))
			if _, err := raster.Write(ctx, ndarray.FromDense(d, chunk.PerAxis(512, half)), p, o); err != nil {
				return "", "", err
			}
			tiles = append(tiles, p)
		}
	}
	m, err := vrt.Build(mosaic, tiles, vrt.Options{SrcNoDataNone: true, VRTNoDataNone: true})
	if err != nil {
		return "", "", err
	}
	o.Georef = m.Georef
	if _, err := raster.Write(ctx, m.Lazy(raster.ReadOptions{Chunks: chunk.PerAxis(1, 512, size)}), single, o); err != nil {
		return "", "", err
	}
	return single, mosaic, nil
}

func checksum(d *block.Dense) float64 {
	v := block.Values[float32](d)
	shape := d.Shape()
	h, w := shape[len(shape)-2], shape[len(shape)-1]
	s := 0.0
	for y := 0; y < h; y += 997 {
		for x := 0; x < w; x += 991 {
			s += float64(v[y*w+x])
		}
	}
	return s
}

func run(ctx context.Context, dir string, size, repeat int, python string) error {
	t0 := time.Now()
	single, mosaic, err := prepare(ctx, dir, size)
	if err != nil {
		return err
	}
	fmt.Printf("files ready in %.1fs: %s, %s\n", time.Since(t0).Seconds(), single, mosaic)
	si, err := raster.Open(single)
	if err != nil {
		return err
	}
	mi, err := raster.Open(mosaic)
	if err != nil {
		return err
	}
	fi, _ := os.Stat(single)
	fmt.Printf("%s: %dx%d %s, blocks %dx%d, %.0f MB on disk (%.0f MB decoded)\n\n", filepath.Base(single), si.Width, si.Height, si.DType, si.BlockX, si.BlockY,
		float64(fi.Size())/1e6, float64(si.Width*si.Height*4)/1e6)

	dst := block.Must(block.Float32, 1, si.Height, si.Width)
	tiles := raster.ReadOptions{} // ReadInto's default: rows of tiles
	into := func(info *raster.Info, workers int) func() (*block.Dense, error) {
		return func() (*block.Dense, error) { return dst, info.ReadInto(ctx, dst, tiles, workers) }
	}
	lazy := func(info *raster.Info, workers int) func() (*block.Dense, error) {
		return func() (*block.Dense, error) {
			return info.Lazy(raster.ReadOptions{Chunks: chunk.PerAxis(1, 512, -1)}).Compute(ctx,
				ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{Workers: workers})))
		}
	}
	type variant struct {
		name string
		f    func() (*block.Dense, error)
		best time.Duration
		cpu  time.Duration // process CPU time of the best run
		sum  float64
	}
	vs := []*variant{
		{name: "tessera ReadInto, 1 goroutine", f: into(si, 1)},
		{name: "tessera ReadInto, 2 goroutines", f: into(si, 2)},
		{name: "tessera Lazy+Compute, 1 worker", f: lazy(si, 1)},
		{name: "tessera Lazy+Compute, 2 workers", f: lazy(si, 2)},
		{name: "tessera mosaic VRT, 1 goroutine", f: into(mi, 1)},
		{name: "tessera mosaic VRT, 2 goroutines", f: into(mi, 2)},
	}
	script := filepath.Join("benchmarks", "raster", "rasterio_bench.py")
	if _, err := os.Stat(script); err != nil {
		script = filepath.Join(filepath.Dir(must(os.Executable())), "rasterio_bench.py")
	}
	rs, rm := math.Inf(1), math.Inf(1)
	var rsum, rmsum float64
	var versions json.RawMessage
	// Rounds interleave every variant and rasterio, so that load from
	// other processes on a shared machine hits all of them alike; each
	// keeps its best time. Round 0 is a warm-up.
	for round := 0; round <= repeat; round++ {
		for _, v := range vs {
			c0 := cpuTime()
			t0 := time.Now()
			out, err := v.f()
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			d := time.Since(t0)
			if round == 1 || round > 1 && d < v.best {
				v.best, v.cpu = d, cpuTime()-c0
			}
			v.sum = checksum(out)
		}
		raster.CloseIdle()
		out, err := exec.CommandContext(ctx, python, script, "1", single, mosaic).Output()
		if err != nil {
			return fmt.Errorf("rasterio (%s %s): %w", python, script, err)
		}
		var rio map[string]json.RawMessage
		if err := json.Unmarshal(out, &rio); err != nil {
			return err
		}
		rtime := func(p string) (float64, float64) {
			var r struct{ Seconds, Checksum float64 }
			json.Unmarshal(rio[p], &r)
			return r.Seconds, r.Checksum
		}
		a, asum := rtime(single)
		b, bsum := rtime(mosaic)
		if round > 0 {
			rs, rm = math.Min(rs, a), math.Min(rm, b)
		}
		rsum, rmsum, versions = asum, bsum, rio["versions"]
	}
	type result struct {
		name   string
		d, cpu time.Duration
		sum    float64
	}
	var res []result
	for _, v := range vs {
		res = append(res, result{v.name, v.best, v.cpu, v.sum})
	}
	rio := map[string]json.RawMessage{"versions": versions}
	fmt.Printf("rasterio: %s; GDAL_CACHEMAX=%s MB on both sides\n\n", rio["versions"], os.Getenv("GDAL_CACHEMAX"))
	fmt.Printf("%-36s %9s %14s %9s\n", "full read, best of "+fmt.Sprint(repeat)+" rounds", "seconds", "MB/s decoded", "CPU s")
	mbs := float64(si.Width*si.Height*4) / 1e6
	for _, r := range res {
		fmt.Printf("%-36s %9.3f %14.0f %9.3f\n", r.name, r.d.Seconds(), mbs/r.d.Seconds(), r.cpu.Seconds())
		if r.sum != rsum {
			return fmt.Errorf("%s: checksum %v differs from rasterio's %v", r.name, r.sum, rsum)
		}
	}
	fmt.Printf("%-36s %9.3f %14.0f\n", "rasterio read(out=), single file", rs, mbs/rs)
	fmt.Printf("%-36s %9.3f %14.0f\n", "rasterio read(out=), mosaic VRT", rm, mbs/rm)
	if rmsum != rsum {
		return fmt.Errorf("rasterio mosaic checksum %v differs from the single file's %v", rmsum, rsum)
	}
	t1, t2, m1, m2 := res[0].d.Seconds(), res[1].d.Seconds(), res[4].d.Seconds(), res[5].d.Seconds()
	fmt.Printf("\n%-52s %7s %8s\n", "ratio", "value", "target")
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	fmt.Printf("%-52s %6.2fx %8s %s\n", "tessera 1 goroutine speed vs rasterio", rs/t1, ">=0.9x", verdict(rs/t1 >= 0.9))
	fmt.Printf("%-52s %6.2fx %8s %s\n", "tessera 2 goroutines speed-up over 1", t1/t2, ">=1.7x", verdict(t1/t2 >= 1.7))
	fmt.Printf("%-52s %6.2fx %8s %s\n", "tessera mosaic VRT time / single file (1 goroutine)", m1/t1, "<=1.2x", verdict(m1/t1 <= 1.2))
	fmt.Printf("%-52s %6.2fx %8s %s\n", "tessera mosaic VRT time / single file (2 goroutines)", m2/t2, "<=1.2x", verdict(m2/t2 <= 1.2))
	fmt.Printf("%-52s %6.2fx\n", "rasterio mosaic VRT time / single file", rm/rs)
	fmt.Printf("%-52s %6.2fx\n", "tessera 2 goroutines speed vs rasterio", rs/t2)
	fmt.Printf("\nload average at the end: %s(a speed-up over 1 goroutine needs a second idle core)\n", loadavg())
	return nil
}

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown "
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown "
	}
	return strings.Join(f[:3], " ") + " "
}
