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

func ExampleMake() {
	// A typed block without a type switch: make, set, get.
	d, _ := block.Make[uint16](2, 3)
	block.Set(d, uint16(7), 1, 2)
	block.Set(d, uint16(9), 0, 0)
	fmt.Println(d, block.Get[uint16](d, 1, 2), block.Values[uint16](d))
	// Output: Dense(uint16, [2 3]) 7 [9 0 0 0 0 7]
}

func ExampleAs() {
	// As checks the element type instead of panicking, for blocks of any
	// dtype (from a store, a raster, a user function).
	d, _ := block.FromSlice([]float32{1, 2, 3}, 3)
	if v, err := block.As[float32](d); err == nil {
		v[0] = 10 // shared with the block
	}
	_, err := block.As[float64](d)
	fmt.Println(d.Float64s(), errors.Is(err, block.ErrDTypeMismatch))
	// Output: [10 2 3] true
}

func ExampleDense_Row() {
	// Rows and planes are views: no copy, writes go through.
	img, _ := block.FromSlice([]uint8{
		1, 2, 3,
		4, 5, 6,
	}, 2, 3)
	row, _ := img.Row(1)
	block.Values[uint8](row)[0] = 40
	fmt.Println(row, block.Values[uint8](row), block.Values[uint8](img))
	// Output: Dense(uint8, [3]) [40 5 6] [1 2 3 40 5 6]
}

func ExampleDense_View() {
	d, _ := block.FromSlice([]int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4)
	rows, _ := chunk.NewBox([]int{1, 0}, []int{3, 4}) // rows 1 and 2: contiguous
	v, _ := d.View(rows)
	fmt.Println(v, block.Values[int32](v))

	cols, _ := chunk.NewBox([]int{0, 1}, []int{3, 2}) // one column: strided
	_, err := d.View(cols)
	fmt.Println(errors.Is(err, block.ErrNotContiguous))
	c, _ := d.SubBlock(cols) // a copy serves any box
	fmt.Println(block.Values[int32](c))
	// Output:
	// Dense(int32, [2 4]) [4 5 6 7 8 9 10 11]
	// true
	// [1 5 9]
}

func ExampleFromSlice() {
	// Wrap existing Go data without copying it.
	data := []float64{1.5, 2.5, 3.5, 4.5}
	d, _ := block.FromSlice(data, 2, 2)
	data[3] = 0
	fmt.Println(d.At(1, 1), d.Shape(), d.Nbytes())
	_, err := block.FromSlice(data, 3)
	fmt.Println(errors.Is(err, block.ErrShape))
	// Output:
	// 0 [2 2] 32
	// true
}

func ExampleDense_MarshalBinary() {
	// The wire and spill form of a block round-trips dtype, shape and bits.
	d, _ := block.FromSlice([]int16{-1, 2, 300}, 1, 3)
	wire, _ := d.MarshalBinary()
	var back block.Dense
	if err := back.UnmarshalBinary(wire); err != nil {
		panic(err)
	}
	fmt.Println(&back, back.Equal(d), block.Values[int16](&back))

	// Truncated bytes are an error, never a panic.
	err := back.UnmarshalBinary(wire[:len(wire)-1])
	fmt.Println(errors.Is(err, block.ErrCorruptBlock))
	// Output:
	// Dense(int16, [1 3]) true [-1 2 300]
	// true
}
