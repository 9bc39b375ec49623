// Command slurm tells the seed's cluster story with tessera: start workers
// as Slurm batch jobs (dask-jobqueue's SLURMCluster parameters), scale to
// -workers workers, compute the mean of a lazy random array of
// rows×7500×100 float64 and of ten times that, then persist an array in
// the workers' memory and take its mean from the persisted blocks. The same
// graphs run as on one machine; Slurm places the jobs.
//
//	go build -o meanjob ./examples/slurm
//	./meanjob -queue short,brief-low -account lab -cores 24 -processes 6 \
//	    -memory 96GB -walltime 02:00:00 -workers 24 -rows 10000 \
//	    -prologue 'module load singularity' \
//	    -command 'singularity exec --bind /data /images/tessera.sif /opt/app/meanjob'
//
// The workers are this same binary (remote.MaybeServe at the top of main),
// started through -command when a container wraps it. -print-script prints
// the job script and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/cluster/slurm"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

func main() {
	remote.MaybeServe() // a Slurm job started this binary as a worker
	var o slurm.Options
	var extra, skip, prologue, command string
	flag.StringVar(&o.Queue, "queue", "", "partition(s), comma separated")
	flag.StringVar(&o.Account, "account", "", "account to charge")
	flag.IntVar(&o.Cores, "cores", 1, "cores per job")
	flag.IntVar(&o.Processes, "processes", 1, "worker processes per job")
	flag.StringVar(&o.Memory, "memory", "", "memory per job (e.g. 96GB)")
	flag.StringVar(&o.Walltime, "walltime", "00:30:00", "walltime per job")
	flag.StringVar(&extra, "extra", "", "extra #SBATCH directives, ';' separated")
	flag.StringVar(&skip, "skip", "", "generated directives to drop, ';' separated (e.g. --mem)")
	flag.StringVar(&prologue, "prologue", "", "job script lines before the workers, ';' separated")
	flag.StringVar(&o.Interface, "interface", "", "workers' network interface")
	flag.StringVar(&o.SchedulerInterface, "scheduler-interface", "", "scheduler's network interface")
	flag.StringVar(&o.LocalDirectory, "local-directory", "", "workers' spill directory")
	flag.DurationVar(&o.DeathTimeout, "death-timeout", time.Minute, "workers exit when the scheduler is unreachable this long")
	flag.StringVar(&command, "command", "", "worker command prefix (container); default: this binary")
	flag.StringVar(&o.LogDirectory, "log-directory", "", "job logs")
	flag.StringVar(&o.JobName, "job-name", "tessera-worker", "job name")
	workers := flag.Int("workers", 2, "workers to scale to")
	rows := flag.Int("rows", 100, "rows of the first array (10000 = the seed's 60 GB)")
	persistRows := flag.Int("persist-rows", 100, "rows of the persisted array")
	printScript := flag.Bool("print-script", false, "print the job script and exit")
	wait := flag.Duration("wait", 10*time.Minute, "how long to wait for workers")
	flag.Parse()
	o.JobExtraDirectives = split(extra)
	o.JobDirectivesSkip = split(skip)
	o.JobScriptPrologue = split(prologue)
	if command != "" {
		o.WorkerCommand = strings.Fields(command)
	}
	if err := run(context.Background(), os.Stdout, o, *workers, *rows, *persistRows, *printScript, *wait); err != nil {
		fmt.Fprintln(os.Stderr, "slurm:", err)
		os.Exit(1)
	}
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func run(ctx context.Context, out io.Writer, o slurm.Options, workers, rows, persistRows int, printScript bool, wait time.Duration) error {
	c, err := slurm.New(o)
	if err != nil {
		return err
	}
	defer c.Close()
	if printScript {
		s, err := c.JobScript()
		if err != nil {
			return err
		}
		fmt.Fprint(out, s)
		return nil
	}
	if err := c.Scale(ctx, workers); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	t0 := time.Now()
	if err := c.WaitForWorkers(wctx, workers); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d workers connected in %.1fs\n", workers, time.Since(t0).Seconds())
	spec := chunk.PerAxis(400, 400, 100)
	for _, r := range []int{rows, 10 * rows} {
		a := ndarray.Random([]int{r, 7500, 100}, spec, 0)
		t := time.Now()
		m, err := reduce.Mean(a).Compute(ctx, ndarray.WithExecutor(c))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "mean of %.1f GB random: %.12f in %.2fs\n", float64(a.Nbytes())/1e9, m.Float64s()[0], time.Since(t).Seconds())
	}
	a := ndarray.Random([]int{persistRows, 7500, 100}, spec, 1)
	t := time.Now()
	p, err := a.Persist(ctx, c)
	if err != nil {
		return err
	}
	var held int64
	for _, w := range c.Snapshot().Workers {
		held += w.HeldBytes + w.SpillBytes
	}
	fmt.Fprintf(out, "persisted %.1f GB in cluster memory in %.2fs\n", float64(p.Nbytes())/1e9, time.Since(t).Seconds())
	t = time.Now()
	m, err := reduce.Mean(p).Compute(ctx, ndarray.WithExecutor(c))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "mean of the persisted array: %.12f in %.2fs\n", m.Float64s()[0], time.Since(t).Seconds())
	p.Release(c)
	return nil
}
