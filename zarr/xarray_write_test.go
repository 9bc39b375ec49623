package zarr_test

import (
	"context"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// xw runs testdata/xarray_write.py (the script that makes and checks these
// fixtures with the real xarray) and returns its stdout; a non-zero exit
// fails the test with the script's stderr.
func xw(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(python(t), append([]string{"testdata/xarray_write.py"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		require.NoError(t, err, "xarray_write.py %v:\n%s", args, stderr)
	}
	return string(out)
}

func dirStore(t *testing.T, p string) *zarr.DirectoryStore {
	t.Helper()
	s, err := zarr.NewDirectoryStore(p)
	require.NoError(t, err)
	return s
}

// TestXarrayReadsTesseraWritesAsWritten: xarray writes a dataset with an
// int month coordinate holding 0 and a "days since" time whose first
// value is 0; tessera opens it and writes it again; xarray reads back the
// same dims, coords, attrs, dtypes and values (month stays int64 with its
// zeros, the first time is not NaT, the packed variable keeps its
// _FillValue). Before null fill values, month came back float64 with NaN.
func TestXarrayReadsTesseraWritesAsWritten(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.zarr")
	xw(t, "make", ref)
	for _, tc := range []struct {
		name   string
		decode bool
	}{{"decoded", true}, {"raw", false}} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := zarr.OpenDataset(ctx, dirStore(t, ref), "", tc.decode)
			require.NoError(t, err)
			out := filepath.Join(dir, tc.name+".zarr")
			require.NoError(t, zarr.WriteDataset(ctx, dirStore(t, out), "", *ds, 2))
			xw(t, "check", ref, out)

			m, err := zarr.OpenArray(ctx, dirStore(t, out), "month")
			require.NoError(t, err)
			assert.False(t, m.Meta().FillValue.Defined, "month has no _FillValue, so no fill_value")
			r, err := zarr.OpenArray(ctx, dirStore(t, out), "refl")
			require.NoError(t, err)
			assert.True(t, r.Meta().FillValue.Defined)
			assert.Equal(t, -999.0, r.Meta().FillValue.Value)
			assert.Equal(t, block.Int16, r.DType())
		})
	}
}

// TestDatasetV3FillValueAsXarray: in v3 the fill value travels as xarray's
// _FillValue attribute (base64 float64 for floats, an integer for ints)
// and a variable without one has no attribute (fill_value 0, the v3
// default, is no mask); reading back masks exactly what was written.
func TestDatasetV3FillValueAsXarray(t *testing.T) {
	s := zarr.NewMemoryStore()
	month := ndarray.FromDense(must(t)(block.FromSlice([]int64{0, 1, 2, 0}, 4)), chunk.PerAxis(2))
	temp := ndarray.FromDense(must(t)(block.FromSlice([]float64{1, math.NaN(), 0, 3}, 4)), chunk.PerAxis(2))
	fv := -1.0
	ds := zarr.Dataset{Vars: map[string]zarr.Variable{
		"month": {Dims: []string{"t"}, Data: month},
		"temp":  {Dims: []string{"t"}, Data: temp},
		"q":     {Dims: []string{"t"}, Data: temp, Encoding: zarr.Encoding{DType: block.Int8, FillValue: &fv}},
	}}
	require.NoError(t, zarr.WriteDataset(ctx, s, "", ds, 3))
	b, err := s.Get(ctx, "temp/zarr.json")
	require.NoError(t, err)
	var meta struct {
		Attributes map[string]any `json:"attributes"`
		FillValue  any            `json:"fill_value"`
	}
	require.NoError(t, json.Unmarshal(b, &meta))
	assert.Equal(t, "AAAAAAAA+H8=", meta.Attributes["_FillValue"], "xarray's FillValueCoder encoding of NaN")
	b, err = s.Get(ctx, "month/zarr.json")
	require.NoError(t, err)
	meta.Attributes = nil
	require.NoError(t, json.Unmarshal(b, &meta))
	assert.NotContains(t, meta.Attributes, "_FillValue")
	assert.Equal(t, 0.0, meta.FillValue)
	b, err = s.Get(ctx, "q/zarr.json")
	require.NoError(t, err)
	meta.Attributes = nil
	require.NoError(t, json.Unmarshal(b, &meta))
	assert.Equal(t, -1.0, meta.Attributes["_FillValue"])

	back, err := zarr.OpenDataset(ctx, s, "", true)
	require.NoError(t, err)
	got, err := back.Vars["month"].Data.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{0, 1, 2, 0}, block.Values[int64](got), "zeros are not masked")
	got, err = back.Vars["q"].Data.Compute(ctx)
	require.NoError(t, err)
	q := block.Values[float64](got)
	assert.True(t, math.IsNaN(q[1]))
	assert.Equal(t, []float64{1, 0, 3}, []float64{q[0], q[2], q[3]})
}

// TestPackWithFillMatchesXarray: ScaleOffset packing with a fill value
// stores what xarray's CF encoder stores (NaN as _FillValue) under every
// overflow policy, eagerly and lazily, and unpacking gives NaN back.
func TestPackWithFillMatchesXarray(t *testing.T) {
	var ref struct {
		Data    []*float64 `json:"data"`
		Stored  []int16    `json:"stored"`
		Decoded []*float64 `json:"decoded"`
	}
	require.NoError(t, json.Unmarshal([]byte(xw(t, "pack")), &ref))
	data := make([]float64, len(ref.Data))
	for i, p := range ref.Data {
		data[i] = math.NaN()
		if p != nil {
			data[i] = *p
		}
	}
	src := must(t)(block.FromSlice(data, 2, 4))
	fill := -999.0
	so := block.ScaleOffset{Scale: 0.01, Offset: 10, Fill: &fill}
	for _, pol := range []block.Overflow{block.OverflowError, block.OverflowClip, block.OverflowWrap} {
		t.Run(pol.String(), func(t *testing.T) {
			packed, err := so.Pack(src, block.Int16, pol)
			require.NoError(t, err)
			assert.Equal(t, ref.Stored, block.Values[int16](packed))
			lazy, err := ndarray.FromDense(src, chunk.PerAxis(1, 3)).Pack(so, block.Int16, pol).Compute(ctx)
			require.NoError(t, err)
			assert.Equal(t, ref.Stored, block.Values[int16](lazy))

			un, err := so.Unpack(packed, block.Float64)
			require.NoError(t, err)
			lun, err := ndarray.FromDense(packed, chunk.PerAxis(2, 2)).Unpack(so, block.Float64).Compute(ctx)
			require.NoError(t, err)
			for i, want := range ref.Decoded {
				for _, got := range []float64{block.Values[float64](un)[i], block.Values[float64](lun)[i]} {
					if want == nil {
						assert.True(t, math.IsNaN(got), "element %d", i)
					} else {
						assert.InDelta(t, *want, got, 1e-4, "element %d", i) // xarray decodes int16 to float32
					}
				}
			}
		})
	}
	// Without a fill, NaN is still refused by OverflowError.
	_, err := block.ScaleOffset{Scale: 0.01, Offset: 10}.Pack(src, block.Int16, block.OverflowError)
	assert.ErrorIs(t, err, block.ErrOverflow)
	// A fill the stored type cannot hold is refused, eagerly and lazily.
	big := 40000.0
	_, err = block.ScaleOffset{Scale: 1, Fill: &big}.Pack(src, block.Int16, block.OverflowClip)
	assert.ErrorIs(t, err, block.ErrOverflow)
	assert.ErrorIs(t, ndarray.FromDense(src, chunk.PerAxis(2, 2)).Pack(block.ScaleOffset{Scale: 1, Fill: &big}, block.Int16, block.OverflowClip).Err(), block.ErrOverflow)
	_, err = so.Unpack(must(t)(block.FromSlice([]int16{1}, 1)), block.Int32)
	assert.ErrorIs(t, err, block.ErrOverflow, "NaN needs a float type")
}

// countingExec counts graph runs and the zarr.read tasks of each graph.
type countingExec struct {
	inner cluster.Executor
	mu    sync.Mutex
	runs  int
	reads int
}

func (c *countingExec) Run(ctx context.Context, g *cluster.Graph, want []cluster.Key, emit func(cluster.Key, cluster.Value) error) error {
	c.mu.Lock()
	c.runs++
	for _, k := range g.Keys() {
		if tk, ok := g.Task(k); ok && tk.Op.Kind() == "zarr.read" {
			c.reads++
		}
	}
	c.mu.Unlock()
	return c.inner.Run(ctx, g, want, emit)
}

// TestWriteDatasetOnePass: four variables derived from one lazily read
// source are written in one graph run that reads each source chunk once
// (before, each variable ran its own graph and read the source again).
func TestWriteDatasetOnePass(t *testing.T) {
	dir := t.TempDir()
	src := dirStore(t, filepath.Join(dir, "src.zarr"))
	x := ndarray.Random([]int{40, 30}, chunk.PerAxis(10, 10), 1)
	_, _, err := zarr.ToZarr(ctx, x, src, "x", zarr.CreateOptions{Format: 2})
	require.NoError(t, err)
	a, err := zarr.OpenArray(ctx, src, "x")
	require.NoError(t, err)
	lx := a.Lazy(chunk.Native())
	ds := zarr.Dataset{Vars: map[string]zarr.Variable{
		"a": {Dims: []string{"y", "x"}, Data: lx},
		"b": {Dims: []string{"y", "x"}, Data: ndarray.Mul(lx, 2.0)},
		"c": {Dims: []string{"y", "x"}, Data: ndarray.Add(lx, 1.0)},
		"d": {Dims: []string{"y", "x"}, Data: lx, Encoding: zarr.Encoding{DType: block.Int16, ScaleFactor: 1e-4}},
	}}
	ex := &countingExec{inner: cluster.NewLocal(cluster.LocalOptions{Workers: 2})}
	out := dirStore(t, filepath.Join(dir, "out.zarr"))
	require.NoError(t, zarr.WriteDataset(ctx, out, "", ds, 2, ndarray.WithExecutor(ex)))
	assert.Equal(t, 1, ex.runs, "one graph run for the four variables")
	assert.Equal(t, 12, ex.reads, "each of the 12 source chunks read once")

	want, err := x.Compute(ctx)
	require.NoError(t, err)
	back, err := zarr.OpenDataset(ctx, out, "", true)
	require.NoError(t, err)
	for name, f := range map[string]func(float64) float64{"a": func(v float64) float64 { return v }, "b": func(v float64) float64 { return 2 * v }, "c": func(v float64) float64 { return v + 1 }} {
		got, err := back.Vars[name].Data.Compute(ctx)
		require.NoError(t, err)
		g := block.Values[float64](got)
		for i, v := range block.Values[float64](want) {
			require.Equal(t, f(v), g[i], "%s[%d]", name, i)
		}
	}
	got, err := back.Vars["d"].Data.Compute(ctx)
	require.NoError(t, err)
	for i, v := range block.Values[float64](want) {
		require.InDelta(t, v, block.Values[float64](got)[i], 0.5e-4+1e-12)
	}
}

// TestWriteIrregularChunksRechunked: irregular chunks (and blocks that do
// not cover whole requested chunks) are rechunked to a regular grid before
// any metadata is written; nothing is refused after the array exists.
func TestWriteIrregularChunksRechunked(t *testing.T) {
	x := ndarray.Concatenate([]*ndarray.Array{
		ndarray.Random([]int{7, 5}, chunk.PerAxis(3, 5), 1),
		ndarray.Random([]int{9, 5}, chunk.PerAxis(5, 5), 2),
	}, 0)
	require.NoError(t, x.Err())
	_, regular := x.Grid().Regular()
	require.False(t, regular, "the test needs irregular chunks")
	want, err := x.Compute(ctx)
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		chunks []int
	}{{"default", nil}, {"misaligned", []int{4, 2}}} {
		t.Run(tc.name, func(t *testing.T) {
			s := zarr.NewMemoryStore()
			a, _, err := zarr.ToZarr(ctx, x, s, "x", zarr.CreateOptions{Format: 2, Chunks: tc.chunks})
			require.NoError(t, err)
			if tc.chunks != nil {
				assert.Equal(t, tc.chunks, a.Chunks())
			} else {
				assert.Equal(t, []int{5, 5}, a.Chunks(), "the largest chunk on each axis")
			}
			got, err := a.ReadAll(ctx)
			require.NoError(t, err)
			assert.True(t, got.Equal(want))
			ds := zarr.Dataset{Vars: map[string]zarr.Variable{"x": {Dims: []string{"a", "b"}, Data: x, Encoding: zarr.Encoding{Chunks: tc.chunks}}}}
			require.NoError(t, zarr.WriteDataset(ctx, s, "ds", ds, 3))
			b, err := zarr.OpenArray(ctx, s, "ds/x")
			require.NoError(t, err)
			got, err = b.ReadAll(ctx)
			require.NoError(t, err)
			assert.True(t, got.Equal(want))
		})
	}
}

// must returns a function that fails the test on a non-nil error and
// returns the block.
func must(t *testing.T) func(*block.Dense, error) *block.Dense {
	return func(d *block.Dense, err error) *block.Dense {
		t.Helper()
		require.NoError(t, err)
		return d
	}
}
