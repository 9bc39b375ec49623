package slurm_test

import (
	"context"
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

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/cluster/slurm"
	"github.com/tessera-array/tessera/cluster/slurm/slurmtest"
)

// The Slurm jobs start this test binary as their worker.
func TestMain(m *testing.M) {
	remote.MaybeServe()
	os.Exit(m.Run())
}

type num struct{ V float64 }

func (num) Nbytes() int64 { return 8 }

type constOp struct {
	V     float64
	Sleep time.Duration
}

func (constOp) Kind() string { return "slurmtest.const" }
func (o constOp) Run(ctx context.Context, _ []cluster.Value) (cluster.Value, error) {
	time.Sleep(o.Sleep)
	return num{o.V}, nil
}

type sumOp struct{}

func (sumOp) Kind() string { return "slurmtest.sum" }
func (sumOp) Run(_ context.Context, in []cluster.Value) (cluster.Value, error) {
	s := 0.0
	for _, v := range in {
		s += v.(num).V
	}
	return num{s}, nil
}

func init() {
	cluster.Register("slurmtest.const", func() cluster.Op { return &constOp{} })
	cluster.Register("slurmtest.sum", func() cluster.Op { return &sumOp{} })
	cluster.RegisterValue("slurmtest.num", num{})
}

func needSlurm(t *testing.T) { slurmtest.Require(t) }

func tree(n int, sleep time.Duration) (*cluster.Graph, cluster.Key) {
	g := cluster.NewGraph()
	level := make([]cluster.Key, n)
	for i := range n {
		level[i] = cluster.Key(fmt.Sprintf("c%d", i))
		g.Add(cluster.Task{Key: level[i], Op: constOp{V: float64(i), Sleep: sleep}})
	}
	for d := 0; len(level) > 1; d++ {
		var next []cluster.Key
		for i := 0; i < len(level); i += 2 {
			k := cluster.Key(fmt.Sprintf("s%d-%d", d, i/2))
			g.Add(cluster.Task{Key: k, Op: sumOp{}, Inputs: level[i:min(i+2, len(level))]})
			next = append(next, k)
		}
		level = next
	}
	return g, level[0]
}

func testOptions(t *testing.T) slurm.Options {
	return slurm.Options{
		Queue:        "short,brief-low",
		Cores:        1,
		Processes:    1,
		Memory:       "1GB",
		Walltime:     "00:10:00",
		LogDirectory: t.TempDir(),
		JobName:      "tessera-test",
		DeathTimeout: 20 * time.Second,
	}
}

func squeueIDs(t *testing.T, ids []string) string {
	out, _ := exec.Command("squeue", "-h", "-o", "%i %T", "-j", strings.Join(ids, ",")).CombinedOutput()
	s := strings.TrimSpace(string(out))
	if strings.Contains(s, "Invalid job id") {
		return ""
	}
	return s
}

func TestScaleComputeClose(t *testing.T) {
	needSlurm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := slurm.New(testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	script, _ := c.JobScript()
	if !strings.Contains(script, "#SBATCH -p short,brief-low") || !strings.Contains(script, "--scheduler "+c.Addr()) {
		t.Fatalf("script:\n%s", script)
	}
	if err := c.Scale(ctx, 2); err != nil {
		t.Fatal(err)
	}
	jobs, err := c.Jobs(ctx)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("jobs %v %v", jobs, err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := c.WaitForWorkers(wctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, w := range c.Snapshot().Workers {
		if !strings.HasPrefix(w.ID, "tessera-") {
			t.Errorf("worker name %q does not name its job", w.ID)
		}
	}
	g, root := tree(64, 0)
	var got float64
	if err := c.Run(ctx, g, []cluster.Key{root}, func(_ cluster.Key, v cluster.Value) error { got = v.(num).V; return nil }); err != nil || got != 64*63/2 {
		t.Fatalf("run on Slurm workers: %v %v", got, err)
	}
	// Persist in cluster memory, reuse from a later graph.
	if err := c.Persist(ctx, g, []cluster.Key{"s4-0", "s4-1"}); err != nil {
		t.Fatal(err)
	}
	g2 := cluster.NewGraph()
	g2.Add(cluster.Task{Key: "s4-0", Op: constOp{V: -1e9}})
	g2.Add(cluster.Task{Key: "s4-1", Op: constOp{V: -1e9}})
	g2.Add(cluster.Task{Key: "top", Op: sumOp{}, Inputs: []cluster.Key{"s4-0", "s4-1"}})
	if err := c.Run(ctx, g2, []cluster.Key{"top"}, func(_ cluster.Key, v cluster.Value) error { got = v.(num).V; return nil }); err != nil || got != 64*63/2 {
		t.Fatalf("persisted reuse: %v %v", got, err)
	}
	ids := []string{jobs[0].ID, jobs[1].ID}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if s := squeueIDs(t, ids); s != "" {
		t.Fatalf("jobs still queued after Close: %s", s)
	}
}

func TestPendingJobsShowReason(t *testing.T) {
	needSlurm(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	o := testOptions(t)
	// One job takes every CPU the node declares, so a second one must wait.
	cpus := nodeCPUs(t)
	o.Cores, o.Processes = cpus, min(2, cpus)
	c, err := slurm.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Scale(ctx, o.Processes+1); err != nil { // ceil((p+1)/p) = 2 jobs
		t.Fatal(err)
	}
	var jobs []slurm.Job
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		jobs, err = c.Jobs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 2 && jobs[0].State == "RUNNING" && jobs[1].State == "PENDING" && jobs[1].Reason != "" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(jobs) != 2 || jobs[1].State != "PENDING" || jobs[1].Reason == "" {
		t.Fatalf("jobs: %+v", jobs)
	}
	t.Logf("jobs: %+v", jobs)
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if err := c.WaitForWorkers(wctx, o.Processes); err != nil {
		t.Fatal(err)
	}
	// Scale down to one job: the pending one goes first.
	if err := c.ScaleJobs(ctx, 1); err != nil {
		t.Fatal(err)
	}
	left, _ := c.Jobs(ctx)
	if len(left) != 1 || left[0].ID != jobs[0].ID {
		t.Fatalf("after ScaleJobs(1): %+v", left)
	}
}

func TestAdaptFollowsQueuedWork(t *testing.T) {
	needSlurm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := slurm.New(testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Adapt(ctx, 0, 2, slurm.AdaptOptions{Interval: 200 * time.Millisecond, WaitCount: 3}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if jobs, _ := c.Jobs(ctx); len(jobs) != 0 {
		t.Fatalf("idle adapt submitted %d jobs", len(jobs))
	}
	g, root := tree(40, 50*time.Millisecond)
	var got float64
	maxJobs := 0
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if jobs, err := c.Jobs(ctx); err == nil {
					maxJobs = max(maxJobs, len(jobs))
				}
			}
		}
	}()
	err = c.Run(ctx, g, []cluster.Key{root}, func(_ cluster.Key, v cluster.Value) error { got = v.(num).V; return nil })
	close(stop)
	<-stopped
	if err != nil || got != 40*39/2 {
		t.Fatalf("adaptive run: %v %v", got, err)
	}
	if maxJobs != 2 {
		t.Fatalf("adapt grew to %d jobs, want 2", maxJobs)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if jobs, _ := c.Jobs(ctx); len(jobs) == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	jobs, _ := c.Jobs(ctx)
	t.Fatalf("adapt did not shrink to 0: %+v", jobs)
}

// A worker job cancelled with scancel in the middle of a computation: its
// workers die with it, the scheduler recomputes what they held from the
// graph on the other job's workers, and the result is still correct.
func TestScancelMidComputation(t *testing.T) {
	needSlurm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o := testOptions(t)
	o.Cores, o.Processes = 2, 2
	c, err := slurm.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Scale(ctx, 4); err != nil { // 2 jobs x 2 worker processes
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := c.WaitForWorkers(wctx, 4); err != nil {
		t.Fatal(err)
	}
	jobs, err := c.Jobs(ctx)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("jobs %v %v", jobs, err)
	}
	g, root := tree(400, 15*time.Millisecond) // about 1.5 s of work on 4 workers
	done := make(chan error, 1)
	var got float64
	go func() {
		done <- c.Run(ctx, g, []cluster.Key{root}, func(_ cluster.Key, v cluster.Value) error { got = v.(num).V; return nil })
	}()
	time.Sleep(500 * time.Millisecond)
	if out, err := exec.Command("scancel", jobs[0].ID).CombinedOutput(); err != nil {
		t.Fatalf("scancel: %v %s", err, out)
	}
	if err := <-done; err != nil {
		t.Fatalf("run after scancel: %v", err)
	}
	if got != 400*399/2 {
		t.Fatalf("result %v after a job was cancelled, want %d", got, 400*399/2)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(c.Snapshot().Workers) != 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := len(c.Snapshot().Workers); n != 2 {
		t.Fatalf("%d workers after cancelling one job of two, want 2", n)
	}
}

// Workers drain before their walltime: a job whose workers reach their
// lifetime hands its persisted blocks to the other job's workers and ends
// by itself (it leaves squeue before any time limit), and a later graph
// finds every block still held.
func TestWalltimeDrainHandsOff(t *testing.T) {
	needSlurm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := slurm.New(testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A long-lived job first, then one whose worker drains after 4 s.
	if err := c.Scale(ctx, 1); err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := c.WaitForWorkers(wctx, 1); err != nil {
		t.Fatal(err)
	}
	c.SetLifetime(4 * time.Second)
	if err := c.Scale(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitForWorkers(wctx, 2); err != nil {
		t.Fatal(err)
	}
	jobs, _ := c.Jobs(ctx)
	if len(jobs) != 2 {
		t.Fatalf("jobs %v", jobs)
	}
	short := jobs[1].ID
	g, _ := tree(32, 0)
	keys := g.Keys()[:32]
	if err := c.Persist(ctx, g, keys); err != nil {
		t.Fatal(err)
	}
	perWorker := map[string]int64{}
	for _, w := range c.Snapshot().Workers {
		perWorker[w.ID] = w.Done
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(c.Snapshot().Workers) != 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	sn := c.Snapshot()
	if len(sn.Workers) != 1 || sn.PinnedKeys != 32 || sn.Keys != 32 {
		t.Fatalf("after the drain: %+v (tasks per worker before: %v)", sn, perWorker)
	}
	// Every persisted block is still held: ops that would fail are not run.
	g2 := cluster.NewGraph()
	for _, k := range keys {
		g2.Add(cluster.Task{Key: k, Op: constOp{V: -1e9}})
	}
	g2.Add(cluster.Task{Key: "top", Op: sumOp{}, Inputs: keys})
	var got float64
	if err := c.Run(ctx, g2, []cluster.Key{"top"}, func(_ cluster.Key, v cluster.Value) error { got = v.(num).V; return nil }); err != nil || got != 32*31/2 {
		t.Fatalf("after the drain: %v %v", got, err)
	}
	for time.Now().Before(deadline) && squeueIDs(t, []string{short}) != "" {
		time.Sleep(100 * time.Millisecond)
	}
	if s := squeueIDs(t, []string{short}); s != "" {
		t.Fatalf("drained job still in squeue: %s", s)
	}
}

// nodeCPUs is the CPU count the Slurm node declares (slurm-up.sh may claim
// more than the machine has).
func nodeCPUs(t *testing.T) int {
	out, err := exec.Command("sinfo", "-h", "-N", "-o", "%c").Output()
	if err != nil {
		t.Fatalf("sinfo: %v", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.Split(string(out), "\n")[0]))
	if err != nil || n < 1 {
		t.Fatalf("sinfo CPUs %q: %v", out, err)
	}
	return n
}

// A log directory with spaces, quotes, '#' and '%' reaches the real sbatch
// intact: the job's output and error files land in it under their names.
func TestLogDirectoryQuotedForSbatch(t *testing.T) {
	needSlurm(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	o := testOptions(t)
	o.LogDirectory = filepath.Join(t.TempDir(), `logs #1 "q" 100%`)
	c, err := slurm.New(o)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Scale(ctx, 1))
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	require.NoError(t, c.WaitForWorkers(wctx, 1))
	jobs, err := c.Jobs(ctx)
	require.NoError(t, err)
	require.Len(t, jobs, 1)
	for _, ext := range []string{".out", ".err"} {
		p := filepath.Join(o.LogDirectory, o.JobName+"-"+jobs[0].ID+ext)
		_, err := os.Stat(p)
		assert.NoError(t, err, "job log file")
	}
	require.NoError(t, c.Close())
}
