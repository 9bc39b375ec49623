// Package window computes moving-window and block aggregations over lazy
// chunked arrays: rolling reductions along an axis (window, centring,
// minimum periods) and coarsening by integer factors, without
// materialising copies of the windows.
//
// Every function returns a lazy *ndarray.Array whose recipe is a graph of
// registered ops, so it runs the same on every executor.
//
// # Rolling
//
// Rolling(a, axis, window, opts) is xarray's DataArray.rolling: a Roller
// whose methods (Sum, Mean, Min, Max, Var, Std, Median, Count, Prod, and
// Reduce for a function registered with RegisterFunc) give arrays of a's
// shape and chunks. Semantics are xarray's with bottleneck: NaN is
// skipped and counted against MinPeriods (default: the window), results are
// NaN where a window has fewer valid values, windows are clipped at the
// array's edges, Center labels a window at its middle.
//
// Each block is computed from itself plus a halo of max(before, after)
// elements along the axis, gathered from as many neighbouring blocks as
// that takes (ndarray.MapOverlap): any chunking works, chunks smaller than
// the window included, without a rechunk, and the task's memory is the
// block plus its halo. Inside a block every lane is one pass of a running
// kernel — a re-anchored running sum, Welford's running variance, a
// monotonic deque for min and max, a sorted window for the median, a
// two-stack product — so the cost per element does not grow with the
// window (except Median's inserts and custom functions, which see each
// window).
//
// # Coarsen
//
// Coarsen(a, factors, opts) is xarray's DataArray.coarsen: the named axes
// are cut into blocks of factor elements, each reduced to one element (Sum,
// Mean, Min, Max, Var, Std, Median, Count, Prod; NaN skipped as xarray's
// skipna default for floats). Lengths that are not multiples of the factor
// are refused, trimmed or padded with NaN at the end (BoundaryExact,
// BoundaryTrim, BoundaryPad: xarray's side="left"). Chunks that are not
// multiples of their factor are first rechunked to multiples, under the
// rechunk memory budget, so every output block is one task over one input
// block. Dtypes follow numpy: integer sums and products are exact int64
// (uint64), min and max keep the dtype, means and spreads are float64
// (float32 stays float32), counts are int64.
//
// # Errors
//
// Bad arguments are errors wrapping this package's sentinels (ErrWindow,
// ErrAxis, ErrFactor, ErrBoundary, ErrDType, ErrReduction, ErrUnknownFunc),
// carried by the Roller or Coarsener and by every array made from it, and
// naming the argument, axis and length. Task parameters decoded from the
// wire are checked again before a task runs (ErrParams).
package window
