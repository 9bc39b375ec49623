package codec

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
)

type stringFixture struct {
	Kind   string   `json:"kind"`
	Order  string   `json:"order"`
	Width  int      `json:"width"`
	Values []string `json:"values"`
	Hex    string   `json:"hex"`
}

func stringFixtures(t testing.TB) []stringFixture {
	b, err := os.ReadFile(filepath.Join("testdata", "strings_fixtures.json"))
	require.NoError(t, err)
	var fx struct {
		Cases []stringFixture `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &fx))
	require.NotEmpty(t, fx.Cases)
	return fx.Cases
}

func (f stringFixture) codec() ArrayBytesCodec {
	switch f.Kind {
	case "vlen":
		return VLenUTF8{}
	case "U":
		e := Little
		if f.Order == ">" {
			e = Big
		}
		return FixedString{Kind: block.StringUnicode, Width: f.Width, Endian: e}
	}
	return FixedString{Kind: block.StringBytes, Width: f.Width}
}

// TestStringCodecsNumcodecs: tessera encodes every fixture byte for byte as
// numcodecs' VLenUTF8 and numpy's U/S arrays do (testdata/strings.py), and
// decodes their bytes to the same strings.
func TestStringCodecsNumcodecs(t *testing.T) {
	for i, f := range stringFixtures(t) {
		raw, err := hex.DecodeString(f.Hex)
		require.NoError(t, err)
		c := f.codec()
		spec := ChunkSpec{DType: block.String, Shape: []int{len(f.Values)}}
		d, err := c.DecodeArray(raw, spec)
		require.NoError(t, err, "case %d (%s%s%d)", i, f.Order, f.Kind, f.Width)
		vals := f.Values
		if vals == nil {
			vals = []string{}
		}
		assert.Equal(t, vals, block.Values[string](d), "case %d", i)
		enc, err := c.EncodeArray(nil, d)
		require.NoError(t, err)
		assert.Equal(t, f.Hex, hex.EncodeToString(enc), "case %d", i)
		// through a pipeline with a compressor
		z, err := NewZstd(1, true)
		require.NoError(t, err)
		p, err := NewPipeline(spec, c, z)
		require.NoError(t, err)
		b, err := p.Encode(nil, d)
		require.NoError(t, err)
		back, err := p.Decode(b)
		require.NoError(t, err)
		assert.True(t, d.Equal(back), "case %d through zstd", i)
	}
}

// TestStringCodecErrors: corrupt input names the element, over-long
// strings are refused on encode, and a plain bytes codec refuses strings.
func TestStringCodecErrors(t *testing.T) {
	spec := ChunkSpec{DType: block.String, Shape: []int{2}}
	for name, in := range map[string][]byte{
		"short":     {1, 0},
		"count":     {3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		"overrun":   {2, 0, 0, 0, 9, 0, 0, 0, 'a'},
		"trailing":  {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'x'},
		"bad utf-8": {2, 0, 0, 0, 1, 0, 0, 0, 0xff, 0, 0, 0, 0},
		"huge n":    {0xff, 0xff, 0xff, 0x7f},
	} {
		_, err := VLenUTF8{}.DecodeArray(in, spec)
		assert.ErrorIs(t, err, ErrCorrupt, name)
	}
	_, err := FixedString{Kind: block.StringUnicode, Width: 1}.DecodeArray([]byte{0, 0xd8, 0, 0, 0x41, 0, 0, 0}, spec)
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.Contains(t, err.Error(), "element [0]")
	_, err = FixedString{Kind: block.StringUnicode, Width: 1}.DecodeArray([]byte{0, 0, 0}, spec)
	assert.ErrorIs(t, err, ErrCorrupt)

	d, _ := block.FromSlice([]string{"ab", "abcd"}, 2)
	_, err = FixedString{Kind: block.StringBytes, Width: 3}.EncodeArray(nil, d)
	assert.ErrorIs(t, err, ErrSpec)
	assert.Contains(t, err.Error(), "element [1]")
	_, err = FixedString{Kind: block.StringUnicode, Width: 3}.EncodeArray(nil, d)
	assert.ErrorIs(t, err, ErrSpec)
	bad, _ := block.FromSlice([]string{"\xff"}, 1)
	_, err = VLenUTF8{}.EncodeArray(nil, bad)
	assert.ErrorIs(t, err, ErrSpec)

	_, err = NewPipeline(spec)
	assert.ErrorIs(t, err, ErrSpec, "strings without a string codec")
	for _, cfg := range []string{`{"name":"scale_offset","configuration":{"offset":1,"scale":3}}`, `{"name":"cast_value","configuration":{"data_type":"int16"}}`} {
		f, err := Parse([]byte(cfg))
		require.NoError(t, err)
		for _, dt := range []block.DType{block.String, block.Complex128} {
			_, err = NewPipeline(ChunkSpec{DType: dt, Shape: []int{2}}, f, VLenUTF8{})
			assert.ErrorIs(t, err, ErrSpec, "%s before %s", cfg, dt)
		}
	}
	_, err = Bytes{}.EncodeArray(nil, d)
	assert.ErrorIs(t, err, ErrSpec)

	c, err := ParseNumcodecs([]byte(`{"id":"vlen-utf8"}`))
	require.NoError(t, err)
	assert.Equal(t, VLenUTF8{}, c)
	c, err = ParseV3([]byte(`{"name":"vlen-utf8","configuration":{}}`))
	require.NoError(t, err)
	assert.Equal(t, VLenUTF8{}, c)
	_, err = ParseNumcodecs([]byte(`{"id":"vlen-utf8","x":1}`))
	assert.ErrorIs(t, err, ErrConfig)
}

// FuzzVLenUTF8Decode: no input panics the vlen-utf8 decoder, errors are
// typed, and what decodes encodes back to the same bytes.
func FuzzVLenUTF8Decode(f *testing.F) {
	for _, fx := range stringFixtures(f) {
		if fx.Kind == "vlen" {
			raw, _ := hex.DecodeString(fx.Hex)
			f.Add(uint8(len(fx.Values)), raw)
		}
	}
	f.Fuzz(func(t *testing.T, n uint8, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		spec := ChunkSpec{DType: block.String, Shape: []int{int(n)}}
		d, err := VLenUTF8{}.DecodeArray(data, spec)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is not a *codec.Error: %v", err)
			}
			return
		}
		enc, err := VLenUTF8{}.EncodeArray(nil, d)
		if err != nil || string(enc) != string(data) {
			t.Fatalf("re-encode: %v", err)
		}
	})
}

// FuzzFixedStringDecode: no input panics the U/S decoders; what decodes
// encodes back to bytes that decode to the same strings.
func FuzzFixedStringDecode(f *testing.F) {
	for _, fx := range stringFixtures(f) {
		if fx.Kind != "vlen" {
			raw, _ := hex.DecodeString(fx.Hex)
			f.Add(fx.Kind == "U", fx.Order == ">", uint8(fx.Width), raw)
		}
	}
	f.Fuzz(func(t *testing.T, unicode, big bool, width uint8, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		c := FixedString{Kind: block.StringBytes, Width: int(width)}
		if unicode {
			c.Kind = block.StringUnicode
		}
		if big {
			c.Endian = Big
		}
		is := c.itemSize()
		n := 1
		if is > 0 {
			n = len(data) / is
		}
		spec := ChunkSpec{DType: block.String, Shape: []int{n}}
		d, err := c.DecodeArray(data, spec)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is not a *codec.Error: %v", err)
			}
			return
		}
		enc, err := c.EncodeArray(nil, d)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		d2, err := c.DecodeArray(enc, spec)
		if err != nil || !d2.Equal(d) {
			t.Fatalf("re-decode: %v", err)
		}
	})
}
