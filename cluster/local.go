package cluster

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"sync"
	"time"
)

// Executor runs graphs. Run computes the tasks needed for want and calls
// emit once for each wanted key, from a single goroutine, as soon as its
// value is ready; the value must not be used after emit returns unless emit
// keeps it (it is not modified afterwards). Run returns the first error:
// a *TaskError for a failing task, the error emit returned, or ctx.Err().
type Executor interface {
	// Run computes want from g, calling emit once per wanted key from one
	// goroutine, and returns the first error (see Executor).
	Run(ctx context.Context, g *Graph, want []Key, emit func(Key, Value) error) error
}

// RunOptions are per-run settings for an executor that takes them
// (OptionRunner). The zero value asks for nothing.
type RunOptions struct {
	// MemoryBudget bounds this run (bytes); it can lower the executor's
	// own budget, never raise it. 0 means the executor's own.
	MemoryBudget int64
	// Reserved is memory the caller keeps for this run's results outside
	// the executor (ndarray.Compute's assembled arrays): admission counts
	// it as held from the start, and a run whose Reserved alone exceeds
	// the budget is refused before any task runs (ErrOverBudget).
	Reserved int64
	// EmitCopies declares that emit copies what it needs and keeps no
	// value after it returns, so the executor may reuse a wanted value's
	// memory (Recycler) as soon as emit is done with it.
	EmitCopies bool
	// Progress, when set, is called after each task of this run, besides
	// any progress function of the executor's own, under the same rules.
	Progress func(Progress)
}

// OptionRunner is an Executor that takes per-run options. An option the
// executor cannot honour is an error wrapping ErrUnsupportedOption,
// returned before any task runs; it is never silently ignored.
type OptionRunner interface {
	Executor
	// RunWith is Run with the per-run options o; an option the executor
	// cannot honour is an error wrapping ErrUnsupportedOption, returned
	// before any task runs.
	RunWith(ctx context.Context, g *Graph, want []Key, emit func(Key, Value) error, o RunOptions) error
}

// ErrUnsupportedOption reports a run option the executor cannot honour.
var ErrUnsupportedOption = errors.New("cluster: option not supported by this executor")

// Persister is an Executor that can keep values between runs. Later runs of
// any graph that contains a pinned key use the pinned value and skip the
// key's inputs.
type Persister interface {
	Executor
	// Persist computes keys from g and keeps their values until Release;
	// later runs use them instead of running the keys' tasks.
	Persist(ctx context.Context, g *Graph, keys []Key) error
	// Release forgets the values Persist kept for keys; keys not persisted
	// are ignored.
	Release(keys ...Key)
}

// TaskError reports the task that failed first. errors.Is/As see through it
// to the op's error.
type TaskError struct {
	Key  Key
	Kind string
	Err  error
}

// Error formats the failure as "task KEY (KIND): ERR".
func (e *TaskError) Error() string { return fmt.Sprintf("task %s (%s): %v", e.Key, e.Kind, e.Err) }

// Unwrap returns the op's error, so errors.Is and errors.As see through the
// task that reported it.
func (e *TaskError) Unwrap() error { return e.Err }

// ErrOverBudget reports work that cannot run within the memory budget even
// alone: a task whose output, scratch and inputs exceed it beside what is
// already held, results the caller keeps (RunOptions.Reserved) beyond it,
// or a Persist without spilling larger than it. It is returned before any
// task runs, by the local executor and the remote scheduler alike.
var ErrOverBudget = errors.New("cluster: exceeds the memory budget")

// Progress is a snapshot sent to LocalOptions.Progress after each task.
type Progress struct {
	Done, Total int // tasks finished and to run in this Run
	Running     int // tasks running now
	// HeldBytes is what the admission counts as in use: values held
	// (persisted ones and the caller's RunOptions.Reserved included),
	// running tasks' declarations and reservations (Memory.Reserve). On
	// the remote scheduler, the sum of the workers' last reports.
	HeldBytes int64
	PeakBytes int64 // the largest HeldBytes so far in this Run
	Key       Key   // the task that just finished
	Kind      string
	Elapsed   time.Duration // since Run started
	TaskTime  time.Duration // the finished task's run time
	// Thread is which of the executor's task slots ran the task (0 ..
	// Workers-1), for a task stream per thread.
	Thread int
}

// LocalOptions configures a Local executor.
type LocalOptions struct {
	// Workers is the number of tasks run at once; 0 means GOMAXPROCS.
	Workers int
	// MemoryBudget bounds the bytes in use at once; 0 means no bound. In
	// use are: values held (task outputs until their last consumer has
	// run, persisted values kept in memory, results the caller keeps as
	// declared by RunOptions.Reserved), the declared output and scratch of
	// running tasks, and process-wide reservations (Memory.Reserve, such
	// as raster's GDAL block cache). A task starts only when its needs fit
	// beside all that, or when nothing else is running. A task whose
	// output, scratch and inputs exceed the budget beside what is held
	// when the run starts fails the run before any task runs
	// (ErrOverBudget).
	//
	// The budget bounds what the executor holds, not the Go heap: garbage
	// not yet collected comes on top. A process that must stay near its
	// budget opts in to a Go memory limit (SetGoMemoryLimit).
	MemoryBudget int64
	// Progress, when set, is called after each task from the scheduling
	// goroutine. It must be quick; it runs while no task is dispatched.
	Progress func(Progress)
	// SpillDir, when set together with SpillDecode and a MemoryBudget,
	// makes Persist keep persisted values in memory only up to half the
	// budget (the other half stays for the runs that read them) and write
	// the rest to files in this directory (which must exist). Spilled
	// values must implement encoding.BinaryMarshaler; they are read back
	// transparently when a later Run needs them (admitted by the budget
	// like any task) and their files are removed by Release. Without
	// spilling, a budgeted Persist that would keep more than the budget in
	// memory is refused with ErrOverBudget.
	SpillDir string
	// SpillDecode turns the bytes of a spilled value back into a Value
	// (ndarray.DecodeSpilled for blocks).
	SpillDecode func([]byte) (Value, error)
	// SpillCompressor, when set, compresses spilled bytes.
	SpillCompressor SpillCompressor
}

// Local runs graphs on goroutines of this process. It is safe for
// concurrent use; concurrent Runs share the pinned values but not budgets.
type Local struct {
	opts LocalOptions

	mu      sync.RWMutex
	pinned  map[Key]Value
	spilled map[Key]spillEntry
	memPin  int64 // bytes of pinned values in memory
	pool    BufferPool
	res     Reservations
}

// NewLocal returns a local executor.
func NewLocal(opts LocalOptions) *Local {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	return &Local{opts: opts, pinned: map[Key]Value{}, spilled: map[Key]spillEntry{}}
}

// Workers is the number of tasks run at once.
func (l *Local) Workers() int { return l.opts.Workers }

// MemoryBudget is the executor's budget (0: none).
func (l *Local) MemoryBudget() int64 { return l.opts.MemoryBudget }

// ReservedBytes is the total of the process-wide reservations ops made
// under this executor (Memory.Reserve), counted as in use by every Run.
func (l *Local) ReservedBytes() int64 { return l.res.Total() }

// Pinned returns a persisted value, reading it back from disk when it was
// spilled (a nil value and false when that fails or k is not persisted).
func (l *Local) Pinned(k Key) (Value, bool) {
	l.mu.RLock()
	v, ok := l.pinned[k]
	e, spilled := l.spilled[k]
	l.mu.RUnlock()
	if ok {
		return v, true
	}
	if spilled {
		v, err := l.unspill(k, e)
		return v, err == nil
	}
	return nil, false
}

func (l *Local) memPinned(k Key) (Value, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	v, ok := l.pinned[k]
	return v, ok
}

func (l *Local) spilledEntry(k Key) (spillEntry, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e, ok := l.spilled[k]
	return e, ok
}

func (l *Local) isPinned(k Key) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	_, ok := l.pinned[k]
	_, ok2 := l.spilled[k]
	return ok || ok2
}

// PinnedBytes is the memory held by persisted values in memory (spilled
// ones are counted by SpilledBytes).
func (l *Local) PinnedBytes() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.memPin
}

// Persist computes keys and keeps their values until Release. Without a
// MemoryBudget they stay in memory. With one and spilling configured
// (SpillDir, SpillDecode), values are kept in memory up to half the
// budget, counting those persisted before, and the rest are spilled to
// files as they arrive. With a budget and no spilling, Persist refuses
// (ErrOverBudget, before any task runs when the tasks' declared sizes
// show it) to keep more than the budget in memory. While Persist runs,
// the values it keeps count against the budget like any held value.
func (l *Local) Persist(ctx context.Context, g *Graph, keys []Key) error {
	budget := l.opts.MemoryBudget
	spill := l.spillable()
	if budget > 0 && !spill {
		var need int64
		seen := make(map[Key]bool, len(keys))
		for _, k := range keys {
			if seen[k] || l.isPinned(k) {
				continue
			}
			seen[k] = true
			if t, ok := g.Task(k); ok {
				need += t.Bytes
			}
		}
		if pinned := l.PinnedBytes(); pinned+need > budget {
			return fmt.Errorf("%w: persisting %d values needs %d bytes beside %d already persisted, budget is %d (set LocalOptions.SpillDir and SpillDecode to spill the rest)",
				ErrOverBudget, len(seen), need, pinned, budget)
		}
	}
	limit := budget
	if spill {
		limit = budget / 2
	}
	got := make(map[Key]Value, len(keys))
	disk := map[Key]spillEntry{}
	var gotBytes int64
	release := func() {
		for _, e := range disk {
			os.Remove(e.path)
		}
	}
	err := l.run(ctx, g, keys, runSpec{persist: func(k Key, v Value) (bool, error) {
		if _, dup := got[k]; dup || l.isPinned(k) {
			return false, nil
		}
		if _, dup := disk[k]; dup {
			return false, nil
		}
		if budget > 0 && l.PinnedBytes()+gotBytes+v.Nbytes() > limit {
			if !spill {
				return false, fmt.Errorf("%w: persisted values reach %d bytes beside %d already persisted at %s, budget is %d (set LocalOptions.SpillDir and SpillDecode to spill the rest)",
					ErrOverBudget, gotBytes+v.Nbytes(), l.PinnedBytes(), k, budget)
			}
			e, err := l.spill(k, v)
			if err != nil {
				return false, err
			}
			disk[k] = e
			return false, nil
		}
		got[k] = v
		gotBytes += v.Nbytes()
		return true, nil
	}})
	if err != nil {
		release()
		return err
	}
	l.mu.Lock()
	for k, v := range got {
		if _, ok := l.pinned[k]; !ok {
			l.pinned[k] = v
			l.memPin += v.Nbytes()
		}
	}
	for k, e := range disk {
		l.spilled[k] = e
	}
	l.mu.Unlock()
	return nil
}

// Release forgets persisted values and removes the files of spilled ones.
func (l *Local) Release(keys ...Key) {
	l.mu.Lock()
	var files []string
	for _, k := range keys {
		if v, ok := l.pinned[k]; ok {
			l.memPin -= v.Nbytes()
			delete(l.pinned, k)
		}
		if e, ok := l.spilled[k]; ok {
			files = append(files, e.path)
			delete(l.spilled, k)
		}
	}
	l.mu.Unlock()
	for _, f := range files {
		os.Remove(f)
	}
}

type runTask struct {
	task     *Task
	inputs   []int32
	deps     []int32 // dependents
	waiting  int32   // inputs not yet done
	refs     int32   // dependents not yet run, plus 1 when wanted
	prio     int32
	value    Value
	wanted   bool
	pinned   bool
	finished bool
	aliased  bool // its value is also another task's value: never recycled
	kept     bool // emitted to a Persist that keeps it: stays counted, never recycled
	given    bool // emitted to an emit that keeps nothing (EmitCopies, or spilled)
}

// localPlan is the OrderGraph of one local run.
type localPlan []runTask

func (p localPlan) Len() int                  { return len(p) }
func (p localPlan) Inputs(i int32) []int32    { return p[i].inputs }
func (p localPlan) Consumers(i int32) []int32 { return p[i].deps }
func (p localPlan) Bytes(i int32) int64       { return p[i].task.Bytes }
func (p localPlan) Held(i int32) bool         { return p[i].pinned }

type readyHeap struct {
	ids   []int32
	tasks []runTask
}

func (h *readyHeap) Len() int           { return len(h.ids) }
func (h *readyHeap) Less(i, j int) bool { return h.tasks[h.ids[i]].prio < h.tasks[h.ids[j]].prio }
func (h *readyHeap) Swap(i, j int)      { h.ids[i], h.ids[j] = h.ids[j], h.ids[i] }
func (h *readyHeap) Push(x any)         { h.ids = append(h.ids, x.(int32)) }
func (h *readyHeap) Pop() any {
	n := len(h.ids) - 1
	x := h.ids[n]
	h.ids = h.ids[:n]
	return x
}

type result struct {
	id     int32
	val    Value
	err    error
	dur    time.Duration
	thread int
}

// runSpec is one run's options and the receiver of its wanted values:
// emit (Run, RunWith) or persist (Persist), which reports whether it keeps
// the value in memory (then it stays counted as held and is never
// recycled) or not (it was spilled: the value may be recycled).
type runSpec struct {
	RunOptions
	emit    func(Key, Value) error
	persist func(Key, Value) (kept bool, err error)
}

// Run implements Executor. Tasks run in the order cluster.Order gives
// (branches finish before new ones start; the consumer holding most bytes
// hostage is completed first), and tasks that the last finished task made
// ready run before any other (consumers before new sources, so a rechunk
// uses up a stripe before reading the next). Each value is released as
// soon as its last consumer has run (and recycled when it is a Recycler
// nobody else holds), and no task starts while the memory budget is full,
// unless nothing else is running. Ops find the executor's BufferPool and
// Memory in their context.
func (l *Local) Run(ctx context.Context, g *Graph, want []Key, emit func(Key, Value) error) error {
	return l.run(ctx, g, want, runSpec{emit: emit})
}

// RunWith implements OptionRunner: Run with per-run options, all of which
// the local executor honours.
func (l *Local) RunWith(ctx context.Context, g *Graph, want []Key, emit func(Key, Value) error, o RunOptions) error {
	return l.run(ctx, g, want, runSpec{RunOptions: o, emit: emit})
}

func (l *Local) run(ctx context.Context, g *Graph, want []Key, spec runSpec) error {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return err
	}
	budget := l.opts.MemoryBudget
	if b := spec.MemoryBudget; b > 0 && (budget == 0 || b < budget) {
		budget = b
	}
	adm := NewAdmission(budget, &l.res)
	pinnedBytes := l.PinnedBytes()
	adm.Hold(pinnedBytes)
	adm.Hold(spec.Reserved)
	if budget > 0 && adm.InUse() > budget {
		return fmt.Errorf("%w: the caller keeps %d bytes of results beside %d bytes persisted and %d reserved, budget is %d",
			ErrOverBudget, spec.Reserved, pinnedBytes, l.res.Total(), budget)
	}
	l.mu.RLock()
	anyPinned := len(l.pinned)+len(l.spilled) > 0
	l.mu.RUnlock()
	var have func(Key) bool
	if anyPinned {
		have = l.isPinned
	}
	sub, err := g.Cull(want, have)
	if err != nil {
		return err
	}
	n := sub.Len()
	ids := make(map[Key]int32, n)
	tasks := make([]runTask, n)
	for i, k := range sub.order {
		ids[k] = int32(i)
		tasks[i].task = sub.tasks[k]
	}
	for i := range tasks {
		t := &tasks[i]
		if anyPinned {
			if v, ok := l.memPinned(t.task.Key); ok {
				t.pinned, t.value = true, v
				continue
			}
			if e, ok := l.spilledEntry(t.task.Key); ok {
				// A spilled value is loaded by a task of its own, admitted
				// by the budget and released after its last consumer like
				// any.
				t.task = &Task{Key: t.task.Key, Op: &spillLoadOp{l: l, k: t.task.Key, e: e}, Bytes: e.nbytes}
				continue
			}
		}
		t.inputs = make([]int32, len(t.task.Inputs))
		for j, in := range t.task.Inputs {
			id := ids[in]
			t.inputs[j] = id
			tasks[id].deps = append(tasks[id].deps, int32(i))
			tasks[id].refs++
		}
	}
	for i := range tasks {
		t := &tasks[i]
		for _, id := range t.inputs {
			if !tasks[id].pinned {
				t.waiting++
			}
		}
	}
	roots := make([]int32, 0, len(want))
	for _, k := range want {
		t := &tasks[ids[k]]
		roots = append(roots, ids[k])
		if !t.wanted {
			t.wanted = true
			t.refs++
		}
	}
	if err := checkBudget(tasks, adm); err != nil {
		return err
	}
	for i, p := range Order(localPlan(tasks), roots) {
		tasks[i].prio = p
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ctx = WithBufferPool(ctx, &l.pool)
	ctx = WithMemory(ctx, BudgetMemory{Bytes: budget, Res: &l.res})
	work := make(chan int32)
	results := make(chan result, l.opts.Workers)
	var wg sync.WaitGroup
	for thread := range l.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				t := &tasks[id]
				in := make([]Value, len(t.inputs))
				for j, iid := range t.inputs {
					in[j] = tasks[iid].value
				}
				t0 := time.Now()
				v, err := runOp(ctx, t.task.Op, in)
				results <- result{id: id, val: v, err: err, dur: time.Since(t0), thread: thread}
			}
		}()
	}
	defer func() {
		close(work)
		wg.Wait()
	}()

	// Two ready queues: hot holds tasks made ready by a task that just
	// finished (consumers of values now in memory), cold the rest (sources
	// and the initial frontier). Hot work runs first, so values are used up
	// and released before new sources are produced (dask.order's "finish
	// what the last result unlocked"); within each queue Order's priority
	// decides.
	rh := &readyHeap{tasks: tasks}
	hot := &readyHeap{tasks: tasks}
	pick := func() *readyHeap {
		if hot.Len() > 0 {
			return hot
		}
		return rh
	}
	total, done, running := 0, 0, 0
	for i := range tasks {
		t := &tasks[i]
		if t.pinned {
			continue
		}
		total++
		if t.waiting == 0 {
			rh.ids = append(rh.ids, int32(i))
		}
	}
	heap.Init(rh)
	// deliver hands a wanted value to emit or persist and records what the
	// executor may do with it afterwards.
	deliver := func(t *runTask) error {
		if spec.persist != nil {
			kept, err := spec.persist(t.task.Key, t.value)
			t.kept, t.given = kept, !kept
			return err
		}
		t.given = spec.EmitCopies
		return spec.emit(t.task.Key, t.value)
	}
	// drop releases a value the executor is done with.
	drop := func(t *runTask) {
		if t.pinned {
			return
		}
		if !t.kept {
			adm.Release(t.value.Nbytes())
		}
		if rc, ok := t.value.(Recycler); ok && (!t.wanted || t.given) && !t.kept && !t.aliased {
			rc.Recycle()
		}
		t.value = nil
	}
	// Wanted keys that are pinned are emitted first.
	for _, k := range want {
		t := &tasks[ids[k]]
		if t.pinned && !t.finished {
			t.finished = true
			if err := deliver(t); err != nil {
				return err
			}
		}
	}
	need := func(t *runTask) int64 { return AddBytes(t.task.Bytes, t.task.Scratch) }
	progress := func(p Progress) {
		if l.opts.Progress != nil {
			l.opts.Progress(p)
		}
		if spec.Progress != nil {
			spec.Progress(p)
		}
	}
	reportProgress := l.opts.Progress != nil || spec.Progress != nil
	var firstErr error
	for done < total {
		// Dispatch as much ready work as the workers and budget allow.
		for firstErr == nil && running < l.opts.Workers && rh.Len()+hot.Len() > 0 {
			q := pick()
			id := q.ids[0]
			t := &tasks[id]
			if !adm.Fits(need(t)) {
				break
			}
			heap.Pop(q)
			adm.Start(need(t))
			running++
			select {
			case work <- id:
			case <-ctx.Done():
				running--
				adm.Finish(need(t))
				firstErr = ctx.Err()
			}
		}
		if running == 0 {
			if firstErr != nil {
				return firstErr
			}
			if rh.Len()+hot.Len() == 0 {
				return fmt.Errorf("cluster: scheduler stalled with %d of %d tasks done", done, total)
			}
			continue
		}
		var r result
		select {
		case r = <-results:
		case <-ctx.Done():
			if firstErr == nil {
				firstErr = ctx.Err()
			}
			r = <-results
		}
		running--
		t := &tasks[r.id]
		adm.Finish(need(t))
		if r.err != nil {
			if firstErr == nil {
				firstErr = &TaskError{Key: t.task.Key, Kind: t.task.Op.Kind(), Err: r.err}
				cancel()
			}
			continue
		}
		if firstErr != nil {
			continue
		}
		if r.val == nil {
			firstErr = &TaskError{Key: t.task.Key, Kind: t.task.Op.Kind(), Err: errors.New("op returned a nil value")}
			cancel()
			continue
		}
		done++
		t.value, t.finished = r.val, true
		// A task that passes an input through aliases it: neither copy may
		// be recycled.
		if _, ok := r.val.(Recycler); ok && reflect.TypeOf(r.val).Comparable() {
			for _, iid := range t.inputs {
				if it := &tasks[iid]; it.value == r.val {
					it.aliased, t.aliased = true, true
				}
			}
		}
		adm.Hold(r.val.Nbytes())
		for _, d := range t.deps {
			dt := &tasks[d]
			dt.waiting--
			if dt.waiting == 0 {
				heap.Push(hot, d)
			}
		}
		// Inputs whose last consumer just ran are released.
		for _, iid := range t.inputs {
			it := &tasks[iid]
			it.refs--
			if it.refs == 0 {
				drop(it)
			}
		}
		if t.wanted {
			if err := deliver(t); err != nil {
				firstErr = err
				cancel()
				continue
			}
			t.refs--
			if t.refs == 0 {
				drop(t)
			}
		}
		if reportProgress {
			progress(Progress{Done: done, Total: total, Running: running, HeldBytes: adm.InUse(), PeakBytes: adm.Peak(),
				Key: t.task.Key, Kind: t.task.Op.Kind(), Elapsed: time.Since(start), TaskTime: r.dur, Thread: r.thread})
		}
	}
	return firstErr
}

// runOp runs an op, turning a panic into an error so one bad task cannot
// take the process down.
func runOp(ctx context.Context, op Op, in []Value) (v Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return op.Run(ctx, in)
}

// checkBudget refuses, before running, a task that cannot fit the budget
// even alone: its output, scratch and inputs beside what is held when the
// run starts (persisted values, the caller's results, reservations).
// Pinned inputs are already counted as held.
func checkBudget(tasks []runTask, adm *Admission) error {
	budget := adm.Budget()
	if budget <= 0 {
		return nil
	}
	base := adm.InUse()
	for i := range tasks {
		t := &tasks[i]
		if t.pinned {
			continue
		}
		need := AddBytes(t.task.Bytes, t.task.Scratch)
		for _, iid := range t.inputs {
			if !tasks[iid].pinned {
				need = AddBytes(need, tasks[iid].task.Bytes)
			}
		}
		if AddBytes(base, need) > budget {
			return adm.Check(fmt.Sprintf("task %s (%s) with its inputs", t.task.Key, t.task.Op.Kind()), need)
		}
	}
	return nil
}

// PostOrder visits the nodes reachable from roots (in order) depth first,
// calling visit on each node after all its inputs: a task's inputs are
// visited just before it. Executors number tasks in this order and run the
// lowest number first, which finishes each branch before starting the next
// (dask's ordering idea in its simplest form). Nodes are 0..n-1.
func PostOrder(n int, roots []int32, inputs func(int32) []int32, visit func(int32)) {
	visited := make([]bool, n)
	type frame struct {
		id int32
		i  int
	}
	var stack []frame
	for _, root := range roots {
		if visited[root] {
			continue
		}
		visited[root] = true
		stack = append(stack[:0], frame{root, 0})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			in := inputs(f.id)
			if f.i < len(in) {
				c := in[f.i]
				f.i++
				if !visited[c] {
					visited[c] = true
					stack = append(stack, frame{c, 0})
				}
				continue
			}
			visit(f.id)
			stack = stack[:len(stack)-1]
		}
	}
}
