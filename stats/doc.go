// Package stats computes order statistics and counts over lazy chunked
// arrays: exact quantiles, percentiles and medians for any chunking in
// bounded memory, sorting, arg-sorting and top-k along an axis, and
// histograms, bincounts, digitizing, unique values and membership.
//
// Every function returns a lazy *ndarray.Array whose recipe is a graph of
// registered ops, so it runs the same on every executor; nothing is
// computed until the result is.
package stats
