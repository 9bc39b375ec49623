package remote_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/clustertest"
	"github.com/tessera-array/tessera/cluster/remote"
)

// TestMain lets the test binary serve as a worker: the local process
// cluster starts this same binary with "tessera-worker".
func TestMain(m *testing.M) {
	remote.MaybeServe()
	if os.Getenv(childSchedulerEnv) != "" {
		os.Exit(childScheduler())
	}
	// Registered only in the client: worker processes (which never return
	// from MaybeServe) do not know this kind.
	cluster.Register("remotetest.clientonly", func() cluster.Op { return &clientOnlyOp{} })
	os.Exit(m.Run())
}

type clientOnlyOp struct{}

func (clientOnlyOp) Kind() string { return "remotetest.clientonly" }
func (clientOnlyOp) Run(context.Context, []cluster.Value) (cluster.Value, error) {
	return num{V: 1, Bytes: 8}, nil
}

// A task whose op kind the workers have not registered is refused with an
// error naming the kind (cluster.ErrUnknownOp in the worker's message), and
// the cluster stays usable.
func TestUnregisteredOpKindRefused(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 1, Threads: 1})
	ctx := context.Background()
	g := cluster.NewGraph()
	g.Add(cluster.Task{Key: "x", Op: clientOnlyOp{}})
	_, err := runOne(ctx, c, g, "x")
	var te *cluster.TaskError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "remotetest.clientonly") || !strings.Contains(err.Error(), "unknown op kind") {
		t.Fatalf("err = %v, want a task error naming the unknown kind", err)
	}
	g2, root := tree(t, 8, constOp{})
	if got, err := runOne(ctx, c, g2, root); err != nil || got != 28 {
		t.Fatalf("cluster unusable after a refused task: %v %v", got, err)
	}
}

type num struct {
	V     float64
	Bytes int64
}

func (n num) Nbytes() int64 { return n.Bytes }

type constOp struct {
	V     float64
	Bytes int64
	Sleep time.Duration
}

func (constOp) Kind() string { return "remotetest.const" }
func (o constOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if o.Sleep > 0 {
		select {
		case <-time.After(o.Sleep):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return num{o.V, max(o.Bytes, 8)}, nil
}

type sumOp struct{ Fail, Crash bool }

func (sumOp) Kind() string { return "remotetest.sum" }
func (o sumOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if o.Crash {
		os.Exit(3) // the worker dies, as an out-of-memory kill would
	}
	if o.Fail {
		return nil, errors.New("boom")
	}
	s := 0.0
	for _, v := range in {
		s += v.(num).V
	}
	return num{V: s, Bytes: 8}, nil
}

func init() {
	cluster.Register("remotetest.const", func() cluster.Op { return &constOp{} })
	cluster.Register("remotetest.sum", func() cluster.Op { return &sumOp{} })
	cluster.RegisterValue("remotetest.num", num{})
}

func tree(t testing.TB, n int, leaf constOp) (*cluster.Graph, cluster.Key) {
	g := cluster.NewGraph()
	level := make([]cluster.Key, n)
	for i := range n {
		level[i] = cluster.Key(fmt.Sprintf("c%d", i))
		op := leaf
		op.V = float64(i)
		if err := g.Add(cluster.Task{Key: level[i], Op: op, Bytes: max(leaf.Bytes, 8)}); err != nil {
			t.Fatal(err)
		}
	}
	for depth := 0; len(level) > 1; depth++ {
		var next []cluster.Key
		for i := 0; i < len(level); i += 2 {
			k := cluster.Key(fmt.Sprintf("s%d-%d", depth, i/2))
			if err := g.Add(cluster.Task{Key: k, Op: sumOp{}, Inputs: level[i:min(i+2, len(level))], Bytes: 8}); err != nil {
				t.Fatal(err)
			}
			next = append(next, k)
		}
		level = next
	}
	return g, level[0]
}

func start(t *testing.T, o remote.LocalClusterOptions) *remote.LocalCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if testing.Verbose() {
		o.Stderr = os.Stderr
	}
	c, err := remote.StartLocalCluster(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func runOne(ctx context.Context, ex cluster.Executor, g *cluster.Graph, k cluster.Key) (float64, error) {
	var got float64
	err := ex.Run(ctx, g, []cluster.Key{k}, func(kk cluster.Key, v cluster.Value) error {
		got = v.(num).V
		return nil
	})
	return got, err
}

func TestSameResultsAsLocal(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 3, Threads: 2})
	ctx := context.Background()
	for _, n := range []int{1, 2, 7, 300} {
		g, root := tree(t, n, constOp{})
		want, err := runOne(ctx, cluster.NewLocal(cluster.LocalOptions{}), g, root)
		if err != nil {
			t.Fatal(err)
		}
		got, err := runOne(ctx, c, g, root)
		if err != nil || got != want {
			t.Fatalf("n=%d: remote %v, %v; local %v", n, got, err, want)
		}
	}
	// Several wanted keys, one listed twice: each emitted once.
	g, _ := tree(t, 16, constOp{})
	seen := map[cluster.Key]int{}
	err := c.Run(ctx, g, []cluster.Key{"s0-0", "s1-1", "s0-0", "c5"}, func(k cluster.Key, v cluster.Value) error {
		seen[k]++
		return nil
	})
	if err != nil || len(seen) != 3 || seen["s0-0"] != 1 {
		t.Fatalf("emits %v, %v", seen, err)
	}
	sn := c.Snapshot()
	if len(sn.Workers) != 3 || sn.Done == 0 || sn.Keys != 0 {
		t.Fatalf("snapshot after runs: %+v", sn)
	}
}

func TestTaskErrorIsTyped(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 2})
	g := cluster.NewGraph()
	g.Add(cluster.Task{Key: "a", Op: constOp{V: 1}})
	g.Add(cluster.Task{Key: "bad", Op: sumOp{Fail: true}, Inputs: []cluster.Key{"a"}})
	_, err := runOne(context.Background(), c, g, "bad")
	var te *cluster.TaskError
	if !errors.As(err, &te) || te.Key != "bad" || !strings.Contains(err.Error(), "boom") || errors.Is(err, remote.ErrWorkerLost) {
		t.Fatalf("err = %v", err)
	}
	// The cluster stays usable.
	g2, root := tree(t, 10, constOp{})
	if got, err := runOne(context.Background(), c, g2, root); err != nil || got != 45 {
		t.Fatalf("after failure: %v %v", got, err)
	}
}

func TestPersistKeepsBlocksOnWorkers(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 2, Threads: 2})
	ctx := context.Background()
	g, _ := tree(t, 8, constOp{})
	keys := []cluster.Key{"s1-0", "s1-1"}
	if err := c.Persist(ctx, g, keys); err != nil {
		t.Fatal(err)
	}
	if sn := c.Snapshot(); sn.PinnedKeys != 2 || sn.Keys != 2 {
		t.Fatalf("after persist: %+v", sn)
	}
	// A later graph names the persisted keys with ops that would fail if
	// they ran: the result proves the held blocks were reused.
	g2 := cluster.NewGraph()
	g2.Add(cluster.Task{Key: "s1-0", Op: sumOp{Fail: true}})
	g2.Add(cluster.Task{Key: "s1-1", Op: sumOp{Fail: true}})
	g2.Add(cluster.Task{Key: "top", Op: sumOp{}, Inputs: keys})
	if got, err := runOne(ctx, c, g2, "top"); err != nil || got != 28 {
		t.Fatalf("reuse: %v %v", got, err)
	}
	c.Release(keys...)
	if _, err := runOne(ctx, c, g2, "top"); err == nil {
		t.Fatal("released keys were still used")
	}
}

func TestWrongTokenAndForeignCARefused(t *testing.T) {
	s, err := remote.NewScheduler(remote.SchedulerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	good := s.Credentials()
	badTok := *good
	badTok.Token = "not-the-token"
	foreign, _ := remote.NewCredentials(0)
	foreign.Token = good.Token // right token, wrong CA
	// A certificate from another CA, presented to a scheduler the worker
	// trusts: the scheduler refuses the client certificate.
	foreignLeaf := *foreign
	foreignLeaf.CACert = good.CACert
	for name, cr := range map[string]*remote.Credentials{"wrong token": &badTok, "foreign CA": foreign, "foreign client cert": &foreignLeaf} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := remote.Serve(ctx, remote.WorkerOptions{Scheduler: s.Addr(), Credentials: cr, Threads: 1, DeathTimeout: 3 * time.Second})
		late := ctx.Err()
		cancel()
		if err == nil || late != nil {
			t.Errorf("%s: worker was not refused promptly: %v", name, err)
		}
		if n := len(s.Snapshot().Workers); n != 0 {
			t.Errorf("%s: %d workers joined", name, n)
		}
		t.Logf("%s: %v", name, err)
	}
	// The right credentials join.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- remote.Serve(ctx, remote.WorkerOptions{Scheduler: s.Addr(), Credentials: good, Threads: 1})
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := s.WaitForWorkers(wctx, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
}

func TestWorkerKilledMidRunIsRecomputed(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 3, Threads: 2})
	g, root := tree(t, 120, constOp{Sleep: 50 * time.Millisecond})
	done := make(chan struct{})
	var got float64
	var err error
	go func() {
		got, err = runOne(context.Background(), c, g, root)
		close(done)
	}()
	time.Sleep(250 * time.Millisecond)
	if kerr := c.KillWorker("local-2"); kerr != nil {
		t.Fatal(kerr)
	}
	<-done
	if err != nil || got != 120*119/2 {
		t.Fatalf("after a worker loss: %v, %v", got, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(c.Snapshot().Workers) != 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(c.Snapshot().Workers); n != 2 {
		t.Fatalf("%d workers after the kill", n)
	}
}

func TestRepeatedLossesGiveTypedError(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 3, Scheduler: remote.SchedulerOptions{MaxLosses: 2}})
	g := cluster.NewGraph()
	g.Add(cluster.Task{Key: "a", Op: constOp{V: 1}})
	g.Add(cluster.Task{Key: "killer", Op: sumOp{Crash: true}, Inputs: []cluster.Key{"a"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := runOne(ctx, c, g, "killer")
	var wl *remote.WorkerLostError
	if !errors.Is(err, remote.ErrWorkerLost) || !errors.As(err, &wl) || wl.Key != "killer" || wl.Losses != 3 {
		t.Fatalf("err = %v", err)
	}
	var te *cluster.TaskError
	if errors.As(err, &te) {
		t.Fatal("a worker loss must not look like a task failure")
	}
}

func TestDrainHandsOffPersistedBlocks(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 2, Threads: 1})
	ctx := context.Background()
	g, _ := tree(t, 16, constOp{})
	keys := []cluster.Key{"s2-0", "s2-1", "s1-0", "s1-1", "s1-2", "s1-3"}
	if err := c.Persist(ctx, g, keys); err != nil {
		t.Fatal(err)
	}
	sn := c.Snapshot()
	victim := sn.Workers[0].ID
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := c.Drain(dctx, victim); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(c.Snapshot().Workers) != 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if sn := c.Snapshot(); len(sn.Workers) != 1 || sn.Workers[0].ID == victim || sn.Keys != len(keys) {
		t.Fatalf("after drain: %+v", sn)
	}
	g2 := cluster.NewGraph()
	for _, k := range keys {
		g2.Add(cluster.Task{Key: k, Op: sumOp{Fail: true}})
	}
	g2.Add(cluster.Task{Key: "top", Op: sumOp{}, Inputs: keys[:2]})
	if got, err := runOne(ctx, c, g2, "top"); err != nil || got != 120 {
		t.Fatalf("after drain: %v %v", got, err)
	}
}

func TestWorkerSpillsPastMemoryLimit(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 1, Threads: 2, MemoryLimit: 4 << 10})
	g, _ := tree(t, 64, constOp{Bytes: 1 << 10})
	keys := g.Keys()[:64]
	if err := c.Persist(context.Background(), g, keys); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		sn := c.Snapshot()
		if w := sn.Workers[0]; w.SpillBytes > 0 && w.HeldBytes <= 4<<10 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if w := c.Snapshot().Workers[0]; w.SpillBytes == 0 || w.HeldBytes > 4<<10 {
		t.Fatalf("no spill: %+v", w)
	}
	g2 := cluster.NewGraph()
	for _, k := range keys {
		g2.Add(cluster.Task{Key: k, Op: sumOp{Fail: true}})
	}
	// One task reading all 64 KB of them cannot fit the 4 KB limit: it is
	// refused before it runs, as the local executor would.
	g2.Add(cluster.Task{Key: "top", Op: sumOp{}, Inputs: keys})
	if _, err := runOne(context.Background(), c, g2, "top"); !errors.Is(err, cluster.ErrOverBudget) {
		t.Fatalf("a task needing 16x the worker's limit: err = %v, want ErrOverBudget", err)
	}
	// Pairwise sums read them back from spill within the limit.
	level := keys
	for d := 0; len(level) > 1; d++ {
		var next []cluster.Key
		for i := 0; i < len(level); i += 2 {
			k := cluster.Key(fmt.Sprintf("back%d-%d", d, i/2))
			g2.Add(cluster.Task{Key: k, Op: sumOp{}, Inputs: level[i : i+2]})
			next = append(next, k)
		}
		level = next
	}
	if got, err := runOne(context.Background(), c, g2, level[0]); err != nil || got != 64*63/2 {
		t.Fatalf("from spilled blocks: %v %v", got, err)
	}
}

// A worker near its walltime (Lifetime) asks to be drained: its persisted
// blocks move to the other worker and it exits, no recompute needed.
func TestLifetimeDrainsWorker(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 1, Threads: 1})
	c.SetLifetime(1500 * time.Millisecond)
	if _, err := c.StartWorker(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.WaitForWorkers(wctx, 2); err != nil {
		t.Fatal(err)
	}
	g, _ := tree(t, 32, constOp{})
	keys := g.Keys()[:32]
	if err := c.Persist(ctx, g, keys); err != nil {
		t.Fatal(err)
	}
	var onShort int
	for _, w := range c.Snapshot().Workers {
		if w.ID == "local-2" {
			onShort = int(w.Done)
		}
	}
	if onShort == 0 {
		t.Fatal("no task ran on the short-lived worker")
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(c.Snapshot().Workers) != 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	sn := c.Snapshot()
	if len(sn.Workers) != 1 || sn.Workers[0].ID != "local-1" || sn.Keys != 32 {
		t.Fatalf("after lifetime drain: %+v", sn)
	}
	g2 := cluster.NewGraph()
	for _, k := range keys {
		g2.Add(cluster.Task{Key: k, Op: sumOp{Fail: true}})
	}
	g2.Add(cluster.Task{Key: "top", Op: sumOp{}, Inputs: keys})
	if got, err := runOne(ctx, c, g2, "top"); err != nil || got != 32*31/2 {
		t.Fatalf("after drain: %v %v", got, err)
	}
}

type waitOp struct{ Panic bool }

func (waitOp) Kind() string { return "remotetest.wait" }
func (o waitOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if o.Panic {
		panic("kaboom")
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func init() { cluster.Register("remotetest.wait", func() cluster.Op { return &waitOp{} }) }

// Cancelling the context ends Run promptly and cancels the remote task, so
// the worker's thread is free for the next run.
func TestContextCancelStopsRemoteTasks(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 1, Threads: 1})
	g := cluster.NewGraph()
	g.Add(cluster.Task{Key: "w", Op: waitOp{}})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	_, err := runOne(ctx, c, g, "w")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(t0) > 3*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(t0))
	}
	g2, root := tree(t, 4, constOp{})
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if got, err := runOne(ctx2, c, g2, root); err != nil || got != 6 {
		t.Fatalf("next run on the single thread: %v %v", got, err)
	}
}

func TestPanicAndEmitErrors(t *testing.T) {
	c := start(t, remote.LocalClusterOptions{Workers: 1, Threads: 2})
	g := cluster.NewGraph()
	g.Add(cluster.Task{Key: "p", Op: waitOp{Panic: true}})
	_, err := runOne(context.Background(), c, g, "p")
	var te *cluster.TaskError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "panic: kaboom") {
		t.Fatalf("panic: %v", err)
	}
	g2, root := tree(t, 4, constOp{})
	stop := errors.New("stop")
	if err := c.Run(context.Background(), g2, []cluster.Key{root}, func(cluster.Key, cluster.Value) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("emit error: %v", err)
	}
}

// The remote scheduler passes the executor conformance suite that the
// local executor passes: same graphs, same results, same typed errors.
func TestConformance(t *testing.T) {
	clustertest.Run(t, start(t, remote.LocalClusterOptions{Workers: 3, Threads: 2}))
}

// Scheduler and workers listen on the network interface they are told to
// (the most reported dask-jobqueue pain: workers that never connect).
func TestInterfaces(t *testing.T) {
	s, err := remote.NewScheduler(remote.SchedulerOptions{Interface: "lo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Fatalf("scheduler on lo listens at %s", s.Addr())
	}
	if _, err := remote.NewScheduler(remote.SchedulerOptions{Interface: "no-such-if0"}); err == nil {
		t.Fatal("unknown interface accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go remote.Serve(ctx, remote.WorkerOptions{Scheduler: s.Addr(), Credentials: s.Credentials(), Interface: "lo", Threads: 1})
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := s.WaitForWorkers(wctx, 1); err != nil {
		t.Fatal(err)
	}
	if w := s.Snapshot().Workers[0]; !strings.HasPrefix(w.Addr, "127.0.0.1:") {
		t.Fatalf("worker on lo listens at %s", w.Addr)
	}
}
