package window

import (
	"context"
	"math"

	"github.com/tessera-array/tessera/block"
)

// rowsSumFast is rowsSum for float32 and float64 blocks whose output has
// the input's type: the same running sums, counts and re-anchoring, in the
// same order per element (so results are bit-identical to rowsSum), but
// reading the input rows in place, folding the row that enters and the row
// that leaves in one pass when the window slides by one, and writing
// results straight into the output. Infinities are counted only once one
// is seen; until then every result is the plain sum, mean or count.
func rowsSumFast[T float32 | float64](ctx context.Context, x, y []T, shape, outShape []int, axis, h0 int, p RollParams) error {
	m, c := shape[axis], outShape[axis]
	outer, inner := 1, 1
	for d, s := range shape {
		if d < axis {
			outer *= s
		} else if d > axis {
			inner *= s
		}
	}
	s := make([]float64, inner)
	cnt := make([]int32, inner)
	inf := make([]int32, 2*inner) // +Inf counts, then -Inf counts
	anchor := max(2*(p.Before+p.After+1), rowAnchor)
	seen := false // an infinity entered some window of this block
	// one folds value f at inner position k into the sums with sign (+1
	// entering, -1 leaving); add folds a whole row.
	one := func(k int, f, sign float64, isign int32) {
		if f-f == 0 {
			s[k] += sign * f
			cnt[k] += isign
		} else if f == f {
			seen = true
			if f > 0 {
				inf[k] += isign
			} else {
				inf[inner+k] += isign
			}
			cnt[k] += isign
		}
	}
	add := func(row []T, sign float64, isign int32) {
		for k, v := range row {
			f := float64(v)
			if f-f == 0 {
				s[k] += sign * f
				cnt[k] += isign
				continue
			}
			one(k, f, sign, isign)
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
		rowAt := func(r int) []T { return x[base+r*inner : base+(r+1)*inner] }
		lo, hi, steps := 0, 0, 0
		for j := range c {
			q := j + h0
			l, h := max(0, q-p.Before), min(m, q+p.After+1)
			if h == hi+1 && l == lo+1 {
				// The steady slide: one row in, one row out, applied per
				// element in rowsSum's order (enter, then leave); a finite
				// pair leaves the count as it is.
				in, out := rowAt(hi), rowAt(lo)
				for k := range in {
					a, b := float64(in[k]), float64(out[k])
					if a-a == 0 && b-b == 0 {
						s[k] += a
						s[k] -= b
						continue
					}
					one(k, a, 1, 1)
					one(k, b, -1, -1)
				}
				hi, lo = hi+1, lo+1
				steps += 2
			}
			for ; hi < h; hi++ {
				add(rowAt(hi), 1, 1)
				steps++
			}
			for ; lo < l; lo++ {
				add(rowAt(lo), -1, -1)
				steps++
			}
			if steps >= anchor {
				steps = 0
				clear(s)
				for r := lo; r < hi; r++ {
					for k, v := range rowAt(r) {
						if f := float64(v); f-f == 0 {
							s[k] += f
						}
					}
				}
			}
			res := y[(o*c+j)*inner : (o*c+j+1)*inner]
			if !seen {
				switch p.Reduction {
				case Count:
					for k, n := range cnt {
						res[k] = T(float64(n))
						if n < minp {
							res[k] = T(nan)
						}
					}
				case Mean:
					for k, n := range cnt {
						res[k] = T(s[k] / float64(n))
						if n < minp {
							res[k] = T(nan)
						}
					}
				default:
					for k, n := range cnt {
						res[k] = T(s[k])
						if n < minp {
							res[k] = T(nan)
						}
					}
				}
				continue
			}
			for k := range res {
				n := cnt[k]
				pi, ni := inf[k], inf[inner+k]
				switch {
				case n < minp:
					res[k] = T(nan)
				case p.Reduction == Count:
					res[k] = T(float64(n))
				case pi > 0 && ni > 0:
					res[k] = T(nan)
				case pi > 0:
					res[k] = T(math.Inf(1))
				case ni > 0:
					res[k] = T(math.Inf(-1))
				case p.Reduction == Mean:
					res[k] = T(s[k] / float64(n))
				default:
					res[k] = T(s[k])
				}
			}
		}
	}
	return nil
}

// rowsSumTyped runs rowsSumFast when src and out are both float32 or both
// float64, and reports whether it did.
func rowsSumTyped(ctx context.Context, src, out *block.Dense, axis, h0 int, p RollParams) (bool, error) {
	switch x := src.Data().(type) {
	case []float32:
		if y, ok := out.Data().([]float32); ok {
			return true, rowsSumFast(ctx, x, y, src.Shape(), out.Shape(), axis, h0, p)
		}
	case []float64:
		if y, ok := out.Data().([]float64); ok {
			return true, rowsSumFast(ctx, x, y, src.Shape(), out.Shape(), axis, h0, p)
		}
	}
	return false, nil
}
