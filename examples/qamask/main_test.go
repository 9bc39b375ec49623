package main

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun checks the lazy QA decode against a plain pixel loop over the
// same scene: every count and the mean of the valid red pixels, and that
// the report prints them with the xarray code it replaces.
func TestRun(t *testing.T) {
	const n = 300 // not a multiple of the 256 tiles: partial edge blocks
	var want counts
	var sum float64
	for y := range n {
		for x := range n {
			q := qaPixel(x, y, n)
			has := func(b int) bool { return q>>b&1 == 1 }
			want.total++
			cloud := has(bitCloud) && (q>>bitCloudCf)&3 >= 2
			bad := cloud || has(bitDilated) || has(bitCirrus) || has(bitShadow) || has(bitFill)
			for _, f := range []struct {
				dst *int64
				on  bool
			}{
				{&want.fill, has(bitFill)}, {&want.cloud, cloud}, {&want.dilated, has(bitDilated)},
				{&want.cirrus, has(bitCirrus)}, {&want.shadow, has(bitShadow)}, {&want.snow, has(bitSnow)},
				{&want.water, has(bitWater)}, {&want.clear, has(bitClear)}, {&want.masked, bad}, {&want.valid, !bad},
			} {
				if f.on {
					*f.dst++
				}
			}
			if !bad {
				sum += float64(reflectance(x, y, n, q))
			}
		}
	}
	want.meanValid = sum / float64(want.valid)
	for _, v := range []int64{want.fill, want.cloud, want.dilated, want.cirrus, want.shadow, want.snow, want.water, want.clear} {
		require.Positive(t, v, "the scene must exercise every class")
	}

	dir := t.TempDir()
	qaPath, reflPath, err := writeScene(context.Background(), dir, n)
	require.NoError(t, err)
	got, err := mask(context.Background(), qaPath, reflPath)
	require.NoError(t, err)
	assert.InDelta(t, want.meanValid, got.meanValid, 1e-6) // NanMean of float32 sums in float32, as numpy
	got.meanValid, want.meanValid = 0, 0
	assert.Equal(t, want, got)

	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, t.TempDir(), n))
	for _, s := range []string{fmt.Sprint(want.cloud), fmt.Sprint(want.masked), fmt.Sprint(want.valid), "red.where(~bad)", "RightShift"} {
		assert.Contains(t, out.String(), s)
	}
	t.Log("\n" + out.String())
	assert.Error(t, run(context.Background(), &out, t.TempDir(), 10))
}
