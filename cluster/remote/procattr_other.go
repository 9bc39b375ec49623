//go:build !linux

package remote

import "os/exec"

// bindToParent does nothing where there is no parent-death signal: a
// worker outlives a crashed client until its connection to the scheduler
// breaks (or the scheduler's keepalive deadline passes), then exits.
func bindToParent(cmd *exec.Cmd) {}
