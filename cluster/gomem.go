package cluster

import (
	"math"
	"runtime/debug"
)

// GoOverhead is the memory a Go process running tessera needs besides its
// budgeted work: the runtime, code, stacks, the scheduler's bookkeeping
// and the garbage collector's slack at a Go memory limit. The memory
// tests measure it (the peak RSS of a child process that runs a budgeted
// computation, minus the budget, stays under it).
const GoOverhead = 32 << 20

// GoMemoryLimit is the Go runtime memory limit SetGoMemoryLimit sets for a
// process whose executors run within budget bytes: the budget, a sixteenth
// more for garbage not yet collected, and GoOverhead. 0 or less means no
// limit (math.MaxInt64).
func GoMemoryLimit(budget int64) int64 {
	if budget <= 0 {
		return math.MaxInt64
	}
	return budget + budget/16 + GoOverhead
}

// SetGoMemoryLimit sets the Go runtime's soft memory limit
// (runtime/debug.SetMemoryLimit) to GoMemoryLimit(budget) and returns the
// previous limit (restore it with debug.SetMemoryLimit).
//
// An executor's budget bounds what it holds, not the Go heap: with the
// default GOGC the heap may grow to twice the live data before the garbage
// collector runs, so a process at its budget can reach twice its budget.
// Under this limit the collector runs as often as needed to stay below it
// instead. The setting is process-wide and stays until changed, so
// tessera never makes it on its own: call it from main (or a worker
// process: WorkerOptions.GoMemoryLimit) with the budget of the executors
// the process runs, summed when it runs several at once. A budget of 0
// removes the limit.
func SetGoMemoryLimit(budget int64) int64 {
	return debug.SetMemoryLimit(GoMemoryLimit(budget))
}
