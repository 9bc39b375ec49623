package codec

import (
	"encoding/binary"
	"encoding/json"
)

func init() {
	RegisterNumcodecs("shuffle", func(c json.RawMessage) (Codec, error) {
		cfg := struct {
			Elementsize int `json:"elementsize"`
		}{Elementsize: 4}
		if err := decodeConfig("shuffle", c, &cfg, "id", "elementsize"); err != nil {
			return nil, err
		}
		if cfg.Elementsize < 1 {
			return nil, configErr("shuffle", "elementsize %d < 1", cfg.Elementsize)
		}
		return Shuffle{Elementsize: cfg.Elementsize}, nil
	})
}

// Shuffle is numcodecs' shuffle filter, a bytes→bytes codec: byte j of every
// element goes to stream j. Bytes past the last whole element are copied
// unchanged.
type Shuffle struct{ Elementsize int }

// Name is "shuffle", the codec's numcodecs id (the filter Zarr v3 stores
// under "numcodecs.shuffle").
func (Shuffle) Name() string { return "shuffle" }

// MaxEncodedLen is n.
func (Shuffle) MaxEncodedLen(n int) int { return n }

// Encode appends the shuffled src.
func (s Shuffle) Encode(dst, src []byte) ([]byte, error) {
	start := len(dst)
	dst = grow(dst, len(src))
	shuffleBytes(dst[start:], src, s.Elementsize)
	return dst, nil
}

// Decode appends the unshuffled src (at most maxLen bytes).
func (s Shuffle) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	if err := checkMaxLen("shuffle", maxLen); err != nil {
		return nil, err
	}
	if len(src) > maxLen {
		return nil, errf("shuffle", "decode", ErrTooLarge, "%d bytes, limit %d", len(src), maxLen)
	}
	start := len(dst)
	dst = grow(dst, len(src))
	unshuffleBytes(dst[start:], src, s.Elementsize)
	return dst, nil
}

// shuffleBytes writes src byte-shuffled with element size es into dst
// (len(dst) == len(src)). The reference loop is
//
//	for i := 0; i < n; i++ { for j := 0; j < es; j++ { dst[j*n+i] = src[i*es+j] } }
//
// with n = len(src)/es; the tail past n*es is copied.
func shuffleBytes(dst, src []byte, es int) {
	n := 0
	if es > 0 {
		n = len(src) / es
	}
	if es <= 1 || n == 0 {
		copy(dst, src)
		return
	}
	switch es {
	case 2:
		d0, d1 := dst[:n], dst[n:2*n]
		s := src[:2*n]
		for i := range d0 {
			v := binary.LittleEndian.Uint16(s[2*i:])
			d0[i], d1[i] = byte(v), byte(v>>8)
		}
	case 4:
		d0, d1, d2, d3 := dst[:n], dst[n:2*n], dst[2*n:3*n], dst[3*n:4*n]
		s := src[:4*n]
		for i := range d0 {
			v := binary.LittleEndian.Uint32(s[4*i:])
			d0[i], d1[i], d2[i], d3[i] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
	case 8:
		d0, d1, d2, d3 := dst[:n], dst[n:2*n], dst[2*n:3*n], dst[3*n:4*n]
		d4, d5, d6, d7 := dst[4*n:5*n], dst[5*n:6*n], dst[6*n:7*n], dst[7*n:8*n]
		s := src[:8*n]
		for i := range d0 {
			v := binary.LittleEndian.Uint64(s[8*i:])
			d0[i], d1[i], d2[i], d3[i] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
			d4[i], d5[i], d6[i], d7[i] = byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56)
		}
	default:
		for j := 0; j < es; j++ {
			d := dst[j*n : (j+1)*n]
			for i := range d {
				d[i] = src[i*es+j]
			}
		}
	}
	copy(dst[n*es:], src[n*es:])
}

// unshuffleBytes inverts shuffleBytes.
func unshuffleBytes(dst, src []byte, es int) {
	n := 0
	if es > 0 {
		n = len(src) / es
	}
	if es <= 1 || n == 0 {
		copy(dst, src)
		return
	}
	done := unshuffleAsm(dst, src, es, n)
	switch es {
	case 2:
		s0, s1 := src[:n], src[n:2*n]
		d := dst[:2*n]
		i := done
		for ; i+8 <= n; i += 8 {
			a := binary.LittleEndian.Uint64(s0[i:])
			b := binary.LittleEndian.Uint64(s1[i:])
			even := a&m8 | (b&m8)<<8        // elements 0, 2, 4, 6 in 16-bit lanes
			odd := (a>>8)&m8 | b&^m8        // elements 1, 3, 5, 7
			y0 := even&m16 | (odd&m16)<<16  // 0 1 | 4 5
			y1 := (even>>16)&m16 | odd&^m16 // 2 3 | 6 7
			binary.LittleEndian.PutUint64(d[2*i:], y0&m32|y1<<32)
			binary.LittleEndian.PutUint64(d[2*i+8:], y0>>32|y1&^m32)
		}
		for ; i < n; i++ {
			d[2*i], d[2*i+1] = s0[i], s1[i]
		}
	case 4:
		s0, s1, s2, s3 := src[:n], src[n:2*n], src[2*n:3*n], src[3*n:4*n]
		d := dst[:4*n]
		i := done
		for ; i+8 <= n; i += 8 {
			x0, x1, x2, x3 := transpose4(s0[i:], s1[i:], s2[i:], s3[i:])
			o := d[4*i : 4*i+32]
			binary.LittleEndian.PutUint64(o[0:], x0&0xffffffff|x1<<32)
			binary.LittleEndian.PutUint64(o[8:], x2&0xffffffff|x3<<32)
			binary.LittleEndian.PutUint64(o[16:], x0>>32|x1&^0xffffffff)
			binary.LittleEndian.PutUint64(o[24:], x2>>32|x3&^0xffffffff)
		}
		for ; i < n; i++ {
			d[4*i], d[4*i+1], d[4*i+2], d[4*i+3] = s0[i], s1[i], s2[i], s3[i]
		}
	case 8:
		s0, s1, s2, s3 := src[:n], src[n:2*n], src[2*n:3*n], src[3*n:4*n]
		s4, s5, s6, s7 := src[4*n:5*n], src[5*n:6*n], src[6*n:7*n], src[7*n:8*n]
		d := dst[:8*n]
		i := done
		for ; i+8 <= n; i += 8 {
			q0, q1, q2, q3 := transpose4(s0[i:], s1[i:], s2[i:], s3[i:])
			r0, r1, r2, r3 := transpose4(s4[i:], s5[i:], s6[i:], s7[i:])
			o := d[8*i : 8*i+64]
			binary.LittleEndian.PutUint64(o[0:], q0&m32|r0<<32)
			binary.LittleEndian.PutUint64(o[8:], q1&m32|r1<<32)
			binary.LittleEndian.PutUint64(o[16:], q2&m32|r2<<32)
			binary.LittleEndian.PutUint64(o[24:], q3&m32|r3<<32)
			binary.LittleEndian.PutUint64(o[32:], q0>>32|r0&^m32)
			binary.LittleEndian.PutUint64(o[40:], q1>>32|r1&^m32)
			binary.LittleEndian.PutUint64(o[48:], q2>>32|r2&^m32)
			binary.LittleEndian.PutUint64(o[56:], q3>>32|r3&^m32)
		}
		for ; i < n; i++ {
			v := uint64(s0[i]) | uint64(s1[i])<<8 | uint64(s2[i])<<16 | uint64(s3[i])<<24 |
				uint64(s4[i])<<32 | uint64(s5[i])<<40 | uint64(s6[i])<<48 | uint64(s7[i])<<56
			binary.LittleEndian.PutUint64(d[8*i:], v)
		}
	default:
		for j := 0; j < es; j++ {
			s := src[j*n : (j+1)*n]
			for i, v := range s {
				dst[i*es+j] = v
			}
		}
	}
	copy(dst[n*es:], src[n*es:])
}

const m8, m16, m32 = 0x00ff00ff00ff00ff, 0x0000ffff0000ffff, 0x00000000ffffffff

// transpose4 reads 8 bytes from each of four streams (byte k of elements
// 0..7) and returns the 4-byte elements in 32-bit lanes: x0 holds elements 0
// and 4, x1 1 and 5, x2 2 and 6, x3 3 and 7 (the 4×4 byte transposes of
// each half, done with shifts and masks in 64-bit lanes).
func transpose4(s0, s1, s2, s3 []byte) (x0, x1, x2, x3 uint64) {
	a := binary.LittleEndian.Uint64(s0)
	b := binary.LittleEndian.Uint64(s1)
	c := binary.LittleEndian.Uint64(s2)
	e := binary.LittleEndian.Uint64(s3)
	ab02 := a&m8 | (b&m8)<<8 // (a0 b0)(a2 b2)(a4 b4)(a6 b6)
	ab13 := (a>>8)&m8 | b&^m8
	ce02 := c&m8 | (e&m8)<<8
	ce13 := (c>>8)&m8 | e&^m8
	x0 = ab02&m16 | (ce02&m16)<<16
	x2 = (ab02>>16)&m16 | ce02&^m16
	x1 = ab13&m16 | (ce13&m16)<<16
	x3 = (ab13>>16)&m16 | ce13&^m16
	return
}
