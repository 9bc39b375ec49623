package stats

import (
	"math"
	"slices"

	"github.com/tessera-array/tessera/ndarray"
)

// isinParams are the params of Isin's lookup tasks: the test values,
// sorted, without NaN.
type isinParams struct {
	Values []float64
	Invert bool `json:",omitempty"`
}

// IsinOption configures Isin.
type IsinOption func(*isinParams)

// IsinInvert makes Isin report the elements not in values (numpy's
// invert=True).
func IsinInvert() IsinOption { return func(p *isinParams) { p.Invert = true } }

// Isin is numpy's isin(a, values): a bool array of a's shape, true where
// the element equals one of values. NaN matches nothing (numpy 1.24:
// NaN == NaN is false), and values are compared as float64 (integers
// beyond 2^53 compare rounded). It is elementwise and fused (one task per
// block evaluates a's expression tile by tile, as Digitize); the sorted
// values travel in every task, so keep them to what fits in a
// task's params comfortably (a few million at most). Errors on the
// returned array: ErrHistDType for data that is not a real number.
func Isin(a *ndarray.Array, values []float64, opts ...IsinOption) *ndarray.Array {
	if err := checkData("stats.Isin", a); err != nil {
		return ndarray.Errored(err)
	}
	var p isinParams
	for _, v := range values {
		if !math.IsNaN(v) {
			p.Values = append(p.Values, v)
		}
	}
	slices.Sort(p.Values)
	p.Values = slices.Compact(p.Values)
	for _, o := range opts {
		o(&p)
	}
	if p.Values == nil {
		p.Values = []float64{}
	}
	return lookupArray(lookupSpec{Isin: &p}, a)
}
