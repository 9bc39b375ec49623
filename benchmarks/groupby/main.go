// Command groupby benchmarks tessera's groupby("time.month").mean() of a
// daily float32 (time, lat, lon) cube in a Zarr v2 store against xarray +
// dask (Debian's /usr/bin/python3), each side a process of its own on the
// same pinned cores, and prints times, peak RSS, the ratio and the largest
// difference between the two results.
//
//	go run ./benchmarks/groupby               # 3650×360×720 float32, 3.8 GB, made once under -dir
//	go run ./benchmarks/groupby -days 1825    # half the cube (1.9 GB)
//	go run ./benchmarks/groupby -quick        # a smoke run
//
// The cube is written once by tessera (labelled's ToZarr, format 2, the
// default compressor) with chunks of 365 days × 120 × 180, and reused
// while its shape and chunks match. tessera's side runs the flox-style
// map-reduce of reduce.GroupReduce; xarray's side is
// xr.open_zarr(path).t2m.groupby("time.month").mean().compute() with
// dask's threaded scheduler (flox is not installed there, so xarray uses
// its own groupby path).
package main

import (
	"context"
	"encoding/binary"
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
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// config is the cube's size and chunks.
type config struct {
	Days   int   `json:"days"`
	NLat   int   `json:"nlat"`
	NLon   int   `json:"nlon"`
	Chunks []int `json:"chunks"`
}

func (c config) bytes() int64 { return int64(c.Days) * int64(c.NLat) * int64(c.NLon) * 4 }

// measurement is what one side's child prints.
type measurement struct {
	Seconds float64 `json:"seconds"`
	MaxRSS  float64 `json:"maxrss_mb"`
	Shape   []int   `json:"shape"`
	Tasks   int     `json:"tasks"`
}

func main() {
	quick := flag.Bool("quick", false, "a small cube (a smoke run)")
	days := flag.Int("days", 3650, "days of the cube")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "tessera-groupby-bench"), "directory holding the store (made once, reused)")
	cores := flag.Int("cores", min(2, runtime.NumCPU()), "cores for each side")
	pin := flag.Bool("pin", true, "bind both sides to the same CPUs with taskset when available")
	runs := flag.Int("runs", 1, "runs per side")
	childStore := flag.String("child", "", "internal: run tessera's side on this store and print JSON")
	out := flag.String("out", "", "internal: result file for -child")
	baseline := flag.Bool("baseline", false, "with -child: time mean(\"time\") of the same cube instead (reading and reducing without grouping)")
	cpuprofile := flag.String("cpuprofile", "", "with -child: write a CPU profile to this file")
	flag.Parse()
	if *childStore != "" {
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				fatal(err)
			}
		}
		m, err := runTessera(context.Background(), *childStore, *out, *cores, *baseline)
		pprof.StopCPUProfile()
		if err != nil {
			fatal(err)
		}
		m.MaxRSS = float64(child.SelfMaxRSS()) / 1024
		_ = json.NewEncoder(os.Stdout).Encode(m)
		return
	}
	cfg := config{Days: *days, NLat: 360, NLon: 720, Chunks: []int{365, 120, 180}}
	if *quick {
		cfg = config{Days: 730, NLat: 18, NLon: 36, Chunks: []int{100, 9, 18}}
	}
	if *runs < 1 || *cores < 1 || cfg.Days < 1 {
		fatal(errors.New("-runs, -cores and -days must be at least 1"))
	}
	if err := run(context.Background(), cfg, *dir, *cores, *runs, *pin); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "groupby bench:", err)
	os.Exit(1)
}

func storePath(cfg config, dir string) string {
	return filepath.Join(dir, fmt.Sprintf("t2m-%dx%dx%d.zarr", cfg.Days, cfg.NLat, cfg.NLon))
}

func findScript() string {
	return child.FindScript("benchmarks/groupby", "xarray_groupby.py", "xarray", "dask", "zarr")
}

func run(ctx context.Context, cfg config, dir string, cores, runs int, pin bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	store := storePath(cfg, dir)
	t0 := time.Now()
	made, err := ensureCube(ctx, store, cfg)
	if err != nil {
		return fmt.Errorf("making %s: %w", store, err)
	}
	if made {
		fmt.Fprintf(os.Stderr, "wrote %s (%.2f GB) in %.1f s\n", store, float64(cfg.bytes())/1e9, time.Since(t0).Seconds())
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tOut, pOut := filepath.Join(dir, "tessera.f64"), filepath.Join(dir, "xarray.f64")
	best := func(ms []measurement) (float64, float64) {
		s, rss := math.Inf(1), 0.0
		for _, m := range ms {
			s, rss = min(s, m.Seconds), max(rss, m.MaxRSS)
		}
		return s, rss
	}
	var ts, ps []measurement
	for range runs {
		var m measurement
		if _, err := child.Run(&m, pin, cores, self, "-child", store, "-out", tOut, "-cores", strconv.Itoa(cores)); err != nil {
			return fmt.Errorf("tessera: %w", err)
		}
		ts = append(ts, m)
	}
	script := findScript()
	if script != "" {
		for range runs {
			var m measurement
			if _, err := child.Run(&m, pin, cores, "/usr/bin/python3", script, store, pOut, strconv.Itoa(cores)); err != nil {
				return fmt.Errorf("xarray: %w", err)
			}
			ps = append(ps, m)
		}
	}
	tsec, trss := best(ts)
	fmt.Printf("groupby(\"time.month\").mean() of t2m(time=%d, lat=%d, lon=%d) float32, %.2f GB, chunks %v; %d cores per side (pinned %v); best of %d\n",
		cfg.Days, cfg.NLat, cfg.NLon, float64(cfg.bytes())/1e9, cfg.Chunks, cores, pin, runs)
	fmt.Printf("tessera  %8.2f s  peak RSS %6.0f MB  tasks %d\n", tsec, trss, ts[0].Tasks)
	if ps == nil {
		fmt.Println("(xarray side skipped: /usr/bin/python3 with xarray, dask and zarr not found)")
		return nil
	}
	psec, prss := best(ps)
	fmt.Printf("xarray   %8.2f s  peak RSS %6.0f MB  tasks %d\n", psec, prss, ps[0].Tasks)
	if !slices.Equal(ts[0].Shape, ps[0].Shape) {
		return fmt.Errorf("tessera's result has shape %v, xarray's %v", ts[0].Shape, ps[0].Shape)
	}
	d, err := maxAbsDiff(tOut, pOut)
	if err != nil {
		return err
	}
	fmt.Printf("ratio xarray/tessera %.2fx (target >= 5x)  max |diff| %.3g\n", psec/tsec, d)
	return nil
}

// runTessera is the child: open, group by month, mean, compute.
func runTessera(ctx context.Context, store, out string, cores int, baseline bool) (measurement, error) {
	s, err := zarr.NewDirectoryStore(store)
	if err != nil {
		return measurement{}, err
	}
	t0 := time.Now()
	ds, err := labelled.OpenZarr(ctx, s, "")
	if err != nil {
		return measurement{}, err
	}
	clim := ds.Var("t2m").GroupBy("time.month").Mean()
	if baseline {
		clim = ds.Var("t2m").Mean("time")
	}
	if err := clim.Err(); err != nil {
		return measurement{}, err
	}
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores})
	d, err := clim.Compute(ctx, ndarray.WithExecutor(ex))
	if err != nil {
		return measurement{}, err
	}
	m := measurement{Seconds: time.Since(t0).Seconds(), Shape: clim.Shape(), Tasks: int(clim.Data().Tasks())}
	return m, writeF64(out, d.Float64s())
}

// maxAbsDiff compares two little-endian float64 files; NaN equals NaN.
func maxAbsDiff(a, b string) (float64, error) {
	x, err := readF64(a)
	if err != nil {
		return 0, err
	}
	y, err := readF64(b)
	if err != nil {
		return 0, err
	}
	if len(x) != len(y) || len(x) == 0 {
		return 0, fmt.Errorf("%d values in %s, %d in %s", len(x), a, len(y), b)
	}
	var d float64
	for i := range x {
		switch {
		case math.IsNaN(x[i]) && math.IsNaN(y[i]):
		case math.IsNaN(x[i]) || math.IsNaN(y[i]):
			return math.Inf(1), nil
		default:
			d = max(d, math.Abs(x[i]-y[i]))
		}
	}
	return d, nil
}

func readF64(path string) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("%s: %d bytes is not a whole number of float64", path, len(b))
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out, nil
}

func writeF64(path string, v []float64) error {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return os.WriteFile(path, b, 0o644)
}

// t2mParams are the synthetic field's parameters, carried in each task.
type t2mParams struct {
	NLat, NLon int
}

func init() {
	ndarray.RegisterBlockFunc("benchmarks.groupby.t2m", t2mBlock)
}

// t2mBlock fills one block of a synthetic daily temperature (K): a cosine
// of latitude, a seasonal cycle and a deterministic ±1.5 K noise hashed
// from the global index.
func t2mBlock(_ context.Context, _ []*block.Dense, p t2mParams, info ndarray.BlockInfo) (*block.Dense, error) {
	box := info.Box
	shape := box.Shape()
	d, err := block.New(block.Float32, shape...)
	if err != nil {
		return nil, err
	}
	v := block.Values[float32](d)
	step := 180 / float64(p.NLat)
	i := 0
	for t := range shape[0] {
		season := math.Cos(2 * math.Pi * (float64(box.Lo[0]+t) - 15) / 365.2425)
		for j := range shape[1] {
			lat := (90 - step/2 - float64(box.Lo[1]+j)*step) * math.Pi / 180
			base := 243 + 55*math.Cos(lat) - 12*season*math.Sin(lat)
			g := uint64((box.Lo[0]+t)*p.NLat+box.Lo[1]+j) * uint64(p.NLon)
			for k := range shape[2] {
				h := (g + uint64(box.Lo[2]+k)) * 0x9E3779B97F4A7C15
				h ^= h >> 31
				h *= 0xBF58476D1CE4E5B9
				h ^= h >> 29
				v[i] = float32(base + float64(h>>40)/float64(1<<24)*3 - 1.5)
				i++
			}
		}
	}
	return d, nil
}

// ensureCube writes the cube unless a finished one of the same shape and
// chunks is there; it reports whether it wrote.
func ensureCube(ctx context.Context, path string, cfg config) (bool, error) {
	shape := []int{cfg.Days, cfg.NLat, cfg.NLon}
	if s, err := zarr.NewDirectoryStore(path); err == nil {
		if a, err := zarr.OpenArray(ctx, s, "t2m"); err == nil && slices.Equal(a.Shape(), shape) && slices.Equal(a.Meta().Chunks, cfg.Chunks) {
			if _, err := os.Stat(filepath.Join(path, "DONE")); err == nil {
				return false, nil
			}
		}
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
	grid := make([][]int, 3)
	for ax, n := range shape {
		for lo := 0; lo < n; lo += cfg.Chunks[ax] {
			grid[ax] = append(grid[ax], min(cfg.Chunks[ax], n-lo))
		}
	}
	data := ndarray.MapBlocks("benchmarks.groupby.t2m", nil, block.Float32, grid, t2mParams{NLat: cfg.NLat, NLon: cfg.NLon})
	counts := make([]int64, cfg.Days)
	for i := range counts {
		counts[i] = int64(i)
	}
	ts, err := cftime.NewTimes(cftime.MustDate(cftime.Standard, 2000, 1, 1, 0, 0, 0, 0), cftime.Day, counts)
	if err != nil {
		return false, err
	}
	lat := make(labelled.Float64Index, cfg.NLat)
	for i := range lat {
		lat[i] = 90 - 90/float64(cfg.NLat) - float64(i)*180/float64(cfg.NLat)
	}
	lon := make(labelled.Float64Index, cfg.NLon)
	for i := range lon {
		lon[i] = -180 + 180/float64(cfg.NLon) + float64(i)*360/float64(cfg.NLon)
	}
	t2m := labelled.New(data, []string{"time", "lat", "lon"}, labelled.Name("t2m"),
		labelled.Attrs(map[string]any{"units": "K"}),
		labelled.Coords(
			labelled.IndexCoord("time", labelled.NewTimeIndex(ts)).WithEncoding(map[string]any{"units": "days since 2000-01-01", "calendar": "standard"}),
			labelled.IndexCoord("lat", lat), labelled.IndexCoord("lon", lon)))
	ds, err := labelled.NewDataset([]*labelled.Array{t2m}, nil)
	if err != nil {
		return false, err
	}
	err = ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2,
		Encoding: map[string]map[string]any{"t2m": {"chunks": cfg.Chunks}},
		Compute:  []ndarray.ComputeOption{ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{MemoryBudget: 2 << 30}))}})
	if err != nil {
		return false, err
	}
	return true, os.WriteFile(filepath.Join(path, "DONE"), nil, 0o644)
}
