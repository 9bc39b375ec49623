package main

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/labelled"
)

// TestRunSmall tells the story on a small cube in two calendars and checks
// the climatology against a plain loop over the cube's values, and the
// anomaly against value minus that month's climatology.
func TestRunSmall(t *testing.T) {
	for _, cal := range []cftime.Calendar{cftime.NoLeap, cftime.Day360, cftime.Standard} {
		t.Run(cal.String(), func(t *testing.T) {
			var out bytes.Buffer
			c := config{Years: 3, NY: 3, NX: 4, Calendar: cal}
			res, err := run(t.Context(), &out, c)
			require.NoError(t, err)
			t.Log("\n" + out.String())
			assert.Contains(t, out.String(), `da.groupby("time.month") - clim`)
			assert.Less(t, res.AnomMax, 1e-4)

			da, err := makeCube(c)
			require.NoError(t, err)
			d, err := da.Compute(t.Context())
			require.NoError(t, err)
			v := d.Float64s()
			ts := da.Index("time").(labelled.TimeIndex).Times()
			cell := c.NY * c.NX
			sum := make([]float64, 12*cell)
			n := make([]float64, 12)
			for i := range ts.Len() {
				tm, _ := ts.At(i)
				m := tm.Month() - 1
				n[m]++
				for e := range cell {
					sum[m*cell+e] += v[i*cell+e]
				}
			}
			cl, err := res.Clim.Compute(t.Context())
			require.NoError(t, err)
			require.Equal(t, []int{12, c.NY, c.NX}, cl.Shape())
			for e := range sum {
				assert.InDelta(t, sum[e]/n[e/cell], cl.Float64(e), 1e-3)
			}
			an, err := res.Anom.Compute(t.Context())
			require.NoError(t, err)
			require.Equal(t, d.Shape(), an.Shape())
			for _, i := range []int{0, 40, ts.Len() - 1} {
				tm, _ := ts.At(i)
				m := tm.Month() - 1
				for e := range cell {
					assert.InDelta(t, v[i*cell+e]-sum[m*cell+e]/n[m], an.Float64(i*cell+e), 1e-3)
				}
			}
			assert.False(t, math.IsNaN(an.Float64(0)))
		})
	}
}

func TestBadConfig(t *testing.T) {
	_, err := run(t.Context(), &bytes.Buffer{}, config{Years: 0, NY: 1, NX: 1, Calendar: cftime.NoLeap})
	assert.Error(t, err)
}
