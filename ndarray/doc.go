// Package ndarray holds tessera's element types, in-memory dense blocks and
// their kernels, and (built on package cluster) the lazy chunked Array.
//
// A [Dense] is a shape and a C-order contiguous typed buffer. Its byte view
// ([Dense.Bytes]) is zero-copy and little-endian (tessera supports
// little-endian hosts only, which every platform Go targets in practice for
// this work is). [CopyBox] copies a sub-box of one block into another and is
// the kernel every chunk assembly uses. [Dense.AsType] converts with
// explicit rounding (nearest-even) and an overflow policy.
//
// Lazy arrays ([Array]) cover dask.array's everyday operations. Elementwise
// expressions fuse into one task per block; operands chunked differently
// are unified by rechunking the ones that hold stored blocks. Indexing
// ([Array.Index] with [Sl], [At], [List], [NewAxis], [Ellipsis]; [Array.Take],
// [Array.Transpose], [Array.Squeeze], [Array.ExpandDims], [Array.Pad]) is one
// registered gather op per output block; [Array.Rechunk] and [Concatenate]
// assemble blocks from boxes of their sources, rechunk through a plan whose
// memory per task is checked before anything runs ([PlanRechunk]);
// [Array.Reshape] follows dask's rules for which chunks must merge. User
// code runs per block through functions registered by name
// ([RegisterFunc], [MapBlocks], and [MapOverlap] for focal operations with
// halos and boundary modes).
//
// Planning costs O(rank), not O(chunks): grids are per-axis [chunk.Axis]
// values, indexing, padding and halos map positions symbolically, and a
// block's task is planned from the source blocks it touches, so a graph of
// 10^9 tasks can be described, and a small slice of it computed, without
// building the rest. A [Builder] refuses a graph past [DefaultMaxTasks]
// with [ErrTooManyTasks] (checked up front by Compute, Store, Persist and
// reductions); Compute refuses a result over [MaxBlockBytes] with
// [ErrTooLarge].
package ndarray
