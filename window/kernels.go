package window

import (
	"math"
	"slices"
	"sort"
)

// kernel holds one task's rolling parameters and scratch space; run
// computes one lane. Every reduction walks the lane once with a window
// [lo, hi) whose ends only move forward, adding and removing one value at
// a time, so a lane of n outputs costs O(n) (O(n·w) for Median's inserts
// in the worst case, and for a custom function, which sees each window).
type kernel struct {
	p    RollParams
	w    int
	fn   Func
	buf  []float64 // median's sorted window, prod's suffix products, custom's copy
	deq  []int     // min/max deque of positions
	run  func(x, y []float64, h0 int)
	nan  float64
	minp int
}

func newKernel(p RollParams, fn Func) *kernel {
	k := &kernel{p: p, w: p.Before + p.After + 1, fn: fn, nan: math.NaN(), minp: p.MinPeriods}
	switch p.Reduction {
	case Sum, Mean:
		k.run = k.sum
	case Var, Std:
		k.run = k.variance
	case Min, Max:
		k.run = k.extreme
	case Median:
		k.run = k.median
	case Count:
		k.run = k.count
	case Prod:
		k.run = k.prod
	case Custom:
		k.run = k.custom
	}
	return k
}

// bounds is the window of output j: inputs [lo, hi) of a lane of m.
func (k *kernel) bounds(j, h0, m int) (lo, hi int) {
	p := j + h0
	return max(0, p-k.p.Before), min(m, p+k.p.After+1)
}

func valid(v float64) bool { return v == v }

func (k *kernel) count(x, y []float64, h0 int) {
	lo, hi, n := 0, 0, 0
	for j := range y {
		l, h := k.bounds(j, h0, len(x))
		for ; hi < h; hi++ {
			if valid(x[hi]) {
				n++
			}
		}
		for ; lo < l; lo++ {
			if valid(x[lo]) {
				n--
			}
		}
		if n < k.minp {
			y[j] = k.nan
		} else {
			y[j] = float64(n)
		}
	}
}

// sum keeps the sum of the finite values, their count and the counts of
// +Inf and -Inf; every 2w steps the finite sum is recomputed from the
// window, so its rounding error is that of at most 2w additions and
// removals, whatever the lane's length. (v-v == 0 tells a finite v from
// NaN and the infinities in one comparison.)
func (k *kernel) sum(x, y []float64, h0 int) {
	var s float64
	lo, hi, n, pinf, ninf, steps := 0, 0, 0, 0, 0, 0
	before, after, m, w2 := k.p.Before, k.p.After, len(x), 2*k.w
	mean := k.p.Reduction == Mean
	for j := range y {
		p := j + h0
		l, h := max(0, p-before), min(m, p+after+1)
		for ; hi < h; hi++ {
			v := x[hi]
			if v-v == 0 {
				s += v
				n++
			} else if v == v {
				if v > 0 {
					pinf++
				} else {
					ninf++
				}
				n++
			}
			steps++
		}
		for ; lo < l; lo++ {
			v := x[lo]
			if v-v == 0 {
				s -= v
				n--
			} else if v == v {
				if v > 0 {
					pinf--
				} else {
					ninf--
				}
				n--
			}
			steps++
		}
		if steps >= w2 {
			s, steps = 0, 0
			for _, v := range x[lo:hi] {
				if v-v == 0 {
					s += v
				}
			}
		}
		switch {
		case n < k.minp || (pinf > 0 && ninf > 0):
			y[j] = k.nan
		case pinf > 0:
			y[j] = math.Inf(1)
		case ninf > 0:
			y[j] = math.Inf(-1)
		case mean:
			y[j] = s / float64(n)
		default:
			y[j] = s
		}
	}
}

// variance is Welford's running mean and sum of squared deviations with
// removal, re-anchored by a two-pass computation every w steps; a window
// holding an infinity is NaN, as numpy's var.
func (k *kernel) variance(x, y []float64, h0 int) {
	var mean, m2 float64
	lo, hi, n, inf, steps := 0, 0, 0, 0, 0
	add := func(v float64) {
		if !valid(v) {
			return
		}
		if math.IsInf(v, 0) {
			inf++
			return
		}
		n++
		d := v - mean
		mean += d / float64(n)
		m2 += d * (v - mean)
	}
	remove := func(v float64) {
		if !valid(v) {
			return
		}
		if math.IsInf(v, 0) {
			inf--
			return
		}
		n--
		if n == 0 {
			mean, m2 = 0, 0
			return
		}
		d := v - mean
		mean -= d / float64(n)
		m2 -= d * (v - mean)
	}
	for j := range y {
		l, h := k.bounds(j, h0, len(x))
		for ; hi < h; hi++ {
			add(x[hi])
			steps++
		}
		for ; lo < l; lo++ {
			remove(x[lo])
			steps++
		}
		if steps >= 2*k.w {
			steps = 0
			mean, m2 = twoPass(x[lo:hi])
		}
		dof := n - k.p.DDOF
		if n+inf < k.minp || inf > 0 || dof <= 0 {
			y[j] = k.nan
			continue
		}
		v := 0.0 // one value: no rounding residue of removals
		if n > 1 {
			v = max(m2, 0) / float64(dof)
		}
		if k.p.Reduction == Std {
			v = math.Sqrt(v)
		}
		y[j] = v
	}
}

// twoPass is the mean and sum of squared deviations of the finite values
// of w.
func twoPass(w []float64) (mean, m2 float64) {
	n := 0
	for _, v := range w {
		if valid(v) && !math.IsInf(v, 0) {
			mean += v
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	mean /= float64(n)
	for _, v := range w {
		if valid(v) && !math.IsInf(v, 0) {
			m2 += (v - mean) * (v - mean)
		}
	}
	return mean, m2
}

// extreme keeps a deque of positions whose values decrease (Max) or
// increase (Min) from front to back: the front is the window's extreme.
func (k *kernel) extreme(x, y []float64, h0 int) {
	isMax := k.p.Reduction == Max
	dq := k.deq[:0]
	head := 0
	lo, hi, n := 0, 0, 0
	for j := range y {
		l, h := k.bounds(j, h0, len(x))
		for ; hi < h; hi++ {
			v := x[hi]
			if !valid(v) {
				continue
			}
			n++
			for len(dq) > head {
				b := x[dq[len(dq)-1]]
				if (isMax && b > v) || (!isMax && b < v) {
					break
				}
				dq = dq[:len(dq)-1]
			}
			dq = append(dq, hi)
		}
		for ; lo < l; lo++ {
			if valid(x[lo]) {
				n--
			}
		}
		for head < len(dq) && dq[head] < lo {
			head++
		}
		if head > 0 && head == len(dq) {
			dq, head = dq[:0], 0
		}
		if n < k.minp || head == len(dq) {
			y[j] = k.nan
		} else {
			y[j] = x[dq[head]]
		}
	}
	k.deq = dq
}

// median keeps the window's valid values sorted.
func (k *kernel) median(x, y []float64, h0 int) {
	s := k.buf[:0]
	lo, hi := 0, 0
	for j := range y {
		l, h := k.bounds(j, h0, len(x))
		for ; hi < h; hi++ {
			if v := x[hi]; valid(v) {
				i := sort.SearchFloat64s(s, v)
				s = slices.Insert(s, i, v)
			}
		}
		for ; lo < l; lo++ {
			if v := x[lo]; valid(v) {
				i := sort.SearchFloat64s(s, v)
				s = slices.Delete(s, i, i+1)
			}
		}
		n := len(s)
		switch {
		case n < k.minp || n == 0:
			y[j] = k.nan
		case n%2 == 1:
			y[j] = s[n/2]
		default:
			y[j] = (s[n/2-1] + s[n/2]) / 2
		}
	}
	k.buf = s
}

// prod is a two-stack queue: positions [lo, mid) hold suffix products
// suf[i] = x[i]·…·x[mid-1], positions [mid, hi) a running product back;
// when lo passes mid the back is turned into suffix products.
func (k *kernel) prod(x, y []float64, h0 int) {
	if cap(k.buf) < len(x) {
		k.buf = make([]float64, len(x))
	}
	suf := k.buf[:len(x)]
	back := 1.0
	lo, hi, mid, n := 0, 0, 0, 0
	for j := range y {
		l, h := k.bounds(j, h0, len(x))
		for ; hi < h; hi++ {
			if v := x[hi]; valid(v) {
				back *= v
				n++
			}
		}
		for ; lo < l; lo++ {
			if valid(x[lo]) {
				n--
			}
		}
		if lo >= mid {
			acc := 1.0
			for i := hi - 1; i >= lo; i-- {
				if v := x[i]; valid(v) {
					acc *= v
				}
				suf[i] = acc
			}
			mid, back = hi, 1
		}
		if n < k.minp {
			y[j] = k.nan
			continue
		}
		f := 1.0
		if lo < mid {
			f = suf[lo]
		}
		y[j] = f * back
	}
}

// custom calls the registered function on a copy of each window.
func (k *kernel) custom(x, y []float64, h0 int) {
	lo, hi, n := 0, 0, 0
	for j := range y {
		l, h := k.bounds(j, h0, len(x))
		for ; hi < h; hi++ {
			if valid(x[hi]) {
				n++
			}
		}
		for ; lo < l; lo++ {
			if valid(x[lo]) {
				n--
			}
		}
		if n < k.minp {
			y[j] = k.nan
			continue
		}
		k.buf = append(k.buf[:0], x[lo:hi]...)
		y[j] = k.fn(k.buf)
	}
}
