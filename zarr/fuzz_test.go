package zarr

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/codec"
)

// FuzzParseMetadata feeds arbitrary .zarray and zarr.json documents to the
// parsers and, when they parse, opens the array and reads a chunk that is
// missing: nothing may panic, and every failure must be ErrMetadata or
// another error, never a crash.
func FuzzParseMetadata(f *testing.F) {
	seeds := []string{
		`{"zarr_format":2,"shape":[10,10],"chunks":[5,5],"dtype":"<f8","compressor":{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0},"fill_value":"NaN","order":"C","filters":null,"dimension_separator":"/"}`,
		`{"zarr_format":2,"shape":[3],"chunks":[2],"dtype":">i4","compressor":null,"fill_value":null,"order":"F","filters":[{"id":"delta","dtype":">i4"}]}`,
		`{"zarr_format":3,"node_type":"array","shape":[4,4],"data_type":"uint16","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2,2]}},"chunk_key_encoding":{"name":"default","configuration":{"separator":"/"}},"fill_value":0,"codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"zstd","configuration":{"level":1,"checksum":false}}]}`,
		`{"zarr_format":3,"node_type":"array","shape":[8],"data_type":"float32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},"fill_value":"0x7fc00000","codecs":[{"name":"sharding_indexed","configuration":{"chunk_shape":[2],"codecs":[{"name":"bytes"}],"index_codecs":[{"name":"bytes"},{"name":"crc32c"}],"index_location":"start"}}]}`,
	}
	// the dtypes of issue 13, as zarr-python 2.13 and 3 write them
	seeds = append(seeds,
		`{"zarr_format":2,"shape":[4],"chunks":[3],"dtype":"<U3","compressor":null,"fill_value":"","order":"C","filters":null}`,
		`{"zarr_format":2,"shape":[3],"chunks":[2],"dtype":"|S5","compressor":null,"fill_value":"eno=","order":"C","filters":null}`,
		`{"zarr_format":2,"shape":[4],"chunks":[3],"dtype":"|O","compressor":null,"fill_value":0,"order":"C","filters":[{"id":"vlen-utf8"}]}`,
		`{"zarr_format":2,"shape":[3],"chunks":[2],"dtype":"<M8[ns]","compressor":null,"fill_value":-9223372036854775808,"order":"C","filters":null}`,
		`{"zarr_format":2,"shape":[3],"chunks":[2],"dtype":"<c8","compressor":null,"fill_value":[1.0,"NaN"],"order":"C","filters":null}`,
		`{"zarr_format":2,"shape":[3],"chunks":[2],"dtype":"<f2","compressor":null,"fill_value":"NaN","order":"C","filters":null}`,
		`{"zarr_format":3,"node_type":"array","shape":[5],"data_type":"string","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},"fill_value":"","codecs":[{"name":"vlen-utf8","configuration":{}}]}`,
		`{"zarr_format":3,"node_type":"array","shape":[3],"data_type":{"name":"numpy.datetime64","configuration":{"unit":"ns","scale_factor":1}},"chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},"fill_value":"NaT","codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}`,
		`{"zarr_format":3,"node_type":"array","shape":[3],"data_type":{"name":"fixed_length_utf32","configuration":{"length_bytes":16}},"chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},"fill_value":"","codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}`,
		`{"zarr_format":3,"node_type":"array","shape":[3],"data_type":{"name":"null_terminated_bytes","configuration":{"length_bytes":3}},"chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},"fill_value":"","codecs":[{"name":"bytes"}]}`,
	)
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// Huge and overflowing shapes and chunks, and shard geometry.
	adv, err := filepath.Glob(filepath.Join("testdata", "adversarial", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range adv {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"zarr_format":2,"shape":[9223372036854775807],"chunks":[1],"dtype":"|u1","compressor":null,"fill_value":0,"order":"C","filters":null}`,
		`{"zarr_format":2,"shape":[3037000500,3037000500],"chunks":[3037000500,3037000500],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}`,
		`{"zarr_format":2,"shape":[-1],"chunks":[1],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}`,
		`{"zarr_format":3,"node_type":"array","shape":[1073741824],"data_type":"uint8","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[1073741824]}},"fill_value":0,"codecs":[{"name":"sharding_indexed","configuration":{"chunk_shape":[2],"codecs":[{"name":"bytes"}]}}]}`,
		`{"zarr_format":3,"node_type":"array","shape":[16,16],"data_type":"int32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[16,16]}},"fill_value":0,"codecs":[{"name":"sharding_indexed","configuration":{"chunk_shape":[4611686018427387904,2],"codecs":[{"name":"bytes"}]}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		var m *ArrayMeta
		var err error
		var z zarrJSON
		if json.Unmarshal(b, &z) == nil && z.ZarrFormat == 3 {
			m, err = parseV3Array("zarr.json", &z)
		} else {
			m, err = parseV2Array(".zarray", b, nil)
		}
		if err != nil {
			if !errors.Is(err, ErrMetadata) {
				t.Fatalf("parse error %v is not ErrMetadata", err)
			}
			return
		}
		// Valid metadata has sizes that fit: a chunk is at most one
		// in-memory block, and the grid's block count fits an int64.
		if n := prodInts(m.Chunks) * int64(m.DType.Size()); n > block.MaxBlockBytes || n <= 0 {
			t.Fatalf("parsed chunks %v of %s (%d bytes) are not one in-memory block", m.Chunks, m.DType, n)
		}
		// Opening costs O(rank) whatever the shape (no per-chunk list,
		// no index probe of the declared size): open every valid one.
		a, err := newArray(NewMemoryStore(), "x", m, nil)
		if err != nil {
			if !errors.Is(err, ErrMetadata) {
				t.Fatalf("open error %v is not ErrMetadata", err)
			}
			return
		}
		g := a.Grid()
		_ = g.String()
		_ = g.MaxChunkShape()
		_ = g.Len()
		// keep the fuzzer away from huge allocations: the metadata is
		// valid, but a test needs small chunks
		if block.DType(m.DType).Size()*int(prodInts(m.Chunks)) > 1<<20 {
			return
		}
		if len(m.Shape) > 0 && prodInts(m.Shape) > 0 {
			// the first and the last chunk, and a read of the last
			// elements (huge shapes index far-off chunks)
			idx := make([]int, len(m.Shape))
			_, _ = a.readChunk(context.Background(), idx)
			box := chunk.Box{Lo: make([]int, len(m.Shape)), Hi: append([]int(nil), m.Shape...)}
			for i, n := range m.Shape {
				box.Lo[i] = max(n-2, 0)
			}
			_, _ = a.Read(context.Background(), box)
		}
		// encoding must parse back
		if m.Format == 2 {
			za, _, err := m.encodeV2()
			if err == nil {
				if _, err := parseV2Array(".zarray", za, nil); err != nil {
					t.Fatalf("re-encoded v2 metadata does not parse: %v\n%s", err, za)
				}
			}
		}
	})
}

// prodInts is the product of s, saturating past 2^40 (no overflow).
func prodInts(s []int) int64 {
	n := int64(1)
	for _, x := range s {
		if x < 0 {
			return -1
		}
		if x != 0 && n > (1<<40)/int64(x) {
			return 1 << 41
		}
		n *= int64(x)
	}
	return n
}

// shardFixture makes a small sharded int16 array (8×8, shards 4×8 of
// 2×4 inner chunks, zstd) holding base+i at element i, and returns its
// store, the array, the data written and the stored bytes of its first
// shard: the seeds of the shard fuzzers.
func shardFixture(f *testing.F, base int16) (*MemoryStore, *Array, *block.Dense, []byte) {
	ctx := context.Background()
	s := NewMemoryStore()
	a, err := Create(ctx, s, "a", CreateOptions{Shape: []int{8, 8}, Chunks: []int{2, 4}, Shards: []int{4, 8}, DType: block.Int16,
		Codecs: []json.RawMessage{json.RawMessage(`{"name":"bytes","configuration":{"endian":"little"}}`), json.RawMessage(`{"name":"zstd","configuration":{"level":1,"checksum":false}}`)}})
	if err != nil {
		f.Fatal(err)
	}
	d := block.Must(block.Int16, 8, 8)
	for i, v := 0, block.Values[int16](d); i < len(v); i++ {
		v[i] = base + int16(i)
	}
	if _, err := a.WriteAll(ctx, d); err != nil {
		f.Fatal(err)
	}
	good, err := s.Get(ctx, a.ChunkKey([]int{0, 0}))
	if err != nil {
		f.Fatal(err)
	}
	return s, a, d, good
}

// FuzzShard decodes arbitrary bytes as a shard of a small sharded array:
// corrupt indexes and inner chunks are errors, never panics or reads out
// of bounds.
func FuzzShard(f *testing.F) {
	ctx := context.Background()
	s, a, _, good := shardFixture(f, 0)
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		key := a.ChunkKey([]int{1, 0})
		_ = s.Set(ctx, key, b)
		_, err := a.ReadAll(ctx)
		if err != nil && !errors.Is(err, ErrCorruptShard) && !errors.Is(err, codec.ErrCorrupt) && !errors.Is(err, codec.ErrChecksum) && !errors.Is(err, codec.ErrTooLarge) {
			var ce *codec.Error
			if !errors.As(err, &ce) {
				t.Fatalf("unclassified error: %v", err)
			}
		}
	})
}

// FuzzTaskSpec decodes arbitrary params of zarr.read and zarr.write tasks
// (what a worker receives from the wire), parses the store spec they carry
// without opening it, and runs the read against a real in-memory array
// with the fuzzed region, path and options: nothing may panic, a spec that
// names no store is ErrStoreSpec, a foreign memory address is
// ErrNotAddressable, and a spec survives a JSON round trip.
func FuzzTaskSpec(f *testing.F) {
	ctx := context.Background()
	mem := NewMemoryStore()
	a, err := Create(ctx, mem, "a", CreateOptions{Shape: []int{6, 5}, Chunks: []int{4, 2}, DType: block.Uint16})
	if err != nil {
		f.Fatal(err)
	}
	good, err := a.Spec()
	if err != nil {
		f.Fatal(err)
	}
	for _, op := range []cluster.Op{
		&ReadOp{Array: good, Lo: []int{0, 0}, Hi: []int{4, 2}},
		&ReadOp{Array: ArraySpec{Store: StoreSpec{URL: "file:///tmp/x.zarr", Fsync: true}, Path: "g/a", Meta: good.Meta, Options: Options{Concurrency: 2, WriteEmptyChunks: true}}, Lo: []int{4, 4}, Hi: []int{6, 5}},
		&WriteOp{Array: ArraySpec{Store: StoreSpec{URL: "zip:///data/x.zip"}, Path: "a"}, Lo: []int{0}, Hi: []int{1, 2}},
		&ReadOp{Array: ArraySpec{Store: StoreSpec{URL: "mem://1-abc/7"}}, Lo: []int{-1, 0}, Hi: []int{2, 9}},
		&ReadOp{Array: ArraySpec{Store: StoreSpec{URL: "https://example.org/a.zarr"}}},
	} {
		b, err := json.Marshal(op)
		if err != nil {
			f.Fatal(err)
		}
		_, write := op.(*WriteOp)
		f.Add(write, b)
	}
	f.Add(false, []byte(`{"Array":{"Store":{"url":"file://host/x"}},"Lo":null}`))
	f.Fuzz(func(t *testing.T, write bool, params []byte) {
		if len(params) > 1<<14 {
			return
		}
		kind := "zarr.read"
		if write {
			kind = "zarr.write"
		}
		wire, err := json.Marshal(map[string]any{"key": "k", "kind": kind, "params": json.RawMessage(params)})
		if err != nil {
			return // not JSON
		}
		task, err := cluster.DecodeTask(wire)
		if err != nil {
			return
		}
		var as ArraySpec
		var lo, hi []int
		switch op := task.Op.(type) {
		case *ReadOp:
			as, lo, hi = op.Array, op.Lo, op.Hi
		case *WriteOp:
			as, lo, hi = op.Array, op.Lo, op.Hi
		default:
			t.Fatalf("decoded %T", task.Op)
		}
		if len(lo) > 8 || len(hi) > 8 {
			return
		}
		scheme, u, err := parseSpec(as.Store)
		switch {
		case err != nil:
			if !errors.Is(err, ErrStoreSpec) {
				t.Fatalf("spec error %v is not ErrStoreSpec", err)
			}
		case scheme == "file" || scheme == "zip":
			if _, err := localPath(as.Store.URL, u); err != nil && !errors.Is(err, ErrStoreSpec) {
				t.Fatalf("path error %v is not ErrStoreSpec", err)
			}
		case scheme == "mem":
			if _, err := openMem(ctx, as.Store); err != nil && !errors.Is(err, ErrNotAddressable) && !errors.Is(err, ErrStoreSpec) {
				t.Fatalf("memory address error %v is unclassified", err)
			}
		}
		b, err := json.Marshal(as)
		if err != nil {
			t.Fatal(err)
		}
		var back ArraySpec
		if err := json.Unmarshal(b, &back); err != nil || back.key() != as.key() {
			t.Fatalf("spec does not survive JSON: %v\n%s", err, b)
		}
		// the fuzzed region, path and options against a good array
		local := as
		local.Store = good.Store
		_, _ = (&ReadOp{Array: local, Lo: lo, Hi: hi}).Run(ctx, nil)
	})
}
