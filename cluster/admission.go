package cluster

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// Admission is the memory accounting every executor admits work by (the
// local one for its process, each remote worker for its own): the bytes of
// values held in memory, the bytes being produced by running tasks (their
// declared output and scratch, plus inputs they bring in), and the bytes a
// process keeps outside any value (Reservations: GDAL's block cache),
// all against one budget. A task may start when everything in use plus
// its own need fits the budget, or when nothing else is being produced
// (so that one task always makes progress).
//
// An Admission is not safe for concurrent use: one scheduling goroutine,
// or a worker under its lock, owns it. Its Reservations may be shared.
type Admission struct {
	budget    int64
	held      int64
	producing int64
	running   int
	peak      int64
	res       *Reservations
}

// NewAdmission returns the accounting for budget bytes (0 or less: no
// bound, only counting). res, when not nil, is counted as in use.
func NewAdmission(budget int64, res *Reservations) *Admission {
	return &Admission{budget: max(budget, 0), res: res}
}

// Budget is the bound (0: none).
func (a *Admission) Budget() int64 { return a.budget }

// Held is the bytes of values held.
func (a *Admission) Held() int64 { return a.held }

// InUse is everything counted: values held, tasks being produced and the
// reservations.
func (a *Admission) InUse() int64 { return a.held + a.producing + a.res.Total() }

// Peak is the largest InUse seen.
func (a *Admission) Peak() int64 { return max(a.peak, a.InUse()) }

// Running is the number of tasks started and not finished.
func (a *Admission) Running() int { return a.running }

// Fits reports whether a task that needs need bytes may start now.
func (a *Admission) Fits(need int64) bool {
	return a.budget == 0 || a.running == 0 || AddBytes(a.InUse(), need) <= a.budget
}

// Start counts a task that needs need bytes while it runs.
func (a *Admission) Start(need int64) {
	a.producing += need
	a.running++
	a.peak = max(a.peak, a.InUse())
}

// Finish ends what Start counted for a task.
func (a *Admission) Finish(need int64) {
	a.producing -= need
	a.running--
}

// Hold counts n bytes of values held (a task's output, a value the caller
// keeps).
func (a *Admission) Hold(n int64) {
	a.held += n
	a.peak = max(a.peak, a.InUse())
}

// Release stops counting n bytes of held values.
func (a *Admission) Release(n int64) { a.held -= n }

// Check refuses, before anything runs, a need that cannot fit even when
// nothing else is being produced: the values already held plus need over
// the budget. It returns nil when it fits or there is no bound, else an
// error wrapping ErrOverBudget that names what and the sizes.
func (a *Admission) Check(what string, need int64) error {
	if a.budget == 0 {
		return nil
	}
	base := a.held + a.res.Total()
	if AddBytes(base, need) <= a.budget {
		return nil
	}
	if base == 0 {
		return fmt.Errorf("%w: %s needs %d bytes, budget is %d", ErrOverBudget, what, need, a.budget)
	}
	return fmt.Errorf("%w: %s needs %d bytes beside %d already held, budget is %d", ErrOverBudget, what, need, base, a.budget)
}

// AddBytes adds two sizes as admission does: a negative size counts as 0
// and the sum saturates at math.MaxInt64 (declared sizes come off the
// wire and from decoded graphs).
func AddBytes(a, b int64) int64 {
	a, b = max(a, 0), max(b, 0)
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// Reservations are memory a process holds outside any value for as long
// as the process (or the executor) lives: process-wide caches such as
// GDAL's block cache. Ops declare them through MemoryFrom(ctx).Reserve;
// the executor counts their total as in use. A Reservations is safe for
// concurrent use. The nil *Reservations holds nothing.
type Reservations struct {
	mu    sync.Mutex
	m     map[string]int64
	total atomic.Int64
}

// Reserve sets the reservation called name to n bytes (the latest call for
// a name counts; 0 removes it).
func (r *Reservations) Reserve(name string, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]int64{}
	}
	n = max(n, 0)
	r.total.Add(n - r.m[name])
	if n == 0 {
		delete(r.m, name)
	} else {
		r.m[name] = n
	}
}

// Total is the sum of the reservations.
func (r *Reservations) Total() int64 {
	if r == nil {
		return 0
	}
	return r.total.Load()
}

// Memory is what an op sees of the memory accounting of the executor that
// runs it (MemoryFrom). Its methods are safe for concurrent use.
type Memory interface {
	// Budget is the bytes the executor (or, remotely, the worker process)
	// may hold; 0 means no bound.
	Budget() int64
	// Reserve declares that this process holds n bytes outside any value
	// from now on, under name (the latest n per name counts): the executor
	// counts it as in use in every later admission decision.
	Reserve(name string, n int64)
}

// BudgetMemory is a Memory of a fixed budget whose reservations go to Res.
type BudgetMemory struct {
	Bytes int64
	Res   *Reservations
}

// Budget implements Memory.
func (m BudgetMemory) Budget() int64 { return m.Bytes }

// Reserve implements Memory.
func (m BudgetMemory) Reserve(name string, n int64) {
	if m.Res != nil {
		m.Res.Reserve(name, n)
	}
}

type memoryKey struct{}

// WithMemory returns a context carrying m for the ops run under it.
func WithMemory(ctx context.Context, m Memory) context.Context {
	return context.WithValue(ctx, memoryKey{}, m)
}

// MemoryFrom returns the memory accounting of the executor running the op,
// or nil outside an executor.
func MemoryFrom(ctx context.Context) Memory {
	m, _ := ctx.Value(memoryKey{}).(Memory)
	return m
}
