package zarr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/codec"
)

// sharding is the Zarr v3 sharding_indexed codec: a shard (the stored
// chunk) holds inner chunks encoded independently, plus an index of
// (offset, nbytes) uint64 pairs, 2^64-1 for an empty inner chunk. Reads of
// part of a shard fetch only the index and the inner chunks they need when
// the store can read byte ranges.
type sharding struct {
	shardShape []int
	inner      []int
	grid       *chunk.Grid // inner chunks within one shard
	innerPipe  *codec.Pipeline
	indexPipe  *codec.Pipeline
	indexSpec  codec.ChunkSpec
	atEnd      bool
	indexSize  int
}

const emptyInner = math.MaxUint64

func isSharding(raw json.RawMessage) bool {
	var h struct {
		Name string `json:"name"`
	}
	return json.Unmarshal(raw, &h) == nil && h.Name == "sharding_indexed"
}

func parseSharding(raw json.RawMessage, spec codec.ChunkSpec) (*sharding, error) {
	var entry struct {
		Name          string `json:"name"`
		Configuration struct {
			ChunkShape    []int             `json:"chunk_shape"`
			Codecs        []json.RawMessage `json:"codecs"`
			IndexCodecs   []json.RawMessage `json:"index_codecs"`
			IndexLocation string            `json:"index_location"`
		} `json:"configuration"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&entry); err != nil {
		return nil, metaErr("sharding_indexed", "%v", err)
	}
	c := entry.Configuration
	const field = "sharding_indexed.configuration.chunk_shape"
	if len(c.ChunkShape) != len(spec.Shape) {
		return nil, metaErr("sharding_indexed", "inner chunk_shape %v for shard %v", c.ChunkShape, spec.Shape)
	}
	n := make([]int, len(spec.Shape))
	inner := int64(1) // inner chunks per shard, checked
	for i := range n {
		if c.ChunkShape[i] <= 0 || spec.Shape[i]%c.ChunkShape[i] != 0 {
			return nil, metaErr("sharding_indexed", "inner chunks %v do not divide shard %v", c.ChunkShape, spec.Shape)
		}
		n[i] = spec.Shape[i] / c.ChunkShape[i]
		if inner > math.MaxInt64/int64(n[i]) {
			return nil, metaErr("sharding_indexed", "%s %v: shard %v holds more than 2^63 inner chunks", field, c.ChunkShape, spec.Shape)
		}
		inner *= int64(n[i])
	}
	if _, err := blockBytes("sharding_indexed", field, c.ChunkShape, spec.DType); err != nil {
		return nil, err
	}
	// The index is two uint64 per inner chunk and is decoded as one block.
	if inner > block.MaxBlockBytes/16 {
		return nil, metaErr("sharding_indexed", "%s %v: shard %v holds %d inner chunks, an index of %d bytes, over %d (use larger inner chunks)",
			field, c.ChunkShape, spec.Shape, inner, satMul64(inner, 16), int64(block.MaxBlockBytes))
	}
	s := &sharding{shardShape: spec.Shape, inner: c.ChunkShape, atEnd: true}
	switch c.IndexLocation {
	case "", "end":
	case "start":
		s.atEnd = false
	default:
		return nil, metaErr("sharding_indexed", "index_location %q", c.IndexLocation)
	}
	g, err := chunk.NewRegularGrid(spec.Shape, c.ChunkShape)
	if err != nil {
		return nil, metaErr("sharding_indexed", "%v", err)
	}
	s.grid = g
	build := func(list []json.RawMessage, sp codec.ChunkSpec, what string) (*codec.Pipeline, error) {
		var cs []codec.Codec
		for _, r := range list {
			if isSharding(r) {
				return nil, metaErr("sharding_indexed", "nested sharding is not supported")
			}
			cc, err := codec.ParseV3(r)
			if err != nil {
				return nil, fmt.Errorf("%w: sharding_indexed %s: %w", ErrMetadata, what, err)
			}
			cs = append(cs, cc)
		}
		p, err := codec.NewPipeline(sp, cs...)
		if err != nil {
			return nil, fmt.Errorf("%w: sharding_indexed %s: %w", ErrMetadata, what, err)
		}
		return p, nil
	}
	if s.innerPipe, err = build(c.Codecs, codec.ChunkSpec{DType: spec.DType, Shape: c.ChunkShape}, "codecs"); err != nil {
		return nil, err
	}
	s.indexSpec = codec.ChunkSpec{DType: block.Uint64, Shape: append(append([]int(nil), n...), 2)}
	ic := c.IndexCodecs
	if ic == nil {
		ic = []json.RawMessage{json.RawMessage(`{"name":"bytes","configuration":{"endian":"little"}}`), json.RawMessage(`{"name":"crc32c"}`)}
	}
	if s.indexPipe, err = build(ic, s.indexSpec, "index_codecs"); err != nil {
		return nil, err
	}
	if s.indexSize, err = indexSize(ic, s.indexSpec, inner, build); err != nil {
		return nil, err
	}
	return s, nil
}

// indexProbeMax is the largest index encoded whole to learn its size;
// larger ones are measured on two small indexes of the same codecs.
const indexProbeMax = 1 << 20

// indexSize is the encoded size of a shard index of spec (inner chunks),
// found by encoding an index: the real one when small, else two one- and
// two-chunk indexes whose difference must be the 16 bytes of a chunk (the
// spec's fixed-size index codecs) — so opening never allocates a huge probe.
func indexSize(ic []json.RawMessage, spec codec.ChunkSpec, inner int64, build func([]json.RawMessage, codec.ChunkSpec, string) (*codec.Pipeline, error)) (int, error) {
	encodedLen := func(sp codec.ChunkSpec) (int, error) {
		p, err := build(ic, sp, "index_codecs")
		if err != nil {
			return 0, err
		}
		probe, err := block.New(block.Uint64, sp.Shape...)
		if err != nil {
			return 0, fmt.Errorf("%w: sharding_indexed index %v: %w", ErrMetadata, sp.Shape, err)
		}
		enc, err := p.Encode(nil, probe)
		if err != nil {
			return 0, fmt.Errorf("%w: sharding_indexed index: %w", ErrMetadata, err)
		}
		return len(enc), nil
	}
	if inner*16 <= indexProbeMax {
		return encodedLen(spec)
	}
	r := len(spec.Shape) - 1
	one := make([]int, r+1)
	for i := range one {
		one[i] = 1
	}
	one[r] = 2
	two := append([]int(nil), one...)
	two[0] = 2
	e1, err := encodedLen(codec.ChunkSpec{DType: spec.DType, Shape: one})
	if err != nil {
		return 0, err
	}
	e2, err := encodedLen(codec.ChunkSpec{DType: spec.DType, Shape: two})
	if err != nil {
		return 0, err
	}
	if e2-e1 != 16 {
		return 0, metaErr("sharding_indexed", "index_codecs are not fixed-size (%d and %d bytes for 1 and 2 inner chunks)", e1, e2)
	}
	return e1 + int(16*(inner-1)), nil
}

func satMul64(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

// ErrCorruptShard reports a shard whose index does not fit its bytes.
var ErrCorruptShard = errors.New("zarr: corrupt shard")

func (s *sharding) decodeIndex(key string, b []byte) ([]uint64, error) {
	if len(b) != s.indexSize {
		return nil, fmt.Errorf("%w: %q: index of %d bytes, want %d", ErrCorruptShard, key, len(b), s.indexSize)
	}
	d, err := s.indexPipe.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %q index: %w", ErrCorruptShard, key, err)
	}
	return block.Values[uint64](d), nil
}

// maxShardAttempts bounds how often a partial shard read starts over
// when the shard was replaced between its index and its chunks
// (ErrValueChanged).
const maxShardAttempts = 5

// readShard reads a shard; with src set, only the region src of it, and
// it returns the block and the box within it that holds src.
//
// Every read sees one generation of the shard: a whole shard is one Get;
// a partial read takes the index and the inner chunks from one
// RangeReader (openRanges), and starts over, up to maxShardAttempts
// times, when the reader reports that the shard changed under it.
func (s *sharding) readShard(ctx context.Context, a *Array, key string, src *chunk.Box) (*block.Dense, error) {
	region := chunk.BoxOf(s.shardShape)
	if src != nil {
		region = *src
	}
	out, err := a.meta.fillChunk(region.Shape())
	if err != nil {
		return nil, err
	}
	if src == nil {
		whole, err := a.store.Get(ctx, key)
		if errors.Is(err, fs.ErrNotExist) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if err := s.decodeRegion(ctx, &wholeRanges{key: key, b: whole}, key, region, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	for attempt := 1; ; attempt++ {
		rr, err := openRanges(ctx, a.store, key)
		if errors.Is(err, fs.ErrNotExist) {
			return out, nil
		}
		if err == nil {
			err = s.decodeRegion(ctx, rr, key, region, out)
			rr.Close()
		}
		if errors.Is(err, fs.ErrNotExist) {
			return out, a.fill(out) // deleted before its first byte was read
		}
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, ErrValueChanged) {
			return nil, err
		}
		if attempt == maxShardAttempts || ctx.Err() != nil {
			return nil, fmt.Errorf("zarr: shard %q changed during each of %d reads: %w", key, attempt, err)
		}
		if err := a.fill(out); err != nil { // the next attempt starts from the fill value
			return nil, err
		}
	}
}

// decodeRegion reads the index of the shard key through rr, then the
// inner chunks that region touches, into out (region coordinates).
func (s *sharding) decodeRegion(ctx context.Context, rr RangeReader, key string, region chunk.Box, out *block.Dense) error {
	off := int64(-s.indexSize)
	if !s.atEnd {
		off = 0
	}
	ib, err := rr.ReadRange(ctx, off, int64(s.indexSize))
	if errors.Is(err, ErrRange) {
		return fmt.Errorf("%w: %q is shorter than its index: %w", ErrCorruptShard, key, err)
	}
	if err != nil {
		return err
	}
	index, err := s.decodeIndex(key, ib)
	if err != nil {
		return err
	}
	pieces, err := s.grid.Intersect(region)
	if err != nil {
		return err
	}
	for _, p := range pieces {
		lin := s.grid.Linear(p.Block)
		off, n := index[2*lin], index[2*lin+1]
		if off == emptyInner && n == emptyInner {
			continue
		}
		if off > math.MaxInt64/2 || n > math.MaxInt64/2 {
			return fmt.Errorf("%w: %q inner chunk %v at %d+%d", ErrCorruptShard, key, p.Block, off, n)
		}
		enc, err := rr.ReadRange(ctx, int64(off), int64(n))
		if errors.Is(err, ErrRange) {
			return fmt.Errorf("%w: %q inner chunk %v: %w", ErrCorruptShard, key, p.Block, err)
		}
		if err != nil {
			return err
		}
		d, err := s.innerPipe.Decode(enc)
		if err != nil {
			return fmt.Errorf("zarr: shard %q inner chunk %v: %w", key, p.Block, err)
		}
		// p.Dst is in region coordinates: exactly out's coordinates.
		if err := block.CopyBox(out, p.Dst, d, p.Src); err != nil {
			return err
		}
	}
	return nil
}

// encodeShard encodes a full shard; it returns nil when every inner chunk
// holds only the fill value (the shard is then deleted).
func (s *sharding) encodeShard(a *Array, d *block.Dense) ([]byte, error) {
	index, err := block.New(block.Uint64, s.indexSpec.Shape...)
	if err != nil {
		return nil, fmt.Errorf("zarr: shard index: %w", err)
	}
	iv := block.Values[uint64](index)
	var body []byte
	any := false
	base := uint64(0)
	if !s.atEnd {
		base = uint64(s.indexSize)
	}
	for idx := range s.grid.Blocks() {
		lin := s.grid.Linear(idx)
		sub, err := d.SubBlock(s.grid.BlockBox(idx))
		if err != nil {
			return nil, err
		}
		if !a.opts.WriteEmptyChunks && a.isFill(sub) {
			iv[2*lin], iv[2*lin+1] = emptyInner, emptyInner
			continue
		}
		start := len(body)
		body, err = s.innerPipe.Encode(body, sub)
		if err != nil {
			return nil, fmt.Errorf("zarr: encode inner chunk %v: %w", idx, err)
		}
		iv[2*lin], iv[2*lin+1] = base+uint64(start), uint64(len(body)-start)
		any = true
	}
	if !any {
		return nil, nil
	}
	ib, err := s.indexPipe.Encode(nil, index)
	if err != nil {
		return nil, err
	}
	if s.atEnd {
		return append(body, ib...), nil
	}
	return append(ib, body...), nil
}
