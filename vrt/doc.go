// Package vrt builds GDAL virtual rasters: mosaics and band stacks written
// natively as GDAL-compatible .vrt XML with gdalbuildvrt's semantics
// (Build), and reprojected or resampled rasters as warped VRTs made by GDAL
// (Warp). A VRT is a raster like any other: raster.Open describes it and
// Info.Lazy reads it lazily, each read task opening the VRT (and through it
// its sources) on its own handle.
//
// Parse reads the subset of the VRT format that Build writes (and that
// gdalbuildvrt writes), for tools that list a mosaic's sources.
//
// # Lifetimes
//
// No function of this package returns a GDAL handle. Warp opens its source,
// derives the warped VRT, and closes the derived dataset before the source
// (GDAL 3.6 crashes when a warped VRT outlives its source). The files
// written reference their sources by path, so they stay valid as long as
// the sources stay where they were.
package vrt
