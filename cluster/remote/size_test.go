package remote_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tessera-array/tessera/cluster/remote"
)

// Sizes are decimal digits, an optional fraction and a unit; anything a
// float parser would also take (signs, exponents, NaN, Inf, hex) and sizes
// that overflow int64 are ErrBadSize, never a wrapped-around number.
func TestParseBytesRejectsNonSizes(t *testing.T) {
	for s, want := range map[string]int64{
		"0": 0, "1000": 1000, "4GB": 4e9, "512MiB": 512 << 20, "1.5G": 3 << 29, "96GB": 96e9, "1B": 1, "8TiB": 8 << 40,
	} {
		got, err := remote.ParseBytes(s)
		if assert.NoError(t, err, s) {
			assert.Equal(t, want, got, s)
		}
	}
	for _, s := range []string{"", "GB", "NaN", "Inf", "+Inf", "-1", "-1GB", "+1GB", "1e3", "1e30GB", "0x10", "0x1p4", "1 GB", " 1GB", "1.GB", ".5GB", "1_000", "9223372036854775808", "8388608TiB", "99999999999999999999TB"} {
		_, err := remote.ParseBytes(s)
		assert.ErrorIs(t, err, remote.ErrBadSize, "%q", s)
	}
}

// FuzzParseBytes: no input panics, and an accepted size is non-negative
// and written only with digits, '.', and unit letters.
func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"4GB", "512MiB", "1.5G", "1000", "0", "NaN", "1e30", "9223372036854775807", "8388607.99TiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 64 {
			return
		}
		n, err := remote.ParseBytes(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("%q: %d", s, n)
		}
		if strings.Trim(s, "0123456789.KMGTiB") != "" {
			t.Fatalf("%q accepted", s)
		}
	})
}
