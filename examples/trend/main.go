// Command trend fits a per-pixel linear trend to a (time, y, x) cube with
// gaps, the job of xarray's polyfit, in Go: it makes a small daily cube of
// surface temperature whose warming rate varies across the grid, masks
// some samples (clouds) and one whole pixel with NaN, fits a degree-1
// polynomial along time on each pixel's valid samples, and prints the
// slope statistics in kelvin per decade beside the xarray code it
// replaces.
//
//	go run ./examples/trend
//	go run ./examples/trend -days 3650 -ny 90 -nx 180
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// config is the cube's size.
type config struct {
	Days, NY, NX int
}

// stats is what run finds: slopes in K per decade.
type stats struct {
	Mean, Min, Max float64
	NaNPixels      int64
}

// truth is the cube's warming rate at pixel (y, x), K per decade: 0.1 to
// 0.5 from south to north, with a little east-west structure.
func truth(y, x, ny, nx int) float64 {
	return 0.1 + 0.4*float64(y)/float64(max(ny-1, 1)) + 0.05*math.Sin(2*math.Pi*float64(x)/float64(nx))
}

const nsPerDecade = 3652.5 * 86400e9

// cube makes the example's data: 285 K plus the pixel's trend, with every
// 13th sample of a pixel masked in a moving pattern and pixel (1, 1) all
// NaN.
func cube(c config) (*labelled.Array, error) {
	vals := make([]float64, c.Days*c.NY*c.NX)
	for t := range c.Days {
		for y := range c.NY {
			for x := range c.NX {
				v := 285 + truth(y, x, c.NY, c.NX)*float64(t)*86400e9/nsPerDecade
				if (t+3*y+5*x)%13 == 0 || (y == 1 && x == 1) {
					v = math.NaN()
				}
				vals[(t*c.NY+y)*c.NX+x] = v
			}
		}
	}
	d, err := block.FromSlice(vals, c.Days, c.NY, c.NX)
	if err != nil {
		return nil, err
	}
	days := make([]int64, c.Days)
	for i := range days {
		days[i] = int64(i)
	}
	ts, err := cftime.NewTimes(cftime.MustDate(cftime.Standard, 2000, 1, 1, 0, 0, 0, 0), cftime.Day, days)
	if err != nil {
		return nil, err
	}
	data := ndarray.FromDense(d, chunk.PerAxis(max(c.Days/4, 1), max(c.NY/2, 1), max(c.NX/2, 1)))
	a := labelled.New(data, []string{"time", "y", "x"}, labelled.Name("ts"),
		labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts))))
	return a, a.Err()
}

func run(ctx context.Context, w io.Writer, c config) (stats, error) {
	a, err := cube(c)
	if err != nil {
		return stats{}, err
	}
	fmt.Fprintf(w, "cube: ts(time=%d, y=%d, x=%d) float64, daily from 2000-01-01, with gaps (NaN)\n\n", c.Days, c.NY, c.NX)
	fmt.Fprintln(w, `# xarray:
# fit = ds.ts.polyfit("time", deg=1, skipna=True, full=True)
# slope = fit.polyfit_coefficients.sel(degree=1) * 3652.5 * 86400e9   # per ns -> per decade
# print(float(slope.mean()), float(slope.min()), float(slope.max()), int(slope.isnull().sum()))`)
	fit, err := a.Polyfit("time", 1, labelled.PolyfitOptions{SkipNaN: true})
	if err != nil {
		return stats{}, err
	}
	slope := labelled.Mul(fit.Var("polyfit_coefficients").Isel(labelled.At("degree", 0)), nsPerDecade)
	var s stats
	for _, r := range []struct {
		dst *float64
		arr *labelled.Array
	}{{&s.Mean, slope.Mean()}, {&s.Min, slope.Min()}, {&s.Max, slope.Max()}} {
		if *r.dst, err = r.arr.Data().Float64(ctx); err != nil {
			return stats{}, err
		}
	}
	if s.NaNPixels, err = reduce.Sum(ndarray.IsNaN(slope.Data())).Int64(ctx); err != nil {
		return stats{}, err
	}
	fmt.Fprintf(w, "\nslope (K/decade): mean %.4f, min %.4f, max %.4f; pixels without a fit: %d\n", s.Mean, s.Min, s.Max, s.NaNPixels)
	return s, nil
}

func main() {
	var c config
	flag.IntVar(&c.Days, "days", 730, "time steps (days)")
	flag.IntVar(&c.NY, "ny", 20, "rows")
	flag.IntVar(&c.NX, "nx", 30, "columns")
	flag.Parse()
	if _, err := run(context.Background(), os.Stdout, c); err != nil {
		fmt.Fprintln(os.Stderr, "trend:", err)
		os.Exit(1)
	}
}
