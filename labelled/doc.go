// Package labelled is tessera's labelled layer, after xarray: arrays and
// datasets whose dims have names and whose positions have labels, on top of
// lazy ndarray arrays.
//
// The data model is xarray's. A Variable is dimension names over a lazy
// *ndarray.Array, with attrs (what the values mean) kept apart from encoding
// (how they are stored). An Array (xarray's DataArray) is a Variable with a
// name and coordinates; a Dataset is named variables sharing coordinates and
// dim sizes. A Coord holds its labels in memory, in an Index, as xarray loads
// index coordinates: a dimension coordinate (named as its one dim) indexes
// that dim; a non-dimension coordinate (lat and lon on a station dim) rides
// along; a scalar coordinate is what selecting one label leaves behind.
// Float64Index, Int64Index and StringIndex are built in; the Index interface
// documents the contract another label type (CF time) implements.
//
// Selection is lazy and lowered to ndarray indexing: Isel by position (At,
// Range, Take) and Sel by label (Label, Labels, Slice, with Nearest, Pad or
// Backfill and a tolerance), with pandas' rules for inclusive slices on
// increasing and decreasing indexes. Arithmetic and comparisons (Add, Sub,
// Mul, Div, Pow, Equal, Less, …, Where) broadcast by dim name and align on
// indexes first (Align: JoinInner by default, JoinOuter, JoinExact).
// Reductions run over named dims with package reduce, skipping NaN for float
// data as xarray does (Array.Reduce, Mean, Sum, …). Transpose, Rename,
// ExpandDims, Squeeze, Concat and Merge reshape and combine; String prints
// what xarray's repr of a dask-backed array shows, without computing.
//
// Errors wrap the sentinels of this package (ErrNotFound, ErrNotMonotonic,
// ErrAlign, ErrMerge, ErrDim, …); a label that fails is a *LabelError
// naming the label and the dim, a dim that does not align an *AlignError.
// Like ndarray, an Array that could not be built carries its error through
// every later method, reported by Err and Compute.
//
// The package does no IO: opening datasets from Zarr, NetCDF and rasters
// builds on it.
package labelled
