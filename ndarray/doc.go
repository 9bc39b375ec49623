// Package ndarray holds tessera's element types, in-memory dense blocks and
// their kernels, and (built on package cluster) the lazy chunked Array.
//
// A [Dense] is a shape and a C-order contiguous typed buffer. Its byte view
// ([Dense.Bytes]) is zero-copy and little-endian (tessera supports
// little-endian hosts only, which every platform Go targets in practice for
// this work is). [CopyBox] copies a sub-box of one block into another and is
// the kernel every chunk assembly uses. [Dense.AsType] converts with
// explicit rounding (nearest-even) and an overflow policy.
package ndarray
