package zarr_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/zarr"
)

func ExampleStringStorage() {
	ctx := context.Background()
	s := zarr.NewMemoryStore()
	// A "band" coordinate as xarray writes it: numpy "<U3" in Zarr v2.
	a, err := zarr.Create(ctx, s, "band", zarr.CreateOptions{Format: 2, Shape: []int{3}, DType: block.String,
		Strings: zarr.StringStorage{Kind: block.StringUnicode, Width: 3}, DimensionNames: []string{"band"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := block.FromSlice([]string{"red", "grn", "blu"}, 3)
	if _, err := a.WriteAll(ctx, d); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := zarr.OpenArray(ctx, s, "band")
	got, _ := b.ReadAll(ctx)
	fmt.Println(b.Meta().NumpyType().Typestr(), b.DType(), block.Values[string](got))
	// Output:
	// <U3 string [red grn blu]
}
