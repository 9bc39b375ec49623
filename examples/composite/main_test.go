package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/zarr"
)

// small is a stack of 1 year every 3 days on 40 × 36 pixels in chunks of
// 16 (time) × 15 × 15, so the grid's chunks do not divide it.
func small(t *testing.T) config {
	return config{Var: "refl", Dir: t.TempDir(), Years: 1, Every: 3, NY: 40, NX: 36, Chunk: 15, Clouds: 0.4}
}

// median32 is numpy's nanmedian of float32 values: NaN skipped, the mean
// of the two middle values in float32 for an even count, NaN for none.
func median32(v []float32) float64 {
	v = slices.DeleteFunc(slices.Clone(v), func(x float32) bool { return x != x })
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return float64(v[n/2])
	}
	return float64((v[n/2-1] + v[n/2]) / 2)
}

// TestRunSmall tells the story on a small stack and checks the written
// composite against a direct computation on the stack's values: per pixel
// and season the median of the clear values, and their count.
func TestRunSmall(t *testing.T) {
	var out bytes.Buffer
	res, err := run(t.Context(), &out, small(t))
	require.NoError(t, err)
	t.Log("\n" + out.String())
	for _, want := range []string{"xr.open_zarr(path)", `groupby("time.season").median()`, "to_zarr(out)", "<labelled.Dataset>", "JJA"} {
		assert.Contains(t, out.String(), want)
	}

	s, err := zarr.NewDirectoryStore(res.Stack)
	require.NoError(t, err)
	stack, err := labelled.OpenZarr(t.Context(), s, "")
	require.NoError(t, err)
	refl := stack.Var("refl")
	d, err := refl.Compute(t.Context())
	require.NoError(t, err)
	vals := d.Float64s()
	tix := refl.Index("time").(labelled.TimeIndex)
	ny, nx := refl.Size("y"), refl.Size("x")

	comp := res.Composite.Var("median")
	require.Equal(t, []string{"season", "y", "x"}, comp.Dims())
	seasons := comp.Index("season")
	require.Equal(t, 4, seasons.Len())
	assert.Equal(t, "float32", comp.DType().String())
	gm, err := comp.Compute(t.Context())
	require.NoError(t, err)
	gc, err := res.Composite.Var("clear").Compute(t.Context())
	require.NoError(t, err)
	nanPixels := 0
	for si := range seasons.Len() {
		var steps []int
		for ti := range tix.Len() {
			tm, _ := tix.Times().At(ti)
			if tm.Season() == seasons.Label(si) {
				steps = append(steps, ti)
			}
		}
		require.NotEmpty(t, steps)
		for y := range ny {
			for x := range nx {
				px := make([]float32, len(steps))
				for k, ti := range steps {
					px[k] = float32(vals[(ti*ny+y)*nx+x])
				}
				want := median32(px)
				at := (si*ny+y)*nx + x
				got := gm.Float64s()[at]
				clear := 0
				for _, v := range px {
					if v == v {
						clear++
					}
				}
				if math.IsNaN(want) {
					nanPixels++
					require.True(t, math.IsNaN(got), "season %v pixel (%d, %d): got %v, want NaN", seasons.Label(si), y, x, got)
				} else {
					require.Equal(t, want, got, "season %v pixel (%d, %d)", seasons.Label(si), y, x)
				}
				require.Equal(t, float64(clear), gc.Float64s()[at], "clear count, season %v pixel (%d, %d)", seasons.Label(si), y, x)
			}
		}
	}
	assert.Equal(t, 64, nanPixels, "the 8×8 corner clouded all summer, and no other pixel-season without a clear view")
}

// TestXarrayAgrees runs the xarray lines the story prints
// (testdata/xarray_composite.py) on the stack the story made, and compares
// the composite and the clear counts with what the story wrote.
func TestXarrayAgrees(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xarray, zarr, numpy").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI without xarray/zarr/numpy for %s: %v", py, err)
		}
		t.Skipf("no xarray/zarr/numpy for %s: %v", py, err)
	}
	c := small(t)
	c.Years, c.Every = 2, 5
	res, err := run(t.Context(), io.Discard, c)
	require.NoError(t, err)
	cmd := exec.Command(py, filepath.Join("testdata", "xarray_composite.py"), res.Stack, "refl")
	b, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		require.NoError(t, err, string(ee.Stderr))
	}
	require.NoError(t, err)
	var x struct {
		Seasons       []string
		Sizes         map[string]int
		DType         string
		Median, Clear []*float64
	}
	require.NoError(t, json.Unmarshal(b, &x))
	comp := res.Composite.Var("median")
	assert.Equal(t, x.Sizes, comp.Sizes())
	assert.Equal(t, x.DType, comp.DType().String())
	ix := comp.Index("season")
	for i, s := range x.Seasons {
		assert.Equal(t, s, ix.Label(i))
	}
	gm, err := comp.Compute(t.Context())
	require.NoError(t, err)
	gc, err := res.Composite.Var("clear").Compute(t.Context())
	require.NoError(t, err)
	require.Len(t, gm.Float64s(), len(x.Median))
	for i, w := range x.Median {
		if w == nil {
			require.True(t, math.IsNaN(gm.Float64s()[i]), "median[%d]: got %v, xarray NaN", i, gm.Float64s()[i])
			continue
		}
		require.Equal(t, *w, gm.Float64s()[i], "median[%d]", i)
		require.Equal(t, *x.Clear[i], gc.Float64s()[i], "clear[%d]", i)
	}
}
