package main

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/benchmarks/internal/child"
)

// naive is the checksum pair of a @ b by the definition, for small n.
func naive(n int) (sum, sumsq float64) {
	a := func(i, j int) float64 { return float64((7*i+13*j)%101)/101 - 0.5 }
	b := func(i, j int) float64 { return float64((11*i+3*j)%97)/97 - 0.5 }
	for i := range n {
		for j := range n {
			var c float64
			for k := range n {
				c += a(i, k) * b(k, j)
			}
			sum += c
			sumsq += c * c
		}
	}
	return sum, sumsq
}

// TestQuick runs the tessera side of -quick in this process, checks it
// against the definition on a small size, and with dask present checks
// that the peer's script gives the same checksums. Nothing is timed.
func TestQuick(t *testing.T) {
	ctx := context.Background()
	m, err := runTessera(ctx, 130, 40, 2, 0)
	require.NoError(t, err)
	s, s2 := naive(130)
	assert.InEpsilon(t, s, m.Sum, 1e-9)
	assert.InEpsilon(t, s2, m.SumSq, 1e-9)

	n, c := 1200, 300
	m, err = runTessera(ctx, n, c, 2, 256<<20)
	require.NoError(t, err)
	script := child.FindScript("benchmarks/matmul", "dask_matmul.py", "dask.array")
	if script == "" {
		t.Skip("dask not installed in /usr/bin/python3")
	}
	var d measurement
	_, err = child.Run(&d, false, 2, "/usr/bin/python3", script, strconv.Itoa(n), strconv.Itoa(c), "2")
	require.NoError(t, err)
	assert.Less(t, relDiff(m, d), 1e-9, "tessera %v %v, dask %v %v", m.Sum, m.SumSq, d.Sum, d.SumSq)
	assert.False(t, math.IsNaN(m.Sum))
}
