package slurmtest_test

import (
	"os/exec"
	"testing"

	"github.com/tessera-array/tessera/cluster/slurm/slurmtest"
)

// A Slurm integration test starts with Require, which brings up the
// single-node cluster once per test binary or skips the test. It needs root
// and Slurm, so this example shows the test function and is not run
// itself.
func ExampleRequire() {
	testSqueue := func(t *testing.T) {
		slurmtest.Require(t)
		if out, err := exec.Command("squeue", "--noheader").CombinedOutput(); err != nil {
			t.Fatalf("squeue: %v: %s", err, out)
		}
	}
	_ = testSqueue
}
