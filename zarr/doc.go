// Package zarr reads and writes Zarr v2 and v3 stores: stores (directory,
// memory, zip, HTTP), array and group metadata, chunk IO through the codec
// pipeline, v3 sharding, consolidated metadata and xarray's conventions,
// and adapters between Zarr arrays and lazy ndarray.Arrays.
//
// Chunk writes are atomic (the directory store writes a temporary file and
// renames it), and a write that does not cover whole chunks is done
// read-modify-write under a per-chunk lock, so concurrent writers of
// different regions of one chunk never lose each other's data.
package zarr
