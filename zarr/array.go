package zarr

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sync"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/codec"
	"github.com/tessera-array/tessera/ndarray"
)

// Array is a Zarr array in a store: metadata plus chunk IO. It is safe for
// concurrent use. Every write of a chunk, whole or partial
// (read-modify-write), holds that chunk's lock, and the locks are shared
// by the whole process, keyed by the store's identity and the chunk key:
// writes to one chunk through any Array values on the same store (or on
// store values opened on the same directory or URL) are ordered, so none
// undoes another. Across processes nothing is ordered: writers in other
// processes must write disjoint chunks (each chunk write is atomic, so a
// chunk is never torn, but overlapping read-modify-writes in two
// processes can lose one of the updates).
type Array struct {
	store Store
	path  string
	meta  *ArrayMeta
	grid  *chunk.Grid
	pipe  *codec.Pipeline // whole-chunk pipeline; nil when sharded
	shard *sharding
	opts  Options
	bufs  sync.Pool // *block.Dense of the chunk shape, reused across reads and writes
	encs  sync.Pool // *[]byte encode buffers
}

// Options tunes array IO.
type Options struct {
	// Concurrency is the number of chunks read or written at once by one
	// Read or Write call (default 8).
	Concurrency int
	// WriteEmptyChunks stores chunks that hold only the fill value; by
	// default they are deleted instead (zarr-python's write_empty_chunks
	// = False), so sparse arrays stay small.
	WriteEmptyChunks bool
}

// ErrNotFound reports a path with no array or group metadata.
var ErrNotFound = errors.New("zarr: no array or group at path")

// ErrRegion reports a read or write region outside the array or of the
// wrong shape or dtype.
var ErrRegion = errors.New("zarr: invalid region")

func joinKey(p, k string) string {
	if p == "" {
		return k
	}
	return p + "/" + k
}

func cleanPath(p string) (string, error) {
	if p == "" || p == "/" {
		return "", nil
	}
	c := path.Clean("/" + p)[1:]
	if err := ValidKey(c); err != nil {
		return "", err
	}
	return c, nil
}

// OpenArray opens the array at path (v3 zarr.json or v2 .zarray).
func OpenArray(ctx context.Context, s Store, p string, opts ...Options) (*Array, error) {
	p, err := cleanPath(p)
	if err != nil {
		return nil, err
	}
	m, err := readArrayMeta(ctx, s, p)
	if err != nil {
		return nil, err
	}
	return newArray(s, p, m, opts)
}

func readArrayMeta(ctx context.Context, s Store, p string) (*ArrayMeta, error) {
	key := joinKey(p, "zarr.json")
	b, err := s.Get(ctx, key)
	if err == nil {
		var z zarrJSON
		if err := json.Unmarshal(b, &z); err != nil {
			return nil, metaErr(key, "%v", err)
		}
		if z.NodeType != "array" {
			return nil, fmt.Errorf("%w: %q is a %s", ErrNotFound, p, z.NodeType)
		}
		return parseV3Array(key, &z)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key = joinKey(p, ".zarray")
	za, err := s.Get(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, p)
	}
	if err != nil {
		return nil, err
	}
	attrs, err := s.Get(ctx, joinKey(p, ".zattrs"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return parseV2Array(key, za, attrs)
}

func newArray(s Store, p string, m *ArrayMeta, opts []Options) (*Array, error) {
	a := &Array{store: s, path: p, meta: m}
	if len(opts) > 0 {
		a.opts = opts[0]
	}
	if a.opts.Concurrency <= 0 {
		a.opts.Concurrency = 8
	}
	g, err := chunk.NewRegularGrid(m.Shape, m.Chunks)
	if err != nil {
		return nil, metaErr(p, "%v", err)
	}
	a.grid = g
	spec := codec.ChunkSpec{DType: m.DType, Shape: m.Chunks}
	var codecs []codec.Codec
	if m.Format == 3 {
		if len(m.Codecs) == 1 && isSharding(m.Codecs[0]) {
			if m.DType == block.String {
				return nil, dtypeErr(p, "sharded string arrays are not supported")
			}
			sh, err := parseSharding(m.Codecs[0], spec)
			if err != nil {
				return nil, err
			}
			a.shard = sh
			return a, nil
		}
		for _, raw := range m.Codecs {
			if isSharding(raw) {
				return nil, metaErr(p, "sharding_indexed must be the only codec")
			}
			c, err := codec.ParseV3(raw)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrMetadata, p, err)
			}
			if _, ok := c.(codec.Bytes); ok && m.stringCodec() != nil {
				c = m.stringCodec() // fixed-width strings: "bytes" serialises each padded
			}
			codecs = append(codecs, c)
		}
	} else {
		if m.Order == 'F' {
			codecs = append(codecs, codec.Transpose{Reverse: true})
		}
		objectCodec := false
		for _, raw := range m.Filters {
			c, err := codec.ParseNumcodecs(raw)
			if err != nil {
				return nil, fmt.Errorf("%w: %s filters: %w", ErrMetadata, p, err)
			}
			if _, ok := c.(codec.ArrayBytesCodec); ok {
				objectCodec = true // vlen-utf8: numcodecs' object codec serialises the array
			}
			codecs = append(codecs, c)
		}
		e := codec.Little
		if m.ByteOrder == binary.BigEndian {
			e = codec.Big
		}
		switch {
		case m.Strings.Kind == block.StringObject && !objectCodec:
			return nil, dtypeErr(p, "object array (dtype \"|O\") without an object codec among its filters (vlen-utf8 is supported)")
		case m.stringCodec() != nil:
			codecs = append(codecs, m.stringCodec())
		case !objectCodec:
			codecs = append(codecs, codec.Bytes{Endian: e})
		}
		if m.Compressor != nil {
			c, err := codec.ParseNumcodecs(m.Compressor)
			if err != nil {
				return nil, fmt.Errorf("%w: %s compressor: %w", ErrMetadata, p, err)
			}
			codecs = append(codecs, c)
		}
	}
	pipe, err := codec.NewPipeline(spec, codecs...)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMetadata, p, err)
	}
	a.pipe = pipe
	return a, nil
}

// Meta returns the array's metadata (do not modify).
func (a *Array) Meta() *ArrayMeta { return a.meta }

// Shape returns the array's shape, one length per axis, in a new slice the
// caller may keep.
func (a *Array) Shape() []int { return append([]int(nil), a.meta.Shape...) }

// DType returns the array's element type: its metadata's data_type (v3)
// or dtype (v2), the type of the blocks the array reads and writes.
func (a *Array) DType() block.DType { return a.meta.DType }

// Chunks returns the chunk shape of the array's regular chunk grid, one
// length per axis, in a new slice the caller may keep. For a sharded array
// it is the shape of a shard, the unit the store holds.
func (a *Array) Chunks() []int { return append([]int(nil), a.meta.Chunks...) }

// Path is the array's path in its store.
func (a *Array) Path() string { return a.path }

// Store is the array's store.
func (a *Array) Store() Store { return a.store }

// Grid is the chunk grid (shards for sharded arrays).
func (a *Array) Grid() *chunk.Grid { return a.grid }

// ChunkKey is the store key of chunk idx.
func (a *Array) ChunkKey(idx []int) string { return joinKey(a.path, a.meta.chunkKey(idx)) }

// lock is the process-wide lock of the chunk at key (see chunkLocks).
func (a *Array) lock(key string) *sync.Mutex { return chunkLock(a.store, key) }

// getBuf returns a chunk-shaped block from the pool (contents undefined);
// putBuf gives it back. Reusing blocks avoids the cost of touching fresh
// memory for every chunk.
func (a *Array) getBuf() (*block.Dense, error) {
	if d, ok := a.bufs.Get().(*block.Dense); ok {
		return d, nil
	}
	return block.New(a.meta.DType, a.meta.Chunks...)
}

func (a *Array) putBuf(d *block.Dense) {
	if d != nil && chunk.EqualShape(d.Shape(), a.meta.Chunks) && d.DType() == a.meta.DType {
		a.bufs.Put(d)
	}
}

// fill sets d to the fill value.
func (a *Array) fill(d *block.Dense) error {
	f, err := a.meta.fillChunk([]int{1})
	if err != nil {
		return err
	}
	return d.FillFrom(f) // every dtype: strings by element, the others by doubling the byte pattern
}

// getRaw reads a stored value, into a pooled buffer when the store can;
// release gives the buffer back once the bytes are decoded.
func (a *Array) getRaw(ctx context.Context, key string) (b []byte, release func(), err error) {
	ag, ok := a.store.(AppendGetter)
	if !ok {
		b, err = a.store.Get(ctx, key)
		return b, func() {}, err
	}
	buf, _ := a.encs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	b, err = ag.GetAppend(ctx, key, (*buf)[:0])
	if err != nil {
		a.encs.Put(buf)
		return nil, nil, err
	}
	return b, func() { *buf = b; a.encs.Put(buf) }, nil
}

// readChunk returns the full-size chunk idx (fill value when missing) in
// a pooled block the caller gives back with putBuf.
func (a *Array) readChunk(ctx context.Context, idx []int) (*block.Dense, error) {
	key := a.ChunkKey(idx)
	if a.shard != nil {
		return a.shard.readShard(ctx, a, key, nil)
	}
	b, release, err := a.getRaw(ctx, key)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	d, derr := a.getBuf()
	if derr != nil {
		return nil, derr
	}
	if err != nil { // missing: the fill value
		return d, a.fill(d)
	}
	err = a.pipe.DecodeInto(d, b)
	release()
	if err != nil {
		return nil, fmt.Errorf("zarr: chunk %q: %w", key, err)
	}
	return d, nil
}

// readPiece reads the part src (chunk coordinates) of chunk idx; sharded
// arrays read only the inner chunks it touches.
func (a *Array) readPiece(ctx context.Context, idx []int, src chunk.Box) (*block.Dense, chunk.Box, error) {
	if a.shard != nil {
		d, err := a.shard.readShard(ctx, a, a.ChunkKey(idx), &src)
		return d, chunk.BoxOf(src.Shape()), err
	}
	d, err := a.readChunk(ctx, idx)
	return d, src, err
}

func (a *Array) writeChunk(ctx context.Context, idx []int, d *block.Dense) (int64, error) {
	key := a.ChunkKey(idx)
	if !a.opts.WriteEmptyChunks && a.isFill(d) {
		return 0, a.store.Delete(ctx, key)
	}
	if a.shard != nil {
		b, err := a.shard.encodeShard(a, d)
		if err != nil {
			return 0, err
		}
		if b == nil {
			return 0, a.store.Delete(ctx, key)
		}
		return int64(len(b)), a.store.Set(ctx, key, b)
	}
	buf, _ := a.encs.Get().(*[]byte)
	if buf == nil {
		b := make([]byte, 0, d.Nbytes()+d.Nbytes()/8+1024)
		buf = &b
	}
	b, err := a.pipe.Encode((*buf)[:0], d)
	if err != nil {
		return 0, fmt.Errorf("zarr: encode chunk %q: %w", key, err)
	}
	err = a.store.Set(ctx, key, b)
	*buf = b
	a.encs.Put(buf)
	return int64(len(b)), err
}

// isFill reports whether every element equals the fill value (NaN fill
// matches NaN). An undefined (v2 null) fill value matches nothing: readers
// such as zarr-python 2 give uninitialised memory for a missing chunk of
// such an array, so every chunk is stored.
func (a *Array) isFill(d *block.Dense) bool {
	if !a.meta.FillValue.Defined {
		return false
	}
	f, err := a.meta.fillChunk([]int{1})
	if err != nil {
		return false
	}
	if v, ok := d.Data().([]string); ok {
		want := block.Values[string](f)[0]
		for _, x := range v {
			if x != want {
				return false
			}
		}
		return true
	}
	es := a.meta.DType.Size()
	want := f.Bytes()
	b := d.Bytes()
	if !(a.meta.DType.IsFloat() && isNaNBytes(want)) {
		// compare 512-byte windows against the repeated fill pattern
		pat := bytes.Repeat(want, 512/es)
		for len(b) >= len(pat) {
			if !bytes.Equal(b[:len(pat)], pat) {
				return false
			}
			b = b[len(pat):]
		}
		return bytes.Equal(b, pat[:len(b)])
	}
	for i := 0; i < len(b); i += es {
		if string(b[i:i+es]) != string(want) {
			if a.meta.DType.IsFloat() && isNaNBytes(b[i:i+es]) && isNaNBytes(want) {
				continue
			}
			return false
		}
	}
	return true
}

func isNaNBytes(b []byte) bool {
	switch len(b) {
	case 2:
		v := binary.LittleEndian.Uint16(b)
		return v&0x7c00 == 0x7c00 && v&0x3ff != 0
	case 4:
		v := binary.LittleEndian.Uint32(b)
		return v&0x7f800000 == 0x7f800000 && v&0x7fffff != 0
	case 8:
		v := binary.LittleEndian.Uint64(b)
		return v&0x7ff0000000000000 == 0x7ff0000000000000 && v&0xfffffffffffff != 0
	}
	return false
}

func (a *Array) checkBox(box chunk.Box) error {
	if box.Rank() != len(a.meta.Shape) {
		return fmt.Errorf("%w: region %v for array of rank %d", ErrRegion, box, len(a.meta.Shape))
	}
	if !chunk.BoxOf(a.meta.Shape).Contains(box) {
		return fmt.Errorf("%w: region %v outside shape %v", ErrRegion, box, a.meta.Shape)
	}
	for i := range box.Lo {
		if box.Lo[i] > box.Hi[i] {
			return fmt.Errorf("%w: region %v", ErrRegion, box)
		}
	}
	return nil
}

// parallel runs f for each piece with bounded concurrency; the first error
// cancels the rest.
func (a *Array) parallel(ctx context.Context, pieces []chunk.Piece, f func(ctx context.Context, p chunk.Piece) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, a.opts.Concurrency)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, p := range pieces {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(ctx, p); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// Read returns the elements inside box, reading the chunks it touches in
// parallel. Missing chunks read as the fill value. Under an executor with
// a buffer pool (cluster.BufferPoolFrom) the result borrows its memory
// from the pool, as ndarray's blocks do, and goes back to it when the
// executor recycles the value: every element is written, so it is never
// cleared first.
func (a *Array) Read(ctx context.Context, box chunk.Box) (*block.Dense, error) {
	if err := a.checkBox(box); err != nil {
		return nil, err
	}
	var pool block.Pool
	if p := cluster.BufferPoolFrom(ctx); p != nil {
		pool = p
	}
	out, _, err := block.NewPooled(pool, a.meta.DType, box.Shape()...)
	if err != nil {
		return nil, err
	}
	pieces, err := a.grid.Intersect(box)
	if err != nil {
		return nil, err
	}
	if len(pieces) == 1 && a.shard == nil && chunk.EqualShape(box.Shape(), a.meta.Chunks) {
		// exactly one whole chunk: decode straight into the result
		key := a.ChunkKey(pieces[0].Block)
		b, release, err := a.getRaw(ctx, key)
		if errors.Is(err, fs.ErrNotExist) {
			return out, a.fill(out)
		}
		if err != nil {
			return nil, err
		}
		err = a.pipe.DecodeInto(out, b)
		release()
		if err != nil {
			return nil, fmt.Errorf("zarr: chunk %q: %w", key, err)
		}
		return out, nil
	}
	err = a.parallel(ctx, pieces, func(ctx context.Context, p chunk.Piece) error {
		if done, err := a.decodeBox(ctx, out, p); done || err != nil {
			return err
		}
		d, src, err := a.readPiece(ctx, p.Block, p.Src)
		if err != nil {
			return err
		}
		err = block.CopyBox(out, p.Dst, d, src)
		a.putBuf(d)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReadAll reads the whole array.
func (a *Array) ReadAll(ctx context.Context) (*block.Dense, error) {
	return a.Read(ctx, chunk.BoxOf(a.meta.Shape))
}

// Write stores d into region box. Chunks the region covers whole are
// encoded and written; partly covered chunks are read, updated and
// written back. Both hold the chunk's process-wide lock (see Array), so
// concurrent writes to one chunk in this process are ordered. It returns
// the bytes written.
func (a *Array) Write(ctx context.Context, box chunk.Box, d *block.Dense) (int64, error) {
	if err := a.checkBox(box); err != nil {
		return 0, err
	}
	if d.DType() != a.meta.DType {
		return 0, fmt.Errorf("%w: writing %s into %s array", ErrRegion, d.DType(), a.meta.DType)
	}
	if !chunk.EqualShape(d.Shape(), box.Shape()) {
		return 0, fmt.Errorf("%w: block %v for region %v", ErrRegion, d.Shape(), box)
	}
	pieces, err := a.grid.Intersect(box)
	if err != nil {
		return 0, err
	}
	var mu sync.Mutex
	var total int64
	err = a.parallel(ctx, pieces, func(ctx context.Context, p chunk.Piece) error {
		bb := a.grid.BlockBox(p.Block)
		whole := chunk.EqualShape(p.Src.Shape(), bb.Shape())
		var c *block.Dense
		var err error
		// Whole writes take the lock too: otherwise a concurrent
		// read-modify-write of this chunk could write the contents it
		// read before this write back over it.
		l := a.lock(a.ChunkKey(p.Block))
		l.Lock()
		defer l.Unlock()
		if whole {
			if c, err = a.getBuf(); err == nil && !chunk.EqualShape(p.Src.Shape(), a.meta.Chunks) {
				err = a.fill(c) // edge chunk: the padding holds the fill value
			}
		} else {
			c, err = a.readChunk(ctx, p.Block)
		}
		if err != nil {
			return err
		}
		defer a.putBuf(c)
		if err := block.CopyBox(c, p.Src, d, p.Dst); err != nil {
			return err
		}
		n, err := a.writeChunk(ctx, p.Block, c)
		mu.Lock()
		total += n
		mu.Unlock()
		return err
	})
	return total, err
}

// WriteAll writes a block covering the whole array.
func (a *Array) WriteAll(ctx context.Context, d *block.Dense) (int64, error) {
	return a.Write(ctx, chunk.BoxOf(a.meta.Shape), d)
}

// withShape is a view of the array as if its metadata had the given shape
// (same rank), sharing the codecs; the store's metadata is not touched.
func (a *Array) withShape(shape []int) (*Array, error) {
	if len(shape) != len(a.meta.Shape) {
		return nil, fmt.Errorf("%w: shape %v for an array of rank %d", ErrRegion, shape, len(a.meta.Shape))
	}
	if err := chunk.CheckShape(shape); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRegion, err)
	}
	g, err := chunk.NewRegularGrid(shape, a.meta.Chunks)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRegion, err)
	}
	m := *a.meta
	m.Shape = append([]int(nil), shape...)
	return &Array{store: a.store, path: a.path, meta: &m, grid: g, pipe: a.pipe, shard: a.shard, opts: a.opts}, nil
}

// regionSink writes blocks of a lazy array placed at lo in an array that
// has (or is being grown to) shape.
type regionSink struct {
	spec  ArraySpec
	lo    []int
	shape []int
	grow  bool // shape is the grown shape (WriteOp.Shape)
	dtype block.DType
	keep  Store // keeps a MemoryStore alive while the sink is
}

// String names the sink by its spec, origin and shape (ndarray.Store
// derives task keys from it).
func (s *regionSink) String() string {
	return fmt.Sprintf("zarr.region %s at %v of %v", s.spec.key(), s.lo, s.shape)
}

// WriteOp returns the write task's op of the block covering box of the
// lazy array (x's coordinates), placed at the sink's origin.
func (s *regionSink) WriteOp(box chunk.Box, dt block.DType) (cluster.Op, error) {
	if dt != s.dtype {
		return nil, fmt.Errorf("%w: storing %s into a %s array (AsType first)", ErrRegion, dt, s.dtype)
	}
	if box.Rank() != len(s.shape) {
		return nil, fmt.Errorf("%w: block %v for rank %d", ErrRegion, box, len(s.shape))
	}
	lo, hi := make([]int, box.Rank()), make([]int, box.Rank())
	for i := range lo {
		lo[i], hi[i] = box.Lo[i]+s.lo[i], box.Hi[i]+s.lo[i]
	}
	if !chunk.BoxOf(s.shape).Contains(chunk.Box{Lo: lo, Hi: hi}) {
		return nil, fmt.Errorf("%w: block %v at %v outside %v", ErrRegion, box, s.lo, s.shape)
	}
	op := &WriteOp{Array: s.spec, Lo: lo, Hi: hi}
	if s.grow {
		op.Shape = append([]int(nil), s.shape...)
	}
	return op, nil
}

// regionTarget returns x, rechunked so that no two of its blocks touch
// one chunk once placed at lo (blocks start and end on chunk boundaries
// except at the region's edges, whose partly covered chunks are
// read-modify-written under their locks by the one task that touches
// them), and the sink that writes it into an array of the given shape.
func (a *Array) regionTarget(x *ndarray.Array, lo, shape []int, grow bool) (ndarray.StoreTarget, error) {
	if x == nil {
		return ndarray.StoreTarget{}, fmt.Errorf("%w: nil array for %q", ErrRegion, a.path)
	}
	if err := x.Err(); err != nil {
		return ndarray.StoreTarget{}, err
	}
	if x.DType() != a.meta.DType {
		return ndarray.StoreTarget{}, fmt.Errorf("%w: writing %s into %q, a %s array (AsType or pack first)", ErrRegion, x.DType(), a.path, a.meta.DType)
	}
	xs := x.Shape()
	if len(xs) != len(shape) || len(lo) != len(shape) {
		return ndarray.StoreTarget{}, fmt.Errorf("%w: region of shape %v at %v in %q of rank %d", ErrRegion, xs, lo, a.path, len(shape))
	}
	for i := range xs {
		if lo[i] < 0 || lo[i] > shape[i] || xs[i] > shape[i]-lo[i] {
			return ndarray.StoreTarget{}, fmt.Errorf("%w: region of shape %v at %v outside %v of %q", ErrRegion, xs, lo, shape, a.path)
		}
	}
	spec, err := a.Spec()
	if err != nil {
		return ndarray.StoreTarget{}, err
	}
	chunks := a.meta.Chunks
	if !aligned(x.Grid(), lo, shape, chunks) {
		x = x.Rechunk(chunk.Explicit(cutAtChunks(x.Grid().MaxChunkShape(), lo, xs, chunks)...))
		if err := x.Err(); err != nil {
			return ndarray.StoreTarget{}, err
		}
	}
	return ndarray.StoreTarget{Array: x, Sink: &regionSink{spec: spec, lo: append([]int(nil), lo...), shape: append([]int(nil), shape...),
		grow: grow, dtype: a.meta.DType, keep: a.store}}, nil
}

// cutAtChunks gives per-axis block sizes for a region of shape xs at lo
// that end on chunk boundaries of the target (or the region's end): each
// block spans the whole chunks that fit in the current block size (at
// least one chunk).
func cutAtChunks(cur, lo, xs, chunks []int) [][]int {
	sizes := make([][]int, len(xs))
	for ax := range xs {
		c := chunks[ax]
		step := max(c, (cur[ax]/c)*c)
		end := lo[ax] + xs[ax]
		var s []int
		for p := lo[ax]; p < end; {
			e := min((p/c)*c+step, end) // first block may start inside a chunk
			s = append(s, e-p)
			p = e
		}
		if len(s) == 0 {
			s = []int{0}
		}
		sizes[ax] = s
	}
	return sizes
}

// WriteRegion computes the lazy array x and writes it into the region of
// the array starting at lo (x's shape long on every axis), as xarray's
// to_zarr(region=...) does, in one graph run with the options. The region
// need not be aligned to the chunks: x is rechunked so that each chunk is
// written by one task, and a chunk the region covers in part is read,
// updated and written back under its lock (so a concurrent writer of the
// rest of that chunk in this process is not undone). It returns the bytes
// written. A region outside the array, or x of another dtype, is an error
// wrapping ErrRegion before anything is written.
func (a *Array) WriteRegion(ctx context.Context, lo []int, x *ndarray.Array, opts ...ndarray.ComputeOption) (int64, error) {
	t, err := a.regionTarget(x, lo, a.meta.Shape, false)
	if err != nil {
		return 0, err
	}
	n, err := ndarray.StoreMany(ctx, []ndarray.StoreTarget{t}, opts...)
	if err != nil {
		return 0, err
	}
	return n[0], nil
}

// appendTarget checks an append of x along axis and returns its target
// and the grown shape.
func (a *Array) appendTarget(axis int, x *ndarray.Array) (ndarray.StoreTarget, []int, error) {
	shape := a.Shape()
	if axis < 0 {
		axis += len(shape)
	}
	if x == nil {
		return ndarray.StoreTarget{}, nil, fmt.Errorf("%w: append of a nil array to %q", ErrRegion, a.path)
	}
	if err := x.Err(); err != nil {
		return ndarray.StoreTarget{}, nil, err
	}
	xs := x.Shape()
	if axis < 0 || axis >= len(shape) || len(xs) != len(shape) {
		return ndarray.StoreTarget{}, nil, fmt.Errorf("%w: append of %v along axis %d to %v of %q", ErrRegion, xs, axis, shape, a.path)
	}
	for i := range shape {
		if i != axis && xs[i] != shape[i] {
			return ndarray.StoreTarget{}, nil, fmt.Errorf("%w: append of %v along axis %d to %v of %q", ErrRegion, xs, axis, shape, a.path)
		}
	}
	if xs[axis] > math.MaxInt-shape[axis] {
		return ndarray.StoreTarget{}, nil, fmt.Errorf("%w: append of %d to %d along axis %d of %q overflows", ErrRegion, xs[axis], shape[axis], axis, a.path)
	}
	lo := make([]int, len(shape))
	lo[axis] = shape[axis]
	grown := append([]int(nil), shape...)
	grown[axis] += xs[axis]
	if err := chunk.CheckShape(grown); err != nil {
		return ndarray.StoreTarget{}, nil, fmt.Errorf("%w: %w", ErrRegion, err)
	}
	t, err := a.regionTarget(x, lo, grown, true)
	return t, grown, err
}

// AppendLazy grows the array along axis by x's extent there and writes
// the lazy array x into the new region, as xarray's
// to_zarr(append_dim=...) does, in one graph run with the options. The
// data are written first and the metadata (the new shape) only after all
// of them, so a failure or crash part-way leaves the array readable with
// its old shape. x must match the array's dtype and its other axes. It
// returns the bytes written.
func (a *Array) AppendLazy(ctx context.Context, axis int, x *ndarray.Array, opts ...ndarray.ComputeOption) (int64, error) {
	t, grown, err := a.appendTarget(axis, x)
	if err != nil {
		return 0, err
	}
	n, err := ndarray.StoreMany(ctx, []ndarray.StoreTarget{t}, opts...)
	if err != nil {
		return 0, err
	}
	if err := a.Resize(ctx, grown); err != nil {
		return n[0], err
	}
	return n[0], nil
}
