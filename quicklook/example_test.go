package quicklook_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/quicklook"
)

func ExampleRender() {
	// A smooth field: sin(x) + y, shown with viridis and a 2-98 % stretch.
	x := ndarray.Arange(0, 200, 1, chunk.Spec{}).AsType(block.Float64, block.OverflowError)
	y := ndarray.FromDense(must(block.FromSlice(make([]float64, 100), 100, 1)), chunk.Spec{})
	field := ndarray.Add(ndarray.Sin(ndarray.Mul(x, 0.05)), y)
	img, err := quicklook.Render(context.Background(), field, quicklook.Options{Colormap: "viridis"})
	fmt.Println(img.Bounds().Dx(), img.Bounds().Dy(), err)
	// Output: 200 100 <nil>
}

func must(d *block.Dense, err error) *block.Dense {
	if err != nil {
		panic(err)
	}
	return d
}
