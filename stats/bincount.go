package stats

import (
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// ErrBincount reports a value Bincount cannot count: negative, or not
// below the length given. The error is a *BincountError naming it.
var ErrBincount = errors.New("stats: bincount value out of range")

// BincountError is the typed form of ErrBincount: the value at Index (its
// global position in the data) is negative or not below Length.
type BincountError struct {
	Index  []int
	Value  int64
	Length int
}

// Error names the value, where it is and why it does not count.
func (e *BincountError) Error() string {
	if e.Value < 0 {
		return fmt.Sprintf("%v: value %d at %v is negative (bincount counts non-negative integers)", ErrBincount, e.Value, e.Index)
	}
	return fmt.Sprintf("%v: value %d at %v is not below the length %d (pass a larger length)", ErrBincount, e.Value, e.Index, e.Length)
}

// Is makes errors.Is(err, ErrBincount) true.
func (e *BincountError) Is(target error) bool { return target == ErrBincount }

// BincountOption configures Bincount.
type BincountOption func(*bincountConfig)

type bincountConfig struct{ weights *ndarray.Array }

// BincountWeights sums w[i] into bin x[i] instead of counting one; w must
// have x's shape (it is rechunked to x's chunks). The result is float64,
// as numpy's.
func BincountWeights(w *ndarray.Array) BincountOption {
	return func(c *bincountConfig) { c.weights = w }
}

// Bincount is numpy's bincount of a one-dimensional array of non-negative
// integers (bool, int8 to int64, uint8 to uint32; numpy refuses floats
// and uint64 too): out[v] is the number of elements equal to v, lazily,
// as int64 (float64 sums with BincountWeights).
//
// The length of the result is given, not found from the data, so the
// result is lazy and one pass reads the data (dask's bincount asks for
// minlength for the same reason): numpy's output has length
// max(max(x)+1, minlength), which is length here when every value is
// below it. A value that is not — or a negative value — fails the
// computation with a *BincountError naming it and its index; compute
// reduce.Max(x) first when no bound is known. Each block is counted by
// one task folding its fused program, and the counts are summed in a
// tree, as Histogram.
//
// Errors on the returned array: ErrHistDType for data of another dtype,
// block.ErrShape for data that is not one-dimensional, ErrHistBins for a
// negative length (or one past 2^24), ErrHistWeights for weights of
// another shape.
func Bincount(x *ndarray.Array, length int, opts ...BincountOption) *ndarray.Array {
	const where = "stats.Bincount"
	var cfg bincountConfig
	for _, o := range opts {
		o(&cfg)
	}
	if x == nil {
		return ndarray.Errored(fmt.Errorf("%s: %w: nil *Array", where, ndarray.ErrOperand))
	}
	if err := x.Err(); err != nil {
		return x
	}
	switch x.DType() {
	case block.Bool, block.Int8, block.Int16, block.Int32, block.Int64, block.Uint8, block.Uint16, block.Uint32:
	default:
		return ndarray.Errored(fmt.Errorf("%s: %w: %s (bincount counts non-negative integers; convert with AsType)", where, ErrHistDType, x.DType()))
	}
	if x.Rank() != 1 {
		return ndarray.Errored(fmt.Errorf("%s: %w: data of rank %d, bincount takes one dimension", where, block.ErrShape, x.Rank()))
	}
	if length < 0 || length > maxBins {
		return ndarray.Errored(fmt.Errorf("%s: %w: length %d outside [0, %d]", where, ErrHistBins, length, maxBins))
	}
	w, err := alignWeights(where, x, cfg.weights)
	if err != nil {
		return ndarray.Errored(err)
	}
	spec := countSpec{Mode: modeBincount, Length: length}
	if w != nil {
		spec.Float = true // numpy's weighted bincount is float64
	}
	return countArray(where, spec, x, nil, w)
}
