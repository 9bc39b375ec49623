// Package window computes moving-window and block aggregations over lazy
// chunked arrays: rolling reductions along an axis (window, centring,
// minimum periods) and coarsening by integer factors, without
// materialising copies of the windows.
//
// Every function returns a lazy *ndarray.Array whose recipe is a graph of
// registered ops, so it runs the same on every executor.
package window
