package zarr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

func init() {
	cluster.Register("zarr.read", func() cluster.Op { return &ReadOp{} })
	cluster.Register("zarr.write", func() cluster.Op { return &WriteOp{} })
}

// ErrNotAddressable reports a lazy read or write of a store that tasks
// cannot reopen: a store with neither a Spec nor a URL, or a memory store
// that belongs to another process (a remote worker's tasks) or no longer
// exists. The error text names the store.
var ErrNotAddressable = errors.New("zarr: store cannot be reopened by tasks")

// ErrUnaligned reports a lazy store whose blocks do not cover whole Zarr
// chunks: concurrent write tasks would race on shared chunks.
var ErrUnaligned = errors.New("zarr: array blocks do not align with Zarr chunks")

// ArraySpec names an array for a task: the store it lives in (with the
// store's options), its path, the token of the metadata the task was built
// against, and the array options (Options.WriteEmptyChunks holds in write
// tasks). It is plain data that JSON and gob encode.
//
// Tasks open the array through a bounded per-process cache keyed by the
// whole spec, so the metadata is read once per process, not once per
// block. A process opening the array afresh whose metadata no longer has
// the spec's token (the array was appended to or rewritten since) runs the
// task on the current metadata, uncached; the region is checked against
// it. Metadata rewritten by another process while a cached entry lives is
// not seen until the entry is evicted: build new graphs after changing an
// array, as with dask's cached zarr metadata.
type ArraySpec struct {
	Store   StoreSpec
	Path    string
	Meta    string // metadata token (metaToken); "" opens uncached
	Options Options
}

// key is the spec's canonical form.
func (s ArraySpec) key() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Spec describes the array for tasks: its store's spec (an error wrapping
// ErrNotAddressable when the store has none), path, metadata token and
// options.
func (a *Array) Spec() (ArraySpec, error) {
	ss, err := SpecOf(a.store)
	if err != nil {
		return ArraySpec{}, err
	}
	tok, err := metaToken(a.meta)
	if err != nil {
		return ArraySpec{}, err
	}
	return ArraySpec{Store: ss, Path: a.path, Meta: tok, Options: a.opts}, nil
}

// metaToken identifies an array's metadata in its own format's encoding.
func metaToken(m *ArrayMeta) (string, error) {
	if m.Format == 3 {
		b, err := m.encodeV3()
		if err != nil {
			return "", err
		}
		return ndarray.Token("zarr-meta", "3", string(b)), nil
	}
	za, zattrs, err := m.encodeV2()
	if err != nil {
		return "", err
	}
	return ndarray.Token("zarr-meta", "2", string(za), string(zattrs)), nil
}

// opBox checks a task's region: lo and hi of one rank (the array checks the
// rest).
func opBox(kind string, a ArraySpec, lo, hi []int) (chunk.Box, error) {
	if len(lo) != len(hi) {
		return chunk.Box{}, fmt.Errorf("%w: %s of %q: lo %v and hi %v differ in rank", ErrRegion, kind, a.Path, lo, hi)
	}
	return chunk.Box{Lo: lo, Hi: hi}, nil
}

// ReadOp reads one region of a Zarr array: plain data (an ArraySpec and a
// box), so any worker that can reach the store runs it.
type ReadOp struct {
	Array  ArraySpec
	Lo, Hi []int
}

// Kind is "zarr.read", the name the package registers the op under with
// cluster.Register, so a graph naming it decodes on any worker.
func (*ReadOp) Kind() string { return "zarr.read" }

// Run reads the region through the process's cache of open arrays.
func (o *ReadOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	box, err := opBox("zarr.read", o.Array, o.Lo, o.Hi)
	if err != nil {
		return nil, err
	}
	a, release, err := taskArrays.acquire(ctx, o.Array)
	if err != nil {
		return nil, err
	}
	defer release()
	return a.Read(ctx, box)
}

// WriteOp writes its input block into a region of a Zarr array.
//
// Shape, when set, is the shape the array is being grown to (a lazy
// Append): the block is written as if the metadata already had that
// shape, and the metadata is rewritten only after every block is stored,
// so a crash part-way leaves the old shape readable.
type WriteOp struct {
	Array  ArraySpec
	Lo, Hi []int
	Shape  []int `json:",omitempty"`
}

// Kind is "zarr.write", the name the package registers the op under with
// cluster.Register, so a graph naming it decodes on any worker.
func (*WriteOp) Kind() string { return "zarr.write" }

// Run writes the block through the process's cache of open arrays, with
// the spec's store and array options.
func (o *WriteOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("zarr.write: %d inputs", len(in))
	}
	d, ok := in[0].(*block.Dense)
	if !ok {
		return nil, fmt.Errorf("zarr.write: input is %T, not a block", in[0])
	}
	box, err := opBox("zarr.write", o.Array, o.Lo, o.Hi)
	if err != nil {
		return nil, err
	}
	a, release, err := taskArrays.acquire(ctx, o.Array)
	if err != nil {
		return nil, err
	}
	defer release()
	if o.Shape != nil && !chunk.EqualShape(o.Shape, a.meta.Shape) {
		if a, err = a.withShape(o.Shape); err != nil {
			return nil, fmt.Errorf("zarr.write of %q: %w", o.Array.Path, err)
		}
	}
	n, err := a.Write(ctx, box, d)
	if err != nil {
		return nil, err
	}
	return ndarray.Written{Bytes: n}, nil
}

// readLayer plans one ReadOp per block of a lazy Zarr array. off is where
// the lazy array starts in the stored one (nil: at the origin): a Subset
// moves it, so a selection's tasks read only their part of the chunks.
type readLayer struct {
	spec ArraySpec
	keep Store // keeps a MemoryStore alive while the lazy array is
	off  []int
}

var _ ndarray.SubsetLayer = readLayer{}

func (l readLayer) BlockTask(b *ndarray.Builder, a *ndarray.Array, idx []int) (cluster.Task, error) {
	box := a.Grid().BlockBox(idx)
	if l.off != nil {
		if len(l.off) != box.Rank() {
			return cluster.Task{}, fmt.Errorf("%w: zarr read of %q: offset %v for a block of rank %d", ErrRegion, l.spec.Path, l.off, box.Rank())
		}
		for i, o := range l.off {
			box.Lo[i] += o
			box.Hi[i] += o
		}
	}
	return cluster.Task{Op: &ReadOp{Array: l.spec, Lo: box.Lo, Hi: box.Hi}, Bytes: box.Size() * int64(a.DType().Size())}, nil
}

// Subset implements ndarray.SubsetLayer: the part box of the lazy array
// is read by tasks whose regions are the parts of its blocks inside box,
// so a read of part of a chunk decodes only what the part needs (the
// Blosc blocks holding it, see Array.Read) and holds no chunk-sized
// buffer.
func (l readLayer) Subset(a *ndarray.Array, box chunk.Box, grid *chunk.Grid) (ndarray.Layer, bool) {
	if box.Rank() != a.Rank() || (l.off != nil && len(l.off) != box.Rank()) {
		return nil, false
	}
	off := make([]int, box.Rank())
	for i := range off {
		off[i] = box.Lo[i]
		if l.off != nil {
			off[i] += l.off[i]
		}
	}
	return readLayer{spec: l.spec, keep: l.keep, off: off}, true
}

// Lazy returns the array as a lazy ndarray.Array whose read tasks reopen
// the store from its spec, options included (so remote workers read
// straight from shared storage; a MemoryStore's tasks run on the local
// executor).
//
// The spec is normalised with the Zarr chunks (shards for sharded arrays)
// as the source chunks, at chunk.DefaultAutoBytes: the zero spec, like
// chunk.Auto(), gives whole multiples of them up to the byte target and
// exactly them where one chunk already exceeds it (xarray's
// open_zarr(chunks="auto")); chunk.Native() gives exactly the Zarr
// chunks, one read task per chunk (or shard).
func (a *Array) Lazy(spec chunk.Spec) *ndarray.Array {
	as, err := a.Spec()
	if err != nil {
		return ndarray.Errored(err)
	}
	grid, err := spec.Normalize(a.meta.Shape, a.meta.DType.Size(), chunk.NormalizeOptions{Previous: a.meta.Chunks})
	if err != nil {
		return ndarray.Errored(fmt.Errorf("zarr: array %q: %w", as.Path, err))
	}
	if grid.Equal(a.grid) {
		grid = a.grid
	}
	return ndarray.NewArray(a.meta.DType, grid, ndarray.Token("zarr-read", as.key()), readLayer{spec: as, keep: a.store})
}

// Sink returns an ndarray.Sink writing into this array; ndarray.Store with
// it writes each block by a task that reopens the store from its spec, with
// the store's options and this Array's Options. Blocks must cover whole
// Zarr chunks (or reach the array's edge), as dask's to_zarr requires.
func (a *Array) Sink() (ndarray.Sink, error) {
	as, err := a.Spec()
	if err != nil {
		return nil, err
	}
	return &sink{spec: as, shape: a.meta.Shape, chunks: a.meta.Chunks, dtype: a.meta.DType, keep: a.store}, nil
}

type sink struct {
	spec          ArraySpec
	shape, chunks []int
	dtype         block.DType
	keep          Store // keeps a MemoryStore alive while the sink is
}

// String names the sink by its spec (ndarray.Store derives task keys from
// it).
func (s *sink) String() string { return "zarr.sink " + s.spec.key() }

func (s *sink) WriteOp(box chunk.Box, dt block.DType) (cluster.Op, error) {
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
	return &WriteOp{Array: s.spec, Lo: box.Lo, Hi: box.Hi}, nil
}

// ToZarr creates an array at path shaped like x and stores x into it. It
// returns the new array and the bytes written. Chunks default to x's
// chunks when they are regular, else to x's largest chunk on each axis;
// x is rechunked (RegularChunks) to blocks covering whole Zarr chunks (or
// shards) before any metadata is written, so an irregular or misaligned
// x is never refused after the array exists. The fill value is
// o.FillValue (nil: none, see CreateOptions.FillValue).
func ToZarr(ctx context.Context, x *ndarray.Array, s Store, path string, o CreateOptions, opts ...ndarray.ComputeOption) (*Array, int64, error) {
	if x == nil {
		return nil, 0, fmt.Errorf("%w: ToZarr of a nil array", ErrRegion)
	}
	if err := x.Err(); err != nil {
		return nil, 0, err
	}
	if s == nil {
		return nil, 0, fmt.Errorf("%w: ToZarr into a nil store", ErrRegion)
	}
	o.Shape, o.DType = x.Shape(), x.DType()
	if o.Chunks == nil && o.Shards != nil {
		return nil, 0, fmt.Errorf("%w: sharded ToZarr needs inner Chunks", ErrMetadata)
	}
	objects := o.Chunks // the stored objects the blocks must cover
	if o.Shards != nil {
		objects = o.Shards
	}
	x, objects, err := RegularChunks(x, objects)
	if err != nil {
		return nil, 0, err
	}
	if o.Shards != nil {
		o.Shards = objects
	} else {
		o.Chunks = objects
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
