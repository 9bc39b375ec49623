package ndarray_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

func ExampleArray_Index() {
	x := ndarray.Arange(0, 12, 1, chunk.Uniform(5)).Reshape([]int{3, 4}) // int64
	// x[::-1, 1:4:2], x[1], x[:, None, -1]
	a := x.Index(ndarray.Sl(ndarray.None, ndarray.None, -1), ndarray.Sl(1, 4, 2))
	b := x.Index(ndarray.At(1))
	c := x.Index(ndarray.All(), ndarray.NewAxis, ndarray.At(-1))
	outs, _ := ndarray.Compute(context.Background(), []*ndarray.Array{a, b, c})
	fmt.Println(block.Values[int64](outs[0]), a.Shape())
	fmt.Println(block.Values[int64](outs[1]), b.Shape())
	fmt.Println(block.Values[int64](outs[2]), c.Shape())
	_, err := x.Index(ndarray.At(3)).Compute(context.Background())
	fmt.Println(errors.Is(err, ndarray.ErrIndex))
	// Output:
	// [9 11 5 7 1 3] [3 2]
	// [4 5 6 7] [4]
	// [3 7 11] [3 1]
	// true
}

func ExampleArray_Rechunk() {
	// Persisted (materialised) blocks move through a plan that fits the
	// per-task memory; a plan that cannot fit is refused before running.
	ex := cluster.NewLocal(cluster.LocalOptions{})
	x, _ := ndarray.Random([]int{1000, 1000}, chunk.PerAxis(1000, 1), 1).Persist(context.Background(), ex)
	defer x.Release(ex)
	plan, _ := ndarray.PlanRechunk(x.Grid(), mustGrid(1, 1000), 8, 1<<20)
	fmt.Println("stages:", len(plan.Stages), "largest task bytes:", plan.MaxBytes)
	y := x.Rechunk(chunk.PerAxis(1, 1000), ndarray.RechunkMemory(1<<20))
	fmt.Println(y.Chunks()[0][:3], y.Chunks()[1])
	z := x.Rechunk(chunk.PerAxis(1, 1000), ndarray.RechunkMemory(10_000))
	fmt.Println(errors.Is(z.Err(), ndarray.ErrRechunkMemory))
	// Output:
	// stages: 2 largest task bytes: 264192
	// [1 1 1] [1000]
	// true
}

func mustGrid(r, c int) *chunk.Grid {
	g, err := chunk.NewRegularGrid([]int{1000, 1000}, []int{r, c})
	if err != nil {
		panic(err)
	}
	return g
}

func init() {
	// A block function is registered by name at init, so graphs that name
	// it run on any process of this binary.
	ndarray.RegisterFunc("example.offset-by-row", func(_ context.Context, in []*block.Dense, info ndarray.BlockInfo) (*block.Dense, error) {
		out := in[0].Clone()
		v := block.Values[float64](out)
		for i := range v {
			v[i] += float64(info.Box.Lo[0] + i/out.Shape()[1])
		}
		return out, nil
	})
	ndarray.RegisterFunc("example.sum3", func(_ context.Context, in []*block.Dense, info ndarray.BlockInfo) (*block.Dense, error) {
		// The input is the block with one element of halo each side; the
		// result is the halo'd shape, trimmed afterwards.
		v := block.Values[float64](in[0])
		out := block.Must(block.Float64, len(v))
		o := block.Values[float64](out)
		for i := 1; i < len(v)-1; i++ {
			o[i] = v[i-1] + v[i] + v[i+1]
		}
		return out, nil
	})
}

func ExampleMapBlocks() {
	x := ndarray.Zeros(block.Float64, []int{4, 2}, chunk.PerAxis(3, 2))
	y := ndarray.MapBlocks("example.offset-by-row", []*ndarray.Array{x}, block.Float64, nil, nil)
	d, _ := y.Compute(context.Background())
	fmt.Println(block.Values[float64](d))
	_, err := ndarray.MapBlocks("example.missing", []*ndarray.Array{x}, block.Float64, nil, nil).Compute(context.Background())
	fmt.Println(errors.Is(err, ndarray.ErrUnknownFunc))
	// Output:
	// [0 0 1 1 2 2 3 3]
	// true
}

func ExampleMapOverlap() {
	x := ndarray.Arange(0, 8, 1, chunk.Uniform(3)).AsType(block.Float64, block.OverflowWrap)
	for _, b := range []ndarray.Boundary{ndarray.BoundaryReflect, ndarray.BoundaryPeriodic, ndarray.BoundaryNearest, ndarray.BoundaryConstant, ndarray.BoundaryNone} {
		y := ndarray.MapOverlap("example.sum3", x, block.Float64, ndarray.Overlap{Depth: []int{1}, Boundary: b, Value: 100}, nil)
		d, err := y.Compute(context.Background())
		fmt.Println(b, block.Values[float64](d), err)
	}
	// Output:
	// reflect [1 3 6 9 12 15 18 20] <nil>
	// periodic [8 3 6 9 12 15 18 13] <nil>
	// nearest [1 3 6 9 12 15 18 20] <nil>
	// constant [101 3 6 9 12 15 18 113] <nil>
	// none [0 3 6 9 12 15 18 0] <nil>
}

func ExampleConcatenate() {
	a := ndarray.Arange(0, 3, 1, chunk.Uniform(2))
	b := ndarray.Arange(10, 12, 1, chunk.Uniform(1))
	c := ndarray.Concatenate([]*ndarray.Array{a, b}, 0)
	d, _ := c.Compute(context.Background())
	fmt.Println(block.Values[int64](d), c.Chunks())
	p, _ := a.Pad([][2]int{{2, 1}}, ndarray.PadReflect, 0).Compute(context.Background())
	fmt.Println(block.Values[int64](p))
	// Output:
	// [0 1 2 10 11] [[2 1 1 1]]
	// [2 1 0 1 2 1]
}
