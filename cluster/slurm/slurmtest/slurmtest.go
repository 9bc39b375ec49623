// Package slurmtest gives tests a real single-node Slurm: Require installs
// (first time) and starts munge, slurmctld and slurmd through the module's
// scripts/slurm-up.sh and points SLURM_CONF at its configuration.
package slurmtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var once struct {
	sync.Once
	skip, err string
}

// Require makes Slurm usable by the calling test or skips it, with a clear
// message, only when that truly cannot work here: the process is not root,
// or there is no apt-get to install Slurm. Any other failure fails the
// test.
func Require(t testing.TB) {
	t.Helper()
	once.Do(func() {
		if os.Geteuid() != 0 {
			once.skip = "Slurm integration tests need root to install and start munged/slurmctld/slurmd (scripts/slurm-up.sh)"
			return
		}
		script, err := findScript()
		if err != nil {
			once.err = err.Error()
			return
		}
		cmd := exec.Command(script)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 3 {
			once.skip = "no apt-get to install Slurm (scripts/slurm-up.sh)"
			return
		}
		if err != nil {
			once.err = fmt.Sprintf("%s: %v", script, err)
			return
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		os.Setenv("SLURM_CONF", lines[len(lines)-1])
	})
	if once.skip != "" {
		t.Skip(once.skip)
	}
	if once.err != "" {
		t.Fatal(once.err)
	}
}

// findScript walks up from the working directory to the module root.
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "scripts", "slurm-up.sh"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("slurmtest: go.mod not found above the working directory")
		}
		dir = parent
	}
}
