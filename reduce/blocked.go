package reduce

import "github.com/tessera-array/tessera/block"

// blockRows is the most values a blocked accumulator adds into one entry
// with plain float64 additions before the block sum is merged into the
// partial with an error-free transformation (Knuth's TwoSum, the exact
// error term Neumaier's step keeps, without its branch). Blocked
// accumulation is used only for element types of at most 32 bits (see
// blockable), whose values have at most 24 (float32) or 32 significant
// bits: 64 of them add exactly in float64's 53 unless their magnitudes
// span more than 2^23, and even then each block errs by at most
// 63*eps64*sum|x|, some 10^8 times below numpy's pairwise float32 bound.
// float64 and 64-bit integers keep the compensated step per element.
const blockRows = 64

// blockable reports whether the per-element sums of dt may be blocked.
func blockable(dt block.DType) bool {
	switch dt {
	case block.Float32, block.Bool, block.Int8, block.Int16, block.Int32, block.Uint8, block.Uint16, block.Uint32:
		return true
	}
	return false
}

// blocked accumulates the per-element sums (and counts) of a sum or mean
// whose last axis is kept: each span row adds its values into plain
// float64 lanes, one per partial entry, which are merged into the
// partial's compensated (S, C) and its counts N once the row of the
// partial has taken blockRows rows, and at the end of the block. Compared
// with a compensated addition per element, this is a load, an add and a
// store per element, in a loop the compiler keeps branch-free for data
// without NaN skipping.
type blocked struct {
	p    *partial
	w    int       // entries per partial row (the block's last axis)
	skip bool      // NaN values are skipped (a nan* kind over floats)
	s    []float64 // pending sums, one per partial entry
	n    []float64 // pending counts (mean family only)
	rows []int32   // rows added per partial row since its last merge
	full []int32   // of those, rows that covered every column
}

// newBlocked returns the blocked accumulator of p, whose partial rows have
// w entries, for kind k over dtype dt.
func newBlocked(p *partial, w int, k kind, dt block.DType) *blocked {
	n := len(p.S)
	bk := &blocked{p: p, w: w, skip: k.skipNaN() && dt.IsFloat(), s: make([]float64, n)}
	if p.N != nil {
		bk.n = make([]float64, n)
	}
	if w > 0 {
		bk.rows = make([]int32, n/w)
		bk.full = make([]int32, n/w)
	}
	return bk
}

// blockedAdd adds seg, the columns col0... of the partial row starting at
// entry base, into the pending sums. A row that covers every column is
// counted once for all its entries (full), so the pending counts n only
// take corrections: -1 for each NaN skipped in a full row, +1 for each
// value of a partial row.
func blockedAdd[T block.Number](bk *blocked, base, col0 int, seg []T) {
	o := base + col0
	s := bk.s[o : o+len(seg) : o+len(seg)]
	r := base / bk.w
	whole := len(seg) == bk.w
	switch {
	case bk.skip && bk.n != nil && whole:
		n := bk.n[o : o+len(seg) : o+len(seg)]
		for j, x := range seg {
			v := float64(x)
			if v == v {
				s[j] += v
			} else {
				n[j]--
			}
		}
	case bk.skip && bk.n != nil:
		n := bk.n[o : o+len(seg) : o+len(seg)]
		for j, x := range seg {
			v := float64(x)
			if v == v {
				s[j] += v
				n[j]++
			}
		}
	case bk.skip:
		for j, x := range seg {
			v := float64(x)
			if v == v {
				s[j] += v
			}
		}
	default:
		for j, x := range seg {
			s[j] += float64(x)
		}
		if bk.n != nil && !whole {
			n := bk.n[o : o+len(seg) : o+len(seg)]
			for j := range n {
				n[j]++
			}
		}
	}
	if whole {
		bk.full[r]++
	}
	bk.rows[r]++
	if bk.rows[r] >= blockRows {
		bk.flushRow(r)
	}
}

// flushRow merges the pending sums of partial row r into the partial.
func (bk *blocked) flushRow(r int) {
	lo, hi := r*bk.w, (r+1)*bk.w
	S, C, s := bk.p.S[lo:hi], bk.p.C[lo:hi], bk.s[lo:hi]
	for j, v := range s {
		S[j], C[j] = twoSum(S[j], C[j], v)
		s[j] = 0
	}
	if bk.n != nil {
		N, n, f := bk.p.N[lo:hi], bk.n[lo:hi], float64(bk.full[r])
		for j, v := range n {
			N[j] += f + v
			n[j] = 0
		}
	}
	bk.rows[r], bk.full[r] = 0, 0
}

// flushAll merges every pending sum; a nil bk does nothing.
func (bk *blocked) flushAll() {
	if bk == nil {
		return
	}
	for r, n := range bk.rows {
		if n > 0 {
			bk.flushRow(r)
		}
	}
}

// twoSum adds x to the compensated sum (s, c) with Knuth's branch-free
// TwoSum: the rounding error of s+x is exact in e.
func twoSum(s, c, x float64) (float64, float64) {
	t := s + x
	xv := t - s
	e := (s - (t - xv)) + (x - xv)
	return t, c + e
}
