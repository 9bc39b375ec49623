package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tessera-array/tessera/cluster"
)

// num is a trivial value for the scheduler-overhead workload.
type num float64

func (num) Nbytes() int64 { return 8 }

// constOp and sumOp are the trivial ops of the overhead workload, as in
// the dask script: constants at the leaves, sums above.
type constOp struct{ V float64 }

func (constOp) Kind() string { return "sidebyside.const" }
func (o constOp) Run(context.Context, []cluster.Value) (cluster.Value, error) {
	return num(o.V), nil
}

type sumOp struct{}

func (sumOp) Kind() string { return "sidebyside.sum" }
func (sumOp) Run(_ context.Context, in []cluster.Value) (cluster.Value, error) {
	s := 0.0
	for _, v := range in {
		s += float64(v.(num))
	}
	return num(s), nil
}

func init() {
	cluster.Register("sidebyside.const", func() cluster.Op { return &constOp{} })
	cluster.Register("sidebyside.sum", func() cluster.Op { return &sumOp{} })
}

// treeGraph builds a binary tree of sums over n constants (2n-1 tasks).
func treeGraph(n int) (*cluster.Graph, cluster.Key) {
	g := cluster.NewGraph()
	level := make([]cluster.Key, n)
	for i := range n {
		level[i] = cluster.Key("c" + strconv.Itoa(i))
		_ = g.Add(cluster.Task{Key: level[i], Op: constOp{V: float64(i)}})
	}
	for depth := 0; len(level) > 1; depth++ {
		var next []cluster.Key
		for i := 0; i < len(level); i += 2 {
			k := cluster.Key(fmt.Sprintf("s%d-%d", depth, i/2))
			_ = g.Add(cluster.Task{Key: k, Op: sumOp{}, Inputs: level[i:min(i+2, len(level))]})
			next = append(next, k)
		}
		level = next
	}
	return g, level[0]
}
