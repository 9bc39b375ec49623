package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/dashboard"
)

// ErrWorkerLost is the retryable class: a worker died or was unreachable,
// taking running tasks and held blocks with it. The scheduler recomputes
// what was lost from the graph; callers see it only inside a
// *WorkerLostError, after a task was lost too many times.
var ErrWorkerLost = errors.New("remote: worker lost")

// WorkerLostError reports a task that was running, or whose result was held,
// on workers that died more times than SchedulerOptions.MaxLosses allows.
// errors.Is(err, ErrWorkerLost) holds for it.
type WorkerLostError struct {
	Key     cluster.Key
	Kind    string
	Losses  int
	Workers []string // the workers lost while running it
}

// Error formats the loss as "remote: task KEY (KIND) lost with N workers
// [W1 W2 ...]; giving up".
func (e *WorkerLostError) Error() string {
	return fmt.Sprintf("remote: task %s (%s) lost with %d workers %v; giving up", e.Key, e.Kind, e.Losses, e.Workers)
}

// Unwrap returns ErrWorkerLost, so errors.Is(err, ErrWorkerLost) holds.
func (e *WorkerLostError) Unwrap() error { return ErrWorkerLost }

// ErrClosed reports use of a closed scheduler.
var ErrClosed = errors.New("remote: scheduler closed")

// SchedulerOptions configures a scheduler.
type SchedulerOptions struct {
	// Listen is the address to serve workers on (":0" picks a port on every
	// interface). When empty: Interface's first IPv4 address, else
	// 127.0.0.1, with a free port.
	Listen    string
	Interface string
	// Credentials for the cluster; fresh ones (new CA and token) when nil.
	Credentials *Credentials
	// HeartbeatTimeout is how long a silent peer is given, both ways (10 s
	// when 0). A worker the scheduler has not heard from this long (dead,
	// or frozen with its connection still open) is declared lost: its
	// tasks are re-queued, what only it held is recomputed, and the other
	// workers stop fetching from it. The scheduler sends each worker a
	// heartbeat every quarter of it and tells workers the timeout when
	// they join: a worker that hears nothing from the scheduler this long
	// exits (Serve returns an error wrapping ErrSchedulerLost). Workers
	// heartbeat at least every quarter of it too. Detection takes between
	// the timeout and 1.25 times it.
	HeartbeatTimeout time.Duration
	// MaxLosses is how many worker losses one task survives before the run
	// fails with a *WorkerLostError (3 when 0).
	MaxLosses int
	// Progress, when set, is called after each task with the worker that
	// ran it (the dashboard's feed). It is called with the scheduler's lock
	// held: it must be quick and must not call the scheduler.
	Progress func(worker string, p cluster.Progress)
	// DashboardAddress, when set (":8787", "127.0.0.1:0"), serves the live
	// dashboard (workers, progress per op kind, task stream, memory,
	// /api/state, /metrics, /health) there; its URL, which carries the
	// dashboard's token, is printed to stderr when the scheduler starts and
	// returned by DashboardURL. An empty host (":8787") means 127.0.0.1:
	// reach it through an SSH tunnel (package dashboard). Every request but
	// /health needs the token (dashboard.Serve).
	DashboardAddress string
	// DashboardToken is the dashboard's token (a fresh random one when
	// empty). It is not the cluster token: the dashboard URL may be shared
	// without giving access to the workers.
	DashboardToken string
}

// Scheduler places tasks on remote workers. It lives in the client process,
// implements cluster.Executor and cluster.Persister (the same graphs run on
// it as on cluster.Local), and is safe for concurrent use; Runs are
// serialized.
type Scheduler struct {
	o     SchedulerOptions
	dash  *dashboard.Server
	rec   *dashboard.Recorder
	creds *Credentials
	lis   net.Listener
	srv   *grpc.Server

	runMu sync.Mutex // one Run at a time

	mu      sync.Mutex
	workers map[string]*wstate
	where   map[cluster.Key]map[*wstate]bool
	sizes   map[cluster.Key]int64 // reported sizes of held values
	pinned  map[cluster.Key]bool

	run       *runState
	wake      chan struct{}
	joined    chan struct{} // closed and replaced when a worker joins
	closed    bool
	nextID    int
	totalDone int64
}

type wstate struct {
	id, addr string
	threads  int
	memory   int64
	conn     *grpc.ClientConn
	outbox   chan *frame
	cancel   context.CancelFunc
	running  map[cluster.Key]bool
	draining bool
	gone     bool
	lastSeen time.Time
	held     int64
	spilled  int64
	done     int64
	copies   map[cluster.Key]chan error
}

// NewScheduler starts a scheduler listening for workers. Close stops it.
func NewScheduler(o SchedulerOptions) (*Scheduler, error) {
	if o.HeartbeatTimeout <= 0 {
		o.HeartbeatTimeout = defaultHeartbeatTimeout
	}
	if o.MaxLosses <= 0 {
		o.MaxLosses = 3
	}
	creds := o.Credentials
	if creds == nil {
		var err error
		if creds, err = NewCredentials(0); err != nil {
			return nil, err
		}
	}
	listen := o.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
		if o.Interface != "" {
			ip, err := InterfaceIP(o.Interface)
			if err != nil {
				return nil, err
			}
			listen = net.JoinHostPort(ip, "0")
		}
	}
	lis, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("remote: scheduler listen: %w", err)
	}
	sopts, err := serverOptions(creds)
	if err != nil {
		lis.Close()
		return nil, err
	}
	s := &Scheduler{o: o, creds: creds, lis: lis, srv: grpc.NewServer(sopts...),
		workers: map[string]*wstate{}, where: map[cluster.Key]map[*wstate]bool{},
		sizes: map[cluster.Key]int64{}, pinned: map[cluster.Key]bool{},
		wake: make(chan struct{}, 1), joined: make(chan struct{})}
	if o.DashboardAddress != "" {
		rec := dashboard.NewRecorder(dashboard.Options{Workers: s.dashboardWorkers})
		user := o.Progress
		s.o.Progress = func(worker string, p cluster.Progress) {
			rec.ProgressFrom(worker, p)
			if user != nil {
				user(worker, p)
			}
		}
		dash, err := dashboard.Serve(o.DashboardAddress, rec, dashboard.WithToken(o.DashboardToken))
		if err != nil {
			lis.Close()
			return nil, err
		}
		s.dash, s.rec = dash, rec
		fmt.Fprintf(os.Stderr, "tessera: scheduler at %s, dashboard at %s\n", lis.Addr(), dash.URL())
	}
	s.srv.RegisterService(&schedulerDesc, s)
	go s.srv.Serve(lis)
	go s.monitor()
	return s, nil
}

// DashboardURL is the dashboard's address with its token ("" without a
// dashboard).
func (s *Scheduler) DashboardURL() string {
	if s.dash == nil {
		return ""
	}
	return s.dash.URL()
}

// Recorder is the dashboard's recorder (nil without a dashboard), for a
// performance report: s.Recorder().WriteReport(w, title).
func (s *Scheduler) Recorder() *dashboard.Recorder { return s.rec }

// dashboardWorkers reports workers to the dashboard. It reads worker state
// under its own lock acquisition (the dashboard calls it from HTTP
// handlers, never from within Progress).
func (s *Scheduler) dashboardWorkers() []dashboard.WorkerInfo {
	sn := s.Snapshot()
	out := make([]dashboard.WorkerInfo, 0, len(sn.Workers))
	for _, w := range sn.Workers {
		out = append(out, dashboard.WorkerInfo{ID: w.ID, Address: w.Addr, Cores: w.Threads, MemoryUsed: w.HeldBytes,
			MemoryLimit: w.Memory, Spilled: w.SpillBytes, Running: w.Running})
	}
	return out
}

// Addr is the address workers connect to.
func (s *Scheduler) Addr() string { return s.lis.Addr().String() }

// Credentials are the cluster's credentials, to hand to workers.
func (s *Scheduler) Credentials() *Credentials { return s.creds }

// Close stops every worker and the scheduler.
func (s *Scheduler) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, w := range s.workers {
		w.post(&frame{H: header{Op: opStop}})
	}
	s.mu.Unlock()
	if s.dash != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = s.dash.Close(ctx)
		cancel()
	}
	time.Sleep(50 * time.Millisecond) // let stop frames go out
	s.srv.Stop()
	s.mu.Lock()
	for _, w := range s.workers {
		w.cancel()
		w.conn.Close()
	}
	s.mu.Unlock()
	return nil
}

func (w *wstate) post(f *frame) {
	select {
	case w.outbox <- f:
	default:
		// A full outbox means the worker is not reading: drop it.
		go w.cancel()
	}
}

func (s *Scheduler) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// connect serves one worker's stream (token and TLS already checked).
func (s *Scheduler) connect(stream grpc.ServerStream) error {
	var hello frame
	if err := stream.RecvMsg(&hello); err != nil {
		return err
	}
	if hello.H.Op != opRegister {
		return fmt.Errorf("remote: expected register, got %q", hello.H.Op)
	}
	conn, err := dial(hello.H.Addr, s.creds)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	w := &wstate{addr: hello.H.Addr, threads: max(1, hello.H.Threads), memory: hello.H.Memory, conn: conn,
		outbox: make(chan *frame, 1<<16), cancel: cancel, running: map[cluster.Key]bool{},
		lastSeen: time.Now(), copies: map[cluster.Key]chan error{}}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		conn.Close()
		return ErrClosed
	}
	w.id = hello.H.Worker
	if _, dup := s.workers[w.id]; dup || w.id == "" {
		s.nextID++
		w.id = fmt.Sprintf("%s#%d", hello.H.Worker, s.nextID)
	}
	s.workers[w.id] = w
	close(s.joined)
	s.joined = make(chan struct{})
	s.mu.Unlock()
	if err := stream.SendMsg(&frame{H: header{Op: "welcome", Worker: w.id, Timeout: int64(s.o.HeartbeatTimeout)}}); err != nil {
		s.lost(w)
		return err
	}
	s.signal()
	go func() {
		for {
			select {
			case f := <-w.outbox:
				if err := stream.SendMsg(f); err != nil {
					cancel()
					return
				}
				if f.H.Op == opStop {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	recvErr := make(chan error, 1)
	go func() {
		for {
			f := new(frame)
			if err := stream.RecvMsg(f); err != nil {
				recvErr <- err
				return
			}
			s.handle(w, f)
		}
	}()
	select {
	case err = <-recvErr:
	case <-ctx.Done():
	}
	s.lost(w)
	conn.Close()
	return nil
}

// monitor declares workers lost when their heartbeats stop, and sends
// each worker the scheduler's own heartbeat.
func (s *Scheduler) monitor() {
	t := time.NewTicker(s.o.HeartbeatTimeout / 4)
	defer t.Stop()
	for range t.C {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		for _, w := range s.workers {
			if time.Since(w.lastSeen) > s.o.HeartbeatTimeout {
				w.cancel()
			} else {
				w.post(&frame{H: header{Op: opHeartbeat}})
			}
		}
		s.mu.Unlock()
	}
}

func (s *Scheduler) handle(w *wstate, f *frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.lastSeen = time.Now()
	switch f.H.Op {
	case opHeartbeat:
		w.held, w.spilled = f.H.Held, f.H.Spilled
	case opDrainMe:
		go s.Drain(context.Background(), w.id)
	case opDone:
		if f.H.Addr == "copy" {
			s.addWhere(f.H.Key, w)
			if f.H.Nbytes > 0 {
				s.sizes[f.H.Key] = f.H.Nbytes
			}
			if ch, ok := w.copies[f.H.Key]; ok {
				ch <- nil
				delete(w.copies, f.H.Key)
			}
			return
		}
		delete(w.running, f.H.Key)
		w.done++
		s.totalDone++
		r := s.run
		if r == nil || !r.onDone(s, w, f.H.Key, f.H.Nbytes) {
			// Not part of the current run (a leftover from a failed run).
			if !s.pinned[f.H.Key] {
				w.post(&frame{H: header{Op: opRelease, Keys: []cluster.Key{f.H.Key}}})
			}
		}
		s.signal()
	case opFailed:
		if f.H.Addr == "copy" {
			if ch, ok := w.copies[f.H.Key]; ok {
				ch <- errors.New(f.H.Err)
				delete(w.copies, f.H.Key)
			}
			return
		}
		delete(w.running, f.H.Key)
		if r := s.run; r != nil {
			r.onFailed(s, w, f.H.Key, f.H.Err, f.H.Retryable)
		}
		s.signal()
	}
}

func (s *Scheduler) addWhere(k cluster.Key, w *wstate) {
	m := s.where[k]
	if m == nil {
		m = map[*wstate]bool{}
		s.where[k] = m
	}
	m[w] = true
}

func (s *Scheduler) has(k cluster.Key) bool { return len(s.where[k]) > 0 }

// releaseKey forgets k on every worker that holds it.
func (s *Scheduler) releaseKey(k cluster.Key) {
	for w := range s.where[k] {
		w.post(&frame{H: header{Op: opRelease, Keys: []cluster.Key{k}}})
	}
	delete(s.where, k)
	delete(s.sizes, k)
}

// lost removes a worker that died or disconnected; the current run
// recomputes what it held.
func (s *Scheduler) lost(w *wstate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.gone {
		return
	}
	w.gone = true
	delete(s.workers, w.id)
	for k, m := range s.where {
		if m[w] {
			delete(m, w)
			if len(m) == 0 {
				delete(s.where, k)
			}
		}
	}
	for k, ch := range w.copies {
		ch <- ErrWorkerLost
		delete(w.copies, k)
	}
	// A frozen worker keeps its connections open and never answers: peers
	// fetching from it would wait forever. They drop their connection to
	// it, so those fetches fail as lost inputs and are recomputed.
	for _, o := range s.workers {
		o.post(&frame{H: header{Op: opPeerLost, Addr: w.addr}})
	}
	if r := s.run; r != nil && !w.draining {
		r.onLost(s, w)
	} else if r != nil {
		r.replan(s)
	}
	s.signal()
}

// WaitForWorkers blocks until at least n workers are connected.
func (s *Scheduler) WaitForWorkers(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		have, ch, closed := len(s.workers), s.joined, s.closed
		s.mu.Unlock()
		if closed {
			return ErrClosed
		}
		if have >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("remote: %d of %d workers connected: %w", have, n, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// WorkerInfo describes one worker in a Snapshot.
type WorkerInfo struct {
	ID, Addr   string
	Threads    int
	Running    int
	Done       int64
	HeldBytes  int64 // reported at the last heartbeat
	SpillBytes int64
	Memory     int64 // limit
	Draining   bool
	LastSeen   time.Time
}

// Snapshot is the scheduler's state, for dashboards.
type Snapshot struct {
	Workers     []WorkerInfo
	Running     int   // tasks running now
	Ready       int   // tasks ready, waiting for a thread
	Pending     int   // tasks of the current run not yet finished
	Done        int64 // tasks finished since start
	Keys        int   // distinct keys held on workers
	PinnedKeys  int
	QueuedTasks int // ready + pending: the demand Adapt scales on
}

// Snapshot returns the current state.
func (s *Scheduler) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sn Snapshot
	for _, w := range s.workers {
		sn.Workers = append(sn.Workers, WorkerInfo{ID: w.id, Addr: w.addr, Threads: w.threads, Running: len(w.running),
			Done: w.done, HeldBytes: w.held, SpillBytes: w.spilled, Memory: w.memory, Draining: w.draining, LastSeen: w.lastSeen})
		sn.Running += len(w.running)
	}
	sort.Slice(sn.Workers, func(i, j int) bool { return sn.Workers[i].ID < sn.Workers[j].ID })
	sn.Done, sn.Keys, sn.PinnedKeys = s.totalDone, len(s.where), len(s.pinned)
	if r := s.run; r != nil {
		sn.Ready = r.ready.Len()
		sn.Pending = r.pending
	}
	sn.QueuedTasks = sn.Ready + sn.Pending
	return sn
}

// Drain stops placing tasks on a worker, waits for its running tasks, hands
// every block it alone holds that is persisted or still needed to other
// workers, then stops it. A worker asks for this itself shortly before its
// walltime (WorkerOptions.Lifetime).
func (s *Scheduler) Drain(ctx context.Context, id string) error {
	s.mu.Lock()
	w, ok := s.workers[id]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("remote: no worker %q", id)
	}
	w.draining = true
	s.mu.Unlock()
	for {
		s.mu.Lock()
		n := len(w.running)
		s.mu.Unlock()
		if n == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	// Hand off sole copies.
	s.mu.Lock()
	var waits []chan error
	var targets []*wstate
	for _, o := range s.workers {
		if o != w && !o.draining {
			targets = append(targets, o)
		}
	}
	i := 0
	for k, m := range s.where {
		if !m[w] || len(m) > 1 || len(targets) == 0 {
			continue
		}
		if !s.pinned[k] && (s.run == nil || !s.run.stillNeeded(k)) {
			continue
		}
		t := targets[i%len(targets)]
		i++
		ch := make(chan error, 1)
		t.copies[k] = ch
		t.post(&frame{H: header{Op: opCopy, Key: k, Addr: w.addr}})
		waits = append(waits, ch)
	}
	s.mu.Unlock()
	var firstErr error
	for _, ch := range waits {
		select {
		case err := <-ch:
			if err != nil && firstErr == nil {
				firstErr = err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	w.post(&frame{H: header{Op: opStop}})
	s.mu.Unlock()
	if firstErr != nil {
		return fmt.Errorf("remote: drain %s: hand-off: %w", id, firstErr)
	}
	return nil
}
