package stats

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

type sortCase struct {
	Name     string            `json:"name"`
	Func     string            `json:"func"`
	DType    string            `json:"dtype"`
	Shape    []int             `json:"shape"`
	Data     []json.RawMessage `json:"data"`
	Axis     int               `json:"axis"`
	K        int               `json:"k"`
	OutDType string            `json:"out_dtype"`
	OutShape []int             `json:"out_shape"`
	Out      []json.RawMessage `json:"out"`
}

// TestSortGolden compares Sort and ArgSort with numpy's stable sorts and
// TopK and ArgTopK with dask's, over several chunkings each.
func TestSortGolden(t *testing.T) {
	ctx := context.Background()
	b, err := readTestdata("sort_golden.json")
	require.NoError(t, err)
	var g struct {
		Cases []sortCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &g))
	require.NotEmpty(t, g.Cases)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			dt, err := block.ParseDType(c.DType)
			require.NoError(t, err)
			src := denseOf(t, dt, c.Shape, c.Data)
			for _, spec := range chunkings(c.Shape) {
				a := ndarray.FromDense(src, spec)
				var r *ndarray.Array
				switch c.Func {
				case "sort":
					r = Sort(a, c.Axis)
				case "argsort":
					r = ArgSort(a, c.Axis)
				case "topk":
					r = TopK(a, c.K, c.Axis)
				case "argtopk":
					r = ArgTopK(a, c.K, c.Axis)
				}
				got, err := r.Compute(ctx)
				require.NoError(t, err, spec.String())
				want, err := block.ParseDType(c.OutDType)
				require.NoError(t, err)
				assert.Equal(t, want, got.DType())
				assert.Equal(t, c.OutShape, got.Shape())
				require.Equal(t, len(c.Out), got.Len())
				for i, raw := range c.Out {
					wf, wi, isF := parseNum(t, raw)
					if isF {
						g := got.Float64(i)
						if math.IsNaN(wf) {
							assert.True(t, math.IsNaN(g), "%s [%d]", spec, i)
						} else {
							assert.Equal(t, wf, g, "%s [%d]", spec, i)
						}
					} else {
						assert.Equal(t, wi, intAt(got, i), "%s [%d]", spec, i)
					}
				}
			}
		})
	}
}

func TestSortErrors(t *testing.T) {
	a := ndarray.FromDense(block.Must(block.Float64, 10, 3), chunk.PerAxis(4, 3))
	for _, c := range []struct {
		name string
		arr  *ndarray.Array
		is   error
		msg  string
	}{
		{"k zero", TopK(a, 0, 0), ErrK, "k = 0 for axis 0 of length 10"},
		{"k too large", ArgTopK(a, 11, 0), ErrK, "k = 11"},
		{"k too small", TopK(a, -4, 1), ErrK, "k = -4 for axis 1 of length 3"},
		{"topk axis", TopK(a, 1, 2), ErrAxis, "axis 2 for an array of rank 2"},
		{"sort axis", Sort(a, -3), ErrAxis, "axis -3"},
		{"sort dtype", ArgSort(ndarray.Zeros(block.Bool, []int{4}, chunk.Spec{}), 0), ErrDType, "bool"},
		{"sort memory", Sort(ndarray.Zeros(block.Float64, []int{1 << 20}, chunk.PerAxis(1<<16)), 0, SortMemory(1<<20)), ErrSortMemory, "axis 0 of 1048576 elements needs 8388608 bytes"},
		{"nil", Sort(nil, 0), ndarray.ErrOperand, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.arr.Err()
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
	// bad params from the wire fail the task, not the process
	fn, err := ndarray.LookupFunc("stats.topk")
	require.NoError(t, err)
	_, err = fn(context.Background(), []*block.Dense{block.Must(block.Float64, 3)}, ndarray.BlockInfo{Params: []byte(`{"Axis":4,"K":1}`)})
	assert.Error(t, err)
	fn, err = ndarray.LookupFunc("stats.sort")
	require.NoError(t, err)
	_, err = fn(context.Background(), []*block.Dense{block.Must(block.Float64, 3)}, ndarray.BlockInfo{Params: []byte(`{"Axis":-1}`)})
	assert.Error(t, err)
}

// TestTopKIrregularChunks: positions stay global when the axis's chunks
// are uneven.
func TestTopKIrregularChunks(t *testing.T) {
	ctx := context.Background()
	x, err := block.FromSlice([]float64{4, 9, 1, 8, 0, 7, 3, 6, 2, 5, 11, 10}, 12)
	require.NoError(t, err)
	a := ndarray.FromDense(x, chunk.Explicit([]int{5, 1, 2, 4}))
	got, err := ArgTopK(a, 3, 0).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{10, 11, 1}, got.Data())
	got, err = ArgTopK(a, -2, 0).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{4, 2}, got.Data())
	v, err := TopK(a, -2, 0).Compute(ctx)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 1}, v.Data())
}
