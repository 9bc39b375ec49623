package block

import (
	"fmt"

	"github.com/tessera-array/tessera/chunk"
)

// CopyBox copies the elements of src inside srcBox into dst inside dstBox.
// Both blocks must have the same dtype and rank, the boxes the same shape,
// and each box must lie inside its block. Overlapping src and dst buffers are
// not supported. Runs of trailing axes that both boxes cover whole are copied
// as one contiguous memmove, so copying whole rows runs at memcpy speed.
func CopyBox(dst *Dense, dstBox chunk.Box, src *Dense, srcBox chunk.Box) error {
	if dst.dtype != src.dtype {
		return fmt.Errorf("%w: CopyBox from %s into %s", ErrDTypeMismatch, src.dtype, dst.dtype)
	}
	r := len(dst.shape)
	if len(src.shape) != r || dstBox.Rank() != r || srcBox.Rank() != r {
		return fmt.Errorf("%w: CopyBox ranks: dst %d, src %d, boxes %d and %d", ErrShape, r, len(src.shape), dstBox.Rank(), srcBox.Rank())
	}
	if !chunk.EqualShape(dstBox.Shape(), srcBox.Shape()) {
		return fmt.Errorf("%w: CopyBox box shapes differ: dst %v, src %v", ErrShape, dstBox, srcBox)
	}
	if !chunk.BoxOf(dst.shape).Contains(dstBox) || !chunk.BoxOf(src.shape).Contains(srcBox) {
		return fmt.Errorf("%w: CopyBox box outside block: dst %v in %v, src %v in %v", ErrShape, dstBox, dst.shape, srcBox, src.shape)
	}
	if dstBox.Empty() {
		return nil
	}
	if dst.dtype == String {
		copyBoxT(dst.data.([]string), dst.shape, dstBox, src.data.([]string), src.shape, srcBox, 1)
		return nil
	}
	// Every other dtype is copied as bytes (a Go bool is one byte, 0 or 1).
	es := dst.dtype.Size()
	copyBoxT(dst.Bytes(), dst.shape, dstBox, src.Bytes(), src.shape, srcBox, es)
	return nil
}

// copyBoxT copies with element size es (elements of T per array element):
// for byte slices es is the dtype size, for typed slices 1.
func copyBoxT[T any](dst []T, dshape []int, dbox chunk.Box, src []T, sshape []int, sbox chunk.Box, es int) {
	r := len(dshape)
	if r == 0 {
		copy(dst[:es], src[:es])
		return
	}
	ext := dbox.Shape()
	// Merge trailing axes covered whole by both boxes into one run.
	inner := r - 1
	run := ext[inner]
	for inner > 0 && ext[inner] == dshape[inner] && ext[inner] == sshape[inner] {
		inner--
		run *= ext[inner]
	}
	run *= es
	dst0 := dshape
	dstStr := make([]int, r)
	srcStr := make([]int, r)
	accD, accS := es, es
	for a := r - 1; a >= 0; a-- {
		dstStr[a], srcStr[a] = accD, accS
		accD *= dst0[a]
		accS *= sshape[a]
	}
	doff, soff := 0, 0
	for a := range r {
		doff += dbox.Lo[a] * dstStr[a]
		soff += sbox.Lo[a] * srcStr[a]
	}
	if inner == 0 {
		copy(dst[doff:doff+run], src[soff:soff+run])
		return
	}
	// odometer over axes [0, inner)
	idx := make([]int, inner)
	for {
		copy(dst[doff:doff+run], src[soff:soff+run])
		a := inner - 1
		for ; a >= 0; a-- {
			idx[a]++
			doff += dstStr[a]
			soff += srcStr[a]
			if idx[a] < ext[a] {
				break
			}
			doff -= ext[a] * dstStr[a]
			soff -= ext[a] * srcStr[a]
			idx[a] = 0
		}
		if a < 0 {
			return
		}
	}
}

// SubBlock returns a new block holding the elements of d inside box.
func (d *Dense) SubBlock(box chunk.Box) (*Dense, error) {
	if box.Rank() != len(d.shape) {
		return nil, fmt.Errorf("%w: box %v for block of shape %v", ErrShape, box, d.shape)
	}
	out, err := New(d.dtype, box.Shape()...)
	if err != nil {
		return nil, err
	}
	if err := CopyBox(out, chunk.BoxOf(out.shape), d, box); err != nil {
		return nil, err
	}
	return out, nil
}
