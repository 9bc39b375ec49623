// Package ndarray is tessera's lazy chunked Array, built on package cluster's
// task graphs, with the dense blocks of package block as its values.
//
// Lazy arrays ([Array]) cover dask.array's everyday operations. Elementwise
// expressions fuse into one task per block; operands chunked differently
// are unified by rechunking the ones that hold stored blocks. numpy's
// ufuncs (arithmetic, comparisons, logical and bitwise ops, shifts,
// mod/floor_divide, trigonometric and hyperbolic functions, fmin/fmax,
// nan_to_num) have method forms, so expressions chain:
// qa.RightShift(3).And(1).Equal(1). [Diff] and [Gradient] difference along
// an axis across chunk boundaries. Indexing
// ([Array.Index] with [Sl], [At], [List], [NewAxis], [Ellipsis]; [Array.Take],
// [Array.Transpose], [Array.Squeeze], [Array.ExpandDims], [Array.Pad]) is one
// registered gather op per output block; [Array.Rechunk] and [Concatenate]
// assemble blocks from boxes of their sources, rechunk through a plan whose
// memory per task is checked before anything runs ([PlanRechunk]);
// [Array.Reshape] follows dask's rules for which chunks must merge. User
// code runs per block through functions registered by name
// ([RegisterBlockFunc] with typed parameters, or [RegisterFunc]; then
// [MapBlocks], and [MapOverlap] for focal operations with halos and
// boundary modes).
//
// Results: [Compute] and [Array.Compute] give dense blocks;
// [Array.Float64], [Array.Int64] and [Scalar] give the one element of a
// full reduction in one call; [Store] writes through a [Sink]. An array
// that could not be built carries its error: every method returns a zero
// value or that error, never panics, and Compute returns it ([Array.Err]
// reports it early). An array prints like dask's repr ([Array.String],
// and %#v for one line), with a task count derived from its layers
// ([Array.Tasks]) in O(layers).
//
// Planning costs O(rank), not O(chunks): grids are per-axis [chunk.Axis]
// values, indexing, padding and halos map positions symbolically, and a
// block's task is planned from the source blocks it touches, so a graph of
// 10^9 tasks can be described, and a small slice of it computed, without
// building the rest. A [Builder] refuses a graph past [DefaultMaxTasks]
// with [ErrTooManyTasks] (checked up front by Compute, Store, Persist and
// reductions); Compute refuses a result over [block.MaxBlockBytes] with
// [ErrTooLarge].
package ndarray
