package slurm_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tessera-array/tessera/cluster/slurm"
)

var update = flag.Bool("update", false, "rewrite testdata/*.sh golden files")

// seed is the seed story's SLURMCluster: two partitions, an account, 24
// cores in 6 worker processes, 96 GB, two hours, a container prefix.
func seed() slurm.Options {
	return slurm.Options{
		Queue:              "short,brief-low",
		Account:            "geo-lab",
		Cores:              24,
		Processes:          6,
		Memory:             "96GB",
		Walltime:           "02:00:00",
		JobExtraDirectives: []string{"--qos=normal", "--constraint=skylake"},
		JobScriptPrologue:  []string{"module load singularity", "export OMP_NUM_THREADS=1"},
		Interface:          "ib0",
		LocalDirectory:     "/scratch/$USER",
		DeathTimeout:       2 * time.Minute,
		WorkerCommand:      []string{"singularity", "exec", "--bind", "/data:/data", "/images/tessera.sif", "/opt/app/meanjob"},
		LogDirectory:       "/home/u/logs",
		JobName:            "tessera-mean",
	}
}

func TestJobScriptGolden(t *testing.T) {
	noMem := seed()
	noMem.JobDirectivesSkip = []string{"--mem"}
	one := seed()
	one.Processes, one.Cores, one.Memory, one.Walltime = 1, 4, "700MiB", "1-00:00"
	one.JobExtraDirectives, one.JobScriptPrologue, one.Account = nil, nil, ""
	cases := map[string]slurm.Options{"seed": seed(), "seed-skip-mem": noMem, "one-process": one}
	for name, o := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := o.Script("10.1.2.3:45678", "/home/u/.tessera/cluster-abc.json")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".sh")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("script differs from %s (go test -update to accept):\n%s", path, got)
			}
		})
	}
}

func TestOptionsRejected(t *testing.T) {
	for name, o := range map[string]slurm.Options{
		"walltime":  {Walltime: "soon"},
		"memory":    {Memory: "lots"},
		"processes": {Cores: 2, Processes: 4},
	} {
		if _, err := o.Script("a:1", "c"); !errors.Is(err, slurm.ErrOptions) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseWalltime(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"30": 30 * time.Minute, "00:30:00": 30 * time.Minute, "1-00:00": 24 * time.Hour,
		"2-03": 51 * time.Hour, "10:30": 10*time.Minute + 30*time.Second,
	} {
		if got, err := slurm.ParseWalltime(s); err != nil || got != want {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
}
