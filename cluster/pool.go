package cluster

import (
	"context"
	"slices"
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
	// Recycle gives the value's memory back for reuse; the value must not
	// be used afterwards.
	Recycle()
}

// BufferPool hands out reusable byte buffers, so that the blocks of a long
// computation reuse memory instead of faulting in fresh pages (slow on many
// VMs) and growing the heap. A request is served by a free buffer of the
// same size or, failing that, of the smallest size up to 1.5 times larger
// (edge blocks reuse the buffers of full blocks). It is safe for
// concurrent use. Buffers from Get are not zeroed. Idle buffers are held
// in sync.Pools, so the garbage collector may drop them.
type BufferPool struct {
	mu    sync.Mutex
	m     map[int]*sync.Pool
	sizes []int // keys of m, ascending
}

func (p *BufferPool) sized(n int, create bool) *sync.Pool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[int]*sync.Pool{}
	}
	sp, ok := p.m[n]
	if !ok && create {
		sp = &sync.Pool{}
		p.m[n] = sp
		i, _ := slices.BinarySearch(p.sizes, n)
		p.sizes = slices.Insert(p.sizes, i, n)
	}
	return sp
}

// larger returns the pools of sizes in (n, 1.5n], ascending.
func (p *BufferPool) larger(n int) []*sync.Pool {
	p.mu.Lock()
	defer p.mu.Unlock()
	i, _ := slices.BinarySearch(p.sizes, n+1)
	var out []*sync.Pool
	for ; i < len(p.sizes) && p.sizes[i] <= n+n/2; i++ {
		out = append(out, p.m[p.sizes[i]])
	}
	return out
}

// Get returns a buffer of length n with undefined contents.
func (p *BufferPool) Get(n int) []byte {
	if sp := p.sized(n, false); sp != nil {
		if b, ok := sp.Get().(*[]byte); ok {
			return (*b)[:n]
		}
	}
	for _, sp := range p.larger(n) {
		if b, ok := sp.Get().(*[]byte); ok {
			return (*b)[:n]
		}
	}
	return make([]byte, n)
}

// Put returns a buffer obtained from Get; the caller must not use it after.
func (p *BufferPool) Put(b []byte) {
	if cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	p.sized(len(b), true).Put(&b)
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
