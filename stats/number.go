package stats

// number is the real element types the kernels of this package accept
// (quantiles, sorting, histograms, bincount).
type number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}
