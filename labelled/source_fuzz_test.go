package labelled

import (
	"context"
	binenc "encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// FuzzCFDecode checks cfDecode's lazy CF unpacking of int16 data against
// the CF rule applied element by element: fill or missing value → NaN,
// else stored·scale + offset. Seeds are pr4.nc's packed tmin (scale 0.1,
// offset 273.15, _FillValue -32767; raster/testdata/make_netcdf.py).
func FuzzCFDecode(f *testing.F) {
	f.Add([]byte{0x9c, 0xff, 0x01, 0x80, 0x90, 0x01}, int16(-32767), int16(-100), 0.1, 273.15, true, true, true)
	f.Add([]byte{0, 0, 1, 0}, int16(0), int16(1), 1.0, 0.0, false, true, false)
	f.Fuzz(func(t *testing.T, raw []byte, fill, missing int16, scale, offset float64, hasScale, hasFill, hasMissing bool) {
		if len(raw) > 256 {
			raw = raw[:256] // sizes bounded first
		}
		n := len(raw) / 2
		vals := make([]int16, n)
		for k := range vals {
			vals[k] = int16(binenc.LittleEndian.Uint16(raw[2*k:]))
		}
		d, err := block.FromSlice(vals, n)
		require.NoError(t, err)
		attrs := map[string]any{"units": "K"}
		if hasScale {
			attrs["scale_factor"], attrs["add_offset"] = scale, offset
		}
		if hasFill {
			attrs["_FillValue"] = fill
		}
		if hasMissing {
			attrs["missing_value"] = []int16{missing}
		}
		// xarray's dtypes: masking promotes int16 to float32, which
		// scaling keeps; scaling alone, with an offset, gives float64.
		wantDT := block.Int16
		switch {
		case hasFill || hasMissing:
			wantDT = block.Float32
		case hasScale:
			wantDT = block.Float64
		}
		out, rest, enc, err := cfDecode(ndarray.FromDense(d, chunk.Uniform(7)), block.Int16, attrs, true, true)
		require.NoError(t, err)
		assert.Equal(t, "int16", enc["dtype"])
		assert.NotContains(t, rest, "_FillValue")
		assert.NotContains(t, rest, "scale_factor")
		assert.Equal(t, "K", rest["units"])
		got, err := out.Compute(context.Background())
		require.NoError(t, err)
		assert.Equal(t, wantDT, got.DType())
		gv := got.Float64s()
		require.Len(t, gv, n)
		for k, v := range vals {
			want := float64(v)
			if hasScale {
				want = want*scale + offset
			}
			if (hasFill && v == fill) || (hasMissing && v == missing) {
				want = math.NaN()
			}
			switch {
			case math.IsNaN(want):
				assert.True(t, math.IsNaN(gv[k]), "element %d: %v", k, gv[k])
			case got.DType() == block.Float64:
				assert.Equal(t, want, gv[k], "element %d", k)
			case math.Abs(want) < 3e38:
				// float32, as xarray decodes small packed ints: rounded once
				// or twice from the float64 value.
				assert.InDelta(t, want, gv[k], 1e-6*math.Abs(want)+1e-37, "element %d", k)
			}
		}
	})
}

func TestCFDecodeBadAttrs(t *testing.T) {
	d, err := block.FromSlice([]int16{1, 2}, 2)
	require.NoError(t, err)
	x := ndarray.FromDense(d, chunk.Spec{})
	for _, attrs := range []map[string]any{
		{"_FillValue": "none"},
		{"missing_value": []any{"a"}},
		{"scale_factor": []float64{1, 2}},
		{"add_offset": "x"},
	} {
		_, _, _, err := cfDecode(x, block.Int16, attrs, true, true)
		assert.ErrorIs(t, err, ErrCoord, "%v", attrs)
	}
}

// FuzzDateFromName checks that a date DateFromName finds is written in
// the name: formatting it back with the layout gives a run of the name.
// Seeds are the file names of testdata/xr_mf.py.
func FuzzDateFromName(f *testing.F) {
	for _, s := range []string{"m_x_20200301.nc", "m_a_20200101.nc", "a.nc", "/tmp/x/tas_19991231_v2.nc", "20201399.nc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if len(name) > 512 {
			name = name[:512] // sizes bounded first
		}
		v, err := DateFromName("20060102")(name)
		if err != nil {
			assert.ErrorIs(t, err, ErrArgument)
			return
		}
		tm, ok := v.(cftime.Time)
		require.True(t, ok, "%T", v)
		s := fmt.Sprintf("%04d%02d%02d", tm.Year(), tm.Month(), tm.Day())
		assert.Contains(t, filepath.Base(name), s)
	})
}
