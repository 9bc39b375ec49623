// Package tessera is the root of an embeddable Go library for out-of-core
// chunked n-dimensional arrays: element types and dense blocks (block),
// lazy arrays and reductions (ndarray, reduce), task graphs and executors
// (cluster), Zarr and GeoTIFF IO (zarr, raster, vrt) and codecs (codec).
// The root package holds no code; import the packages. docs/packages.md
// says what each package is for and which it may import (a test enforces
// it); README.md gives a tour.
package tessera
