package stats

import (
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

// CountNonzero is numpy's count_nonzero: the int64 number of elements
// that are not zero (not false; NaN counts, as it is not zero) over the
// axes of reduce.Axis (every axis without it), with reduce.KeepDims and
// reduce.SplitEvery as for any reduction. It is a fused reduction: the
// comparison and the sum run tile by tile, block by block. Errors on the
// returned array: reduce.ErrAxis, ErrHistDType for strings and times.
func CountNonzero(a *ndarray.Array, opts ...reduce.Option) *ndarray.Array {
	if a == nil {
		return ndarray.Errored(fmt.Errorf("stats.CountNonzero: %w: nil *Array", ndarray.ErrOperand))
	}
	if err := a.Err(); err != nil {
		return a
	}
	dt := a.DType()
	if !realDType(dt) && !dt.IsComplex() {
		return ndarray.Errored(fmt.Errorf("stats.CountNonzero: %w: %s", ErrHistDType, dt))
	}
	nz := a
	if dt != block.Bool {
		nz = ndarray.NotEqual(a, 0)
	}
	return reduce.Sum(nz, opts...)
}
