package codec_test

import (
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/codec"
)

// A Zarr v2 compressor entry, parsed once into a ready codec.
func ExampleParseNumcodecs() {
	c, err := codec.ParseNumcodecs([]byte(`{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}`))
	if err != nil {
		panic(err)
	}
	b := c.(codec.SpecAware).ForSpec(codec.ChunkSpec{DType: block.Float32}).(codec.BytesCodec)
	data := make([]byte, 4096)
	enc, _ := b.Encode(nil, data)
	dec, err := b.Decode(nil, enc, len(data)) // maxLen: the chunk's size
	fmt.Println(c.Name(), len(enc) < len(data), len(dec), err)
	// Output: blosc true 4096 <nil>
}

// The Zarr v3 way to pack float64 reflectance ×10000 into int16, then
// compress: scale_offset + cast_value + bytes + zstd.
func ExamplePipeline() {
	codecs, err := codec.ParseList([]byte(`[
		{"name": "scale_offset", "configuration": {"offset": 0, "scale": 10000}},
		{"name": "cast_value", "configuration": {"data_type": "int16", "out_of_range": "error"}},
		{"name": "bytes", "configuration": {"endian": "little"}},
		{"name": "zstd", "configuration": {"level": 3}}]`))
	if err != nil {
		panic(err)
	}
	p, err := codec.NewPipeline(codec.ChunkSpec{DType: block.Float64, Shape: []int{2, 3}}, codecs...)
	if err != nil {
		panic(err)
	}
	a, _ := block.FromSlice([]float64{0.1234, 0.5, 0.0001, 1, 0.25, 0.33333}, 2, 3)
	stored, err := p.Encode(nil, a)
	if err != nil {
		panic(err)
	}
	back, err := p.Decode(stored)
	fmt.Println(back.Float64s(), err)
	// Output: [0.1234 0.5 0.0001 1 0.25 0.3333] <nil>
}

// Bad input gives typed errors that name the codec.
func ExampleError() {
	_, err := codec.Parse([]byte(`{"id":"lzma9000"}`))
	fmt.Println(err)
	// Output: codec lzma9000: parse: unknown codec
}
