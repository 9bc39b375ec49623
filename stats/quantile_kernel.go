package stats

import (
	"math"
	"slices"
)

// qpick says how one quantile of a slice of n sorted values is formed
// from the order statistics lo and hi (0-based), after numpy 1.24's
// _quantile: discrete methods take sorted[lo]; continuous ones interpolate
// with numpy's _lerp and weight g; the median is numpy's mean of the one
// or two middle values.
type qpick struct {
	lo, hi int64
	g      float64
	kind   uint8
}

const (
	pickDiscrete uint8 = iota
	pickLerp
	pickMedian
)

// pyFloorMod is Python's float %: the result takes the divisor's sign.
func pyFloorMod(x, m float64) float64 {
	r := math.Mod(x, m)
	if r != 0 && (r < 0) != (m < 0) {
		r += m
	}
	return r
}

// discreteBoundary is numpy's _discret_interpolation_to_boundaries.
func discreteBoundary(index float64, cond func(gamma, index float64) bool) int64 {
	prev := math.Floor(index)
	gamma := index - prev
	res := prev + 1
	if cond(gamma, index) {
		res = prev
	}
	if res < 0 {
		res = 0
	}
	return int64(res)
}

// planPick computes the order statistics that quantile q of n > 0 values
// needs under method m, exactly as numpy 1.24 computes them (the same
// float64 expressions in the same order).
func planPick(m QuantileMethod, n int64, q float64) qpick {
	fn := float64(n)
	switch m {
	case methodMedian:
		return qpick{lo: (n - 1) / 2, hi: n / 2, kind: pickMedian}
	case Lower:
		i := int64(math.Floor((fn - 1) * q))
		return qpick{lo: i, hi: i}
	case Higher:
		i := int64(math.Ceil((fn - 1) * q))
		return qpick{lo: i, hi: i}
	case Nearest:
		i := int64(math.RoundToEven((fn - 1) * q))
		return qpick{lo: i, hi: i}
	case InvertedCDF:
		i := discreteBoundary(fn*q-1, func(g, _ float64) bool { return g == 0 })
		return qpick{lo: i, hi: i}
	case ClosestObservation:
		i := discreteBoundary(fn*q-1-0.5, func(g, idx float64) bool {
			return g == 0 && pyFloorMod(math.Floor(idx), 2) == 0
		})
		return qpick{lo: i, hi: i}
	}
	var vi float64
	switch m {
	case Linear:
		vi = (fn - 1) * q
	case Midpoint:
		x := (fn - 1) * q
		vi = 0.5 * (math.Floor(x) + math.Ceil(x))
	case AveragedInvertedCDF:
		vi = fn*q - 1
	default:
		a, b := m.alphaBeta()
		vi = fn*q + (a + q*(1-a-b)) - 1
	}
	// numpy's _get_indexes, with the index it substitutes (-1: the last)
	// kept for the weight, as _get_gamma computes it.
	prev := math.Floor(vi)
	lo, hi := int64(prev), int64(prev)+1
	prevForGamma := prev
	if vi >= fn-1 {
		lo, hi, prevForGamma = n-1, n-1, -1
	}
	if vi < 0 {
		lo, hi, prevForGamma = 0, 0, 0
	}
	g := vi - prevForGamma
	switch m {
	case Midpoint:
		g = 0.5
		if pyFloorMod(vi, 1) == 0 {
			g = 0
		}
	case AveragedInvertedCDF:
		if g == 0 {
			g = 0.5
		} else {
			g = 1
		}
	}
	return qpick{lo: lo, hi: hi, g: g, kind: pickLerp}
}

// lerpOf is numpy's _lerp(a, b, t) for values of type T: the difference
// is taken in T (as numpy subtracts the arrays), the rest in float64.
func lerpOf[T number](a, b T, t float64) float64 {
	d := float64(b - a)
	if t >= 0.5 {
		return float64(b) - d*(1-t)
	}
	return float64(a) + d*t
}

// medianOf is numpy's mean of the middle values: in T for float32 and
// float64, in float64 for integers.
func medianOf[T number](a, b T, same bool) float64 {
	if same {
		return float64(a)
	}
	switch any(a).(type) {
	case float32:
		return float64((a + b) / 2)
	case float64:
		return float64((a + b) / 2)
	}
	return (float64(a) + float64(b)) / 2
}

func isNaN[T number](v T) bool { return v != v }

// selectK moves the k-th smallest of x (0 <= k < len(x)) to x[k], with the
// smaller values before it and the larger after (nth_element): an
// introselect with Hoare partitions while the range is long (they split
// runs of equal values evenly), finished by selectSmall; past 2·log2(n)
// rounds it falls back to a sort. x holds no NaN.
func selectK[T number](x []T, k int) {
	lo, hi := 0, len(x)-1
	depth := 2 * (bitsLen(len(x)) + 1)
	for hi > lo {
		if hi-lo < smallSelect {
			selectSmall(x[lo:hi+1], k-lo)
			return
		}
		if depth == 0 {
			slices.Sort(x[lo : hi+1])
			return
		}
		depth--
		mid := lo + (hi-lo)/2
		// median of three to x[mid]
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		p := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < p {
				i++
			}
			for p < x[j] {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// smallSelect is the range length below which selectK hands over to
// selectSmall: a per-pixel time series (tens to a few hundred values)
// is selected entirely by it.
const smallSelect = 256

// selectSmall is selectK for short x: quickselect with a median-of-three
// pivot and a branchless cyclic Lomuto partition (the comparison only
// advances an index, so random data costs no mispredicted branches),
// insertion sort below 8 values, and a sort past 16 rounds (runs of
// equal values shrink a Lomuto range by one a round).
func selectSmall[T number](x []T, k int) {
	lo, hi := 0, len(x)-1
	depth := 16
	for hi-lo >= 8 {
		if depth == 0 {
			slices.Sort(x[lo : hi+1])
			return
		}
		depth--
		mid := lo + (hi-lo)/2
		a, b, c := x[lo], x[mid], x[hi]
		if b < a {
			a, b = b, a
		}
		if c < b {
			b, c = c, b
			if b < a {
				a, b = b, a
			}
		}
		// the pivot b waits at x[hi] while x[lo:hi] is partitioned
		x[lo], x[mid], x[hi] = a, c, b
		i := lo + partitionLess(x[lo:hi], b)
		x[i], x[hi] = x[hi], x[i]
		switch {
		case k < i:
			hi = i - 1
		case k > i:
			lo = i + 1
		default:
			return
		}
	}
	for i := lo + 1; i <= hi; i++ {
		v := x[i]
		j := i
		for j > lo && v < x[j-1] {
			x[j] = x[j-1]
			j--
		}
		x[j] = v
	}
}

// partitionLess moves the values of s (len(s) >= 1) below p to its front
// and returns how many there are. It carries a gap through s (the value
// first taken out of s[0] goes back last), so each step is two loads, two
// stores and a flag add with no branch on the data.
func partitionLess[T number](s []T, p T) int {
	tmp := s[0]
	gap, lt := 0, 0
	for r := 1; r < len(s); r++ {
		v := s[r]
		s[gap] = s[lt]
		s[lt] = v
		gap = r
		lt += b2i(v < p)
	}
	s[gap] = s[lt]
	s[lt] = tmp
	return lt + b2i(tmp < p)
}

// b2i is 1 for true; the compiler makes it a SETcc.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func bitsLen(n int) int {
	b := 0
	for n > 0 {
		b++
		n >>= 1
	}
	return b
}

// orderStats fills vals[i] with the idx[i]-th smallest of x (idx sorted
// ascending, each < len(x)), partitioning x in place.
func orderStats[T number](x []T, idx []int64, vals []T) {
	start := 0
	for i, k := range idx {
		if i > 0 && k == idx[i-1] {
			vals[i] = vals[i-1]
			continue
		}
		kk := int(k) - start
		if kk == 0 {
			// the smallest of the rest: one scan
			m := start
			for j := start + 1; j < len(x); j++ {
				if x[j] < x[m] {
					m = j
				}
			}
			x[start], x[m] = x[m], x[start]
		} else {
			selectK(x[start:], kk)
		}
		vals[i] = x[k]
		start = int(k) + 1
	}
}

// keyOf is the order-preserving unsigned key of v in the low bits of its
// width: float bits with the sign flipped (all bits for negatives), signed
// integers with the sign bit flipped, unsigned as they are.
func keyOf[T number](v T) uint64 {
	switch x := any(v).(type) {
	case float64:
		b := math.Float64bits(x)
		if b>>63 == 1 {
			return ^b
		}
		return b | 1<<63
	case float32:
		b := math.Float32bits(x)
		if b>>31 == 1 {
			return uint64(^b)
		}
		return uint64(b | 1<<31)
	case int8:
		return uint64(uint8(x) ^ 0x80)
	case int16:
		return uint64(uint16(x) ^ 0x8000)
	case int32:
		return uint64(uint32(x) ^ 0x80000000)
	case int64:
		return uint64(x) ^ 1<<63
	case uint8:
		return uint64(x)
	case uint16:
		return uint64(x)
	case uint32:
		return uint64(x)
	case uint64:
		return x
	}
	return 0
}

// valueOf inverts keyOf.
func valueOf[T number](k uint64) T {
	var z T
	switch any(z).(type) {
	case float64:
		if k>>63 == 1 {
			return any(math.Float64frombits(k &^ (1 << 63))).(T)
		}
		return any(math.Float64frombits(^k)).(T)
	case float32:
		b := uint32(k)
		if b>>31 == 1 {
			return any(math.Float32frombits(b &^ (1 << 31))).(T)
		}
		return any(math.Float32frombits(^b)).(T)
	case int8:
		return any(int8(uint8(k) ^ 0x80)).(T)
	case int16:
		return any(int16(uint16(k) ^ 0x8000)).(T)
	case int32:
		return any(int32(uint32(k) ^ 0x80000000)).(T)
	case int64:
		return any(int64(k ^ 1<<63)).(T)
	}
	return T(k)
}
