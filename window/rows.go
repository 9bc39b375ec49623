package window

import (
	"context"
	"math"

	"github.com/tessera-array/tessera/block"
)

// rowAnchor is how often (in rows added or removed, at least 2w) the row
// kernel recomputes its running sums from the window.
const rowAnchor = 64

// rowsSum computes Sum, Mean and Count along an outer axis (one whose
// positions are rows of inner contiguous elements, as time in a
// (time, y, x) block) a row at a time: running sums, counts and infinity
// counts per inner position, updated by adding the row entering the window
// and subtracting the row leaving it, so memory is read contiguously and
// no lane is gathered. Every max(2w, rowAnchor) row steps the sums are
// recomputed from the window's rows, bounding their rounding error.
func rowsSum(ctx context.Context, src, out *block.Dense, axis, h0 int, p RollParams) error {
	shape := src.Shape()
	m, c := shape[axis], out.Shape()[axis]
	outer, inner := 1, 1
	for d, s := range shape {
		if d < axis {
			outer *= s
		} else if d > axis {
			inner *= s
		}
	}
	load := rowLoader(src)
	s := make([]float64, inner)
	cnt := make([]int32, inner)
	inf := make([]int32, 2*inner) // +Inf counts, then -Inf counts
	row := make([]float64, inner)
	res := make([]float64, inner)
	anchor := max(2*(p.Before+p.After+1), rowAnchor)
	add := func(off int, sign float64, isign int32) {
		load(off, row)
		for k, v := range row {
			if v-v == 0 {
				s[k] += sign * v
				cnt[k] += isign
			} else if v == v {
				if v > 0 {
					inf[k] += isign
				} else {
					inf[inner+k] += isign
				}
				cnt[k] += isign
			}
		}
	}
	nan := math.NaN()
	minp := int32(p.MinPeriods)
	for o := range outer {
		if err := ctx.Err(); err != nil {
			return err
		}
		clear(s)
		clear(cnt)
		clear(inf)
		base := o * m * inner
		lo, hi, steps := 0, 0, 0
		for j := range c {
			q := j + h0
			l, h := max(0, q-p.Before), min(m, q+p.After+1)
			for ; hi < h; hi++ {
				add(base+hi*inner, 1, 1)
				steps++
			}
			for ; lo < l; lo++ {
				add(base+lo*inner, -1, -1)
				steps++
			}
			if steps >= anchor {
				steps = 0
				clear(s)
				for r := lo; r < hi; r++ {
					load(base+r*inner, row)
					for k, v := range row {
						if v-v == 0 {
							s[k] += v
						}
					}
				}
			}
			for k := range res {
				n := cnt[k]
				pi, ni := inf[k], inf[inner+k]
				switch {
				case n < minp:
					res[k] = nan
				case p.Reduction == Count:
					res[k] = float64(n)
				case pi > 0 && ni > 0:
					res[k] = nan
				case pi > 0:
					res[k] = math.Inf(1)
				case ni > 0:
					res[k] = math.Inf(-1)
				case p.Reduction == Mean:
					res[k] = s[k] / float64(n)
				default:
					res[k] = s[k]
				}
			}
			storeRow(out, (o*c+j)*inner, res)
		}
	}
	return nil
}

// rowLoader returns a function copying inner elements of src from off
// into dst as float64.
func rowLoader(src *block.Dense) func(off int, dst []float64) {
	switch d := src.Data().(type) {
	case []float64:
		return func(off int, dst []float64) { copy(dst, d[off:off+len(dst)]) }
	case []float32:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	case []int8:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	case []int16:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	case []int32:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	case []int64:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	case []uint8:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	case []uint16:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	case []uint32:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	case []uint64:
		return func(off int, dst []float64) { loadT(d, off, dst) }
	}
	return func(off int, dst []float64) {
		for i := range dst {
			dst[i] = src.Float64(off + i)
		}
	}
}

func loadT[T block.Number](src []T, off int, dst []float64) {
	for i, v := range src[off : off+len(dst)] {
		dst[i] = float64(v)
	}
}

// storeRow writes a row of results into out (float32 or float64).
func storeRow(out *block.Dense, off int, row []float64) {
	switch d := out.Data().(type) {
	case []float64:
		copy(d[off:off+len(row)], row)
	case []float32:
		for i, v := range row {
			d[off+i] = float32(v)
		}
	}
}
