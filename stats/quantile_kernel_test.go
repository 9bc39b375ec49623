package stats

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkSelect runs selectK(x, k) on a copy of x and checks the
// nth_element contract against a sorted copy.
func checkSelect[T number](t *testing.T, x []T, k int) {
	t.Helper()
	got := slices.Clone(x)
	want := slices.Clone(x)
	slices.Sort(want)
	selectK(got, k)
	require.Equal(t, want[k], got[k], "n=%d k=%d", len(x), k)
	for i := range k {
		require.LessOrEqual(t, got[i], got[k], "n=%d k=%d: x[%d] left of k", len(x), k, i)
	}
	for i := k + 1; i < len(x); i++ {
		require.GreaterOrEqual(t, got[i], got[k], "n=%d k=%d: x[%d] right of k", len(x), k, i)
	}
	slices.Sort(got)
	assert.Equal(t, want, got, "selectK must permute x")
}

// TestSelectK covers the small (Lomuto) and long (Hoare) ranges, every k
// of short slices, runs of equal values (which exhaust the Lomuto depth),
// sorted and reversed input, and integer and float types.
func TestSelectK(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for n := 1; n <= 70; n++ {
		x := make([]float32, n)
		for i := range x {
			x[i] = r.Float32()
		}
		for k := range n {
			checkSelect(t, x, k)
		}
	}
	sizes := []int{64, 100, 255, 256, 257, 1000, 5000}
	for _, n := range sizes {
		k := r.IntN(n)
		f := make([]float64, n)
		i8 := make([]int8, n)
		u16 := make([]uint16, n)
		two := make([]float32, n)
		same := make([]int32, n)
		asc := make([]int64, n)
		desc := make([]uint8, n)
		for i := range n {
			f[i] = r.NormFloat64()
			i8[i] = int8(r.IntN(256) - 128)
			u16[i] = uint16(r.IntN(5))
			two[i] = float32(r.IntN(2))
			same[i] = 3
			asc[i] = int64(i)
			desc[i] = uint8(n - i)
		}
		checkSelect(t, f, k)
		checkSelect(t, i8, k)
		checkSelect(t, u16, k)
		checkSelect(t, two, k)
		checkSelect(t, same, k)
		checkSelect(t, asc, k)
		checkSelect(t, desc, k)
		checkSelect(t, f, n/2)
		checkSelect(t, two, n/2)
	}
}

func TestPartitionLess(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for n := 1; n <= 40; n++ {
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(r.IntN(10))
		}
		p := int32(r.IntN(11))
		orig := slices.Clone(s)
		lt := partitionLess(s, p)
		want := 0
		for _, v := range orig {
			want += b2i(v < p)
		}
		require.Equal(t, want, lt, "count below %d in %v", p, orig)
		for i, v := range s {
			assert.Equal(t, i < lt, v < p, "s[%d]=%d of %v (p=%d)", i, v, s, p)
		}
		slices.Sort(orig)
		slices.Sort(s)
		assert.Equal(t, orig, s)
	}
}
