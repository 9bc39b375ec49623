package main

import (
	"context"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuick runs both tessera workloads in this process on a small config
// and, with dask present, the peer's script on the same data, and checks
// that both sides agree. Nothing is timed.
func TestQuick(t *testing.T) {
	cfg := config{N: 100_000, Chunk: 7_000, Bins: 100}
	script := findScript()
	for _, w := range []string{"histogram", "cumsum"} {
		t.Run(w, func(t *testing.T) {
			m, err := runTessera(context.Background(), w, cfg, 2)
			require.NoError(t, err)
			if w == "histogram" {
				var total int64
				for _, c := range m.Counts {
					total += c
				}
				assert.Equal(t, int64(cfg.N), total)
			} else {
				// frac(i·phi) is equidistributed: the sum of n values is near n/2.
				assert.InDelta(t, float64(cfg.N)/2, m.Last, float64(cfg.N)/100)
			}
			if script == "" {
				t.Skip("dask side skipped: /usr/bin/python3 with dask not found")
			}
			b, err := exec.Command("/usr/bin/python3", peerArgs(script, w, cfg, 2)...).Output()
			require.NoError(t, err, "%s", b)
			var p measurement
			require.NoError(t, json.Unmarshal(b, &p))
			assert.NoError(t, agree(w, m, p))
		})
	}
}

func TestAgree(t *testing.T) {
	assert.NoError(t, agree("histogram", measurement{Counts: []int64{1, 2}}, measurement{Counts: []int64{1, 2}}))
	assert.Error(t, agree("histogram", measurement{Counts: []int64{1, 2}}, measurement{Counts: []int64{2, 1}}))
	assert.NoError(t, agree("cumsum", measurement{Mid: 1, Last: 5}, measurement{Mid: 1, Last: 5}))
	assert.Error(t, agree("cumsum", measurement{Mid: 1, Last: 5}, measurement{Mid: 1, Last: 5.1}))
	assert.Equal(t, 2.5, median([]float64{4, 1, 2, 3}))
}
