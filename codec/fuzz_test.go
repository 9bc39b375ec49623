package codec

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tessera-array/tessera/block"
)

// Fuzz tests: every decoder and the configuration parser, seeded from the
// numcodecs fixtures in testdata. Inputs and outputs are bounded first (as
// image/png's fuzz test does) so that each run stays fast.

const fuzzMaxOut = 1 << 18

func fuzzSeeds(f *testing.F, id string) {
	b, err := os.ReadFile(filepath.Join("testdata", "numcodecs_fixtures.json"))
	if err != nil {
		f.Fatal(err)
	}
	var fx fixtureSet
	if err := json.Unmarshal(b, &fx); err != nil {
		f.Fatal(err)
	}
	for _, c := range fx.Cases {
		var head struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(c.Config, &head)
		if head.ID == id {
			f.Add(c.Encoded)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0})
}

func fuzzBytesDecoder(f *testing.F, id string, c BytesCodec) {
	fuzzSeeds(f, id)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		out, err := c.Decode(nil, data, fuzzMaxOut)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is not a *codec.Error: %v", err)
			}
			return
		}
		if len(out) > fuzzMaxOut {
			t.Fatalf("decoded %d bytes past maxLen %d", len(out), fuzzMaxOut)
		}
	})
}

func FuzzBloscDecode(f *testing.F) { fuzzBytesDecoder(f, "blosc", &Blosc{}) }
func FuzzLZ4Decode(f *testing.F)   { fuzzBytesDecoder(f, "lz4", NewLZ4(1)) }
func FuzzZstdDecode(f *testing.F)  { fuzzBytesDecoder(f, "zstd", &Zstd{}) }
func FuzzGzipDecode(f *testing.F)  { fuzzBytesDecoder(f, "gzip", &Gzip{}) }
func FuzzZlibDecode(f *testing.F)  { fuzzBytesDecoder(f, "zlib", &Zlib{}) }
func FuzzBZ2Decode(f *testing.F)   { fuzzBytesDecoder(f, "bz2", BZ2{}) }
func FuzzCRC32CDecode(f *testing.F) {
	fuzzBytesDecoder(f, "crc32c", CRC32C{})
}
func FuzzShuffleDecode(f *testing.F) { fuzzBytesDecoder(f, "shuffle", Shuffle{Elementsize: 4}) }

// FuzzBlosclzDecode drives the blosclz decoder directly with an arbitrary
// output size.
func FuzzBlosclzDecode(f *testing.F) {
	f.Add([]byte{3, 'a', 'b', 'c', 'd', 0x20, 0x00, 0}, uint16(12))
	src := testField(2000)
	dst := make([]byte, len(src))
	if n := blosclzEncode(dst, src, 4); n > 0 {
		f.Add(dst[:n], uint16(len(src)))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		out := make([]byte, n)
		if err := blosclzDecode(out, data); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error is not ErrCorrupt: %v", err)
		}
	})
}

// FuzzArrayDecode feeds arbitrary element bytes to every filter's decoder.
func FuzzArrayDecode(f *testing.F) {
	cfgs := []string{
		`{"id":"fixedscaleoffset","offset":0,"scale":10000,"dtype":"<f4","astype":"<i2"}`,
		`{"id":"astype","encode_dtype":"<f4","decode_dtype":"<f8"}`,
		`{"id":"delta","dtype":"<i2","astype":"|i1"}`,
		`{"id":"quantize","digits":2,"dtype":"<f8","astype":"<f4"}`,
		`{"id":"bitround","keepbits":7}`,
		`{"name":"cast_value","configuration":{"data_type":"int16"}}`,
		`{"name":"scale_offset","configuration":{"offset":1,"scale":3}}`,
		`{"name":"transpose","configuration":{"order":[1,0]}}`,
	}
	for i := range cfgs {
		f.Add(uint8(i), []byte("0123456789abcdef0123456789abcdef"))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		c, err := Parse([]byte(cfgs[int(which)%len(cfgs)]))
		if err != nil {
			t.Fatal(err)
		}
		ac := c.(ArrayCodec)
		dt := block.Float32
		if fs, ok := ac.(FixedScaleOffset); ok {
			dt = fs.DType
		} else if at, ok := ac.(AsType); ok {
			dt = at.DecodeDType
		} else if d, ok := ac.(Delta); ok {
			dt = d.DType
		} else if q, ok := ac.(Quantize); ok {
			dt = q.DType
		}
		n := 4
		spec := ChunkSpec{DType: dt, Shape: []int{2, n / 2}}
		es, err := ac.EncodedSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		need := int(es.Nbytes())
		if len(data) < need {
			return
		}
		a, err := block.FromBytes(es.DType, data[:need], es.Shape...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ac.DecodeArray(a, spec); err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is not a *codec.Error: %v", err)
			}
		}
	})
}

// FuzzParse checks that no configuration panics the parser and that errors
// are typed.
func FuzzParse(f *testing.F) {
	for _, c := range bytesCodecConfigs {
		f.Add(c)
	}
	for _, c := range []string{`{"name":"cast_value","configuration":{"data_type":"uint8","rounding":"towards-zero","out_of_range":"clamp"}}`,
		`{"name":"transpose","configuration":{"order":[2,0,1]}}`, `{"id":"quantize","digits":-400,"dtype":"<f8"}`,
		`{"name":"scale_offset","configuration":{"offset":"NaN","scale":"0x3f800000"}}`, `"bytes"`, `[1]`, `{"id":null}`} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, cfg string) {
		c, err := Parse([]byte(cfg))
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is not a *codec.Error: %v", err)
			}
			return
		}
		if c.Name() == "" {
			t.Fatal("codec without a name")
		}
	})
}
