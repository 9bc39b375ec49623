package dashboard

import (
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/tessera-array/tessera/cluster"
)

// TaskEvent is one finished task on the stream.
type TaskEvent struct {
	Key    string        `json:"key"`
	Kind   string        `json:"kind"`
	Worker string        `json:"worker"`
	Start  time.Duration `json:"start_ns"` // since the recorder started
	End    time.Duration `json:"end_ns"`
}

// KindProgress is the progress of one op kind.
type KindProgress struct {
	Kind    string  `json:"kind"`
	Done    int     `json:"done"`
	Total   int     `json:"total"`
	Seconds float64 `json:"seconds"` // task time summed
}

// WorkerInfo describes one worker.
type WorkerInfo struct {
	ID          string `json:"id"`
	Address     string `json:"address,omitempty"`
	Cores       int    `json:"cores"`
	MemoryUsed  int64  `json:"memory_used"`
	MemoryLimit int64  `json:"memory_limit"`
	Spilled     int64  `json:"spilled"`
	Running     int    `json:"running"`
}

// MemSample is the memory held at one moment.
type MemSample struct {
	T     time.Duration `json:"t_ns"`
	Bytes int64         `json:"bytes"`
}

// State is everything the dashboard shows; /api/state serves it as JSON.
type State struct {
	Elapsed   time.Duration  `json:"elapsed_ns"`
	Done      int            `json:"done"`
	Total     int            `json:"total"`
	Running   int            `json:"running"`
	HeldBytes int64          `json:"held_bytes"`
	PeakBytes int64          `json:"peak_bytes"`
	Kinds     []KindProgress `json:"kinds"`
	Workers   []WorkerInfo   `json:"workers"`
	Stream    []TaskEvent    `json:"stream"`
	Memory    []MemSample    `json:"memory"`
	Runs      int            `json:"runs"`
}

// Options tunes a Recorder.
type Options struct {
	// StreamLen is how many recent tasks the stream keeps (default 2000).
	StreamLen int
	// Workers, when set, reports the workers (a remote scheduler's view).
	// Without it the recorder shows one local worker built from the
	// progress events.
	Workers func() []WorkerInfo
	// LocalCores and MemoryLimit describe the local worker.
	LocalCores  int
	MemoryLimit int64
}

// Recorder collects task events. It is safe for concurrent use; Progress
// is cheap (a lock and a few field updates) so it may be called per task.
type Recorder struct {
	opts  Options
	start time.Time

	mu        sync.Mutex
	kinds     map[string]*KindProgress
	stream    []TaskEvent
	next      int
	full      bool
	mem       []MemSample
	lastMem   time.Duration
	done      int
	total     int
	running   int
	held      int64
	peak      int64
	runs      int
	lastTotal int
	totalsSet map[string]bool
}

// NewRecorder starts recording now.
func NewRecorder(opts Options) *Recorder {
	if opts.StreamLen <= 0 {
		opts.StreamLen = 2000
	}
	return &Recorder{opts: opts, start: time.Now(), kinds: map[string]*KindProgress{}, stream: make([]TaskEvent, opts.StreamLen), totalsSet: map[string]bool{}}
}

// Plan announces a graph about to run, so per-kind totals are known
// before tasks finish.
func (r *Recorder) Plan(g *cluster.Graph) {
	counts := map[string]int{}
	for _, k := range g.Keys() {
		t, _ := g.Task(k)
		counts[t.Op.Kind()]++
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for kind, n := range counts {
		kp := r.kind(kind)
		kp.Total += n
		r.totalsSet[kind] = true
	}
}

func (r *Recorder) kind(k string) *KindProgress {
	kp, ok := r.kinds[k]
	if !ok {
		kp = &KindProgress{Kind: k}
		r.kinds[k] = kp
	}
	return kp
}

// Progress records one finished task; use it as an executor's progress
// callback (alone or from a callback that also drives a progress bar).
// The task stream shows one row per thread of the local executor.
func (r *Recorder) Progress(p cluster.Progress) {
	r.ProgressFrom(threadNames[min(p.Thread, len(threadNames)-1)], p)
}

// threadNames are the local executor's rows on the task stream (built once
// so Progress does not allocate).
var threadNames = func() []string {
	out := make([]string, 256)
	for i := range out {
		out[i] = "local/" + strconv.Itoa(i)
	}
	return out
}()

// ProgressFrom records a finished task run by the named worker.
func (r *Recorder) ProgressFrom(worker string, p cluster.Progress) {
	now := time.Since(r.start)
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.Done < r.done || p.Total != r.lastTotal {
		if p.Done <= 1 {
			r.runs++
		}
	}
	r.lastTotal = p.Total
	r.done, r.total, r.running = p.Done, p.Total, p.Running
	r.held = p.HeldBytes
	r.peak = max(r.peak, p.PeakBytes, p.HeldBytes)
	kp := r.kind(p.Kind)
	kp.Done++
	if !r.totalsSet[p.Kind] && kp.Done > kp.Total {
		kp.Total = kp.Done
	}
	kp.Seconds += p.TaskTime.Seconds()
	r.stream[r.next] = TaskEvent{Key: string(p.Key), Kind: p.Kind, Worker: worker, Start: now - p.TaskTime, End: now}
	r.next++
	if r.next == len(r.stream) {
		r.next, r.full = 0, true
	}
	if now-r.lastMem >= 50*time.Millisecond || len(r.mem) == 0 {
		r.mem = append(r.mem, MemSample{T: now, Bytes: p.HeldBytes})
		r.lastMem = now
		if len(r.mem) > 4000 { // keep memory bounded: thin the history
			thin := r.mem[:0]
			for i, s := range r.mem {
				if i%2 == 0 {
					thin = append(thin, s)
				}
			}
			r.mem = thin
		}
	}
}

// State returns a snapshot.
func (r *Recorder) State() State {
	r.mu.Lock()
	s := State{Elapsed: time.Since(r.start), Done: r.done, Total: r.total, Running: r.running, HeldBytes: r.held, PeakBytes: r.peak, Runs: r.runs}
	for _, kp := range r.kinds {
		s.Kinds = append(s.Kinds, *kp)
	}
	if r.full {
		s.Stream = append(s.Stream, r.stream[r.next:]...)
	}
	s.Stream = append(s.Stream, r.stream[:r.next]...)
	s.Memory = append([]MemSample(nil), r.mem...)
	r.mu.Unlock()
	sort.Slice(s.Kinds, func(i, j int) bool { return s.Kinds[i].Kind < s.Kinds[j].Kind })
	if r.opts.Workers != nil {
		s.Workers = r.opts.Workers()
	} else {
		s.Workers = []WorkerInfo{{ID: "local", Cores: r.opts.LocalCores, MemoryUsed: s.HeldBytes, MemoryLimit: r.opts.MemoryLimit, Running: s.Running}}
	}
	return s
}
