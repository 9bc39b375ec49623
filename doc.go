// Package tessera is the root of an embeddable Go library for out-of-core
// chunked n-dimensional arrays: lazy arrays and reductions (ndarray, reduce),
// task graphs and executors (cluster), Zarr and GeoTIFF IO (zarr, raster,
// vrt) and codecs (codec). The root package holds no code; import the
// packages. See README.md for a tour.
package tessera
