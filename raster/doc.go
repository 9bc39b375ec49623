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
// # Named dimensions
//
// OpenMultidim opens NetCDF (classic and NetCDF-4), HDF5, Zarr and any
// other GDAL multidimensional driver through GDAL's multidimensional C API
// (a small cgo layer of this package: godal does not wrap it) and
// describes one group as a Dataset: dimensions with their coordinate
// variables, variables with dims, dtype, raw typed attributes and lazy
// arrays of their raw values, read by MDReadOp tasks (path, variable,
// window) that any worker runs. Info.Dataset describes a raster in the
// rioxarray convention: band_data(band, y, x), pixel-centre x and y, a
// band coordinate and a spatial_ref grid-mapping variable. Both are
// neutral descriptions for the labelled package to wrap; nothing is
// CF-decoded here (times stay numbers with their units and calendar).
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
// # Memory
//
// GDAL keeps a block cache per process, by default about 5 % of the RAM
// (1.2 GB on a 24 GB machine), which no tessera budget would see. A read
// task run by an executor with a memory budget (cluster.LocalOptions.
// MemoryBudget, a remote worker's MemoryLimit) bounds that cache to
// budget/GDALCacheShare (1/16) before it reads, never raising a bound
// already lower (a smaller budget's, or GDAL_CACHEMAX), and reserves the
// bound in the executor's accounting (cluster.Memory.Reserve): the
// executor counts it as in use, so the cache and the blocks together stay
// within the budget. GDALCacheMax reports the bound in force. GDAL calls
// outside a budgeted executor's tasks (ReadInto, and Write, whose GDAL
// writes run in the caller) leave GDAL's setting as it is.
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
// package reads and writes such bands as block.Int8 by reinterpreting the
// bytes (GDAL 3.6 silently ignores int8 buffers). Complex bands are refused.
package raster
