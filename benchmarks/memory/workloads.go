package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tessera-array/tessera/benchmarks/internal/source"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// spec is one budgeted run: a workload at a scale, under a budget, on an
// executor, in a process of its own.
type spec struct {
	Workload string `json:"workload"`
	Budget   int64  `json:"budget"`
	Scale    int    `json:"scale"`    // workload size knob (see workloads)
	Executor string `json:"executor"` // "local" or "remote"
	// NoGoLimit leaves the Go runtime's memory limit unset (the default
	// is cluster.SetGoMemoryLimit(budget), the opt-in a budgeted process
	// makes).
	NoGoLimit bool `json:"no_go_limit,omitempty"`
}

// report is what a child prints as its last line.
type report struct {
	spec
	Bytes     int64   `json:"bytes"`      // data the workload went through
	PeakRSS   int64   `json:"peak_rss"`   // this process's VmHWM, bytes
	WorkerRSS int64   `json:"worker_rss"` // the largest worker VmHWM (remote)
	PeakHeld  int64   `json:"peak_held"`  // the executor's own accounting
	Seconds   float64 `json:"seconds"`
	Value     float64 `json:"value"`
}

// A workload builds and runs its computation on ex and returns the data
// size it went through and a value to check.
type workload func(ctx context.Context, ex cluster.Executor, s spec) (bytes int64, value float64, err error)

var workloads = map[string]workload{
	// The mean of a lazy random array: Scale × 600 MB (Scale 100: the
	// seed's 60 GB, 10000×7500×100 float64 in 400×400×100 chunks).
	"mean": func(ctx context.Context, ex cluster.Executor, s spec) (int64, float64, error) {
		a := ndarray.Random([]int{10000, 7500, s.Scale}, chunk.PerAxis(400, 400, 100), 0)
		m, err := reduce.Mean(a).Compute(ctx, ndarray.WithExecutor(ex))
		if err != nil {
			return 0, 0, err
		}
		return a.Nbytes(), m.Float64s()[0], nil
	},
	// A two-stage rechunk of Scale×1000 × 7500 float64 (Scale 10: 600
	// MB), 400² → full columns of 10 → 400², summed; each stage is
	// planned to a quarter of the budget per task.
	"rechunk": func(ctx context.Context, ex cluster.Executor, s spec) (int64, float64, error) {
		rows := s.Scale * 1000
		grid, err := chunk.NewRegularGrid([]int{rows, 7500}, []int{400, 400})
		if err != nil {
			return 0, 0, err
		}
		a := ndarray.MapBlocks("memory.random", nil, block.Float64, grid.Chunks(), nil)
		y := a.Rechunk(chunk.PerAxis(rows, 10), ndarray.RechunkMemory(s.Budget/4)).
			Rechunk(chunk.PerAxis(400, 400), ndarray.RechunkMemory(s.Budget/4))
		m, err := reduce.Sum(y).Compute(ctx, ndarray.WithExecutor(ex))
		if err != nil {
			return 0, 0, err
		}
		return a.Nbytes(), m.Float64s()[0], nil
	},
	// Persist a Scale × budget/4 random float64 array (spilling what does
	// not fit), take its mean from the persisted blocks, release it.
	"persist": func(ctx context.Context, ex cluster.Executor, s spec) (int64, float64, error) {
		n := int(math.Sqrt(float64(int64(s.Scale) * s.Budget / 4 / 8)))
		n -= n % 256
		a := ndarray.Random([]int{n, n}, chunk.PerAxis(256, 256), 2)
		p, err := a.Persist(ctx, ex.(cluster.Persister))
		if err != nil {
			return 0, 0, err
		}
		defer p.Release(ex.(cluster.Persister))
		m, err := reduce.Mean(p).Compute(ctx, ndarray.WithExecutor(ex))
		if err != nil {
			return 0, 0, err
		}
		return a.Nbytes(), m.Float64s()[0], nil
	},
	// Compute a random float64 array whose result is Scale/8 of the budget
	// (the assembled result counts against it).
	"compute": func(ctx context.Context, ex cluster.Executor, s spec) (int64, float64, error) {
		n := int(math.Sqrt(float64(int64(s.Scale) * s.Budget / 8 / 8)))
		a := ndarray.Random([]int{n, n}, chunk.PerAxis(512, 512), 3)
		d, err := a.Compute(ctx, ndarray.WithExecutor(ex))
		if err != nil {
			return 0, 0, err
		}
		return a.Nbytes(), d.At(n-1, n-1), nil
	},
	// The two NanMeans of a 10-date float32 stack of Scale×1024 squared
	// images in 1024² chunks, over time and over space, with the mean
	// over space first (the order that once held every partial).
	"stack": stack(false),
	// The same with the mean over time first.
	"stack-rev": stack(true),
}

func init() {
	// memory.random: materialised random blocks (benchmarks/internal/source).
	ndarray.RegisterFunc("memory.random", source.RandomBlock)
}

func stack(timeFirst bool) workload {
	return func(ctx context.Context, ex cluster.Executor, s spec) (int64, float64, error) {
		n := s.Scale * 1024
		var dates []*ndarray.Array
		for t := range 10 {
			dates = append(dates, ndarray.Random([]int{n, n}, chunk.PerAxis(1024, 1024), uint64(t)).AsType(block.Float32, block.OverflowClip))
		}
		a := ndarray.Stack(dates, 0)
		overTime := reduce.NanMean(a, reduce.Axis(0))
		overSpace := reduce.NanMean(a, reduce.Axis(1, 2))
		arrays := []*ndarray.Array{overSpace, overTime}
		if timeFirst {
			arrays = []*ndarray.Array{overTime, overSpace}
		}
		out, err := ndarray.Compute(ctx, arrays, ndarray.WithExecutor(ex))
		if err != nil {
			return 0, 0, err
		}
		space := out[0]
		if timeFirst {
			space = out[1]
		}
		return a.Nbytes(), space.Float64s()[0], nil
	}
}

// runChild runs one spec in this process and returns its report.
func runChild(ctx context.Context, s spec) (report, error) {
	w, ok := workloads[s.Workload]
	if !ok {
		return report{}, fmt.Errorf("no workload %q", s.Workload)
	}
	if !s.NoGoLimit {
		cluster.SetGoMemoryLimit(s.Budget)
	}
	var peak int64
	progress := func(p cluster.Progress) { peak = max(peak, p.PeakBytes) }
	var ex cluster.Executor
	switch s.Executor {
	case "local":
		dir, err := os.MkdirTemp("", "tessera-memory-")
		if err != nil {
			return report{}, err
		}
		defer os.RemoveAll(dir)
		ex = cluster.NewLocal(cluster.LocalOptions{MemoryBudget: s.Budget, Progress: progress,
			SpillDir: dir, SpillDecode: ndarray.DecodeSpilled})
	case "remote":
		var stderr *os.File
		if os.Getenv("TESSERA_MEMORY_WORKER_STDERR") != "" {
			stderr = os.Stderr
		}
		c, err := remote.StartLocalCluster(ctx, remote.LocalClusterOptions{Workers: 2, Threads: 1, MemoryLimit: s.Budget, Stderr: stderr,
			Scheduler: remote.SchedulerOptions{Progress: func(_ string, p cluster.Progress) { peak = max(peak, p.HeldBytes) }}})
		if err != nil {
			return report{}, err
		}
		defer c.Close()
		ex = c
	default:
		return report{}, fmt.Errorf("no executor %q", s.Executor)
	}
	t0 := time.Now()
	n, v, err := w(ctx, ex, s)
	if err != nil {
		return report{}, err
	}
	r := report{spec: s, Bytes: n, PeakHeld: peak, Seconds: time.Since(t0).Seconds(), Value: v, PeakRSS: hwm("self"), WorkerRSS: childrenHWM()}
	return r, nil
}

// childEnv names the spec a re-executed binary runs as a child.
const childEnv = "TESSERA_MEMORY_CHILD"

// childMain runs the spec in the environment, if any, prints its report
// as JSON and reports whether it did.
func childMain() bool {
	js := os.Getenv(childEnv)
	if js == "" {
		return false
	}
	var s spec
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		fmt.Fprintln(os.Stderr, "memory child:", err)
		os.Exit(2)
	}
	r, err := runChild(context.Background(), s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "memory child:", err)
		os.Exit(1)
	}
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
	return true
}

// hwm reads VmHWM (peak resident set) of a process from /proc, in bytes
// (0 when unknown).
func hwm(pid string) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// childrenHWM is the largest VmHWM of this process's live children (the
// workers of a local process cluster).
func childrenHWM() int64 {
	me := strconv.Itoa(os.Getpid())
	ents, _ := os.ReadDir("/proc")
	var most int64
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		if f := strings.Fields(s[i+1:]); len(f) > 1 && f[1] == me {
			most = max(most, hwm(e.Name()))
		}
	}
	return most
}
