package zarr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
	"github.com/tessera-array/tessera/zarr"
)

// dtypeCase is what testdata/dtypes.py reports of one array.
type dtypeCase struct {
	DType  string            `json:"dtype"`
	Values []json.RawMessage `json:"values"`
}

func dtypesPy(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(python(t), append([]string{"testdata/dtypes.py"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("dtypes.py %v: %v\n%s", args[0], err, msg)
	}
	return out
}

// jsonFloat is dtypes.py's float: a number, or "NaN"/"Infinity"/"-Infinity".
func jsonFloat(x float64) any {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	return x
}

// jsonValues renders a block as dtypes.py renders numpy values, each
// element re-encoded through JSON so the two sides compare as equal text.
func jsonValues(t *testing.T, d *block.Dense) []string {
	t.Helper()
	var vs []any
	switch v := d.Data().(type) {
	case []string:
		for _, s := range v {
			vs = append(vs, s)
		}
	case []complex64:
		for _, c := range v {
			vs = append(vs, []any{jsonFloat(float64(real(c))), jsonFloat(float64(imag(c)))})
		}
	case []complex128:
		for _, c := range v {
			vs = append(vs, []any{jsonFloat(real(c)), jsonFloat(imag(c))})
		}
	case []block.Half:
		for _, h := range v {
			vs = append(vs, jsonFloat(float64(h.Float32())))
		}
	case []int64:
		for _, x := range v {
			vs = append(vs, x)
		}
	case []float64:
		for _, x := range v {
			vs = append(vs, jsonFloat(x))
		}
	default:
		t.Fatalf("jsonValues: %s", d.DType())
	}
	out := make([]string, len(vs))
	for i, x := range vs {
		b, err := json.Marshal(x)
		require.NoError(t, err)
		out[i] = canon(t, b)
	}
	return out
}

// canon re-encodes a JSON value so that 1.0 and 1, -0.0 and -0 compare
// by value: numbers go through float64 (int64 counts stay exact as text).
func canon(t *testing.T, raw []byte) string {
	t.Helper()
	var x any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	require.NoError(t, d.Decode(&x))
	var norm func(any) any
	norm = func(x any) any {
		switch v := x.(type) {
		case json.Number:
			if f, err := v.Float64(); err == nil && f == 0 && math.Signbit(f) {
				return f
			}
			if i, err := v.Int64(); err == nil {
				return i
			}
			f, _ := v.Float64()
			if f == math.Trunc(f) && math.Abs(f) < 1<<53 && !(f == 0 && math.Signbit(f)) {
				return int64(f)
			}
			return f
		case []any:
			for i := range v {
				v[i] = norm(v[i])
			}
		}
		return x
	}
	b, _ := json.Marshal(norm(x))
	return string(b)
}

func canonAll(t *testing.T, raws []json.RawMessage) []string {
	out := make([]string, len(raws))
	for i, r := range raws {
		out[i] = canon(t, r)
	}
	return out
}

// TestTesseraReadsDTypes: every dtype zarr-python 2.13 writes (fixed-width
// strings in both byte orders, object strings with vlen-utf8, datetime64
// and timedelta64 of several units with NaT, float16, complex, a missing
// chunk read as each fill value), an xarray store with a <U3 band and a
// time coordinate, and hand-written zarr-python-3-shaped v3 arrays read as
// numpy reads them.
func TestTesseraReadsDTypes(t *testing.T) {
	dir := t.TempDir()
	var manifest map[string]map[string]dtypeCase
	require.NoError(t, json.Unmarshal(dtypesPy(t, "write", dir), &manifest))
	ctx := context.Background()
	for store, arrays := range manifest {
		s, err := zarr.OpenStore(filepath.Join(dir, store))
		require.NoError(t, err)
		for name, c := range arrays {
			if name == "time_decoded" {
				continue
			}
			t.Run(store+"/"+name, func(t *testing.T) {
				a, err := zarr.OpenArray(ctx, s, name)
				require.NoError(t, err)
				if store != "v3.zarr" {
					assert.Equal(t, c.DType, a.Meta().NumpyType().Typestr())
				}
				d, err := a.ReadAll(ctx)
				require.NoError(t, err)
				if d.DType() == block.Float64 && c.DType == "<i8" {
					t.Skip("int64 coordinate checked below")
				}
				assert.Equal(t, canonAll(t, c.Values), jsonValues(t, d))
			})
		}
	}
	// xarray's store opens as a dataset; the <U3 band coordinate is strings
	// and the CF-encoded time coordinate its int64 counts.
	s, err := zarr.OpenStore(filepath.Join(dir, "xr.zarr"))
	require.NoError(t, err)
	ds, err := zarr.OpenDataset(ctx, s, "", false)
	require.NoError(t, err)
	band, err := ds.Vars["band"].Data.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"red", "grn", "blu"}, block.Values[string](band))
	assert.Equal(t, []string{"band"}, ds.Vars["band"].Dims)
	tm, err := ds.Vars["time"].Data.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{0, 1}, block.Values[int64](tm))
	// with CF decoding too, and on the v3 store whose strings have a fill
	for _, st := range []string{"xr.zarr", "v3.zarr"} {
		s, err := zarr.OpenStore(filepath.Join(dir, st))
		require.NoError(t, err)
		ds, err := zarr.OpenDataset(ctx, s, "", true)
		require.NoError(t, err, st)
		for name, v := range ds.Vars {
			_, err := v.Data.Compute(ctx)
			assert.NoError(t, err, "%s/%s", st, name)
		}
	}
}

// TestZarrPythonReadsTesseraDTypes: tessera copies every v2 array of the
// fixture (dtype, string storage, byte order and fill value kept) into a
// new v2 store, and zarr-python reads the same dtype strings and values.
// The v3 arrays are copied into a v3 store that tessera reads back equal
// (zarr-python 2.13 cannot read v3).
func TestZarrPythonReadsTesseraDTypes(t *testing.T) {
	dir := t.TempDir()
	var manifest map[string]map[string]dtypeCase
	require.NoError(t, json.Unmarshal(dtypesPy(t, "write", dir), &manifest))
	ctx := context.Background()
	for _, format := range []int{2, 3} {
		src := "v2.zarr"
		if format == 3 {
			src = "v3.zarr"
		}
		in, err := zarr.OpenStore(filepath.Join(dir, src))
		require.NoError(t, err)
		outDir := filepath.Join(dir, "out"+src)
		out, err := zarr.OpenStore(outDir)
		require.NoError(t, err)
		_, err = zarr.CreateGroup(ctx, out, "", format, nil)
		require.NoError(t, err)
		names := make([]string, 0, len(manifest[src]))
		for n := range manifest[src] {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			a, err := zarr.OpenArray(ctx, in, name)
			require.NoError(t, err)
			m := a.Meta()
			fill := m.FillValue
			o := zarr.CreateOptions{Format: format, Shape: m.Shape, Chunks: m.Chunks, DType: m.DType, Strings: m.Strings, Fill: &fill, DimensionNames: m.DimensionNames}
			if format == 2 {
				o.ByteOrder = m.ByteOrder
			}
			b, err := zarr.Create(ctx, out, name, o)
			require.NoError(t, err, name)
			d, err := a.ReadAll(ctx)
			require.NoError(t, err)
			if name == "s5fill" || name == "dtfill" {
				// write only the first chunk: the rest must read as the fill
				sub, err := d.SubBlock(chunk.Box{Lo: []int{0}, Hi: []int{2}})
				require.NoError(t, err)
				_, err = b.Write(ctx, chunk.Box{Lo: []int{0}, Hi: []int{2}}, sub)
				require.NoError(t, err)
			} else {
				_, err = b.WriteAll(ctx, d)
				require.NoError(t, err, name)
			}
			back, err := zarr.OpenArray(ctx, out, name)
			require.NoError(t, err)
			got, err := back.ReadAll(ctx)
			require.NoError(t, err)
			assert.True(t, d.Equal(got) || d.DType().IsFloat() || d.DType().IsComplex(), "%s/%s round trip", src, name)
			assert.Equal(t, canonAll(t, manifest[src][name].Values), jsonValues(t, got), "%s/%s read back", src, name)
		}
		if format == 3 {
			continue
		}
		var read map[string]dtypeCase
		require.NoError(t, json.Unmarshal(dtypesPy(t, "read", outDir), &read))
		for _, name := range names {
			want := manifest[src][name]
			assert.Equal(t, want.DType, read[name].DType, name)
			assert.Equal(t, canonAll(t, want.Values), canonAll(t, read[name].Values), name)
		}
	}
}

// TestStringDTypeErrors: arithmetic on strings, over-long strings written
// to a fixed width, and a structured dtype that must not stop the rest of
// its group from opening.
func TestStringDTypeErrors(t *testing.T) {
	ctx := context.Background()
	s := zarr.NewMemoryStore()
	a, err := zarr.Create(ctx, s, "names", zarr.CreateOptions{Format: 2, Shape: []int{2}, Chunks: []int{2}, DType: block.String,
		Strings: zarr.StringStorage{Kind: block.StringUnicode, Width: 3}})
	require.NoError(t, err)
	d, err := block.FromSlice([]string{"ok", "toolong"}, 2)
	require.NoError(t, err)
	_, err = a.WriteAll(ctx, d)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "element [1]")
	assert.Contains(t, err.Error(), "toolong")

	d, _ = block.FromSlice([]string{"ok", "yes"}, 2)
	_, err = a.WriteAll(ctx, d)
	require.NoError(t, err)
	lazy := a.Lazy(chunk.Auto())
	sum := ndarray.Add(lazy, lazy)
	require.Error(t, sum.Err())
	assert.ErrorIs(t, sum.Err(), ndarray.ErrOpDType)
	assert.ErrorIs(t, sum.Err(), block.ErrUnsupported)
	assert.Contains(t, sum.Err().Error(), "string")
	assert.ErrorIs(t, ndarray.Add(lazy, 1).Err(), ndarray.ErrOpDType)
	assert.ErrorIs(t, reduce.Sum(lazy).Err(), ndarray.ErrOpDType)
	assert.ErrorIs(t, lazy.AsType(block.Float64, block.OverflowError).Err(), block.ErrUnsupported)
	got, err := lazy.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ok", "yes"}, block.Values[string](got))
	// strings are moved like any block: gathered and rechunked
	rev, err := lazy.Index(ndarray.List(1, 0, 1)).Rechunk(chunk.PerAxis(1)).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"yes", "ok", "yes"}, block.Values[string](rev))
	_, err = lazy.Index(ndarray.At(0)).Float64(ctx)
	assert.ErrorIs(t, err, block.ErrUnsupported)
	// a lazy string array stored through a sink, in both formats
	for _, f := range []int{2, 3} {
		out := zarr.NewMemoryStore()
		c, _, err := zarr.ToZarr(ctx, lazy.Index(ndarray.List(1, 0)), out, "copy", zarr.CreateOptions{Format: f, Strings: zarr.StringStorage{Kind: block.StringUnicode, Width: 3}})
		require.NoError(t, err)
		back, err := c.ReadAll(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"yes", "ok"}, block.Values[string](back))
		assert.Equal(t, "<U3", c.Meta().NumpyType().Typestr())
	}

	// a structured array beside a good one
	require.NoError(t, s.Set(ctx, "rec/.zarray", []byte(`{"zarr_format":2,"shape":[2],"chunks":[2],"dtype":[["a","<i4"]],"compressor":null,"fill_value":null,"order":"C","filters":null}`)))
	require.NoError(t, s.Set(ctx, "v8/.zarray", []byte(`{"zarr_format":2,"shape":[2],"chunks":[2],"dtype":"|V8","compressor":null,"fill_value":null,"order":"C","filters":null}`)))
	for _, bad := range []string{"rec", "v8"} {
		_, err = zarr.OpenArray(ctx, s, bad)
		assert.ErrorIs(t, err, zarr.ErrDType, bad)
		assert.ErrorIs(t, err, zarr.ErrMetadata, bad)
		assert.Contains(t, err.Error(), bad)
	}
	_, err = zarr.OpenArray(ctx, s, "names")
	assert.NoError(t, err)
}

// TestDateTimeCompareMinMax: datetimes compare with numpy's NaT rule and
// reduce with min and max (NaT propagates, as numpy's np.max does).
func TestDateTimeCompareMinMax(t *testing.T) {
	ctx := context.Background()
	dt := block.DateTime64(block.UnitSecond)
	x, err := block.WrapDType(dt, []int64{10, block.NaT, 30, 5}, 4)
	require.NoError(t, err)
	y, err := block.WrapDType(dt, []int64{10, 1, 20, 6}, 4)
	require.NoError(t, err)
	ax, ay := ndarray.FromDense(x, chunk.Spec{}), ndarray.FromDense(y, chunk.Spec{})
	lt, err := ndarray.Less(ax, ay).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []bool{false, false, false, true}, block.Values[bool](lt))
	ne, err := ndarray.NotEqual(ax, ay).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []bool{false, true, true, true}, block.Values[bool](ne))
	mx, err := reduce.Max(ay).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, dt, mx.DType())
	assert.Equal(t, []int64{20}, block.Values[int64](mx))
	mn, err := reduce.Max(ax).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{block.NaT}, block.Values[int64](mn))
	assert.ErrorIs(t, ndarray.Add(ax, ay).Err(), ndarray.ErrOpDType, "datetime + datetime")
	assert.ErrorIs(t, reduce.Mean(ax).Err(), ndarray.ErrOpDType)

	// numpy's datetime arithmetic: datetime - datetime is a timedelta,
	// datetime + timedelta a datetime, NaT propagates
	diff := ndarray.Sub(ax, ay)
	require.NoError(t, diff.Err())
	assert.Equal(t, block.TimeDelta64(block.UnitSecond), diff.DType())
	dd, err := diff.Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{0, block.NaT, 10, -1}, block.Values[int64](dd))
	later, err := ndarray.Add(ay, diff).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, dt, later.DType())
	assert.Equal(t, []int64{10, block.NaT, 30, 5}, block.Values[int64](later))
	pos, err := ndarray.Greater(diff, ndarray.Sub(ay, ay)).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []bool{false, false, true, false}, block.Values[bool](pos))
	ms, _ := block.WrapDType(block.DateTime64(block.UnitMilli), []int64{1, 2, 3, 4}, 4)
	assert.ErrorIs(t, ndarray.Sub(ax, ndarray.FromDense(ms, chunk.Spec{})).Err(), ndarray.ErrOpDType, "units differ")
	assert.ErrorIs(t, ndarray.Sub(diff, ax).Err(), ndarray.ErrOpDType, "timedelta - datetime")
	assert.ErrorIs(t, ndarray.Add(ax, 1).Err(), ndarray.ErrOpDType, "datetime + int")
}
