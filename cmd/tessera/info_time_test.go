package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// TestInfoDecodesTimeInEveryCalendar: info decodes a coordinate's CF time
// units in its calendar (a noleap year ends on day 365 at 12-31, a 360_day
// one on day 360 at 12-30); before, only the standard calendars were.
func TestInfoDecodesTimeInEveryCalendar(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		cal, last string
		n         int
	}{
		{"noleap", "2001-12-31", 365},
		{"360_day", "2001-12-30", 360},
		{"standard", "2001-12-31", 365},
	} {
		dir := filepath.Join(t.TempDir(), tc.cal+".zarr")
		s, err := zarr.NewDirectoryStore(dir)
		require.NoError(t, err)
		days := make([]int64, tc.n)
		for i := range days {
			days[i] = int64(i)
		}
		d, err := block.FromSlice(days, tc.n)
		require.NoError(t, err)
		require.NoError(t, zarr.WriteDataset(ctx, s, "", zarr.Dataset{Vars: map[string]zarr.Variable{
			"time": {Dims: []string{"time"}, Data: ndarray.FromDense(d, chunk.Spec{}),
				Attrs: map[string]any{"units": "days since 2001-01-01", "calendar": tc.cal}},
		}}, 2))
		out, _ := tessera(t, "info", dir)
		assert.Contains(t, out, fmt.Sprintf("coord %d values  first 2001-01-01  last %s", tc.n, tc.last), tc.cal)
	}
}
