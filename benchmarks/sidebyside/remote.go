package main

import (
	"context"
	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"time"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

func init() { cluster.RegisterValue("sidebyside.num", num(0)) }

// runRemote runs a workload on a local process cluster of cores workers ×
// 1 thread (started before the clock starts, as dask's LocalCluster is),
// then the same graph on the local executor with cores workers.
func runRemote(ctx context.Context, name string, size, cores int) (measurement, error) {
	c, err := remote.StartLocalCluster(ctx, remote.LocalClusterOptions{Workers: cores, Threads: 1})
	if err != nil {
		return measurement{}, err
	}
	defer c.Close()
	local := cluster.NewLocal(cluster.LocalOptions{Workers: cores})
	switch name {
	case "remote-tasks":
		g, root := treeGraph(size)
		run := func(ex cluster.Executor) (float64, float64, error) {
			var v float64
			t0 := time.Now()
			err := ex.Run(ctx, g, []cluster.Key{root}, func(_ cluster.Key, val cluster.Value) error {
				v = float64(val.(num))
				return nil
			})
			return time.Since(t0).Seconds(), v, err
		}
		rs, v, err := run(c)
		if err != nil {
			return measurement{}, err
		}
		ls, _, err := run(local)
		return measurement{Seconds: rs, LocalSeconds: ls, Value: v, Tasks: g.Len(), MaxRSS: float64(child.SelfMaxRSS()) / 1024}, err
	default: // remote-mean
		a := ndarray.Random([]int{size, 7500, 100}, chunk.PerAxis(400, 400, 100), 0)
		run := func(ex cluster.Executor) (float64, float64, error) {
			t0 := time.Now()
			m, err := reduce.Mean(a).Compute(ctx, ndarray.WithExecutor(ex))
			if err != nil {
				return 0, 0, err
			}
			return time.Since(t0).Seconds(), m.Float64s()[0], nil
		}
		rs, v, err := run(c)
		if err != nil {
			return measurement{}, err
		}
		ls, _, err := run(local)
		return measurement{Seconds: rs, LocalSeconds: ls, Value: v, MaxRSS: float64(child.SelfMaxRSS()) / 1024}, err
	}
}
