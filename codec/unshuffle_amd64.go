//go:build amd64 && !purego

package codec

// SSE2 (every amd64 CPU has it) unshuffles of 16 elements per step for
// typesizes 2, 4 and 8; the Go loops in unshuffleBytes are the reference
// and handle the remainder. unshuffleAsm reports how many elements it did.

//go:noescape
func unshuffle2x16(dst, src *byte, n, blocks int)

//go:noescape
func unshuffle4x16(dst, src *byte, n, blocks int)

//go:noescape
func unshuffle8x16(dst, src *byte, n, blocks int)

func unshuffleAsm(dst, src []byte, es, n int) int {
	blocks := n / 16
	if blocks == 0 || len(src) < es*n || len(dst) < es*n {
		return 0
	}
	switch es {
	case 2:
		unshuffle2x16(&dst[0], &src[0], n, blocks)
	case 4:
		unshuffle4x16(&dst[0], &src[0], n, blocks)
	case 8:
		unshuffle8x16(&dst[0], &src[0], n, blocks)
	default:
		return 0
	}
	return blocks * 16
}
