package ndarray

import "github.com/tessera-array/tessera/cluster"

// DecodeSpilled decodes a block spilled to disk by cluster.Local (the
// SpillDecode of cluster.LocalOptions for executors that persist arrays).
// Spill files use the block's wire form (MarshalBinary); malformed input is
// an error wrapping ErrCorruptBlock, never a panic.
func DecodeSpilled(b []byte) (cluster.Value, error) {
	d := &Dense{}
	if err := d.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return d, nil
}
