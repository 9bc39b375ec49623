package codec

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"unicode/utf8"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

func init() {
	vlen := func(c json.RawMessage) (Codec, error) {
		if err := decodeConfig("vlen-utf8", c, &struct{}{}); err != nil {
			return nil, err
		}
		return VLenUTF8{}, nil
	}
	Register("vlen-utf8", vlen)
	// numcodecs passes the whole object, id included
	RegisterNumcodecs("vlen-utf8", func(c json.RawMessage) (Codec, error) {
		var cfg map[string]json.RawMessage
		if err := json.Unmarshal(c, &cfg); err != nil {
			return nil, configErr("vlen-utf8", "%v", err)
		}
		for k := range cfg {
			if k != "id" {
				return nil, configErr("vlen-utf8", "unknown key %q", k)
			}
		}
		return VLenUTF8{}, nil
	})
}

// SizedArrayBytes is implemented by array→bytes codecs whose serialised
// chunk is not spec.Nbytes() long (the string codecs). A Pipeline asks it
// for the size to expect from the bytes codecs before it.
type SizedArrayBytes interface {
	ArrayBytesCodec
	// SerializedSize is the byte length of the serialisation of a chunk of
	// spec: exact when exact is true, else an upper bound that decoding
	// bytes codecs must not exceed.
	SerializedSize(spec ChunkSpec) (n int64, exact bool)
}

// MaxVLenChunkBytes bounds the serialised size of one vlen-utf8 chunk
// that Decode accepts (256 MiB of string bytes plus 8 bytes of framing per
// element): the bound that keeps a compressor ahead of it from inflating
// a bomb.
const MaxVLenChunkBytes = 256 << 20

// VLenUTF8 is numcodecs' and zarr-python 3's "vlen-utf8" array→bytes codec
// for String chunks: a little-endian uint32 element count, then per
// element, in C order, a little-endian uint32 byte length and the UTF-8
// bytes. It is stateless and safe for concurrent use.
type VLenUTF8 struct{}

// Name is "vlen-utf8", the codec's Zarr v3 name and numcodecs id.
func (VLenUTF8) Name() string { return "vlen-utf8" }

// SerializedSize is an upper bound: 4 + 8 bytes per element +
// MaxVLenChunkBytes.
func (VLenUTF8) SerializedSize(spec ChunkSpec) (int64, bool) {
	return 4 + 8*chunk.Size(spec.Shape) + MaxVLenChunkBytes, false
}

// EncodeArray appends the serialisation of a String block to dst. Other
// dtypes, more than 2^32-1 elements and strings that are not valid UTF-8
// (which numcodecs could not decode) are ErrSpec errors naming the element.
func (VLenUTF8) EncodeArray(dst []byte, a *block.Dense) ([]byte, error) {
	v, err := block.As[string](a)
	if err != nil {
		return nil, errf("vlen-utf8", "encode", ErrSpec, "%v", err)
	}
	if uint64(len(v)) > math.MaxUint32 {
		return nil, errf("vlen-utf8", "encode", ErrSpec, "%d elements", len(v))
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v)))
	for i, s := range v {
		if uint64(len(s)) > math.MaxUint32 || !utf8.ValidString(s) {
			return nil, errf("vlen-utf8", "encode", ErrSpec, "element %v is not a UTF-8 string of at most 4 GiB", chunk.Unravel(i, a.Shape()))
		}
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
		dst = append(dst, s...)
	}
	return dst, nil
}

// DecodeArray reads a String chunk of spec from src. A count that is not
// the chunk's element count, a length running past the data, trailing
// bytes and invalid UTF-8 are ErrCorrupt errors naming the element.
func (VLenUTF8) DecodeArray(src []byte, spec ChunkSpec) (*block.Dense, error) {
	if spec.DType != block.String {
		return nil, errf("vlen-utf8", "decode", ErrSpec, "chunk %s is not of strings", spec)
	}
	n := chunk.Size(spec.Shape)
	if len(src) < 4 {
		return nil, errf("vlen-utf8", "decode", ErrCorrupt, "%d bytes, no element count", len(src))
	}
	if c := int64(binary.LittleEndian.Uint32(src)); c != n {
		return nil, errf("vlen-utf8", "decode", ErrCorrupt, "%d elements stored for a chunk of %d", c, n)
	}
	// every element takes 4 bytes at least: bound n by the data first
	if n > int64(len(src)-4)/4 {
		return nil, errf("vlen-utf8", "decode", ErrCorrupt, "%d bytes cannot hold %d elements", len(src), n)
	}
	v := make([]string, n)
	p := src[4:]
	for i := range v {
		if len(p) < 4 {
			return nil, errf("vlen-utf8", "decode", ErrCorrupt, "element %v: truncated length", chunk.Unravel(i, spec.Shape))
		}
		l := binary.LittleEndian.Uint32(p)
		p = p[4:]
		if uint64(l) > uint64(len(p)) {
			return nil, errf("vlen-utf8", "decode", ErrCorrupt, "element %v: length %d past the end of the data", chunk.Unravel(i, spec.Shape), l)
		}
		s := p[:l]
		if !utf8.Valid(s) {
			return nil, errf("vlen-utf8", "decode", ErrCorrupt, "element %v is not valid UTF-8", chunk.Unravel(i, spec.Shape))
		}
		v[i] = string(s)
		p = p[l:]
	}
	if len(p) != 0 {
		return nil, errf("vlen-utf8", "decode", ErrCorrupt, "%d bytes after the last element", len(p))
	}
	d, err := block.Wrap(v, spec.Shape...)
	if err != nil {
		return nil, errf("vlen-utf8", "decode", ErrSpec, "%v", err)
	}
	return d, nil
}

// FixedString is the array→bytes serialisation of numpy's fixed-width
// string dtypes for String chunks: Kind block.StringUnicode ("<U3",
// ">U3": Width UTF-32 code units per element in Endian order) or
// block.StringBytes ("|S5": Width bytes). Shorter strings are padded with
// NULs, and trailing NULs are dropped on decode (numpy's rule, so a
// string cannot end in NUL). It is what a Zarr v2 array of such a dtype
// stores, and zarr-python 3's fixed_length_utf32 and null_terminated_bytes
// with the "bytes" codec. It is stateless and safe for concurrent use.
type FixedString struct {
	Kind   block.StringKind
	Width  int
	Endian Endian
}

// Name is "bytes": FixedString takes the place of the bytes codec.
func (FixedString) Name() string { return "bytes" }

func (f FixedString) itemSize() int {
	if f.Kind == block.StringUnicode {
		return 4 * f.Width
	}
	return f.Width
}

func (f FixedString) check(op string) error {
	if (f.Kind != block.StringUnicode && f.Kind != block.StringBytes) || f.Width < 0 || f.Width > block.MaxStringWidth {
		return errf("bytes", op, ErrConfig, "fixed-width string kind %q width %d", rune(f.Kind), f.Width)
	}
	return nil
}

// SerializedSize is exact: the element count times Width (×4 for
// unicode).
func (f FixedString) SerializedSize(spec ChunkSpec) (int64, bool) {
	return chunk.Size(spec.Shape) * int64(f.itemSize()), true
}

// EncodeArray appends a String block's elements, each padded to the width.
// A string longer than the width (in code points for unicode, in bytes
// for bytes), one holding invalid UTF-8 for unicode, or another dtype is an
// ErrSpec error naming the element.
func (f FixedString) EncodeArray(dst []byte, a *block.Dense) ([]byte, error) {
	if err := f.check("encode"); err != nil {
		return nil, err
	}
	v, err := block.As[string](a)
	if err != nil {
		return nil, errf("bytes", "encode", ErrSpec, "%v", err)
	}
	is := f.itemSize()
	for i, s := range v {
		start := len(dst)
		if f.Kind == block.StringBytes {
			if len(s) > f.Width {
				return nil, errf("bytes", "encode", ErrSpec, "element %v: %q is %d bytes, longer than |S%d", chunk.Unravel(i, a.Shape()), s, len(s), f.Width)
			}
			dst = append(dst, s...)
		} else {
			if !utf8.ValidString(s) {
				return nil, errf("bytes", "encode", ErrSpec, "element %v is not valid UTF-8", chunk.Unravel(i, a.Shape()))
			}
			if n := utf8.RuneCountInString(s); n > f.Width {
				return nil, errf("bytes", "encode", ErrSpec, "element %v: %q is %d characters, longer than U%d", chunk.Unravel(i, a.Shape()), s, n, f.Width)
			}
			for _, r := range s {
				if f.Endian == Big {
					dst = binary.BigEndian.AppendUint32(dst, uint32(r))
				} else {
					dst = binary.LittleEndian.AppendUint32(dst, uint32(r))
				}
			}
		}
		for len(dst)-start < is {
			dst = append(dst, 0)
		}
	}
	return dst, nil
}

// DecodeArray reads a String chunk of spec from src, exactly the element
// count times the item size long (ErrCorrupt otherwise). A unicode code
// unit that is not a Unicode scalar value is ErrCorrupt naming the element.
func (f FixedString) DecodeArray(src []byte, spec ChunkSpec) (*block.Dense, error) {
	if err := f.check("decode"); err != nil {
		return nil, err
	}
	if spec.DType != block.String {
		return nil, errf("bytes", "decode", ErrSpec, "chunk %s is not of strings", spec)
	}
	n := chunk.Size(spec.Shape)
	is := int64(f.itemSize())
	if int64(len(src)) != n*is {
		return nil, errf("bytes", "decode", ErrCorrupt, "%d bytes for %d strings of %d bytes", len(src), n, is)
	}
	v := make([]string, n)
	buf := make([]byte, 0, is)
	for i := range v {
		item := src[int64(i)*is : int64(i+1)*is]
		if f.Kind == block.StringBytes {
			end := len(item)
			for end > 0 && item[end-1] == 0 {
				end--
			}
			v[i] = string(item[:end])
			continue
		}
		end := len(item) / 4
		for end > 0 && f.unit(item, end-1) == 0 {
			end--
		}
		buf = buf[:0]
		for k := 0; k < end; k++ {
			r := f.unit(item, k)
			if r > utf8.MaxRune || (r >= 0xD800 && r <= 0xDFFF) {
				return nil, errf("bytes", "decode", ErrCorrupt, "element %v: code unit %#x is not a character", chunk.Unravel(i, spec.Shape), r)
			}
			buf = utf8.AppendRune(buf, rune(r))
		}
		v[i] = string(buf)
	}
	d, err := block.Wrap(v, spec.Shape...)
	if err != nil {
		return nil, errf("bytes", "decode", ErrSpec, "%v", err)
	}
	return d, nil
}

func (f FixedString) unit(item []byte, k int) uint32 {
	if f.Endian == Big {
		return binary.BigEndian.Uint32(item[4*k:])
	}
	return binary.LittleEndian.Uint32(item[4*k:])
}
