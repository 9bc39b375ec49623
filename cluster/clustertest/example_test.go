package clustertest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/clustertest"
)

// Tree builds the suite's graphs; any executor runs them.
func ExampleTree() {
	g, root := clustertest.Tree(8) // sum of 0..7
	fmt.Println(g.Len(), "tasks, root", root)
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 2})
	err := ex.Run(context.Background(), g, []cluster.Key{root}, func(k cluster.Key, v cluster.Value) error {
		fmt.Println(k, "=", v.(clustertest.Num).V)
		return nil
	})
	fmt.Println(err)
	// Output:
	// 15 tasks, root s2-0
	// s2-0 = 28
	// <nil>
}

// An executor's tests run the whole suite against it. Run needs the
// *testing.T of a test, so this example shows the test function and is not
// run itself.
func ExampleRun() {
	testLocal := func(t *testing.T) {
		clustertest.Run(t, cluster.NewLocal(cluster.LocalOptions{Workers: 4}))
	}
	_ = testLocal
}
