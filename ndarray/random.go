package ndarray

import (
	"math"
	"math/bits"
)

// Counter-based random numbers: the value at global element index i depends
// only on (seed, i), never on chunking, tile order or worker count. The
// generator is wyrand's output function applied to a Weyl sequence
// (state_i = key + i*wyP0), which is exactly wyrand run to position i, so it
// keeps wyrand's statistical quality while allowing random access.
const (
	wyP0 = 0xa0761d6478bd642f
	wyP1 = 0xe7037ed1a0b428db
)

// streamKey derives a stream key from a user seed and a distribution tag so
// that, for example, uniform and normal arrays of one seed are independent.
func streamKey(seed uint64, tag uint64) uint64 {
	z := seed ^ (tag * 0x9e3779b97f4a7c15)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func wymix(s uint64) uint64 {
	hi, lo := bits.Mul64(s, s^wyP1)
	return hi ^ lo
}

// uniformAt is the uniform [0, 1) value at index i: 53 random bits.
func uniformAt(key, i uint64) float64 {
	return float64(int64(wymix(key+i*wyP0)>>11)) * 0x1p-53
}

// fillUniform writes uniform [0,1) values for indices start, start+1, ...
func fillUniform(dst []float64, key, start uint64) {
	s := key + start*wyP0
	for j := range dst {
		hi, lo := bits.Mul64(s, s^wyP1)
		dst[j] = float64(int64((hi^lo)>>11)) * 0x1p-53
		s += wyP0
	}
}

// normalAt is a standard normal value at index i, by the Box-Muller
// transform of two uniforms drawn from the index pair (2i, 2i+1).
func normalAt(key, i uint64) float64 {
	u1 := float64(int64(wymix(key+(2*i)*wyP0)>>11))*0x1p-53 + 0x1p-54 // (0, 1)
	u2 := float64(int64(wymix(key+(2*i+1)*wyP0)>>11)) * 0x1p-53
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

func fillNormal(dst []float64, key, start uint64) {
	for j := range dst {
		dst[j] = normalAt(key, start+uint64(j))
	}
}

// sumUniform adds the uniform values at indices start .. start+n-1 in one
// pass, without storing them: four interleaved streams keep the multiplier
// busy while the adds of earlier values complete. The sum is exact to the
// accuracy of four float64 accumulators over n values (callers keep n at a
// tile's size and combine tile sums with compensation).
func sumUniform(key, start uint64, n int) float64 {
	s := key + start*wyP0
	var a0, a1, a2, a3 float64
	j := 0
	for ; j+4 <= n; j += 4 {
		h0, l0 := bits.Mul64(s, s^wyP1)
		s1 := s + wyP0
		h1, l1 := bits.Mul64(s1, s1^wyP1)
		s2 := s1 + wyP0
		h2, l2 := bits.Mul64(s2, s2^wyP1)
		s3 := s2 + wyP0
		h3, l3 := bits.Mul64(s3, s3^wyP1)
		a0 += float64(int64((h0 ^ l0) >> 11))
		a1 += float64(int64((h1 ^ l1) >> 11))
		a2 += float64(int64((h2 ^ l2) >> 11))
		a3 += float64(int64((h3 ^ l3) >> 11))
		s = s3 + wyP0
	}
	for ; j < n; j++ {
		hi, lo := bits.Mul64(s, s^wyP1)
		a0 += float64(int64((hi ^ lo) >> 11))
		s += wyP0
	}
	// Each value is an integer times 2^-53; scaling the sum once is exact.
	return ((a0 + a1) + (a2 + a3)) * 0x1p-53
}
