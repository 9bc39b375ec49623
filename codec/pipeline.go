package codec

import (
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// Pipeline is an ordered codec chain for chunks of one spec: zero or more
// array→array codecs, one array→bytes codec, zero or more bytes→bytes codecs.
// Encode runs them forward; Decode runs them in reverse. A Pipeline is
// immutable and safe for concurrent use.
type Pipeline struct {
	spec   ChunkSpec
	arrays []ArrayCodec
	specs  []ChunkSpec // specs[i] is the input spec of arrays[i]; specs[len] the serialised one
	ab     ArrayBytesCodec
	bytes  []BytesCodec
}

// NewPipeline checks the codec order against spec and resolves SpecAware
// codecs. A chain without an array→bytes codec gets Bytes{Endian: Little}
// inserted after the array codecs (the Zarr v2 layout). It reports ErrSpec
// (in a *Error naming the codec) when a codec cannot encode its input and
// ErrConfig when the order is wrong.
func NewPipeline(spec ChunkSpec, codecs ...Codec) (*Pipeline, error) {
	if !spec.DType.Valid() {
		return nil, errf("pipeline", "build", ErrSpec, "invalid dtype")
	}
	if err := chunk.CheckShape(spec.Shape); err != nil {
		return nil, errf("pipeline", "build", ErrSpec, "%v", err)
	}
	p := &Pipeline{spec: ChunkSpec{spec.DType, append([]int(nil), spec.Shape...)}}
	cur := p.spec
	stage := 0 // 0 arrays, 1 after array→bytes
	for _, c := range codecs {
		if sa, ok := c.(SpecAware); ok {
			c = sa.ForSpec(cur)
		}
		switch c := c.(type) {
		case ArrayCodec:
			if stage != 0 {
				return nil, errf(c.Name(), "build", ErrConfig, "array→array codec after array→bytes")
			}
			if _, ok := c.(Transpose); !ok && (cur.DType.IsComplex() || cur.DType == block.String) {
				// the numeric filters compute on float64 views, which
				// complex and string elements do not have
				return nil, errf(c.Name(), "build", ErrSpec, "%s arrays are not supported by this filter", cur.DType)
			}
			next, err := c.EncodedSpec(cur)
			if err != nil {
				return nil, err
			}
			p.arrays = append(p.arrays, c)
			p.specs = append(p.specs, cur)
			cur = next
		case ArrayBytesCodec:
			if stage != 0 {
				return nil, errf(c.Name(), "build", ErrConfig, "second array→bytes codec")
			}
			p.ab = c
			stage = 1
		case BytesCodec:
			if stage == 0 {
				p.ab = Bytes{Endian: Little}
				stage = 1
			}
			p.bytes = append(p.bytes, c)
		default:
			return nil, errf(fmt.Sprintf("%T", c), "build", ErrConfig, "not a codec kind")
		}
	}
	if p.ab == nil {
		p.ab = Bytes{Endian: Little}
	}
	p.specs = append(p.specs, cur)
	_, sized := p.ab.(SizedArrayBytes)
	if cur.DType == block.String && !sized {
		return nil, errf(p.ab.Name(), "build", ErrSpec, "string chunks need a string serialisation (vlen-utf8, or a fixed width), not %q", p.ab.Name())
	}
	ser := cur
	if sized {
		// strings serialise to bytes: the bytes codecs see a byte stream
		n, _ := p.ab.(SizedArrayBytes).SerializedSize(cur)
		ser = ChunkSpec{DType: block.Uint8, Shape: []int{int(min(n, block.MaxBlockBytes))}}
	}
	// Resolve SpecAware bytes codecs with the serialised dtype (typesize).
	for i, c := range p.bytes {
		if sa, ok := c.(SpecAware); ok {
			if bc, ok := sa.ForSpec(ser).(BytesCodec); ok {
				p.bytes[i] = bc
			}
		}
	}
	return p, nil
}

// Spec is the decoded chunk spec.
func (p *Pipeline) Spec() ChunkSpec { return p.spec }

// Encode appends the encoding of a (which must match the pipeline's spec) to
// dst.
func (p *Pipeline) Encode(dst []byte, a *block.Dense) ([]byte, error) {
	if a.DType() != p.spec.DType || !chunk.EqualShape(a.Shape(), p.spec.Shape) {
		return nil, errf("pipeline", "encode", ErrSpec, "chunk %s%v, pipeline for %s", a.DType(), a.Shape(), p.spec)
	}
	var err error
	for _, c := range p.arrays {
		if a, err = c.EncodeArray(a); err != nil {
			return nil, err
		}
	}
	if len(p.bytes) == 0 {
		return p.ab.EncodeArray(dst, a)
	}
	var held []*[]byte
	defer func() {
		for _, b := range held {
			putBuf(b)
		}
	}()
	var cur []byte
	if bc, ok := p.ab.(Bytes); ok && (bc.Endian == Little || a.DType().Size() == 1) && a.DType() != block.Bool {
		// the block's memory is already the little-endian serialisation
		cur = a.Bytes()
	} else {
		b0 := getBuf(int(p.specs[len(p.specs)-1].Nbytes()))
		held = append(held, b0)
		cur, err = p.ab.EncodeArray((*b0)[:0], a)
		if err != nil {
			return nil, err
		}
		*b0 = cur
	}
	last := len(p.bytes) - 1
	for _, c := range p.bytes[:last] {
		t := getBuf(len(cur))
		held = append(held, t)
		out, err := c.Encode((*t)[:0], cur)
		if err != nil {
			return nil, err
		}
		*t = out
		cur = out
	}
	return p.bytes[last].Encode(dst, cur)
}

// Decode decodes one stored chunk into a new block of the pipeline's spec.
// The serialised size bounds every stage (see BytesCodec.Decode's maxLen):
// no stage allocates more than the chunk needs plus its codec's overhead.
func (p *Pipeline) Decode(src []byte) (*block.Dense, error) {
	ser := p.specs[len(p.specs)-1]
	n := int(ser.Nbytes())
	exact := true
	if sz, ok := p.ab.(SizedArrayBytes); ok {
		m, ex := sz.SerializedSize(ser)
		n, exact = int(min(m, block.MaxBlockBytes)), ex
	}
	// bounds[i]: the largest input of bytes codec i, so the largest output
	// of its decode.
	bounds := p.decodeBounds(n)
	var held []*[]byte
	defer func() {
		for _, b := range held {
			putBuf(b)
		}
	}()
	cur := src
	for i := len(p.bytes) - 1; i >= 0; i-- {
		want := 0
		if i == 0 && exact {
			want = n
		}
		t := getBuf(want)
		held = append(held, t)
		out, err := p.bytes[i].Decode((*t)[:0], cur, bounds[i])
		if err != nil {
			return nil, err
		}
		*t = out
		cur = out
	}
	if (exact && len(cur) != n) || len(cur) > n {
		return nil, errf(p.ab.Name(), "decode", ErrCorrupt, "decoded %d bytes, chunk %s needs %d", len(cur), ser, n)
	}
	a, err := p.ab.DecodeArray(cur, ser)
	if err != nil {
		return nil, err
	}
	for i := len(p.arrays) - 1; i >= 0; i-- {
		if a, err = p.arrays[i].DecodeArray(a, p.specs[i]); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// DecodeInto decodes one stored chunk into dst, which must have the
// pipeline's spec. When the chain is only bytes→bytes codecs over a
// little-endian "bytes" serialisation, the last stage writes straight into
// dst's memory (no intermediate block); otherwise it decodes and copies.
// dst is unspecified after an error.
func (p *Pipeline) DecodeInto(dst *block.Dense, src []byte) error {
	if dst.DType() != p.spec.DType || !chunk.EqualShape(dst.Shape(), p.spec.Shape) {
		return errf("pipeline", "decode", ErrSpec, "destination %s%v, pipeline for %s", dst.DType(), dst.Shape(), p.spec)
	}
	bc, ok := p.ab.(Bytes)
	if !ok || len(p.arrays) > 0 || len(p.bytes) == 0 || (bc.Endian != Little && dst.DType().Size() > 1) {
		d, err := p.Decode(src)
		if err != nil {
			return err
		}
		if !dst.HasBytes() {
			all := chunk.BoxOf(d.Shape())
			return block.CopyBox(dst, all, d, all)
		}
		copy(dst.Bytes(), d.Bytes())
		return nil
	}
	n := int(p.spec.Nbytes())
	if n == 0 {
		_, err := p.Decode(src)
		return err
	}
	bounds := p.decodeBounds(n)
	var held []*[]byte
	defer func() {
		for _, b := range held {
			putBuf(b)
		}
	}()
	cur := src
	out := dst.Bytes()
	for i := len(p.bytes) - 1; i >= 0; i-- {
		var into []byte
		if i == 0 {
			into = out[:0:n]
		} else {
			t := getBuf(0)
			held = append(held, t)
			into = (*t)[:0]
		}
		res, err := p.bytes[i].Decode(into, cur, bounds[i])
		if err != nil {
			return err
		}
		if i > 0 {
			*held[len(held)-1] = res
		}
		cur = res
	}
	if len(cur) != n {
		return errf(p.ab.Name(), "decode", ErrCorrupt, "decoded %d bytes, chunk %s needs %d", len(cur), p.spec, n)
	}
	if &cur[0] != &out[0] {
		copy(out, cur) // the codec did not decode in place
	}
	if dst.DType() == block.Bool {
		for i, c := range out {
			if c > 1 {
				out[i] = 1
			}
		}
	}
	return nil
}

// decodeBounds returns, for each bytes codec, the largest input it can
// have, hence the largest output of its decode, for a serialised chunk of n
// bytes: the bound that keeps every decode stage from allocating more than
// the chunk needs plus its codec's overhead.
func (p *Pipeline) decodeBounds(n int) []int {
	bounds := make([]int, len(p.bytes))
	b := n
	for i, c := range p.bytes {
		bounds[i] = b
		if bd, ok := c.(Bounder); ok {
			b = bd.MaxEncodedLen(b)
		} else {
			b = 2*b + 1<<16
		}
	}
	return bounds
}
