// Command anomaly computes the monthly climatology of a daily (time, y,
// x) cube and each day's anomaly from it, the xarray idiom
//
//	clim = da.groupby("time.month").mean("time")
//	anom = da.groupby("time.month") - clim
//
// printing each step beside the xarray line it replaces, with its wall
// time. The cube is synthetic daily temperature (a seasonal cycle, a
// trend and noise) in the calendar given (noleap by default), made
// lazily: it is generated block by block inside the tasks, never held
// whole. The climatology is flox's map-reduce (per-block partials for
// each month, tree-combined), and the anomaly is a gather of the
// climatology by month fused with the subtraction.
//
//	go run ./examples/anomaly
//	go run ./examples/anomaly -years 30 -ny 180 -nx 360 -calendar 360_day
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

type config struct {
	Years    int
	NY, NX   int
	Calendar cftime.Calendar
}

func main() {
	var c config
	var cal string
	flag.IntVar(&c.Years, "years", 10, "years of daily data")
	flag.IntVar(&c.NY, "ny", 90, "rows of the grid")
	flag.IntVar(&c.NX, "nx", 180, "columns of the grid")
	flag.StringVar(&cal, "calendar", "noleap", "CF calendar of the time axis")
	flag.Parse()
	var err error
	if c.Calendar, err = cftime.ParseCalendar(cal); err == nil {
		_, err = run(context.Background(), os.Stdout, c)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "anomaly:", err)
		os.Exit(1)
	}
}

// result is what run computed.
type result struct {
	Clim    *labelled.Array // (month, y, x), lazy
	Anom    *labelled.Array // (time, y, x), lazy
	Monthly []float64       // the spatial mean of the climatology per month
	AnomMax float64         // the largest |monthly mean of the anomaly| over the grid
}

// cubeParams are the synthetic field's parameters, carried in each task.
type cubeParams struct {
	DaysPerYear float64
}

func init() {
	ndarray.RegisterBlockFunc("examples.anomaly.cube", cubeBlock)
}

// cubeBlock is one block of the synthetic temperature: 280 K, a seasonal
// cycle of ±10 K, a trend of 0.03 K a year and a ±1 K hash noise.
func cubeBlock(_ context.Context, _ []*block.Dense, p cubeParams, info ndarray.BlockInfo) (*block.Dense, error) {
	box := info.Box
	sh := box.Shape()
	d, err := block.New(block.Float32, sh...)
	if err != nil {
		return nil, err
	}
	v := block.Values[float32](d)
	i := 0
	for t := range sh[0] {
		day := float64(box.Lo[0] + t)
		base := 280 - 10*math.Cos(2*math.Pi*day/p.DaysPerYear) + 0.03*day/p.DaysPerYear
		for j := range sh[1] {
			for k := range sh[2] {
				h := uint64(((box.Lo[0]+t)*info.ArrayShape[1]+box.Lo[1]+j)*info.ArrayShape[2]+box.Lo[2]+k) * 0x9E3779B97F4A7C15
				h ^= h >> 29
				v[i] = float32(base + float64(h>>40)/float64(1<<24)*2 - 1)
				i++
			}
		}
	}
	return d, nil
}

func makeCube(c config) (*labelled.Array, error) {
	if c.Years <= 0 || c.NY <= 0 || c.NX <= 0 {
		return nil, fmt.Errorf("years %d, grid %dx%d: all must be positive", c.Years, c.NY, c.NX)
	}
	epoch, err := cftime.Date(c.Calendar, 2000, 1, 1, 0, 0, 0, 0)
	if err != nil {
		return nil, err
	}
	end, err := cftime.Date(c.Calendar, 2000+c.Years, 1, 1, 0, 0, 0, 0)
	if err != nil {
		return nil, err
	}
	days, _ := end.Between(epoch)
	counts := make([]int64, days)
	for i := range counts {
		counts[i] = int64(i)
	}
	ts, err := cftime.NewTimes(epoch, cftime.Day, counts)
	if err != nil {
		return nil, err
	}
	g, err := chunk.PerAxis(365, c.NY, c.NX).Normalize([]int{int(days), c.NY, c.NX}, 4, chunk.NormalizeOptions{})
	if err != nil {
		return nil, err
	}
	data := ndarray.MapBlocks("examples.anomaly.cube", nil, block.Float32, g.Chunks(), cubeParams{DaysPerYear: float64(days) / float64(c.Years)})
	a := labelled.New(data, []string{"time", "y", "x"}, labelled.Name("t2m"),
		labelled.Coords(labelled.IndexCoord("time", labelled.NewTimeIndex(ts))))
	return a, a.Err()
}

func run(ctx context.Context, w io.Writer, c config) (*result, error) {
	step := func(start time.Time, xarray, what string) {
		fmt.Fprintf(w, "%-58s %8.3fs  %s\n", xarray, time.Since(start).Seconds(), what)
	}
	t := time.Now()
	da, err := makeCube(c)
	if err != nil {
		return nil, err
	}
	sz := da.Sizes()
	step(t, `da = xr.DataArray(...)  # daily (time, y, x) float32`, fmt.Sprintf("%d×%d×%d, %s calendar, %d MiB, lazy", sz["time"], sz["y"], sz["x"], c.Calendar, da.Data().Nbytes()>>20))

	t = time.Now()
	g := da.GroupBy("time.month")
	if err := g.Err(); err != nil {
		return nil, err
	}
	step(t, `g = da.groupby("time.month")`, fmt.Sprintf("%d groups on dim %q", g.Labels().Len(), g.Name()))

	t = time.Now()
	clim := g.Mean()
	if err := clim.Err(); err != nil {
		return nil, err
	}
	cm, err := clim.Mean("y", "x").Compute(ctx)
	if err != nil {
		return nil, err
	}
	res := &result{Clim: clim, Monthly: cm.Float64s()}
	step(t, `clim = g.mean("time"); clim.mean(("y", "x")).values`, fmt.Sprintf("%.2f", res.Monthly))

	t = time.Now()
	anom := g.Sub(clim)
	if err := anom.Err(); err != nil {
		return nil, err
	}
	res.Anom = anom
	step(t, `anom = da.groupby("time.month") - clim`, fmt.Sprint("lazy, dims ", anom.Dims()))

	t = time.Now()
	// every month's mean anomaly is zero by construction: check it
	check, err := anom.GroupBy("time.month").Mean().Data().Compute(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range check.Float64s() {
		res.AnomMax = max(res.AnomMax, math.Abs(v))
	}
	step(t, `abs(anom.groupby("time.month").mean()).max().item()`, fmt.Sprintf("%.2g (zero up to rounding)", res.AnomMax))

	t = time.Now()
	last := anom.Isel(labelled.Range("time", sz["time"]-365, sz["time"], 1)).Mean("y", "x")
	lv, err := reduce.Mean(last.Data()).Float64(ctx)
	if err != nil {
		return nil, err
	}
	step(t, `anom.isel(time=slice(-365, None)).mean().item()`, fmt.Sprintf("%+.3f K (the trend's last-year excess)", lv))
	return res, nil
}
