// Command rolling benchmarks tessera's rolling mean against xarray + dask
// (Debian's /usr/bin/python3) on the same uncompressed Zarr v2 store, each
// side in a process of its own on the same pinned cores, and prints times,
// peak RSS and the ratio against the target (>= 3x).
//
//	go run ./benchmarks/rolling            # 1.9 GB cube (made once under -dir), 1 run per side
//	go run ./benchmarks/rolling -quick     # small sizes, a smoke run
//	go run ./benchmarks/rolling -runs 3    # more runs, min / median
//
// The workload is a centred 7-day rolling mean along time of a daily
// (time, y, x) float32 cube with 1% NaN, chunked along time, reduced to one
// number (the NaN-skipping mean of the rolling mean) plus the rolling mean
// of one pixel's series, so both sides do all of the rolling work and
// return little: tessera's
// reduce.NanMean(window.Rolling(a, 0, 7, {Center: true}).Mean()) against
// xarray's da.rolling(time=7, center=True).mean() then .mean(), computed
// by dask's threaded scheduler. The two answers are compared.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"time"

	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
	"github.com/tessera-array/tessera/window"
	"github.com/tessera-array/tessera/zarr"
)

// config is the cube of one run; it travels to the Python side as JSON.
type config struct {
	Days   int   `json:"days"`
	NY     int   `json:"ny"`
	NX     int   `json:"nx"`
	Chunks []int `json:"chunks"`
	Window int   `json:"window"`
	PixY   int   `json:"pix_y"` // the pixel whose rolling series is returned
	PixX   int   `json:"pix_x"`
}

func fullConfig() config {
	return config{Days: 3650, NY: 256, NX: 512, Chunks: []int{365, 128, 256}, Window: 7, PixY: 100, PixX: 300}
}

func quickConfig() config {
	return config{Days: 400, NY: 12, NX: 20, Chunks: []int{30, 12, 10}, Window: 7, PixY: 5, PixX: 13}
}

func (c config) bytes() int64 { return int64(c.Days) * int64(c.NY) * int64(c.NX) * 4 }

// measurement is what a child prints.
type measurement struct {
	Seconds float64   `json:"seconds"`
	MaxRSS  float64   `json:"maxrss_mb"`
	Mean    float64   `json:"mean"`
	Series  []float64 `json:"series"` // NaN as null on the Python side
}

// UnmarshalJSON reads null entries of the series as NaN.
func (m *measurement) UnmarshalJSON(b []byte) error {
	type plain struct {
		Seconds float64    `json:"seconds"`
		MaxRSS  float64    `json:"maxrss_mb"`
		Mean    float64    `json:"mean"`
		Series  []*float64 `json:"series"`
	}
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	m.Seconds, m.MaxRSS, m.Mean = p.Seconds, p.MaxRSS, p.Mean
	m.Series = make([]float64, len(p.Series))
	for i, v := range p.Series {
		m.Series[i] = math.NaN()
		if v != nil {
			m.Series[i] = *v
		}
	}
	return nil
}

// MarshalJSON writes NaN in the series as null.
func (m measurement) MarshalJSON() ([]byte, error) {
	s := make([]*float64, len(m.Series))
	for i := range m.Series {
		if !math.IsNaN(m.Series[i]) {
			s[i] = &m.Series[i]
		}
	}
	return json.Marshal(struct {
		Seconds float64    `json:"seconds"`
		MaxRSS  float64    `json:"maxrss_mb"`
		Mean    float64    `json:"mean"`
		Series  []*float64 `json:"series"`
	}{m.Seconds, m.MaxRSS, m.Mean, s})
}

func main() {
	quick := flag.Bool("quick", false, "small sizes (a smoke run)")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "tessera-rolling-bench"), "directory holding the store (made once, reused)")
	cores := flag.Int("cores", min(2, runtime.NumCPU()), "cores for each side")
	pin := flag.Bool("pin", true, "bind both sides to the same CPUs with taskset when available")
	runs := flag.Int("runs", 1, "runs per side")
	childStore := flag.String("child", "", "internal: run the tessera side on this store and print JSON")
	cfgJSON := flag.String("config", "", "internal: config for -child")
	cpuprofile := flag.String("cpuprofile", "", "with -child: write a CPU profile to this file")
	flag.Parse()
	if *childStore != "" {
		var cfg config
		if err := json.Unmarshal([]byte(*cfgJSON), &cfg); err != nil {
			fatal(fmt.Errorf("-config: %w", err))
		}
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				fatal(err)
			}
		}
		m, err := runTessera(context.Background(), *childStore, cfg, *cores)
		if *cpuprofile != "" {
			pprof.StopCPUProfile()
		}
		if err != nil {
			fatal(err)
		}
		m.MaxRSS = float64(child.SelfMaxRSS()) / 1024
		_ = json.NewEncoder(os.Stdout).Encode(m)
		return
	}
	if *runs < 1 || *cores < 1 {
		fatal(errors.New("-runs and -cores must be at least 1"))
	}
	cfg := fullConfig()
	if *quick {
		cfg = quickConfig()
	}
	if err := run(context.Background(), cfg, *dir, *cores, *runs, *pin); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "rolling bench:", err)
	os.Exit(1)
}

func storePath(cfg config, dir string) string {
	return filepath.Join(dir, fmt.Sprintf("cube-%dx%dx%d-%dx%dx%d.zarr", cfg.Days, cfg.NY, cfg.NX, cfg.Chunks[0], cfg.Chunks[1], cfg.Chunks[2]))
}

func run(ctx context.Context, cfg config, dir string, cores, runs int, pin bool) error {
	path := storePath(cfg, dir)
	t0 := time.Now()
	made, err := ensureCube(ctx, path, cfg)
	if err != nil {
		return fmt.Errorf("making %s: %w", path, err)
	}
	if made {
		fmt.Fprintf(os.Stderr, "wrote %s (%.2f GB) in %.1f s\n", path, float64(cfg.bytes())/1e9, time.Since(t0).Seconds())
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cj, _ := json.Marshal(cfg)
	var ts, ps []measurement
	for range runs {
		var m measurement
		if _, err := child.Run(&m, pin, cores, self, "-child", path, "-config", string(cj), "-cores", strconv.Itoa(cores)); err != nil {
			return fmt.Errorf("tessera: %w", err)
		}
		ts = append(ts, m)
	}
	script := findScript()
	if script != "" {
		for range runs {
			var m measurement
			if _, err := child.Run(&m, pin, cores, "/usr/bin/python3", script, path, string(cj), strconv.Itoa(cores)); err != nil {
				return fmt.Errorf("xarray: %w", err)
			}
			ps = append(ps, m)
		}
	}
	fmt.Printf("rolling(time=%d, center=True).mean() then mean(), cube (time=%d, y=%d, x=%d) float32 %.2f GB, chunks %v, uncompressed zarr v2; %d cores per side (pinned %v); %d run(s)\n",
		cfg.Window, cfg.Days, cfg.NY, cfg.NX, float64(cfg.bytes())/1e9, cfg.Chunks, cores, pin, runs)
	tmin, tmed, trss := summary(ts)
	fmt.Printf("tessera:      %.2f s (min) / %.2f s (median), peak RSS %.0f MB, answer %.6f\n", tmin, tmed, trss, ts[0].Mean)
	if script == "" {
		fmt.Println("xarray side skipped: /usr/bin/python3 with xarray, dask and zarr not found (run ./scripts/setup.sh)")
		return nil
	}
	pmin, pmed, prss := summary(ps)
	fmt.Printf("xarray+dask:  %.2f s (min) / %.2f s (median), peak RSS %.0f MB, answer %.6f\n", pmin, pmed, prss, ps[0].Mean)
	d := agree(ts[0], ps[0])
	fmt.Printf("ratio (median xarray / tessera): %.2fx (target >= 3x: %v); answers differ by %.3g (mean) and %.3g (pixel series, max)\n",
		pmed/tmed, pmed/tmed >= 3, math.Abs(ts[0].Mean-ps[0].Mean), d)
	return nil
}

// agree is the largest difference of the two pixel series (+Inf when NaN
// positions or lengths differ).
func agree(a, b measurement) float64 {
	if len(a.Series) != len(b.Series) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a.Series {
		x, y := a.Series[i], b.Series[i]
		switch {
		case math.IsNaN(x) && math.IsNaN(y):
		case math.IsNaN(x) || math.IsNaN(y):
			return math.Inf(1)
		default:
			d = max(d, math.Abs(x-y))
		}
	}
	return d
}

func summary(ms []measurement) (lo, med, rss float64) {
	s := make([]float64, len(ms))
	for i, m := range ms {
		s[i] = m.Seconds
		rss = max(rss, m.MaxRSS)
	}
	slices.Sort(s)
	med = s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[0], med, rss
}

func findScript() string {
	return child.FindScript("benchmarks/rolling", "xarray_rolling.py", "xarray", "dask", "zarr")
}

// runTessera is the tessera side: open, roll, reduce, in this process.
func runTessera(ctx context.Context, path string, cfg config, cores int) (measurement, error) {
	t0 := time.Now()
	s, err := zarr.NewDirectoryStore(path)
	if err != nil {
		return measurement{}, err
	}
	za, err := zarr.OpenArray(ctx, s, "data")
	if err != nil {
		return measurement{}, err
	}
	a := za.Lazy(chunk.Native())
	rolled := window.Rolling(a, 0, cfg.Window, window.RollingOptions{Center: true}).Mean()
	mean := reduce.NanMean(rolled)
	series := rolled.Index(ndarray.All(), ndarray.At(cfg.PixY), ndarray.At(cfg.PixX))
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores})
	out, err := ndarray.Compute(ctx, []*ndarray.Array{mean, series}, ndarray.WithExecutor(ex))
	if err != nil {
		return measurement{}, err
	}
	return measurement{Seconds: time.Since(t0).Seconds(), Mean: out[0].Float64(0), Series: out[1].Float64s()}, nil
}

// fieldParams are the synthetic field's parameters, carried in each task.
type fieldParams struct{ NY, NX int }

func init() {
	ndarray.RegisterBlockFunc("benchmarks.rolling.field", fieldBlock)
}

// fieldBlock fills one block of a synthetic daily field: a seasonal cycle,
// a spatial gradient and a deterministic noise from a hash of the global
// index, NaN at 1% of the positions.
func fieldBlock(_ context.Context, _ []*block.Dense, p fieldParams, info ndarray.BlockInfo) (*block.Dense, error) {
	box := info.Box
	shape := box.Shape()
	d, err := block.New(block.Float32, shape...)
	if err != nil {
		return nil, err
	}
	v := block.Values[float32](d)
	i := 0
	for t := range shape[0] {
		day := box.Lo[0] + t
		season := 10 * math.Sin(2*math.Pi*float64(day)/365.25)
		for y := range shape[1] {
			gy := box.Lo[1] + y
			for x := range shape[2] {
				gx := box.Lo[2] + x
				h := (uint64(day*p.NY+gy)*uint64(p.NX) + uint64(gx)) * 0x9E3779B97F4A7C15
				h ^= h >> 31
				h *= 0xBF58476D1CE4E5B9
				h ^= h >> 29
				if h%100 == 0 {
					v[i] = float32(math.NaN())
				} else {
					v[i] = float32(280 + season + 0.01*float64(gy) - 0.02*float64(gx) + float64(h>>40)/float64(1<<24)*4 - 2)
				}
				i++
			}
		}
	}
	return d, nil
}

// ensureCube writes the cube unless a finished store of this config is
// there; it reports whether it wrote.
func ensureCube(ctx context.Context, path string, cfg config) (bool, error) {
	if _, err := os.Stat(filepath.Join(path, "DONE")); err == nil {
		return false, nil
	}
	if err := os.RemoveAll(path); err != nil {
		return false, err
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return false, err
	}
	s, err := zarr.NewDirectoryStore(path)
	if err != nil {
		return false, err
	}
	shape := []int{cfg.Days, cfg.NY, cfg.NX}
	grid := make([][]int, 3)
	for ax, n := range shape {
		for lo := 0; lo < n; lo += cfg.Chunks[ax] {
			grid[ax] = append(grid[ax], min(cfg.Chunks[ax], n-lo))
		}
	}
	data := ndarray.MapBlocks("benchmarks.rolling.field", nil, block.Float32, grid, fieldParams{NY: cfg.NY, NX: cfg.NX})
	nan := math.NaN()
	_, _, err = zarr.ToZarr(ctx, data, s, "data", zarr.CreateOptions{Format: 2, Shape: shape, DType: block.Float32,
		Chunks: cfg.Chunks, Compressor: zarr.NoCompressor, FillValue: &nan, DimensionNames: []string{"time", "y", "x"}},
		ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{MemoryBudget: 1 << 30})))
	if err != nil {
		return false, err
	}
	return true, os.WriteFile(filepath.Join(path, "DONE"), nil, 0o644)
}
