package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/cluster/slurm"
	"github.com/tessera-array/tessera/cluster/slurm/slurmtest"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

func TestMain(m *testing.M) {
	remote.MaybeServe()
	os.Exit(m.Run())
}

// The seed story at small sizes on the real single-node Slurm: 2 jobs x 2
// worker processes, two means and a persisted mean, each equal to the local
// executor's value.
func TestSeedStoryOnSlurm(t *testing.T) {
	slurmtest.Require(t)
	o := slurm.Options{Queue: "short,brief-low", Cores: 2, Processes: 2, Memory: "2GB", Walltime: "00:10:00",
		LogDirectory: t.TempDir(), JobName: "tessera-example", DeathTimeout: 20 * time.Second}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, &out, o, 4, 20, 20, false, time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	spec := chunk.PerAxis(400, 400, 100)
	for _, c := range []struct {
		rows int
		seed uint64
		line string
	}{{20, 0, "mean of 0.1 GB"}, {200, 0, "mean of 1.2 GB"}, {20, 1, "mean of the persisted array"}} {
		m, err := reduce.Mean(ndarray.Random([]int{c.rows, 7500, 100}, spec, c.seed)).Compute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%.12f", m.Float64s()[0])
		found := false
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, c.line) && strings.Contains(l, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no line %q with the local mean %s in:\n%s", c.line, want, out.String())
		}
	}
}
