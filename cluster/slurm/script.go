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
type Options struct {
	// Queue is the partition, or a comma list of partitions
	// ("short,brief-low"): #SBATCH -p.
	Queue string
	// Account to charge: #SBATCH -A (omitted when empty).
	Account string
	// Cores per job (#SBATCH --cpus-per-task), shared by its Processes.
	Cores int
	// Processes is the number of worker processes per job (1 when 0); each
	// runs Cores/Processes threads.
	Processes int
	// Memory per job ("96GB", "4GiB"): #SBATCH --mem, rounded up to whole
	// GiB (or MiB below 1 GiB); each worker's memory limit is
	// Memory/Processes.
	Memory string
	// Walltime per job, "HH:MM:SS" or "D-HH:MM:SS" ("00:30:00" when empty).
	Walltime string
	// JobExtraDirectives are added as "#SBATCH <directive>" lines
	// ("--qos=normal", "--gres=gpu:1").
	JobExtraDirectives []string
	// JobDirectivesSkip drops every generated directive containing one of
	// these strings (sites that reject "--mem").
	JobDirectivesSkip []string
	// JobScriptPrologue lines run before the workers start ("module load
	// singularity", "source env.sh").
	JobScriptPrologue []string
	// Interface is the network interface workers listen on (ib0, eth0).
	Interface string
	// SchedulerInterface is the interface the scheduler listens on; when
	// empty, this host's first non-loopback IPv4 address (127.0.0.1 if none).
	SchedulerInterface string
	// LocalDirectory is where workers spill (node-local scratch).
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
	// directory when empty).
	LogDirectory string
	// JobName is #SBATCH -J ("tessera-worker" when empty).
	JobName string
	// Shebang is the script's first line ("#!/usr/bin/env bash" when empty).
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

// ErrOptions reports invalid options.
var ErrOptions = errors.New("slurm: invalid options")

func (o *Options) normalize() error {
	if o.Processes <= 0 {
		o.Processes = 1
	}
	if o.Cores <= 0 {
		o.Cores = 1
	}
	if o.Cores < o.Processes {
		return fmt.Errorf("%w: %d processes need at least as many cores (have %d)", ErrOptions, o.Processes, o.Cores)
	}
	if o.Walltime == "" {
		o.Walltime = "00:30:00"
	}
	if _, err := ParseWalltime(o.Walltime); err != nil {
		return err
	}
	if o.Memory != "" {
		if _, err := remote.ParseBytes(o.Memory); err != nil {
			return fmt.Errorf("%w: memory: %w", ErrOptions, err)
		}
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

// ParseWalltime reads Slurm time limits: "MM", "MM:SS", "HH:MM:SS",
// "D-HH", "D-HH:MM", "D-HH:MM:SS".
func ParseWalltime(s string) (time.Duration, error) {
	bad := fmt.Errorf("%w: walltime %q", ErrOptions, s)
	days := 0
	if i := strings.IndexByte(s, '-'); i >= 0 {
		d, err := strconv.Atoi(s[:i])
		if err != nil || d < 0 {
			return 0, bad
		}
		days, s = d, s[i+1:]
	}
	parts := strings.Split(s, ":")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return 0, bad
		}
		nums[i] = n
	}
	var h, m, sec int
	switch {
	case days > 0 && len(nums) == 1:
		h = nums[0]
	case days > 0 && len(nums) == 2:
		h, m = nums[0], nums[1]
	case len(nums) == 1:
		m = nums[0]
	case len(nums) == 2:
		m, sec = nums[0], nums[1]
	case len(nums) == 3:
		h, m, sec = nums[0], nums[1], nums[2]
	default:
		return 0, bad
	}
	return time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, nil
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
	dirs := []string{
		"-J " + o.JobName,
		"-e " + logdir + o.JobName + "-%J.err",
		"-o " + logdir + o.JobName + "-%J.out",
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
			q[j] = shellQuote(a)
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

// shellQuote quotes a word for sh unless it is plainly safe. $VAR and
// ${VAR} references stay unquoted so that they expand in the job
// ($TMPDIR, $USER in LocalDirectory).
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+${}", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
