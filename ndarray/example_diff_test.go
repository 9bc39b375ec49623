package ndarray_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// Diff and Gradient work across chunk boundaries: squares 0..36 in chunks
// of 3.
func ExampleDiff() {
	d, _ := block.FromSlice([]float64{0, 1, 4, 9, 16, 25, 36}, 7)
	a := ndarray.FromDense(d, chunk.Uniform(3))
	ctx := context.Background()
	first, _ := ndarray.Diff(a, 1, 0).Compute(ctx)
	second, _ := ndarray.Diff(a, 2, 0).Compute(ctx)
	fmt.Println(first.Float64s())
	fmt.Println(second.Float64s())
	// Output:
	// [1 3 5 7 9 11]
	// [2 2 2 2 2]
}

func ExampleGradient() {
	d, _ := block.FromSlice([]float64{0, 1, 4, 9, 16, 25, 36}, 7)
	a := ndarray.FromDense(d, chunk.Uniform(3))
	ctx := context.Background()
	g, _ := ndarray.Gradient(a, 0, ndarray.UniformSpacing(0.5)).Compute(ctx)
	x, _ := ndarray.Gradient(a, 0, ndarray.CoordSpacing([]float64{0, 1, 2, 4, 5, 6, 8})).Compute(ctx)
	fmt.Println(g.Float64s())
	fmt.Printf("%.4g\n", x.Float64s())
	// Output:
	// [2 4 8 12 16 20 22]
	// [1 2 2.833 5.5 8 7.833 5.5]
}
