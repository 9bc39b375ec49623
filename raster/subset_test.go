package raster_test

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/raster"
)

// A box selected from a lazy raster (windowed or not, masked and scaled
// or not, band subsets) is read directly by read tasks of the box's parts
// (no gather), with the values and chunks of the gather path over the
// same data in memory.
func TestSubsetOfLazyRaster(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.tif")
	src := pattern(block.Int16, 3, 130, 110)
	_, err := raster.Write(ctx, ndarray.FromDense(src, chunk.Spec{}), path, raster.WriteOptions{BlockSize: 32, NoData: 7, HasNoData: true, Scale: 0.5, Offset: 1})
	require.NoError(t, err)
	info, err := raster.Open(path)
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(5, 6))
	for _, o := range []raster.ReadOptions{
		{Chunks: chunk.PerAxis(1, 32, 64)},
		{Window: &raster.Window{X: 13, Y: 40, W: 80, H: 70}, Chunks: chunk.PerAxis(2, 32, 32)},
		{MaskNoData: true, ApplyScale: true, Bands: []int{3, 1}, DType: block.Float32, Chunks: chunk.PerAxis(1, 64, 32)},
	} {
		lz := info.Lazy(o)
		require.NoError(t, lz.Err())
		all, err := lz.Compute(ctx)
		require.NoError(t, err)
		ref := ndarray.FromDense(all, chunk.Explicit(lz.Chunks()...))
		for range 12 {
			shape := lz.Shape()
			items := make([]ndarray.Index, 3)
			for i, n := range shape {
				lo := r.IntN(n)
				hi := lo + 1 + r.IntN(n-lo)
				items[i] = ndarray.Sl(lo, hi, 1)
				if r.IntN(5) == 0 {
					items[i] = ndarray.At(lo - n)
				}
			}
			got, exp := lz.Index(items...), ref.Index(items...)
			require.NoError(t, got.Err(), "%v", items)
			assert.Equal(t, exp.Chunks(), got.Chunks(), "%v", items)
			b := ndarray.NewBuilder()
			_, err := b.Keys(got)
			require.NoError(t, err)
			for _, k := range b.Graph().Keys() {
				task, _ := b.Graph().Task(k)
				if _, ok := task.Op.(*raster.ReadOp); !ok {
					assert.Equal(t, "ndarray.reshape", task.Op.Kind(), "%v: task %s", items, k)
				}
			}
			gv, err := got.Compute(ctx)
			require.NoError(t, err)
			ev, err := exp.Compute(ctx)
			require.NoError(t, err)
			g, w := gv.Float64s(), ev.Float64s()
			require.Equal(t, len(w), len(g))
			for k := range g {
				if g[k] != w[k] && !(math.IsNaN(g[k]) && math.IsNaN(w[k])) {
					t.Fatalf("options %+v, %v: element %d is %v, want %v", o, items, k, g[k], w[k])
				}
			}
		}
	}
}

// A box selected from a multidimensional variable is read directly by
// MDReadOps of the box's parts, chained selections included, with the
// gather path's values and chunks.
func TestSubsetOfMultidimVariable(t *testing.T) {
	ctx := context.Background()
	ds, err := raster.OpenMultidim(ctx, "testdata/pr4.nc", raster.MultidimOptions{ChunkBytes: 12 * 5 * 2 * 4})
	require.NoError(t, err)
	pr, _ := ds.Var("pr")
	lz := pr.Data
	all, err := lz.Compute(ctx)
	require.NoError(t, err)
	ref := ndarray.FromDense(all, chunk.Explicit(lz.Chunks()...))
	r := rand.New(rand.NewPCG(7, 8))
	box := func(shape []int) []ndarray.Index {
		items := make([]ndarray.Index, len(shape))
		for i, n := range shape {
			lo := r.IntN(n)
			items[i] = ndarray.Sl(lo, lo+1+r.IntN(n-lo), 1)
			if r.IntN(4) == 0 {
				items[i] = ndarray.At(lo - n)
			}
		}
		return items
	}
	for range 20 {
		items := box(lz.Shape())
		got, exp := lz.Index(items...), ref.Index(items...)
		if exp.Rank() > 0 && r.IntN(2) == 0 {
			more := box(exp.Shape())
			got, exp = got.Index(more...), exp.Index(more...)
		}
		require.NoError(t, got.Err(), "%v", items)
		assert.Equal(t, exp.Chunks(), got.Chunks(), "%v", items)
		b := ndarray.NewBuilder()
		_, err := b.Keys(got)
		require.NoError(t, err)
		for _, k := range b.Graph().Keys() {
			task, _ := b.Graph().Task(k)
			if _, ok := task.Op.(*raster.MDReadOp); !ok {
				assert.Equal(t, "ndarray.reshape", task.Op.Kind(), "%v: task %s", items, k)
			}
		}
		gv, err := got.Compute(ctx)
		require.NoError(t, err)
		ev, err := exp.Compute(ctx)
		require.NoError(t, err)
		assert.True(t, gv.Equal(ev), "%v: values differ", items)
	}
}
