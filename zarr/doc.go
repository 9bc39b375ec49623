// Package zarr reads and writes Zarr v2 and v3 stores: stores (directory,
// memory, zip, HTTP), array and group metadata, chunk IO through the codec
// pipeline, v3 sharding, consolidated metadata and xarray's conventions,
// and adapters between Zarr arrays and lazy ndarray.Arrays.
//
// Chunk writes are atomic (the directory store writes a temporary file and
// renames it), and a write that does not cover whole chunks is done
// read-modify-write under a per-chunk lock, so concurrent writers of
// different regions of one chunk never lose each other's data.
//
// Lazy reads (Array.Lazy) and stores (Array.Sink, ToZarr) are tasks of plain
// data: each carries an ArraySpec — the store's StoreSpec (URL and options
// such as WithFsync), the array's path, its metadata token and Options — so
// any process opens the store with the same options (OpenSpec). Each
// process keeps a bounded cache of the arrays its tasks opened, so metadata
// is read once per process rather than once per block. A MemoryStore is
// addressed as mem://… and works on the local executor; remote workers get
// ErrNotAddressable naming it. RegisterScheme adds URL schemes.
package zarr
