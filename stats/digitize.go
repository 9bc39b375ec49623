package stats

import (
	"errors"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/ndarray"
)

// ErrDigitizeBins reports Digitize bins that are neither non-decreasing
// nor non-increasing, or hold NaN.
var ErrDigitizeBins = errors.New("stats: digitize bins must be monotonically increasing or decreasing")

// digitizeParams are the params of Digitize's lookup tasks.
type digitizeParams struct {
	Bins  []float64
	Right bool
}

func (p *digitizeParams) direction() (int, error) {
	inc, dec := true, true
	for i, b := range p.Bins {
		if math.IsNaN(b) {
			return 0, fmt.Errorf("%w: bin %d is NaN", ErrDigitizeBins, i)
		}
		if i > 0 {
			inc = inc && b >= p.Bins[i-1]
			dec = dec && b <= p.Bins[i-1]
		}
	}
	switch {
	case inc:
		return 1, nil
	case dec:
		return -1, nil
	}
	return 0, fmt.Errorf("%w: %v", ErrDigitizeBins, p.Bins)
}

// searchsorted is numpy's searchsorted on increasing bins: the first i with
// bins[i] > x (right) or bins[i] >= x (left); NaN sorts after everything.
func searchsorted(bins []float64, x float64, right bool) int {
	if math.IsNaN(x) {
		return len(bins)
	}
	lo, hi := 0, len(bins)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if bins[m] < x || (right && bins[m] == x) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Digitize is numpy's digitize: for each element x of a, the int64 index
// of the bin it falls in. For increasing bins it is i with
// bins[i-1] <= x < bins[i] (bins[i-1] < x <= bins[i] when right), 0 below
// the first bin and len(bins) above the last; decreasing bins count from
// the other end, as numpy. NaN gives len(bins) for increasing bins and 0
// for decreasing ones (numpy sorts NaN last). Values are compared as
// float64, so integers beyond 2^53 compare rounded.
//
// It is elementwise and fused: one task per block of a evaluates a's
// fused expression tile by tile and binary-searches the bins (they travel
// in the task), so a's block is never materialised.
// Errors on the returned array: ErrDigitizeBins, ErrHistDType for data
// that is not a real number.
func Digitize(a *ndarray.Array, bins []float64, right bool) *ndarray.Array {
	const where = "stats.Digitize"
	if err := checkData(where, a); err != nil {
		return ndarray.Errored(err)
	}
	p := digitizeParams{Bins: append([]float64{}, bins...), Right: right}
	if _, err := p.direction(); err != nil {
		return ndarray.Errored(fmt.Errorf("%s: %w", where, err))
	}
	return lookupArray(lookupSpec{Digitize: &p}, a)
}
