package zarr_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// fixtureSteps builds, lazily, time steps t0..t0+n-1 of the dataset that
// testdata/xarray_write.py's dataset(t0, n) makes (decoded values: time as
// stored days, refl as floats), one block per variable, so that appending
// it exercises the rechunk onto the store's chunks.
func fixtureSteps(t *testing.T, t0, n int) zarr.Dataset {
	const ny, nx = 3, 4
	tm := make([]int64, n)
	month := make([]int64, n)
	temp := make([]float64, n*ny*nx)
	refl := make([]float64, n*ny*nx)
	count := make([]int64, n*ny*nx)
	for i := range n {
		tm[i] = int64(t0 + i)
		month[i] = int64(t0+i) % 12
		for y := range ny {
			for x := range nx {
				k := t0 + i + 10*y + 100*x
				j := (i*ny+y)*nx + x
				temp[j], refl[j], count[j] = float64(k)*0.5, float64(k)*0.01+20, int64(k%4)
				if k%7 == 0 {
					temp[j] = math.NaN()
				}
				if k%5 == 0 {
					refl[j] = math.NaN()
				}
			}
		}
	}
	whole := chunk.Spec{All: &chunk.AxisSpec{Kind: chunk.AxisWhole}}
	lazy := func(d *block.Dense) *ndarray.Array { return ndarray.FromDense(d, whole) }
	txy := []string{"time", "y", "x"}
	return zarr.Dataset{Vars: map[string]zarr.Variable{
		"time":  {Dims: []string{"time"}, Data: lazy(must(t)(block.FromSlice(tm, n)))},
		"month": {Dims: []string{"time"}, Data: lazy(must(t)(block.FromSlice(month, n)))},
		"temp":  {Dims: txy, Data: lazy(must(t)(block.FromSlice(temp, n, ny, nx)))},
		"refl":  {Dims: txy, Data: lazy(must(t)(block.FromSlice(refl, n, ny, nx)))},
		"count": {Dims: txy, Data: lazy(must(t)(block.FromSlice(count, n, ny, nx)))},
	}}
}

// TestAppendDatasetXarrayReads: tessera appends three time steps lazily to
// a store xarray wrote (5 steps in chunks of 2, so the last old chunk is
// completed by a read-modify-write), and xarray reads the grown store as
// the same rule over 8 steps: coords, packing, fills and all. Consolidated
// metadata is rewritten, so xarray's default open sees the new shape.
func TestAppendDatasetXarrayReads(t *testing.T) {
	for _, consolidated := range []bool{true, false} {
		name := map[bool]string{true: "consolidated", false: "unconsolidated"}[consolidated]
		t.Run(name, func(t *testing.T) {
			d := filepath.Join(t.TempDir(), "ref.zarr")
			args := []string{"make", d}
			if !consolidated {
				args = append(args, "--unconsolidated")
			}
			xw(t, args...)
			s := dirStore(t, d)
			require.NoError(t, zarr.AppendDataset(ctx, s, "", "time", fixtureSteps(t, 5, 3)))
			xw(t, "expected", d, "3")
			a, err := zarr.OpenArray(ctx, s, "count")
			require.NoError(t, err)
			assert.Equal(t, []int{8, 3, 4}, a.Shape())
		})
	}
}

// TestTesseraReadsXarrayAppend: xarray appends to a store tessera wrote;
// tessera reads the grown variables.
func TestTesseraReadsXarrayAppend(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.zarr")
	xw(t, "make", ref)
	ds, err := zarr.OpenDataset(ctx, dirStore(t, ref), "", true)
	require.NoError(t, err)
	out := filepath.Join(dir, "out.zarr")
	require.NoError(t, zarr.WriteDataset(ctx, dirStore(t, out), "", *ds, 2))
	xw(t, "append", out, "2")
	xw(t, "expected", out, "2")

	back, err := zarr.OpenDataset(ctx, dirStore(t, out), "", true)
	require.NoError(t, err)
	want := fixtureSteps(t, 0, 7)
	for _, name := range []string{"time", "month", "count", "temp", "refl"} {
		got, err := back.Vars[name].Data.Compute(ctx)
		require.NoError(t, err, name)
		w, err := want.Vars[name].Data.AsType(block.Float64, block.OverflowWrap).Compute(ctx)
		require.NoError(t, err)
		g, err := got.AsType(block.Float64, block.CastOptions{})
		require.NoError(t, err)
		gv, wv := block.Values[float64](g), block.Values[float64](w)
		require.Len(t, gv, len(wv), name)
		for i := range wv {
			if math.IsNaN(wv[i]) {
				assert.True(t, math.IsNaN(gv[i]), "%s[%d]", name, i)
			} else {
				assert.InDelta(t, wv[i], gv[i], 1e-9, "%s[%d]", name, i)
			}
		}
	}
}

// TestAppendLazyFailureKeepsOldShape: when a block of the appended data
// fails part-way (a corrupt source chunk), the array's metadata still has
// its old shape and its old data read back unchanged.
func TestAppendLazyFailureKeepsOldShape(t *testing.T) {
	s := zarr.NewMemoryStore()
	old := ndarray.Random([]int{6, 4}, chunk.PerAxis(4, 4), 1)
	a, _, err := zarr.ToZarr(ctx, old, s, "a", zarr.CreateOptions{Format: 3})
	require.NoError(t, err)
	src, _, err := zarr.ToZarr(ctx, ndarray.Random([]int{8, 4}, chunk.PerAxis(2, 4), 2), s, "src", zarr.CreateOptions{Format: 3})
	require.NoError(t, err)
	require.NoError(t, s.Set(ctx, src.ChunkKey([]int{3, 0}), []byte("not zstd")))
	_, err = a.AppendLazy(ctx, 0, src.Lazy(chunk.Native()))
	require.Error(t, err)

	re, err := zarr.OpenArray(ctx, s, "a")
	require.NoError(t, err)
	assert.Equal(t, []int{6, 4}, re.Shape())
	got, err := re.ReadAll(ctx)
	require.NoError(t, err)
	want, err := old.Compute(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(want))

	// A good append then works, and grows the shape.
	more := ndarray.Random([]int{5, 4}, chunk.PerAxis(3, 4), 3)
	_, err = re.AppendLazy(ctx, 0, more)
	require.NoError(t, err)
	re2, err := zarr.OpenArray(ctx, s, "a")
	require.NoError(t, err)
	require.Equal(t, []int{11, 4}, re2.Shape())
	all, err := ndarray.Concatenate([]*ndarray.Array{old, more}, 0).Compute(ctx)
	require.NoError(t, err)
	got, err = re2.ReadAll(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(all))
}

// TestWriteRegionUnaligned: a lazy region write that starts and ends inside
// chunks rewrites exactly the region (partial chunks read-modify-written),
// leaving the rest of each chunk; out-of-bounds and wrong dtypes are
// refused before anything is written.
func TestWriteRegionUnaligned(t *testing.T) {
	s := zarr.NewMemoryStore()
	a, err := zarr.Create(ctx, s, "r", zarr.CreateOptions{Format: 2, Shape: []int{10, 9}, DType: block.Float64, Chunks: []int{4, 4}})
	require.NoError(t, err)
	base := make([]float64, 90)
	for i := range base {
		base[i] = -1
	}
	_, err = a.WriteAll(ctx, must(t)(block.FromSlice(base, 10, 9)))
	require.NoError(t, err)
	x := ndarray.Random([]int{5, 6}, chunk.PerAxis(2, 5), 7)
	xd, err := x.Compute(ctx)
	require.NoError(t, err)
	_, err = a.WriteRegion(ctx, []int{3, 1}, x)
	require.NoError(t, err)
	got, err := a.ReadAll(ctx)
	require.NoError(t, err)
	g, xv := block.Values[float64](got), block.Values[float64](xd)
	for i := range 10 {
		for j := range 9 {
			want := -1.0
			if i >= 3 && i < 8 && j >= 1 && j < 7 {
				want = xv[(i-3)*6+(j-1)]
			}
			require.Equal(t, want, g[i*9+j], "[%d,%d]", i, j)
		}
	}
	_, err = a.WriteRegion(ctx, []int{6, 1}, x)
	assert.ErrorIs(t, err, zarr.ErrRegion)
	_, err = a.WriteRegion(ctx, []int{0, 0}, x.AsType(block.Float32, block.OverflowError))
	assert.ErrorIs(t, err, zarr.ErrRegion)

	// The dataset form packs as the stored variable does.
	ds := zarr.Dataset{Vars: map[string]zarr.Variable{"r": {Dims: []string{"a", "b"}, Data: ndarray.Full(block.Float64, 5, []int{2, 2}, chunk.PerAxis(2, 2))}}}
	require.NoError(t, zarr.WriteDatasetRegion(ctx, s, "", ds, map[string]int{"a": 8, "b": 7}))
	got, err = a.ReadAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5.0, block.Values[float64](got)[9*9+8])
	assert.Equal(t, -1.0, block.Values[float64](got)[7*9+8])
}
