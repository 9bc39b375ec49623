// Package child runs one benchmark phase in a process of its own, so each
// side's peak resident memory is its own, with cores pinned equal, and
// decodes the JSON line the phase prints last.
package child

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Run starts name with args (through taskset on CPUs 0..cores-1 when pin
// is set and taskset exists), with GOMAXPROCS=cores, one OpenMP thread and
// OpenBLAS's machine overrides removed, and decodes its last stdout line
// into out. It returns the child's peak RSS in MB from the kernel's
// accounting (0 when unknown).
func Run(out any, pin bool, cores int, name string, args ...string) (float64, error) {
	if pin {
		if ts, err := exec.LookPath("taskset"); err == nil {
			args = append([]string{"-c", fmt.Sprintf("0-%d", cores-1), name}, args...)
			name = ts
		}
	}
	cmd := exec.Command(name, args...)
	cmd.Env = dropEnv(append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(cores), "OMP_NUM_THREADS=1"), "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v: %s", err, stderr.String())
	}
	line := strings.TrimSpace(stdout.String())
	if i := strings.LastIndex(line, "\n"); i >= 0 {
		line = line[i+1:]
	}
	if err := json.Unmarshal([]byte(line), out); err != nil {
		return 0, fmt.Errorf("bad output %q: %w", stdout.String(), err)
	}
	return float64(rusageMaxRSS(cmd.ProcessState)) / 1024, nil
}

func dropEnv(env []string, names ...string) []string {
	out := env[:0:0]
	for _, e := range env {
		keep := true
		for _, n := range names {
			if strings.HasPrefix(e, n+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, e)
		}
	}
	return out
}

// SelfMaxRSS is this process's peak resident set in KB (Linux VmHWM; 0
// elsewhere).
func SelfMaxRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb
		}
	}
	return 0
}

// FindScript locates the peer script file of the benchmark program in dir
// (a path under the repository root, "benchmarks/labelled"), whether the
// program runs from the root, from its own directory or from benchmarks/,
// and returns its absolute path. It returns "" when the file is not found
// or when /usr/bin/python3 cannot import every module of imports (then the
// peer side is skipped).
func FindScript(dir, file string, imports ...string) string {
	if len(imports) > 0 {
		if err := exec.Command("/usr/bin/python3", "-c", "import "+strings.Join(imports, ", ")).Run(); err != nil {
			return ""
		}
	}
	base := filepath.Base(dir)
	for _, d := range []string{".", dir, filepath.Join("..", dir), base} {
		p := filepath.Join(d, file)
		if _, err := os.Stat(p); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				return abs
			}
		}
	}
	return ""
}
