package block_test

import (
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

func ExampleCopyBox() {
	// Assemble a 2x4 block from the right half of a 2x6 source.
	src, _ := block.FromSlice([]int32{
		0, 1, 2, 3, 4, 5,
		6, 7, 8, 9, 10, 11,
	}, 2, 6)
	dst := block.Must(block.Int32, 2, 4)
	srcBox, _ := chunk.NewBox([]int{0, 3}, []int{2, 6})
	dstBox, _ := chunk.NewBox([]int{0, 1}, []int{2, 4})
	if err := block.CopyBox(dst, dstBox, src, srcBox); err != nil {
		panic(err)
	}
	fmt.Println(block.Values[int32](dst))
	// Output: [0 3 4 5 0 9 10 11]
}

func ExampleDense_AsType() {
	refl, _ := block.FromSlice([]float64{0.5, 1.5, 2.5, 70000}, 4)

	// Nearest-even rounding, saturating out-of-range values.
	clipped, _ := refl.AsType(block.Int16, block.CastOptions{Overflow: block.OverflowClip})
	fmt.Println(block.Values[int16](clipped))

	// The error policy names the first value that does not fit.
	_, err := refl.AsType(block.Int16, block.CastOptions{Overflow: block.OverflowError})
	fmt.Println(err, errors.Is(err, block.ErrOverflow))
	// Output:
	// [0 2 2 32767]
	// block: cannot convert float64 value 70000 at index [3] to int16: out of range true
}

func ExampleScaleOffset() {
	// Reflectance in [0, 1) packed as int16 x 10000, the CF/GDAL way.
	refl, _ := block.FromSlice([]float64{0.12345, 0.5, 0.99994}, 3)
	so := block.ScaleOffset{Scale: 1e-4}
	packed, _ := so.Pack(refl, block.Int16, block.OverflowError)
	back, _ := so.Unpack(packed, block.Float64)
	fmt.Println(block.Values[int16](packed), packed.Nbytes(), "bytes instead of", refl.Nbytes())
	fmt.Printf("%.4f\n", block.Values[float64](back))
	// Output:
	// [1234 5000 9999] 6 bytes instead of 24
	// [0.1234 0.5000 0.9999]
}

func ExampleNew() {
	d, _ := block.New(block.Float32, 2, 3)
	d.Fill(1.5)
	fmt.Println(d, d.Nbytes(), d.At(1, 2), d.DType().Typestr())
	// Output: Dense(float32, [2 3]) 24 1.5 <f4
}
