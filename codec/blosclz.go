package codec

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// blosclz is c-blosc's own LZ77 format (a FastLZ level-2 descendant). A
// stream is a sequence of instructions, each starting with a control byte:
//
//	ctrl < 32: a literal run of ctrl+1 bytes follows (the first instruction
//	           of a stream is always a literal run; its top 3 bits are ignored).
//	ctrl ≥ 32: a match. L = ctrl>>5 (1..7), H = ctrl&31.
//	           If L == 7, extension bytes follow, each added to the length,
//	           until one that is not 255.
//	           Then one byte C. The match length is L+2 (+extensions when L == 7;
//	           so 3..8 or 9+), its distance back from the output position is
//	           H<<8 + C + 1 (1..8191).
//	           If H == 31 and C == 255 (the escape), two more bytes follow, a
//	           big-endian D, and the distance is D + 8192 (up to 73727).
//
// Matches may overlap their output (distance < length): they copy byte by
// byte. The stream ends when its input ends.
const (
	blosclzMaxNear = 8191
	blosclzMaxFar  = 65535 + 8192
	blosclzHashLog = 14
)

// blosclzDecode decodes src so that it fills out exactly.
func blosclzDecode(out, src []byte) error {
	if len(src) == 0 {
		if len(out) == 0 {
			return nil
		}
		return errf("blosc", "decode", ErrCorrupt, "empty blosclz stream")
	}
	ip, op := 1, 0
	ctrl := int(src[0] & 31)
	for {
		if ctrl >= 32 {
			l := ctrl>>5 - 1
			ofs := (ctrl & 31) << 8
			if l == 6 {
				for {
					if ip >= len(src) {
						return errf("blosc", "decode", ErrCorrupt, "blosclz: truncated match length")
					}
					c := int(src[ip])
					ip++
					l += c
					if c != 255 {
						break
					}
				}
			}
			if ip >= len(src) {
				return errf("blosc", "decode", ErrCorrupt, "blosclz: truncated match")
			}
			code := int(src[ip])
			ip++
			l += 3
			dist := ofs + code + 1
			if code == 255 && ofs == 31<<8 {
				if ip+2 > len(src) {
					return errf("blosc", "decode", ErrCorrupt, "blosclz: truncated far match")
				}
				dist = int(src[ip])<<8 | int(src[ip+1]) + blosclzMaxNear + 1
				ip += 2
			}
			if l > len(out)-op {
				return errf("blosc", "decode", ErrCorrupt, "blosclz: output overrun")
			}
			if dist > op {
				return errf("blosc", "decode", ErrCorrupt, "blosclz: match before start")
			}
			ref := op - dist
			if dist >= l {
				copy(out[op:op+l], out[ref:ref+l])
			} else if dist == 1 {
				b := out[ref]
				seg := out[op : op+l]
				for i := range seg {
					seg[i] = b
				}
			} else {
				// overlapping: copy growing chunks of the repeating pattern
				end := op + l
				for op < end {
					n := copy(out[op:end], out[ref:op])
					op += n
				}
				op -= l
			}
			op += l
		} else {
			l := ctrl + 1
			if l > len(out)-op {
				return errf("blosc", "decode", ErrCorrupt, "blosclz: output overrun")
			}
			if l > len(src)-ip {
				return errf("blosc", "decode", ErrCorrupt, "blosclz: truncated literal run")
			}
			copy(out[op:op+l], src[ip:ip+l])
			op += l
			ip += l
		}
		if ip >= len(src) {
			break
		}
		ctrl = int(src[ip])
		ip++
	}
	if op != len(out) {
		return errf("blosc", "decode", ErrCorrupt, "blosclz: %d bytes decoded, want %d", op, len(out))
	}
	return nil
}

type blosclzTable [1 << blosclzHashLog]int32

var blosclzTables = sync.Pool{New: func() any { return new(blosclzTable) }}

func blosclzHash(v uint32) uint32 { return (v * 2654435761) >> (32 - blosclzHashLog) }

// blosclzEncode compresses src into dst (writing at most len(dst) bytes) and
// returns the compressed length, or 0 when src does not compress into dst
// (the caller stores it raw). minRun is the shortest match worth taking.
func blosclzEncode(dst, src []byte, minRun int) int {
	n := len(src)
	if n < 16 || len(dst) < 2 {
		return 0
	}
	tab := blosclzTables.Get().(*blosclzTable)
	defer blosclzTables.Put(tab)
	clear(tab[:])
	op, anchor, ip := 0, 0, 1
	limit := n - 12
	maxOut := len(dst)
	emitLiterals := func(lit []byte) bool {
		for len(lit) > 0 {
			k := min(len(lit), 32)
			if op+1+k > maxOut {
				return false
			}
			dst[op] = byte(k - 1)
			copy(dst[op+1:], lit[:k])
			op += 1 + k
			lit = lit[k:]
		}
		return true
	}
	for ip < limit {
		v := binary.LittleEndian.Uint32(src[ip:])
		h := blosclzHash(v)
		ref := int(tab[h]) - 1
		tab[h] = int32(ip + 1)
		d := ip - ref
		if ref < 0 || d > blosclzMaxFar || binary.LittleEndian.Uint32(src[ref:]) != v {
			ip += 1 + (ip-anchor)>>6
			continue
		}
		// extend the match, leaving at least one byte for the final literal run
		l := 4
		end := n - 1
		for ip+l+8 <= end {
			x := binary.LittleEndian.Uint64(src[ip+l:]) ^ binary.LittleEndian.Uint64(src[ref+l:])
			if x != 0 {
				l += bits.TrailingZeros64(x) >> 3
				goto extended
			}
			l += 8
		}
		for ip+l < end && src[ip+l] == src[ref+l] {
			l++
		}
	extended:
		if l < minRun {
			ip++
			continue
		}
		if !emitLiterals(src[anchor:ip]) {
			return 0
		}
		// match instruction
		if op+4+(l-9)/255+1 > maxOut {
			return 0
		}
		d0 := d - 1
		var hi byte
		far := d0 >= blosclzMaxNear
		if far {
			hi = 31
		} else {
			hi = byte(d0 >> 8)
		}
		if l-2 < 7 {
			dst[op] = byte(l-2)<<5 | hi
			op++
		} else {
			dst[op] = 7<<5 | hi
			op++
			rem := l - 9
			for rem >= 255 {
				dst[op] = 255
				op++
				rem -= 255
			}
			dst[op] = byte(rem)
			op++
		}
		if far {
			dst[op] = 255
			f := d0 - blosclzMaxNear
			dst[op+1] = byte(f >> 8)
			dst[op+2] = byte(f)
			op += 3
		} else {
			dst[op] = byte(d0)
			op++
		}
		ip += l
		anchor = ip
		if ip < limit {
			tab[blosclzHash(binary.LittleEndian.Uint32(src[ip-2:]))] = int32(ip - 2 + 1)
		}
	}
	if !emitLiterals(src[anchor:]) {
		return 0
	}
	if op >= n {
		return 0
	}
	return op
}
