package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"

	// Built-in ops and value types, registered at init.
	_ "github.com/tessera-array/tessera/labelled"
	_ "github.com/tessera-array/tessera/linalg"
	"github.com/tessera-array/tessera/ndarray"
	_ "github.com/tessera-array/tessera/reduce"
	_ "github.com/tessera-array/tessera/stats"
	_ "github.com/tessera-array/tessera/window"
	_ "github.com/tessera-array/tessera/zarr"
)

func init() {
	register("worker", "run a remote worker for graphs of built-in ops", func(ctx context.Context, w io.Writer, args []string) error {
		if code := remote.WorkerMain(args); code != 0 {
			return fmt.Errorf("worker exited with status %d", code)
		}
		return nil
	})
	register("ops", "list the op kinds, value types and block functions this binary knows", func(ctx context.Context, w io.Writer, args []string) error {
		for _, k := range cluster.Kinds() {
			fmt.Fprintln(w, "op   ", k)
		}
		for _, v := range cluster.ValueNames() {
			fmt.Fprintln(w, "value", v)
		}
		for _, f := range ndarray.FuncNames() {
			fmt.Fprintln(w, "func ", f)
		}
		return nil
	})
}
