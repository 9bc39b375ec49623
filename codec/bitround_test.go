package codec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
)

// A BitRound built directly, not through the registry, is checked as the
// registry checks it: out-of-range Keepbits is ErrSpec, never a panic on a
// negative shift.
func TestBitRoundOutOfRangeKeepbitsIsAnError(t *testing.T) {
	for _, dt := range []block.DType{block.Float32, block.Float64} {
		d, err := block.New(dt, 4)
		require.NoError(t, err)
		for _, k := range []int{-1, 53, 60} {
			assert.NotPanics(t, func() {
				_, err := BitRound{Keepbits: k}.EncodeArray(d)
				assert.ErrorIs(t, err, ErrSpec, "%s keepbits %d", dt, k)
			})
		}
	}
}
