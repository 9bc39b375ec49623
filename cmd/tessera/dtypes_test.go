package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/zarr"
)

// TestInfoDTypes: info lists arrays of string and datetime dtypes, and a
// structured array it cannot read is listed as such without failing the
// command (before issue 13 a <U3 array failed the whole group).
func TestInfoDTypes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s.zarr")
	s, err := zarr.NewDirectoryStore(dir)
	require.NoError(t, err)
	_, err = zarr.CreateGroup(ctx, s, "", 2, nil)
	require.NoError(t, err)
	_, err = zarr.Create(ctx, s, "band", zarr.CreateOptions{Format: 2, Shape: []int{3}, DType: block.String,
		Strings: zarr.StringStorage{Kind: block.StringUnicode, Width: 3}, DimensionNames: []string{"band"}})
	require.NoError(t, err)
	_, err = zarr.Create(ctx, s, "time", zarr.CreateOptions{Format: 2, Shape: []int{2}, DType: block.DateTime64(block.UnitNano)})
	require.NoError(t, err)
	require.NoError(t, s.Set(ctx, "rec/.zarray", []byte(`{"zarr_format":2,"shape":[2],"chunks":[2],"dtype":"|V8","compressor":null,"fill_value":null,"order":"C","filters":null}`)))
	out, code := tessera(t, "info", dir)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "band  array v2  string  shape [3]")
	assert.Contains(t, out, "time  array v2  datetime64[ns]  shape [2]")
	assert.Contains(t, out, `rec  array  unsupported dtype`)
	assert.Contains(t, out, `"|V8"`)
}
