package window

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
)

// TestRowsSumFastIsRowsSum: the typed row kernel gives bit for bit what
// the general one gives, for sums, means and counts, with NaN and
// infinities appearing mid-block, centred and trailing windows, and
// min_periods below the window.
func TestRowsSumFastIsRowsSum(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, dt := range []block.DType{block.Float32, block.Float64} {
		for _, special := range []string{"none", "nan", "inf"} {
			for _, red := range []Reduction{Sum, Mean, Count} {
				for _, w := range []int{1, 4, 7} {
					for _, center := range []bool{false, true} {
						const m, inner, halo = 150, 33, 6
						src, err := block.New(dt, 2, m, inner)
						require.NoError(t, err)
						for i := range src.Len() {
							v := rng.NormFloat64() * 1e3
							switch {
							case special == "nan" && rng.IntN(40) == 0:
								v = math.NaN()
							case special == "inf" && rng.IntN(200) == 0:
								v = math.Inf(1 - 2*rng.IntN(2))
							}
							if dt == block.Float32 {
								block.Values[float32](src)[i] = float32(v)
							} else {
								block.Values[float64](src)[i] = v
							}
						}
						before, after := w-1, 0
						if center {
							before, after = w/2, w-1-w/2
						}
						p := RollParams{Axis: 1, Before: before, After: after, MinPeriods: max(1, w-2), Reduction: red}
						want, err := block.New(dt, 2, m-2*halo, inner)
						require.NoError(t, err)
						got, err := block.New(dt, 2, m-2*halo, inner)
						require.NoError(t, err)
						require.NoError(t, rowsSum(ctx, src, want, 1, halo, p))
						done, err := rowsSumTyped(ctx, src, got, 1, halo, p)
						require.NoError(t, err)
						require.True(t, done)
						for i := range want.Len() {
							a, b := want.Float64(i), got.Float64(i)
							if !(math.IsNaN(a) && math.IsNaN(b)) && math.Float64bits(a) != math.Float64bits(b) {
								assert.Failf(t, "differs", "%s %s %v w=%d center=%v at %d: %v, want %v", dt, special, red, w, center, i, b, a)
								return
							}
						}
					}
				}
			}
		}
	}
}
