//go:build unix

package remote_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
)

// A worker frozen with SIGSTOP keeps its TCP connections open but answers
// nothing. Past the heartbeat timeout the scheduler declares it lost, the
// other workers stop waiting on it for inputs, and its work is recomputed
// from the graph: the run finishes with the right result.
func TestFrozenWorkerIsDeclaredLostAndRecomputed(t *testing.T) {
	const timeout = 2 * time.Second
	c := start(t, remote.LocalClusterOptions{Workers: 3, Threads: 2, Scheduler: remote.SchedulerOptions{HeartbeatTimeout: timeout}})
	g, root := tree(t, 240, constOp{Sleep: 25 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan struct{})
	var got float64
	var err error
	go func() {
		got, err = runOne(ctx, c, g, root)
		close(done)
	}()
	time.Sleep(400 * time.Millisecond)
	require.NoError(t, c.SignalWorker("local-2", syscall.SIGSTOP))
	stopped := time.Now()
	t.Cleanup(func() { c.KillWorker("local-2") })
	var lostAfter time.Duration
	for lostAfter == 0 && time.Since(stopped) < 30*time.Second {
		present := false
		for _, w := range c.Snapshot().Workers {
			present = present || w.ID == "local-2"
		}
		if !present {
			lostAfter = time.Since(stopped)
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NotZero(t, lostAfter, "frozen worker never declared lost")
	<-done
	t.Logf("frozen worker declared lost %v after SIGSTOP (heartbeat timeout %v); run finished %v after it", lostAfter, timeout, time.Since(stopped))
	require.NoError(t, err)
	assert.Equal(t, float64(240*239/2), got)
	assert.Len(t, c.Snapshot().Workers, 2)
}

// A task placed on a live worker whose input sits on a frozen one waits
// for a Fetch the frozen peer never answers (its TCP connection stays
// open). Once the frozen worker is declared lost, the waiting consumer
// must give up on it, so the input is recomputed and the run finishes.
func TestFrozenPeerDoesNotHangItsConsumers(t *testing.T) {
	const timeout = 2 * time.Second
	c := start(t, remote.LocalClusterOptions{Workers: 1, Threads: 1, Scheduler: remote.SchedulerOptions{HeartbeatTimeout: timeout}})
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	g := cluster.NewGraph()
	require.NoError(t, g.Add(cluster.Task{Key: "p", Op: constOp{V: 100}}))
	require.NoError(t, c.Persist(ctx, g, []cluster.Key{"p"})) // held by local-1, the only worker
	_, err := c.StartWorker()
	require.NoError(t, err)
	require.NoError(t, c.WaitForWorkers(ctx, 2))
	// Two consumers of p at once: one runs on local-1, the other on
	// local-2, which so connects to local-1 while it is alive.
	warm := cluster.NewGraph()
	require.NoError(t, warm.Add(cluster.Task{Key: "p", Op: constOp{V: 100}}))
	require.NoError(t, warm.Add(cluster.Task{Key: "a", Op: sumOp{}, Inputs: []cluster.Key{"p"}}))
	require.NoError(t, warm.Add(cluster.Task{Key: "b", Op: sumOp{}, Inputs: []cluster.Key{"p"}}))
	require.NoError(t, c.Run(ctx, warm, []cluster.Key{"a", "b"}, func(cluster.Key, cluster.Value) error { return nil }))
	for _, w := range c.Snapshot().Workers {
		if w.ID == "local-2" {
			require.Equal(t, int64(1), w.Done, "tasks done by local-2 (it fetched p from local-1)")
		}
	}
	require.NoError(t, c.SignalWorker("local-1", syscall.SIGSTOP))
	t.Cleanup(func() { c.KillWorker("local-1") })
	stopped := time.Now()
	// Fillers keep both threads busy (one of them forever, on the frozen
	// worker), so q, last in order, goes to local-2 and fetches p from
	// local-1.
	for i := range 3 {
		require.NoError(t, g.Add(cluster.Task{Key: cluster.Key(fmt.Sprintf("w%d", i)), Op: constOp{V: 1, Sleep: 300 * time.Millisecond}}))
	}
	require.NoError(t, g.Add(cluster.Task{Key: "q", Op: sumOp{}, Inputs: []cluster.Key{"p"}}))
	require.NoError(t, g.Add(cluster.Task{Key: "top", Op: sumOp{}, Inputs: []cluster.Key{"w0", "w1", "w2", "q"}}))
	got, err := runOne(ctx, c, g, "top")
	require.NoError(t, err, "run with a frozen peer holding an input")
	assert.Equal(t, 103.0, got)
	t.Logf("finished %v after SIGSTOP (heartbeat timeout %v)", time.Since(stopped), timeout)
}

// A scheduler process frozen with SIGSTOP keeps the worker's connection
// open but sends nothing. Past the heartbeat timeout the worker notices
// and exits: Serve returns an error wrapping ErrSchedulerLost (it does not
// reconnect).
func TestFrozenSchedulerMakesWorkersExit(t *testing.T) {
	const timeout = 2 * time.Second
	exe, err := os.Executable()
	require.NoError(t, err)
	credf := filepath.Join(t.TempDir(), "credentials.json")
	child := exec.Command(exe)
	child.Env = append(os.Environ(), childSchedulerEnv+"="+timeout.String(), "TESSERA_TEST_CHILD_CREDENTIALS="+credf)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	lines := bufio.NewScanner(out)
	require.True(t, lines.Scan(), "scheduler address")
	addr := lines.Text()
	creds, err := remote.ReadCredentials(credf)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	served := make(chan error, 1)
	go func() {
		served <- remote.Serve(ctx, remote.WorkerOptions{Scheduler: addr, Credentials: creds, Threads: 1, DeathTimeout: 10 * time.Second})
	}()
	require.True(t, lines.Scan(), "worker joined")
	require.Equal(t, "joined", lines.Text())
	// Connected and alive: the worker stays (more than the timeout).
	select {
	case err := <-served:
		t.Fatalf("worker ended while the scheduler ran: %v", err)
	case <-time.After(2 * timeout):
	}
	require.NoError(t, child.Process.Signal(syscall.SIGSTOP))
	stopped := time.Now()
	var serveErr error
	select {
	case serveErr = <-served:
	case <-ctx.Done():
		t.Fatal("worker never noticed the frozen scheduler")
	}
	t.Logf("worker exited %v after the scheduler was frozen (heartbeat timeout %v): %v", time.Since(stopped), timeout, serveErr)
	assert.ErrorIs(t, serveErr, remote.ErrSchedulerLost)
	assert.NoError(t, ctx.Err(), "the worker's own context did not end it")
}
