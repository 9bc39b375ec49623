// Command memory measures the peak resident memory of budgeted runs
// against their budget, each run in a process of its own (the peak is
// the kernel's VmHWM of that process; for the remote executor, of its
// largest worker), and prints "budget, peak RSS, ratio" per workload:
//
//	go run ./benchmarks/memory                      # every workload, local and remote
//	go run ./benchmarks/memory -only mean,persist -executor local
//	go run ./benchmarks/memory -quick               # small sizes
//
// Each child opts in to the Go memory limit its budget implies
// (cluster.SetGoMemoryLimit); -no-go-limit shows the runs without it. The
// remote runs use remote.StartLocalCluster with 2 workers × 1 thread,
// each with MemoryLimit = the budget.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/tessera-array/tessera/cluster/remote"
)

func main() {
	remote.MaybeServe()
	if childMain() {
		return
	}
	only := flag.String("only", "", "comma-separated workloads (default: all)")
	executors := flag.String("executor", "local,remote", "comma-separated executors")
	budget := flag.Int64("budget", 256<<20, "memory budget, bytes")
	quick := flag.Bool("quick", false, "small sizes")
	noGoLimit := flag.Bool("no-go-limit", false, "do not set the Go memory limit in the children")
	flag.Parse()
	scales := map[string]int{"mean": 100, "rechunk": 10, "persist": 8, "compute": 4, "stack": 8, "stack-rev": 8}
	if *quick {
		scales = map[string]int{"mean": 10, "rechunk": 2, "persist": 4, "compute": 4, "stack": 2, "stack-rev": 2}
	}
	names := []string{"mean", "rechunk", "persist", "compute", "stack", "stack-rev"}
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\texecutor\tdata MB\tbudget MB\tpeak RSS MB\tratio\theld MB\tseconds\t")
	for _, ex := range strings.Split(*executors, ",") {
		for _, name := range names {
			s := spec{Workload: name, Budget: *budget, Scale: scales[name], Executor: ex, NoGoLimit: *noGoLimit}
			r, err := runSpec(s)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s on %s: %v\n", name, ex, err)
				continue
			}
			rss := r.PeakRSS
			if ex == "remote" {
				rss = r.WorkerRSS
			}
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.0f\t%.0f\t%.2f\t%.0f\t%.1f\t\n", name, ex, mb(r.Bytes), mb(r.Budget), mb(rss),
				float64(rss)/float64(r.Budget), mb(r.PeakHeld), r.Seconds)
		}
	}
	tw.Flush()
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// runSpec runs s in a child process (this binary again) and decodes its
// report.
func runSpec(s spec) (report, error) {
	exe, err := os.Executable()
	if err != nil {
		return report{}, err
	}
	js, _ := json.Marshal(s)
	return runIn(exe, nil, s, string(js))
}

func runIn(exe string, args []string, _ spec, js string) (report, error) {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(slices.Clone(os.Environ()), childEnv+"="+js)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return report{}, fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()))
	}
	line := strings.TrimSpace(out.String())
	if i := strings.LastIndexByte(line, '\n'); i >= 0 {
		line = line[i+1:]
	}
	var r report
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		return report{}, fmt.Errorf("bad child output %q: %w", out.String(), err)
	}
	return r, nil
}
