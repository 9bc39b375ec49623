package slurm_test

import (
	"fmt"
	"time"

	"github.com/tessera-array/tessera/cluster/slurm"
)

// The job script of a small site setup: one partition list, 8 cores in two
// worker processes, 32 GB, a site that rejects --mem. New(o) starts the
// scheduler; c.JobScript() then returns this script with the real address.
func ExampleOptions_Script() {
	o := slurm.Options{
		Queue:             "short,brief-low",
		Account:           "lab",
		Cores:             8,
		Processes:         2,
		Memory:            "32GB",
		Walltime:          "01:00:00",
		JobDirectivesSkip: []string{"--mem"},
		JobScriptPrologue: []string{"module load singularity"},
		WorkerCommand:     []string{"singularity", "exec", "app.sif", "/app/run"},
		LogDirectory:      "logs",
		DeathTimeout:      time.Minute,
	}
	s, err := o.Script("10.0.0.5:40000", "/home/me/.tessera/cluster.json")
	if err != nil {
		panic(err)
	}
	fmt.Print(s)
	// Output:
	// #!/usr/bin/env bash
	//
	// #SBATCH -J tessera-worker
	// #SBATCH -e logs/tessera-worker-%J.err
	// #SBATCH -o logs/tessera-worker-%J.out
	// #SBATCH -p short,brief-low
	// #SBATCH -A lab
	// #SBATCH -n 1
	// #SBATCH --cpus-per-task=8
	// #SBATCH -t 01:00:00
	//
	// module load singularity
	// for i in $(seq 0 1); do
	//   singularity exec app.sif /app/run tessera-worker --scheduler 10.0.0.5:40000 --credentials /home/me/.tessera/cluster.json --nthreads 4 --memory-limit 16000000000 --death-timeout 1m0s --lifetime 58m0s --name tessera-${SLURM_JOB_ID}-${i} &
	// done
	// wait
}
