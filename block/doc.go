// Package block holds tessera's element types and in-memory dense blocks:
// the leaf that codecs, stores, rasters and the lazy arrays all share,
// importing nothing of ours but package chunk.
//
// A [DType] names an element type (numpy's names and typestrs, Zarr v3's
// data type names). A [Dense] is a shape and a C-order contiguous typed
// buffer. Its byte view ([Dense.Bytes]) is zero-copy and little-endian
// (tessera supports little-endian hosts only, which every platform Go
// targets in practice for this work is). [Values] views a block's buffer
// as its Go slice type. [CopyBox] copies a sub-box of one block into
// another and is the kernel every chunk assembly uses. [Dense.AsType] and
// [CastInto] convert with explicit rounding (nearest-even) and an
// [Overflow] policy; [ScaleOffset] packs and unpacks the CF/GDAL way.
// [Dense.MarshalBinary] is the wire and spill form of a block.
//
// Blocks can borrow their buffers from a [Pool] ([NewPooled]), as the
// local executor's buffer pool lends them, and give them back on
// [Dense.Recycle].
package block
