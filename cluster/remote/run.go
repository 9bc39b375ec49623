package remote

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tessera-array/tessera/cluster"
)

type rtask struct {
	t        *cluster.Task
	in, deps []int32
	prio     int32
	refs     int32
	needed   bool
	running  bool
	worker   *wstate // where it runs, when running
	queued   bool    // in the ready heap
	wanted   bool
	emitted  bool
	losses   int
	lostOn   []string
	enc      []byte // encoded task, made once
	nbytes   int64  // the value's size as reported by the worker (0: not yet)
}

type runState struct {
	tasks   []rtask
	ids     map[cluster.Key]int32
	want    []cluster.Key
	ready   prioHeap
	pending int
	toEmit  []int32
	err     error
	persist bool
	max     int
	checked bool // the plan was checked against the workers' memory
	// for progress reports
	progress func(cluster.Progress) // the run's own (RunOptions.Progress)
	peak     int64
	start    time.Time
	started  map[int32]time.Time
	total    int
	done     int
}

type prioHeap struct {
	ids   []int32
	tasks []rtask
}

func (h *prioHeap) Len() int           { return len(h.ids) }
func (h *prioHeap) Less(i, j int) bool { return h.tasks[h.ids[i]].prio < h.tasks[h.ids[j]].prio }
func (h *prioHeap) Swap(i, j int)      { h.ids[i], h.ids[j] = h.ids[j], h.ids[i] }
func (h *prioHeap) Push(x any)         { h.ids = append(h.ids, x.(int32)) }
func (h *prioHeap) Pop() any {
	n := len(h.ids) - 1
	x := h.ids[n]
	h.ids = h.ids[:n]
	return x
}

func newRun(sub *cluster.Graph, want []cluster.Key, maxLosses int) *runState {
	keys := sub.Keys()
	r := &runState{tasks: make([]rtask, len(keys)), ids: make(map[cluster.Key]int32, len(keys)), want: want, max: maxLosses}
	for i, k := range keys {
		r.ids[k] = int32(i)
		r.tasks[i].t, _ = sub.Task(k)
	}
	for i := range r.tasks {
		t := &r.tasks[i]
		t.in = make([]int32, len(t.t.Inputs))
		for j, k := range t.t.Inputs {
			id := r.ids[k]
			t.in[j] = id
			r.tasks[id].deps = append(r.tasks[id].deps, int32(i))
		}
	}
	for _, k := range want {
		r.tasks[r.ids[k]].wanted = true
	}
	r.ready.tasks = r.tasks
	r.start, r.started = time.Now(), map[int32]time.Time{}
	return r
}

// order numbers the tasks with cluster.Order, as the local executor
// does: values already held on workers are the held nodes. The caller
// holds s.mu.
func (r *runState) order(s *Scheduler) {
	roots := make([]int32, len(r.want))
	for i, k := range r.want {
		roots[i] = r.ids[k]
	}
	for i, p := range cluster.Order(remotePlan{r, s}, roots) {
		r.tasks[i].prio = p
	}
}

// remotePlan is the cluster.OrderGraph of a remote run.
type remotePlan struct {
	r *runState
	s *Scheduler
}

func (p remotePlan) Len() int                  { return len(p.r.tasks) }
func (p remotePlan) Inputs(i int32) []int32    { return p.r.tasks[i].in }
func (p remotePlan) Consumers(i int32) []int32 { return p.r.tasks[i].deps }
func (p remotePlan) Bytes(i int32) int64       { return p.r.tasks[i].t.Bytes }
func (p remotePlan) Held(i int32) bool         { return p.s.has(p.r.tasks[i].t.Key) }

// size is what a value takes in memory: as reported (in this run or when
// an earlier one produced it), else as declared.
func (t *rtask) size(s *Scheduler) int64 {
	if t.nbytes > 0 {
		return t.nbytes
	}
	if n := s.sizes[t.t.Key]; n > 0 {
		return n
	}
	return t.t.Bytes
}

// checkFits refuses, before any task runs, a task that cannot run within
// the memory limit of any connected worker even alone: its declared
// output, scratch and inputs over the largest limit. It is the remote form
// of the local executor's plan-time check and gives the same sentinel,
// cluster.ErrOverBudget. A worker without a limit fits everything. The
// caller holds s.mu; it returns nil until a worker is connected.
func (r *runState) checkFits(s *Scheduler) error {
	if r.checked || len(s.workers) == 0 {
		return nil
	}
	r.checked = true
	var most int64
	var who string
	for _, w := range s.workers {
		if w.memory <= 0 {
			return nil
		}
		if w.memory > most {
			most, who = w.memory, w.id
		}
	}
	for i := range r.tasks {
		t := &r.tasks[i]
		if !t.needed || s.has(t.t.Key) {
			continue
		}
		need := cluster.AddBytes(t.t.Bytes, t.t.Scratch)
		for _, j := range t.in {
			need = cluster.AddBytes(need, r.tasks[j].size(s))
		}
		if need > most {
			return fmt.Errorf("%w: task %s (%s) needs %d bytes with its inputs, the largest worker memory limit is %d (%s)",
				cluster.ErrOverBudget, t.t.Key, t.t.Op.Kind(), need, most, who)
		}
	}
	return nil
}

// replan recomputes, from what workers hold now, which tasks are needed,
// which are ready and how many consumers each held value still has. It
// runs at the start and after a worker loss: a lost value that is still
// needed is recomputed from its inputs (lineage), recursively.
func (r *runState) replan(s *Scheduler) {
	for i := range r.tasks {
		t := &r.tasks[i]
		t.needed, t.queued, t.refs = false, false, 0
	}
	r.ready.ids = r.ready.ids[:0]
	var stack []int32
	for _, k := range r.want {
		i := r.ids[k]
		if !r.tasks[i].emitted {
			stack = append(stack, i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		t := &r.tasks[i]
		if t.needed {
			continue
		}
		t.needed = true
		if s.has(t.t.Key) {
			continue
		}
		stack = append(stack, t.in...)
	}
	r.pending = 0
	for i := range r.tasks {
		t := &r.tasks[i]
		if t.wanted && !t.emitted {
			t.refs++
		}
		if !t.needed || s.has(t.t.Key) {
			continue
		}
		r.pending++
		for _, j := range t.in {
			r.tasks[j].refs++
		}
	}
	for i := range r.tasks {
		t := &r.tasks[i]
		if t.needed && !t.running && !s.has(t.t.Key) && r.inputsReady(s, t) {
			t.queued = true
			r.ready.ids = append(r.ready.ids, int32(i))
		}
	}
	heap.Init(&r.ready)
}

func (r *runState) inputsReady(s *Scheduler, t *rtask) bool {
	for _, j := range t.in {
		if !s.has(r.tasks[j].t.Key) {
			return false
		}
	}
	return true
}

// stillNeeded reports whether k has consumers left in this run.
func (r *runState) stillNeeded(k cluster.Key) bool {
	i, ok := r.ids[k]
	return ok && r.tasks[i].refs > 0
}

func (r *runState) onDone(s *Scheduler, w *wstate, k cluster.Key, nbytes int64) bool {
	i, ok := r.ids[k]
	if !ok {
		return false
	}
	t := &r.tasks[i]
	t.running = false
	if !t.needed || s.has(k) {
		return false // a duplicate or no longer needed
	}
	s.addWhere(k, w)
	t.nbytes = nbytes
	if nbytes > 0 {
		s.sizes[k] = nbytes
	}
	r.pending--
	for _, j := range t.in {
		in := &r.tasks[j]
		in.refs--
		if in.refs <= 0 && !s.pinned[in.t.Key] {
			s.releaseKey(in.t.Key)
		}
	}
	for _, d := range t.deps {
		dt := &r.tasks[d]
		if dt.needed && !dt.running && !dt.queued && !s.has(dt.t.Key) && r.inputsReady(s, dt) {
			dt.queued = true
			heap.Push(&r.ready, d)
		}
	}
	if t.wanted && !t.emitted {
		r.toEmit = append(r.toEmit, i)
	}
	r.done++
	if s.o.Progress != nil || r.progress != nil {
		now := time.Now()
		var dur time.Duration
		if st, ok := r.started[i]; ok {
			dur = now.Sub(st)
			delete(r.started, i)
		}
		var held int64
		running := 0
		for _, ws := range s.workers {
			held += ws.held
			running += len(ws.running)
		}
		r.peak = max(r.peak, held)
		p := cluster.Progress{Done: r.done, Total: r.total, Running: running, HeldBytes: held, PeakBytes: r.peak,
			Key: k, Kind: t.t.Op.Kind(), Elapsed: now.Sub(r.start), TaskTime: dur}
		if s.o.Progress != nil {
			s.o.Progress(w.id, p)
		}
		if r.progress != nil {
			r.progress(p)
		}
	}
	return true
}

func (r *runState) lose(i int32, w string) {
	t := &r.tasks[i]
	t.running = false
	t.losses++
	t.lostOn = append(t.lostOn, w)
	if t.losses > r.max && r.err == nil {
		r.err = &WorkerLostError{Key: t.t.Key, Kind: t.t.Op.Kind(), Losses: t.losses, Workers: t.lostOn}
	}
}

func (r *runState) onFailed(s *Scheduler, w *wstate, k cluster.Key, msg string, retryable bool) {
	i, ok := r.ids[k]
	if !ok {
		return
	}
	t := &r.tasks[i]
	if !t.running || t.worker != w {
		return // a leftover of an earlier run, or cancelled
	}
	t.running = false
	if retryable {
		// An input could not be fetched from the worker the scheduler
		// named (most often it died and its loss is not yet detected).
		// The consumer is not at fault, so this does not count against its
		// loss budget; instead the other holders of its inputs are
		// forgotten, so replan recomputes those inputs from the graph (or
		// uses copies on w) and the task cannot be sent to the same dead
		// peer again.
		for _, j := range t.in {
			k := r.tasks[j].t.Key
			for h := range s.where[k] {
				if h != w {
					delete(s.where[k], h)
				}
			}
			if len(s.where[k]) == 0 {
				delete(s.where, k)
			}
		}
		r.replan(s)
		return
	}
	if r.err == nil {
		r.err = &cluster.TaskError{Key: k, Kind: t.t.Op.Kind(), Err: fmt.Errorf("on worker %s: %w", w.id, errors.New(msg))}
	}
}

func (r *runState) onLost(s *Scheduler, w *wstate) {
	for k := range w.running {
		if i, ok := r.ids[k]; ok && r.tasks[i].running && r.tasks[i].worker == w {
			r.lose(i, w.id)
		}
	}
	r.replan(s)
}

// localWait is the input volume above which a task waits for a busy
// worker that holds its inputs rather than moving them to an idle one.
const localWait = 4 << 20

// dispatch places ready tasks on workers with free threads, preferring the
// worker that already holds most of the task's input bytes. A task whose
// inputs (more than localWait bytes of them) sit on a busy worker waits for
// that worker instead of copying them, as long as other work can proceed.
func (r *runState) dispatch(s *Scheduler) {
	var deferred []int32
	defer func() {
		for _, i := range deferred {
			heap.Push(&r.ready, i)
		}
	}()
	for r.ready.Len() > 0 && r.err == nil {
		i := r.ready.ids[0]
		t := &r.tasks[i]
		var best, ideal *wstate
		var bestScore, idealScore int64 = -1, -1
		for _, w := range s.workers {
			if w.draining || w.gone {
				continue
			}
			var score int64
			for _, j := range t.in {
				if s.where[r.tasks[j].t.Key][w] {
					score += 1 + r.tasks[j].t.Bytes
				}
			}
			if score > idealScore {
				ideal, idealScore = w, score
			}
			if len(w.running) >= w.threads {
				continue
			}
			if score > bestScore || score == bestScore && best != nil && len(w.running) < len(best.running) {
				best, bestScore = w, score
			}
		}
		if best == nil {
			return
		}
		heap.Pop(&r.ready)
		t.queued = false
		if ideal != best && idealScore-bestScore > localWait {
			deferred = append(deferred, i) // wait for the holder
			t.queued = true
			continue
		}
		if t.enc == nil {
			b, err := cluster.EncodeTask(t.t)
			if err != nil {
				r.err = &cluster.TaskError{Key: t.t.Key, Kind: t.t.Op.Kind(), Err: err}
				return
			}
			t.enc = b
		}
		where := make([]location, 0, len(t.in))
		for _, j := range t.in {
			k := r.tasks[j].t.Key
			addr := ""
			for h := range s.where[k] {
				addr = h.addr
				if h == best {
					break
				}
			}
			where = append(where, location{Key: k, Addr: addr, Nbytes: r.tasks[j].size(s)})
		}
		t.running, t.worker = true, best
		best.running[t.t.Key] = true
		if s.o.Progress != nil || r.progress != nil {
			r.started[i] = time.Now()
		}
		best.post(&frame{H: header{Op: opRun, Key: t.t.Key, Task: t.enc, Where: where}})
	}
}

// Run implements cluster.Executor: the same graphs as cluster.Local, placed
// on the connected workers in the order cluster.Order gives. Wanted values
// are fetched from the worker that holds them and passed to emit from the
// calling goroutine. Lost workers are survived by recomputing from the
// graph; a task lost more than MaxLosses times fails the run with a
// *WorkerLostError. A failing op gives a *cluster.TaskError whose Err
// carries the remote error's text. With no workers connected, Run waits
// for some (bounded by ctx).
//
// Memory: each worker admits tasks only within its MemoryLimit (the
// declared bytes of the values it holds, of the tasks it runs and of the
// inputs they bring in), and a graph with a task that cannot fit the
// largest connected worker's limit even alone is refused before any task
// runs (cluster.ErrOverBudget, as on the local executor).
func (s *Scheduler) Run(ctx context.Context, g *cluster.Graph, want []cluster.Key, emit func(cluster.Key, cluster.Value) error) error {
	return s.run1(ctx, g, want, emit, false, nil)
}

// RunWith implements cluster.OptionRunner. It honours Progress (called
// like SchedulerOptions.Progress, with the scheduler's lock held: quick,
// and never calling the scheduler). Reserved and EmitCopies concern the
// client's memory, which holds only the wanted values and none of the
// workers' budgets, and need nothing. A MemoryBudget is refused
// (cluster.ErrUnsupportedOption): memory is bounded per worker, by
// WorkerOptions.MemoryLimit.
func (s *Scheduler) RunWith(ctx context.Context, g *cluster.Graph, want []cluster.Key, emit func(cluster.Key, cluster.Value) error, o cluster.RunOptions) error {
	if o.MemoryBudget > 0 {
		return fmt.Errorf("%w: remote: a per-run memory budget (%d bytes); the workers' MemoryLimit bounds their memory", cluster.ErrUnsupportedOption, o.MemoryBudget)
	}
	return s.run1(ctx, g, want, emit, false, o.Progress)
}

// Persist computes keys and keeps their values in worker memory (spilling
// past the workers' limits) until Release; later Runs of any graph that
// contains a persisted key reuse it. A persisted block lost with its worker
// is recomputed from the later graph's lineage when needed.
func (s *Scheduler) Persist(ctx context.Context, g *cluster.Graph, keys []cluster.Key) error {
	return s.run1(ctx, g, keys, nil, true, nil)
}

// Release forgets persisted values on the workers.
func (s *Scheduler) Release(keys ...cluster.Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if s.pinned[k] {
			delete(s.pinned, k)
			s.releaseKey(k)
		}
	}
}

func (s *Scheduler) run1(ctx context.Context, g *cluster.Graph, want []cluster.Key, emit func(cluster.Key, cluster.Value) error, persist bool, progress func(cluster.Progress)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	sub, err := g.Cull(want, nil)
	if err != nil {
		return err
	}
	r := newRun(sub, want, s.o.MaxLosses)
	r.persist, r.progress = persist, progress
	if s.rec != nil {
		s.rec.Plan(sub) // per-kind totals for the dashboard's progress bars
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.run = r
	r.order(s)
	r.replan(s)
	r.total = r.pending
	for _, k := range want { // wanted keys already held (persisted)
		i := r.ids[k]
		if s.has(k) && !r.tasks[i].emitted && !slices.Contains(r.toEmit, i) {
			r.toEmit = append(r.toEmit, i)
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.run = nil
		// Cancel what still runs for this run (after an error or ctx end).
		for i := range r.tasks {
			if t := &r.tasks[i]; t.running && !t.worker.gone {
				t.worker.post(&frame{H: header{Op: opCancel, Keys: []cluster.Key{t.t.Key}}})
			}
		}
		for i := range r.tasks {
			k := r.tasks[i].t.Key
			if s.has(k) && !s.pinned[k] {
				s.releaseKey(k)
			}
		}
		s.mu.Unlock()
	}()
	// Each wanted key counts once even when listed twice.
	seenWant := map[cluster.Key]bool{}
	remaining := 0
	for _, k := range want {
		if !seenWant[k] {
			seenWant[k] = true
			remaining++
		}
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for remaining > 0 {
		s.mu.Lock()
		if r.err == nil {
			r.err = r.checkFits(s)
		}
		if r.err != nil {
			s.mu.Unlock()
			return r.err
		}
		r.dispatch(s)
		batch := r.toEmit
		r.toEmit = nil
		type item struct {
			i    int32
			k    cluster.Key
			from *wstate
		}
		var items []item
		for _, i := range batch {
			t := &r.tasks[i]
			if t.emitted {
				continue
			}
			var from *wstate
			for h := range s.where[t.t.Key] {
				from = h
				break
			}
			if from == nil { // lost meanwhile; replan recomputes it
				continue
			}
			items = append(items, item{i, t.t.Key, from})
		}
		s.mu.Unlock()
		for _, it := range items {
			if !persist {
				v, err := fetchValue(ctx, it.from.conn, it.k)
				if err != nil {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					// The holder died or dropped it: treat as lost.
					it.from.cancel()
					s.mu.Lock()
					r.toEmit = append(r.toEmit, it.i)
					s.mu.Unlock()
					time.Sleep(10 * time.Millisecond)
					continue
				}
				if err := emit(it.k, v); err != nil {
					return err
				}
			}
			s.mu.Lock()
			t := &r.tasks[it.i]
			t.emitted = true
			t.refs--
			remaining--
			if persist {
				s.pinned[it.k] = true
			} else if t.refs <= 0 && !s.pinned[it.k] {
				s.releaseKey(it.k)
			}
			s.mu.Unlock()
		}
		if len(items) > 0 {
			continue
		}
		select {
		case <-s.wake:
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
