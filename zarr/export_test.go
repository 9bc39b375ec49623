package zarr

// MaxCachedArrays is the bound of the tasks' cache of open arrays, for the
// tests of eviction.
const MaxCachedArrays = maxCachedArrays
