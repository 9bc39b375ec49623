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
	Run(ctx context.Context, g *Graph, want []Key, emit func(Key, Value) error) error
}

// Persister is an Executor that can keep values between runs. Later runs of
// any graph that contains a pinned key use the pinned value and skip the
// key's inputs.
type Persister interface {
	Executor
	Persist(ctx context.Context, g *Graph, keys []Key) error
	Release(keys ...Key)
}

// TaskError reports the task that failed first. errors.Is/As see through it
// to the op's error.
type TaskError struct {
	Key  Key
	Kind string
	Err  error
}

func (e *TaskError) Error() string { return fmt.Sprintf("task %s (%s): %v", e.Key, e.Kind, e.Err) }
func (e *TaskError) Unwrap() error { return e.Err }

// ErrOverBudget reports a graph with a task that cannot run within the
// memory budget even alone. It is returned before any task runs.
var ErrOverBudget = errors.New("cluster: task exceeds the memory budget")

// Progress is a snapshot sent to LocalOptions.Progress after each task.
type Progress struct {
	Done, Total int   // tasks finished and to run in this Run
	Running     int   // tasks running now
	HeldBytes   int64 // bytes of values held plus running tasks' declarations
	PeakBytes   int64 // the largest HeldBytes so far in this Run
	Key         Key   // the task that just finished
	Kind        string
	Elapsed     time.Duration // since Run started
	TaskTime    time.Duration // the finished task's run time
	// Thread is which of the executor's task slots ran the task (0 ..
	// Workers-1), for a task stream per thread.
	Thread int
}

// LocalOptions configures a Local executor.
type LocalOptions struct {
	// Workers is the number of tasks run at once; 0 means GOMAXPROCS.
	Workers int
	// MemoryBudget bounds the bytes held by values and running tasks (by
	// their declarations); 0 means no bound. A task whose own needs exceed
	// the budget fails the run before it starts (ErrOverBudget).
	MemoryBudget int64
	// Progress, when set, is called after each task from the scheduling
	// goroutine. It must be quick; it runs while no task is dispatched.
	Progress func(Progress)
	// SpillDir, when set together with SpillDecode and a MemoryBudget,
	// makes Persist keep persisted values in memory only up to the budget
	// and write the rest to files in this directory (which must exist).
	// Spilled values must implement encoding.BinaryMarshaler; they are
	// read back transparently when a later Run needs them (admitted by the
	// budget like any task) and their files are removed by Release.
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

// Persist computes keys and keeps their values until Release: in memory,
// or, past the MemoryBudget when spilling is configured (SpillDir), in
// files read back when needed. Values are spilled as they arrive, so the
// persisted set never holds more than the budget in memory.
func (l *Local) Persist(ctx context.Context, g *Graph, keys []Key) error {
	got := make(map[Key]Value, len(keys))
	disk := map[Key]spillEntry{}
	var gotBytes int64
	release := func() {
		for _, e := range disk {
			os.Remove(e.path)
		}
	}
	err := l.Run(ctx, g, keys, func(k Key, v Value) error {
		if _, dup := got[k]; dup || l.isPinned(k) {
			return nil
		}
		if _, dup := disk[k]; dup {
			return nil
		}
		if l.spillable() && l.PinnedBytes()+gotBytes+v.Nbytes() > l.opts.MemoryBudget {
			e, err := l.spill(k, v)
			if err != nil {
				return err
			}
			disk[k] = e
			return nil
		}
		got[k] = v
		gotBytes += v.Nbytes()
		return nil
	})
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
}

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

// Run implements Executor. Tasks run in an order that finishes branches
// before starting new ones (a depth-first post-order from the wanted keys),
// and tasks that the last finished task made ready run before any other
// (consumers before new sources, so a rechunk uses up a stripe before
// reading the next). Each value is released as soon as its last consumer
// has run (and recycled when it is a Recycler nobody else holds), and no
// task starts while the memory budget is full, unless nothing else is
// running. Ops find the executor's BufferPool in their context.
func (l *Local) Run(ctx context.Context, g *Graph, want []Key, emit func(Key, Value) error) error {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return err
	}
	sub, err := g.Cull(want, l.isPinned)
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
		if v, ok := l.memPinned(t.task.Key); ok {
			t.pinned, t.value = true, v
			continue
		}
		if e, ok := l.spilledEntry(t.task.Key); ok {
			// A spilled value is loaded by a task of its own, admitted by
			// the budget and released after its last consumer like any.
			t.task = &Task{Key: t.task.Key, Op: &spillLoadOp{l: l, k: t.task.Key, e: e}, Bytes: e.nbytes}
			continue
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
	for _, k := range want {
		t := &tasks[ids[k]]
		if !t.wanted {
			t.wanted = true
			t.refs++
		}
	}
	if err := l.checkBudget(tasks); err != nil {
		return err
	}
	assignPriorities(tasks, want, ids)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ctx = WithBufferPool(ctx, &l.pool)
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
	// what the last result unlocked"); within each queue the depth-first
	// priority decides.
	rh := &readyHeap{tasks: tasks}
	hot := &readyHeap{tasks: tasks}
	pick := func() *readyHeap {
		if hot.Len() > 0 {
			return hot
		}
		return rh
	}
	var held, peak int64
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
	// Wanted keys that are pinned are emitted first.
	for _, k := range want {
		t := &tasks[ids[k]]
		if t.pinned && !t.finished {
			t.finished = true
			if err := emit(k, t.value); err != nil {
				return err
			}
		}
	}
	need := func(t *runTask) int64 { return t.task.Bytes + t.task.Scratch }
	var firstErr error
	for done < total {
		// Dispatch as much ready work as the workers and budget allow.
		for firstErr == nil && running < l.opts.Workers && rh.Len()+hot.Len() > 0 {
			q := pick()
			id := q.ids[0]
			t := &tasks[id]
			if l.opts.MemoryBudget > 0 && running > 0 && held+need(t) > l.opts.MemoryBudget {
				break
			}
			heap.Pop(q)
			held += need(t)
			peak = max(peak, held)
			running++
			select {
			case work <- id:
			case <-ctx.Done():
				running--
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
		held -= need(t)
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
		held += r.val.Nbytes()
		peak = max(peak, held)
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
			if it.refs == 0 && !it.pinned {
				held -= it.value.Nbytes()
				if rc, ok := it.value.(Recycler); ok && !it.wanted && !it.aliased {
					rc.Recycle()
				}
				it.value = nil
			}
		}
		if t.wanted {
			if err := emit(t.task.Key, t.value); err != nil {
				firstErr = err
				cancel()
				continue
			}
			t.refs--
			if t.refs == 0 {
				held -= t.value.Nbytes()
				t.value = nil
			}
		}
		if l.opts.Progress != nil {
			l.opts.Progress(Progress{Done: done, Total: total, Running: running, HeldBytes: held, PeakBytes: peak,
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

// checkBudget refuses, before running, a task that needs more than the
// budget by itself: its inputs, scratch and output together.
func (l *Local) checkBudget(tasks []runTask) error {
	if l.opts.MemoryBudget <= 0 {
		return nil
	}
	for i := range tasks {
		t := &tasks[i]
		if t.pinned {
			continue
		}
		need := t.task.Bytes + t.task.Scratch
		for _, iid := range t.inputs {
			need += tasks[iid].task.Bytes
		}
		if need > l.opts.MemoryBudget {
			return fmt.Errorf("%w: %s (%s) needs %d bytes with its inputs, budget is %d", ErrOverBudget, t.task.Key, t.task.Op.Kind(), need, l.opts.MemoryBudget)
		}
	}
	return nil
}

// assignPriorities numbers tasks in depth-first post-order from the wanted
// keys, inputs visited in order: a task's inputs are numbered just before it,
// so running the lowest number first finishes each branch before starting
// the next (dask's ordering idea, in its simplest form).
func assignPriorities(tasks []runTask, want []Key, ids map[Key]int32) {
	roots := make([]int32, len(want))
	for i, k := range want {
		roots[i] = ids[k]
	}
	next := int32(0)
	PostOrder(len(tasks), roots, func(i int32) []int32 { return tasks[i].inputs }, func(i int32) {
		tasks[i].prio = next
		next++
	})
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
