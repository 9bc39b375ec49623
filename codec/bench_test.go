package codec

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tessera-array/tessera/block"
)

// benchField is a smooth float32 field plus noise, 512×512 (1 MiB): the
// same construction as benchmarks/codecs.
func benchField() []byte {
	r := rand.New(rand.NewPCG(7, 11))
	ny, nx := 512, 512
	b := make([]byte, 4*ny*nx)
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			v := 250 + 40*math.Sin(float64(x)/37)*math.Cos(float64(y)/53) + 10*math.Sin(float64(x+y)/11) + r.NormFloat64()*0.3
			binary.LittleEndian.PutUint32(b[4*(y*nx+x):], math.Float32bits(float32(v)))
		}
	}
	return b
}

// benchRefl is int16 reflectance ×10000, 1024×512 (1 MiB).
func benchRefl() []byte {
	r := rand.New(rand.NewPCG(3, 5))
	ny, nx := 1024, 512
	b := make([]byte, 2*ny*nx)
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			v := 1800 + 900*math.Sin(float64(x)/23)*math.Cos(float64(y)/31) + 300*math.Sin(float64(x*y)/5000) + r.NormFloat64()*40
			binary.LittleEndian.PutUint16(b[2*(y*nx+x):], uint16(int16(max(0, min(10000, math.Round(v))))))
		}
	}
	return b
}

var benchConfigs = []struct{ name, cfg string }{
	{"zstd-1", `{"id":"zstd","level":1}`},
	{"lz4", `{"id":"lz4"}`},
	{"zlib-5", `{"id":"zlib","level":5}`},
	{"blosc-lz4-shuffle", `{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1}`},
	{"blosc-lz4-bitshuffle", `{"id":"blosc","cname":"lz4","clevel":5,"shuffle":2}`},
	{"blosc-blosclz-shuffle", `{"id":"blosc","cname":"blosclz","clevel":5,"shuffle":1}`},
	{"blosc-zstd-shuffle", `{"id":"blosc","cname":"zstd","clevel":5,"shuffle":1}`},
}

func benchCodecs(b *testing.B, decode bool) {
	for _, ds := range []struct {
		name string
		dt   block.DType
		data []byte
	}{{"field_f4", block.Float32, benchField()}, {"refl_i2", block.Int16, benchRefl()}} {
		for _, c := range benchConfigs {
			cd, err := Parse([]byte(c.cfg))
			if err != nil {
				b.Fatal(err)
			}
			if sa, ok := cd.(SpecAware); ok {
				cd = sa.ForSpec(ChunkSpec{DType: ds.dt})
			}
			bc := cd.(BytesCodec)
			enc, err := bc.Encode(nil, ds.data)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(c.name+"/"+ds.name, func(b *testing.B) {
				b.SetBytes(int64(len(ds.data)))
				b.ReportAllocs()
				buf := make([]byte, 0, 2*len(ds.data))
				for b.Loop() {
					if decode {
						_, err = bc.Decode(buf[:0], enc, len(ds.data))
					} else {
						_, err = bc.Encode(buf[:0], ds.data)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(enc))/float64(len(ds.data)), "ratio")
			})
		}
	}
}

// BenchmarkDecode: MB/s of decoded bytes, 1 MiB chunks.
func BenchmarkDecode(b *testing.B) { benchCodecs(b, true) }

// BenchmarkEncode: MB/s of input bytes, 1 MiB chunks.
func BenchmarkEncode(b *testing.B) { benchCodecs(b, false) }

// BenchmarkUnshuffle compares the specialised byte-unshuffle with the
// reference loop.
func BenchmarkUnshuffle(b *testing.B) {
	src := benchField()
	dst := make([]byte, len(src))
	for _, es := range []int{2, 4, 8} {
		b.Run("fast/"+string(rune('0'+es)), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				unshuffleBytes(dst, src, es)
			}
		})
		b.Run("naive/"+string(rune('0'+es)), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			n := len(src) / es
			for b.Loop() {
				for j := 0; j < es; j++ {
					for i := 0; i < n; i++ {
						dst[i*es+j] = src[j*n+i]
					}
				}
			}
		})
	}
}
