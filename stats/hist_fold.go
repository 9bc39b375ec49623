package stats

import (
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// counter is the ndarray.Folder of a counting partial: it bins every
// element of the data block's spans into ints or floats.
type counter struct {
	spec   *countSpec
	box    chunk.Box // the data block's region (for error positions)
	y, w   []float64 // the y and weights blocks, nil when absent
	out    *block.Dense
	ints   []int64
	floats []float64
	norm   []float64 // per axis, bins / (last - first) for uniform edges
}

// binIndex is the bin of x among edges (-1 outside them or for NaN): the
// i with edges[i] <= x < edges[i+1], the last bin closed on the right
// (numpy's histogram and histogramdd). For uniform edges a first guess
// comes from arithmetic, as numpy's fast path, then is corrected against
// the edges, which makes it the searchsorted answer.
//
// The reference is numpy's searchsorted(edges, x, "right") - 1 with
// x == edges[-1] moved into the last bin.
func binIndex(x float64, edges []float64, norm float64) int {
	n := len(edges) - 1
	if !(x >= edges[0] && x <= edges[n]) {
		return -1
	}
	if x == edges[n] {
		return n - 1
	}
	var i int
	if norm > 0 {
		i = int((x - edges[0]) * norm)
		i = max(0, min(i, n-1))
		for i > 0 && x < edges[i] {
			i--
		}
		for i < n-1 && x >= edges[i+1] {
			i++
		}
		return i
	}
	lo, hi := 0, n // edges[lo] <= x < edges[hi]
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if edges[m] <= x {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// Fold bins the span's elements.
func (c *counter) Fold(s *ndarray.Span) error {
	if c.norm == nil && c.spec.Mode == modeHist {
		c.norm = make([]float64, len(c.spec.Edges))
		for i, e := range c.spec.Edges {
			if c.spec.Uniform[i] {
				c.norm[i] = float64(len(e)-1) / (e[len(e)-1] - e[0])
			}
		}
	}
	switch v := s.Values.(type) {
	case []float64:
		return fold(c, v, s.Start)
	case []float32:
		return fold(c, v, s.Start)
	case []int64:
		return fold(c, v, s.Start)
	case []int32:
		return fold(c, v, s.Start)
	case []int16:
		return fold(c, v, s.Start)
	case []int8:
		return fold(c, v, s.Start)
	case []uint64:
		return fold(c, v, s.Start)
	case []uint32:
		return fold(c, v, s.Start)
	case []uint16:
		return fold(c, v, s.Start)
	case []uint8:
		return fold(c, v, s.Start)
	case []bool:
		b := make([]uint8, len(v))
		for i, x := range v {
			if x {
				b[i] = 1
			}
		}
		return fold(c, b, s.Start)
	}
	return fmt.Errorf("%w: %T", ErrHistDType, s.Values)
}

func fold[T number](c *counter, v []T, start int) error {
	if c.spec.Mode == modeBincount {
		return bincountFold(c, v, start)
	}
	e0 := c.spec.Edges[0]
	n0 := c.norm[0]
	var e1 []float64
	var n1 float64
	if len(c.spec.Edges) == 2 {
		e1, n1 = c.spec.Edges[1], c.norm[1]
	}
	ny := 1
	if e1 != nil {
		ny = len(e1) - 1
	}
	for k, x := range v {
		i := binIndex(float64(x), e0, n0)
		if i < 0 {
			continue
		}
		off := start + k
		if e1 != nil {
			j := binIndex(c.y[off], e1, n1)
			if j < 0 {
				continue
			}
			i = i*ny + j
		}
		c.add(i, off)
	}
	return nil
}

// add counts the element at block offset off into bin i.
func (c *counter) add(i, off int) {
	switch {
	case c.w == nil && c.ints != nil:
		c.ints[i]++
	case c.w == nil:
		c.floats[i]++
	case c.ints != nil:
		c.ints[i] += int64(c.w[off])
	default:
		c.floats[i] += c.w[off]
	}
}

func bincountFold[T number](c *counter, v []T, start int) error {
	n := c.spec.Length
	for k, x := range v {
		f := float64(x)
		if f != math.Trunc(f) {
			return fmt.Errorf("%w: bincount of a non-integer value %v at %s", ErrHistDType, f, errPos(c.box, start+k))
		}
		if x < 0 {
			return &BincountError{Index: globalIndex(c.box, start+k), Value: int64(x), Length: n}
		}
		if uint64(x) >= uint64(n) {
			return &BincountError{Index: globalIndex(c.box, start+k), Value: int64(x), Length: n}
		}
		c.add(int(x), start+k)
	}
	return nil
}

func globalIndex(box chunk.Box, local int) []int {
	idx := chunk.Unravel(local, box.Shape())
	for i := range idx {
		idx[i] += box.Lo[i]
	}
	return idx
}
