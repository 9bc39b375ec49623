package ndarray_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

func ExampleRandom() {
	// The same seed gives the same values whatever the chunking.
	a := ndarray.Random([]int{2, 3}, chunk.PerAxis(1, 2), 7)
	b := ndarray.Random([]int{2, 3}, chunk.Uniform(-1), 7)
	da, _ := a.Compute(context.Background())
	db, _ := b.Compute(context.Background())
	fmt.Println(da.Equal(db), a.Chunks(), b.Chunks())
	// Output: true [[1 1] [2 1]] [[2] [3]]
}

func ExampleArray_Pack() {
	// Lazy scale-and-round of reflectance to int16, fused with the
	// arithmetic before it: no float64 block is materialised.
	refl := ndarray.Linspace(0, 0.9999, 5, true, chunk.Uniform(2))
	packed := refl.Pack(block.ScaleOffset{Scale: 1e-4}, block.Int16, block.OverflowError)
	d, err := packed.Compute(context.Background())
	fmt.Println(block.Values[int16](d), err)
	// Output: [0 2500 5000 7499 9999] <nil>
}

func ExampleCompute() {
	x := ndarray.Arange(0, 6, 1, chunk.Uniform(4)) // int64 0..5
	y := ndarray.Where(ndarray.Greater(x, 2), x.Mul(10), ndarray.Neg(x))
	outs, err := ndarray.Compute(context.Background(), []*ndarray.Array{x, y})
	fmt.Println(block.Values[int64](outs[0]), block.Values[int64](outs[1]), err)
	// Output: [0 1 2 3 4 5] [0 -1 -2 30 40 50] <nil>
}

func ExampleArray_Persist() {
	ex := cluster.NewLocal(cluster.LocalOptions{})
	a, _ := ndarray.Random([]int{1000}, chunk.Uniform(250), 1).Persist(context.Background(), ex)
	defer a.Release(ex)
	fmt.Println(ex.PinnedBytes(), "bytes held in memory")
	// Output: 8000 bytes held in memory
}
