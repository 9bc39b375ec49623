package remote_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
)

// A cluster of two worker processes on this machine runs the same graph as
// cluster.Local. The workers are this program started again with
// "tessera-worker" (remote.MaybeServe at the top of main; in tests, in
// TestMain), so the ops it registered resolve there.
func ExampleStartLocalCluster() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := remote.StartLocalCluster(ctx, remote.LocalClusterOptions{Workers: 2, Threads: 2})
	if err != nil {
		panic(err)
	}
	defer c.Close()

	g := cluster.NewGraph()
	var leaves []cluster.Key
	for i := range 10 {
		k := cluster.Key(fmt.Sprintf("leaf%d", i))
		g.Add(cluster.Task{Key: k, Op: constOp{V: float64(i)}})
		leaves = append(leaves, k)
	}
	g.Add(cluster.Task{Key: "total", Op: sumOp{}, Inputs: leaves})
	err = c.Run(ctx, g, []cluster.Key{"total"}, func(k cluster.Key, v cluster.Value) error {
		fmt.Println(k, v.(num).V)
		return nil
	})
	fmt.Println("err:", err, "workers:", len(c.Snapshot().Workers))
	// Output:
	// total 45
	// err: <nil> workers: 2
}
