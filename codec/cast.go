package codec

import (
	"encoding/binary"
	"math"

	"github.com/tessera-array/tessera/ndarray"
)

// numpyDType parses a numcodecs dtype string ("<f8", "int16", "|u1"). Only
// little-endian and single-byte types are accepted: numcodecs filters work
// on native (little-endian) buffers.
func numpyDType(name, s string) (ndarray.DType, error) {
	d, order, err := ndarray.ParseTypestr(s)
	if err != nil {
		return 0, configErr(name, "dtype %q: %v", s, err)
	}
	if order == binary.BigEndian && d.Size() > 1 {
		return 0, configErr(name, "big-endian dtype %q is not supported in filters", s)
	}
	return d, nil
}

// castNumpy converts a like numpy's unsafe astype: float→int truncates toward
// zero. Out-of-range values follow pol (numpy itself wraps or is undefined).
func castNumpy(a *ndarray.Dense, dt ndarray.DType, pol ndarray.Overflow) (*ndarray.Dense, error) {
	if a.DType().IsFloat() && (dt.IsInt() || dt.IsBool()) {
		t, err := a.AsType(ndarray.Float64, ndarray.CastOptions{})
		if err != nil {
			return nil, err
		}
		v := ndarray.Values[float64](t)
		for i, x := range v {
			v[i] = math.Trunc(x)
		}
		a = t
	}
	return a.AsType(dt, ndarray.CastOptions{Overflow: pol})
}

// floatsOf returns a's elements as float64 (a copy).
func floatsOf(a *ndarray.Dense) []float64 {
	if a.DType() == ndarray.Float64 {
		return append([]float64(nil), ndarray.Values[float64](a)...)
	}
	if a.DType() == ndarray.Float32 {
		s := ndarray.Values[float32](a)
		out := make([]float64, len(s))
		for i, x := range s {
			out[i] = float64(x)
		}
		return out
	}
	return a.Float64s()
}

// denseFloats wraps v as a Float64 block of shape.
func denseFloats(v []float64, shape []int) *ndarray.Dense {
	d, err := ndarray.FromSlice(v, shape...)
	if err != nil {
		panic(err) // shape comes from a block of len(v) elements
	}
	return d
}

// roundTo32 rounds every value to float32 precision, for arithmetic that
// numpy does in float32.
func roundTo32(v []float64) {
	for i, x := range v {
		v[i] = float64(float32(x))
	}
}
