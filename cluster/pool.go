package cluster

import (
	"context"
	"sync"
)

// Recycler is an optional upgrade of a Value whose memory can be reused.
// The Local executor calls Recycle when it drops its last reference to a
// value that nobody else may hold: not a wanted key (emit may keep those),
// not pinned, and not returned by a task as its own output (an op that
// passes an input through aliases it). After Recycle the value must not be
// used. Ops must therefore never retain their inputs (Op's contract), and
// an op whose output shares memory with an input must say so to the
// input's type (ndarray's blocks do this themselves).
type Recycler interface {
	Recycle()
}

// BufferPool hands out reusable byte buffers by exact size, so that the
// blocks of a long computation reuse memory instead of faulting in fresh
// pages (slow on many VMs) and growing the heap. It is safe for concurrent
// use. Buffers from Get are not zeroed.
type BufferPool struct {
	mu sync.Mutex
	m  map[int]*sync.Pool
}

func (p *BufferPool) sized(n int) *sync.Pool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[int]*sync.Pool{}
	}
	sp, ok := p.m[n]
	if !ok {
		sp = &sync.Pool{}
		p.m[n] = sp
	}
	return sp
}

// Get returns a buffer of length n with undefined contents.
func (p *BufferPool) Get(n int) []byte {
	if b, ok := p.sized(n).Get().(*[]byte); ok {
		return (*b)[:n]
	}
	return make([]byte, n)
}

// Put returns a buffer obtained from Get; the caller must not use it after.
func (p *BufferPool) Put(b []byte) {
	if cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	p.sized(len(b)).Put(&b)
}

type poolKey struct{}

// WithBufferPool returns a context carrying p for the ops run under it.
func WithBufferPool(ctx context.Context, p *BufferPool) context.Context {
	return context.WithValue(ctx, poolKey{}, p)
}

// BufferPoolFrom returns the pool of the executor running the op, or nil.
func BufferPoolFrom(ctx context.Context) *BufferPool {
	p, _ := ctx.Value(poolKey{}).(*BufferPool)
	return p
}
