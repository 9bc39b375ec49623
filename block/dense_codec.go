package block

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The wire form of a Dense block, used when blocks move between processes
// (remote workers, spill files):
//
//	"TDN2"            magic
//	dtype             one byte (DType)
//	rank              uvarint, at most MaxWireRank
//	shape             rank uvarints
//	data              the elements, little-endian, C order (Bool as 0/1 bytes);
//	                  for String, per element a uvarint byte length and
//	                  the UTF-8 bytes
//
// The data length must equal the shape's byte size exactly (for String:
// the elements must use every byte). Version 2 added the dtypes of issue
// 13 (float16, complex, string, datetime64 and timedelta64 of each unit,
// DType values 12 and up) and the string layout; the numbers of the
// dtypes of version 1 did not change, but a "TDN1" block is refused as
// bad magic (blocks are only spilled and sent by one build of tessera).

// MaxWireRank bounds the rank of a decoded block.
const MaxWireRank = 64

// ErrCorruptBlock reports bytes that are not a valid encoded block.
var ErrCorruptBlock = errors.New("block: corrupt encoded block")

var denseMagic = [4]byte{'T', 'D', 'N', '2'}

// MarshalBinary encodes the block (see the wire form above). It never fails
// for a valid block.
func (d *Dense) MarshalBinary() ([]byte, error) {
	var body []byte
	if d.dtype != String {
		body = d.Bytes()
	}
	out := make([]byte, 0, 6+binary.MaxVarintLen64*(1+len(d.shape))+len(body))
	out = append(out, denseMagic[:]...)
	out = append(out, byte(d.dtype))
	out = binary.AppendUvarint(out, uint64(len(d.shape)))
	for _, n := range d.shape {
		out = binary.AppendUvarint(out, uint64(n))
	}
	if d.dtype == String {
		for _, v := range d.data.([]string) {
			out = binary.AppendUvarint(out, uint64(len(v)))
			out = append(out, v...)
		}
		return out, nil
	}
	if d.dtype == Bool {
		for _, v := range d.data.([]bool) {
			if v {
				out = append(out, 1)
			} else {
				out = append(out, 0)
			}
		}
		return out, nil
	}
	return append(out, body...), nil
}

// UnmarshalBinary decodes a block written by MarshalBinary into d,
// replacing its contents. Malformed input (bad magic, unknown dtype, a rank
// over MaxWireRank, a shape whose size does not match the data length, a
// block over MaxBlockBytes) is reported as an error wrapping ErrCorruptBlock;
// it never panics. d does not alias b afterwards.
func (d *Dense) UnmarshalBinary(b []byte) error {
	if len(b) < 5 || [4]byte(b[:4]) != denseMagic {
		return fmt.Errorf("%w: bad magic", ErrCorruptBlock)
	}
	dt := DType(b[4])
	if !dt.Valid() {
		return fmt.Errorf("%w: %w: %d", ErrCorruptBlock, ErrDType, b[4])
	}
	p := b[5:]
	rank, w := binary.Uvarint(p)
	if w <= 0 || rank > MaxWireRank {
		return fmt.Errorf("%w: bad rank", ErrCorruptBlock)
	}
	p = p[w:]
	shape := make([]int, rank)
	size := uint64(1)
	zero := false
	for i := range shape {
		n, w := binary.Uvarint(p)
		if w <= 0 || n > MaxBlockBytes {
			return fmt.Errorf("%w: bad length of axis %d", ErrCorruptBlock, i)
		}
		p = p[w:]
		shape[i] = int(n)
		if n == 0 {
			zero = true
		} else if !zero {
			size *= n // each factor ≤ 2^32 and size stays ≤ 2^32 below
		}
		if !zero && size > MaxBlockBytes {
			return fmt.Errorf("%w: shape %v exceeds %d bytes", ErrCorruptBlock, shape[:i+1], int64(MaxBlockBytes))
		}
	}
	if zero {
		size = 0
	}
	if dt == String {
		return d.unmarshalStrings(p, shape, size)
	}
	if want := size * uint64(dt.Size()); uint64(len(p)) != want {
		return fmt.Errorf("%w: %d data bytes for %s shape %v (want %d)", ErrCorruptBlock, len(p), dt, shape, want)
	}
	nd, err := FromBytes(dt, p, shape...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorruptBlock, err)
	}
	*d = *nd
	return nil
}

// unmarshalStrings decodes the String data of n elements: each a uvarint
// length and that many bytes, using every byte of p. n is bounded by
// len(p) first (every element takes at least one byte), so a forged shape
// cannot make it allocate.
func (d *Dense) unmarshalStrings(p []byte, shape []int, n uint64) error {
	if n > uint64(len(p)) {
		return fmt.Errorf("%w: %d data bytes cannot hold %d strings", ErrCorruptBlock, len(p), n)
	}
	v := make([]string, n)
	for i := range v {
		l, w := binary.Uvarint(p)
		if w <= 0 || l > uint64(len(p)-w) {
			return fmt.Errorf("%w: string %d overruns the data", ErrCorruptBlock, i)
		}
		v[i] = string(p[w : w+int(l)])
		p = p[w+int(l):]
	}
	if len(p) != 0 {
		return fmt.Errorf("%w: %d bytes after the last string", ErrCorruptBlock, len(p))
	}
	*d = Dense{dtype: String, shape: shape, data: v}
	return nil
}
