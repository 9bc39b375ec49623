package child

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// WriteFloat64s writes v to path as little-endian float64, the form in which
// a benchmark's two sides hand their answers back for comparison (numpy
// writes it with v.astype("<f8").tofile(path)).
func WriteFloat64s(path string, v []float64) error {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return os.WriteFile(path, b, 0o644)
}

// ReadFloat64s reads a file written by WriteFloat64s (or numpy's tofile of
// "<f8"); a size that is not a whole number of float64 is an error.
func ReadFloat64s(path string) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("%s: %d bytes is not a whole number of float64", path, len(b))
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out, nil
}

// MaxAbsDiff is the largest |a[i] - b[i]| between two float64 result files
// of equal, non-zero length. NaN equals NaN; NaN against a number gives
// +Inf, so a disagreement on where values are missing cannot pass a
// tolerance.
func MaxAbsDiff(a, b string) (float64, error) {
	x, err := ReadFloat64s(a)
	if err != nil {
		return 0, err
	}
	y, err := ReadFloat64s(b)
	if err != nil {
		return 0, err
	}
	if len(x) != len(y) || len(x) == 0 {
		return 0, fmt.Errorf("%d values in %s, %d in %s", len(x), a, len(y), b)
	}
	var d float64
	for i := range x {
		switch {
		case math.IsNaN(x[i]) && math.IsNaN(y[i]):
		case math.IsNaN(x[i]) || math.IsNaN(y[i]):
			return math.Inf(1), nil
		default:
			d = max(d, math.Abs(x[i]-y[i]))
		}
	}
	return d, nil
}
