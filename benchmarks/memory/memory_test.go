package main

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
)

// TestMain lets the test binary serve as a remote worker and run one
// budgeted workload as a child (childEnv), so each measured run has a
// process, and a peak resident set, of its own.
func TestMain(m *testing.M) {
	remote.MaybeServe()
	if childMain() {
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runtimeOverhead is the resident memory of a Go process running tessera
// with (almost) nothing held: runtime, code, goroutine stacks, gRPC. The
// mean of a lazy random array holds a few KB of partials, and its peak RSS
// measured 15 MB on the local executor and 21 MB for a remote worker.
const runtimeOverhead = 24 << 20

// fixedOverhead is what a budgeted process may use besides 1.25 × its
// budget: the runtime and code, and the garbage collector's slack above
// the budget at the Go memory limit the process opted in to
// (cluster.GoOverhead).
const fixedOverhead = runtimeOverhead + cluster.GoOverhead

// TestPeakRSSWithinBudget runs budgeted workloads each in a child process
// and asserts that the measured peak RSS (VmHWM of the child, or of its
// largest worker on the remote executor) stays within 1.25 × the budget
// plus fixedOverhead: assembling a result that counts against the budget,
// persisting twice what fits (half spilled), a two-stage rechunk, and the
// two NanMeans of a stack of images in both orders of the outputs.
func TestPeakRSSWithinBudget(t *testing.T) {
	if raceEnabled {
		t.Skip("peak RSS is not meaningful under the race detector")
	}
	const budget = 400 << 20
	type run struct {
		workload, executor string
		scale              int
	}
	runs := []run{
		{"compute", "local", 4},   // a 200 MB result
		{"persist", "local", 8},   // 800 MB persisted, 200 MB of it in memory
		{"rechunk", "local", 4},   // 240 MB through two stages
		{"stack", "local", 4},     // 10 × 4096² float32
		{"stack-rev", "local", 4}, // the same, outputs in the other order
		{"persist", "remote", 8},
		{"stack", "remote", 4},
	}
	if testing.Short() {
		runs = runs[:5]
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, r := range runs {
		t.Run(r.workload+"/"+r.executor, func(t *testing.T) {
			s := spec{Workload: r.workload, Budget: budget, Scale: r.scale, Executor: r.executor}
			js, err := json.Marshal(s)
			require.NoError(t, err)
			rep, err := runIn(exe, []string{"-test.run=^$"}, s, string(js))
			require.NoError(t, err)
			rss := rep.PeakRSS
			if r.executor == "remote" {
				rss = rep.WorkerRSS
			}
			require.Positive(t, rss, "no VmHWM measured")
			bound := int64(budget)*5/4 + fixedOverhead
			t.Logf("%s on %s: %d MB of data, budget %d MB, peak RSS %d MB (%.2f×), bound %d MB",
				r.workload, r.executor, rep.Bytes>>20, budget>>20, rss>>20, float64(rss)/budget, bound>>20)
			assert.LessOrEqual(t, rss, bound, fmt.Sprintf("peak RSS %d MB over 1.25 × %d MB + %d MB", rss>>20, budget>>20, fixedOverhead>>20))
		})
	}
}
