// Command zarrbench compares tessera's Zarr IO with zarr-python's on the
// same data, side by side: an N×N×N uint16 array (N=1024: 2 GB) in 256³
// chunks, compressed with zstd level 1 and with Blosc-lz4 (byte shuffle).
// For each codec it times the write, a whole-array read and a
// chunk-by-chunk read on both sides, each phase in its own process so that
// peak resident memory is per phase, and prints a ratio table.
//
//	go run ./benchmarks/zarrbench              # N=1024 (2 GB), about three minutes
//	go run ./benchmarks/zarrbench -n 256       # quick
//
// Threads are equal: tessera reads and writes with -threads chunks at once;
// zarr-python (which has no parallel chunk IO) gets the same number of
// Blosc threads.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"github.com/tessera-array/tessera/block"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/zarr"
)

type result struct {
	Seconds float64 `json:"seconds"`
	Check   int64   `json:"check"`
	MaxRSS  float64 `json:"maxrss_mb"`
}

func main() {
	n := flag.Int("n", 1024, "array edge (N×N×N uint16)")
	threads := flag.Int("threads", runtime.NumCPU(), "chunks at once (tessera) / Blosc threads (zarr-python)")
	dir := flag.String("dir", "", "scratch directory (default: a temp dir, removed after)")
	phase := flag.String("phase", "", "internal: run one tessera phase")
	codecName := flag.String("codec", "", "internal")
	flag.Parse()
	if *phase != "" {
		r, err := runPhase(*phase, *dir, *codecName, *n, *threads)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = json.NewEncoder(os.Stdout).Encode(r)
		return
	}
	root := *dir
	if root == "" {
		var err error
		if root, err = os.MkdirTemp("", "zarrbench"); err != nil {
			fatal(err)
		}
		defer os.RemoveAll(root)
	}
	self, _ := os.Executable()
	script := findScript()
	gb := float64(*n) * float64(*n) * float64(*n) * 2 / 1e9
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "codec\tphase\ttessera s\ttessera RSS MB\tzarr-python s\tzarr-python RSS MB\tspeed-up\n")
	for _, c := range []string{"zstd1", "blosclz4"} {
		for _, ph := range []string{"write", "readall", "readchunks"} {
			fmt.Fprintf(os.Stderr, "%s %s ...\n", c, ph)
			t, err := runChild(*threads, self, "-phase", ph, "-dir", filepath.Join(root, "t-"+c), "-codec", c, "-n", strconv.Itoa(*n), "-threads", strconv.Itoa(*threads))
			if err != nil {
				fatal(fmt.Errorf("tessera %s %s: %w", c, ph, err))
			}
			p, err := runChild(*threads, "/usr/bin/python3", script, ph, filepath.Join(root, "p-"+c), c, strconv.Itoa(*n), strconv.Itoa(*threads))
			if err != nil {
				fatal(fmt.Errorf("zarr-python %s %s: %w", c, ph, err))
			}
			if ph != "readchunks" && t.Check != p.Check {
				fatal(fmt.Errorf("%s %s: checksums differ: tessera %d, zarr-python %d", c, ph, t.Check, p.Check))
			}
			fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.0f\t%.2f\t%.0f\t%.2fx\n", c, ph, t.Seconds, t.MaxRSS, p.Seconds, p.MaxRSS, p.Seconds/t.Seconds)
		}
	}
	tw.Flush()
	fmt.Printf("array %d³ uint16 (%.2f GB) in %d³ chunks, %d threads per side\n", *n, gb, min(256, *n), *threads)
	os.Stdout.Write(table.Bytes())
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "zarrbench:", err)
	os.Exit(1)
}

func findScript() string {
	p := child.FindScript("benchmarks/zarrbench", "zarr_python.py")
	if p == "" {
		fatal(fmt.Errorf("zarr_python.py not found; run from the repository root"))
	}
	return p
}

func runChild(threads int, name string, args ...string) (result, error) {
	var r result
	rss, err := child.Run(&r, false, threads, name, args...)
	if err != nil {
		return result{}, err
	}
	r.MaxRSS = max(r.MaxRSS, rss)
	return r, nil
}

// field is the same smooth-plus-noise data as zarr_python.py.
func field(n int, d *block.Dense, z0 int) {
	v := block.Values[uint16](d)
	for i := range v {
		x := i % n
		y := (i / n) % n
		z := z0 + i/(n*n)
		val := (x*3 + y*5 + z*7) % 4096
		gi := int64((z*n+y)*n + x)
		noise := ((gi * 2654435761) >> 7) & 15
		v[i] = uint16(int64(val) ^ noise)
	}
}

func sample(d *block.Dense, n int) int64 {
	v := block.Values[uint16](d)
	var s int64
	for z := 0; z < n; z += 97 {
		for y := 0; y < n; y += 89 {
			for x := 0; x < n; x += 83 {
				s += int64(v[(z*n+y)*n+x])
			}
		}
	}
	return s
}

func runPhase(phase, dir, cname string, n, threads int) (result, error) {
	ctx := context.Background()
	c := min(256, n)
	opts := zarr.Options{Concurrency: threads}
	switch phase {
	case "write":
		s, err := zarr.NewDirectoryStore(dir)
		if err != nil {
			return result{}, err
		}
		comp := json.RawMessage(`{"id":"zstd","level":1}`)
		if cname == "blosclz4" {
			comp = json.RawMessage(`{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}`)
		}
		a, err := zarr.Create(ctx, s, "", zarr.CreateOptions{Format: 2, Shape: []int{n, n, n}, Chunks: []int{c, c, c}, DType: block.Uint16, Compressor: comp, Overwrite: true}, opts)
		if err != nil {
			return result{}, err
		}
		d, err := block.New(block.Uint16, n, n, n)
		if err != nil {
			return result{}, err
		}
		field(n, d, 0)
		t0 := time.Now()
		if _, err := a.WriteAll(ctx, d); err != nil {
			return result{}, err
		}
		return result{Seconds: time.Since(t0).Seconds(), Check: sample(d, n)}, nil
	case "readall", "readchunks":
		s, err := zarr.NewDirectoryStore(dir)
		if err != nil {
			return result{}, err
		}
		a, err := zarr.OpenArray(ctx, s, "", opts)
		if err != nil {
			return result{}, err
		}
		t0 := time.Now()
		if phase == "readall" {
			d, err := a.ReadAll(ctx)
			if err != nil {
				return result{}, err
			}
			return result{Seconds: time.Since(t0).Seconds(), Check: sample(d, n)}, nil
		}
		var sum int64
		for idx := range a.Grid().Blocks() {
			d, err := a.Read(ctx, a.Grid().BlockBox(idx))
			if err != nil {
				return result{}, err
			}
			sum += int64(block.Values[uint16](d)[0])
		}
		_ = chunk.Box{}
		return result{Seconds: time.Since(t0).Seconds(), Check: sum}, nil
	}
	return result{}, fmt.Errorf("unknown phase %q", phase)
}
