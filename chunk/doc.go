// Package chunk is tessera's geometry: shapes, n-dimensional half-open
// boxes, chunk grids (regular or irregular per axis), the normalisation of
// dask-style chunk specifications, and the intersection of a box with a grid.
//
// Slicing, Zarr region IO and raster windows all rest on [Grid.Intersect]:
// given any box of the array it yields, for every chunk the box touches, the
// part of that chunk to read (in the chunk's own coordinates) and where it
// lands in the box (in the box's own coordinates).
//
// A grid costs memory in its rank, not its number of chunks: each axis is an
// [Axis] (a regular run, dask-style strided slices of one, concatenations
// of those, or an explicit list only where the user gave one) with O(1)
// accessors, and sizes are checked arithmetic (ErrShape on overflow).
//
// A [Spec] is what users write (dask's chunks=): [Auto], [Native],
// [Uniform], [PerAxis], [Explicit] or [ParseSpec] text. [Spec.Normalize]
// turns it into a Grid for one array, given the chunks of the source under
// it when there is one (a Zarr array's chunks, a raster's blocks). The zero
// Spec means [Auto] wherever tessera takes a Spec: auto chunks in whole
// multiples of the source's chunks, up to a byte target, as dask's
// normalize_chunks(previous_chunks=...) and xarray's
// open_zarr(chunks="auto") choose them.
//
// The package imports none of tessera's other packages. All values are
// immutable once built and safe for concurrent use.
package chunk
