package codec

import (
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// Codec is any codec: it has a registry name. Every Codec is also exactly one
// of BytesCodec, ArrayCodec or ArrayBytesCodec.
type Codec interface {
	// Name is the codec's registry name (a Zarr v3 name or numcodecs id).
	Name() string
}

// BytesCodec is a bytes→bytes codec (compressors, checksums, shuffles).
// Implementations are stateless and safe for concurrent use.
type BytesCodec interface {
	Codec
	// Encode appends the encoding of src to dst and returns the extended
	// slice. It does not retain src or dst.
	Encode(dst, src []byte) ([]byte, error)
	// Decode appends the decoding of src to dst and returns the extended
	// slice. It appends at most maxLen bytes: input that decodes (or
	// declares that it decodes) to more is refused with ErrTooLarge before
	// the memory is allocated. Corrupt input gives ErrCorrupt.
	Decode(dst, src []byte, maxLen int) ([]byte, error)
}

// Bounder is implemented by bytes codecs that know the largest encoding of n
// input bytes. A Pipeline uses it to bound the intermediate stages of a
// decode.
type Bounder interface {
	// MaxEncodedLen is the largest encoding Encode can produce from n
	// input bytes.
	MaxEncodedLen(n int) int
}

// ChunkSpec is what a codec needs to know about the array it encodes: the
// element type and the chunk shape.
type ChunkSpec struct {
	DType block.DType
	Shape []int
}

// Nbytes is the decoded size of a chunk of this spec.
func (s ChunkSpec) Nbytes() int64 { return chunk.Size(s.Shape) * int64(s.DType.Size()) }

// String formats the spec as the dtype followed by the shape, e.g.
// "float64[256 256]".
func (s ChunkSpec) String() string { return fmt.Sprintf("%s%v", s.DType, s.Shape) }

// ArrayCodec is an array→array codec (filters, transpose, casts). It may
// change the dtype and shape; EncodedSpec says how. Implementations are
// stateless and safe for concurrent use; they never modify their input.
type ArrayCodec interface {
	Codec
	// EncodedSpec is the spec of the encoded array for a decoded array of
	// spec in, or an ErrSpec error when the codec cannot encode it.
	EncodedSpec(in ChunkSpec) (ChunkSpec, error)
	// EncodeArray encodes a. The result may share a's buffer only when the
	// codec is the identity for it.
	EncodeArray(a *block.Dense) (*block.Dense, error)
	// DecodeArray decodes a into an array of spec out (the decoded spec,
	// which the pipeline knows from the chunk).
	DecodeArray(a *block.Dense, out ChunkSpec) (*block.Dense, error)
}

// ArrayBytesCodec serialises an array to bytes (the Zarr v3 "bytes" codec).
// Implementations are stateless and safe for concurrent use.
type ArrayBytesCodec interface {
	Codec
	// EncodeArray appends the serialised a to dst.
	EncodeArray(dst []byte, a *block.Dense) ([]byte, error)
	// DecodeArray reads an array of the given spec from src, which must be
	// exactly spec.Nbytes() long.
	DecodeArray(src []byte, spec ChunkSpec) (*block.Dense, error)
}

// SpecAware is implemented by codecs whose encoding depends on the array
// they see (Blosc takes its typesize from the dtype). A Pipeline calls
// ForSpec once, when it is built, with the spec at the codec's position,
// and uses the returned codec.
type SpecAware interface {
	// ForSpec returns the codec to use for arrays of spec: the receiver
	// itself or a configured copy. It does not modify the receiver.
	ForSpec(spec ChunkSpec) Codec
}
