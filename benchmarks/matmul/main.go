// Command matmul benchmarks linalg.Matmul against dask.array's a @ b
// (Debian's /usr/bin/python3, numpy on the system BLAS: the reference
// netlib libblas3 on this machine, OpenBLAS where installed), each side in a process
// of its own pinned to the same cores, with as many workers as cores and
// one BLAS thread per dask worker, and prints times, peak RSS and ratios.
//
//	go run ./benchmarks/matmul            # two 8000×8000 float64, 2000×2000 chunks
//	go run ./benchmarks/matmul -quick     # 1200×1200, 300×300 chunks
//
// Both sides build the same operands from a formula of the indices
// (a[i,j] = ((7i+13j) mod 101)/101 - 0.5, b[i,j] = ((11i+3j) mod 97)/97 -
// 0.5), made inside the tasks, and reduce c = a @ b to sum(c) and
// sum(c·c) in the same graph, so the product is computed in full but
// never gathered; the checksums are compared. tessera's blocks are
// products by gonum's pure-Go dgemm (no OpenBLAS).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/linalg"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// measurement is what one side's child prints.
type measurement struct {
	Seconds float64 `json:"seconds"`
	MaxRSS  float64 `json:"maxrss_mb"`
	Sum     float64 `json:"sum"`
	SumSq   float64 `json:"sumsq"`
}

func main() {
	quick := flag.Bool("quick", false, "small sizes (a smoke run)")
	n := flag.Int("n", 8000, "matrix size")
	c := flag.Int("chunk", 2000, "chunk size (square)")
	cores := flag.Int("cores", min(2, runtime.NumCPU()), "cores for each side")
	pin := flag.Bool("pin", true, "bind both sides to the same CPUs with taskset when available")
	runs := flag.Int("runs", 1, "runs per side")
	budget := flag.Int64("budget", 1<<30, "tessera's executor memory budget in bytes (0: none); the Go memory limit follows it")
	isChild := flag.Bool("child", false, "internal: run the tessera side and print JSON")
	flag.Parse()
	if *quick {
		*n, *c = 1200, 300
	}
	if *isChild {
		m, err := runTessera(context.Background(), *n, *c, *cores, *budget)
		if err != nil {
			fatal(err)
		}
		m.MaxRSS = float64(child.SelfMaxRSS()) / 1024
		fmt.Printf(`{"seconds":%g,"maxrss_mb":%g,"sum":%g,"sumsq":%g}`+"\n", m.Seconds, m.MaxRSS, m.Sum, m.SumSq)
		return
	}
	if *runs < 1 || *cores < 1 || *n < 1 || *c < 1 {
		fatal(errors.New("-runs, -cores, -n and -chunk must be at least 1"))
	}
	if err := run(*n, *c, *cores, *runs, *pin, *budget); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "matmul bench:", err)
	os.Exit(1)
}

// operands are the benchmark's a and b, generator expressions evaluated
// inside the blocks that read them.
func operands(n, c int) (a, b *ndarray.Array) {
	i := ndarray.Arange(0, float64(n), 1, chunk.Uniform(c)).Reshape([]int{n, 1})
	j := ndarray.Arange(0, float64(n), 1, chunk.Uniform(c)).Reshape([]int{1, n})
	mod := func(x *ndarray.Array, m float64) *ndarray.Array {
		return ndarray.Sub(x, ndarray.Mul(ndarray.Floor(ndarray.Div(x, m)), m))
	}
	x := ndarray.Add(ndarray.Mul(i, 7.0), ndarray.Mul(j, 13.0))
	y := ndarray.Add(ndarray.Mul(i, 11.0), ndarray.Mul(j, 3.0))
	a = ndarray.Sub(ndarray.Div(mod(x, 101), 101.0), 0.5)
	b = ndarray.Sub(ndarray.Div(mod(y, 97), 97.0), 0.5)
	return a.Rechunk(chunk.Uniform(c)), b.Rechunk(chunk.Uniform(c))
}

// runTessera computes the checksums of a @ b with cores workers within
// the memory budget (0: none).
func runTessera(ctx context.Context, n, c, cores int, budget int64) (measurement, error) {
	t0 := time.Now()
	a, b := operands(n, c)
	p := linalg.Matmul(a, b)
	if budget > 0 {
		cluster.SetGoMemoryLimit(budget)
	}
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores, MemoryBudget: budget})
	res, err := ndarray.Compute(ctx, []*ndarray.Array{reduce.Sum(p), reduce.Sum(ndarray.Mul(p, p))}, ndarray.WithExecutor(ex))
	if err != nil {
		return measurement{}, err
	}
	return measurement{Seconds: time.Since(t0).Seconds(), Sum: res[0].Float64(0), SumSq: res[1].Float64(0)}, nil
}

func run(n, c, cores, runs int, pin bool, budget int64) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	script := child.FindScript("benchmarks/matmul", "dask_matmul.py", "dask.array")
	args := []string{"-child", "-n", strconv.Itoa(n), "-chunk", strconv.Itoa(c), "-cores", strconv.Itoa(cores), "-budget", strconv.FormatInt(budget, 10)}
	var ts, ds []measurement
	for range runs {
		var m measurement
		if _, err := child.Run(&m, pin, cores, self, args...); err != nil {
			return fmt.Errorf("tessera: %w", err)
		}
		ts = append(ts, m)
		if script != "" {
			var d measurement
			if _, err := child.Run(&d, pin, cores, "/usr/bin/python3", script, strconv.Itoa(n), strconv.Itoa(c), strconv.Itoa(cores)); err != nil {
				return fmt.Errorf("dask: %w", err)
			}
			ds = append(ds, d)
		}
	}
	tm := best(ts)
	fmt.Printf("a @ b, a and b %d×%d float64 in %d×%d chunks, %d cores per side (pinned %v), best of %d\n", n, n, c, c, cores, pin, runs)
	fmt.Printf("tessera (gonum pure-Go dgemm, budget %d MiB): %.2f s, peak RSS %.0f MB, sum %.6g\n", budget>>20, tm.Seconds, tm.MaxRSS, tm.Sum)
	if script == "" {
		fmt.Println("(dask side skipped: /usr/bin/python3 with dask.array not found; run ./scripts/setup.sh)")
		return nil
	}
	dm := best(ds)
	fmt.Printf("dask (numpy + Debian BLAS):    %.2f s, peak RSS %.0f MB, sum %.6g\n", dm.Seconds, dm.MaxRSS, dm.Sum)
	fmt.Printf("time ratio dask/tessera %.2fx (target >= 1x), RSS ratio tessera/dask %.2f (target <= 0.5)\n", dm.Seconds/tm.Seconds, tm.MaxRSS/dm.MaxRSS)
	if d := relDiff(tm, dm); d > 1e-9 {
		return fmt.Errorf("checksums differ: tessera %v %v, dask %v %v (relative %.3g)", tm.Sum, tm.SumSq, dm.Sum, dm.SumSq, d)
	}
	return nil
}

func best(ms []measurement) measurement {
	return slices.MinFunc(ms, func(a, b measurement) int {
		return int(math.Copysign(1, a.Seconds-b.Seconds))
	})
}

// relDiff is the larger relative difference of the two checksums.
func relDiff(a, b measurement) float64 {
	r := func(x, y float64) float64 { return math.Abs(x-y) / math.Max(math.Abs(y), 1) }
	return max(r(a.Sum, b.Sum), r(a.SumSq, b.SumSq))
}
