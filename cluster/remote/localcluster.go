package remote

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// LocalClusterOptions configures a cluster of worker processes on this
// machine.
type LocalClusterOptions struct {
	Workers int // processes (1 when 0)
	Threads int // tasks at once per worker (1 when 0)
	// MemoryLimit per worker, bytes (0: none).
	MemoryLimit int64
	// Command starts a worker: the program and leading arguments, to which
	// "tessera-worker" and the worker flags are appended. Empty means this
	// program (os.Executable), which must call MaybeServe at the top of
	// main (tests: in TestMain).
	Command []string
	// Dir holds the credentials file and spill directories (a fresh
	// temporary directory, removed by Close, when empty).
	Dir       string
	Scheduler SchedulerOptions
	// Stderr receives the workers' output (discarded when nil).
	Stderr *os.File
	// Lifetime is passed to workers (WorkerOptions.Lifetime).
	Lifetime time.Duration
}

// LocalCluster is a scheduler in this process and worker processes on this
// machine: the single-machine form of a remote cluster, and the test bed of
// the remote executor. It embeds the *Scheduler, so it is a
// cluster.Persister.
type LocalCluster struct {
	*Scheduler
	o       LocalClusterOptions
	dir     string
	ownDir  bool
	credf   string
	mu      sync.Mutex
	procs   map[string]*proc
	nextIdx int
}

// StartLocalCluster starts a scheduler and o.Workers worker processes and
// waits until they are connected (bounded by ctx).
func StartLocalCluster(ctx context.Context, o LocalClusterOptions) (*LocalCluster, error) {
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.Threads <= 0 {
		o.Threads = 1
	}
	s, err := NewScheduler(o.Scheduler)
	if err != nil {
		return nil, err
	}
	c := &LocalCluster{Scheduler: s, o: o, dir: o.Dir, procs: map[string]*proc{}}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "tessera-cluster-"); err != nil {
			s.Close()
			return nil, err
		}
		c.ownDir = true
	}
	c.credf = filepath.Join(c.dir, "credentials.json")
	if err := s.Credentials().WriteFile(c.credf); err != nil {
		c.Close()
		return nil, err
	}
	for range o.Workers {
		if _, err := c.StartWorker(); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := s.WaitForWorkers(ctx, o.Workers); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// WorkerCommand is the command line that starts one worker (exported for
// launchers that print it).
func WorkerCommand(prefix []string, schedulerAddr, credentials, name string, threads int, memory int64, localDir, iface string, death, lifetime time.Duration) ([]string, error) {
	if len(prefix) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		prefix = []string{exe}
	}
	args := append([]string(nil), prefix...)
	args = append(args, workerArg, "--scheduler", schedulerAddr, "--credentials", credentials, "--nthreads", strconv.Itoa(threads),
		"--memory-limit", strconv.FormatInt(memory, 10))
	if name != "" {
		args = append(args, "--name", name)
	}
	if localDir != "" {
		args = append(args, "--local-directory", localDir)
	}
	if iface != "" {
		args = append(args, "--interface", iface)
	}
	if death > 0 {
		args = append(args, "--death-timeout", death.String())
	}
	if lifetime > 0 {
		args = append(args, "--lifetime", lifetime.String())
	}
	return args, nil
}

// StartWorker starts one more worker process and returns its name. It does
// not wait for it to connect.
func (c *LocalCluster) StartWorker() (string, error) {
	c.mu.Lock()
	c.nextIdx++
	name := fmt.Sprintf("local-%d", c.nextIdx)
	lifetime := c.o.Lifetime
	c.mu.Unlock()
	args, err := WorkerCommand(c.o.Command, c.Addr(), c.credf, name, c.o.Threads, c.o.MemoryLimit, c.dir, "", 30*time.Second, lifetime)
	if err != nil {
		return "", err
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = os.Environ()
	if c.o.Stderr != nil {
		cmd.Stdout, cmd.Stderr = c.o.Stderr, c.o.Stderr
	}
	bindToParent(cmd)
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("remote: start worker: %w", err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	c.mu.Lock()
	c.procs[name] = p
	c.mu.Unlock()
	return name, nil
}

// SetLifetime sets WorkerOptions.Lifetime for workers started from now on.
func (c *LocalCluster) SetLifetime(d time.Duration) {
	c.mu.Lock()
	c.o.Lifetime = d
	c.mu.Unlock()
}

// KillWorker kills a worker process abruptly (SIGKILL), as a crash would.
func (c *LocalCluster) KillWorker(name string) error {
	c.mu.Lock()
	p, ok := c.procs[name]
	c.mu.Unlock()
	if !ok {
		return fmt.Errorf("remote: no worker process %q", name)
	}
	return p.cmd.Process.Kill()
}

// SignalWorker sends sig to a worker process: SIGSTOP freezes it as a hung
// node would (its connections stay open, it answers nothing), SIGCONT
// resumes it.
func (c *LocalCluster) SignalWorker(name string, sig os.Signal) error {
	c.mu.Lock()
	p, ok := c.procs[name]
	c.mu.Unlock()
	if !ok {
		return fmt.Errorf("remote: no worker process %q", name)
	}
	return p.cmd.Process.Signal(sig)
}

// Close stops the workers and the scheduler and removes the temporary
// directory.
func (c *LocalCluster) Close() error {
	c.Scheduler.Close()
	c.mu.Lock()
	procs := c.procs
	c.procs = map[string]*proc{}
	c.mu.Unlock()
	for _, p := range procs {
		select {
		case <-p.done:
		case <-time.After(2 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
		}
	}
	if c.ownDir {
		os.RemoveAll(c.dir)
	}
	return nil
}

type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}
