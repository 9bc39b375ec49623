package codec

import (
	"encoding/binary"
	"encoding/json"
	"io"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zlib"
	"github.com/pierrec/lz4/v4"
)

// Blosc shuffle modes (numcodecs' integers).
const (
	// AutoShuffle is numcodecs' AUTOSHUFFLE (-1): bit-shuffle for 1-byte
	// types, byte-shuffle otherwise, resolved from the typesize when the
	// codec is built into a Pipeline (ForSpec) or encodes.
	AutoShuffle = -1
	// NoShuffle is numcodecs' NOSHUFFLE (0), Zarr v3's "noshuffle": the
	// bytes are compressed as they are.
	NoShuffle = 0
	// ByteShuffle is numcodecs' SHUFFLE (1), Zarr v3's "shuffle": each block
	// is regrouped so that byte k of every element comes together before
	// compression. It does nothing for a typesize of 1.
	ByteShuffle = 1
	// BitShuffle is numcodecs' BITSHUFFLE (2), Zarr v3's "bitshuffle": each
	// block is regrouped so that bit k of every element comes together
	// before compression.
	BitShuffle = 2
)

// Blosc1 frame constants (c-blosc 1.x).
const (
	bloscHeader     = 16
	bloscMinBuffer  = 128 // below this, c-blosc stores the buffer raw
	bloscMaxSplits  = 16
	bloscMaxTypes   = 255
	bloscMaxBuffer  = 1<<31 - 1 - bloscHeader
	bloscL1         = 32 << 10
	flagShuffle     = 0x01
	flagMemcpyed    = 0x02
	flagBitshuffle  = 0x04
	flagDontSplit   = 0x10
	formatBlosclz   = 0
	formatLZ4       = 1
	formatSnappy    = 2
	formatZlib      = 3
	formatZstd      = 4
	bloscVersion    = 2
	bloscVersionLZ  = 1
	bloscVersionMin = 1
)

var bloscCnames = map[string]int{"blosclz": formatBlosclz, "lz4": formatLZ4, "lz4hc": formatLZ4, "snappy": formatSnappy, "zlib": formatZlib, "zstd": formatZstd}

func init() {
	RegisterNumcodecs("blosc", func(c json.RawMessage) (Codec, error) {
		cfg := struct {
			Cname     string `json:"cname"`
			Clevel    int    `json:"clevel"`
			Shuffle   int    `json:"shuffle"`
			Blocksize int    `json:"blocksize"`
		}{Cname: "lz4", Clevel: 5, Shuffle: ByteShuffle}
		if err := decodeConfig("blosc", c, &cfg, "id", "cname", "clevel", "shuffle", "blocksize"); err != nil {
			return nil, err
		}
		return NewBlosc(cfg.Cname, cfg.Clevel, cfg.Shuffle, cfg.Blocksize, 0)
	})
	Register("blosc", func(c json.RawMessage) (Codec, error) {
		cfg := struct {
			Cname     string `json:"cname"`
			Clevel    int    `json:"clevel"`
			Shuffle   string `json:"shuffle"`
			Typesize  int    `json:"typesize"`
			Blocksize int    `json:"blocksize"`
		}{Cname: "zstd", Clevel: 5, Shuffle: "noshuffle"}
		if err := decodeConfig("blosc", c, &cfg, "cname", "clevel", "shuffle", "typesize", "blocksize"); err != nil {
			return nil, err
		}
		sh, ok := map[string]int{"noshuffle": NoShuffle, "shuffle": ByteShuffle, "bitshuffle": BitShuffle}[cfg.Shuffle]
		if !ok {
			return nil, configErr("blosc", "shuffle %q is not noshuffle, shuffle or bitshuffle", cfg.Shuffle)
		}
		return NewBlosc(cfg.Cname, cfg.Clevel, sh, cfg.Blocksize, cfg.Typesize)
	})
}

// Blosc is the Blosc1 frame codec of c-blosc 1.x (numcodecs "blosc", Zarr v3
// "blosc"). Decoding handles every frame c-blosc 1.x writes: compressors
// blosclz, lz4, lz4hc, snappy, zlib and zstd; no-, byte- and bit-shuffle; any
// typesize and blocksize; split and unsplit blocks; memcpyed frames.
// Encoding supports blosclz, lz4, lz4hc, zlib and zstd and chooses
// blocksizes and splits as c-blosc 1.21 does, single-threaded. Build values
// with NewBlosc (or the registry); the zero value can only decode.
type Blosc struct {
	Cname     string // compressor
	Clevel    int    // 0..9; 0 stores raw
	Shuffle   int    // AutoShuffle, NoShuffle, ByteShuffle or BitShuffle
	Blocksize int    // 0: automatic
	Typesize  int    // element size for shuffling; 0: from the array (Pipeline) or 1
	format    int
	zstd      *Zstd
	zlib      *Zlib
	lz4pool   *sync.Pool
}

// NewBlosc returns a Blosc codec. typesize 0 means "from the array" when used
// in a Pipeline (1 when encoding bare bytes).
func NewBlosc(cname string, clevel, shuffle, blocksize, typesize int) (*Blosc, error) {
	f, ok := bloscCnames[cname]
	if !ok {
		return nil, configErr("blosc", "unknown compressor %q", cname)
	}
	if clevel < 0 || clevel > 9 {
		return nil, configErr("blosc", "clevel %d outside 0..9", clevel)
	}
	if shuffle < AutoShuffle || shuffle > BitShuffle {
		return nil, configErr("blosc", "shuffle %d", shuffle)
	}
	if blocksize < 0 || typesize < 0 {
		return nil, configErr("blosc", "negative blocksize or typesize")
	}
	b := &Blosc{Cname: cname, Clevel: clevel, Shuffle: shuffle, Blocksize: blocksize, Typesize: typesize, format: f, lz4pool: &sync.Pool{}}
	var err error
	switch cname {
	case "zstd":
		// c-blosc maps its clevel onto zstd levels: 2c-1, 9 → the maximum
		zl := 2*clevel - 1
		if clevel >= 9 {
			zl = 22
		}
		if clevel == 0 {
			zl = 1
		}
		b.zstd, err = NewZstd(zl, false)
	case "zlib":
		b.zlib, err = NewZlib(clevel)
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Name is "blosc", both the codec's Zarr v3 name and its numcodecs id.
func (*Blosc) Name() string { return "blosc" }

// ForSpec fills in a zero Typesize from the array's dtype and resolves
// AutoShuffle.
func (b *Blosc) ForSpec(spec ChunkSpec) Codec {
	if b.Typesize != 0 && b.Shuffle != AutoShuffle {
		return b
	}
	c := *b
	if c.Typesize == 0 && spec.DType.Valid() {
		c.Typesize = spec.DType.Size()
	}
	if c.Shuffle == AutoShuffle {
		c.Shuffle = ByteShuffle
		if c.Typesize <= 1 {
			c.Shuffle = BitShuffle
		}
	}
	return &c
}

// MaxEncodedLen is n + 16, as for c-blosc.
func (*Blosc) MaxEncodedLen(n int) int { return n + bloscHeader }

func (b *Blosc) typesize() int {
	ts := b.Typesize
	if ts <= 0 || ts > bloscMaxTypes {
		ts = 1
	}
	return ts
}

func (b *Blosc) hcr() bool { return b.Cname == "zstd" || b.Cname == "zlib" || b.Cname == "lz4hc" }

// blocksize is c-blosc 1.21's compute_blocksize.
func (b *Blosc) blocksize(nbytes, ts int) (int, bool) {
	if nbytes < ts {
		return 1, false
	}
	bs := nbytes
	if b.Blocksize > 0 {
		bs = max(b.Blocksize, bloscMinBuffer)
	} else if nbytes >= bloscL1 {
		bs = bloscL1
		if b.hcr() {
			bs *= 2
		}
		switch b.Clevel {
		case 0:
			bs /= 4
		case 1:
			bs /= 2
		case 2:
		case 3:
			bs *= 2
		case 4, 5:
			bs *= 4
		case 6, 7, 8:
			bs *= 8
		case 9:
			bs *= 8
			if b.hcr() {
				bs *= 2
			}
		}
	}
	split := b.Cname != "zstd" && ts <= bloscMaxSplits && bs/ts >= bloscMinBuffer
	if b.Clevel > 0 && split {
		bs = min(bs, 1<<18) * ts
		bs = min(max(bs, 1<<16), 1<<20)
	}
	bs = min(bs, nbytes)
	if bs > ts {
		bs = bs / ts * ts
	}
	return bs, split
}

// Encode appends one Blosc1 frame.
func (b *Blosc) Encode(dst, src []byte) ([]byte, error) {
	nbytes := len(src)
	if nbytes > bloscMaxBuffer {
		return nil, errf("blosc", "encode", ErrSpec, "%d bytes exceeds Blosc's limit", nbytes)
	}
	if b.format == formatSnappy {
		return nil, errf("blosc", "encode", ErrUnsupported, "snappy compression inside blosc")
	}
	ts := b.typesize()
	shuffle := b.Shuffle
	if shuffle == AutoShuffle {
		shuffle = ByteShuffle
		if ts == 1 {
			shuffle = BitShuffle
		}
	}
	var flags byte = byte(b.format) << 5
	switch {
	case shuffle == ByteShuffle:
		flags |= flagShuffle
	case shuffle == BitShuffle:
		flags |= flagBitshuffle
	}
	bs, split := b.blocksize(nbytes, ts)
	if !split {
		flags |= flagDontSplit
	}
	start := len(dst)
	if nbytes < bloscMinBuffer || b.Clevel == 0 {
		return b.memcpyed(dst, src, flags, ts, bs), nil
	}
	nblocks := nbytes / bs
	leftover := nbytes % bs
	if leftover > 0 {
		nblocks++
	}
	maxbytes := nbytes + bloscHeader
	dst = grow(dst, maxbytes)
	out := dst[start : start+maxbytes]
	ntbytes := bloscHeader + 4*nblocks
	if ntbytes > maxbytes {
		return b.memcpyed(dst[:start], src, flags, ts, bs), nil
	}
	tmpb := getBuf(bs)
	defer putBuf(tmpb)
	tmp := *tmpb
	for j := 0; j < nblocks; j++ {
		binary.LittleEndian.PutUint32(out[bloscHeader+4*j:], uint32(ntbytes))
		bsize := bs
		last := leftover > 0 && j == nblocks-1
		if last {
			bsize = leftover
		}
		block := src[j*bs : j*bs+bsize]
		t := tmp[:bsize]
		switch {
		case shuffle == ByteShuffle && ts > 1:
			shuffleBytes(t, block, ts)
		case shuffle == BitShuffle:
			bitshuffle(t, block, ts)
		default:
			t = block
		}
		nstreams := 1
		if split && !last {
			nstreams = ts
		}
		neblock := bsize / nstreams
		for s := 0; s < nstreams; s++ {
			in := t[s*neblock : (s+1)*neblock]
			if ntbytes+4 > maxbytes {
				return b.memcpyed(dst[:start], src, flags, ts, bs), nil
			}
			csizeAt := ntbytes
			ntbytes += 4
			maxout := min(neblock, maxbytes-ntbytes)
			cbytes := 0
			if maxout > 0 {
				var err error
				cbytes, err = b.compressStream(out[ntbytes:ntbytes+maxout], in)
				if err != nil {
					return nil, err
				}
			}
			if cbytes == 0 || cbytes >= neblock {
				if ntbytes+neblock > maxbytes {
					return b.memcpyed(dst[:start], src, flags, ts, bs), nil
				}
				copy(out[ntbytes:], in)
				cbytes = neblock
			}
			binary.LittleEndian.PutUint32(out[csizeAt:], uint32(cbytes))
			ntbytes += cbytes
		}
	}
	putBloscHeader(out, flags, ts, nbytes, bs, ntbytes)
	return dst[:start+ntbytes], nil
}

func putBloscHeader(out []byte, flags byte, ts, nbytes, bs, cbytes int) {
	out[0], out[1], out[2], out[3] = bloscVersion, bloscVersionLZ, flags, byte(ts)
	binary.LittleEndian.PutUint32(out[4:], uint32(nbytes))
	binary.LittleEndian.PutUint32(out[8:], uint32(bs))
	binary.LittleEndian.PutUint32(out[12:], uint32(cbytes))
}

// memcpyed writes a frame that stores src raw (unshuffled) after the header.
func (b *Blosc) memcpyed(dst, src []byte, flags byte, ts, bs int) []byte {
	start := len(dst)
	dst = grow(dst[:start], bloscHeader+len(src))
	putBloscHeader(dst[start:], flags|flagMemcpyed, ts, len(src), bs, bloscHeader+len(src))
	copy(dst[start+bloscHeader:], src)
	return dst
}

// compressStream compresses in into out (at most len(out) bytes), returning 0
// when it does not fit.
func (b *Blosc) compressStream(out, in []byte) (int, error) {
	pool := b.lz4pool
	if pool == nil {
		pool = &sync.Pool{}
	}
	switch b.Cname {
	case "blosclz":
		minRun := 4
		if b.Clevel < 3 {
			minRun = 6
		}
		return blosclzEncode(out, in, minRun), nil
	case "lz4":
		c, _ := pool.Get().(*lz4.CompressorCCompat)
		if c == nil {
			c = &lz4.CompressorCCompat{}
		}
		c.Acceleration = 10 - b.Clevel
		n, err := c.CompressBlock(in, out)
		pool.Put(c)
		if err != nil {
			return 0, nil // does not fit
		}
		return n, nil
	case "lz4hc":
		c, _ := pool.Get().(*lz4.CompressorHC)
		if c == nil {
			c = &lz4.CompressorHC{}
		}
		c.Level = lz4.CompressionLevel(1 << b.Clevel) // search depth, as LZ4HC levels grow it
		n, err := c.CompressBlock(in, out)
		pool.Put(c)
		if err != nil {
			return 0, nil
		}
		return n, nil
	case "zstd":
		if b.zstd == nil {
			return 0, errf("blosc", "encode", ErrConfig, "zero Blosc value: use NewBlosc")
		}
		return fitInto(out, b.zstd.enc.EncodeAll(in, out[:0:len(out)]))
	case "zlib":
		if b.zlib == nil {
			return 0, errf("blosc", "encode", ErrConfig, "zero Blosc value: use NewBlosc")
		}
		enc, err := b.zlib.Encode(out[:0:len(out)], in)
		if err != nil {
			return 0, err
		}
		return fitInto(out, enc)
	}
	return 0, errf("blosc", "encode", ErrUnsupported, "compressor %q", b.Cname)
}

// fitInto copies an encoding that may have been reallocated back into out.
func fitInto(out, enc []byte) (int, error) {
	if len(enc) > len(out) {
		return 0, nil
	}
	if len(enc) > 0 && &enc[0] != &out[0] {
		copy(out, enc)
	}
	return len(enc), nil
}

// BloscInfo is the header of a Blosc1 frame.
type BloscInfo struct {
	Version, VersionLZ, Flags int
	Typesize                  int
	Nbytes, Blocksize, Cbytes int
	Cname                     string // compressor format ("lz4" also for lz4hc)
	Shuffle                   int
	Memcpyed                  bool
}

// ParseBloscHeader reads the 16-byte header of a Blosc1 frame.
func ParseBloscHeader(src []byte) (BloscInfo, error) {
	if len(src) < bloscHeader {
		return BloscInfo{}, errf("blosc", "decode", ErrCorrupt, "%d bytes, shorter than the header", len(src))
	}
	h := BloscInfo{
		Version: int(src[0]), VersionLZ: int(src[1]), Flags: int(src[2]), Typesize: int(src[3]),
		Nbytes:    int(binary.LittleEndian.Uint32(src[4:])),
		Blocksize: int(binary.LittleEndian.Uint32(src[8:])),
		Cbytes:    int(binary.LittleEndian.Uint32(src[12:])),
	}
	if h.Version < bloscVersionMin || h.Version > bloscVersion {
		return h, errf("blosc", "decode", ErrCorrupt, "format version %d (Blosc1 frames are 1..2)", h.Version)
	}
	if h.Nbytes > bloscMaxBuffer || h.Cbytes > bloscMaxBuffer+bloscHeader || h.Blocksize > bloscMaxBuffer {
		return h, errf("blosc", "decode", ErrCorrupt, "sizes out of range")
	}
	switch f := h.Flags >> 5; f {
	case formatBlosclz:
		h.Cname = "blosclz"
	case formatLZ4:
		h.Cname = "lz4"
	case formatSnappy:
		h.Cname = "snappy"
	case formatZlib:
		h.Cname = "zlib"
	case formatZstd:
		h.Cname = "zstd"
	default:
		return h, errf("blosc", "decode", ErrCorrupt, "compressor format %d", f)
	}
	h.Memcpyed = h.Flags&flagMemcpyed != 0
	switch {
	case h.Flags&flagShuffle != 0 && h.Flags&flagBitshuffle != 0:
		return h, errf("blosc", "decode", ErrUnsupported, "Blosc2 extended header")
	case h.Flags&flagShuffle != 0:
		h.Shuffle = ByteShuffle
	case h.Flags&flagBitshuffle != 0:
		h.Shuffle = BitShuffle
	}
	if h.Typesize == 0 {
		return h, errf("blosc", "decode", ErrCorrupt, "typesize 0")
	}
	if h.Cbytes < bloscHeader || h.Cbytes > len(src) {
		return h, errf("blosc", "decode", ErrCorrupt, "header says %d bytes, frame has %d", h.Cbytes, len(src))
	}
	return h, nil
}

// Decode appends the decoded frame; see BytesCodec. The header's decoded
// size is checked against maxLen before anything is allocated.
func (b *Blosc) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	return bloscDecode(dst, src, maxLen)
}

func bloscDecode(dst, src []byte, maxLen int) ([]byte, error) {
	f, err := parseBloscFrame(src, maxLen)
	if err != nil {
		return nil, err
	}
	if f.h.Memcpyed {
		return append(dst, f.src[bloscHeader:]...), nil
	}
	start := len(dst)
	dst = grow(dst, f.h.Nbytes)
	out := dst[start:]
	var tmp []byte
	if f.h.Shuffle != NoShuffle {
		tb := getBuf(f.bs)
		defer putBuf(tb)
		tmp = *tb
	}
	for j := range f.nblocks {
		lo, hi := f.blockBounds(j)
		if err := f.decodeBlock(j, out[lo:hi], tmp); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// bloscFrame is a checked Blosc1 frame whose blocks decode one at a time.
type bloscFrame struct {
	h         BloscInfo
	src       []byte // the frame, h.Cbytes long
	bs        int    // block size (the whole buffer for a memcpyed frame)
	nblocks   int
	leftover  int // bytes of a short last block, 0 when every block is full
	dataStart int
	split     bool
}

// parseBloscFrame checks a frame's header against maxLen and its block
// table's extent.
func parseBloscFrame(src []byte, maxLen int) (*bloscFrame, error) {
	if err := checkMaxLen("blosc", maxLen); err != nil {
		return nil, err
	}
	h, err := ParseBloscHeader(src)
	if err != nil {
		return nil, err
	}
	if h.Nbytes > maxLen {
		return nil, errf("blosc", "decode", ErrTooLarge, "header declares %d bytes, limit %d", h.Nbytes, maxLen)
	}
	f := &bloscFrame{h: h, src: src[:h.Cbytes]}
	if h.Memcpyed {
		if h.Cbytes != h.Nbytes+bloscHeader {
			return nil, errf("blosc", "decode", ErrCorrupt, "memcpyed frame of %d bytes for %d", h.Cbytes, h.Nbytes)
		}
		f.bs = h.Nbytes
		if h.Nbytes > 0 {
			f.nblocks = 1
		}
		return f, nil
	}
	if h.Nbytes == 0 {
		return f, nil
	}
	bs := h.Blocksize
	if bs <= 0 || bs > h.Nbytes {
		return nil, errf("blosc", "decode", ErrCorrupt, "blocksize %d for %d bytes", bs, h.Nbytes)
	}
	f.bs = bs
	f.nblocks = h.Nbytes / bs
	f.leftover = h.Nbytes % bs
	if f.leftover > 0 {
		f.nblocks++
	}
	f.dataStart = bloscHeader + 4*f.nblocks
	if f.dataStart > len(f.src) {
		return nil, errf("blosc", "decode", ErrCorrupt, "truncated block offsets")
	}
	ts := h.Typesize
	f.split = h.Flags&flagDontSplit == 0 && ts <= bloscMaxSplits && bs/ts >= bloscMinBuffer
	return f, nil
}

// blockBounds is the byte range of the decoded buffer block j holds.
func (f *bloscFrame) blockBounds(j int) (lo, hi int) {
	lo = j * f.bs
	return lo, min(lo+f.bs, f.h.Nbytes)
}

// decodeBlock decodes block j into ob (blockBounds long); tmp holds at
// least bs bytes for shuffled frames.
func (f *bloscFrame) decodeBlock(j int, ob, tmp []byte) error {
	h, src := f.h, f.src
	if h.Memcpyed {
		copy(ob, src[bloscHeader:])
		return nil
	}
	pos := int(binary.LittleEndian.Uint32(src[bloscHeader+4*j:]))
	bsize := len(ob)
	last := f.leftover > 0 && j == f.nblocks-1
	ts := h.Typesize
	t := ob
	if h.Shuffle == ByteShuffle && ts > 1 || h.Shuffle == BitShuffle {
		t = tmp[:bsize]
	}
	nstreams := 1
	if f.split && !last {
		nstreams = ts
	}
	neblock := bsize / nstreams
	if pos < f.dataStart || pos > len(src) {
		return errf("blosc", "decode", ErrCorrupt, "block %d starts at %d, outside the frame", j, pos)
	}
	for s := 0; s < nstreams; s++ {
		if pos+4 > len(src) {
			return errf("blosc", "decode", ErrCorrupt, "block %d truncated", j)
		}
		csize := int(int32(binary.LittleEndian.Uint32(src[pos:])))
		pos += 4
		so := t[s*neblock : (s+1)*neblock]
		switch {
		case csize <= 0: // a run of one byte value (c-blosc ≥ 1.x "special" streams)
			if csize < -255 {
				return errf("blosc", "decode", ErrCorrupt, "stream size %d", csize)
			}
			v := byte(-csize)
			for i := range so {
				so[i] = v
			}
			continue
		case csize > len(src)-pos:
			return errf("blosc", "decode", ErrCorrupt, "block %d stream %d truncated", j, s)
		case csize == neblock:
			copy(so, src[pos:pos+csize])
		default:
			if err := bloscStream(h.Flags>>5, so, src[pos:pos+csize]); err != nil {
				return err
			}
		}
		pos += csize
	}
	switch {
	case h.Shuffle == ByteShuffle && ts > 1:
		unshuffleBytes(ob, t, ts)
	case h.Shuffle == BitShuffle:
		bitunshuffle(ob, t, ts)
	}
	return nil
}

// bloscStream decompresses one stream that must fill out exactly.
func bloscStream(format int, out, in []byte) error {
	switch format {
	case formatBlosclz:
		return blosclzDecode(out, in)
	case formatLZ4:
		return lz4Block("blosc", out, in)
	case formatSnappy:
		n, err := s2.DecodedLen(in)
		if err != nil || n != len(out) {
			return errf("blosc", "decode", ErrCorrupt, "snappy stream of %d bytes, want %d", n, len(out))
		}
		got, err := s2.Decode(out, in)
		if err != nil || len(got) != len(out) {
			return errf("blosc", "decode", ErrCorrupt, "snappy: %v", err)
		}
		if &got[0] != &out[0] {
			copy(out, got)
		}
		return nil
	case formatZlib:
		r, _ := zlibReaders.Get().(io.ReadCloser)
		var err error
		if r == nil {
			r, err = zlib.NewReader(bytesReader(in))
		} else {
			err = r.(zlib.Resetter).Reset(bytesReader(in), nil)
		}
		if err != nil {
			return errf("blosc", "decode", ErrCorrupt, "zlib: %v", err)
		}
		defer zlibReaders.Put(r)
		return readExact(out, r)
	case formatZstd:
		got, err := zstdDecoder().DecodeAll(in, out[:0:len(out)])
		if err != nil {
			return errf("blosc", "decode", ErrCorrupt, "zstd: %v", err)
		}
		if len(got) != len(out) {
			return errf("blosc", "decode", ErrCorrupt, "zstd stream gave %d bytes, want %d", len(got), len(out))
		}
		if len(got) > 0 && &got[0] != &out[0] {
			copy(out, got)
		}
		return nil
	}
	return errf("blosc", "decode", ErrCorrupt, "compressor format %d", format)
}

// readExact fills out from r and requires r to end there.
func readExact(out []byte, r io.Reader) error {
	if _, err := io.ReadFull(r, out); err != nil {
		return errf("blosc", "decode", ErrCorrupt, "stream shorter than its block: %v", err)
	}
	var one [1]byte
	for {
		n, err := r.Read(one[:])
		if n > 0 {
			return errf("blosc", "decode", ErrCorrupt, "stream longer than its block")
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errf("blosc", "decode", ErrCorrupt, "%v", err)
		}
	}
}
