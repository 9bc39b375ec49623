package reduce

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// TestBlockedPerElementSums covers the blocked accumulation of sums and
// means whose last axis is kept (float32 and narrow integers): partial rows
// that take more than blockRows rows (merged on the way) and fewer (merged
// at the end of the block), rows of several partial rows interleaved
// (axis 1 of three), NaN skipping with its counts, rows longer than a tile
// (split into column ranges), and several chunkings, against the plain
// float64 reference.
func TestBlockedPerElementSums(t *testing.T) {
	cases := []struct {
		shape []int
		axes  []int
		specs []chunk.Spec
	}{
		{[]int{300, 5, 7}, []int{0}, []chunk.Spec{chunk.PerAxis(300, 5, 7), chunk.PerAxis(97, 2, 7), chunk.PerAxis(64, 5, 3)}},
		{[]int{4, 200, 3}, []int{1}, []chunk.Spec{chunk.PerAxis(4, 200, 3), chunk.PerAxis(3, 65, 2)}},
		{[]int{150, 3000}, []int{0}, []chunk.Spec{chunk.PerAxis(150, 3000), chunk.PerAxis(70, 2049)}},
		{[]int{1, 9}, []int{0}, []chunk.Spec{chunk.PerAxis(1, 4)}},
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range cases {
		n := int(chunk.Size(c.shape))
		for _, dt := range []block.DType{block.Float32, block.Int16, block.Uint8} {
			d, err := block.New(dt, c.shape...)
			require.NoError(t, err)
			for i := range n {
				switch s := d.Data().(type) {
				case []float32:
					v := float32(r.NormFloat64()*1e3 + 20)
					if r.IntN(7) == 0 {
						v = float32(math.NaN())
					}
					s[i] = v
				case []int16:
					s[i] = int16(r.IntN(60000) - 30000)
				case []uint8:
					s[i] = uint8(r.IntN(256))
				}
			}
			for _, k := range []kind{kSum, kNanSum, kMean, kNanMean} {
				want, err := ref(k, d, c.axes, 0)
				require.NoError(t, err)
				for si, spec := range c.specs {
					name := fmt.Sprintf("%v/%s/%s/axes=%v/spec%d", c.shape, dt, k, c.axes, si)
					got, err := build(k, ndarray.FromDense(d, spec), []Option{Axis(c.axes...)}).Compute(ctx)
					require.NoError(t, err, name)
					gv := got.Float64s()
					require.Len(t, gv, len(want), name)
					for i := range want {
						tol := 1e-12
						if dt == block.Float32 {
							tol = 1e-6 // the float32 result's own rounding
						}
						assert.True(t, closeTol(gv[i], want[i], tol), "%s: element %d = %v, want %v", name, i, gv[i], want[i])
					}
				}
			}
		}
	}
}
