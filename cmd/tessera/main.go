// Command tessera is the command-line companion of the library:
//
//	tessera info PATH              describe a Zarr store (tree, shapes, dtypes, chunks, codecs, sizes)
//	tessera convert SRC DST [...]  copy a Zarr store between v2 and v3 (optionally sharded), in parallel
//	tessera info RASTER...         describe rasters (GeoTIFF, VRT, any GDAL raster)
//	tessera buildvrt OUT IN...     build a mosaic VRT like gdalbuildvrt
//	tessera quicklook STORE ARRAY  render a 2-D slice to PNG
//	tessera worker --scheduler HOST:PORT --credentials FILE [--nthreads N]
//	        [--memory-limit 4GB] [--local-directory DIR] [--interface IF]
//	        [--death-timeout 60s] [--lifetime 1h55m] [--name NAME]
//	tessera ops                    list the op kinds, value types and block functions this binary knows
//
// "tessera worker" runs a remote worker for graphs that use only tessera's
// built-in ops. Programs with functions of their own run their own binary
// as the worker instead: remote.MaybeServe at the top of main.
//
// Run `tessera help` for every subcommand; other files of this package add
// their own (raster info, buildvrt, worker).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"

	"github.com/tessera-array/tessera/cluster/remote"
)

// errUsage marks an error in the user's invocation, answered with exit
// status 2.
var errUsage = errors.New("usage")

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, stdout io.Writer, args []string) error
}

// commands is filled by init functions of this package's files (an
// init-time registry) and read-only afterwards.
var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, stdout io.Writer, args []string) error) {
	if _, dup := commands[name]; dup {
		panic("tessera: duplicate subcommand " + name)
	}
	commands[name] = command{summary: summary, run: run}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tessera COMMAND [arguments]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

func main() {
	remote.MaybeServe() // launchers start any worker binary with "tessera-worker"
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Stdout, os.Stderr, os.Args[1:]))
}

func run(ctx context.Context, stdout, stderr io.Writer, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "tessera: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	if err := c.run(ctx, stdout, args[1:]); err != nil {
		fmt.Fprintf(stderr, "tessera %s: %v\n", args[0], err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}
