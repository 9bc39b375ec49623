package reduce

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// accuracyGolden is testdata/sum_accuracy_golden.json, written by
// testdata/gen_sum_accuracy.py with numpy.
type accuracyGolden struct {
	N     int `json:"n"`
	Cases []struct {
		DType string    `json:"dtype"`
		Kind  string    `json:"kind"`
		Shape []int     `json:"shape"`
		Axis  *int      `json:"axis"`
		Exact []float64 `json:"exact"`
		Numpy []float64 `json:"numpy"`
	} `json:"cases"`
}

// adversarial fills d with gen_sum_accuracy.py's values: tiny values on
// top of ±1e8 (float64) or ±1e4 (float32) of pseudo-random sign, so the
// sum cancels, and NaN at every index ≡ 3 mod 1000 when nan is set.
func adversarial(d *block.Dense, nan bool) {
	n := d.Len()
	for i := range n {
		u := uint64(i)*6364136223846793005 + 1442695040888963407
		small := float64(u>>11)/(1<<53) - 0.5
		big := 1e8
		if d.DType() == block.Float32 {
			big = 1e4
		}
		if (u>>40)&1 == 0 {
			big = -big
		}
		x := small + big
		if nan && i%1000 == 3 {
			x = math.NaN()
		}
		switch s := d.Data().(type) {
		case []float64:
			s[i] = x
		case []float32:
			s[i] = float32(x)
		}
	}
}

// TestSumAccuracyNotWorseThanNumpy checks the accuracy contract on 10^7
// cancelling values: the error of Sum and NanSum, over every axis (the
// tile path) and over axis 0 of an (n/8, 8) array (the blocked
// per-element path), under several chunkings, is at most numpy's error on
// the same data (pairwise over all, sequential along axis 0), or one ulp
// of the result dtype at the exact sum when numpy happens to be closer.
func TestSumAccuracyNotWorseThanNumpy(t *testing.T) {
	if testing.Short() {
		t.Skip("10^7 elements")
	}
	raw, err := os.ReadFile("testdata/sum_accuracy_golden.json")
	require.NoError(t, err)
	var g accuracyGolden
	require.NoError(t, json.Unmarshal(raw, &g))
	require.Len(t, g.Cases, 8)
	for _, c := range g.Cases {
		dt, err := block.ParseDType(c.DType)
		require.NoError(t, err)
		d, err := block.New(dt, c.Shape...)
		require.NoError(t, err)
		adversarial(d, c.Kind == "nansum")
		var opts []Option
		specs := []chunk.Spec{chunk.PerAxis(1_000_000), chunk.PerAxis(3_333_333)}
		if c.Axis != nil {
			opts = append(opts, Axis(*c.Axis))
			specs = []chunk.Spec{chunk.PerAxis(250_000, 8), chunk.PerAxis(333_331, 3)}
		}
		for _, spec := range specs {
			got, err := build(kind(c.Kind), ndarray.FromDense(d, spec), opts).Compute(ctx)
			require.NoError(t, err)
			gv := got.Float64s()
			require.Len(t, gv, len(c.Exact))
			for j, ex := range c.Exact {
				ulp := math.Nextafter(math.Abs(ex), math.Inf(1)) - math.Abs(ex)
				if dt == block.Float32 {
					f := float32(math.Abs(ex))
					ulp = float64(math.Nextafter32(f, float32(math.Inf(1))) - f)
				}
				ours, theirs := math.Abs(gv[j]-ex), math.Abs(c.Numpy[j]-ex)
				assert.LessOrEqual(t, ours, max(theirs, ulp), "%s %s %v axis %v chunks %v entry %d: tessera %v, numpy %v, exact %v", c.DType, c.Kind, c.Shape, c.Axis, spec, j, gv[j], c.Numpy[j], ex)
			}
		}
	}
}
