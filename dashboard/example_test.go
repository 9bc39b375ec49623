package dashboard_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/dashboard"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

func ExampleServe() {
	rec := dashboard.NewRecorder(dashboard.Options{LocalCores: 2})
	srv, err := dashboard.Serve("127.0.0.1:0", rec) // print srv.URL() for the user
	if err != nil {
		panic(err)
	}
	defer srv.Close(context.Background())

	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 2, Progress: rec.Progress})
	a := ndarray.Random([]int{1000, 1000}, chunk.PerAxis(250, 250), 1)
	if _, err := reduce.Mean(a).Compute(context.Background(), ndarray.WithExecutor(ex)); err != nil {
		panic(err)
	}
	s := rec.State()
	fmt.Println(strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), s.Done == s.Total, len(s.Kinds) > 0)
	// Output: true true true
}
