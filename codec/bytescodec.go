package codec

import (
	"encoding/json"

	"github.com/tessera-array/tessera/block"
)

// Endian is a byte order for the bytes codec.
type Endian uint8

const (
	// Little is little-endian order, the Zarr v3 "bytes" codec's "little"
	// (numpy's '<'); it is the zero Endian and the default when a codec
	// configuration names no endian.
	Little Endian = iota
	// Big is big-endian order, the Zarr v3 "bytes" codec's "big" (numpy's
	// '>').
	Big
)

// String is the Zarr v3 endian name: "big" for Big, "little" for Little
// and for any other value.
func (e Endian) String() string {
	if e == Big {
		return "big"
	}
	return "little"
}

func init() {
	Register("bytes", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			Endian *string `json:"endian"`
		}
		if err := decodeConfig("bytes", c, &cfg, "endian"); err != nil {
			return nil, err
		}
		if cfg.Endian == nil || *cfg.Endian == "little" {
			return Bytes{Endian: Little}, nil
		}
		if *cfg.Endian == "big" {
			return Bytes{Endian: Big}, nil
		}
		return nil, configErr("bytes", "endian %q is neither \"little\" nor \"big\"", *cfg.Endian)
	})
}

// Bytes is the Zarr v3 array→bytes codec: elements in C order, in the given
// byte order.
type Bytes struct{ Endian Endian }

// Name is "bytes", the codec's Zarr v3 name.
func (Bytes) Name() string { return "bytes" }

// EncodeArray appends a's elements to dst. String blocks have no fixed
// element bytes: they are an ErrSpec error (VLenUTF8 and FixedString
// serialise them).
func (b Bytes) EncodeArray(dst []byte, a *block.Dense) ([]byte, error) {
	if !a.HasBytes() {
		return nil, errf("bytes", "encode", ErrSpec, "%s chunks need a string codec", a.DType())
	}
	start := len(dst)
	dst = append(dst, a.Bytes()...)
	if b.Endian == Big {
		swapBytes(dst[start:], swapUnit(a.DType()))
	}
	return dst, nil
}

// DecodeArray reads a chunk of spec from src (exactly spec.Nbytes() bytes).
func (b Bytes) DecodeArray(src []byte, spec ChunkSpec) (*block.Dense, error) {
	if spec.DType == block.String {
		return nil, errf("bytes", "decode", ErrSpec, "%s chunks need a string codec", spec.DType)
	}
	if int64(len(src)) != spec.Nbytes() {
		return nil, errf("bytes", "decode", ErrCorrupt, "%d bytes for chunk %s of %d bytes", len(src), spec, spec.Nbytes())
	}
	d, err := block.FromBytes(spec.DType, src, spec.Shape...)
	if err != nil {
		return nil, errf("bytes", "decode", ErrSpec, "%v", err)
	}
	if b.Endian == Big {
		swapBytes(d.Bytes(), swapUnit(spec.DType))
	}
	return d, nil
}

// swapUnit is the size of the numbers whose bytes a byte order reverses:
// the element size, or half of it for complex dtypes (two floats).
func swapUnit(dt block.DType) int {
	if dt.IsComplex() {
		return dt.Size() / 2
	}
	return dt.Size()
}

// swapBytes reverses the byte order of each es-byte element in place.
func swapBytes(b []byte, es int) {
	switch es {
	case 2:
		for i := 0; i+1 < len(b); i += 2 {
			b[i], b[i+1] = b[i+1], b[i]
		}
	case 4:
		for i := 0; i+3 < len(b); i += 4 {
			b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
		}
	case 8:
		for i := 0; i+7 < len(b); i += 8 {
			b[i], b[i+1], b[i+2], b[i+3], b[i+4], b[i+5], b[i+6], b[i+7] = b[i+7], b[i+6], b[i+5], b[i+4], b[i+3], b[i+2], b[i+1], b[i]
		}
	}
}
