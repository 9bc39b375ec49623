// Package linalg is chunked linear algebra on lazy arrays, with gonum for
// the blocks: matrix products and tensor contractions with a tree sum over
// the contracted axis, tall-and-skinny QR and the SVD built on it, least
// squares, and per-pixel polynomial fits along an axis.
//
// Every function returns a lazy *ndarray.Array whose recipe is a graph of
// registered ops, so it runs the same on every executor.
package linalg
