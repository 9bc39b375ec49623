package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// The local process cluster starts this test binary as its workers, as a
// launcher starts the tessera CLI.
func TestMain(m *testing.M) {
	remote.MaybeServe()
	os.Exit(m.Run())
}

func startCluster(t *testing.T, workers, threads int) *remote.LocalCluster {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := remote.StartLocalCluster(ctx, remote.LocalClusterOptions{Workers: workers, Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// The same lazy-array graphs give the same results on worker processes as
// on the local executor: the mean of a random array (partials cross the
// network and combine in a tree), an elementwise expression brought back
// as blocks, and a persisted array reused by a later graph.
func TestArraysOnRemoteWorkersMatchLocal(t *testing.T) {
	c := startCluster(t, 2, 2)
	ctx := context.Background()
	a := ndarray.Random([]int{300, 200, 10}, chunk.PerAxis(100, 50, 10), 7)
	local, err := reduce.Mean(a).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := reduce.Mean(a).Compute(ctx, ndarray.WithExecutor(c))
	if err != nil {
		t.Fatal(err)
	}
	if got.Float64s()[0] != local.Float64s()[0] {
		t.Fatalf("remote mean %v, local %v", got.Float64s()[0], local.Float64s()[0])
	}
	e := ndarray.Add(ndarray.Mul(a, 2.0), 1.0)
	le, err := e.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	re, err := e.Compute(ctx, ndarray.WithExecutor(c))
	if err != nil || !re.Equal(le) {
		t.Fatalf("elementwise: equal=%v err=%v", err == nil && re.Equal(le), err)
	}
	p, err := a.Persist(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if sn := c.Snapshot(); sn.PinnedKeys != 12 {
		t.Fatalf("persisted %d blocks, want 12", sn.PinnedKeys)
	}
	sd, err := reduce.Std(p).Compute(ctx, ndarray.WithExecutor(c))
	if err != nil {
		t.Fatal(err)
	}
	lsd, _ := reduce.Std(a).Compute(ctx)
	if sd.Float64s()[0] != lsd.Float64s()[0] {
		t.Fatalf("std from persisted blocks %v, local %v", sd.Float64s()[0], lsd.Float64s()[0])
	}
	p.Release(c)
	if sn := c.Snapshot(); sn.PinnedKeys != 0 || sn.Keys != 0 {
		t.Fatalf("after release: %+v", sn)
	}
}

func TestCLI(t *testing.T) {
	out, code := tessera(t, "ops")
	if code != 0 {
		t.Fatalf("ops: %d %s", code, out)
	}
	// The worker binary knows the ops of every package of built-in ops.
	for _, kind := range []string{"reduce.partial", "stats.radixhist", "linalg.gemm", "reduce.grouppartial", "func  window."} {
		if !strings.Contains(out, kind) {
			t.Errorf("ops lacks %s:\n%s", kind, out)
		}
	}
	if _, code := tessera(t, "worker", "--credentials", "/nonexistent"); code == 0 {
		t.Fatal("worker without a scheduler succeeded")
	}
	if _, code := tessera(t); code != 2 {
		t.Fatalf("no args: %d", code)
	}
}

// Persisted blocks lost with a killed worker are recomputed from the
// graph's lineage when a later computation needs them.
func TestPersistedBlocksRecomputedAfterWorkerLoss(t *testing.T) {
	c := startCluster(t, 2, 1)
	ctx := context.Background()
	a := ndarray.Random([]int{400, 400, 20}, chunk.PerAxis(100, 100, 20), 3)
	p, err := a.Persist(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int64{}
	for _, w := range c.Snapshot().Workers {
		per[w.ID] = w.Done
	}
	if per["local-1"] == 0 || per["local-2"] == 0 {
		t.Fatalf("blocks not spread over both workers: %v", per)
	}
	if err := c.KillWorker("local-2"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(c.Snapshot().Workers) != 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got, err := reduce.Mean(p).Compute(ctx, ndarray.WithExecutor(c))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := reduce.Mean(a).Compute(ctx)
	if got.Float64s()[0] != want.Float64s()[0] {
		t.Fatalf("mean after loss %v, want %v", got.Float64s()[0], want.Float64s()[0])
	}
	if sn := c.Snapshot(); sn.PinnedKeys != 16 || sn.Keys != 16 {
		t.Fatalf("persisted blocks not all held again: %+v", sn)
	}
}
