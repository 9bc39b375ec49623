package zarr_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

var ctx = context.Background()

func randomDense(t testing.TB, dt block.DType, shape ...int) *block.Dense {
	f := block.Must(block.Float64, shape...)
	r := rand.New(rand.NewPCG(1, uint64(dt)))
	v := block.Values[float64](f)
	for i := range v {
		v[i] = math.Floor(r.Float64()*100) - 20
		if dt.IsUnsigned() || dt.IsBool() {
			v[i] = math.Abs(v[i])
		}
	}
	d, err := f.AsType(dt, block.CastOptions{Overflow: block.OverflowClip})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func TestRoundTripFormats(t *testing.T) {
	cases := []struct {
		name string
		o    zarr.CreateOptions
	}{
		{"v3 default", zarr.CreateOptions{}},
		{"v3 dot separator", zarr.CreateOptions{Separator: "."}},
		{"v3 gzip transpose", zarr.CreateOptions{Codecs: []json.RawMessage{raw(`{"name":"transpose","configuration":{"order":[1,0]}}`), raw(`{"name":"bytes","configuration":{"endian":"big"}}`), raw(`{"name":"gzip","configuration":{"level":5}}`)}}},
		{"v3 sharded", zarr.CreateOptions{Shards: []int{8, 10}}},
		{"v3 sharded crc", zarr.CreateOptions{Shards: []int{16, 10}, Codecs: []json.RawMessage{raw(`{"name":"bytes","configuration":{"endian":"little"}}`), raw(`{"name":"crc32c"}`)}}},
		{"v2 default blosc", zarr.CreateOptions{Format: 2}},
		{"v2 F order slash", zarr.CreateOptions{Format: 2, Order: 'F', Separator: "/"}},
		{"v2 big endian zstd", zarr.CreateOptions{Format: 2, ByteOrder: binary.BigEndian, Compressor: raw(`{"id":"zstd","level":3}`)}},
		{"v2 none", zarr.CreateOptions{Format: 2, Compressor: zarr.NoCompressor}},
	}
	for _, c := range cases {
		for _, dt := range block.DTypes() {
			t.Run(fmt.Sprintf("%s/%s", c.name, dt), func(t *testing.T) {
				s, _ := zarr.NewDirectoryStore(t.TempDir())
				o := c.o
				o.Shape, o.DType, o.Chunks = []int{13, 10}, dt, []int{4, 5}
				if o.Shards != nil {
					o.Chunks = []int{4, 5}
				}
				a, err := zarr.Create(ctx, s, "g/arr", o)
				if err != nil {
					t.Fatal(err)
				}
				want := randomDense(t, dt, 13, 10)
				if _, err := a.WriteAll(ctx, want); err != nil {
					t.Fatal(err)
				}
				b, err := zarr.OpenArray(ctx, s, "g/arr")
				if err != nil {
					t.Fatal(err)
				}
				got, err := b.ReadAll(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Equal(want) {
					t.Fatalf("round trip differs")
				}
				// a window across chunk (and shard) borders
				box := chunk.Box{Lo: []int{3, 2}, Hi: []int{11, 9}}
				w, err := b.Read(ctx, box)
				if err != nil {
					t.Fatal(err)
				}
				ref, _ := want.SubBlock(box)
				if !w.Equal(ref) {
					t.Fatal("window differs")
				}
			})
		}
	}
}

func TestFillValuesAndMissingChunks(t *testing.T) {
	s := zarr.NewMemoryStore()
	nan := math.NaN()
	a, err := zarr.Create(ctx, s, "x", zarr.CreateOptions{Shape: []int{6}, Chunks: []int{2}, DType: block.Float32, FillValue: &nan})
	if err != nil {
		t.Fatal(err)
	}
	part, _ := block.FromSlice([]float32{1, 2}, 2)
	if _, err := a.Write(ctx, chunk.Box{Lo: []int{2}, Hi: []int{4}}, part); err != nil {
		t.Fatal(err)
	}
	got, _ := a.ReadAll(ctx)
	v := got.Float64s()
	if !math.IsNaN(v[0]) || v[2] != 1 || v[3] != 2 || !math.IsNaN(v[5]) {
		t.Fatalf("got %v", v)
	}
	// writing only fill values deletes the chunk
	empty, _ := block.FromSlice([]float32{float32(nan), float32(nan)}, 2)
	if _, err := a.Write(ctx, chunk.Box{Lo: []int{2}, Hi: []int{4}}, empty); err != nil {
		t.Fatal(err)
	}
	n := 0
	for range s.List(ctx, "x/c") {
		n++
	}
	if n != 0 {
		t.Fatalf("%d chunks left after writing only fill values", n)
	}
}

func TestConcurrentPartialWritesKeepEveryValue(t *testing.T) {
	s, _ := zarr.NewDirectoryStore(t.TempDir())
	a, err := zarr.Create(ctx, s, "x", zarr.CreateOptions{Shape: []int{64}, Chunks: []int{64}, DType: block.Int32})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, _ := block.FromSlice([]int32{int32(i + 1)}, 1)
			if _, err := a.Write(ctx, chunk.Box{Lo: []int{i}, Hi: []int{i + 1}}, d); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, _ := a.ReadAll(ctx)
	for i, x := range block.Values[int32](got) {
		if x != int32(i+1) {
			t.Fatalf("element %d = %d: a read-modify-write lost an update", i, x)
		}
	}
}

func TestAppend(t *testing.T) {
	s := zarr.NewMemoryStore()
	a, _ := zarr.Create(ctx, s, "ts", zarr.CreateOptions{Shape: []int{0, 3}, Chunks: []int{2, 3}, DType: block.Int16, Format: 2})
	for step := range 5 {
		d, _ := block.FromSlice([]int16{int16(step), int16(step), int16(step)}, 1, 3)
		if _, err := a.Append(ctx, 0, d); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := zarr.OpenArray(ctx, s, "ts")
	got, _ := b.ReadAll(ctx)
	if fmt.Sprint(got.Shape()) != "[5 3]" || got.At(4, 2) != 4 || got.At(2, 0) != 2 {
		t.Fatalf("append: %v %v", got.Shape(), got.Float64s())
	}
}

func TestBadRegionsAndMetadata(t *testing.T) {
	s := zarr.NewMemoryStore()
	a, _ := zarr.Create(ctx, s, "x", zarr.CreateOptions{Shape: []int{4, 4}, Chunks: []int{2, 2}, DType: block.Float64})
	if _, err := a.Read(ctx, chunk.Box{Lo: []int{0, 0}, Hi: []int{5, 4}}); !errors.Is(err, zarr.ErrRegion) {
		t.Fatalf("read outside: %v", err)
	}
	if _, err := a.WriteAll(ctx, block.Must(block.Float32, 4, 4)); !errors.Is(err, zarr.ErrRegion) {
		t.Fatalf("write wrong dtype: %v", err)
	}
	if _, err := zarr.Create(ctx, s, "x", zarr.CreateOptions{Shape: []int{1}, DType: block.Float64}); !errors.Is(err, zarr.ErrExists) {
		t.Fatalf("create over existing: %v", err)
	}
	if _, err := zarr.OpenArray(ctx, s, "nothing"); !errors.Is(err, zarr.ErrNotFound) {
		t.Fatalf("open missing: %v", err)
	}
	for name, meta := range map[string]string{
		"bad json":     `{"zarr_format": 2, "shape": [`,
		"bad dtype":    `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<c16","compressor":null,"fill_value":0,"order":"C","filters":null}`,
		"zero chunk":   `{"zarr_format":2,"shape":[4],"chunks":[0],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}`,
		"rank":         `{"zarr_format":2,"shape":[4],"chunks":[2,2],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}`,
		"bad fill":     `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<i4","compressor":null,"fill_value":"NaNx","order":"C","filters":null}`,
		"bad codec":    `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<f8","compressor":{"id":"nosuch"},"fill_value":0,"order":"C","filters":null}`,
		"huge chunk":   `{"zarr_format":2,"shape":[4],"chunks":[9000000000],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}`,
		"bad order":    `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<f8","compressor":null,"fill_value":0,"order":"X","filters":null}`,
		"neg shape":    `{"zarr_format":2,"shape":[-4],"chunks":[2],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}`,
		"wrong format": `{"zarr_format":3,"shape":[4],"chunks":[2],"dtype":"<f8"}`,
	} {
		_ = s.Set(ctx, "bad/.zarray", []byte(meta))
		if _, err := zarr.OpenArray(ctx, s, "bad"); !errors.Is(err, zarr.ErrMetadata) {
			t.Errorf("%s: err = %v, want ErrMetadata", name, err)
		}
	}
}

func TestCorruptChunkIsAnError(t *testing.T) {
	s := zarr.NewMemoryStore()
	for _, o := range []zarr.CreateOptions{{Format: 2}, {Format: 3}, {Format: 3, Shards: []int{4}}} {
		o.Shape, o.Chunks, o.DType = []int{4}, []int{2}, block.Float64
		o.Overwrite = true
		a, err := zarr.Create(ctx, s, "c", o)
		if err != nil {
			t.Fatal(err)
		}
		key := a.ChunkKey([]int{0})
		_ = s.Set(ctx, key, []byte("garbage that is not a chunk"))
		if _, err := a.ReadAll(ctx); err == nil {
			t.Fatalf("format %d shards %v: corrupt chunk read without error", o.Format, o.Shards)
		}
		_ = s.Delete(ctx, key)
	}
}

func TestLazyReadAndStore(t *testing.T) {
	dir := t.TempDir()
	s, _ := zarr.NewDirectoryStore(dir)
	x := ndarray.Random([]int{40, 30}, chunk.PerAxis(10, 15), 5)
	a, n, err := zarr.ToZarr(ctx, x, s, "rand", zarr.CreateOptions{Format: 2})
	if err != nil || n == 0 {
		t.Fatalf("ToZarr: %v (%d bytes)", err, n)
	}
	want, _ := x.Compute(ctx)
	got, _ := a.ReadAll(ctx)
	if !got.Equal(want) {
		t.Fatal("stored values differ")
	}
	lazy := a.Lazy(chunk.Spec{})
	// (zarr may not import reduce, not even in tests: deps_test.go.)
	l1, err := lazy.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !l1.Equal(want) {
		t.Fatal("lazy read differs")
	}
	// larger lazy chunks, multiples of the stored ones
	big := a.Lazy(chunk.Uniform(20))
	if c := big.Grid().MaxChunkShape(); c[0] != 20 || c[1] != 15 && c[1] != 30 {
		t.Logf("lazy chunks %v", c)
	}
	d, _ := big.Compute(ctx)
	if !d.Equal(want) {
		t.Fatal("lazy read with other chunks differs")
	}
	// unaligned store is refused
	other, _ := zarr.Create(ctx, s, "other", zarr.CreateOptions{Shape: []int{40, 30}, Chunks: []int{7, 7}, DType: block.Float64})
	snk, _ := other.Sink()
	if _, err := ndarray.Store(ctx, x, snk); !errors.Is(err, zarr.ErrUnaligned) {
		t.Fatalf("unaligned store: %v", err)
	}
	// a store that cannot describe itself cannot be read lazily
	bare := struct{ zarr.Store }{zarr.NewMemoryStore()}
	ma, _ := zarr.Create(ctx, bare, "m", zarr.CreateOptions{Shape: []int{2}, DType: block.Float64})
	if err := ma.Lazy(chunk.Spec{}).Err(); !errors.Is(err, zarr.ErrNotAddressable) {
		t.Fatalf("lazy read of a store without a spec: %v", err)
	}
}

func TestGroupsAndConsolidated(t *testing.T) {
	for _, format := range []int{2, 3} {
		s, _ := zarr.NewDirectoryStore(t.TempDir())
		if _, err := zarr.CreateGroup(ctx, s, "", format, map[string]any{"title": "t"}); err != nil {
			t.Fatal(err)
		}
		if _, err := zarr.CreateGroup(ctx, s, "sub", format, nil); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"a", "sub/b"} {
			if _, err := zarr.Create(ctx, s, name, zarr.CreateOptions{Format: format, Shape: []int{3}, DType: block.Int8, DimensionNames: []string{"x"}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := zarr.Consolidate(ctx, s); err != nil {
			t.Fatal(err)
		}
		cs, err := zarr.OpenConsolidated(ctx, s, "")
		if err != nil {
			t.Fatal(err)
		}
		g, err := zarr.OpenGroup(ctx, cs, "")
		if err != nil || g.Attributes["title"] != "t" {
			t.Fatalf("format %d: group %v %v", format, g, err)
		}
		ms, err := g.Members(ctx)
		if err != nil || fmt.Sprint(ms) != "[{a a true} {sub sub false}]" {
			t.Fatalf("format %d: members %v %v", format, ms, err)
		}
		b, err := zarr.OpenArray(ctx, cs, "sub/b")
		if err != nil || b.Meta().DimensionNames[0] != "x" {
			t.Fatalf("format %d: open via consolidated: %v", format, err)
		}
	}
}
