package main

import (
	"context"
	"github.com/tessera-array/tessera/benchmarks/internal/child"
	"github.com/tessera-array/tessera/block"
	"time"

	"github.com/tessera-array/tessera/benchmarks/internal/source"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// The breadth workloads: a rechunk there and back of a materialised array,
// and a 3x3 focal mean with map_overlap.

func init() {
	// sidebyside.random: materialised random blocks, as dask's
	// da.random.random is (benchmarks/internal/source).
	ndarray.RegisterFunc("sidebyside.random", source.RandomBlock)
	// sidebyside.mean3 is the 3x3 mean of a block with a halo of one on
	// every side, written only for the core (MapOverlap's NoTrim):
	// vertical sums of three rows, then horizontal sums of three.
	ndarray.RegisterFunc("sidebyside.mean3", mean3)
}

func mean3(ctx context.Context, in []*block.Dense, info ndarray.BlockInfo) (*block.Dense, error) {
	s := in[0].Shape()
	h := info.Halo
	rows, cols := s[0]-h[0][0]-h[0][1], s[1]-h[1][0]-h[1][1]
	out, err := ndarray.Alloc(ctx, block.Float32, rows, cols)
	if err != nil {
		return nil, err
	}
	src := block.Values[float32](in[0])
	o := block.Values[float32](out)
	w := s[1]
	col := make([]float32, w)
	for i := range rows {
		r := i + h[0][0]
		a, b, c := src[(r-1)*w:r*w], src[r*w:(r+1)*w], src[(r+1)*w:(r+2)*w]
		for j := range col {
			col[j] = a[j] + b[j] + c[j]
		}
		orow := o[i*cols : (i+1)*cols]
		c0 := h[1][0]
		for j := range orow {
			k := j + c0
			orow[j] = (col[k-1] + col[k] + col[k+1]) * (1.0 / 9)
		}
	}
	return out, nil
}

func runRechunk(ctx context.Context, rows, cores int) (measurement, error) {
	const budget = 1 << 30
	shape := []int{rows, 7500}
	grid, err := chunk.NewRegularGrid(shape, []int{400, 400})
	if err != nil {
		return measurement{}, err
	}
	x := ndarray.MapBlocks("sidebyside.random", nil, block.Float64, grid.Chunks(), nil)
	y := x.Rechunk(chunk.PerAxis(rows, 10), ndarray.RechunkMemory(budget)).
		Rechunk(chunk.PerAxis(400, 400), ndarray.RechunkMemory(budget))
	t0 := time.Now()
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores, MemoryBudget: budget})
	s, err := reduce.Sum(y).Compute(ctx, ndarray.WithExecutor(ex))
	if err != nil {
		return measurement{}, err
	}
	return measurement{Seconds: time.Since(t0).Seconds(), Value: s.Float64s()[0], MaxRSS: float64(child.SelfMaxRSS()) / 1024}, nil
}

func runOverlap(ctx context.Context, n, cores int) (measurement, error) {
	x := ndarray.Random([]int{n, n}, chunk.PerAxis(1000, 1000), 1).AsType(block.Float32, block.OverflowWrap)
	m := ndarray.MapOverlap("sidebyside.mean3", x, block.Float32, ndarray.Overlap{Depth: []int{1, 1}, Boundary: ndarray.BoundaryReflect, NoTrim: true}, nil)
	t0 := time.Now()
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: cores, MemoryBudget: 1 << 30})
	s, err := reduce.Sum(m).Compute(ctx, ndarray.WithExecutor(ex))
	if err != nil {
		return measurement{}, err
	}
	return measurement{Seconds: time.Since(t0).Seconds(), Value: s.Float64s()[0], MaxRSS: float64(child.SelfMaxRSS()) / 1024}, nil
}
