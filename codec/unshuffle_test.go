package codec

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestUnshuffleMatchesNaive checks the optimised unshuffle (assembly on
// amd64, SWAR loops elsewhere) against the byte-by-byte definition for
// every typesize and many lengths, including remainders.
func TestUnshuffleMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, es := range []int{1, 2, 3, 4, 5, 8, 16} {
		for _, n := range []int{0, 1, 7, 15, 16, 17, 31, 32, 33, 100, 1000, 4099} {
			src := make([]byte, es*n+r.IntN(es)) // a partial trailing element is copied as is
			for i := range src {
				src[i] = byte(r.IntN(256))
			}
			want := make([]byte, len(src))
			copy(want, src)
			for i := range n {
				for b := range es {
					want[i*es+b] = src[b*n+i]
				}
			}
			got := make([]byte, len(src))
			copy(got[es*n:], src[es*n:])
			unshuffleBytes(got, src, es)
			if !bytes.Equal(got[:es*n], want[:es*n]) {
				t.Fatalf("typesize %d, %d elements: unshuffle differs", es, n)
			}
		}
	}
}

func BenchmarkUnshuffleKernel(b *testing.B) {
	for _, es := range []int{2, 4, 8} {
		src := make([]byte, 1<<20)
		dst := make([]byte, 1<<20)
		b.Run(string(rune('0'+es)), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				unshuffleBytes(dst, src, es)
			}
		})
	}
}
