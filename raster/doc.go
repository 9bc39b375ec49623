// Package raster reads and writes GDAL rasters (GeoTIFF, VRT, NetCDF
// subdatasets, /vsicurl/ URLs and every other format GDAL 3.6 opens) as lazy
// (band, y, x) ndarray.Arrays, through github.com/airbusgeo/godal.
//
// Open describes a raster: size, bands, dtype, block size, geotransform,
// bounds, CRS, nodata, scale/offset and metadata. Info.Lazy turns it into a
// lazy array chunked on multiples of the file's blocks whose read tasks are
// plain data (a path and a window), so any process that can open the path
// runs them. Write computes a lazy array in parallel and writes it to a
// tiled (optionally Cloud-Optimized) GeoTIFF through a single writer.
//
// # Concurrency and lifetimes
//
// A GDAL dataset handle is not safe for concurrent use, and objects derived
// from a dataset (bands, warped VRTs) must not outlive it. This package
// never exposes a handle: every read borrows a handle of its own from a
// process-wide pool (one handle per goroutine at any time), and every
// function that derives one dataset from another closes them in reverse
// order before it returns. All exported functions and methods are safe for
// concurrent use.
//
// # Errors
//
// GDAL's messages are captured per call and returned as Go errors (wrapping
// the sentinels of this package where one applies); nothing is printed to
// stderr. GDAL warnings are not errors. On first use the package installs
// GDAL's quiet handler as the process-wide default (GDAL's own prints to
// stderr), so GDAL calls made elsewhere in the process without a handler
// of their own stay quiet too.
//
// # GDAL 3.6 limits
//
// GDAL 3.6 has no Int64/UInt64 rasters (writing them is refused with
// ErrDType) and represents int8 as Byte with PIXELTYPE=SIGNEDBYTE; this
// package reads and writes such bands as ndarray.Int8 by reinterpreting the
// bytes (GDAL 3.6 silently ignores int8 buffers). Complex bands are refused.
package raster
