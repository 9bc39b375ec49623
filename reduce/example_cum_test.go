package reduce_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// CumSum runs along an axis across chunk boundaries: here 1..6 in chunks
// of 4 and 2; the second block adds the carry 10 of the first.
func ExampleCumSum() {
	a := ndarray.Arange(1, 7, 1, chunk.Uniform(4))
	d, err := reduce.CumSum(a, 0).Compute(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(d.DType(), d.Float64s())
	// Output: int64 [1 3 6 10 15 21]
}
