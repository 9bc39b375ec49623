package zarr

import (
	"math"
	"testing"

	"github.com/tessera-array/tessera/block"
)

// FuzzDecodeXarrayFill: decoding a _FillValue attribute never panics, and
// a float fill that decodes re-encodes to the same value (NaN to NaN).
func FuzzDecodeXarrayFill(f *testing.F) {
	for _, s := range []string{"AAAAAAAA+H8=", "AAAAAAAA8D8=", "", "!!", "AAAA", "AAAAAAAAAAAAAAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<10 {
			return
		}
		v, ok := decodeXarrayFill(s, block.Float64)
		if !ok {
			return
		}
		back, ok := decodeXarrayFill(encodeXarrayFill(v, block.Float64), block.Float64)
		if !ok || !(back == v || math.IsNaN(back) && math.IsNaN(v)) {
			t.Fatalf("%q: %v re-decodes as %v (%v)", s, v, back, ok)
		}
		_, _ = decodeXarrayFill(s, block.Int16)
	})
}
