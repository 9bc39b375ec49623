package zarr_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// subsetStore writes want into a new array of s with opts, leaving the
// chunks of the last 5 rows of axis 0 unwritten (fill value -7), and
// returns the array and the values a reader must see.
func subsetStore(t *testing.T, s zarr.Store, path string, o zarr.CreateOptions, dt block.DType) (*zarr.Array, *block.Dense) {
	t.Helper()
	fill := -7.0
	o.DType, o.FillValue = dt, &fill
	a, err := zarr.Create(ctx, s, path, o)
	require.NoError(t, err)
	want := randomDense(t, dt, o.Shape...)
	objects := o.Chunks
	if o.Shards != nil {
		objects = o.Shards
	}
	// Written rows end on an object boundary, so the rest stays missing.
	rows := (o.Shape[0] - 5) / objects[0] * objects[0]
	written := chunk.BoxOf(o.Shape)
	written.Hi = append([]int(nil), written.Hi...)
	written.Hi[0] = rows
	part, err := want.SubBlock(written)
	require.NoError(t, err)
	_, err = a.Write(ctx, written, part)
	require.NoError(t, err)
	rest := chunk.BoxOf(o.Shape)
	rest.Lo = []int{rows, 0, 0}
	filled := block.Must(dt, rest.Shape()...)
	require.NoError(t, filled.FillChecked(fill))
	require.NoError(t, block.CopyBox(want, rest, filled, chunk.BoxOf(filled.Shape())))
	return a, want
}

// randomItems draws an indexing expression of step-1 slices (negative
// bounds sometimes), integers (negative sometimes), contiguous lists and
// the odd new axis, over shape.
func randomItems(r *rand.Rand, shape []int) []ndarray.Index {
	var items []ndarray.Index
	lists := 0
	for _, n := range shape {
		if r.IntN(6) == 0 {
			items = append(items, ndarray.NewAxis)
		}
		lo := r.IntN(n)
		hi := lo + 1 + r.IntN(n-lo)
		k := r.IntN(6)
		if k == 1 && lists > 0 {
			k = 5
		}
		switch k {
		case 0:
			items = append(items, ndarray.At(lo-n*r.IntN(2)))
		case 1:
			pos := make([]int, hi-lo)
			for k := range pos {
				pos[k] = lo + k
			}
			items = append(items, ndarray.List(pos...))
			lists++
		case 2:
			items = append(items, ndarray.Sl(lo-n, hi-n, 1))
		case 3:
			items = append(items, ndarray.Sl(lo, ndarray.None, 1))
		default:
			items = append(items, ndarray.Sl(lo, hi, 1))
		}
	}
	return items
}

// TestSubsetMatchesGather indexes lazy Zarr arrays (v2 Blosc with small
// blocks, v3 zstd, v3 sharded; float32, float64 and int16; chunks of
// more than a tile; missing chunks) with random boxes, integers, negative
// bounds, contiguous lists, new axes and chained Index calls: the direct
// read must give the values and chunks of the gather over an in-memory
// copy on the same chunks.
func TestSubsetMatchesGather(t *testing.T) {
	shape := []int{37, 29, 41}
	cases := []struct {
		name string
		dt   block.DType
		o    zarr.CreateOptions
	}{
		{"v2 blosc blocks", block.Float32, zarr.CreateOptions{Format: 2, Chunks: []int{16, 13, 20}, Compressor: raw(`{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":512}`)}},
		{"v2 int16", block.Int16, zarr.CreateOptions{Format: 2, Chunks: []int{16, 13, 20}}},
		{"v3 zstd", block.Float64, zarr.CreateOptions{Chunks: []int{16, 13, 20}}},
		{"v3 sharded", block.Float32, zarr.CreateOptions{Chunks: []int{8, 13, 10}, Shards: []int{16, 13, 20}}},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.o.Shape = shape
			a, want := subsetStore(t, zarr.NewMemoryStore(), "x", c.o, c.dt)
			for _, spec := range []chunk.Spec{chunk.Native(), chunk.PerAxis(32, 29, 20)} {
				lz := a.Lazy(spec)
				require.NoError(t, lz.Err())
				ref := ndarray.FromDense(want, chunk.Explicit(lz.Chunks()...))
				require.NoError(t, ref.Err())
				r := rand.New(rand.NewPCG(uint64(ci), 9))
				for range 25 {
					items := randomItems(r, shape)
					got, exp := lz.Index(items...), ref.Index(items...)
					// chain a second selection onto the result
					if r.IntN(2) == 0 && exp.Rank() > 0 && exp.Size() > 0 {
						more := randomItems(r, exp.Shape())
						got, exp = got.Index(more...), exp.Index(more...)
						items = append(items, more...)
					}
					require.NoError(t, exp.Err(), "%v", items)
					require.NoError(t, got.Err(), "%v", items)
					assert.Equal(t, exp.Chunks(), got.Chunks(), "chunks of %v", items)
					gv, err := got.Compute(ctx)
					require.NoError(t, err, "%v", items)
					ev, err := exp.Compute(ctx)
					require.NoError(t, err, "%v", items)
					assert.True(t, gv.Equal(ev), "values of %v differ", items)
				}
			}
		})
	}
}

// TestSubsetEdgeSelections: an empty slice, the whole array, a single
// element by integers and negative integers, and errors keep their
// meaning on the direct path.
func TestSubsetEdgeSelections(t *testing.T) {
	a, want := subsetStore(t, zarr.NewMemoryStore(), "x", zarr.CreateOptions{Format: 2, Shape: []int{20, 6, 9}, Chunks: []int{10, 4, 4}}, block.Float32)
	lz := a.Lazy(chunk.Native())

	empty := lz.Index(ndarray.Sl(3, 3, 1))
	require.NoError(t, empty.Err())
	assert.Equal(t, []int{0, 6, 9}, empty.Shape())
	d, err := empty.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, d.Len())

	assert.Same(t, lz, lz.Index(ndarray.All(), ndarray.Ellipsis))

	one := lz.Index(ndarray.At(-1), ndarray.At(2), ndarray.At(-9))
	require.NoError(t, one.Err())
	assert.Empty(t, one.Shape())
	v, err := ndarray.Scalar[float32](ctx, one)
	require.NoError(t, err)
	assert.Equal(t, block.Values[float32](want)[19*54+2*9+0], v)

	assert.ErrorIs(t, lz.Index(ndarray.At(20)).Err(), ndarray.ErrIndex)
	assert.ErrorIs(t, lz.Index(ndarray.Sl(0, 5, 1), ndarray.At(-7)).Err(), ndarray.ErrIndex)
	assert.ErrorIs(t, lz.Take([]int{4, 5, 20}, 0).Err(), ndarray.ErrIndex)

	// Take of a contiguous run reads the run directly: 2 x 2 x 1 read
	// tasks, rows 8..11 crossing a chunk boundary.
	run := lz.Take([]int{8, 9, 10, 11}, 0).Index(ndarray.Ellipsis, ndarray.Sl(1, 3, 1))
	assert.Equal(t, int64(4), run.Tasks())
	assert.Equal(t, [][]int{{2, 2}, {4, 2}, {2}}, run.Chunks())
	got, err := run.Compute(ctx)
	require.NoError(t, err)
	exp, err := want.SubBlock(chunk.Box{Lo: []int{8, 0, 1}, Hi: []int{12, 6, 3}})
	require.NoError(t, err)
	assert.True(t, got.Equal(exp))
}

// graphOf builds the tasks computing every block of x.
func graphOf(t *testing.T, x *ndarray.Array) *cluster.Graph {
	t.Helper()
	b := ndarray.NewBuilder()
	_, err := b.Keys(x)
	require.NoError(t, err)
	return b.Graph()
}

// TestSubsetReadsOnlyTheBox: a box inside a huge array plans one read task
// per selected block (no gather), each declaring the bytes of its part of
// the box, not of its chunk, and reading a region inside the box.
func TestSubsetReadsOnlyTheBox(t *testing.T) {
	s := zarr.NewMemoryStore()
	// 10^12 elements in 10^6 chunks, none written: planning must not
	// visit them.
	a, err := zarr.Create(ctx, s, "huge", zarr.CreateOptions{Format: 2, Shape: []int{1_000_000, 1_000_000}, Chunks: []int{1000, 1000}, DType: block.Float32})
	require.NoError(t, err)
	lz := a.Lazy(chunk.Native())
	sel := lz.Index(ndarray.Sl(123_500, 125_100, 1), ndarray.Sl(-2500, -1999, 1))
	require.NoError(t, sel.Err())
	assert.Equal(t, []int{1600, 501}, sel.Shape())
	assert.Equal(t, [][]int{{500, 1000, 100}, {500, 1}}, sel.Chunks())
	assert.Equal(t, int64(6), sel.Tasks())
	g := graphOf(t, sel)
	require.Equal(t, 6, g.Len())
	var total int64
	for _, k := range g.Keys() {
		task, ok := g.Task(k)
		require.True(t, ok)
		op, ok := task.Op.(*zarr.ReadOp)
		require.True(t, ok, "task %s is %T, not a read", k, task.Op)
		assert.Empty(t, task.Inputs)
		box := chunk.Box{Lo: op.Lo, Hi: op.Hi}
		assert.True(t, chunk.Box{Lo: []int{123_500, 997_500}, Hi: []int{125_100, 998_001}}.Contains(box), "read %v outside the box", box)
		assert.Equal(t, box.Size()*4, task.Bytes)
		assert.Less(t, task.Bytes, int64(1000*1000*4))
		total += task.Bytes
	}
	assert.Equal(t, int64(1600*501*4), total)
	d, err := sel.Index(ndarray.At(-1)).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int{501}, d.Shape())
	assert.Equal(t, make([]float32, 501), block.Values[float32](d))

	// Steps other than 1 and unordered lists keep the gather path.
	stepped := lz.Index(ndarray.Sl(0, 10, 2), ndarray.Sl(0, 4, 1))
	assert.Equal(t, 2, graphOf(t, stepped).Len(), "a whole-chunk read and a gather")
	listed := lz.Index(ndarray.List(5, 3), ndarray.Sl(0, 4, 1))
	require.NoError(t, listed.Err())
	assert.Equal(t, 2, graphOf(t, listed).Len(), "a whole-chunk read and a gather")
}

// TestSubsetGraphOverTheWire encodes a selection's graph as JSON, decodes
// it and runs it, on this process and on remote workers reading a
// directory store; malformed read params are refused with ErrRegion.
func TestSubsetGraphOverTheWire(t *testing.T) {
	dir := t.TempDir()
	s, err := zarr.NewDirectoryStore(dir)
	require.NoError(t, err)
	a, want := subsetStore(t, s, "x", zarr.CreateOptions{Format: 3, Shape: []int{30, 12, 14}, Chunks: []int{10, 5, 7}}, block.Float64)
	sel := a.Lazy(chunk.Native()).Index(ndarray.Sl(7, 26, 1), ndarray.At(-4), ndarray.Sl(3, 12, 1))
	require.NoError(t, sel.Err())
	exp, err := want.SubBlock(chunk.Box{Lo: []int{7, 8, 3}, Hi: []int{26, 9, 12}})
	require.NoError(t, err)
	exp, err = exp.Reshape(19, 9)
	require.NoError(t, err)

	g := graphOf(t, sel)
	b, err := json.Marshal(g)
	require.NoError(t, err)
	var back cluster.Graph
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, g.Len(), back.Len())
	for _, k := range g.Keys() {
		t1, _ := g.Task(k)
		t2, ok := back.Task(k)
		require.True(t, ok)
		assert.Equal(t, t1.Op, t2.Op, "task %s", k)
		assert.Equal(t, t1.Bytes, t2.Bytes)
	}

	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	exe, err := os.Executable()
	require.NoError(t, err)
	c, err := remote.StartLocalCluster(sctx, remote.LocalClusterOptions{Workers: 1, Threads: 2, Command: []string{exe}})
	require.NoError(t, err)
	defer c.Close()
	got, err := sel.Compute(ctx, ndarray.WithExecutor(c))
	require.NoError(t, err)
	assert.True(t, got.Equal(exp), "remote result differs")
	local, err := sel.Compute(ctx)
	require.NoError(t, err)
	assert.True(t, local.Equal(exp), "local result differs")

	spec, err := a.Spec()
	require.NoError(t, err)
	for _, op := range []*zarr.ReadOp{
		{Array: spec, Lo: []int{0, 0}, Hi: []int{1, 1, 1}},
		{Array: spec, Lo: []int{25, 0, 0}, Hi: []int{31, 1, 1}},
		{Array: spec, Lo: []int{5, 0, 0}, Hi: []int{4, 1, 1}},
		{Array: spec, Lo: []int{-1, 0, 0}, Hi: []int{4, 1, 1}},
	} {
		_, err := op.Run(ctx, nil)
		assert.ErrorIs(t, err, zarr.ErrRegion, "%v..%v", op.Lo, op.Hi)
	}
}

// BenchmarkLazySelection reads a box inside four Blosc chunks of 6 MB
// float32 holding a smooth field: "box" through the direct read of the
// selection (parts of chunks), "chunks" by reading the chunks the box
// touches whole, as the gather path's read tasks did (without the gather
// that followed them).
func BenchmarkLazySelection(b *testing.B) {
	s := zarr.NewMemoryStore()
	shape, chunks := []int{146, 240, 540}, []int{73, 120, 180}
	x := ndarray.Arange(0, float64(chunk.Size(shape)), 1, chunk.Uniform(1<<20)).
		Reshape(shape).Rechunk(chunk.PerAxis(chunks...)).AsType(block.Float32, block.OverflowError)
	a, _, err := zarr.ToZarr(ctx, x, s, "t", zarr.CreateOptions{Format: 2, Chunks: chunks})
	require.NoError(b, err)
	lz := a.Lazy(chunk.Native())
	read := func(b *testing.B, box chunk.Box) {
		sel := lz.Index(ndarray.Sl(box.Lo[0], box.Hi[0], 1), ndarray.Sl(box.Lo[1], box.Hi[1], 1), ndarray.Sl(box.Lo[2], box.Hi[2], 1))
		b.SetBytes(box.Size() * 4)
		for b.Loop() {
			if _, err := sel.Compute(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("box", func(b *testing.B) { read(b, chunk.Box{Lo: []int{20, 60, 160}, Hi: []int{146, 120, 260}}) })
	b.Run("chunks", func(b *testing.B) { read(b, chunk.Box{Lo: []int{0, 0, 0}, Hi: []int{146, 120, 360}}) })
}
