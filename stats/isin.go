package stats

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// isinParams are the params of the "stats.isin" block function: the
// test values, sorted, without NaN.
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
// beyond 2^53 compare rounded). It is elementwise, one task per block;
// the sorted values travel in every task, so keep them to what fits in a
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
	return ndarray.MapBlocks("stats.isin", []*ndarray.Array{a}, block.Bool, nil, p)
}

func isinBlock(ctx context.Context, in []*block.Dense, p isinParams, _ ndarray.BlockInfo) (*block.Dense, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("stats.isin: %d inputs", len(in))
	}
	if !slices.IsSorted(p.Values) {
		return nil, fmt.Errorf("stats.isin: %w: values not sorted", ErrCountOp)
	}
	x := in[0]
	out, err := ndarray.Alloc(ctx, block.Bool, x.Shape()...)
	if err != nil {
		return nil, err
	}
	v := out.Data().([]bool)
	for i := range v {
		_, found := slices.BinarySearch(p.Values, x.Float64(i))
		v[i] = found != p.Invert
	}
	return out, nil
}

func init() {
	ndarray.RegisterBlockFunc("stats.isin", isinBlock)
}
