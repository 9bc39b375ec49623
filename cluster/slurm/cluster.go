package slurm

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tessera-array/tessera/cluster/remote"
)

// SLURMCluster runs a tessera scheduler in this process and its workers as
// Slurm batch jobs, like dask-jobqueue's SLURMCluster. Slurm places the
// jobs; tessera only submits (sbatch), watches (squeue) and cancels
// (scancel) them. It embeds the *remote.Scheduler, so it is a
// cluster.Executor and cluster.Persister: ndarray.WithExecutor(c) runs the
// same graphs as on one machine. Methods are safe for concurrent use.
type SLURMCluster struct {
	*remote.Scheduler
	o     Options
	credf string

	mu     sync.Mutex
	jobs   map[string]*Job // live (not yet seen gone) jobs by id
	order  []string        // submission order
	closed bool
	adapt  context.CancelFunc
}

// Job is one submitted batch job as squeue last reported it.
type Job struct {
	ID     string
	State  string // PENDING, RUNNING, COMPLETING, ... ("" before the first squeue)
	Reason string // why it is pending (Resources, Priority, ...), "None" when running
}

// ErrNoSlurm reports that the Slurm commands are not on PATH.
var ErrNoSlurm = errors.New("slurm: sbatch/squeue/scancel not found")

// New starts the scheduler and writes the credentials file; it submits no
// job (Scale, ScaleJobs or Adapt do).
func New(o Options) (*SLURMCluster, error) {
	if err := o.normalize(); err != nil {
		return nil, err
	}
	for _, c := range []string{"sbatch", "squeue", "scancel"} {
		if _, err := exec.LookPath(c); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNoSlurm, err)
		}
	}
	so := o.Scheduler
	if so.Listen == "" && so.Interface == "" {
		if o.SchedulerInterface != "" {
			so.Interface = o.SchedulerInterface
		} else {
			so.Listen = net.JoinHostPort(hostIP(), "0")
		}
	}
	dir := o.SharedDirectory
	if dir == "" {
		dir = o.LogDirectory
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, err
		}
		dir = filepath.Join(home, ".tessera")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if o.LogDirectory != "" {
		if err := os.MkdirAll(o.LogDirectory, 0o755); err != nil {
			return nil, err
		}
	}
	s, err := remote.NewScheduler(so)
	if err != nil {
		return nil, err
	}
	rnd := make([]byte, 8)
	rand.Read(rnd)
	c := &SLURMCluster{Scheduler: s, o: o, credf: filepath.Join(dir, "cluster-"+hex.EncodeToString(rnd)+".json"), jobs: map[string]*Job{}}
	if err := s.Credentials().WriteFile(c.credf); err != nil {
		s.Close()
		return nil, err
	}
	return c, nil
}

// hostIP is this host's first non-loopback IPv4 address, or 127.0.0.1.
func hostIP() string {
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() {
				if ip4 := ipn.IP.To4(); ip4 != nil {
					return ip4.String()
				}
			}
		}
	}
	return "127.0.0.1"
}

// JobScript returns the exact batch script Scale submits.
func (c *SLURMCluster) JobScript() (string, error) {
	c.mu.Lock()
	o := c.o
	c.mu.Unlock()
	return o.Script(c.Addr(), c.credf)
}

// WorkersPerJob is Options.Processes.
func (c *SLURMCluster) WorkersPerJob() int { return c.o.Processes }

// SetLifetime changes Options.Lifetime for jobs submitted from now on
// (jobs already submitted keep theirs).
func (c *SLURMCluster) SetLifetime(d time.Duration) {
	c.mu.Lock()
	c.o.Lifetime = d
	c.mu.Unlock()
}

// Scale asks for n workers: ceil(n/Processes) jobs in total (submitting or
// cancelling jobs to get there).
func (c *SLURMCluster) Scale(ctx context.Context, workers int) error {
	return c.ScaleJobs(ctx, (workers+c.o.Processes-1)/c.o.Processes)
}

// ScaleJobs asks for n jobs in total. Extra jobs are cancelled newest
// first, pending ones before running ones; a running job's workers are
// drained (results handed to other workers) before it is cancelled.
func (c *SLURMCluster) ScaleJobs(ctx context.Context, n int) error {
	if n < 0 {
		return fmt.Errorf("%w: %d jobs", ErrOptions, n)
	}
	if _, err := c.Jobs(ctx); err != nil {
		return err
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return remote.ErrClosed
	}
	have := len(c.order)
	c.mu.Unlock()
	for ; have < n; have++ {
		if _, err := c.submit(ctx); err != nil {
			return err
		}
	}
	if have > n {
		return c.cancelNewest(ctx, have-n)
	}
	return nil
}

func (c *SLURMCluster) submit(ctx context.Context) (string, error) {
	script, err := c.JobScript()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "sbatch", "--parsable")
	cmd.Stdin = strings.NewReader(script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("slurm: sbatch: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	id := strings.TrimSpace(string(out))
	if i := strings.IndexByte(id, ';'); i >= 0 { // "id;cluster"
		id = id[:i]
	}
	if id == "" {
		return "", errors.New("slurm: sbatch printed no job id")
	}
	c.mu.Lock()
	c.jobs[id] = &Job{ID: id}
	c.order = append(c.order, id)
	c.mu.Unlock()
	return id, nil
}

func (c *SLURMCluster) cancelNewest(ctx context.Context, k int) error {
	c.mu.Lock()
	var pending, running []string
	for i := len(c.order) - 1; i >= 0; i-- {
		id := c.order[i]
		if c.jobs[id].State == "RUNNING" {
			running = append(running, id)
		} else {
			pending = append(pending, id)
		}
	}
	c.mu.Unlock()
	victims := append(pending, running...)[:k]
	for _, id := range victims {
		c.drainJob(ctx, id)
	}
	return c.cancel(ctx, victims...)
}

// drainJob drains the workers of a job (named tessera-<id>-<i>).
func (c *SLURMCluster) drainJob(ctx context.Context, id string) {
	prefix := "tessera-" + id + "-"
	for _, w := range c.Snapshot().Workers {
		if strings.HasPrefix(w.ID, prefix) {
			dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			c.Drain(dctx, w.ID)
			cancel()
		}
	}
}

func (c *SLURMCluster) cancel(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	out, err := exec.CommandContext(ctx, "scancel", ids...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("slurm: scancel %v: %w: %s", ids, err, strings.TrimSpace(string(out)))
	}
	c.mu.Lock()
	for _, id := range ids {
		c.forget(id)
	}
	c.mu.Unlock()
	return nil
}

func (c *SLURMCluster) forget(id string) {
	delete(c.jobs, id)
	for i, o := range c.order {
		if o == id {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
}

// Jobs asks squeue for the state of this cluster's jobs, forgets the ones
// that ended, and returns the live ones in submission order: pending jobs
// carry their reason.
func (c *SLURMCluster) Jobs(ctx context.Context) ([]Job, error) {
	c.mu.Lock()
	ids := append([]string(nil), c.order...)
	c.mu.Unlock()
	if len(ids) == 0 {
		return nil, nil
	}
	states, err := squeue(ctx, ids)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Job
	for _, id := range ids {
		j, ok := c.jobs[id]
		if !ok {
			continue
		}
		st, live := states[id]
		if !live {
			c.forget(id) // ended: squeue no longer lists it
			continue
		}
		j.State, j.Reason = st[0], st[1]
		out = append(out, *j)
	}
	return out, nil
}

// squeue returns state and reason of the listed jobs that are still live.
// Ended jobs are absent from its output (and, once purged, make squeue exit
// 1 with "Invalid job id specified"); both mean gone.
func squeue(ctx context.Context, ids []string) (map[string][2]string, error) {
	out := map[string][2]string{}
	cmd := exec.CommandContext(ctx, "squeue", "-h", "-o", "%i %T %r", "-j", strings.Join(ids, ","))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		if strings.Contains(stderr.String(), "Invalid job id") {
			if len(ids) == 1 {
				return out, nil
			}
			// One purged id spoils the batch: ask one by one.
			for _, id := range ids {
				m, err := squeue(ctx, []string{id})
				if err != nil {
					return nil, err
				}
				for k, v := range m {
					out[k] = v
				}
			}
			return out, nil
		}
		return nil, fmt.Errorf("slurm: squeue: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			r := ""
			if len(f) >= 3 {
				r = strings.Join(f[2:], " ")
			}
			out[f[0]] = [2]string{f[1], r}
		}
	}
	return out, nil
}

// WaitForWorkers blocks until n workers are connected (bounded by ctx).
// While waiting it reports nothing; call Jobs to see pending reasons.
func (c *SLURMCluster) WaitForWorkers(ctx context.Context, n int) error {
	err := c.Scheduler.WaitForWorkers(ctx, n)
	if err != nil && ctx.Err() != nil {
		jobs, _ := c.Jobs(context.Background())
		var desc []string
		for _, j := range jobs {
			desc = append(desc, fmt.Sprintf("%s %s (%s)", j.ID, j.State, j.Reason))
		}
		return fmt.Errorf("%w; jobs: %s", err, strings.Join(desc, ", "))
	}
	return err
}

// AdaptOptions tune Adapt.
type AdaptOptions struct {
	Interval time.Duration // between decisions (1 s when 0)
	// WaitCount: the target must stay below the current size this many
	// consecutive decisions before jobs are cancelled (3 when 0), so a
	// brief lull between graphs does not release workers (no thrash).
	WaitCount int
}

// Adapt scales between minimum and maximum workers from the scheduler's
// queued work until ctx ends, Close is called, or Adapt is called again:
// one worker thread per queued task, rounded up to whole jobs. It grows at
// once; it shrinks only after WaitCount low readings in a row, only by jobs
// whose workers are idle or not yet started, pending jobs first.
func (c *SLURMCluster) Adapt(ctx context.Context, minimum, maximum int, ao AdaptOptions) error {
	if minimum < 0 || maximum < minimum || maximum == 0 {
		return fmt.Errorf("%w: adapt(%d, %d)", ErrOptions, minimum, maximum)
	}
	if ao.Interval <= 0 {
		ao.Interval = time.Second
	}
	if ao.WaitCount <= 0 {
		ao.WaitCount = 3
	}
	ctx, cancel := context.WithCancel(ctx)
	c.mu.Lock()
	if c.adapt != nil {
		c.adapt()
	}
	c.adapt = cancel
	c.mu.Unlock()
	p := c.o.Processes
	threads := c.o.Cores / p
	minJobs, maxJobs := (minimum+p-1)/p, (maximum+p-1)/p
	go func() {
		low := 0
		t := time.NewTicker(ao.Interval)
		defer t.Stop()
		for {
			sn := c.Snapshot()
			need := (sn.QueuedTasks + sn.Running + threads - 1) / threads
			want := min(max((need+p-1)/p, minJobs), maxJobs)
			jobs, err := c.Jobs(ctx)
			if err == nil {
				switch {
				case want > len(jobs):
					low = 0
					c.ScaleJobs(ctx, want)
				case want < len(jobs):
					low++
					if low >= ao.WaitCount {
						c.shrinkIdle(ctx, jobs, len(jobs)-want, sn)
						low = 0
					}
				default:
					low = 0
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return nil
}

// shrinkIdle cancels up to k jobs whose workers run nothing, pending first.
func (c *SLURMCluster) shrinkIdle(ctx context.Context, jobs []Job, k int, sn remote.Snapshot) {
	busy := map[string]bool{}
	for _, w := range sn.Workers {
		if w.Running > 0 {
			busy[jobOf(w.ID)] = true
		}
	}
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].State == "PENDING" && jobs[j].State != "PENDING" })
	var victims []string
	for i := len(jobs) - 1; i >= 0 && len(victims) < k; i-- {
		if !busy[jobs[i].ID] {
			victims = append(victims, jobs[i].ID)
		}
	}
	for _, id := range victims {
		c.drainJob(ctx, id)
	}
	c.cancel(ctx, victims...)
}

func jobOf(worker string) string {
	s := strings.TrimPrefix(worker, "tessera-")
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		return s[:i]
	}
	return s
}

// Close cancels every job this cluster submitted, waits (up to 30 s) until
// squeue no longer lists them, stops the scheduler and removes the
// credentials file.
func (c *SLURMCluster) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	if c.adapt != nil {
		c.adapt()
	}
	ids := append([]string(nil), c.order...)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c.Scheduler.Close()
	var err error
	if len(ids) > 0 {
		if out, e := exec.CommandContext(ctx, "scancel", ids...).CombinedOutput(); e != nil {
			err = fmt.Errorf("slurm: scancel: %w: %s", e, out)
		}
		for ctx.Err() == nil {
			st, e := squeue(ctx, ids)
			if e == nil && len(st) == 0 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if ctx.Err() != nil && err == nil {
			err = fmt.Errorf("slurm: jobs %v still listed after cancel", ids)
		}
	}
	os.Remove(c.credf)
	return err
}
