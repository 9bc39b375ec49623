package zarr_test

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/zarr"
)

// crashWriter is the child process: it rewrites the whole array over and
// over, generation g filling every element with g, until it is killed.
func crashWriter(dir string) {
	s, err := zarr.NewDirectoryStore(dir)
	if err != nil {
		os.Exit(3)
	}
	a, err := zarr.OpenArray(ctx, s, "a")
	if err != nil {
		os.Exit(4)
	}
	for g := 1; ; g++ {
		d := block.Must(block.Uint16, a.Shape()...)
		d.Fill(float64(g % 60000))
		if _, err := a.WriteAll(ctx, d); err != nil {
			os.Exit(5)
		}
		if err := a.SetAttributes(ctx, map[string]any{"generation": g}); err != nil {
			os.Exit(6)
		}
	}
}

// TestCrashSafety kills a writing process at random points (SIGKILL, no
// cleanup) and checks that the metadata still parses and every chunk is
// whole: each holds a single generation's value, never a torn mix.
func TestCrashSafety(t *testing.T) {
	if dir := os.Getenv("TESSERA_CRASH_WRITER"); dir != "" {
		crashWriter(dir)
		return
	}
	r := rand.New(rand.NewPCG(7, 7))
	for round := range 6 {
		dir := t.TempDir()
		s, _ := zarr.NewDirectoryStore(dir)
		format := 2 + round%2
		o := zarr.CreateOptions{Format: format, Shape: []int{64, 64}, Chunks: []int{8, 8}, DType: block.Uint16}
		if round%3 == 2 {
			o.Format, o.Chunks, o.Shards = 3, []int{4, 4}, []int{16, 16}
		}
		if _, err := zarr.Create(ctx, s, "a", o); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSafety$")
		cmd.Env = append(os.Environ(), "TESSERA_CRASH_WRITER="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+r.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()

		a, err := zarr.OpenArray(ctx, s, "a")
		if err != nil {
			t.Fatalf("round %d: metadata after a crash: %v", round, err)
		}
		gen := a.Meta().Attributes["generation"]
		seen := map[uint16]bool{}
		for idx := range a.Grid().Blocks() {
			box := a.Grid().BlockBox(idx)
			d, err := a.Read(ctx, box)
			if err != nil {
				t.Fatalf("round %d: chunk %v after a crash: %v", round, idx, err)
			}
			v := block.Values[uint16](d)
			for _, x := range v {
				if x != v[0] {
					t.Fatalf("round %d: chunk %v is torn: holds %d and %d", round, idx, v[0], x)
				}
			}
			seen[v[0]] = true
		}
		if len(seen) > 2 {
			t.Fatalf("round %d: chunks hold %d generations; one writer can leave at most old and new", round, len(seen))
		}
		t.Logf("round %d (format %d, shards %v): killed at generation %v; chunks hold generations %v", round, o.Format, o.Shards, gen, keys(seen))
	}
}

func keys(m map[uint16]bool) []string {
	var out []string
	for k := range m {
		out = append(out, strconv.Itoa(int(k)))
	}
	return out
}
