// Command tessera is the tessera CLI.
//
//	tessera worker --scheduler HOST:PORT --credentials FILE [--nthreads N]
//	        [--memory-limit 4GB] [--local-directory DIR] [--interface IF]
//	        [--death-timeout 60s] [--lifetime 1h55m] [--name NAME]
//	tessera ops        list the op kinds and value types this binary knows
//
// "tessera worker" runs a remote worker for graphs that use only tessera's
// built-in ops (ndarray, reduce). Programs with functions of their own run
// their own binary as the worker instead: remote.MaybeServe at the top of
// main.
package main

import (
	"fmt"
	"os"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"

	// Built-in ops and value types, registered at init.
	_ "github.com/tessera-array/tessera/ndarray"
	_ "github.com/tessera-array/tessera/reduce"
)

func main() {
	remote.MaybeServe() // launchers start any worker binary with "tessera-worker"
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		usage()
		return 2
	}
	switch args[0] {
	case "worker":
		return remote.WorkerMain(args[1:])
	case "ops":
		for _, k := range cluster.Kinds() {
			fmt.Println("op   ", k)
		}
		for _, v := range cluster.ValueNames() {
			fmt.Println("value", v)
		}
		return 0
	default:
		usage()
		return 2
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: tessera worker --scheduler HOST:PORT --credentials FILE [flags] | tessera ops")
}
