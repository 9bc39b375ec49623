package codec

import "encoding/binary"

// bitshuffle is c-blosc's bit-shuffle of one block (Masui's bitshuffle
// algorithm): elements are taken in groups of 8, and for every byte j of the
// element and bit k of that byte, a row of n/8 bytes holds bit k of byte j of
// every element (element 8g+m at bit m of byte g of the row). Rows are ordered
// j-major: row j*8+k. As in c-blosc 1.21, a block whose element count is not
// a multiple of 8 is copied unchanged. The reference loop is
//
//	for j, g, m, k: bit m of dst[(j*8+k)*(n/8)+g] = bit k of src[(8g+m)*ts+j]
func bitshuffle(dst, src []byte, ts int) {
	n := len(src) / ts
	if n%8 != 0 {
		copy(dst, src)
		return
	}
	n8 := n
	rows := n8 / 8
	for j := 0; j < ts; j++ {
		for g := 0; g < rows; g++ {
			base := 8*g*ts + j
			var x uint64
			for m := 0; m < 8; m++ {
				x |= uint64(src[base+m*ts]) << (8 * m)
			}
			x = transpose8x8(x)
			o := j * 8 * rows
			for k := 0; k < 8; k++ {
				dst[o+k*rows+g] = byte(x >> (8 * k))
			}
		}
	}
	copy(dst[n8*ts:], src[n8*ts:])
}

// bitunshuffle inverts bitshuffle.
func bitunshuffle(dst, src []byte, ts int) {
	n := len(src) / ts
	if n%8 != 0 {
		copy(dst, src)
		return
	}
	n8 := n
	rows := n8 / 8
	if ts == 1 {
		for g := 0; g < rows; g++ {
			var x uint64
			for k := 0; k < 8; k++ {
				x |= uint64(src[k*rows+g]) << (8 * k)
			}
			binary.LittleEndian.PutUint64(dst[8*g:], transpose8x8(x))
		}
	} else {
		for j := 0; j < ts; j++ {
			o := j * 8 * rows
			for g := 0; g < rows; g++ {
				var x uint64
				for k := 0; k < 8; k++ {
					x |= uint64(src[o+k*rows+g]) << (8 * k)
				}
				x = transpose8x8(x)
				base := 8*g*ts + j
				for m := 0; m < 8; m++ {
					dst[base+m*ts] = byte(x >> (8 * m))
				}
			}
		}
	}
	copy(dst[n8*ts:], src[n8*ts:])
}

// transpose8x8 transposes the 8×8 bit matrix whose row r is byte r of x:
// bit c of byte r moves to bit r of byte c.
func transpose8x8(x uint64) uint64 {
	t := (x ^ (x >> 7)) & 0x00AA00AA00AA00AA
	x = x ^ t ^ (t << 7)
	t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCC
	x = x ^ t ^ (t << 14)
	t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0
	x = x ^ t ^ (t << 28)
	return x
}
