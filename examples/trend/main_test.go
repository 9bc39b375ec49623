package main

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun checks the printed story and the slope statistics against the
// cube's true warming rates (the data are exactly linear, so the fit on
// the valid samples recovers them), without the all-NaN pixel.
func TestRun(t *testing.T) {
	c := config{Days: 400, NY: 9, NX: 14}
	var out bytes.Buffer
	s, err := run(t.Context(), &out, c)
	require.NoError(t, err)
	assert.Contains(t, out.String(), `polyfit("time", deg=1, skipna=True, full=True)`)
	assert.Contains(t, out.String(), "pixels without a fit: 1")
	var sum float64
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for y := range c.NY {
		for x := range c.NX {
			if y == 1 && x == 1 {
				continue
			}
			v := truth(y, x, c.NY, c.NX)
			sum += v
			lo, hi, n = min(lo, v), max(hi, v), n+1
		}
	}
	assert.InDelta(t, sum/float64(n), s.Mean, 1e-9)
	assert.InDelta(t, lo, s.Min, 1e-9)
	assert.InDelta(t, hi, s.Max, 1e-9)
	assert.Equal(t, int64(1), s.NaNPixels)
}
