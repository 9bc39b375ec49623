// Package block holds tessera's element types and in-memory dense blocks:
// the leaf that codecs, stores, rasters and the lazy arrays all share,
// importing nothing of ours but package chunk.
//
// A [DType] names an element type (numpy's names and typestrs, Zarr v3's
// data type names). A [Dense] is a shape and a C-order contiguous typed
// buffer. Its byte view ([Dense.Bytes]) is zero-copy and little-endian
// (tessera supports little-endian hosts only, which every platform Go
// targets in practice for this work is).
//
// Go code that knows its element type works with blocks through generics,
// no type switches: [Make] allocates a block of T, [Values] and [As] view
// its buffer as a []T (As reports ErrDTypeMismatch where Values panics),
// [Get] and [Set] read and write at an n-d index, and [Dense.Row] and
// [Dense.View] are zero-copy views of a row or a contiguous sub-block.
// These check a block's Go storage type, never that it is a number, so
// they serve dtypes whose elements are not numbers as well. Kernels that
// hold a buffer as an any use [MakeSlice], [Wrap], [CastSlice],
// [FillSlice], [SliceFloat64] and [SliceDType]; inside, one table of
// generic kernels keyed by DType serves every dtype.
// [CopyBox] copies a sub-box of one block into
// another and is the kernel every chunk assembly uses. [Dense.AsType] and
// [CastInto] convert with explicit rounding (nearest-even) and an
// [Overflow] policy; [ScaleOffset] packs and unpacks the CF/GDAL way.
// [Dense.MarshalBinary] is the wire and spill form of a block.
//
// Blocks can borrow their buffers from a [Pool] ([NewPooled]), as the
// local executor's buffer pool lends them, and give them back on
// [Dense.Recycle].
package block
