// Command climatology is the notebook every climate user writes, in Go:
// open a daily cube, select winter (DJF) and a bounding box by
// coordinates, take the winter climatology over time, compute one
// winter's anomaly from it, and write both as a dataset — each step
// printed beside the xarray one-liner it replaces, with its wall time, and
// the result's repr at the end.
//
// By default it first makes the cube: ten years of daily 2-m temperature
// on a 2° global grid in the noleap calendar (3650 × 90 × 180 float32,
// 225 MiB), written with labelled's ToZarr as Zarr v2 into a temporary
// directory, so xarray can open the same store. -store opens an existing
// xarray-written cube instead (variable -var on dims time, lat, lon).
//
//	go run ./examples/climatology
//	go run ./examples/climatology -years 30 -keep    # a 675 MiB cube, kept
//	go run ./examples/climatology -store era5.zarr -var t2m
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// config says what run does.
type config struct {
	Store    string // an existing cube; "" makes one in Dir
	Var      string // the variable of the cube
	Dir      string // where the made cube and the result go
	Years    int    // years of the made cube
	Res      float64
	Calendar cftime.Calendar
	Winter   int // the December that starts the winter whose anomaly is taken
	// Box is the bounding box: lat from North to South (the cube's lat
	// descends, as ERA5's does), lon from West to East.
	North, South, West, East float64
}

func main() {
	var c config
	var calName string
	flag.StringVar(&c.Store, "store", "", "an existing Zarr cube (var on time, lat, lon) to open instead of making one")
	flag.StringVar(&c.Var, "var", "t2m", "the cube's variable")
	flag.IntVar(&c.Years, "years", 10, "years of daily data in the made cube")
	flag.Float64Var(&c.Res, "res", 2, "grid spacing of the made cube in degrees")
	flag.StringVar(&calName, "calendar", "noleap", "CF calendar of the made cube's time axis")
	flag.IntVar(&c.Winter, "winter", 2005, "the anomaly is of the winter starting in December of this year")
	flag.Float64Var(&c.North, "north", 72, "box: northern latitude")
	flag.Float64Var(&c.South, "south", 34, "box: southern latitude")
	flag.Float64Var(&c.West, "west", -12, "box: western longitude")
	flag.Float64Var(&c.East, "east", 42, "box: eastern longitude")
	keep := flag.Bool("keep", false, "keep the made cube and the result (their directory is printed)")
	flag.Parse()
	cal, err := cftime.ParseCalendar(calName)
	if err != nil {
		fmt.Fprintln(os.Stderr, "climatology:", err)
		os.Exit(2)
	}
	c.Calendar = cal
	dir, err := os.MkdirTemp("", "climatology-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "climatology:", err)
		os.Exit(1)
	}
	c.Dir = dir
	_, err = run(context.Background(), os.Stdout, c)
	if !*keep {
		os.RemoveAll(dir)
	} else {
		fmt.Println("kept", dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "climatology:", err)
		os.Exit(1)
	}
}

// stepper prints each step: the xarray line it replaces and how long it took.
type stepper struct {
	w     io.Writer
	start time.Time
}

func (s *stepper) begin() { s.start = time.Now() }

func (s *stepper) done(xarray, what string) {
	fmt.Fprintf(s.w, "%-68s %8.3fs  %s\n", xarray, time.Since(s.start).Seconds(), what)
}

// result is what run wrote: the store of the climatology and anomaly.
type result struct {
	Cube, Out string
	Dataset   *labelled.Dataset // the result as written (lazy)
}

// run makes (or opens) the cube and tells the story on w.
func run(ctx context.Context, w io.Writer, c config) (*result, error) {
	st := &stepper{w: w}
	res := &result{Cube: c.Store, Out: filepath.Join(c.Dir, "djf.zarr")}
	if c.Store == "" {
		res.Cube = filepath.Join(c.Dir, "cube.zarr")
		st.begin()
		cube, err := makeCube(c)
		if err != nil {
			return nil, err
		}
		s, err := zarr.NewDirectoryStore(res.Cube)
		if err != nil {
			return nil, err
		}
		enc := map[string]map[string]any{"t2m": {"dtype": "float32"}}
		if err := cube.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2, Encoding: enc}); err != nil {
			return nil, err
		}
		sz := cube.Sizes()
		st.done(`ds.to_zarr(path)`, fmt.Sprintf("made a %d×%d×%d float32 daily cube (%s calendar), %d MiB", sz["time"], sz["lat"], sz["lon"], c.Calendar, int64(sz["time"])*int64(sz["lat"])*int64(sz["lon"])*4>>20))
	}

	st.begin()
	s, err := zarr.NewDirectoryStore(res.Cube)
	if err != nil {
		return nil, err
	}
	ds, err := labelled.OpenZarr(ctx, s, "")
	if err != nil {
		return nil, err
	}
	st.done(`ds = xr.open_zarr(path)`, fmt.Sprint("dims ", ds.Sizes()))

	st.begin()
	t2m := ds.Var(c.Var)
	if err := t2m.Err(); err != nil {
		return nil, err
	}
	tix, ok := t2m.Index("time").(labelled.TimeIndex)
	if !ok {
		return nil, fmt.Errorf("variable %q has no CF time coordinate", c.Var)
	}
	var djf []int
	for i := range tix.Len() {
		if t, ok := tix.Times().At(i); ok && t.Season() == "DJF" {
			djf = append(djf, i)
		}
	}
	winter := t2m.Isel(labelled.Take("time", djf...))
	st.done(`djf = ds.t2m.sel(time=ds.time.dt.season == "DJF")`, fmt.Sprintf("%d of %d days", len(djf), tix.Len()))

	st.begin()
	box := winter.Sel(labelled.Slice("lat", c.North, c.South), labelled.Slice("lon", c.West, c.East))
	if err := box.Err(); err != nil {
		return nil, err
	}
	st.done(fmt.Sprintf(`box = djf.sel(lat=slice(%g, %g), lon=slice(%g, %g))`, c.North, c.South, c.West, c.East), fmt.Sprint("sizes ", box.Sizes()))

	st.begin()
	clim := box.Mean("time").WithName("clim").WithAttrs(map[string]any{"long_name": "DJF climatology", "units": t2m.Attrs()["units"]})
	st.done(`clim = box.mean("time")`, "lazy")

	st.begin()
	from, to := fmt.Sprintf("%04d-12", c.Winter), fmt.Sprintf("%04d-02", c.Winter+1)
	one := box.Sel(labelled.Slice("time", from, to))
	if err := one.Err(); err != nil {
		return nil, err
	}
	anom := labelled.Sub(one.Mean("time"), clim).WithName("anom").
		WithAttrs(map[string]any{"long_name": fmt.Sprintf("DJF %d/%d anomaly from the climatology", c.Winter, c.Winter+1), "units": t2m.Attrs()["units"]})
	st.done(fmt.Sprintf(`anom = box.sel(time=slice("%s", "%s")).mean("time") - clim`, from, to), fmt.Sprintf("%d days", one.Size("time")))

	st.begin()
	out, err := labelled.NewDataset([]*labelled.Array{clim, anom}, map[string]any{"source": res.Cube})
	if err != nil {
		return nil, err
	}
	os2, err := zarr.NewDirectoryStore(res.Out)
	if err != nil {
		return nil, err
	}
	if err := out.ToZarr(ctx, os2, "", labelled.ZarrOptions{Format: 2}); err != nil {
		return nil, err
	}
	st.done(`xr.Dataset({"clim": clim, "anom": anom}).to_zarr(out)`, "computed in one graph run and written")

	st.begin()
	back, err := labelled.OpenZarr(ctx, os2, "")
	if err != nil {
		return nil, err
	}
	m, err := back.Var("anom").Mean("lat", "lon").Compute(ctx)
	if err != nil {
		return nil, err
	}
	st.done(`xr.open_zarr(out).anom.mean().item()`, fmt.Sprintf("%.4f", m.Float64s()[0]))
	res.Dataset = back
	fmt.Fprintln(w)
	fmt.Fprintln(w, back)
	return res, nil
}

// makeCube is a synthetic daily 2-m temperature: a mean falling from the
// equator to the poles, a seasonal cycle growing with latitude (opposite
// in the two hemispheres), a warming trend and normal weather noise.
func makeCube(c config) (*labelled.Dataset, error) {
	if c.Years <= 0 || c.Res <= 0 || c.Res > 90 {
		return nil, fmt.Errorf("years %d, res %g: want years > 0 and 0 < res <= 90", c.Years, c.Res)
	}
	nlat, nlon := int(math.Round(180/c.Res)), int(math.Round(360/c.Res))
	epoch, err := cftime.Date(c.Calendar, 2000, 1, 1, 0, 0, 0, 0)
	if err != nil {
		return nil, err
	}
	end, err := cftime.Date(c.Calendar, 2000+c.Years, 1, 1, 0, 0, 0, 0)
	if err != nil {
		return nil, err
	}
	days, _ := end.Between(epoch)
	nt := int(days)
	counts := make([]int64, nt)
	season := make([]float64, nt)
	for i := range counts {
		counts[i] = int64(i)
	}
	ts, err := cftime.NewTimes(epoch, cftime.Day, counts)
	if err != nil {
		return nil, err
	}
	for i := range season {
		t, _ := ts.At(i)
		frac := float64(t.DayOfYear()-1) / float64(t.Calendar().DaysInYear(t.Year()))
		season[i] = -math.Cos(2*math.Pi*(frac-15.0/365)) + 0.03*float64(i)/365
	}
	lat := make([]float64, nlat)
	base := make([]float64, nlat)
	amp := make([]float64, nlat)
	for i := range lat {
		lat[i] = 90 - c.Res/2 - float64(i)*c.Res // descending, cell centres
		r := lat[i] * math.Pi / 180
		base[i] = 250 + 50*math.Cos(r)
		amp[i] = 20 * math.Sin(r)
	}
	lon := make([]float64, nlon)
	for i := range lon {
		lon[i] = -180 + c.Res/2 + float64(i)*c.Res
	}
	vec := func(dim string, v []float64) (*labelled.Array, error) {
		d, err := block.FromSlice(v, len(v))
		if err != nil {
			return nil, err
		}
		return labelled.New(ndarray.FromDense(d, chunk.Spec{}), []string{dim}), nil
	}
	seasonA, err := vec("time", season)
	if err != nil {
		return nil, err
	}
	baseA, err := vec("lat", base)
	if err != nil {
		return nil, err
	}
	ampA, err := vec("lat", amp)
	if err != nil {
		return nil, err
	}
	chunks := chunk.PerAxis(73, nlat, nlon)
	noise := labelled.New(ndarray.RandomNormal([]int{nt, nlat, nlon}, chunks, 42), []string{"time", "lat", "lon"})
	t2m := labelled.Add(labelled.Add(baseA, labelled.Mul(ampA, seasonA)), labelled.Mul(noise, 3.0)).
		Transpose("time", "lat", "lon").
		WithName("t2m").
		WithAttrs(map[string]any{"units": "K", "long_name": "2 metre temperature", "standard_name": "air_temperature"}).
		WithCoords(
			labelled.IndexCoord("time", labelled.NewTimeIndex(ts)).WithAttrs(map[string]any{"standard_name": "time"}),
			labelled.IndexCoord("lat", labelled.Float64Index(lat)).WithAttrs(map[string]any{"units": "degrees_north"}),
			labelled.IndexCoord("lon", labelled.Float64Index(lon)).WithAttrs(map[string]any{"units": "degrees_east"}))
	if err := t2m.Err(); err != nil {
		return nil, err
	}
	ds, err := labelled.NewDataset([]*labelled.Array{t2m}, map[string]any{"title": "synthetic daily 2 m temperature"})
	if err != nil {
		return nil, err
	}
	return ds, nil
}
