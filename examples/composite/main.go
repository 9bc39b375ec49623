// Command composite makes the seasonal median composite of a cloudy
// satellite reflectance stack, the xarray idiom
//
//	ds = xr.open_zarr(path)
//	comp = ds.refl.groupby("time.season").median()  # NaN (clouds) skipped
//	comp.to_zarr(out)
//
// printing each step beside the xarray line it replaces, with its wall
// time. By default it first makes the stack: a (time, y, x) float32
// reflectance every 5 days for two years on a 256 × 256 grid, with a
// vegetation cycle, noise and clouds as NaN in patches (and one corner
// clouded all summer, whose JJA composite is NaN), generated block by
// block inside the tasks and written with labelled's ToZarr as Zarr v2 so
// xarray can open the same store. -store opens an existing stack instead
// (variable -var on dims time, y, x).
//
// The median is exact for any chunking: each season's time steps are
// gathered (one take per block) and reduced by stats' exact NaN-skipping
// median, which makes the time axis whole only as far as a block fits the
// memory budget, the pixels cut to fit.
//
//	go run ./examples/composite
//	go run ./examples/composite -years 4 -ny 1024 -nx 1024 -keep
//	go run ./examples/composite -store s2.zarr -var B04
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
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// config says what run does.
type config struct {
	Store  string // an existing stack; "" makes one in Dir
	Var    string // the stack's variable
	Dir    string // where the made stack and the composite go
	Years  int    // years of the made stack
	Every  int    // days between acquisitions of the made stack
	NY, NX int    // grid of the made stack
	Chunk  int    // chunk edge of the made stack (time chunks are 16 steps)
	Clouds float64
}

func main() {
	var c config
	flag.StringVar(&c.Store, "store", "", "an existing Zarr stack (var on time, y, x) to open instead of making one")
	flag.StringVar(&c.Var, "var", "refl", "the stack's variable")
	flag.IntVar(&c.Years, "years", 2, "years of the made stack")
	flag.IntVar(&c.Every, "every", 5, "days between acquisitions of the made stack")
	flag.IntVar(&c.NY, "ny", 256, "rows of the made stack")
	flag.IntVar(&c.NX, "nx", 256, "columns of the made stack")
	flag.IntVar(&c.Chunk, "chunk", 128, "chunk edge (y and x) of the made stack")
	flag.Float64Var(&c.Clouds, "clouds", 0.4, "fraction of cloudy cells in the made stack")
	keep := flag.Bool("keep", false, "keep the made stack and the composite (their directory is printed)")
	flag.Parse()
	dir, err := os.MkdirTemp("", "composite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "composite:", err)
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
		fmt.Fprintln(os.Stderr, "composite:", err)
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
	fmt.Fprintf(s.w, "%-64s %8.3fs  %s\n", xarray, time.Since(s.start).Seconds(), what)
}

// result is what run wrote.
type result struct {
	Stack, Out string
	Composite  *labelled.Dataset // the composite as written and reopened (lazy)
}

// run makes (or opens) the stack and tells the story on w.
func run(ctx context.Context, w io.Writer, c config) (*result, error) {
	st := &stepper{w: w}
	res := &result{Stack: c.Store, Out: filepath.Join(c.Dir, "composite.zarr")}
	if c.Store == "" {
		res.Stack = filepath.Join(c.Dir, "stack.zarr")
		st.begin()
		stack, err := makeStack(c)
		if err != nil {
			return nil, err
		}
		s, err := zarr.NewDirectoryStore(res.Stack)
		if err != nil {
			return nil, err
		}
		enc := map[string]map[string]any{"refl": {"chunks": firstChunk(stack.Var("refl").Data())}}
		if err := stack.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2, Encoding: enc}); err != nil {
			return nil, err
		}
		sz := stack.Sizes()
		st.done(`ds.to_zarr(path)`, fmt.Sprintf("made a %d×%d×%d float32 stack, every %d days, %d MiB",
			sz["time"], sz["y"], sz["x"], c.Every, int64(sz["time"])*int64(sz["y"])*int64(sz["x"])*4>>20))
	}

	st.begin()
	s, err := zarr.NewDirectoryStore(res.Stack)
	if err != nil {
		return nil, err
	}
	ds, err := labelled.OpenZarr(ctx, s, "")
	if err != nil {
		return nil, err
	}
	refl := ds.Var(c.Var)
	if err := refl.Err(); err != nil {
		return nil, err
	}
	st.done(fmt.Sprintf(`da = xr.open_zarr(path).%s`, c.Var), fmt.Sprint("dims ", refl.Sizes(), ", opened in chunks of ", firstChunk(refl.Data())))

	st.begin()
	g := refl.GroupBy("time.season")
	if err := g.Err(); err != nil {
		return nil, err
	}
	comp := g.Median(labelled.QuantileKeepAttrs()).WithName("median")
	clear := g.Count().WithName("clear")
	st.done(`comp = da.groupby("time.season").median()`, fmt.Sprint("lazy, seasons ", g.Labels().Len()))
	st.done(`clear = da.groupby("time.season").count()`, "lazy")

	st.begin()
	out, err := labelled.NewDataset([]*labelled.Array{comp, clear}, map[string]any{"source": res.Stack, "title": "seasonal median composite"})
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
	st.done(`xr.Dataset({"median": comp, "clear": clear}).to_zarr(out)`, "computed in one graph run and written")

	st.begin()
	back, err := labelled.OpenZarr(ctx, os2, "")
	if err != nil {
		return nil, err
	}
	m := back.Var("median")
	mean, err := m.Mean("y", "x").Compute(ctx)
	if err != nil {
		return nil, err
	}
	nan, err := labelled.Sub(m.Count("y", "x"), float64(m.Size("y")*m.Size("x"))).Compute(ctx)
	if err != nil {
		return nil, err
	}
	st.done(`xr.open_zarr(out).median.mean(["y", "x"])`, "")
	seasons := m.Index("season")
	for i := range seasons.Len() {
		fmt.Fprintf(w, "    %-5s mean of the composite %.4f, %d pixels never clear\n", fmt.Sprint(seasons.Label(i)), mean.Float64(i), int(-nan.Float64(i)))
	}
	res.Composite = back
	fmt.Fprintln(w)
	fmt.Fprintln(w, back)
	return res, nil
}

// firstChunk is the shape of the array's first chunk.
func firstChunk(a *ndarray.Array) []int {
	var sh []int
	for _, c := range a.Chunks() {
		if len(c) > 0 {
			sh = append(sh, c[0])
		}
	}
	return sh
}

// stackParams are the synthetic stack's parameters, carried in each task.
type stackParams struct {
	Every  int     // days between acquisitions
	DOY0   int     // day of year (0-based) of the first acquisition
	Clouds float64 // fraction of cloudy 8×8-pixel cells per acquisition
}

func init() {
	ndarray.RegisterBlockFunc("examples.composite.stack", stackBlock)
}

// hash01 is a uniform number in [0, 1) from the integers given.
func hash01(vs ...int) float64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, v := range vs {
		h ^= uint64(v) + 0x9E3779B97F4A7C15 + h<<6 + h>>2
		h *= 0xBF58476D1CE4E5B9
		h ^= h >> 31
	}
	return float64(h>>11) / (1 << 53)
}

// stackBlock is one block of the reflectance: a soil background of 0.1,
// a vegetation cycle peaking in July whose amplitude varies across the
// grid, ±0.02 noise, and clouds (NaN) over whole 8×8 cells with
// probability Clouds, plus the 8×8 corner at the origin clouded from late
// May to early September (so all of JJA, whose composite there is NaN).
func stackBlock(_ context.Context, _ []*block.Dense, p stackParams, info ndarray.BlockInfo) (*block.Dense, error) {
	box := info.Box
	sh := box.Shape()
	d, err := block.New(block.Float32, sh...)
	if err != nil {
		return nil, err
	}
	v := block.Values[float32](d)
	ny, nx := info.ArrayShape[1], info.ArrayShape[2]
	i := 0
	for a := range sh[0] {
		t := box.Lo[0] + a
		doy := (p.DOY0 + t*p.Every) % 365
		green := 0.5 - 0.5*math.Cos(2*math.Pi*float64(doy-15)/365)
		summer := doy >= 145 && doy < 250 // late May to early September, a margin around JJA
		for b := range sh[1] {
			y := box.Lo[1] + b
			for k := range sh[2] {
				x := box.Lo[2] + k
				cloudy := hash01(t, y/8, x/8) < p.Clouds || (summer && y < 8 && x < 8)
				if cloudy {
					v[i] = float32(math.NaN())
				} else {
					amp := 0.1 + 0.3*float64(y)/float64(ny) + 0.1*float64(x)/float64(nx)
					v[i] = float32(0.1 + amp*green + 0.04*(hash01(t, y, x, 7)-0.5))
				}
				i++
			}
		}
	}
	return d, nil
}

// splits cuts n into chunks of size (the last one shorter).
func splits(n, size int) []int {
	var out []int
	for ; n > 0; n -= size {
		out = append(out, min(n, size))
	}
	return out
}

// makeStack is the synthetic stack as a dataset with its time coordinate
// (standard calendar, from 2020-01-01).
func makeStack(c config) (*labelled.Dataset, error) {
	if c.Years <= 0 || c.Every <= 0 || c.NY <= 0 || c.NX <= 0 || c.Chunk <= 0 || c.Clouds < 0 || c.Clouds > 1 {
		return nil, fmt.Errorf("years %d, every %d, grid %d×%d, chunk %d, clouds %g: want positive sizes and clouds in [0, 1]",
			c.Years, c.Every, c.NY, c.NX, c.Chunk, c.Clouds)
	}
	nt := c.Years * 365 / c.Every
	epoch, err := cftime.Date(cftime.Standard, 2020, 1, 1, 0, 0, 0, 0)
	if err != nil {
		return nil, err
	}
	counts := make([]int64, nt)
	for i := range counts {
		counts[i] = int64(i * c.Every)
	}
	ts, err := cftime.NewTimes(epoch, cftime.Day, counts)
	if err != nil {
		return nil, err
	}
	chunks := [][]int{splits(nt, 16), splits(c.NY, c.Chunk), splits(c.NX, c.Chunk)}
	data := ndarray.MapBlocks("examples.composite.stack", nil, block.Float32, chunks,
		stackParams{Every: c.Every, Clouds: c.Clouds})
	yc := make(labelled.Float64Index, c.NY)
	for i := range yc {
		yc[i] = 5e6 - 10*float64(i) - 5 // 10 m pixels, centres, north up
	}
	xc := make(labelled.Float64Index, c.NX)
	for i := range xc {
		xc[i] = 4e5 + 10*float64(i) + 5
	}
	refl := labelled.New(data, []string{"time", "y", "x"}, labelled.Name("refl"),
		labelled.Attrs(map[string]any{"long_name": "surface reflectance", "units": "1"}),
		labelled.Coords(
			labelled.IndexCoord("time", labelled.NewTimeIndex(ts)),
			labelled.IndexCoord("y", yc).WithAttrs(map[string]any{"units": "m"}),
			labelled.IndexCoord("x", xc).WithAttrs(map[string]any{"units": "m"})))
	if err := refl.Err(); err != nil {
		return nil, err
	}
	return labelled.NewDataset([]*labelled.Array{refl}, map[string]any{"title": "synthetic cloudy reflectance stack"})
}
