// Command focal runs the two focal operations of raster work on a
// synthetic elevation model, chunked and lazy, and checks each against a
// direct computation over the whole array in memory:
//
//   - a 3x3 mean filter (smoothing), MapOverlap with depth 1 and the halo
//     trimmed off after the function (dask's trim=True);
//   - slope in degrees by Horn's method (as gdaldem slope), MapOverlap with
//     NoTrim: the function writes only the block's own cells.
//
// Both use the "nearest" boundary: cells past the raster's edge repeat the
// edge. The block functions are registered by name in init, so the same
// graph would run on remote workers of this binary.
//
//	go run ./examples/focal                 # 2000x2000, 512x512 chunks
//	go run ./examples/focal -size 6000 -chunk 1000
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
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

func main() {
	size := flag.Int("size", 2000, "rows and columns of the elevation model")
	chunkSize := flag.Int("chunk", 512, "chunk edge")
	cell := flag.Float64("cell", 30, "cell size in metres")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *size, *chunkSize, *cell); err != nil {
		fmt.Fprintln(os.Stderr, "focal:", err)
		os.Exit(1)
	}
}

// params is what the slope function receives: MapOverlap encodes it as
// JSON into every task and RegisterBlockFunc decodes it on the worker.
type params struct {
	Cell float64 `json:"cell"` // cell size, metres
}

func init() {
	ndarray.RegisterFunc("focal.elevation", elevationBlock)
	ndarray.RegisterFunc("focal.mean3x3", mean3x3)
	ndarray.RegisterBlockFunc("focal.slope", slope)
}

// elevation is the synthetic terrain: two ridges and a basin, in metres.
func elevation(i, j int) float32 {
	x, y := float64(j), float64(i)
	return float32(500 + 200*math.Sin(x/90)*math.Cos(y/140) + 80*math.Sin((x+y)/37) - 0.02*x)
}

// elevationBlock is a source: it fills its block from the coordinates, as
// reading a DEM tile would.
func elevationBlock(_ context.Context, _ []*block.Dense, info ndarray.BlockInfo) (*block.Dense, error) {
	d, err := block.New(block.Float32, info.Box.Shape()...)
	if err != nil {
		return nil, err
	}
	v := block.Values[float32](d)
	w := info.Box.Hi[1] - info.Box.Lo[1]
	for i := info.Box.Lo[0]; i < info.Box.Hi[0]; i++ {
		for j := info.Box.Lo[1]; j < info.Box.Hi[1]; j++ {
			v[(i-info.Box.Lo[0])*w+j-info.Box.Lo[1]] = elevation(i, j)
		}
	}
	return d, nil
}

// mean3x3 returns a block of its input's (halo'd) shape: the mean of each
// cell's 3x3 window where the window lies inside the input; the outer ring
// is part of the halo and is trimmed by MapOverlap.
func mean3x3(_ context.Context, in []*block.Dense, _ ndarray.BlockInfo) (*block.Dense, error) {
	s := in[0].Shape()
	out, err := block.New(block.Float32, s...)
	if err != nil {
		return nil, err
	}
	src, o := block.Values[float32](in[0]), block.Values[float32](out)
	w := s[1]
	for i := 1; i < s[0]-1; i++ {
		for j := 1; j < w-1; j++ {
			var sum float32
			for di := -1; di <= 1; di++ {
				r := src[(i+di)*w:]
				sum += r[j-1] + r[j] + r[j+1]
			}
			o[i*w+j] = sum / 9
		}
	}
	return out, nil
}

// slope writes, for the core cells only (NoTrim), the slope in degrees by
// Horn's method: dz/dx = ((c + 2f + i) - (a + 2d + g)) / 8h and dz/dy =
// ((g + 2h + i) - (a + 2b + c)) / 8h over the window a b c / d e f / g h i.
func slope(_ context.Context, in []*block.Dense, p params, info ndarray.BlockInfo) (*block.Dense, error) {
	if p.Cell <= 0 {
		return nil, fmt.Errorf("slope: cell size %v must be positive", p.Cell)
	}
	s := in[0].Shape()
	h := info.Halo
	if h[0][0] != 1 || h[0][1] != 1 || h[1][0] != 1 || h[1][1] != 1 {
		return nil, fmt.Errorf("slope needs a halo of one on every side, got %v", h)
	}
	rows, cols := s[0]-2, s[1]-2
	out, err := block.New(block.Float32, rows, cols)
	if err != nil {
		return nil, err
	}
	src, o := block.Values[float32](in[0]), block.Values[float32](out)
	w := s[1]
	for i := range rows {
		up, mid, dn := src[i*w:], src[(i+1)*w:], src[(i+2)*w:]
		for j := range cols {
			o[i*cols+j] = horn(up[j], up[j+1], up[j+2], mid[j], mid[j+2], dn[j], dn[j+1], dn[j+2], p.Cell)
		}
	}
	return out, nil
}

func horn(a, b, c, d, f, g, h, i float32, cell float64) float32 {
	dzdx := (float64(c+2*f+i) - float64(a+2*d+g)) / (8 * cell)
	dzdy := (float64(g+2*h+i) - float64(a+2*b+c)) / (8 * cell)
	return float32(math.Atan(math.Hypot(dzdx, dzdy)) * 180 / math.Pi)
}

// Result is what run reports, for the test.
type Result struct {
	MeanErr, SlopeErr float64 // largest absolute difference from the direct computation
	MaxSlope          float64
}

func run(ctx context.Context, w io.Writer, n, c int, cell float64) error {
	_, err := compute(ctx, w, n, c, cell)
	return err
}

func compute(ctx context.Context, w io.Writer, n, c int, cell float64) (Result, error) {
	grid, err := chunk.NewRegularGrid([]int{n, n}, []int{c, c})
	if err != nil {
		return Result{}, err
	}
	dem := ndarray.MapBlocks("focal.elevation", nil, block.Float32, grid.Chunks(), nil)
	nearest := ndarray.Overlap{Depth: []int{1, 1}, Boundary: ndarray.BoundaryNearest}
	smooth := ndarray.MapOverlap("focal.mean3x3", dem, block.Float32, nearest, nil)
	nearest.NoTrim = true
	sl := ndarray.MapOverlap("focal.slope", dem, block.Float32, nearest, params{Cell: cell})

	t0 := time.Now()
	outs, err := ndarray.Compute(ctx, []*ndarray.Array{dem, smooth, sl})
	if err != nil {
		return Result{}, err
	}
	took := time.Since(t0)

	// The direct computation: whole raster in memory, edges clamped.
	z := block.Values[float32](outs[0])
	at := func(i, j int) float32 {
		return z[min(max(i, 0), n-1)*n+min(max(j, 0), n-1)]
	}
	var res Result
	gm, gs := block.Values[float32](outs[1]), block.Values[float32](outs[2])
	for i := range n {
		for j := range n {
			if z[i*n+j] != elevation(i, j) {
				return Result{}, fmt.Errorf("elevation differs at (%d, %d)", i, j)
			}
			var sum float32
			for di := -1; di <= 1; di++ {
				sum += at(i+di, j-1) + at(i+di, j) + at(i+di, j+1)
			}
			res.MeanErr = max(res.MeanErr, math.Abs(float64(sum/9-gm[i*n+j])))
			want := horn(at(i-1, j-1), at(i-1, j), at(i-1, j+1), at(i, j-1), at(i, j+1), at(i+1, j-1), at(i+1, j), at(i+1, j+1), cell)
			res.SlopeErr = max(res.SlopeErr, math.Abs(float64(want-gs[i*n+j])))
			res.MaxSlope = max(res.MaxSlope, float64(gs[i*n+j]))
		}
	}
	fmt.Fprintf(w, "elevation %dx%d in %dx%d chunks (%d blocks), cell %.0f m: computed in %v\n", n, n, c, c, grid.Len(), cell, took.Round(time.Millisecond))
	fmt.Fprintf(w, "  3x3 mean: max |difference| from direct computation %.3g m\n", res.MeanErr)
	fmt.Fprintf(w, "  slope:    max |difference| from direct computation %.3g degrees (steepest %.1f degrees)\n", res.SlopeErr, res.MaxSlope)
	if res.MeanErr > 1e-3 || res.SlopeErr > 1e-3 {
		return res, fmt.Errorf("chunked result differs from the direct computation")
	}
	return res, nil
}
