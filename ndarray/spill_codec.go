package ndarray

// Spill encoding of blocks, for cluster.Local's SpillDir. This is the raw
// format of persisted blocks spilled to a local disk by this process: it is
// not a storage or wire format (codecs and remote workers have their own).
// The file is named spill_codec.go so that it can be reconciled with the
// value-encoding registry written for remote workers.

import (
	"encoding/binary"
	"fmt"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

const spillMagic = "TSB1"

// MarshalBinary encodes the block as "TSB1", the dtype, the rank and the
// lengths as uvarints, then the little-endian element bytes.
func (d *Dense) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+8*len(d.shape)+int(d.Nbytes()))
	b = append(b, spillMagic...)
	b = append(b, byte(d.dtype))
	b = binary.AppendUvarint(b, uint64(len(d.shape)))
	for _, n := range d.shape {
		b = binary.AppendUvarint(b, uint64(n))
	}
	if d.dtype == Bool {
		for _, v := range d.data.([]bool) {
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
		return b, nil
	}
	return append(b, d.Bytes()...), nil
}

// UnmarshalBinary decodes a block written by MarshalBinary. Malformed
// input is an ErrShape or ErrDType error, never a panic; the block size is
// bounded by the input length before anything is allocated.
func (d *Dense) UnmarshalBinary(b []byte) error {
	if len(b) < len(spillMagic)+2 || string(b[:4]) != spillMagic {
		return fmt.Errorf("%w: not a spilled block", ErrShape)
	}
	dt := DType(b[4])
	if !dt.Valid() {
		return fmt.Errorf("%w: %d", ErrDType, b[4])
	}
	p := b[5:]
	rank, n := binary.Uvarint(p)
	if n <= 0 || rank > 64 {
		return fmt.Errorf("%w: bad rank in spilled block", ErrShape)
	}
	p = p[n:]
	shape := make([]int, rank)
	for i := range shape {
		v, n := binary.Uvarint(p)
		if n <= 0 || v > 1<<40 {
			return fmt.Errorf("%w: bad length in spilled block", ErrShape)
		}
		shape[i] = int(v)
		p = p[n:]
	}
	if err := chunk.CheckShape(shape); err != nil {
		return fmt.Errorf("ndarray: %w", err)
	}
	if sz := chunk.Size(shape); sz > int64(len(p)) || sz*int64(dt.Size()) != int64(len(p)) {
		return fmt.Errorf("%w: spilled block of shape %v %s has %d data bytes", ErrShape, shape, dt, len(p))
	}
	out, err := FromBytes(dt, p, shape...)
	if err != nil {
		return err
	}
	*d = *out
	return nil
}

// DecodeSpilled decodes a spilled block: the SpillDecode of
// cluster.LocalOptions for executors that persist arrays.
func DecodeSpilled(b []byte) (cluster.Value, error) {
	d := &Dense{}
	if err := d.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return d, nil
}
