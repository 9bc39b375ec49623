package remote

import (
	"os/exec"
	"syscall"
)

// bindToParent makes the kernel kill a worker process when this process
// dies (Linux's parent-death signal), so a crashed client leaves no
// orphaned workers.
func bindToParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
