package remote

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// ErrSchedulerLost reports that a worker heard nothing from its scheduler
// for the heartbeat timeout (SchedulerOptions.HeartbeatTimeout): the
// scheduler died, froze, or became unreachable while its connection
// stayed open. The worker exits rather than reconnecting: by then the
// scheduler, if alive, has counted its blocks as lost.
var ErrSchedulerLost = errors.New("remote: scheduler lost")

// defaultHeartbeatTimeout is SchedulerOptions.HeartbeatTimeout when 0, and
// what a worker assumes when the scheduler does not say.
const defaultHeartbeatTimeout = 10 * time.Second

// keepaliveTimes returns the scheduler's heartbeat timeout announced in
// its welcome (ns; the default when 0) and the worker's heartbeat
// interval: its own, but at least four beats per timeout.
func keepaliveTimes(announced int64, own time.Duration) (timeout, heartbeat time.Duration) {
	timeout = time.Duration(announced)
	if timeout <= 0 {
		timeout = defaultHeartbeatTimeout
	}
	return timeout, min(own, timeout/4)
}

// watchScheduler cancels ctx with ErrSchedulerLost when heard (the
// function it returns, called on every frame from the scheduler) has not
// been called for timeout. It checks every quarter of the timeout, so
// detection takes between timeout and 1.25 times it; it stops with ctx.
func watchScheduler(ctx context.Context, cancel context.CancelCauseFunc, timeout time.Duration) (heard func()) {
	var last atomic.Int64
	last.Store(time.Now().UnixNano())
	go func() {
		t := time.NewTicker(max(timeout/4, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				if silent := now.Sub(time.Unix(0, last.Load())); silent > timeout {
					cancel(fmt.Errorf("%w: nothing heard for %v (heartbeat timeout %v)", ErrSchedulerLost, silent.Round(time.Millisecond), timeout))
					return
				}
			}
		}
	}()
	return func() { last.Store(time.Now().UnixNano()) }
}

// dropPeer closes the connection to a peer the scheduler declared lost:
// fetches waiting on it fail at once (as lost inputs, which the scheduler
// recomputes) instead of waiting for a frozen process.
func (w *worker) dropPeer(addr string) {
	w.mu.Lock()
	c, ok := w.peers[addr]
	delete(w.peers, addr)
	w.mu.Unlock()
	if ok {
		c.Close()
	}
}
