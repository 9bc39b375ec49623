package zarr_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/zarr"
)

// TestWholeAndPartialChunkWritesAreOrdered races a write covering a whole
// chunk against a partial (read-modify-write) write of the same chunk. The
// partial write must never put the chunk's old contents back over the
// whole write: element (31,31), which only the whole write touches, must
// hold its value after every trial. It runs through one Array value and
// through two Array values opened separately on the same store path (as
// lazy write tasks do), on the directory and the memory store.
func TestWholeAndPartialChunkWritesAreOrdered(t *testing.T) {
	const trials = 1000
	type pair struct{ whole, part *zarr.Array }
	cases := []struct {
		name string
		open func(t *testing.T) pair
	}{
		{"directory/one array", func(t *testing.T) pair {
			s, err := zarr.NewDirectoryStore(t.TempDir())
			require.NoError(t, err)
			a := createChunk32(t, s)
			return pair{a, a}
		}},
		{"directory/two stores and arrays", func(t *testing.T) pair {
			dir := t.TempDir()
			s1, err := zarr.NewDirectoryStore(dir)
			require.NoError(t, err)
			createChunk32(t, s1)
			s2, err := zarr.OpenStore(dir) // a second store value, as a task would open it
			require.NoError(t, err)
			a1, err := zarr.OpenArray(ctx, s1, "a")
			require.NoError(t, err)
			a2, err := zarr.OpenArray(ctx, s2, "a")
			require.NoError(t, err)
			return pair{a1, a2}
		}},
		{"memory/one array", func(t *testing.T) pair {
			a := createChunk32(t, zarr.NewMemoryStore())
			return pair{a, a}
		}},
		{"memory/two arrays", func(t *testing.T) pair {
			s := zarr.NewMemoryStore()
			createChunk32(t, s)
			a1, err := zarr.OpenArray(ctx, s, "a")
			require.NoError(t, err)
			a2, err := zarr.OpenArray(ctx, s, "a")
			require.NoError(t, err)
			return pair{a1, a2}
		}},
	}
	whole := block.Must(block.Int32, 32, 32)
	whole.Fill(7)
	part := block.Must(block.Int32, 4, 4)
	part.Fill(5)
	zero := block.Must(block.Int32, 32, 32)
	corner := chunk.Box{Lo: []int{31, 31}, Hi: []int{32, 32}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.open(t)
			lost := 0
			for range trials {
				_, err := p.whole.WriteAll(ctx, zero)
				require.NoError(t, err)
				start := make(chan struct{})
				var wg sync.WaitGroup
				var errWhole, errPart error
				wg.Go(func() {
					<-start
					_, errWhole = p.whole.WriteAll(ctx, whole)
				})
				wg.Go(func() {
					<-start
					_, errPart = p.part.Write(ctx, chunk.Box{Lo: []int{0, 0}, Hi: []int{4, 4}}, part)
				})
				close(start)
				wg.Wait()
				require.NoError(t, errWhole)
				require.NoError(t, errPart)
				got, err := p.whole.Read(ctx, corner)
				require.NoError(t, err)
				if block.Values[int32](got)[0] != 7 {
					lost++
				}
				head, err := p.whole.Read(ctx, chunk.Box{Lo: []int{0, 0}, Hi: []int{1, 1}})
				require.NoError(t, err)
				assert.Contains(t, []int32{5, 7}, block.Values[int32](head)[0])
			}
			assert.Zero(t, lost, "the partial write undid the whole write in %d of %d trials", lost, trials)
		})
	}
}

func createChunk32(t *testing.T, s zarr.Store) *zarr.Array {
	t.Helper()
	a, err := zarr.Create(ctx, s, "a", zarr.CreateOptions{Shape: []int{32, 32}, Chunks: []int{32, 32}, DType: block.Int32})
	require.NoError(t, err)
	return a
}
