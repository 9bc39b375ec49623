package codec

import (
	"bytes"
	"sync"
)

// Scratch buffers for intermediate pipeline stages and Blosc blocks. Fresh
// memory is slow to touch on the machines we target; reuse it.
var bufPool sync.Pool

func getBuf(n int) *[]byte {
	if v := bufPool.Get(); v != nil {
		b := v.(*[]byte)
		if cap(*b) >= n {
			*b = (*b)[:n]
			return b
		}
		bufPool.Put(v)
	}
	b := make([]byte, n)
	return &b
}

func putBuf(b *[]byte) {
	if cap(*b) > 64<<20 {
		return // do not pin very large buffers
	}
	bufPool.Put(b)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
