package codec

import (
	"encoding/binary"
	"math"

	"github.com/tessera-array/tessera/block"
)

// numpyDType parses a numcodecs dtype string ("<f8", "int16", "|u1"). Only
// little-endian and single-byte types are accepted: numcodecs filters work
// on native (little-endian) buffers.
func numpyDType(name, s string) (block.DType, error) {
	d, order, err := block.ParseTypestr(s)
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
func castNumpy(a *block.Dense, dt block.DType, pol block.Overflow) (*block.Dense, error) {
	if a.DType().IsFloat() && (dt.IsInt() || dt.IsBool()) {
		t, err := a.AsType(block.Float64, block.CastOptions{})
		if err != nil {
			return nil, err
		}
		v := block.Values[float64](t)
		for i, x := range v {
			v[i] = math.Trunc(x)
		}
		a = t
	}
	return a.AsType(dt, block.CastOptions{Overflow: pol})
}

// floatsOf returns a's elements as float64 (a copy).
func floatsOf(a *block.Dense) []float64 {
	if a.DType() == block.Float64 {
		return append([]float64(nil), block.Values[float64](a)...)
	}
	if a.DType() == block.Float32 {
		s := block.Values[float32](a)
		out := make([]float64, len(s))
		for i, x := range s {
			out[i] = float64(x)
		}
		return out
	}
	return a.Float64s()
}

// denseFloats wraps v as a Float64 block of shape.
func denseFloats(v []float64, shape []int) *block.Dense {
	d, err := block.FromSlice(v, shape...)
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
