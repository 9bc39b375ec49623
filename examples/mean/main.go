// Command mean tells the seed's three headline stories on one machine:
//
//  1. lazily build a random float64 array of shape rows×7500×100 in
//     400×400×100 chunks and print its mean (rows=10000 is the seed's 60 GB);
//  2. the same at ten times the rows (the seed's 600 GB);
//  3. persist a random array into memory, then take its mean from the
//     persisted blocks.
//
// Each story prints the value, the wall time and the peak memory (resident
// set) of the process during the story, with a progress bar on stderr.
// Defaults finish in seconds on a 2-core laptop; -full selects the seed's
// sizes (60 GB and 600 GB means; the persisted array stays at -persist-rows
// because it must fit in RAM).
//
//	go run ./examples/mean            # 6 GB, 60 GB and a 600 MB persisted array
//	go run ./examples/mean -full      # 60 GB, 600 GB
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/progress"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

func main() {
	rows := flag.Int("rows", 1000, "rows of the story-1 array (10000 is the seed's 60 GB); story 2 uses ten times as many")
	full := flag.Bool("full", false, "use the seed's sizes: -rows 10000 (60 GB and 600 GB)")
	persistRows := flag.Int("persist-rows", 1000, "rows of the persisted array (×750×100 float64: 1000 rows is 600 MB)")
	workers := flag.Int("workers", 0, "tasks at once (0: GOMAXPROCS)")
	quiet := flag.Bool("quiet", false, "no progress bar")
	flag.Parse()
	if *full {
		*rows = 10000
	}
	var bar io.Writer = os.Stderr
	if *quiet {
		bar = io.Discard
	}
	if err := run(context.Background(), os.Stdout, bar, *rows, *persistRows, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "mean:", err)
		os.Exit(1)
	}
}

// Result is one story's outcome.
type Result struct {
	Name     string
	GB       float64
	Mean     float64
	Wall     time.Duration
	PeakRSS  int64 // bytes; -1 when unknown
	NumTasks int
}

func run(ctx context.Context, out, bar io.Writer, rows, persistRows, workers int) error {
	spec := chunk.PerAxis(400, 400, 100)
	stories := []struct {
		name string
		rows int
	}{
		{"mean of random", rows},
		{"mean of random, 10x", 10 * rows},
	}
	for _, s := range stories {
		r, err := MeanOfRandom(ctx, s.name, []int{s.rows, 7500, 100}, spec, workers, progress.New(bar, s.name))
		if err != nil {
			return err
		}
		report(out, r)
	}
	r, err := PersistThenMean(ctx, []int{persistRows, 750, 100}, spec, workers, progress.New(bar, "persist+mean"))
	if err != nil {
		return err
	}
	report(out, r)
	return nil
}

func report(w io.Writer, r Result) {
	rss := "n/a"
	if r.PeakRSS >= 0 {
		rss = fmt.Sprintf("%.0f MB", float64(r.PeakRSS)/1e6)
	}
	fmt.Fprintf(w, "%-22s %8.1f GB  mean %.12f  %8.2fs  peak RSS %s  (%d tasks)\n", r.Name, r.GB, r.Mean, r.Wall.Seconds(), rss, r.NumTasks)
}

// MeanOfRandom computes the mean of a lazy uniform random array.
func MeanOfRandom(ctx context.Context, name string, shape []int, spec chunk.Spec, workers int, bar *progress.Bar) (Result, error) {
	resetPeakRSS()
	start := time.Now()
	a := ndarray.Random(shape, spec, 0)
	tasks := 0
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: workers, Progress: func(p cluster.Progress) {
		tasks = p.Total
		bar.Update(p)
	}})
	m, err := reduce.Mean(a).Compute(ctx, ndarray.WithExecutor(ex))
	bar.Finish()
	if err != nil {
		return Result{}, err
	}
	return Result{Name: name, GB: float64(a.Nbytes()) / 1e9, Mean: m.Float64s()[0], Wall: time.Since(start), PeakRSS: peakRSS(), NumTasks: tasks}, nil
}

// PersistThenMean persists a random array in memory and takes its mean
// from the persisted blocks; the reported time is the mean's alone.
func PersistThenMean(ctx context.Context, shape []int, spec chunk.Spec, workers int, bar *progress.Bar) (Result, error) {
	resetPeakRSS()
	tasks := 0
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: workers, Progress: func(p cluster.Progress) {
		tasks = p.Total
		bar.Update(p)
	}})
	a, err := ndarray.Random(shape, spec, 1).Persist(ctx, ex)
	bar.Finish()
	if err != nil {
		return Result{}, err
	}
	defer a.Release(ex)
	start := time.Now()
	m, err := reduce.Mean(a).Compute(ctx, ndarray.WithExecutor(ex))
	bar.Finish()
	if err != nil {
		return Result{}, err
	}
	return Result{Name: "mean after persist", GB: float64(a.Nbytes()) / 1e9, Mean: m.Float64s()[0], Wall: time.Since(start), PeakRSS: peakRSS(), NumTasks: tasks}, nil
}

// peakRSS reads the process's peak resident set (VmHWM) on Linux.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return -1
			}
			return kb * 1024
		}
	}
	return -1
}

// resetPeakRSS returns freed memory to the OS and restarts the peak count
// (Linux clear_refs value 5), so each story reports its own peak.
func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}
