package window_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/window"
)

// golden is testdata/window_golden.json, made by testdata/gen_window.py
// with xarray.
type golden struct {
	Arrays map[string]struct {
		Shape []int      `json:"shape"`
		DType string     `json:"dtype"`
		Data  []*float64 `json:"data"`
	} `json:"arrays"`
	Rolling []struct {
		Array      string     `json:"array"`
		Axis       int        `json:"axis"`
		Window     int        `json:"window"`
		Center     bool       `json:"center"`
		MinPeriods int        `json:"min_periods"`
		Reduction  string     `json:"reduction"`
		DDOF       int        `json:"ddof"`
		DType      string     `json:"dtype"`
		Want       []*float64 `json:"want"`
	} `json:"rolling"`
	Coarsen []struct {
		Array     string         `json:"array"`
		Factors   map[string]int `json:"factors"`
		Boundary  string         `json:"boundary"`
		Reduction string         `json:"reduction"`
		DDOF      int            `json:"ddof"`
		DType     string         `json:"dtype"`
		Shape     []int          `json:"shape"`
		Want      []*float64     `json:"want"`
	} `json:"coarsen"`
}

func loadGolden(t *testing.T) (*golden, map[string]*block.Dense) {
	t.Helper()
	raw, err := os.ReadFile("testdata/window_golden.json")
	require.NoError(t, err)
	var g golden
	require.NoError(t, json.Unmarshal(raw, &g))
	dense := map[string]*block.Dense{}
	for name, a := range g.Arrays {
		dt, err := block.ParseDType(a.DType)
		require.NoError(t, err)
		d, err := block.New(dt, a.Shape...)
		require.NoError(t, err)
		vals := make([]float64, len(a.Data))
		for i, p := range a.Data {
			vals[i] = math.NaN()
			if p != nil {
				vals[i] = *p
			}
		}
		src, err := block.FromSlice(vals, a.Shape...)
		require.NoError(t, err)
		require.NoError(t, block.CastInto(d, src, block.CastOptions{}))
		dense[name] = d
	}
	return &g, dense
}

// chunkings are the chunk sizes every golden case runs under, along every
// axis: single elements, sizes smaller than most windows, odd sizes and
// one chunk.
var chunkings = []int{1, 2, 3, 5, 16, 1 << 20}

func floats(t *testing.T, d *block.Dense) []float64 {
	t.Helper()
	out := make([]float64, d.Len())
	for i := range out {
		out[i] = d.Float64(i)
	}
	return out
}

func closeTo(t *testing.T, want []*float64, got []float64, tol float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i, w := range want {
		if w == nil {
			if !assert.True(t, math.IsNaN(got[i]), "%s: element %d: want NaN, got %v", msg, i, got[i]) {
				return
			}
			continue
		}
		if !assert.InDelta(t, *w, got[i], tol*math.Max(1, math.Abs(*w)), "%s: element %d", msg, i) {
			return
		}
	}
}

func tolerance(dt string) float64 {
	if dt == "float32" {
		return 3e-5
	}
	return 1e-9
}

func TestRollingGolden(t *testing.T) {
	g, arrays := loadGolden(t)
	ctx := context.Background()
	for _, c := range g.Rolling {
		name := fmt.Sprintf("%s/axis%d/w%d/center=%v/minp%d/%s/ddof%d", c.Array, c.Axis, c.Window, c.Center, c.MinPeriods, c.Reduction, c.DDOF)
		d := arrays[c.Array]
		for _, cs := range chunkings {
			a := ndarray.FromDense(d, chunk.Uniform(cs))
			r := window.Rolling(a, c.Axis, c.Window, window.RollingOptions{Center: c.Center, MinPeriods: c.MinPeriods})
			var res *ndarray.Array
			if c.Reduction == "custom" {
				res = r.Reduce("ptp")
			} else {
				var red window.Reduction
				require.NoError(t, red.UnmarshalText([]byte(c.Reduction)))
				res = r.Of(red, c.DDOF, "")
			}
			out, err := res.Compute(ctx)
			require.NoError(t, err, "%s chunks %d", name, cs)
			wantDT := c.DType
			if c.Reduction == "median" && d.DType().IsInt() && d.DType().Size() <= 2 {
				// xarray without bottleneck pads small integers as float32
				// for its median; bottleneck's move_median, like us, gives
				// float64.
				wantDT = "float64"
			}
			assert.Equal(t, wantDT, out.DType().String(), name)
			assert.Equal(t, d.Shape(), out.Shape(), name)
			closeTo(t, c.Want, floats(t, out), tolerance(c.DType), fmt.Sprintf("%s chunks %d", name, cs))
		}
	}
}

func TestCoarsenGolden(t *testing.T) {
	g, arrays := loadGolden(t)
	ctx := context.Background()
	bounds := map[string]window.Boundary{"exact": window.BoundaryExact, "trim": window.BoundaryTrim, "pad": window.BoundaryPad}
	for _, c := range g.Coarsen {
		name := fmt.Sprintf("%s/%v/%s/%s/ddof%d", c.Array, c.Factors, c.Boundary, c.Reduction, c.DDOF)
		f := map[int]int{}
		for k, v := range c.Factors {
			ax, err := strconv.Atoi(k)
			require.NoError(t, err)
			f[ax] = v
		}
		var red window.Reduction
		require.NoError(t, red.UnmarshalText([]byte(c.Reduction)))
		d := arrays[c.Array]
		for _, cs := range chunkings {
			a := ndarray.FromDense(d, chunk.Uniform(cs))
			res := window.Coarsen(a, f, window.CoarsenOptions{Boundary: bounds[c.Boundary]}).Of(red, c.DDOF)
			out, err := res.Compute(ctx)
			require.NoError(t, err, "%s chunks %d", name, cs)
			assert.Equal(t, c.DType, out.DType().String(), name)
			assert.Equal(t, c.Shape, out.Shape(), name)
			closeTo(t, c.Want, floats(t, out), tolerance(c.DType), fmt.Sprintf("%s chunks %d", name, cs))
		}
	}
}

func init() {
	window.RegisterFunc("ptp", func(w []float64) float64 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range w {
			if v == v {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		return hi - lo
	})
}
