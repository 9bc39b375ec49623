package block_test

import (
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
)

func ExampleParseNumpy() {
	for _, s := range []string{"<U3", "|S5", ">M8[ns]", "<f2", "<c16"} {
		nt, err := block.ParseNumpy(s)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s, %d stored bytes per element\n", nt.Typestr(), nt.DType, nt.ItemSize())
	}
	_, err := block.ParseNumpy("|V8")
	fmt.Println(errors.Is(err, block.ErrDType))
	// Output:
	// <U3: string, 12 stored bytes per element
	// |S5: string, 5 stored bytes per element
	// >M8[ns]: datetime64[ns], 8 stored bytes per element
	// <f2: float16, 2 stored bytes per element
	// <c16: complex128, 16 stored bytes per element
	// true
}

func ExampleDateTime64() {
	// datetime64[ns] blocks hold int64 counts; NaT is math.MinInt64.
	ns := block.DateTime64(block.UnitNano)
	d, _ := block.WrapDType(ns, []int64{1_500_000_000, -1, block.NaT}, 3)
	s, err := d.AsType(block.DateTime64(block.UnitSecond), block.CastOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.DType(), block.Values[int64](s)[:2], block.Values[int64](s)[2] == block.NaT)
	_, err = d.AsType(block.Float64, block.CastOptions{})
	fmt.Println(err)
	// Output:
	// datetime64[s] [1 -1] true
	// block: cast from datetime64[ns] to float64 is not supported
}

func ExampleHalfFromFloat32() {
	h := block.HalfFromFloat32(0.1)
	fmt.Printf("%#04x %v\n", uint16(h), h.Float32())
	// Output:
	// 0x2e66 0.099975586
}
