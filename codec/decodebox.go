package codec

import (
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// DecodeBox decodes only the elements of one stored chunk inside srcBox
// (chunk coordinates) into dst at dstBox (dst coordinates, the same
// shape), without materialising the whole chunk, when the pipeline allows
// it: a Blosc1 frame as its only bytes→bytes codec over a little-endian
// "bytes" serialisation with no array→array codecs, and a numeric dst of
// the pipeline's dtype. Only the Blosc blocks that hold elements of srcBox
// are decompressed, each into a pooled buffer of one block, from which
// the box's rows are copied out. It reports false, having written
// nothing, when the pipeline is not of that form (the caller decodes the
// whole chunk instead); errors are those of Decode, or ErrSpec for boxes
// that do not fit.
func (p *Pipeline) DecodeBox(dst *block.Dense, dstBox chunk.Box, src []byte, srcBox chunk.Box) (bool, error) {
	dt := p.spec.DType
	if !p.DecodesBoxes() || !dst.HasBytes() || dst.DType() != dt {
		return false, nil
	}
	shape := p.spec.Shape
	if err := checkBoxIn("source", srcBox, shape); err != nil {
		return true, err
	}
	if err := checkBoxIn("destination", dstBox, dst.Shape()); err != nil {
		return true, err
	}
	if !chunk.EqualShape(srcBox.Shape(), dstBox.Shape()) {
		return true, errf("pipeline", "decode", ErrSpec, "source box %v and destination box %v differ in shape", srcBox, dstBox)
	}
	n := int(p.spec.Nbytes())
	f, err := parseBloscFrame(src, n)
	if err != nil {
		return true, err
	}
	if f.h.Nbytes != n {
		return true, errf("blosc", "decode", ErrCorrupt, "decoded %d bytes, chunk %s needs %d", f.h.Nbytes, p.spec, n)
	}
	bs := srcBox.Shape()
	if chunk.Size(bs) == 0 {
		return true, nil
	}
	es := dt.Size()
	r := len(shape)
	sst, dstr := byteStrides(shape, es), byteStrides(dst.Shape(), es)
	rowLen := es
	if r > 0 {
		rowLen = bs[r-1] * es
	}
	// rows of the box in C order, each a run of rowLen bytes at soff in
	// the chunk and doff in dst; the runs' chunk offsets increase
	odo := make([]int, max(r-1, 0))
	rowOffsets := func() (soff, doff int) {
		for a := range r {
			i := 0
			if a < r-1 {
				i = odo[a]
			}
			soff += (srcBox.Lo[a] + i) * sst[a]
			doff += (dstBox.Lo[a] + i) * dstr[a]
		}
		return soff, doff
	}
	next := func() bool {
		for a := r - 2; a >= 0; a-- {
			odo[a]++
			if odo[a] < bs[a] {
				return true
			}
			odo[a] = 0
		}
		return false
	}
	out := dst.Bytes()
	soff, doff := rowOffsets()
	more := true
	var tmp, ob []byte
	tb := getBuf(2 * f.bs)
	defer putBuf(tb)
	ob, tmp = (*tb)[:f.bs], (*tb)[f.bs:2*f.bs]
	done := 0 // bytes of the current row already copied
	for j := soff / max(f.bs, 1); more && j < f.nblocks; j++ {
		lo, hi := f.blockBounds(j)
		if soff+done >= hi {
			continue // no row starts in this block: skip it undecoded
		}
		if err := f.decodeBlock(j, ob[:hi-lo], tmp); err != nil {
			return true, err
		}
		for more {
			a, b := soff+done, min(soff+rowLen, hi)
			copy(out[doff+done:doff+done+(b-a)], ob[a-lo:b-lo])
			done += b - a
			if done < rowLen {
				break // the row goes on in the next block
			}
			done = 0
			if more = next(); more {
				soff, doff = rowOffsets()
				if soff >= hi {
					break
				}
			}
		}
	}
	if more {
		return true, errf("blosc", "decode", ErrCorrupt, "frame ends before box %v", srcBox)
	}
	return true, nil
}

// byteStrides are the C-order byte strides of shape with elements of es
// bytes.
func byteStrides(shape []int, es int) []int {
	st := make([]int, len(shape))
	acc := es
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= shape[i]
	}
	return st
}

// checkBoxIn checks that the box called what has the rank of shape and
// lies inside it.
func checkBoxIn(what string, box chunk.Box, shape []int) error {
	if len(box.Lo) != len(shape) || len(box.Hi) != len(shape) {
		return errf("pipeline", "decode", ErrSpec, "%s box %v: rank %d for shape %v", what, box, len(box.Lo), shape)
	}
	for i, n := range shape {
		if box.Lo[i] < 0 || box.Lo[i] > box.Hi[i] || box.Hi[i] > n {
			return errf("pipeline", "decode", ErrSpec, "%s box %v: axis %d outside [0, %d)", what, box, i, n)
		}
	}
	return nil
}

// DecodesBoxes reports whether DecodeBox can decode parts of this
// pipeline's chunks (into a destination of the pipeline's dtype).
func (p *Pipeline) DecodesBoxes() bool {
	if len(p.bytes) != 1 || len(p.arrays) > 0 {
		return false
	}
	bl, ok := p.bytes[0].(*Blosc)
	bc, okb := p.ab.(Bytes)
	dt := p.spec.DType
	return ok && bl != nil && okb && (bc.Endian == Little || dt.Size() == 1) && dt != block.Bool && dt != block.String && dt.Valid()
}
