package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tessera-array/tessera/cluster"
)

// scalar is a tiny Value.
type scalar float64

func (scalar) Nbytes() int64 { return 8 }

// addOp is an op: a plain struct with exported params, registered by kind.
type addOp struct{ Plus float64 }

func (addOp) Kind() string { return "example.add" }
func (o addOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	s := o.Plus
	for _, v := range in {
		s += float64(v.(scalar))
	}
	return scalar(s), nil
}

func init() { cluster.Register("example.add", func() cluster.Op { return &addOp{} }) }

func ExampleLocal_Run() {
	g := cluster.NewGraph()
	_ = g.Add(cluster.Task{Key: "a", Op: addOp{Plus: 1}})
	_ = g.Add(cluster.Task{Key: "b", Op: addOp{Plus: 2}})
	_ = g.Add(cluster.Task{Key: "sum", Op: addOp{}, Inputs: []cluster.Key{"a", "b"}})

	// Graphs are data: they travel as JSON and decode through the registry.
	wire, _ := json.Marshal(g)
	var back cluster.Graph
	if err := json.Unmarshal(wire, &back); err != nil {
		panic(err)
	}

	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 2, MemoryBudget: 1 << 20})
	err := ex.Run(context.Background(), &back, []cluster.Key{"sum"}, func(k cluster.Key, v cluster.Value) error {
		fmt.Println(k, "=", v)
		return nil
	})
	fmt.Println(err)
	// Output:
	// sum = 3
	// <nil>
}
