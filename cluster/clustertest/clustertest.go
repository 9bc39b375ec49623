// Package clustertest is the conformance suite every cluster.Executor
// passes: the local goroutine executor and the remote scheduler run the
// same graphs and must give the same results and the same typed errors.
//
// Its ops and value type are registered at init, so a remote worker that
// is the test binary itself (remote.MaybeServe in TestMain) knows them.
package clustertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tessera-array/tessera/cluster"
)

// Num is the suite's value: a number of a declared size.
type Num struct {
	V     float64
	Bytes int64
}

// Nbytes implements cluster.Value.
func (n Num) Nbytes() int64 { return max(n.Bytes, 8) }

// ConstOp produces V.
type ConstOp struct{ V float64 }

// Kind implements cluster.Op.
func (ConstOp) Kind() string { return "clustertest.const" }

// Run implements cluster.Op.
func (o ConstOp) Run(context.Context, []cluster.Value) (cluster.Value, error) {
	return Num{V: o.V}, nil
}

// SumOp adds its inputs, or misbehaves as asked.
type SumOp struct {
	Fail  bool // return an error
	Panic bool // panic
	Nil   bool // return a nil value
	Wait  bool // block until ctx ends
}

// Kind implements cluster.Op.
func (SumOp) Kind() string { return "clustertest.sum" }

// Run implements cluster.Op.
func (o SumOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	switch {
	case o.Fail:
		return nil, errors.New("boom")
	case o.Panic:
		panic("kaboom")
	case o.Nil:
		return nil, nil
	case o.Wait:
		<-ctx.Done()
		return nil, ctx.Err()
	}
	s := 0.0
	for _, v := range in {
		s += v.(Num).V
	}
	return Num{V: s}, nil
}

func init() {
	cluster.Register("clustertest.const", func() cluster.Op { return &ConstOp{} })
	cluster.Register("clustertest.sum", func() cluster.Op { return &SumOp{} })
	cluster.RegisterValue("clustertest.num", Num{})
}

// Tree builds sum(sum(c0,c1), sum(c2,c3), ...) over n leaves of value i.
func Tree(n int) (*cluster.Graph, cluster.Key) {
	g := cluster.NewGraph()
	level := make([]cluster.Key, n)
	for i := range n {
		level[i] = cluster.Key(fmt.Sprintf("c%d", i))
		g.Add(cluster.Task{Key: level[i], Op: ConstOp{V: float64(i)}, Bytes: 8})
	}
	for d := 0; len(level) > 1; d++ {
		var next []cluster.Key
		for i := 0; i < len(level); i += 2 {
			k := cluster.Key(fmt.Sprintf("s%d-%d", d, i/2))
			g.Add(cluster.Task{Key: k, Op: SumOp{}, Inputs: level[i:min(i+2, len(level))], Bytes: 8})
			next = append(next, k)
		}
		level = next
	}
	return g, level[0]
}

func runOne(ctx context.Context, ex cluster.Executor, g *cluster.Graph, k cluster.Key) (float64, error) {
	var got float64
	err := ex.Run(ctx, g, []cluster.Key{k}, func(_ cluster.Key, v cluster.Value) error {
		got = v.(Num).V
		return nil
	})
	return got, err
}

// Run runs the suite against the executor ex. When ex is also a
// cluster.Persister the persistence tests run too.
func Run(t *testing.T, ex cluster.Executor) {
	ctx := context.Background()
	t.Run("Trees", func(t *testing.T) {
		for _, n := range []int{1, 2, 7, 100, 1000} {
			g, root := Tree(n)
			got, err := runOne(ctx, ex, g, root)
			if want := float64(n*(n-1)) / 2; err != nil || got != want {
				t.Fatalf("n=%d: got %v, %v; want %v", n, got, err, want)
			}
		}
	})
	t.Run("SeveralWantedEachEmittedOnce", func(t *testing.T) {
		g, _ := Tree(16)
		seen := map[cluster.Key]float64{}
		count := 0
		err := ex.Run(ctx, g, []cluster.Key{"s0-0", "s1-1", "s0-0", "c5"}, func(k cluster.Key, v cluster.Value) error {
			seen[k] = v.(Num).V
			count++
			return nil
		})
		if err != nil || count != 3 || seen["s0-0"] != 1 || seen["s1-1"] != 4+5+6+7 || seen["c5"] != 5 {
			t.Fatalf("emits %v (%d), %v", seen, count, err)
		}
	})
	t.Run("TaskErrorNamesTask", func(t *testing.T) {
		for name, op := range map[string]SumOp{"error": {Fail: true}, "panic": {Panic: true}, "nil": {Nil: true}} {
			g := cluster.NewGraph()
			g.Add(cluster.Task{Key: "a", Op: ConstOp{V: 1}})
			g.Add(cluster.Task{Key: "bad", Op: op, Inputs: []cluster.Key{"a"}})
			g.Add(cluster.Task{Key: "top", Op: SumOp{}, Inputs: []cluster.Key{"bad"}})
			_, err := runOne(ctx, ex, g, "top")
			var te *cluster.TaskError
			if !errors.As(err, &te) || te.Key != "bad" || te.Kind != "clustertest.sum" {
				t.Fatalf("%s: err = %v", name, err)
			}
			if name == "panic" && !strings.Contains(err.Error(), "kaboom") {
				t.Fatalf("panic message lost: %v", err)
			}
		}
		// The executor stays usable.
		g, root := Tree(10)
		if got, err := runOne(ctx, ex, g, root); err != nil || got != 45 {
			t.Fatalf("after failures: %v %v", got, err)
		}
	})
	t.Run("EmitErrorReturned", func(t *testing.T) {
		g, root := Tree(4)
		stop := errors.New("stop")
		if err := ex.Run(ctx, g, []cluster.Key{root}, func(cluster.Key, cluster.Value) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ContextCancel", func(t *testing.T) {
		g := cluster.NewGraph()
		g.Add(cluster.Task{Key: "w", Op: SumOp{Wait: true}})
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		t0 := time.Now()
		_, err := runOne(cctx, ex, g, "w")
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(t0) > 5*time.Second {
			t.Fatalf("err %v after %v", err, time.Since(t0))
		}
		g2, root := Tree(4)
		if got, err := runOne(ctx, ex, g2, root); err != nil || got != 6 {
			t.Fatalf("after cancel: %v %v", got, err)
		}
	})
	p, ok := ex.(cluster.Persister)
	if !ok {
		return
	}
	t.Run("PersistReused", func(t *testing.T) {
		g, _ := Tree(8)
		keys := []cluster.Key{"s1-0", "s1-1"}
		if err := p.Persist(ctx, g, keys); err != nil {
			t.Fatal(err)
		}
		// A later graph names the persisted keys with ops that would fail
		// if they ran: the result proves the held values were reused.
		g2 := cluster.NewGraph()
		g2.Add(cluster.Task{Key: "s1-0", Op: SumOp{Fail: true}})
		g2.Add(cluster.Task{Key: "s1-1", Op: SumOp{Fail: true}})
		g2.Add(cluster.Task{Key: "top", Op: SumOp{}, Inputs: keys})
		if got, err := runOne(ctx, ex, g2, "top"); err != nil || got != 28 {
			t.Fatalf("reuse: %v %v", got, err)
		}
		if got, err := runOne(ctx, ex, g2, "s1-1"); err != nil || got != 22 {
			t.Fatalf("wanted persisted key: %v %v", got, err)
		}
		p.Release(keys...)
		if _, err := runOne(ctx, ex, g2, "top"); err == nil {
			t.Fatal("released values were still used")
		}
	})
}
