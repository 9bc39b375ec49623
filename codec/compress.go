package codec

import (
	"bytes"
	"compress/bzip2"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"sync"

	stdgzip "compress/gzip"
	stdzlib "compress/zlib"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

func init() {
	Register("zstd", func(c json.RawMessage) (Codec, error) {
		var cfg struct {
			Level    int  `json:"level"`
			Checksum bool `json:"checksum"`
		}
		if err := decodeConfig("zstd", c, &cfg, "level", "checksum"); err != nil {
			return nil, err
		}
		return NewZstd(cfg.Level, cfg.Checksum)
	})
	RegisterNumcodecs("zstd", func(c json.RawMessage) (Codec, error) {
		cfg := struct {
			Level    int  `json:"level"`
			Checksum bool `json:"checksum"`
		}{Level: 1}
		if err := decodeConfig("zstd", c, &cfg, "id", "level", "checksum"); err != nil {
			return nil, err
		}
		return NewZstd(cfg.Level, cfg.Checksum)
	})
	gz := func(c json.RawMessage, def int) (Codec, error) {
		cfg := struct {
			Level int `json:"level"`
		}{Level: def}
		if err := decodeConfig("gzip", c, &cfg, "id", "level"); err != nil {
			return nil, err
		}
		return NewGzip(cfg.Level)
	}
	Register("gzip", func(c json.RawMessage) (Codec, error) { return gz(c, 5) })
	RegisterNumcodecs("gzip", func(c json.RawMessage) (Codec, error) { return gz(c, 1) })
	RegisterNumcodecs("zlib", func(c json.RawMessage) (Codec, error) {
		cfg := struct {
			Level int `json:"level"`
		}{Level: 1}
		if err := decodeConfig("zlib", c, &cfg, "id", "level"); err != nil {
			return nil, err
		}
		return NewZlib(cfg.Level)
	})
	RegisterNumcodecs("bz2", func(c json.RawMessage) (Codec, error) {
		cfg := struct {
			Level int `json:"level"`
		}{Level: 1}
		if err := decodeConfig("bz2", c, &cfg, "id", "level"); err != nil {
			return nil, err
		}
		if cfg.Level < 1 || cfg.Level > 9 {
			return nil, configErr("bz2", "level %d outside 1..9", cfg.Level)
		}
		return BZ2{Level: cfg.Level}, nil
	})
	RegisterNumcodecs("lz4", func(c json.RawMessage) (Codec, error) {
		cfg := struct {
			Acceleration int `json:"acceleration"`
		}{Acceleration: 1}
		if err := decodeConfig("lz4", c, &cfg, "id", "acceleration"); err != nil {
			return nil, err
		}
		return NewLZ4(cfg.Acceleration), nil
	})
	Register("crc32c", func(c json.RawMessage) (Codec, error) {
		if err := decodeConfig("crc32c", c, &struct{}{}); err != nil {
			return nil, err
		}
		return CRC32C{}, nil
	})
}

// appendLimited reads r to EOF, appending to dst, and fails with ErrTooLarge
// past maxLen bytes.
func appendLimited(name string, dst []byte, r io.Reader, maxLen int) ([]byte, error) {
	start := len(dst)
	for {
		if len(dst) == cap(dst) {
			grow := cap(dst) - start
			if grow < 4096 {
				grow = 4096
			}
			if lim := maxLen + 1 - (len(dst) - start); grow > lim {
				grow = lim
			}
			dst = append(dst, make([]byte, grow)...)[:len(dst)]
		}
		room := cap(dst) - len(dst)
		if over := len(dst) - start + room - (maxLen + 1); over > 0 {
			room -= over
		}
		n, err := r.Read(dst[len(dst) : len(dst)+room])
		dst = dst[:len(dst)+n]
		if len(dst)-start > maxLen {
			return nil, errf(name, "decode", ErrTooLarge, "more than %d bytes", maxLen)
		}
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return nil, wrapErr(name, "decode", err)
		}
	}
}

// ---- zstd ----

// Zstd is the zstd codec (Zarr v3 "zstd", numcodecs "zstd"). Encoded frames
// carry their content size, as numcodecs requires.
type Zstd struct {
	Level    int  // zstd level; mapped onto klauspost/compress's four levels
	Checksum bool // write the frame's content checksum
	enc      *zstd.Encoder
}

var zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
	d, err := zstd.NewReader(nil, zstd.WithDecodeAllCapLimit(true), zstd.WithDecoderConcurrency(0))
	if err != nil {
		panic(err)
	}
	return d
})

var zstdStreams sync.Pool // *zstd.Decoder for frames without a content size

// NewZstd returns a zstd codec. Levels follow the zstd library (1 fastest …
// 22; 0 and negatives mean the default, 3).
func NewZstd(level int, checksum bool) (*Zstd, error) {
	if level > 22 {
		return nil, configErr("zstd", "level %d above 22", level)
	}
	l := level
	if l <= 0 {
		l = 3
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(l)),
		zstd.WithEncoderCRC(checksum), zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true),
		// single segment: the frame always carries its content size, which
		// numcodecs 0.11 requires (klauspost omits it below 256 bytes otherwise)
		zstd.WithSingleSegment(true),
		// entropy-code literals even when the gain is small, as C zstd does:
		// without it noisy float data is stored raw, 20 % larger than numcodecs
		zstd.WithAllLitEntropyCompression(true))
	if err != nil {
		return nil, configErr("zstd", "%v", err)
	}
	return &Zstd{Level: level, Checksum: checksum, enc: enc}, nil
}

// Name is "zstd", both the codec's Zarr v3 name and its numcodecs id.
func (*Zstd) Name() string { return "zstd" }

// Encode appends one zstd frame.
func (z *Zstd) Encode(dst, src []byte) ([]byte, error) {
	if z.enc == nil {
		return nil, errf("zstd", "encode", ErrConfig, "zero Zstd value: use NewZstd")
	}
	return z.enc.EncodeAll(src, dst), nil
}

// MaxEncodedLen bounds a frame of n bytes.
func (*Zstd) MaxEncodedLen(n int) int { return n + n>>7 + 512 }

// Decode appends the decoded frame(s); see BytesCodec.
func (*Zstd) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	return zstdDecode("zstd", dst, src, maxLen)
}

func zstdDecode(name string, dst, src []byte, maxLen int) ([]byte, error) {
	if err := checkMaxLen(name, maxLen); err != nil {
		return nil, err
	}
	var h zstd.Header
	if err := h.Decode(src); err != nil {
		return nil, wrapErr(name, "decode", err)
	}
	if h.HasFCS {
		if h.FrameContentSize > uint64(maxLen) {
			return nil, errf(name, "decode", ErrTooLarge, "frame declares %d bytes, limit %d", h.FrameContentSize, maxLen)
		}
		n := int(h.FrameContentSize)
		if cap(dst)-len(dst) < n {
			dst = append(dst[:cap(dst)], make([]byte, len(dst)+n-cap(dst))...)[:len(dst)]
		}
		out, err := zstdDecoder().DecodeAll(src, dst[:len(dst):len(dst)+n])
		if err != nil {
			if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
				return nil, errf(name, "decode", ErrTooLarge, "more than the %d bytes the frame declares", n)
			}
			return nil, wrapErr(name, "decode", err)
		}
		return out, nil
	}
	var d *zstd.Decoder
	if v := zstdStreams.Get(); v != nil {
		d = v.(*zstd.Decoder)
		if err := d.Reset(bytes.NewReader(src)); err != nil {
			return nil, wrapErr(name, "decode", err)
		}
	} else {
		var err error
		if d, err = zstd.NewReader(bytes.NewReader(src), zstd.WithDecoderConcurrency(1)); err != nil {
			return nil, wrapErr(name, "decode", err)
		}
	}
	out, err := appendLimited(name, dst, d, maxLen)
	d.Reset(nil)
	zstdStreams.Put(d)
	return out, err
}

// ---- gzip, zlib ----

// Gzip is the gzip codec (Zarr v3 "gzip", numcodecs "gzip"). It encodes
// with the standard library's deflate, whose sizes match C zlib's within a
// few percent (klauspost's faster levels were 20 % larger on float data), and
// decodes with klauspost/compress.
type Gzip struct {
	Level int
	pool  *sync.Pool // *gzip.Writer at Level
}

// NewGzip returns a gzip codec of level 0..9.
func NewGzip(level int) (*Gzip, error) {
	if level < 0 || level > 9 {
		return nil, configErr("gzip", "level %d outside 0..9", level)
	}
	return &Gzip{Level: level, pool: &sync.Pool{}}, nil
}

// Name is "gzip", both the codec's Zarr v3 name and its numcodecs id.
func (*Gzip) Name() string { return "gzip" }

// MaxEncodedLen bounds the gzip encoding of n bytes.
func (*Gzip) MaxEncodedLen(n int) int { return n + n>>12*5 + 64 }

// Encode appends one gzip member.
func (g *Gzip) Encode(dst, src []byte) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	pool := g.pool
	if pool == nil { // zero value: no reuse
		pool = &sync.Pool{}
	}
	w, _ := pool.Get().(*stdgzip.Writer)
	if w == nil {
		var err error
		if w, err = stdgzip.NewWriterLevel(buf, g.Level); err != nil {
			return nil, wrapErr("gzip", "encode", err)
		}
	} else {
		w.Reset(buf)
	}
	defer pool.Put(w)
	if _, err := w.Write(src); err != nil {
		return nil, wrapErr("gzip", "encode", err)
	}
	if err := w.Close(); err != nil {
		return nil, wrapErr("gzip", "encode", err)
	}
	return buf.Bytes(), nil
}

var gzipReaders sync.Pool

// Decode appends the decoded members; see BytesCodec.
func (*Gzip) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	if err := checkMaxLen("gzip", maxLen); err != nil {
		return nil, err
	}
	r, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if r == nil {
		r, err = gzip.NewReader(bytes.NewReader(src))
	} else {
		err = r.Reset(bytes.NewReader(src))
	}
	if err != nil {
		return nil, wrapErr("gzip", "decode", err)
	}
	defer gzipReaders.Put(r)
	return appendLimited("gzip", dst, r, maxLen)
}

// Zlib is the zlib codec (numcodecs "zlib"; also a Blosc compressor),
// encoded and decoded as Gzip is.
type Zlib struct {
	Level int
	pool  *sync.Pool
}

// NewZlib returns a zlib codec of level 0..9.
func NewZlib(level int) (*Zlib, error) {
	if level < 0 || level > 9 {
		return nil, configErr("zlib", "level %d outside 0..9", level)
	}
	return &Zlib{Level: level, pool: &sync.Pool{}}, nil
}

// Name is "zlib", the codec's numcodecs id (Zarr v3 has no zlib codec).
func (*Zlib) Name() string { return "zlib" }

// MaxEncodedLen bounds the zlib encoding of n bytes.
func (*Zlib) MaxEncodedLen(n int) int { return n + n>>12*5 + 64 }

// Encode appends one zlib stream.
func (z *Zlib) Encode(dst, src []byte) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	pool := z.pool
	if pool == nil {
		pool = &sync.Pool{}
	}
	w, _ := pool.Get().(*stdzlib.Writer)
	if w == nil {
		var err error
		if w, err = stdzlib.NewWriterLevel(buf, z.Level); err != nil {
			return nil, wrapErr("zlib", "encode", err)
		}
	} else {
		w.Reset(buf)
	}
	defer pool.Put(w)
	if _, err := w.Write(src); err != nil {
		return nil, wrapErr("zlib", "encode", err)
	}
	if err := w.Close(); err != nil {
		return nil, wrapErr("zlib", "encode", err)
	}
	return buf.Bytes(), nil
}

var zlibReaders sync.Pool

// Decode appends the decoded stream; see BytesCodec.
func (*Zlib) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	return zlibDecode("zlib", dst, src, maxLen)
}

func zlibDecode(name string, dst, src []byte, maxLen int) ([]byte, error) {
	if err := checkMaxLen(name, maxLen); err != nil {
		return nil, err
	}
	r, _ := zlibReaders.Get().(io.ReadCloser)
	var err error
	if r == nil {
		r, err = zlib.NewReader(bytes.NewReader(src))
	} else {
		err = r.(zlib.Resetter).Reset(bytes.NewReader(src), nil)
	}
	if err != nil {
		return nil, wrapErr(name, "decode", err)
	}
	defer zlibReaders.Put(r)
	return appendLimited(name, dst, r, maxLen)
}

// ---- bz2 ----

// BZ2 is numcodecs' bz2 codec. Only decoding is available (the Go standard
// library has no bzip2 encoder); Encode reports ErrUnsupported.
type BZ2 struct{ Level int }

// Name is "bz2", the codec's numcodecs id (Zarr v3 has no bz2 codec).
func (BZ2) Name() string { return "bz2" }

// Encode reports ErrUnsupported.
func (BZ2) Encode(dst, src []byte) ([]byte, error) {
	return nil, errf("bz2", "encode", ErrUnsupported, "bzip2 encoding is not implemented")
}

// MaxEncodedLen bounds the bzip2 encoding of n bytes.
func (BZ2) MaxEncodedLen(n int) int { return n + n/100 + 600 }

// Decode appends the decoded stream; see BytesCodec.
func (BZ2) Decode(dst, src []byte, maxLen int) (out []byte, err error) {
	if err := checkMaxLen("bz2", maxLen); err != nil {
		return nil, err
	}
	defer func() { // compress/bzip2 reports corrupt input by panicking in rare paths
		if r := recover(); r != nil {
			out, err = nil, errf("bz2", "decode", ErrCorrupt, "%v", r)
		}
	}()
	return appendLimited("bz2", dst, bzip2.NewReader(bytes.NewReader(src)), maxLen)
}

// ---- lz4 (numcodecs framing) ----

// LZ4 is numcodecs' lz4 codec: a 4-byte little-endian decoded size, then one
// LZ4 block. Acceleration is LZ4_compress_fast's (1 = default).
type LZ4 struct {
	Acceleration int
	pool         *sync.Pool // *lz4.CompressorCCompat
}

// NewLZ4 returns the numcodecs lz4 codec.
func NewLZ4(acceleration int) *LZ4 {
	if acceleration < 1 {
		acceleration = 1
	}
	return &LZ4{Acceleration: acceleration, pool: &sync.Pool{}}
}

// Name is "lz4", the codec's numcodecs id (Zarr v3 has no lz4 codec).
func (*LZ4) Name() string { return "lz4" }

// MaxEncodedLen bounds the encoding of n bytes.
func (*LZ4) MaxEncodedLen(n int) int { return 4 + lz4.CompressBlockBound(n) }

// Encode appends the size header and the LZ4 block.
func (l *LZ4) Encode(dst, src []byte) ([]byte, error) {
	if int64(len(src)) > 0x7e000000 {
		return nil, errf("lz4", "encode", ErrSpec, "input of %d bytes exceeds LZ4's limit", len(src))
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(src)))
	return lz4Append(dst, src, l.Acceleration, l.pool)
}

func lz4Append(dst, src []byte, accel int, pool *sync.Pool) ([]byte, error) {
	bound := lz4.CompressBlockBound(len(src))
	start := len(dst)
	dst = grow(dst, bound)
	if pool == nil {
		pool = &sync.Pool{}
	}
	c, _ := pool.Get().(*lz4.CompressorCCompat)
	if c == nil {
		c = &lz4.CompressorCCompat{}
	}
	c.Acceleration = accel
	n, err := c.CompressBlock(src, dst[start:start+bound])
	pool.Put(c)
	if err != nil {
		return nil, wrapErr("lz4", "encode", err)
	}
	return dst[:start+n], nil
}

// grow returns dst with room for n more bytes beyond len(dst), length
// unchanged.
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst[:len(dst)+n]
	}
	out := make([]byte, len(dst)+n, len(dst)+n+len(dst)/4)
	copy(out, dst)
	return out
}

// Decode checks the size header against maxLen before allocating.
func (*LZ4) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	if err := checkMaxLen("lz4", maxLen); err != nil {
		return nil, err
	}
	if len(src) < 4 {
		return nil, errf("lz4", "decode", ErrCorrupt, "%d bytes, no size header", len(src))
	}
	n := int(binary.LittleEndian.Uint32(src))
	if n > maxLen {
		return nil, errf("lz4", "decode", ErrTooLarge, "header declares %d bytes, limit %d", n, maxLen)
	}
	if n > 255*(len(src)-4)+16 {
		return nil, errf("lz4", "decode", ErrCorrupt, "header declares %d bytes from a %d-byte block", n, len(src)-4)
	}
	start := len(dst)
	dst = grow(dst, n)
	if err := lz4Block("lz4", dst[start:start+n], src[4:]); err != nil {
		return nil, err
	}
	return dst, nil
}

// lz4Block decodes one LZ4 block that must fill out exactly.
func lz4Block(name string, out, src []byte) error {
	if len(out) == 0 {
		if len(src) == 1 && src[0] == 0 || len(src) == 0 {
			return nil
		}
		return errf(name, "decode", ErrCorrupt, "non-empty block for empty output")
	}
	got, err := lz4.UncompressBlock(src, out)
	if err != nil {
		return errf(name, "decode", ErrCorrupt, "lz4 block: %v", err)
	}
	if got != len(out) {
		return errf(name, "decode", ErrCorrupt, "lz4 block gave %d bytes, want %d", got, len(out))
	}
	return nil
}

// ---- crc32c ----

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CRC32C is the Zarr v3 crc32c codec: the data followed by its CRC-32C
// (Castagnoli) as 4 little-endian bytes.
type CRC32C struct{}

// Name is "crc32c", the codec's Zarr v3 name.
func (CRC32C) Name() string { return "crc32c" }

// MaxEncodedLen is n + 4.
func (CRC32C) MaxEncodedLen(n int) int { return n + 4 }

// Encode appends src and its checksum.
func (CRC32C) Encode(dst, src []byte) ([]byte, error) {
	dst = append(dst, src...)
	return binary.LittleEndian.AppendUint32(dst, crc32.Checksum(src, castagnoli)), nil
}

// Decode verifies the checksum (ErrChecksum) and appends the data.
func (CRC32C) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	if err := checkMaxLen("crc32c", maxLen); err != nil {
		return nil, err
	}
	if len(src) < 4 {
		return nil, errf("crc32c", "decode", ErrCorrupt, "%d bytes, shorter than the checksum", len(src))
	}
	data := src[:len(src)-4]
	if len(data) > maxLen {
		return nil, errf("crc32c", "decode", ErrTooLarge, "%d bytes, limit %d", len(data), maxLen)
	}
	want := binary.LittleEndian.Uint32(src[len(src)-4:])
	if got := crc32.Checksum(data, castagnoli); got != want {
		return nil, errf("crc32c", "decode", ErrChecksum, "stored %08x, computed %08x", want, got)
	}
	return append(dst, data...), nil
}
