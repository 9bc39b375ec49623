package reduce_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

func ExampleMean() {
	// The mean of 8 MB of random values, never holding more than a tile.
	a := ndarray.Random([]int{1000, 1000}, chunk.PerAxis(250, 500), 42)
	m, _ := reduce.Mean(a).Compute(context.Background())
	fmt.Printf("%.3f\n", m.Float64s()[0])
	// Output: 0.500
}

func ExampleSum() {
	x, _ := block.FromSlice([]int16{1, 2, 3, 4, 5, 6}, 2, 3)
	a := ndarray.FromDense(x, chunk.PerAxis(1, 2))
	cols, _ := reduce.Sum(a, reduce.Axis(0)).Compute(context.Background())
	rows, _ := reduce.Sum(a, reduce.Axis(-1), reduce.KeepDims()).Compute(context.Background())
	fmt.Println(cols.DType(), block.Values[int64](cols), rows.Shape(), block.Values[int64](rows))
	// Output: int64 [5 7 9] [2 1] [6 15]
}

func ExampleStd() {
	x, _ := block.FromSlice([]float64{2, 4, 4, 4, 5, 5, 7, 9}, 8)
	s, _ := reduce.Std(ndarray.FromDense(x, chunk.Uniform(3))).Compute(context.Background())
	fmt.Println(s.Float64s())
	// Output: [2]
}
