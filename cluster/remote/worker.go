package remote

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tessera-array/tessera/cluster"
)

// WorkerOptions configures a worker process.
type WorkerOptions struct {
	Scheduler   string       // scheduler address host:port
	Credentials *Credentials // the cluster's credentials (required)
	Name        string       // worker name; host-pid when empty
	Threads     int          // tasks at once; GOMAXPROCS when 0
	// MemoryLimit bounds the worker's memory (0: no limit), with the same
	// accounting as the local executor's budget (cluster.Admission): the
	// values it holds in memory, the declared output and scratch of the
	// tasks it runs and the inputs they bring in (fetched from peers or
	// read back from spill: counted twice, encoded and decoded), and
	// process-wide reservations such as GDAL's
	// block cache. Tasks start in the order they arrive, each only when it
	// fits, or when nothing else runs; to make room, and whenever the
	// total passes the limit, the oldest held values not in use spill to
	// LocalDir.
	MemoryLimit int64
	// GoMemoryLimit, with a MemoryLimit, sets the Go runtime's soft memory
	// limit of this process from it (cluster.SetGoMemoryLimit), so that
	// uncollected garbage does not carry the process past its limit. It
	// is process-wide: leave it off when Serve runs inside a process that
	// does other work. WorkerMain turns it on (-go-memory-limit=true).
	GoMemoryLimit bool
	LocalDir      string // spill directory; os.TempDir() when empty
	// Listen is the address the worker serves peers on; ":0" style
	// addresses pick a port. When empty the worker listens on Interface's
	// first IPv4 address, or on the address it uses to reach the scheduler.
	Listen    string
	Interface string // network interface to listen on (eth0, ib0), optional
	// DeathTimeout: a worker that cannot reach the scheduler for this long
	// when starting exits (60 s when 0). Once connected, a broken
	// connection ends the worker at once, and so does a scheduler that
	// stays silent for its heartbeat timeout (SchedulerOptions.
	// HeartbeatTimeout, told to the worker when it joins; Serve then
	// returns an error wrapping ErrSchedulerLost): the worker does not
	// reconnect, since the scheduler has already counted its blocks as
	// lost and recomputes them elsewhere.
	DeathTimeout time.Duration
	// Lifetime: after this long the worker asks the scheduler to drain it
	// (hand its results to other workers) and exits; 0 means no limit. Set
	// it a few minutes under the batch job's walltime.
	Lifetime time.Duration
	// Heartbeat interval (1 s when 0; a quarter of the scheduler's
	// heartbeat timeout when that is shorter).
	Heartbeat time.Duration
}

// workerArg is the first argument that turns a process into a worker.
const workerArg = "tessera-worker"

// MaybeServe turns the process into a worker when it was started as one
// (first argument "tessera-worker", as the local process cluster and the
// Slurm launcher start it): it serves until the scheduler stops it and then
// exits the process. Otherwise it returns at once. Call it at the top of
// main, before flag parsing, in any program that builds graphs with
// functions of its own, so that a launcher can start that same binary as a
// worker and every registered op resolves there.
func MaybeServe() {
	if len(os.Args) < 2 || os.Args[1] != workerArg {
		return
	}
	os.Exit(WorkerMain(os.Args[2:]))
}

// WorkerMain parses worker flags (see WorkerFlags) and serves; it returns
// the process exit code. cmd/tessera's "worker" subcommand calls it.
func WorkerMain(args []string) int {
	fs := flag.NewFlagSet("tessera worker", flag.ContinueOnError)
	var o WorkerOptions
	var cred, mem string
	fs.StringVar(&o.Scheduler, "scheduler", "", "scheduler address host:port")
	fs.StringVar(&cred, "credentials", "", "cluster credentials file")
	fs.StringVar(&o.Name, "name", "", "worker name")
	fs.IntVar(&o.Threads, "nthreads", 0, "tasks at once (0: all cores)")
	fs.StringVar(&mem, "memory-limit", "0", "bytes held in memory before spilling (e.g. 4GB, 0 = none)")
	fs.StringVar(&o.LocalDir, "local-directory", "", "spill directory")
	fs.StringVar(&o.Interface, "interface", "", "network interface to listen on")
	fs.StringVar(&o.Listen, "listen", "", "listen address")
	fs.DurationVar(&o.DeathTimeout, "death-timeout", 60*time.Second, "exit when the scheduler is unreachable this long")
	fs.DurationVar(&o.Lifetime, "lifetime", 0, "drain and exit after this long (0: never)")
	fs.BoolVar(&o.GoMemoryLimit, "go-memory-limit", true, "set the Go runtime's memory limit from -memory-limit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	n, err := ParseBytes(mem)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tessera worker:", err)
		return 2
	}
	o.MemoryLimit = n
	if o.Credentials, err = ReadCredentials(cred); err != nil {
		fmt.Fprintln(os.Stderr, "tessera worker:", err)
		return 2
	}
	if err := Serve(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "tessera worker:", err)
		return 1
	}
	return 0
}

type entry struct {
	val    cluster.Value // nil when spilled
	path   string        // spill file
	nbytes int64
	seq    uint64
}

type worker struct {
	o     WorkerOptions
	addr  string
	mu    sync.Mutex
	store map[cluster.Key]*entry
	// adm counts values held in memory, tasks running and reservations
	// against MemoryLimit; admitted wakes tasks waiting in queue.
	adm      *cluster.Admission
	res      cluster.Reservations
	admitted *sync.Cond
	queue    []*admitReq
	inUse    map[cluster.Key]int // inputs of running tasks: never spilled
	spill    int64               // on disk
	seq      uint64
	peers    map[string]*grpc.ClientConn
	run      int
	cancels  map[cluster.Key]context.CancelFunc
	send     chan *frame
	dir      string
}

// Serve runs a worker until the scheduler stops it (nil), the connection to
// the scheduler breaks, the scheduler refuses it (wrong token or
// certificate: an error at once), stays unreachable past the death
// timeout, or is silent past its heartbeat timeout (ErrSchedulerLost), or
// ctx ends.
func Serve(ctx context.Context, o WorkerOptions) error {
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	if o.DeathTimeout <= 0 {
		o.DeathTimeout = 60 * time.Second
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = time.Second
	}
	if o.Name == "" {
		h, _ := os.Hostname()
		o.Name = fmt.Sprintf("%s-%d", h, os.Getpid())
	}
	listen, err := listenAddr(o)
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("remote: worker listen: %w", err)
	}
	base := o.LocalDir
	if base == "" {
		base = os.TempDir()
	}
	dir, err := os.MkdirTemp(base, "tessera-worker-")
	if err != nil {
		return fmt.Errorf("remote: spill directory: %w", err)
	}
	defer os.RemoveAll(dir)
	w := &worker{o: o, addr: lis.Addr().String(), store: map[cluster.Key]*entry{}, peers: map[string]*grpc.ClientConn{}, dir: dir,
		cancels: map[cluster.Key]context.CancelFunc{}, inUse: map[cluster.Key]int{}}
	w.adm = cluster.NewAdmission(o.MemoryLimit, &w.res)
	w.admitted = sync.NewCond(&w.mu)
	if o.GoMemoryLimit && o.MemoryLimit > 0 {
		cluster.SetGoMemoryLimit(o.MemoryLimit)
	}
	sopts, err := serverOptions(o.Credentials)
	if err != nil {
		return err
	}
	srv := grpc.NewServer(sopts...)
	srv.RegisterService(&workerDesc, w)
	go srv.Serve(lis)
	defer srv.Stop()
	defer func() {
		w.mu.Lock()
		for _, c := range w.peers {
			c.Close()
		}
		w.mu.Unlock()
	}()

	conn, err := dial(o.Scheduler, o.Credentials)
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var stream grpc.ClientStream
	var welcome frame
	deadline := time.Now().Add(o.DeathTimeout)
	// A scheduler that accepts the connection but never answers (frozen)
	// must not hold the worker past the death timeout either.
	noWelcome := time.AfterFunc(o.DeathTimeout, func() {
		cancel(fmt.Errorf("%w: no welcome within the death timeout %v", ErrSchedulerLost, o.DeathTimeout))
	})
	for {
		stream, err = conn.NewStream(ctx, &schedulerDesc.Streams[0], "/tessera.Scheduler/Connect")
		if err == nil {
			err = stream.SendMsg(&frame{H: header{Op: opRegister, Worker: o.Name, Addr: w.addr, Threads: o.Threads, Memory: o.MemoryLimit}})
		}
		if err == nil {
			// The first reply proves the scheduler accepted us (TLS and
			// token are checked before any message flows).
			if err = stream.RecvMsg(&welcome); err == nil {
				break
			}
		}
		if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		if status.Code(err) == codes.Unauthenticated || isTLSRefusal(err) || time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("remote: connect to scheduler %s: %w", o.Scheduler, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	noWelcome.Stop()
	timeout, heartbeat := keepaliveTimes(welcome.H.Timeout, o.Heartbeat)
	heard := watchScheduler(ctx, cancel, timeout)
	w.send = make(chan *frame, 1024)
	go func() {
		for {
			select {
			case f := <-w.send:
				if err := stream.SendMsg(f); err != nil {
					// The first cause wins: a send that fails because ctx
					// already ended (the stream shares it) is a
					// consequence, not the reason, and does not replace it.
					cancel(fmt.Errorf("remote: worker stream: %w", err))
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				w.mu.Lock()
				h := header{Op: opHeartbeat, Held: w.adm.Held() + w.res.Total(), Spilled: w.spill, Running: w.run}
				w.mu.Unlock()
				w.post(ctx, &frame{H: h})
			case <-ctx.Done():
				return
			}
		}
	}()
	if o.Lifetime > 0 {
		go func() {
			select {
			case <-time.After(o.Lifetime):
				w.post(ctx, &frame{H: header{Op: opDrainMe}})
			case <-ctx.Done():
			}
		}()
	}
	tasks := make(chan *frame, 1<<16)
	for range o.Threads {
		go func() {
			for f := range tasks {
				w.runTask(ctx, f)
			}
		}()
	}
	defer close(tasks)
	for {
		f := new(frame)
		if err := stream.RecvMsg(f); err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return fmt.Errorf("remote: scheduler stream: %w", err)
		}
		heard()
		switch f.H.Op {
		case opRun:
			w.mu.Lock()
			w.run++
			w.mu.Unlock()
			tasks <- f
		case opCopy:
			go w.copyFrom(ctx, f.H.Key, f.H.Addr)
		case opRelease:
			w.release(f.H.Keys)
		case opCancel:
			w.mu.Lock()
			for _, k := range f.H.Keys {
				if c, ok := w.cancels[k]; ok {
					c()
				}
			}
			w.mu.Unlock()
		case opPeerLost:
			w.dropPeer(f.H.Addr)
		case opStop:
			return nil
		}
	}
}

func isTLSRefusal(err error) bool {
	s := err.Error()
	for _, p := range []string{"certificate", "tls:", "handshake"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func listenAddr(o WorkerOptions) (string, error) {
	if o.Listen != "" {
		return o.Listen, nil
	}
	if o.Interface != "" {
		ip, err := InterfaceIP(o.Interface)
		if err != nil {
			return "", err
		}
		return net.JoinHostPort(ip, "0"), nil
	}
	// The address this host uses to reach the scheduler.
	c, err := net.Dial("udp", o.Scheduler)
	if err != nil {
		return ":0", nil
	}
	defer c.Close()
	host, _, _ := net.SplitHostPort(c.LocalAddr().String())
	return net.JoinHostPort(host, "0"), nil
}

// InterfaceIP returns the first IPv4 address of a network interface (or
// its first address when it has no IPv4 one).
func InterfaceIP(name string) (string, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return "", fmt.Errorf("remote: interface %q: %w", name, err)
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return "", fmt.Errorf("remote: interface %q: %w", name, err)
	}
	var first string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		if ip4 := ipn.IP.To4(); ip4 != nil {
			return ip4.String(), nil
		}
		if first == "" {
			first = ipn.IP.String()
		}
	}
	if first == "" {
		return "", fmt.Errorf("remote: interface %q has no address", name)
	}
	return first, nil
}

func (w *worker) post(ctx context.Context, f *frame) {
	select {
	case w.send <- f:
	case <-ctx.Done():
	}
}

// put stores a value and, past the memory limit, spills the oldest
// values not in use.
func (w *worker) put(k cluster.Key, v cluster.Value) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if old, ok := w.store[k]; ok {
		w.drop(old)
	}
	w.seq++
	e := &entry{val: v, nbytes: v.Nbytes(), seq: w.seq}
	w.store[k] = e
	w.adm.Hold(e.nbytes)
	w.makeRoomLocked(0)
	w.admitted.Broadcast()
}

// makeRoomLocked spills the oldest held values that no running task reads
// until need more bytes fit the memory limit, or nothing is left to spill.
func (w *worker) makeRoomLocked(need int64) {
	limit := w.o.MemoryLimit
	for limit > 0 && w.adm.InUse()+need > limit {
		var oldest *entry
		var ok cluster.Key
		for kk, ee := range w.store {
			if ee.val != nil && w.inUse[kk] == 0 && (oldest == nil || ee.seq < oldest.seq) {
				oldest, ok = ee, kk
			}
		}
		if oldest == nil || !w.spillLocked(ok, oldest) {
			return
		}
	}
}

func (w *worker) spillLocked(k cluster.Key, e *entry) bool {
	b, err := cluster.EncodeValue(e.val)
	if err != nil {
		return false
	}
	w.seq++
	p := filepath.Join(w.dir, strconv.FormatUint(w.seq, 10))
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return false
	}
	e.val, e.path = nil, p
	w.adm.Release(e.nbytes)
	w.spill += e.nbytes
	return true
}

func (w *worker) drop(e *entry) {
	if e.val != nil {
		w.adm.Release(e.nbytes)
	} else {
		w.spill -= e.nbytes
		os.Remove(e.path)
	}
}

func (w *worker) release(keys []cluster.Key) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, k := range keys {
		if e, ok := w.store[k]; ok {
			w.drop(e)
			delete(w.store, k)
		}
	}
	w.admitted.Broadcast()
}

type admitReq struct{}

// admit waits until the worker's memory admits a task that needs need
// bytes: tasks are admitted in the order they arrive, each when it fits
// the limit beside everything in use (after spilling what can be spilled)
// or when nothing else runs. It fails only when ctx ends first. in are the
// task's inputs, protected from spilling while it runs; done undoes both.
func (w *worker) admit(ctx context.Context, need int64, in []cluster.Key) (done func(), err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := &admitReq{}
	w.queue = append(w.queue, q)
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.admitted.Broadcast()
		w.mu.Unlock()
	})
	defer stop()
	for {
		if err := ctx.Err(); err != nil {
			for i, x := range w.queue {
				if x == q {
					w.queue = append(w.queue[:i], w.queue[i+1:]...)
					break
				}
			}
			w.admitted.Broadcast()
			return nil, err
		}
		if w.queue[0] == q {
			if !w.adm.Fits(need) {
				w.makeRoomLocked(need)
			}
			if w.adm.Fits(need) {
				break
			}
		}
		w.admitted.Wait()
	}
	w.queue = w.queue[1:]
	w.adm.Start(need)
	for _, k := range in {
		w.inUse[k]++
	}
	w.admitted.Broadcast()
	return func() {
		w.mu.Lock()
		w.adm.Finish(need)
		for _, k := range in {
			if w.inUse[k]--; w.inUse[k] <= 0 {
				delete(w.inUse, k)
			}
		}
		w.admitted.Broadcast()
		w.mu.Unlock()
	}, nil
}

// inMemory reports whether k is held here in memory (not spilled).
func (w *worker) inMemory(k cluster.Key) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.store[k]
	return ok && e.val != nil
}

// get returns a held value, reading it back from the spill directory when
// spilled (without moving it back into memory).
func (w *worker) get(k cluster.Key) (cluster.Value, bool, error) {
	w.mu.Lock()
	e, ok := w.store[k]
	var v cluster.Value
	var path string
	if ok {
		v, path = e.val, e.path
	}
	w.mu.Unlock()
	if !ok {
		return nil, false, nil
	}
	if v != nil {
		return v, true, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, true, err
	}
	v, err = cluster.DecodeValue(b)
	return v, true, err
}

// fetch serves a held value to a peer or the scheduler.
func (w *worker) fetch(ctx context.Context, req *frame) (*frame, error) {
	v, ok, err := w.get(req.H.Key)
	if !ok {
		return nil, status.Errorf(codes.NotFound, "tessera: %s not held by %s", req.H.Key, w.o.Name)
	}
	if err != nil {
		return nil, status.Errorf(codes.Internal, "tessera: read spilled %s: %v", req.H.Key, err)
	}
	b, err := cluster.EncodeValue(v)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "tessera: %v", err)
	}
	return &frame{H: header{Key: req.H.Key, Nbytes: v.Nbytes()}, Body: b}, nil
}

func (w *worker) peer(addr string) (*grpc.ClientConn, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.peers[addr]; ok {
		return c, nil
	}
	c, err := dial(addr, w.o.Credentials)
	if err != nil {
		return nil, err
	}
	w.peers[addr] = c
	return c, nil
}

// input finds a task input here or on the peer the scheduler named.
func (w *worker) input(ctx context.Context, k cluster.Key, addr string) (cluster.Value, error) {
	if v, ok, err := w.get(k); ok {
		return v, err
	}
	if addr == "" || addr == w.addr {
		return nil, fmt.Errorf("%w: %s not held here", errInputLost, k)
	}
	c, err := w.peer(addr)
	if err != nil {
		return nil, err
	}
	return fetchValue(ctx, c, k)
}

var errInputLost = errors.New("remote: input lost")

func fetchValue(ctx context.Context, c *grpc.ClientConn, k cluster.Key) (cluster.Value, error) {
	out := new(frame)
	if err := c.Invoke(ctx, "/tessera.Worker/Fetch", &frame{H: header{Op: opFetch, Key: k}}, out); err != nil {
		return nil, fmt.Errorf("%w: fetch %s: %w", errInputLost, k, err)
	}
	return cluster.DecodeValue(out.Body)
}

func (w *worker) runTask(ctx context.Context, f *frame) {
	tctx, cancel := context.WithCancel(ctx)
	w.mu.Lock()
	w.cancels[f.H.Key] = cancel
	w.mu.Unlock()
	defer func() {
		cancel()
		w.mu.Lock()
		w.run--
		delete(w.cancels, f.H.Key)
		w.mu.Unlock()
	}()
	t0 := time.Now()
	fail := func(err error, retry bool) {
		w.post(ctx, &frame{H: header{Op: opFailed, Key: f.H.Key, Err: err.Error(), Retryable: retry}})
	}
	t, err := cluster.DecodeTask(f.H.Task)
	if err != nil {
		fail(err, false)
		return
	}
	where := map[cluster.Key]location{}
	for _, l := range f.H.Where {
		where[l.Key] = l
	}
	// Admission: the task's output and scratch, and the inputs it brings
	// into memory (fetched from a peer or read back from spill), twice
	// over: their encoded bytes and the decoded value exist at once.
	need := cluster.AddBytes(t.Bytes, t.Scratch)
	for _, k := range t.Inputs {
		if !w.inMemory(k) {
			nb := where[k].Nbytes
			need = cluster.AddBytes(need, cluster.AddBytes(nb, nb))
		}
	}
	admitted, err := w.admit(tctx, need, t.Inputs)
	if err != nil {
		fail(err, false)
		return
	}
	in := make([]cluster.Value, len(t.Inputs))
	for i, k := range t.Inputs {
		v, err := w.input(tctx, k, where[k].Addr)
		if err != nil {
			admitted()
			fail(err, errors.Is(err, errInputLost))
			return
		}
		in[i] = v
	}
	mctx := cluster.WithMemory(tctx, cluster.BudgetMemory{Bytes: w.o.MemoryLimit, Res: &w.res})
	v, err := runOp(mctx, t.Op, in)
	admitted()
	if err == nil && v == nil {
		err = errors.New("op returned a nil value")
	}
	if err != nil {
		fail(err, false)
		return
	}
	w.put(t.Key, v)
	w.post(ctx, &frame{H: header{Op: opDone, Key: t.Key, Nbytes: v.Nbytes(), Nanos: int64(time.Since(t0))}})
}

func (w *worker) copyFrom(ctx context.Context, k cluster.Key, addr string) {
	v, err := w.input(ctx, k, addr)
	if err != nil {
		w.post(ctx, &frame{H: header{Op: opFailed, Key: k, Err: err.Error(), Retryable: true, Addr: "copy"}})
		return
	}
	w.put(k, v)
	w.post(ctx, &frame{H: header{Op: opDone, Key: k, Nbytes: v.Nbytes(), Addr: "copy"}})
}

func runOp(ctx context.Context, op cluster.Op, in []cluster.Value) (v cluster.Value, err error) {
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
