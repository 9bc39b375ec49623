// Command labelled benchmarks tessera's labelled layer against xarray +
// dask (Debian's /usr/bin/python3) on the same Zarr v2 store, each run in
// a process of its own with the same pinned cores, and prints a table of
// times, peak RSS and ratios against the targets.
//
//	go run ./benchmarks/labelled                # 3.8 GB cube (made once under -dir), 3 runs per side
//	go run ./benchmarks/labelled -quick         # small sizes, a smoke run
//	go run ./benchmarks/labelled -dir /data/b   # keep the stores somewhere else
//
// Workloads:
//
//   - sel-mean: OpenZarr + Sel(4 years of time, a lat/lon box) +
//     Mean("time") computed, vs xr.open_zarr(path).t2m.sel(...)
//     .mean("time").compute() with dask's threaded scheduler;
//   - full-mean: the same without the selection (reads the whole cube);
//   - long-sel: graph build and sel on a 100,000-step hourly time axis:
//     OpenZarr of a store whose data chunks were never written (only
//     metadata and coordinates), Sel of a month and a box, and the lazy
//     Mean("time") with its task count, nothing computed; vs xarray's
//     open_zarr + sel + mean (no compute).
//
// The cube is t2m(time, lat, lon) float32, daily in the standard calendar
// from 2000-01-01 ("days since 2000-01-01"), lat descending, lon
// increasing, written once by tessera's Dataset.ToZarr (format 2, blosc
// lz4) and reused while its metadata matches. Both sides' results are
// written to files and compared; the maximum absolute difference is
// printed.
package main

import (
	"cmp"
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
	"text/tabwriter"
	"time"

	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"github.com/tessera-array/tessera/benchmarks/internal/t2m"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// config is the sizes and selections of one run (full or -quick). It
// travels to the Python side as JSON, so both sides select the same.
type config struct {
	Days    int     `json:"days"`     // time steps of the cube (daily)
	NLat    int     `json:"nlat"`     // lat steps, descending from 90-step/2
	NLon    int     `json:"nlon"`     // lon steps, increasing from -180+step/2
	Chunks  []int   `json:"chunks"`   // stored chunks of the cube
	TimeLo  string  `json:"time_lo"`  // sel-mean time slice (inclusive, partial dates)
	TimeHi  string  `json:"time_hi"`  //
	LatLo   float64 `json:"lat_lo"`   // lat slice as xarray writes it for a descending axis (hi to lo)
	LatHi   float64 `json:"lat_hi"`   //
	LonLo   float64 `json:"lon_lo"`   //
	LonHi   float64 `json:"lon_hi"`   //
	Hours   int     `json:"hours"`    // steps of the long hourly axis
	LNLat   int     `json:"lnlat"`    // long-axis store's lat and lon steps
	LNLon   int     `json:"lnlon"`    //
	LChunks []int   `json:"lchunks"`  // long-axis store's chunks
	LTimeLo string  `json:"ltime_lo"` // long-sel time slice
	LTimeHi string  `json:"ltime_hi"` //
}

func fullConfig() config {
	return config{
		Days: 3650, NLat: 360, NLon: 720, Chunks: []int{730, 120, 180},
		TimeLo: "2003-01-01", TimeHi: "2006-12-31", LatLo: 30, LatHi: 60, LonLo: -10, LonHi: 40,
		Hours: 100_000, LNLat: 180, LNLon: 360, LChunks: []int{24, 90, 180},
		LTimeLo: "2005-06-01", LTimeHi: "2005-06-30",
	}
}

func quickConfig() config {
	return config{
		Days: 730, NLat: 36, NLon: 72, Chunks: []int{365, 18, 36},
		TimeLo: "2000-03", TimeHi: "2001-06-30", LatLo: 30, LatHi: 60, LonLo: -10, LonHi: 40,
		Hours: 10_000, LNLat: 18, LNLon: 36, LChunks: []int{24, 9, 18},
		LTimeLo: "2000-06-01", LTimeHi: "2000-06-30",
	}
}

func (c config) cubeBytes() int64 { return int64(c.Days) * int64(c.NLat) * int64(c.NLon) * 4 }

// measurement is what one side's child prints for one run.
type measurement struct {
	Seconds float64 `json:"seconds"`
	MaxRSS  float64 `json:"maxrss_mb"`
	Tasks   int     `json:"tasks,omitempty"`
	Shape   []int   `json:"shape,omitempty"`
	// OpenSeconds and SelSeconds split long-sel's time: open, then
	// sel + mean graph.
	OpenSeconds float64 `json:"open_seconds,omitempty"`
	SelSeconds  float64 `json:"sel_seconds,omitempty"`
}

func main() {
	quick := flag.Bool("quick", false, "small sizes (a smoke run)")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "tessera-labelled-bench"), "directory holding the stores (made once, reused)")
	cores := flag.Int("cores", min(2, runtime.NumCPU()), "cores for each side")
	pin := flag.Bool("pin", true, "bind both sides to the same CPUs with taskset when available")
	runs := flag.Int("runs", 3, "runs per side and workload")
	childW := flag.String("child", "", "internal: run one tessera workload and print JSON")
	store := flag.String("store", "", "internal: store for -child")
	out := flag.String("out", "", "internal: result file for -child")
	cfgJSON := flag.String("config", "", "internal: config for -child")
	cpuprofile := flag.String("cpuprofile", "", "with -child: write a CPU profile to this file")
	flag.Parse()
	if *childW != "" {
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
		m, err := runTessera(context.Background(), *childW, *store, *out, cfg, *cores)
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
	fmt.Fprintln(os.Stderr, "labelled bench:", err)
	os.Exit(1)
}

// stores are the two stores of a config under dir.
func stores(cfg config, dir string) (cube, long string) {
	tag := fmt.Sprintf("%dx%dx%d", cfg.Days, cfg.NLat, cfg.NLon)
	return filepath.Join(dir, "t2m-"+tag+".zarr"), filepath.Join(dir, fmt.Sprintf("long-%dh.zarr", cfg.Hours))
}

// row is one line of the table.
type row struct {
	name, what, target string
	ratioTarget        float64 // ratio wanted (peer/tessera), 0: absolute target
	absTarget          float64 // seconds, for long-sel
}

func run(ctx context.Context, cfg config, dir string, cores, runs int, pin bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cube, long := stores(cfg, dir)
	t0 := time.Now()
	made, err := ensureCube(ctx, cube, cfg)
	if err != nil {
		return fmt.Errorf("making %s: %w", cube, err)
	}
	if made {
		fmt.Fprintf(os.Stderr, "wrote %s (%.2f GB) in %.1f s\n", cube, float64(cfg.cubeBytes())/1e9, time.Since(t0).Seconds())
	}
	if err := ensureLong(ctx, long, cfg); err != nil {
		return fmt.Errorf("making %s: %w", long, err)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	script := findScript()
	cj, _ := json.Marshal(cfg)
	rows := []row{
		{name: "sel-mean", what: fmt.Sprintf("open + sel(time %s..%s, lat %g..%g, lon %g..%g) + mean(time)", cfg.TimeLo, cfg.TimeHi, cfg.LatHi, cfg.LatLo, cfg.LonLo, cfg.LonHi), target: ">= 3x faster", ratioTarget: 3},
		{name: "full-mean", what: fmt.Sprintf("open + mean(time) of the whole %.2f GB cube", float64(cfg.cubeBytes())/1e9), target: ">= 3x faster", ratioTarget: 3},
		{name: "long-sel", what: fmt.Sprintf("open + sel(month, box) + lazy mean on a %d-step hourly axis, no compute", cfg.Hours), target: "< 50 ms", absTarget: 0.050},
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Printf("cube %s: t2m(time=%d, lat=%d, lon=%d) float32, chunks %v, %.2f GB; cores per side %d (pinned %v); %d runs each, min / median\n",
		cube, cfg.Days, cfg.NLat, cfg.NLon, cfg.Chunks, float64(cfg.cubeBytes())/1e9, cores, pin, runs)
	fmt.Fprintf(tw, "workload\ttessera s (min/med)\ttessera RSS MB\txarray s (min/med)\txarray RSS MB\tratio (med)\tmax |diff|\ttasks t/x\ttarget\tmet\n")
	for _, r := range rows {
		store := cube
		if r.name == "long-sel" {
			store = long
		}
		tOut, pOut := filepath.Join(dir, r.name+".tessera.f64"), filepath.Join(dir, r.name+".xarray.f64")
		fmt.Fprintf(os.Stderr, "running %s: %s\n", r.name, r.what)
		ts, err := repeat(runs, func() (measurement, error) {
			return runChild(pin, cores, self, "-child", r.name, "-store", store, "-out", tOut, "-config", string(cj), "-cores", strconv.Itoa(cores))
		})
		if err != nil {
			return fmt.Errorf("tessera %s: %w", r.name, err)
		}
		var ps []measurement
		if script != "" {
			ps, err = repeat(runs, func() (measurement, error) {
				return runChild(pin, cores, "/usr/bin/python3", script, r.name, store, pOut, string(cj), strconv.Itoa(cores))
			})
			if err != nil {
				return fmt.Errorf("xarray %s: %w", r.name, err)
			}
		}
		tmin, tmed, trss := summary(ts)
		line := fmt.Sprintf("%s\t%s\t%.0f\t", r.name, secs(tmin, tmed), trss)
		diff, ratio, met := "-", "-", "-"
		ptasks := "-"
		if ps != nil {
			pmin, pmed, prss := summary(ps)
			line += fmt.Sprintf("%s\t%.0f\t", secs(pmin, pmed), prss)
			ratio = fmt.Sprintf("%.2fx", pmed/tmed)
			ptasks = strconv.Itoa(ps[0].Tasks)
			if !slices.Equal(ts[0].Shape, ps[0].Shape) {
				return fmt.Errorf("%s: tessera selected shape %v, xarray %v", r.name, ts[0].Shape, ps[0].Shape)
			}
			if r.name != "long-sel" {
				d, err := child.MaxAbsDiff(tOut, pOut)
				if err != nil {
					return fmt.Errorf("%s: comparing results: %w", r.name, err)
				}
				diff = fmt.Sprintf("%.3g", d)
			}
			if r.ratioTarget > 0 {
				met = yes(pmed/tmed >= r.ratioTarget)
			}
		} else {
			line += "-\t-\t"
		}
		if r.absTarget > 0 {
			met = yes(tmed < r.absTarget)
			m := medianRun(ts)
			ratio += fmt.Sprintf(" (median run: open %.1f ms + sel/mean %.1f ms)", m.OpenSeconds*1e3, m.SelSeconds*1e3)
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%d/%s\t%s\t%s\n", line, ratio, diff, ts[0].Tasks, ptasks, r.target, met)
	}
	tw.Flush()
	if script == "" {
		fmt.Println("(xarray side skipped: /usr/bin/python3 with xarray, dask and zarr not found; run ./scripts/setup.sh)")
	}
	return nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

func secs(lo, med float64) string {
	if lo < 1 {
		return fmt.Sprintf("%.1f / %.1f ms", lo*1e3, med*1e3)
	}
	return fmt.Sprintf("%.2f / %.2f", lo, med)
}

func repeat(n int, f func() (measurement, error)) ([]measurement, error) {
	var out []measurement
	for range n {
		m, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// summary is the min and median seconds and the largest peak RSS.
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

// medianRun is the run of median time (the later of the two middle ones
// for an even count).
func medianRun(ms []measurement) measurement {
	s := slices.Clone(ms)
	slices.SortStableFunc(s, func(a, b measurement) int { return cmp.Compare(a.Seconds, b.Seconds) })
	return s[len(s)/2]
}

// runChild runs one side's child and decodes its measurement. Peak RSS is
// what the child reads from its own /proc/self/status (VmHWM) after the
// workload: the kernel's rusage figure for a child is not used, because
// Linux carries the high-water mark of the image a process exec'd from
// into it, and Go starts children with vfork, so that figure is at least
// this parent's own peak (the cube writer's ~1.1 GB).
func runChild(pin bool, cores int, name string, args ...string) (measurement, error) {
	var m measurement
	if _, err := child.Run(&m, pin, cores, name, args...); err != nil {
		return measurement{}, err
	}
	return m, nil
}

// findScript locates xarray_bench.py beside this source and checks that
// Debian's python has xarray, dask and zarr.
func findScript() string {
	return child.FindScript("benchmarks/labelled", "xarray_bench.py", "xarray", "dask", "zarr")
}

// runTessera is the child side: one workload in this fresh process.
func runTessera(ctx context.Context, name, store, out string, cfg config, cores int) (measurement, error) {
	s, err := zarr.NewDirectoryStore(store)
	if err != nil {
		return measurement{}, err
	}
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores})
	t0 := time.Now()
	ds, err := labelled.OpenZarr(ctx, s, "")
	if err != nil {
		return measurement{}, err
	}
	t2m := ds.Var("t2m")
	tOpen := time.Now()
	var sel *labelled.Array
	switch name {
	case "sel-mean":
		sel = t2m.Sel(labelled.Slice("time", cfg.TimeLo, cfg.TimeHi), labelled.Slice("lat", cfg.LatHi, cfg.LatLo), labelled.Slice("lon", cfg.LonLo, cfg.LonHi))
	case "full-mean":
		sel = t2m
	case "long-sel":
		sel = t2m.Sel(labelled.Slice("time", cfg.LTimeLo, cfg.LTimeHi), labelled.Slice("lat", cfg.LatHi, cfg.LatLo), labelled.Slice("lon", cfg.LonLo, cfg.LonHi))
	default:
		return measurement{}, fmt.Errorf("unknown workload %q", name)
	}
	mean := sel.Mean("time")
	if err := mean.Err(); err != nil {
		return measurement{}, err
	}
	m := measurement{Tasks: int(mean.Data().Tasks()), Shape: sel.Shape()}
	if name == "long-sel" {
		m.Seconds = time.Since(t0).Seconds()
		m.OpenSeconds, m.SelSeconds = tOpen.Sub(t0).Seconds(), time.Since(tOpen).Seconds()
		return m, nil
	}
	d, err := mean.Compute(ctx, ndarray.WithExecutor(ex))
	if err != nil {
		return measurement{}, err
	}
	m.Seconds = time.Since(t0).Seconds()
	return m, child.WriteFloat64s(out, d.Float64s())
}

// ensureLong writes the long-axis store: metadata, consolidated, and the
// coordinates only. Its data chunks are never written (they would read as
// the NaN fill value); the workload builds graphs and never computes.
func ensureLong(ctx context.Context, path string, cfg config) error {
	if _, err := os.Stat(filepath.Join(path, "DONE")); err == nil {
		return nil
	}
	if err := os.RemoveAll(path); err != nil {
		return err
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return err
	}
	s, err := zarr.NewDirectoryStore(path)
	if err != nil {
		return err
	}
	if _, err := zarr.CreateGroup(ctx, s, "", 2, map[string]any{"title": "long time axis, data never written"}); err != nil {
		return err
	}
	hours := make([]int64, cfg.Hours)
	for i := range hours {
		hours[i] = int64(i)
	}
	lat, lon := t2m.LatLon(cfg.LNLat, cfg.LNLon)
	td, _ := block.FromSlice(hours, cfg.Hours)
	latd, _ := block.FromSlice([]float64(lat), len(lat))
	lond, _ := block.FromSlice([]float64(lon), len(lon))
	for _, c := range []struct {
		name  string
		d     *block.Dense
		attrs map[string]any
	}{
		{"time", td, map[string]any{"units": "hours since 2000-01-01 00:00:00", "calendar": "standard"}},
		{"lat", latd, map[string]any{"units": "degrees_north"}},
		{"lon", lond, map[string]any{"units": "degrees_east"}},
	} {
		a, err := zarr.Create(ctx, s, c.name, zarr.CreateOptions{Format: 2, Shape: c.d.Shape(), DType: c.d.DType(),
			Chunks: c.d.Shape(), DimensionNames: []string{c.name}, Attributes: c.attrs})
		if err != nil {
			return err
		}
		if _, err := a.WriteAll(ctx, c.d); err != nil {
			return err
		}
	}
	nan := math.NaN()
	if _, err := zarr.Create(ctx, s, "t2m", zarr.CreateOptions{Format: 2, Shape: []int{cfg.Hours, cfg.LNLat, cfg.LNLon},
		DType: block.Float32, Chunks: cfg.LChunks, FillValue: &nan, DimensionNames: []string{"time", "lat", "lon"},
		Attributes: map[string]any{"units": "K"}}); err != nil {
		return err
	}
	if err := zarr.Consolidate(ctx, s); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(path, "DONE"), nil, 0o644)
}

// ensureCube writes the benchmark cube (package t2m) unless it is there.
func ensureCube(ctx context.Context, path string, cfg config) (bool, error) {
	return t2m.Ensure(ctx, path, t2m.Cube{Days: cfg.Days, NLat: cfg.NLat, NLon: cfg.NLon, Chunks: cfg.Chunks})
}
