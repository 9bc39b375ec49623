// Command sidebyside runs the same workloads with tessera and with its peer
// (dask, via Debian's /usr/bin/python3) at equal cores, and prints a ratio
// table. Each workload runs in its own process on both sides so that peak
// resident memory is measured per workload.
//
//	go run ./benchmarks/sidebyside                  # the seed's 60 GB mean, 600 GB, scheduler overhead
//	go run ./benchmarks/sidebyside -quick           # small sizes, for a smoke run
//	go run ./benchmarks/sidebyside -only mean60
//	go run ./benchmarks/sidebyside -only remote-tasks,remote-mean
//
// The remote workloads run tessera's remote scheduler on a local cluster of
// -cores worker processes × 1 thread (this binary, started again as
// workers) against dask.distributed's LocalCluster of the same size, and
// report the local executor's time on the same graph beside them.
//
//	go run ./benchmarks/sidebyside -only rechunk,overlap
//
// Cores are pinned equal: tessera runs with GOMAXPROCS=-cores workers, dask
// with the threaded scheduler and num_workers=-cores; with -pin both are
// also bound to the same CPUs with taskset.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// measurement is what one side reports for one workload.
type measurement struct {
	Seconds float64 `json:"seconds"`
	Value   float64 `json:"value"`
	MaxRSS  float64 `json:"maxrss_mb"`
	Tasks   int     `json:"tasks,omitempty"`
	// LocalSeconds is the same graph on the local executor, measured in
	// the same child (remote workloads only).
	LocalSeconds float64 `json:"local_seconds,omitempty"`
}

type workload struct {
	name   string
	what   string
	size   int    // tessera's size parameter
	peer   string // dask workload name ("" = none)
	psize  int    // dask's size parameter
	target string
	// ratio computes the row's figure from tessera's and the peer's results.
	ratio func(t, p measurement) string
}

func speedup(t, p measurement) string { return fmt.Sprintf("%.2fx faster", p.Seconds/t.Seconds) }

func speedAndRSS(t, p measurement) string {
	return fmt.Sprintf("%.2fx faster, %.2fx the RSS", p.Seconds/t.Seconds, t.MaxRSS/p.MaxRSS)
}

func main() {
	remote.MaybeServe() // the remote workloads start this binary as their workers
	quick := flag.Bool("quick", false, "small sizes (a smoke run of a few seconds)")
	cores := flag.Int("cores", runtime.NumCPU(), "cores for each side")
	pin := flag.Bool("pin", true, "bind both sides to the same CPUs with taskset when available")
	only := flag.String("only", "", "comma-separated workload names to run (default all)")
	child := flag.String("child", "", "internal: run one tessera workload and print JSON")
	size := flag.Int("size", 0, "internal: size for -child")
	cpuprofile := flag.String("cpuprofile", "", "with -child: write a CPU profile to this file")
	flag.Parse()
	if *child != "" {
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				fatal(err)
			}
			defer pprof.StopCPUProfile()
		}
		m, err := runTessera(*child, *size, *cores)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = json.NewEncoder(os.Stdout).Encode(m)
		return // deferred: stop the profile
	}
	rows := 10000
	tasks := 500_000
	daskTasks := 50_000
	remoteTasks, daskRemoteTasks := 20_000, 5_000
	if *quick {
		rows, tasks, daskTasks = 400, 50_000, 5_000
		remoteTasks, daskRemoteTasks = 2_000, 1_000
	}
	var mean60 measurement
	all := []workload{
		{name: "mean60", what: fmt.Sprintf("mean of %dx7500x100 random (%.0f GB) vs da.random.random", rows, float64(rows)*7500*100*8/1e9), size: rows, peer: "mean_random", psize: rows, target: ">= 5x faster, RSS <= 256 MB", ratio: speedup},
		{name: "mean60-pcg", what: "same vs dask with numpy PCG64 per chunk", size: rows, peer: "mean_pcg64", psize: rows, target: ">= 3x faster", ratio: speedup},
		{name: "mean600", what: fmt.Sprintf("mean of %dx7500x100 random (%.0f GB), ratio to mean60", 10*rows, float64(rows)*7500*100*80/1e9), size: 10 * rows, target: "<= 10.5x the 60 GB time, RSS <= 256 MB",
			ratio: func(t, _ measurement) string {
				if mean60.Seconds == 0 {
					return "n/a"
				}
				return fmt.Sprintf("%.2fx the mean60 time", t.Seconds/mean60.Seconds)
			}},
		{name: "tasks", what: fmt.Sprintf("scheduler: tree of %d tasks (dask: %d tasks), per task", 2*tasks-1, 2*daskTasks-1), size: tasks, peer: "tasks", psize: daskTasks, target: "<= 5 us/task",
			ratio: func(t, p measurement) string {
				tt := t.Seconds / float64(2*tasks-1) * 1e6
				pt := p.Seconds / float64(2*daskTasks-1) * 1e6
				return fmt.Sprintf("%.2f us vs %.1f us per task (%.0fx)", tt, pt, pt/tt)
			}},
		{name: "remote-tasks", what: fmt.Sprintf("remote scheduler, %d worker processes x 1 thread: tree of %d tasks (dask.distributed LocalCluster of the same size: %d tasks)", *cores, 2*remoteTasks-1, 2*daskRemoteTasks-1),
			size: remoteTasks, peer: "tasks_distributed", psize: daskRemoteTasks, target: "faster than dask.distributed per task",
			ratio: func(t, p measurement) string {
				tt := t.Seconds / float64(2*remoteTasks-1) * 1e6
				lt := t.LocalSeconds / float64(2*remoteTasks-1) * 1e6
				pt := p.Seconds / float64(2*daskRemoteTasks-1) * 1e6
				return fmt.Sprintf("%.0f us/task remote (%.0f tasks/s) vs %.2f us local (%.0fx slower) vs %.0f us dask.distributed (%.1fx faster)", tt, 1e6/tt, lt, tt/lt, pt, pt/tt)
			}},
		{name: "remote-mean", what: fmt.Sprintf("mean of %dx7500x100 random (%.0f GB) on %d worker processes vs dask.distributed LocalCluster", rows/10, float64(rows/10)*7500*100*8/1e9, *cores),
			size: rows / 10, peer: "mean_random_distributed", psize: rows / 10, target: "within 10% of the local executor",
			ratio: func(t, p measurement) string {
				return fmt.Sprintf("%.2fx the local executor's time; %.2fx faster than dask.distributed", t.Seconds/t.LocalSeconds, p.Seconds/t.Seconds)
			}},
	}
	overlapN := 10000
	if *quick {
		overlapN = 1000
	}
	all = append(all,
		workload{name: "rechunk", what: fmt.Sprintf("rechunk %dx7500 float64 400x400 -> %dx10 -> 400x400, then sum, 1 GB budget", rows, rows), size: rows, peer: "rechunk", psize: rows,
			target: ">= 2x faster, RSS <= 0.5x dask", ratio: speedAndRSS},
		workload{name: "overlap", what: fmt.Sprintf("map_overlap 3x3 mean (reflect) of %dx%d float32 random, 1000^2 chunks, then sum", overlapN, overlapN), size: overlapN, peer: "overlap", psize: overlapN,
			target: ">= 2x faster", ratio: speedAndRSS},
	)
	want := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s != "" {
			want[s] = true
		}
	}
	self, err := os.Executable()
	if err != nil {
		fatal(err)
	}
	script := findScript()
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "workload\ttessera s\ttessera RSS MB\tdask s\tdask RSS MB\tresult\ttarget\n")
	for _, w := range all {
		if len(want) > 0 && !want[w.name] {
			continue
		}
		fmt.Fprintf(os.Stderr, "running %s: %s\n", w.name, w.what)
		t, err := runChild(*pin, *cores, self, "-child", w.name, "-size", strconv.Itoa(w.size), "-cores", strconv.Itoa(*cores))
		if err != nil {
			fatal(fmt.Errorf("tessera %s: %w", w.name, err))
		}
		if w.name == "mean60" {
			mean60 = t
		}
		var p measurement
		ps, prss := "-", "-"
		if w.peer != "" && script != "" {
			p, err = runChild(*pin, *cores, "/usr/bin/python3", script, w.peer, strconv.Itoa(w.psize), strconv.Itoa(*cores))
			if err != nil {
				fatal(fmt.Errorf("dask %s: %w", w.name, err))
			}
			ps, prss = fmt.Sprintf("%.2f", p.Seconds), fmt.Sprintf("%.0f", p.MaxRSS)
		}
		res := "-"
		if w.peer == "" || script != "" {
			res = w.ratio(t, p)
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.0f\t%s\t%s\t%s\t%s\n", w.name, t.Seconds, t.MaxRSS, ps, prss, res, w.target)
	}
	tw.Flush()
	fmt.Printf("cores per side: %d (pinned: %v)\n", *cores, *pin)
	os.Stdout.Write(table.Bytes())
	if script == "" {
		fmt.Println("(dask side skipped: /usr/bin/python3 with dask not found; run ./scripts/setup.sh)")
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "sidebyside:", err)
	os.Exit(1)
}

// findScript locates dask_workloads.py beside this source file and checks
// that Debian's python has dask.
func findScript() string {
	return child.FindScript("benchmarks/sidebyside", "dask_workloads.py", "dask.array")
}

// runChild runs a command and decodes its measurement; the kernel's peak
// RSS of the child wins when it is larger than what the child said.
func runChild(pin bool, cores int, name string, args ...string) (measurement, error) {
	var m measurement
	rss, err := child.Run(&m, pin, cores, name, args...)
	if err != nil {
		return measurement{}, err
	}
	m.MaxRSS = max(m.MaxRSS, rss)
	return m, nil
}

// runTessera is the child side: one workload in this fresh process.
func runTessera(name string, size, cores int) (measurement, error) {
	ctx := context.Background()
	switch name {
	case "mean60", "mean60-pcg", "mean600":
		a := ndarray.Random([]int{size, 7500, 100}, chunk.PerAxis(400, 400, 100), 0)
		t0 := time.Now()
		ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores})
		m, err := reduce.Mean(a).Compute(ctx, ndarray.WithExecutor(ex))
		if err != nil {
			return measurement{}, err
		}
		return measurement{Seconds: time.Since(t0).Seconds(), Value: m.Float64s()[0], MaxRSS: float64(child.SelfMaxRSS()) / 1024}, nil
	case "remote-tasks", "remote-mean":
		return runRemote(ctx, name, size, cores)
	case "rechunk":
		return runRechunk(ctx, size, cores)
	case "overlap":
		return runOverlap(ctx, size, cores)
	case "tasks":
		g, root := treeGraph(size)
		ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores})
		t0 := time.Now()
		var v float64
		err := ex.Run(ctx, g, []cluster.Key{root}, func(_ cluster.Key, val cluster.Value) error {
			v = float64(val.(num))
			return nil
		})
		return measurement{Seconds: time.Since(t0).Seconds(), Value: v, Tasks: g.Len(), MaxRSS: float64(child.SelfMaxRSS()) / 1024}, err
	}
	return measurement{}, fmt.Errorf("unknown workload %q", name)
}
