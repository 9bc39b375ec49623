package stats

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// ErrDigitizeBins reports Digitize bins that are neither non-decreasing
// nor non-increasing, or hold NaN.
var ErrDigitizeBins = errors.New("stats: digitize bins must be monotonically increasing or decreasing")

// digitizeParams are the params of the "stats.digitize" block function.
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
// It is elementwise: one task per block of a, which reads the block a's
// recipe makes and binary-searches the bins (they travel in the task).
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
	return ndarray.MapBlocks("stats.digitize", []*ndarray.Array{a}, block.Int64, nil, p)
}

func digitizeBlock(ctx context.Context, in []*block.Dense, p digitizeParams, _ ndarray.BlockInfo) (*block.Dense, error) {
	dir, err := p.direction()
	if err != nil {
		return nil, err
	}
	if len(in) != 1 {
		return nil, fmt.Errorf("stats.digitize: %d inputs", len(in))
	}
	x := in[0]
	out, err := ndarray.Alloc(ctx, block.Int64, x.Shape()...)
	if err != nil {
		return nil, err
	}
	v := out.Data().([]int64)
	bins := p.Bins
	if dir < 0 {
		bins = make([]float64, len(p.Bins))
		for i, b := range p.Bins {
			bins[len(bins)-1-i] = b
		}
	}
	// numpy: side = "left" if right else "right".
	for i := range v {
		f := x.Float64(i)
		k := searchsorted(bins, f, !p.Right)
		if dir < 0 {
			k = len(bins) - k
		}
		v[i] = int64(k)
	}
	return out, nil
}

func init() {
	ndarray.RegisterBlockFunc("stats.digitize", digitizeBlock)
}
