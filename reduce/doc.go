// Package reduce computes reductions of lazy arrays: Sum, Prod, Mean, Min,
// Max, Var, Std, Count, ArgMin, ArgMax, Any, All and their NaN-skipping
// variants, over any set of axes, with keepdims and a tree combine.
//
// Each input block is reduced by one task that evaluates the block's fused
// elementwise expression tile by tile and folds every tile into a small
// partial result, through ndarray's fused-reduction hook ([ndarray.Folder],
// [ndarray.FusedBlock.Fold]; a uniform random block is generated and
// added in one pass through [ndarray.SumFolder]), so the elements of the
// input never exist as a block: the
// mean of a random array of any size runs in memory proportional to the
// number of tasks in flight, not to the data. Partials are merged in a tree
// (SplitEvery inputs per merge) and finalised into the result dtype numpy
// would give.
//
// Summation is accurate: within a tile eight interleaved accumulators each
// add at most [ndarray.TileElems]/8 values, and tile sums and partials are merged with
// Neumaier's compensated summation; variances merge (count, mean, M2) with
// Chan's formula. A sum or mean that keeps the last axis adds each value
// into its output element's float64 lane; for float32 and integer types of
// at most 32 bits the lanes take up to 64 values with plain additions
// (exact unless the values' magnitudes span more than 2^23) before each
// block sum is merged with compensation, and for float64 and 64-bit
// integers every value is added with compensation. Every path is at least
// as accurate as numpy's sum of the same data (pairwise, in float32 for
// float32), which the tests check on 10^7 cancelling values.
package reduce
