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
	"github.com/tessera-array/tessera/benchmarks/internal/t2m"
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
	d, err := child.MaxAbsDiff(tOut, pOut)
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
	return m, child.WriteFloat64s(out, d.Float64s())
}

// ensureCube writes the benchmark cube (package t2m) unless it is there.
func ensureCube(ctx context.Context, path string, cfg config) (bool, error) {
	return t2m.Ensure(ctx, path, t2m.Cube{Days: cfg.Days, NLat: cfg.NLat, NLon: cfg.NLon, Chunks: cfg.Chunks})
}
