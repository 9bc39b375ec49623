package slurm

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tessera-array/tessera/cluster/remote"
)

// Options are the parameters of a SLURMCluster, named after dask-jobqueue's
// SLURMCluster so that a site's existing settings carry over.
//
// Every value that lands in the job script is checked before a script is
// made (Script, New): names must be names in Slurm's grammar, memory and
// walltime in their formats, and no value may hold a newline or another
// control character, so no option can add a line to the script. A value
// refused gives an *OptionError naming the option (errors.Is ErrOptions).
// Values placed in the worker's command line are shell-quoted: each
// reaches the worker as one argument, with only $NAME and ${NAME}
// references expanded by the job's shell.
type Options struct {
	// Queue is the partition, or a comma list of partitions
	// ("short,brief-low"): #SBATCH -p. Names are letters, digits, '_',
	// '-' and '.'.
	Queue string
	// Account to charge: #SBATCH -A (omitted when empty); a name as for
	// Queue.
	Account string
	// Cores per job (#SBATCH --cpus-per-task), shared by its Processes.
	Cores int
	// Processes is the number of worker processes per job (1 when 0); each
	// runs Cores/Processes threads.
	Processes int
	// Memory per job ("96GB", "4GiB", "96G"; remote.ParseBytes): #SBATCH
	// --mem, rounded up to whole GiB (or MiB below 1 GiB); each worker's
	// memory limit is Memory/Processes.
	Memory string
	// Walltime per job, "HH:MM:SS" or "D-HH:MM:SS" ("00:30:00" when empty).
	Walltime string
	// JobExtraDirectives are added as "#SBATCH <directive>" lines
	// ("--qos=normal", "--gres=gpu:1"), as given: one line per entry.
	JobExtraDirectives []string
	// JobDirectivesSkip drops every generated directive containing one of
	// these strings (sites that reject "--mem").
	JobDirectivesSkip []string
	// JobScriptPrologue lines run before the workers start ("module load
	// singularity", "source env.sh"), as given: shell code, one line per
	// entry (tabs allowed, newlines not).
	JobScriptPrologue []string
	// Interface is the network interface workers listen on (ib0, eth0).
	Interface string
	// SchedulerInterface is the interface the scheduler listens on; when
	// empty, this host's first non-loopback IPv4 address (127.0.0.1 if none).
	SchedulerInterface string
	// LocalDirectory is where workers spill (node-local scratch);
	// "$TMPDIR/spill" expands in the job.
	LocalDirectory string
	// DeathTimeout: workers that cannot reach the scheduler this long exit
	// (60 s when 0).
	DeathTimeout time.Duration
	// WorkerCommand is the program that runs a worker, with any prefix: a
	// container (["singularity", "exec", "--bind", "/data", "app.sif",
	// "/app/bin/myprog"]). The program must call remote.MaybeServe at the
	// top of main, or be the tessera CLI (which does). Empty means this
	// program (os.Executable).
	WorkerCommand []string
	// LogDirectory receives each job's stdout and stderr (the submit
	// directory when empty). Any printable path works: it is quoted for
	// sbatch and '%' is escaped from its filename patterns.
	LogDirectory string
	// JobName is #SBATCH -J ("tessera-worker" when empty) and names the
	// log files: letters, digits, '_', '-', '.', '+', '@'.
	JobName string
	// Shebang is the script's first line ("#!/usr/bin/env bash" when
	// empty); it must start with "#!".
	Shebang string
	// DrainBefore: workers ask to be drained this long before the walltime
	// ends, so their results move to other workers instead of dying with
	// the job (2 minutes when 0, a tenth of the walltime if that is less).
	DrainBefore time.Duration
	// Lifetime, when set, is how long a worker runs before it asks to be
	// drained, whatever the walltime (dask's --lifetime); it must leave the
	// drain time before the walltime ends.
	Lifetime time.Duration
	// SharedDirectory holds the cluster credentials file the workers read;
	// it must be visible from the compute nodes (LogDirectory, else
	// $HOME/.tessera, when empty). The file is mode 0600 and removed by
	// Close.
	SharedDirectory string
	// Scheduler options (heartbeat timeout, max losses); Listen and
	// Interface are derived from SchedulerInterface when empty.
	Scheduler remote.SchedulerOptions
}

// ErrOptions reports invalid options; the error is an *OptionError naming
// the option.
var ErrOptions = errors.New("slurm: invalid options")

func (o *Options) normalize() error {
	if o.Processes <= 0 {
		o.Processes = 1
	}
	if o.Cores <= 0 {
		o.Cores = 1
	}
	if o.Cores < o.Processes {
		return optErr("Processes", strconv.Itoa(o.Processes), "%d processes need at least as many cores (have %d)", o.Processes, o.Cores)
	}
	if o.Walltime == "" {
		o.Walltime = "00:30:00"
	}
	if _, err := ParseWalltime(o.Walltime); err != nil {
		return err
	}
	if o.Memory != "" {
		b, err := remote.ParseBytes(o.Memory)
		if err != nil {
			return &OptionError{Option: "Memory", Value: o.Memory, Reason: err.Error()}
		}
		if b <= 0 {
			return optErr("Memory", o.Memory, "must be positive")
		}
	}
	if err := o.validate(); err != nil {
		return err
	}
	if o.JobName == "" {
		o.JobName = "tessera-worker"
	}
	if o.Shebang == "" {
		o.Shebang = "#!/usr/bin/env bash"
	}
	if o.DeathTimeout <= 0 {
		o.DeathTimeout = 60 * time.Second
	}
	if o.DrainBefore <= 0 {
		o.DrainBefore = 2 * time.Minute
	}
	return nil
}

// maxWalltime bounds walltimes so that durations never overflow (Slurm's
// own limit, in minutes in a uint32, is lower still).
const maxWalltime = 100 * 365 * 24 * time.Hour

// ParseWalltime reads Slurm time limits: "MM", "MM:SS", "HH:MM:SS",
// "D-HH", "D-HH:MM", "D-HH:MM:SS", each field plain decimal digits. Other
// text, and limits above 100 years, give an *OptionError for Walltime.
func ParseWalltime(s string) (time.Duration, error) {
	orig := s
	bad := optErr("Walltime", s, "want MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS")
	field := func(f string) (int64, bool) {
		if f == "" || len(f) > 9 {
			return 0, false
		}
		var n int64
		for i := 0; i < len(f); i++ {
			if f[i] < '0' || f[i] > '9' {
				return 0, false
			}
			n = n*10 + int64(f[i]-'0')
		}
		return n, true
	}
	var days int64
	hasDays := false
	if i := strings.IndexByte(s, '-'); i >= 0 {
		d, ok := field(s[:i])
		if !ok {
			return 0, bad
		}
		days, s, hasDays = d, s[i+1:], true
	}
	parts := strings.Split(s, ":")
	nums := make([]int64, len(parts))
	for i, p := range parts {
		n, ok := field(p)
		if !ok {
			return 0, bad
		}
		nums[i] = n
	}
	var h, m, sec int64
	switch {
	case hasDays && len(nums) == 1:
		h = nums[0]
	case hasDays && len(nums) == 2:
		h, m = nums[0], nums[1]
	case hasDays && len(nums) == 3:
		h, m, sec = nums[0], nums[1], nums[2]
	case len(nums) == 1:
		m = nums[0]
	case len(nums) == 2:
		m, sec = nums[0], nums[1]
	case len(nums) == 3:
		h, m, sec = nums[0], nums[1], nums[2]
	default:
		return 0, bad
	}
	// Each field has at most 9 digits: the sum in seconds fits in int64.
	total := days*86400 + h*3600 + m*60 + sec
	if total > int64(maxWalltime/time.Second) {
		return 0, optErr("Walltime", orig, "longer than 100 years")
	}
	return time.Duration(total) * time.Second, nil
}

// slurmMem rounds bytes up to whole GiB ("96G"), or MiB below 1 GiB.
func slurmMem(b int64) string {
	if b >= 1<<30 {
		return strconv.FormatInt(int64(math.Ceil(float64(b)/(1<<30))), 10) + "G"
	}
	return strconv.FormatInt(max(1, int64(math.Ceil(float64(b)/(1<<20)))), 10) + "M"
}

// lifetime is how long a worker runs before asking to be drained.
func (o *Options) lifetime() time.Duration {
	if o.Lifetime > 0 {
		return o.Lifetime
	}
	w, _ := ParseWalltime(o.Walltime)
	d := o.DrainBefore
	if d > w/10 {
		d = w / 10
	}
	return w - d
}

// Script returns the batch script of one job whose workers connect to the
// scheduler at schedulerAddr with the credentials file at credentials. It is
// what SLURMCluster.JobScript returns; it needs no running scheduler.
func (o Options) Script(schedulerAddr, credentials string) (string, error) {
	if err := o.normalize(); err != nil {
		return "", err
	}
	logdir := o.LogDirectory
	if logdir != "" && !strings.HasSuffix(logdir, "/") {
		logdir += "/"
	}
	logdir = filenamePattern(logdir)
	dirs := []string{
		"-J " + o.JobName,
		"-e " + directiveArg(logdir+o.JobName+"-%J.err"),
		"-o " + directiveArg(logdir+o.JobName+"-%J.out"),
	}
	if o.Queue != "" {
		dirs = append(dirs, "-p "+o.Queue)
	}
	if o.Account != "" {
		dirs = append(dirs, "-A "+o.Account)
	}
	dirs = append(dirs, "-n 1", "--cpus-per-task="+strconv.Itoa(o.Cores))
	var perWorker int64
	if o.Memory != "" {
		b, _ := remote.ParseBytes(o.Memory)
		dirs = append(dirs, "--mem="+slurmMem(b))
		perWorker = b / int64(o.Processes)
	}
	dirs = append(dirs, "-t "+o.Walltime)
	var b strings.Builder
	b.WriteString(o.Shebang + "\n\n")
	for _, d := range dirs {
		if skipped(d, o.JobDirectivesSkip) {
			continue
		}
		b.WriteString("#SBATCH " + d + "\n")
	}
	for _, d := range o.JobExtraDirectives {
		b.WriteString("#SBATCH " + d + "\n")
	}
	b.WriteString("\n")
	for _, l := range o.JobScriptPrologue {
		b.WriteString(l + "\n")
	}
	prefix := o.WorkerCommand
	if len(prefix) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return "", err
		}
		prefix = []string{exe}
	}
	threads := o.Cores / o.Processes
	name := "tessera-${SLURM_JOB_ID}-"
	cmd := func(i string) string {
		args, _ := remote.WorkerCommand(prefix, schedulerAddr, credentials, "", threads, perWorker, o.LocalDirectory, o.Interface, o.DeathTimeout, o.lifetime())
		q := make([]string, len(args))
		for j, a := range args {
			q[j] = shellWord(a)
		}
		return strings.Join(q, " ") + " --name " + name + i
	}
	// Workers run in the foreground of the job shell (never double-forked)
	// so that scancel reaches them.
	if o.Processes == 1 {
		b.WriteString("exec " + cmd("0") + "\n")
	} else {
		fmt.Fprintf(&b, "for i in $(seq 0 %d); do\n  %s &\ndone\nwait\n", o.Processes-1, cmd("${i}"))
	}
	return b.String(), nil
}

func skipped(line string, skip []string) bool {
	for _, s := range skip {
		if s != "" && strings.Contains(line, s) {
			return true
		}
	}
	return false
}
