package slurm_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cluster/remote"
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

// hostile are values that would end a line of the job script or smuggle a
// control character into it.
var hostile = []string{
	"x\n/bin/touch PWNED",
	"x\r\n#SBATCH --uid=0",
	"x\rreset",
	"x\x00y",
	"x\x1b[2J",
	"x\u2028y",
	"\n",
	"x\xffy", // not UTF-8
}

// notNames are printable values that are no partition, account, job or
// interface name: each would change the meaning of its directive.
var notNames = []string{"a b", "a;id", "$(touch PWNED)", "`id`", "a'b", `a"b`, "a#b", "a/b", "a%b", "-p", "a\tb"}

// Every option that lands in the job script refuses values that would add
// a line to it, with an *OptionError naming the option; options that are
// names in Slurm's grammar also refuse anything that is not such a name.
func TestHostileOptionsRejected(t *testing.T) {
	type field struct {
		name  string
		set   func(o *slurm.Options, v string)
		names bool // must be a name: notNames are refused too
	}
	fields := []field{
		{"Queue", func(o *slurm.Options, v string) { o.Queue = v }, true},
		{"Queue", func(o *slurm.Options, v string) { o.Queue = "short," + v }, true},
		{"Account", func(o *slurm.Options, v string) { o.Account = v }, true},
		{"JobName", func(o *slurm.Options, v string) { o.JobName = v }, true},
		{"Interface", func(o *slurm.Options, v string) { o.Interface = v }, true},
		{"SchedulerInterface", func(o *slurm.Options, v string) { o.SchedulerInterface = v }, true},
		{"Memory", func(o *slurm.Options, v string) { o.Memory = "4GB" + v }, true},
		{"Walltime", func(o *slurm.Options, v string) { o.Walltime = "01:00:00" + v }, true},
		{"Shebang", func(o *slurm.Options, v string) { o.Shebang = "#!/bin/bash" + v }, false},
		{"JobExtraDirectives[1]", func(o *slurm.Options, v string) { o.JobExtraDirectives = []string{"--qos=normal", v} }, false},
		{"JobScriptPrologue[0]", func(o *slurm.Options, v string) { o.JobScriptPrologue = []string{"module load " + v} }, false},
		{"WorkerCommand[2]", func(o *slurm.Options, v string) { o.WorkerCommand = []string{"singularity", "exec", v} }, false},
		{"LocalDirectory", func(o *slurm.Options, v string) { o.LocalDirectory = "/scratch/" + v }, false},
		{"LogDirectory", func(o *slurm.Options, v string) { o.LogDirectory = "/home/u/" + v }, false},
		{"SharedDirectory", func(o *slurm.Options, v string) { o.SharedDirectory = "/home/u/" + v }, false},
	}
	for _, f := range fields {
		values := append([]string(nil), hostile...)
		if f.names {
			values = append(values, notNames...)
		}
		for _, v := range values {
			t.Run(f.name+"/"+strconv.Quote(v), func(t *testing.T) {
				o := seed()
				f.set(&o, v)
				script, err := o.Script("10.1.2.3:45678", "/home/u/.tessera/c.json")
				require.Error(t, err, "accepted; the script is:\n%s", script)
				assert.ErrorIs(t, err, slurm.ErrOptions)
				var oe *slurm.OptionError
				if assert.ErrorAs(t, err, &oe) {
					assert.Equal(t, strings.TrimSuffix(f.name, "[0]"), strings.TrimSuffix(oe.Option, "[0]"))
				}
			})
		}
	}
	// Tabs may indent whole lines the user gives.
	o := seed()
	o.JobScriptPrologue = []string{"if true; then", "\texport A=1", "fi"}
	_, err := o.Script("a:1", "c")
	assert.NoError(t, err)
}

// Memory and walltime follow the formats Slurm and dask-jobqueue use, with
// checked arithmetic: no signs, exponents, NaN, Inf or overflow.
func TestMemoryAndWalltimeFormats(t *testing.T) {
	for _, m := range []string{"NaN", "Inf", "+Inf", "1e30", "1e3GB", "-1GB", "+1GB", "0x10GB", "1 GB", "0", "0GB", "9999999999TB", "1.GB", ".5GB", "GB", "4gb!"} {
		o := seed()
		o.Memory = m
		_, err := o.Script("a:1", "c")
		var oe *slurm.OptionError
		if assert.ErrorAs(t, err, &oe, "memory %q", m) {
			assert.Equal(t, "Memory", oe.Option)
		}
	}
	for _, w := range []string{"+30", "1-", "-1", "30 ", " 30", "1:2:3:4", "1-2:3:4:5", "999999999-00", "1e3", "0x10", "1:-1", "٣٠"} {
		_, err := slurm.ParseWalltime(w)
		var oe *slurm.OptionError
		if assert.ErrorAs(t, err, &oe, "walltime %q", w) {
			assert.Equal(t, "Walltime", oe.Option)
		}
	}
	for s, want := range map[string]time.Duration{
		"1-00:00:00": 24 * time.Hour, "0-01": time.Hour, "2-03:04:05": 51*time.Hour + 4*time.Minute + 5*time.Second,
	} {
		got, err := slurm.ParseWalltime(s)
		if assert.NoError(t, err, s) {
			assert.Equal(t, want, got, s)
		}
	}
}

// Every value placed in the worker's command line reaches the worker as
// exactly one argument, whatever shell metacharacters it holds: the job
// script is run by a real bash with a worker command that records its
// arguments, and nothing injected runs. $NAME and ${NAME} references
// expand (to one argument each, even when the value has spaces).
func TestScriptWordsReachTheWorkerVerbatim(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	nasty := `it's "q" $(touch PWNED1) ` + "`touch PWNED2`" + ` ; touch PWNED3 & | > PWNED4 * ? [a] ~ \ $ $$ ${x:-$(touch PWNED5)} # !`
	localDirs := map[string]string{ // as given: as the worker must see it
		"$TMPDIR/spill":                 "/tmp/a b/spill",
		"$TMPDIR/" + nasty + "/${USER}": "/tmp/a b/" + nasty + "/alice  bob",
	}
	for _, procs := range []int{1, 2} {
		for ld, wantLD := range localDirs {
			t.Run(fmt.Sprintf("processes=%d/%s", procs, ld), func(t *testing.T) {
				dir := t.TempDir()
				o := slurm.Options{
					Cores: procs, Processes: procs, Memory: "2GB", Walltime: "00:10:00",
					LocalDirectory: ld,
					Interface:      "ib0",
					// The "worker" writes each argument on a line of its own file.
					WorkerCommand: []string{"/bin/sh", "-c", `printf '%s\n' "$@" > "out-$$"`, "worker", nasty},
					DeathTimeout:  time.Minute,
				}
				cred := "/home/u/" + nasty + "/c.json"
				script, err := o.Script("10.1.2.3:45678", cred)
				require.NoError(t, err)
				path := filepath.Join(dir, "job.sh")
				require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
				cmd := exec.Command(bash, path)
				cmd.Dir = dir
				cmd.Env = []string{"PATH=/usr/bin:/bin", "TMPDIR=/tmp/a b", "USER=alice  bob", "SLURM_JOB_ID=42"}
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "bash %s: %s\n%s", path, out, script)

				lifetime := 10*time.Minute - time.Minute
				var outs [][]string
				names, _ := filepath.Glob(filepath.Join(dir, "*"))
				for _, n := range names {
					base := filepath.Base(n)
					if base == "job.sh" {
						continue
					}
					require.True(t, strings.HasPrefix(base, "out-"), "unexpected file %s: something injected ran\n%s", base, script)
					b, err := os.ReadFile(n)
					require.NoError(t, err)
					outs = append(outs, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"))
				}
				require.Len(t, outs, procs, "worker runs")
				seen := map[string]bool{}
				for _, got := range outs {
					args, err := remote.WorkerCommand([]string{"prog"}, "10.1.2.3:45678", cred, "", 1, 2e9/int64(procs),
						wantLD, "ib0", time.Minute, lifetime)
					require.NoError(t, err)
					want := append([]string{nasty}, args[1:]...)
					require.GreaterOrEqual(t, len(got), 2)
					name := got[len(got)-1]
					seen[name] = true
					want = append(want, "--name", name)
					assert.Equal(t, want, got)
				}
				for i := range procs {
					assert.True(t, seen[fmt.Sprintf("tessera-42-%d", i)], "worker %d named from SLURM_JOB_ID: %v", i, seen)
				}
			})
		}
	}
}

// Log directories with spaces, quotes, '#' and '%' are quoted for sbatch's
// directive reader and escaped for its filename patterns (the real-Slurm
// test TestLogDirectoryQuotedForSbatch submits one).
func TestLogDirectoryDirectiveQuoted(t *testing.T) {
	o := seed()
	o.LogDirectory = `/home/u/my logs #1 "x" 100%`
	s, err := o.Script("a:1", "c")
	require.NoError(t, err)
	assert.Contains(t, s, "#SBATCH -e \"/home/u/my logs #1 \\\"x\\\" 100%%/tessera-mean-%J.err\"\n")
	assert.Contains(t, s, "#SBATCH -o \"/home/u/my logs #1 \\\"x\\\" 100%%/tessera-mean-%J.out\"\n")
}
