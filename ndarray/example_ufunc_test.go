package ndarray_test

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

func ExampleRightShift() {
	// Bit fields of a QA band, as numpy's (qa >> 3) & 1 == 1: the chain
	// fuses into one tile-wise kernel per block.
	raw, _ := block.FromSlice([]uint16{0x0008, 0x0300, 0x0318, 0x0040}, 4)
	qa := ndarray.FromDense(raw, chunk.Uniform(2))
	cloud := qa.RightShift(3).And(1).Equal(1)
	highConf := qa.RightShift(8).And(3).GreaterEqual(2)
	mask := cloud.And(highConf) // bitwise and of bools is logical and
	d, _ := mask.Compute(context.Background())
	fmt.Println(mask.DType(), block.Values[bool](d))
	inv, _ := qa.Not().And(0xFF).Compute(context.Background())
	fmt.Println(block.Values[uint16](inv))
	// Output:
	// bool [false false true false]
	// [247 255 231 191]
}

func ExampleMod() {
	// Python's % and //: the remainder takes the divisor's sign; integer
	// division by zero gives 0, as numpy.
	x, _ := block.FromSlice([]int32{7, -7, 7, -7, 5}, 5)
	y, _ := block.FromSlice([]int32{3, 3, -3, -3, 0}, 5)
	a, b := ndarray.FromDense(x, chunk.Spec{}), ndarray.FromDense(y, chunk.Spec{})
	m, _ := a.Mod(b).Compute(context.Background())
	f, _ := a.Fmod(b).Compute(context.Background())
	q, _ := a.FloorDivide(b).Compute(context.Background())
	fmt.Println(block.Values[int32](m), block.Values[int32](f), block.Values[int32](q))
	// Output:
	// [1 2 -2 -1 0] [1 -1 1 -1 0] [2 -3 -3 2 0]
}

func ExampleArctan2() {
	// Wind direction and speed from u and v components.
	u, _ := block.FromSlice([]float64{0, 3, -1}, 3)
	v, _ := block.FromSlice([]float64{5, 4, 0}, 3)
	ua, va := ndarray.FromDense(u, chunk.Spec{}), ndarray.FromDense(v, chunk.Spec{})
	speed, _ := ndarray.Hypot(ua, va).Compute(context.Background())
	dir, _ := ndarray.Arctan2(ua, va).Rad2Deg().Compute(context.Background())
	fmt.Println(speed.Float64s())
	fmt.Printf("%.1f\n", dir.Float64s())
	// Output:
	// [5 5 1]
	// [0.0 36.9 -90.0]
}

func ExampleNanToNum() {
	// NaN-ignoring extremes and numpy's nan_to_num defaults.
	x, _ := block.FromSlice([]float32{1, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}, 4)
	a := ndarray.FromDense(x, chunk.Spec{})
	d, _ := ndarray.NanToNum(a).Compute(context.Background())
	fmt.Println(block.Values[float32](d))
	m, _ := ndarray.Fmax(a, 2).Compute(context.Background())
	fmt.Println(block.Values[float32](m))
	s, _ := a.Sign().Compute(context.Background())
	fmt.Println(block.Values[float32](s))
	// Output:
	// [1 0 3.4028235e+38 -3.4028235e+38]
	// [2 2 +Inf 2]
	// [1 NaN 1 -1]
}
