// Command counts benchmarks tessera's Histogram and CumSum against dask
// (Debian's /usr/bin/python3) on the same generated data, each side in a
// process of its own on the same pinned cores, and prints times, peak RSS
// and the ratio.
//
//	go run ./benchmarks/counts          # 2^27 float64 values (1 GiB), 3 runs per side
//	go run ./benchmarks/counts -quick   # 2^20 values, a smoke run
//
// The data is x[i] = frac(i × 0.6180339887498949), generated lazily on both
// sides (tessera: Arange, Mul, Floor, Sub fused into the histogram's
// partial tasks; dask: da.arange and the same arithmetic), so neither side
// reads from disk and both bin bit-identical values. Workloads:
//
//   - histogram: 100 bins over [0, 1] (stats.Histogram vs da.histogram);
//     the counts must be equal.
//   - cumsum: the cumulative sum computed into memory (reduce.CumSum vs
//     da.cumsum(x, axis=0).compute()); the values at n/2 and at the end must
//     agree to 1e-9 relative.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
	"github.com/tessera-array/tessera/stats"
)

// config is the size of one run.
type config struct {
	N, Chunk, Bins int
}

func fullConfig() config  { return config{N: 1 << 27, Chunk: 1 << 22, Bins: 100} }
func quickConfig() config { return config{N: 1 << 20, Chunk: 1 << 16, Bins: 100} }

// measurement is what one side's child prints.
type measurement struct {
	Seconds float64 `json:"seconds"`
	MaxRSS  float64 `json:"maxrss_mb"`
	Counts  []int64 `json:"counts,omitempty"`
	Mid     float64 `json:"mid,omitempty"`
	Last    float64 `json:"last,omitempty"`
}

const phi = 0.6180339887498949

// data is frac(i × phi), lazily.
func data(cfg config) *ndarray.Array {
	x := ndarray.Arange(0, float64(cfg.N), 1, chunk.Uniform(cfg.Chunk)).AsType(block.Float64, block.OverflowError).Mul(phi)
	return ndarray.Sub(x, ndarray.Floor(x))
}

func runTessera(ctx context.Context, workload string, cfg config, cores int) (measurement, error) {
	opt := ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{Workers: cores}))
	t0 := time.Now()
	var m measurement
	switch workload {
	case "histogram":
		h, _ := stats.Histogram(data(cfg), stats.UniformBins(cfg.Bins, 0, 1))
		d, err := h.Compute(ctx, opt)
		if err != nil {
			return m, err
		}
		m.Counts = d.Data().([]int64)
	case "cumsum":
		d, err := reduce.CumSum(data(cfg), 0).Compute(ctx, opt)
		if err != nil {
			return m, err
		}
		m.Mid, m.Last = d.Float64(cfg.N/2), d.Float64(cfg.N-1)
	default:
		return m, fmt.Errorf("unknown workload %q", workload)
	}
	m.Seconds = time.Since(t0).Seconds()
	return m, nil
}

func main() {
	quick := flag.Bool("quick", false, "small sizes (a smoke run)")
	cores := flag.Int("cores", min(2, runtime.NumCPU()), "cores for each side")
	pin := flag.Bool("pin", true, "bind both sides to the same CPUs with taskset when available")
	runs := flag.Int("runs", 3, "runs per side and workload")
	workloads := flag.String("workloads", "histogram,cumsum", "comma-separated workloads to run")
	childW := flag.String("child", "", "internal: run one tessera workload and print JSON")
	cfgJSON := flag.String("config", "", "internal: config for -child")
	flag.Parse()
	if *childW != "" {
		var cfg config
		if err := json.Unmarshal([]byte(*cfgJSON), &cfg); err != nil {
			fatal(fmt.Errorf("-config: %w", err))
		}
		m, err := runTessera(context.Background(), *childW, cfg, *cores)
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
	if err := run(cfg, strings.Split(*workloads, ","), *cores, *runs, *pin); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "counts bench:", err)
	os.Exit(1)
}

func findScript() string {
	return child.FindScript("benchmarks/counts", "dask_bench.py", "dask.array", "numpy")
}

func peerArgs(script, workload string, cfg config, cores int) []string {
	return []string{script, workload, strconv.Itoa(cfg.N), strconv.Itoa(cfg.Chunk), strconv.Itoa(cfg.Bins), strconv.Itoa(cores)}
}

// agree reports whether both sides computed the same answer.
func agree(workload string, a, b measurement) error {
	if workload == "histogram" {
		if !slices.Equal(a.Counts, b.Counts) {
			return fmt.Errorf("histogram counts differ: tessera %v, dask %v", a.Counts, b.Counts)
		}
		return nil
	}
	for _, p := range [][2]float64{{a.Mid, b.Mid}, {a.Last, b.Last}} {
		if math.Abs(p[0]-p[1]) > 1e-9*math.Max(1, math.Abs(p[1])) {
			return fmt.Errorf("cumsum differs: tessera %v, dask %v", p[0], p[1])
		}
	}
	return nil
}

func run(cfg config, workloads []string, cores, runs int, pin bool) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	script := findScript()
	cj, _ := json.Marshal(cfg)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "workload\tn\ttessera s\tdask s\tdask/tessera\ttessera RSS MB\tdask RSS MB\n")
	for _, w := range workloads {
		var ts, ps []float64
		var trss, prss float64
		var tm, pm measurement
		for range runs {
			rss, err := child.Run(&tm, pin, cores, self, "-child", w, "-config", string(cj), "-cores", strconv.Itoa(cores))
			if err != nil {
				return fmt.Errorf("tessera %s: %w", w, err)
			}
			ts, trss = append(ts, tm.Seconds), max(trss, rss, tm.MaxRSS)
			if script == "" {
				continue
			}
			rss, err = child.Run(&pm, pin, cores, "/usr/bin/python3", peerArgs(script, w, cfg, cores)...)
			if err != nil {
				return fmt.Errorf("dask %s: %w", w, err)
			}
			ps, prss = append(ps, pm.Seconds), max(prss, rss, pm.MaxRSS)
			if err := agree(w, tm, pm); err != nil {
				return err
			}
		}
		t := median(ts)
		if script == "" {
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t-\t-\t%.0f\t-\n", w, cfg.N, t, trss)
			continue
		}
		p := median(ps)
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.2fx\t%.0f\t%.0f\n", w, cfg.N, t, p, p/t, trss, prss)
	}
	return tw.Flush()
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
