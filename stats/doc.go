// Package stats computes order statistics and counts over lazy chunked
// arrays: exact quantiles, percentiles and medians for any chunking in
// bounded memory, sorting, arg-sorting and top-k along an axis, and
// histograms, bincounts, digitizing, unique values and membership.
//
// Quantiles are exact for any chunking: when a slice fits the budget
// ([QuantileMemory]) the reduced axes are rechunked whole and each block is
// reduced by selection; otherwise a radix selection over the values'
// order-preserving keys takes one pass per byte of the dtype (8 for
// float64, 4 for float32), never holding a slice.
//
// Counting functions ([Histogram], [Histogram2D], [Bincount],
// [CountNonzero]) fold each block's fused expression tile by tile into
// small partial counts summed in a tree, so memory depends on the bins, not
// the data. [Digitize] and [Isin] are fused elementwise lookups. [Unique]
// is a blocking call whose memory is bounded by the number of distinct
// values ([MaxUnique]).
//
// Every function returns a lazy *ndarray.Array whose recipe is a graph of
// registered ops, so it runs the same on every executor; nothing is
// computed until the result is.
package stats
