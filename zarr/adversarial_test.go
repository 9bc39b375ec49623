package zarr

import (
	"context"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/chunk"
)

// adversarialStore puts testdata/adversarial/name into a memory store as
// the metadata of array "a".
func adversarialStore(t testing.TB, name string) Store {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "adversarial", name))
	require.NoError(t, err)
	s := NewMemoryStore()
	key := "a/.zarray"
	if strings.HasSuffix(name, ".json") {
		key = "a/zarr.json"
	}
	require.NoError(t, s.Set(context.Background(), key, b))
	return s
}

// TestBadMetadataSizesAreErrors: metadata whose sizes overflow, or whose
// chunk or shard index could never be one in-memory block, is refused at
// open with ErrMetadata naming the field — never a panic, a nil
// dereference or an allocation of its declared size.
func TestBadMetadataSizesAreErrors(t *testing.T) {
	for _, tc := range []struct{ file, field string }{
		{"chunks-maxint.zarray", "chunks"},
		{"chunks-overflow.zarray", "chunks"},
		{"shape-overflow.zarray", "shape"},
		{"blocks-overflow.zarray", "shape"},
		{"shard-2p29-inner.json", "sharding_indexed.configuration.chunk_shape"},
		{"shard-inner-maxint.json", "sharding_indexed"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			s := adversarialStore(t, tc.file)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			a, err := OpenArray(context.Background(), s, "a")
			runtime.ReadMemStats(&after)
			if err == nil {
				// The old code opened some of these; reading then crashed.
				_, rerr := a.ReadAll(context.Background())
				require.Error(t, rerr)
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrMetadata)
			assert.Contains(t, err.Error(), tc.field)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20))
		})
	}
}

// TestHugeArrayOpensInOrderRank: shape [2^40] with chunks [1] (2^40
// chunks) opens and is described without any per-chunk list; a window at
// its far end reads, the lazy array plans only the blocks it needs, and
// reading all of it is refused.
func TestHugeArrayOpensInOrderRank(t *testing.T) {
	s := adversarialStore(t, "shape-2p40-chunks-1.zarray")
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a, err := OpenArray(ctx, s, "a")
	require.NoError(t, err)
	assert.Equal(t, 1<<40, a.Grid().Len())
	box := chunk.Box{Lo: []int{1<<40 - 3}, Hi: []int{1 << 40}}
	d, err := a.Read(ctx, box)
	require.NoError(t, err)
	assert.Equal(t, []float64{7, 7, 7}, d.Float64s())
	_, err = a.ReadAll(ctx)
	assert.Error(t, err)
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20))
}

// BenchmarkOpenHuge opens v2 arrays of n one-byte chunks of 1 element
// (the largest is the adversarial [2^40]/[1] file's geometry).
func BenchmarkOpenHuge(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1 << 20, 1 << 26, 1 << 40} {
		b.Run(fmt.Sprintf("chunks=2^%d", bits.Len(uint(n))-1), func(b *testing.B) {
			s := NewMemoryStore()
			meta := fmt.Sprintf(`{"zarr_format":2,"shape":[%d],"chunks":[1],"dtype":"|u1","compressor":null,"fill_value":7,"order":"C","filters":null}`, n)
			if err := s.Set(ctx, "a/.zarray", []byte(meta)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				a, err := OpenArray(ctx, s, "a")
				if err != nil {
					b.Fatal(err)
				}
				_ = a.Grid().Len()
			}
		})
	}
}
