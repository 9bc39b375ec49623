package remote_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The cluster packages are pure Go and must build and vet on every
// platform users run a client on (laptops are often macOS), not only on
// Linux where the Slurm workers run: Linux-only process attributes stay
// behind build tags.
func TestClusterPackagesVetOnOtherPlatforms(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet for other platforms")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	pkgs := []string{
		"github.com/tessera-array/tessera/cluster/...",
		"github.com/tessera-array/tessera/dashboard/...",
	}
	for _, goos := range []string{"darwin", "windows", "freebsd"} {
		t.Run(goos, func(t *testing.T) {
			cmd := exec.Command(gobin, append([]string{"vet"}, pkgs...)...)
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("GOOS=%s go vet %s: %v\n%s", goos, strings.Join(pkgs, " "), err, out)
			}
		})
	}
}
