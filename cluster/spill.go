package cluster

import (
	"context"
	"encoding"
	"errors"
	"fmt"
	"os"
)

// Spilling: a Local executor with a SpillDir keeps persisted values within
// its MemoryBudget and writes the rest to files there, through the values'
// own encoding.BinaryMarshaler; SpillDecode turns the bytes back into a
// Value. The spill format is raw (the value's own bytes); SpillCompressor is
// the hook for a codec to shrink it.

// SpillCompressor compresses spilled bytes. Compress and Decompress are
// append-style (they append to dst and return it) and must be safe for
// concurrent use.
type SpillCompressor interface {
	// Compress appends the compressed src to dst and returns the extended
	// slice.
	Compress(dst, src []byte) ([]byte, error)
	// Decompress appends the bytes Compress was given to dst and returns
	// the extended slice; corrupt input is an error.
	Decompress(dst, src []byte) ([]byte, error)
}

// ErrSpill reports a value that could not be spilled or read back: one that
// does not implement encoding.BinaryMarshaler, no SpillDecode, or an IO or
// decode failure.
var ErrSpill = errors.New("cluster: spill failed")

type spillEntry struct {
	path   string
	nbytes int64
}

// spillable reports whether the executor spills at all.
func (l *Local) spillable() bool {
	return l.opts.SpillDir != "" && l.opts.SpillDecode != nil && l.opts.MemoryBudget > 0
}

// spill writes v to a new file in SpillDir.
func (l *Local) spill(k Key, v Value) (spillEntry, error) {
	m, ok := v.(encoding.BinaryMarshaler)
	if !ok {
		return spillEntry{}, fmt.Errorf("%w: %s holds %T, which is not an encoding.BinaryMarshaler", ErrSpill, k, v)
	}
	b, err := m.MarshalBinary()
	if err != nil {
		return spillEntry{}, fmt.Errorf("%w: encode %s: %v", ErrSpill, k, err)
	}
	if c := l.opts.SpillCompressor; c != nil {
		if b, err = c.Compress(nil, b); err != nil {
			return spillEntry{}, fmt.Errorf("%w: compress %s: %v", ErrSpill, k, err)
		}
	}
	f, err := os.CreateTemp(l.opts.SpillDir, "spill-*.bin")
	if err != nil {
		return spillEntry{}, fmt.Errorf("%w: %v", ErrSpill, err)
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return spillEntry{}, fmt.Errorf("%w: write %s: %v", ErrSpill, f.Name(), errors.Join(werr, cerr))
	}
	return spillEntry{path: f.Name(), nbytes: v.Nbytes()}, nil
}

// unspill reads a spilled value back.
func (l *Local) unspill(k Key, e spillEntry) (Value, error) {
	b, err := os.ReadFile(e.path)
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", ErrSpill, k, err)
	}
	if c := l.opts.SpillCompressor; c != nil {
		if b, err = c.Decompress(nil, b); err != nil {
			return nil, fmt.Errorf("%w: decompress %s: %v", ErrSpill, k, err)
		}
	}
	v, err := l.opts.SpillDecode(b)
	if err != nil {
		return nil, fmt.Errorf("%w: decode %s from %s: %v", ErrSpill, k, e.path, err)
	}
	return v, nil
}

// spillLoadOp reads a spilled persisted value inside a Run, so that loading
// is admitted by the memory budget like any task. It is local to this
// executor and never serialized.
type spillLoadOp struct {
	l *Local
	k Key
	e spillEntry
}

func (*spillLoadOp) Kind() string { return "cluster.spill-load" }
func (o *spillLoadOp) Run(ctx context.Context, _ []Value) (Value, error) {
	return o.l.unspill(o.k, o.e)
}

// SpilledBytes is the memory that the persisted values now on disk would
// hold if loaded.
func (l *Local) SpilledBytes() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var n int64
	for _, e := range l.spilled {
		n += e.nbytes
	}
	return n
}

// SpilledFiles lists the files holding spilled values (for tests and
// diagnostics).
func (l *Local) SpilledFiles() []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]string, 0, len(l.spilled))
	for _, e := range l.spilled {
		out = append(out, e.path)
	}
	return out
}
