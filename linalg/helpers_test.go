package linalg_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// nums is a JSON list of numbers where null stands for NaN (JSON has no
// NaN).
type nums []float64

func (n *nums) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = nil
		return nil
	}
	var p []*float64
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*n = make(nums, len(p))
	for i, v := range p {
		if v == nil {
			(*n)[i] = math.NaN()
		} else {
			(*n)[i] = *v
		}
	}
	return nil
}

func loadJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}

// lazy makes a lazy array of dtype dt from values, cut by spec.
func lazy(t *testing.T, dt string, vals []float64, shape []int, spec chunk.Spec) *ndarray.Array {
	t.Helper()
	d, err := block.FromSlice(append([]float64(nil), vals...), shape...)
	require.NoError(t, err)
	if dt != "float64" {
		want, err := block.ParseDType(dt)
		require.NoError(t, err)
		d, err = d.AsType(want, block.CastOptions{})
		require.NoError(t, err)
	}
	return ndarray.FromDense(d, spec)
}

func compute(t *testing.T, a *ndarray.Array) *block.Dense {
	t.Helper()
	require.NoError(t, a.Err())
	d, err := a.Compute(context.Background())
	require.NoError(t, err)
	return d
}

// close reports whether got and want agree within tol relative to the
// scale of want (NaN matches NaN).
func closeTo(got, want []float64, tol float64) (int, bool) {
	if len(got) != len(want) {
		return -1, false
	}
	scale := 1.0
	for _, w := range want {
		if !math.IsNaN(w) {
			scale = math.Max(scale, math.Abs(w))
		}
	}
	for i := range got {
		if math.IsNaN(want[i]) != math.IsNaN(got[i]) {
			return i, false
		}
		if !math.IsNaN(want[i]) && math.Abs(got[i]-want[i]) > tol*scale {
			return i, false
		}
	}
	return 0, true
}
