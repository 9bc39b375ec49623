package cluster_test

import (
	"testing"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/clustertest"
)

// The local executor passes the suite every executor passes
// (cluster/remote runs it on worker processes).
func TestLocalConformance(t *testing.T) {
	for _, w := range []int{1, 4} {
		clustertest.Run(t, cluster.NewLocal(cluster.LocalOptions{Workers: w}))
	}
}
