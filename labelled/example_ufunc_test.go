package labelled_test

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
)

func ExampleArray_RightShift() {
	// xarray: cloud = (np.right_shift(qa, 3) & 1) == 1; red.where(~cloud)
	raw, _ := block.FromSlice([]uint16{0x0008, 0x0040, 0x0318, 0x0000}, 2, 2)
	qa := labelled.New(ndarray.FromDense(raw, chunk.Spec{}), []string{"y", "x"}, labelled.Name("qa"),
		labelled.Coords(labelled.IndexCoord("x", labelled.Int64Index{0, 30})))
	red := labelled.New(ndarray.Full(block.Float32, 0.2, []int{2, 2}, chunk.Spec{}), []string{"y", "x"},
		labelled.Name("red"), labelled.Attrs(map[string]any{"units": "1"}),
		labelled.Coords(labelled.IndexCoord("x", labelled.Int64Index{0, 30})))
	cloud := qa.RightShift(3).And(1).Equal(1)
	masked := red.Where(cloud.Not(), math.NaN())
	d, _ := masked.Compute(context.Background())
	fmt.Println(cloud.Dims(), masked.Name(), masked.Attrs(), d.Float64s())
	// Output:
	// [y x] red map[units:1] [NaN 0.20000000298023224 NaN 0.20000000298023224]
}
