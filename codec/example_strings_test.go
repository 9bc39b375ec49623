package codec_test

import (
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/codec"
)

func ExampleVLenUTF8() {
	d, _ := block.FromSlice([]string{"a", "bé"}, 2)
	b, err := codec.VLenUTF8{}.EncodeArray(nil, d)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("% x\n", b) // numcodecs' layout: count, then length and bytes
	back, _ := codec.VLenUTF8{}.DecodeArray(b, codec.ChunkSpec{DType: block.String, Shape: []int{2}})
	fmt.Println(block.Values[string](back))
	// Output:
	// 02 00 00 00 01 00 00 00 61 03 00 00 00 62 c3 a9
	// [a bé]
}

func ExampleFixedString() {
	u3 := codec.FixedString{Kind: block.StringUnicode, Width: 3} // numpy "<U3"
	d, _ := block.FromSlice([]string{"red", "gr"}, 2)
	b, _ := u3.EncodeArray(nil, d)
	fmt.Println(len(b), "bytes")
	_, err := u3.EncodeArray(nil, mustStrings("blue"))
	fmt.Println(err)
	// Output:
	// 24 bytes
	// codec bytes: encode: array does not fit codec: element [0]: "blue" is 4 characters, longer than U3
}

func mustStrings(s ...string) *block.Dense {
	d, err := block.FromSlice(s, len(s))
	if err != nil {
		panic(err)
	}
	return d
}
