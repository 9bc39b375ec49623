// Package codec turns chunks into stored bytes and back: the three Zarr v3
// codec kinds (array→array, array→bytes, bytes→bytes), a Pipeline that
// encodes forward and decodes in reverse, and a registry keyed by Zarr v3
// names and numcodecs ids that parses JSON configurations once into ready
// codec values.
//
// Every built-in codec is pure Go and byte-compatible with numcodecs 0.11
// (c-blosc 1.21): bytes→bytes zstd, gzip, zlib, lz4 (numcodecs framing), bz2
// (decode only), crc32c, shuffle and Blosc (blosclz, lz4, lz4hc, zlib, zstd;
// no-, byte- and bit-shuffle); array→array fixedscaleoffset, astype, delta,
// quantize, bitround, transpose, scale_offset and cast_value; array→bytes
// bytes (little or big endian).
//
// # Contracts
//
// Codec values are immutable after construction and safe for concurrent use
// by any number of goroutines. Bytes codecs are append-style: Encode and
// Decode append to dst and return the extended slice; they never retain src
// or dst.
//
// Decode's maxLen is the largest number of bytes the call may append to dst.
// A frame that declares or produces more is refused with ErrTooLarge before
// the memory is allocated (a decompression bomb is an error, never an
// allocation). Corrupt or truncated input is an error wrapping ErrCorrupt,
// never a panic. Every error returned by this package is a *Error naming the
// codec and wrapping one of the sentinels, so errors.Is and errors.As both
// work.
package codec
