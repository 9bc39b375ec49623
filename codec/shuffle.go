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
	switch es {
	case 2:
		s0, s1 := src[:n], src[n:2*n]
		d := dst[:2*n]
		i := 0
		for ; i+8 <= n; i += 8 {
			a := binary.LittleEndian.Uint64(s0[i:])
			b := binary.LittleEndian.Uint64(s1[i:])
			binary.LittleEndian.PutUint64(d[2*i:], spread8(uint32(a))|spread8(uint32(b))<<8)
			binary.LittleEndian.PutUint64(d[2*i+8:], spread8(uint32(a>>32))|spread8(uint32(b>>32))<<8)
		}
		for ; i < n; i++ {
			d[2*i], d[2*i+1] = s0[i], s1[i]
		}
	case 4:
		s0, s1, s2, s3 := src[:n], src[n:2*n], src[2*n:3*n], src[3*n:4*n]
		d := dst[:4*n]
		i := 0
		for ; i+8 <= n; i += 8 {
			a := binary.LittleEndian.Uint64(s0[i:])
			b := binary.LittleEndian.Uint64(s1[i:])
			c := binary.LittleEndian.Uint64(s2[i:])
			e := binary.LittleEndian.Uint64(s3[i:])
			// interleave pairs (a,b) and (c,e) into 16-bit lanes, then those into 32-bit lanes
			ab0 := spread8(uint32(a)) | spread8(uint32(b))<<8
			ab1 := spread8(uint32(a>>32)) | spread8(uint32(b>>32))<<8
			ce0 := spread8(uint32(c)) | spread8(uint32(e))<<8
			ce1 := spread8(uint32(c>>32)) | spread8(uint32(e>>32))<<8
			o := d[4*i : 4*i+32]
			binary.LittleEndian.PutUint64(o[0:], spread16(uint32(ab0))|spread16(uint32(ce0))<<16)
			binary.LittleEndian.PutUint64(o[8:], spread16(uint32(ab0>>32))|spread16(uint32(ce0>>32))<<16)
			binary.LittleEndian.PutUint64(o[16:], spread16(uint32(ab1))|spread16(uint32(ce1))<<16)
			binary.LittleEndian.PutUint64(o[24:], spread16(uint32(ab1>>32))|spread16(uint32(ce1>>32))<<16)
		}
		for ; i < n; i++ {
			d[4*i], d[4*i+1], d[4*i+2], d[4*i+3] = s0[i], s1[i], s2[i], s3[i]
		}
	case 8:
		s0, s1, s2, s3 := src[:n], src[n:2*n], src[2*n:3*n], src[3*n:4*n]
		s4, s5, s6, s7 := src[4*n:5*n], src[5*n:6*n], src[6*n:7*n], src[7*n:8*n]
		d := dst[:8*n]
		for i := range s0 {
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

// spread8 moves the 4 bytes of x to the even bytes of the result
// (byte k → byte 2k).
func spread8(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	return v
}

// spread16 moves the two 16-bit halves of x to 16-bit lanes 0 and 2.
func spread16(x uint32) uint64 {
	v := uint64(x)
	return (v | v<<16) & 0x0000ffff0000ffff
}
