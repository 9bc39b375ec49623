//go:build linux

package child

import (
	"os"
	"syscall"
)

func rusageMaxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss // KB on Linux
	}
	return 0
}
