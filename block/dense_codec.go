package block

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The wire form of a Dense block, used when blocks move between processes
// (remote workers, spill files):
//
//	"TDN1"            magic
//	dtype             one byte (DType)
//	rank              uvarint, at most MaxWireRank
//	shape             rank uvarints
//	data              the elements, little-endian, C order (Bool as 0/1 bytes)
//
// The data length must equal the shape's byte size exactly.

// MaxWireRank bounds the rank of a decoded block.
const MaxWireRank = 64

// ErrCorruptBlock reports bytes that are not a valid encoded block.
var ErrCorruptBlock = errors.New("block: corrupt encoded block")

var denseMagic = [4]byte{'T', 'D', 'N', '1'}

// MarshalBinary encodes the block (see the wire form above). It never fails
// for a valid block.
func (d *Dense) MarshalBinary() ([]byte, error) {
	body := d.Bytes()
	out := make([]byte, 0, 6+binary.MaxVarintLen64*(1+len(d.shape))+len(body))
	out = append(out, denseMagic[:]...)
	out = append(out, byte(d.dtype))
	out = binary.AppendUvarint(out, uint64(len(d.shape)))
	for _, n := range d.shape {
		out = binary.AppendUvarint(out, uint64(n))
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
