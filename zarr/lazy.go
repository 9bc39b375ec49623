package zarr

import (
	"context"
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

func init() {
	cluster.Register("zarr.read", func() cluster.Op { return &ReadOp{} })
	cluster.Register("zarr.write", func() cluster.Op { return &WriteOp{} })
}

// ErrNotAddressable reports a lazy read or write of a store that has no URL
// (a MemoryStore): its tasks could not be run by another process.
var ErrNotAddressable = errors.New("zarr: store has no URL for tasks to reopen it")

// ErrUnaligned reports a lazy store whose blocks do not cover whole Zarr
// chunks: concurrent write tasks would race on shared chunks.
var ErrUnaligned = errors.New("zarr: array blocks do not align with Zarr chunks")

// ReadOp reads one region of a Zarr array: plain data (a store URL, an
// array path, a box), so any worker that can reach the store runs it.
type ReadOp struct {
	Store  string
	Path   string
	Lo, Hi []int
}

func (*ReadOp) Kind() string { return "zarr.read" }

func (o *ReadOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	s, err := OpenStore(o.Store)
	if err != nil {
		return nil, err
	}
	if c, ok := s.(interface{ Close() error }); ok {
		defer c.Close()
	}
	a, err := OpenArray(ctx, s, o.Path, Options{Concurrency: 4})
	if err != nil {
		return nil, err
	}
	return a.Read(ctx, chunk.Box{Lo: o.Lo, Hi: o.Hi})
}

// WriteOp writes its input block into a region of a Zarr array.
type WriteOp struct {
	Store  string
	Path   string
	Lo, Hi []int
}

func (*WriteOp) Kind() string { return "zarr.write" }

func (o *WriteOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("zarr.write: %d inputs", len(in))
	}
	d, ok := in[0].(*ndarray.Dense)
	if !ok {
		return nil, fmt.Errorf("zarr.write: input is %T, not a block", in[0])
	}
	s, err := OpenStore(o.Store)
	if err != nil {
		return nil, err
	}
	a, err := OpenArray(ctx, s, o.Path, Options{Concurrency: 4})
	if err != nil {
		return nil, err
	}
	n, err := a.Write(ctx, chunk.Box{Lo: o.Lo, Hi: o.Hi}, d)
	if err != nil {
		return nil, err
	}
	return ndarray.Written{Bytes: n}, nil
}

func storeURL(s Store) (string, error) {
	if u, ok := s.(URLer); ok && u.URL() != "" {
		return u.URL(), nil
	}
	return "", fmt.Errorf("%w: %T", ErrNotAddressable, s)
}

type readLayer struct {
	url, path string
}

func (l readLayer) BlockTask(b *ndarray.Builder, a *ndarray.Array, idx []int) (cluster.Task, error) {
	box := a.Grid().BlockBox(idx)
	return cluster.Task{Op: &ReadOp{Store: l.url, Path: l.path, Lo: box.Lo, Hi: box.Hi}, Bytes: box.Size() * int64(a.DType().Size())}, nil
}

// Lazy returns the array as a lazy ndarray.Array whose read tasks reopen
// the store by URL (so remote workers read straight from shared storage).
// A zero spec uses the Zarr chunks (shards for sharded arrays); other
// specs are normalised preferring multiples of them.
func (a *Array) Lazy(spec chunk.Spec) *ndarray.Array {
	url, err := storeURL(a.store)
	if err != nil {
		return ndarray.Errored(err)
	}
	var grid *chunk.Grid
	if spec.All == nil && spec.Axes == nil {
		grid = a.grid
	} else {
		grid, err = spec.Normalize(a.meta.Shape, a.meta.DType.Size(), chunk.NormalizeOptions{Previous: a.meta.Chunks})
		if err != nil {
			return ndarray.Errored(err)
		}
	}
	mb, _ := a.meta.encodeV3()
	tok := ndarray.Token("zarr-read", url, a.path, string(mb))
	return ndarray.NewArray(a.meta.DType, grid, tok, readLayer{url: url, path: a.path})
}

// Sink returns an ndarray.Sink writing into this array; ndarray.Store with
// it writes each block by a task. Blocks must cover whole Zarr chunks (or
// reach the array's edge), as dask's to_zarr requires.
func (a *Array) Sink() (ndarray.Sink, error) {
	url, err := storeURL(a.store)
	if err != nil {
		return nil, err
	}
	return &sink{url: url, path: a.path, shape: a.meta.Shape, chunks: a.meta.Chunks, dtype: a.meta.DType}, nil
}

type sink struct {
	url, path     string
	shape, chunks []int
	dtype         ndarray.DType
}

func (s *sink) WriteOp(box chunk.Box, dt ndarray.DType) (cluster.Op, error) {
	if dt != s.dtype {
		return nil, fmt.Errorf("%w: storing %s into a %s array (AsType first)", ErrRegion, dt, s.dtype)
	}
	if box.Rank() != len(s.shape) || !chunk.BoxOf(s.shape).Contains(box) {
		return nil, fmt.Errorf("%w: block %v outside %v", ErrRegion, box, s.shape)
	}
	for i := range box.Lo {
		if box.Lo[i]%s.chunks[i] != 0 || (box.Hi[i]%s.chunks[i] != 0 && box.Hi[i] != s.shape[i]) {
			return nil, fmt.Errorf("%w: block %v vs chunks %v (rechunk to multiples of the Zarr chunks)", ErrUnaligned, box, s.chunks)
		}
	}
	return &WriteOp{Store: s.url, Path: s.path, Lo: box.Lo, Hi: box.Hi}, nil
}

// ToZarr creates an array at path shaped like x (chunks default to x's
// chunks when they are regular) and stores x into it. It returns the new
// array and the bytes written.
func ToZarr(ctx context.Context, x *ndarray.Array, s Store, path string, o CreateOptions, opts ...ndarray.ComputeOption) (*Array, int64, error) {
	if err := x.Err(); err != nil {
		return nil, 0, err
	}
	o.Shape, o.DType = x.Shape(), x.DType()
	if o.Chunks == nil && o.Shards == nil {
		if reg, ok := x.Grid().Regular(); ok {
			o.Chunks = reg
		}
	}
	if o.Chunks == nil && o.Shards != nil {
		return nil, 0, fmt.Errorf("%w: sharded ToZarr needs inner Chunks", ErrMetadata)
	}
	a, err := Create(ctx, s, path, o)
	if err != nil {
		return nil, 0, err
	}
	snk, err := a.Sink()
	if err != nil {
		return nil, 0, err
	}
	n, err := ndarray.Store(ctx, x, snk, opts...)
	return a, n, err
}
