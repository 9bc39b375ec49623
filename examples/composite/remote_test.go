package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/cluster/remote"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// TestMain lets the local process cluster start this test binary as its
// workers, so the example's stack op and the library's ops resolve there.
func TestMain(m *testing.M) {
	remote.MaybeServe()
	os.Exit(m.Run())
}

// The composite graph is data: the seasonal median (and quantiles) of the
// stored stack, run on two worker processes, equal the local executor's
// bit for bit.
func TestRemoteWorkersAgree(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	c := small(t)
	c.NY, c.NX, c.Chunk = 20, 18, 8
	res, err := run(ctx, io.Discard, c)
	require.NoError(t, err)
	s, err := zarr.NewDirectoryStore(res.Stack)
	require.NoError(t, err)
	ds, err := labelled.OpenZarr(ctx, s, "")
	require.NoError(t, err)
	g := ds.Var("refl").GroupBy("time.season")

	cl, err := remote.StartLocalCluster(ctx, remote.LocalClusterOptions{Workers: 2, Threads: 1})
	require.NoError(t, err)
	defer cl.Close()
	for name, a := range map[string]*labelled.Array{
		"median":    g.Median(),
		"quantiles": g.Quantiles([]float64{0.1, 0.9}, labelled.QuantileMemory(64<<10)),
		"quantile":  g.Quantile(0.25, labelled.QuantileMethod("nearest")),
	} {
		require.NoError(t, a.Err(), name)
		local, err := a.Compute(ctx)
		require.NoError(t, err, name)
		far, err := a.Compute(ctx, ndarray.WithExecutor(cl))
		require.NoError(t, err, name)
		assert.True(t, far.Equal(local), "%s: remote workers differ from the local executor", name)
	}
}
