package remote

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadSize reports a size ParseBytes cannot read.
var ErrBadSize = errors.New("remote: bad size")

// ParseBytes reads sizes such as "4GB", "512MiB", "1.5G", "1000": decimal
// digits with an optional fraction, then an optional unit (B; KB, MB, GB,
// TB in powers of 1000; KiB, MiB, GiB, TiB and K, M, G, T in powers of
// 1024). Signs, exponents, NaN, Inf, hex and sizes of 2^63 bytes or more
// give an error wrapping ErrBadSize.
func ParseBytes(s string) (int64, error) {
	units := []struct {
		suf string
		m   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1}}
	num, m := s, 1.0
	for _, u := range units {
		if len(num) > len(u.suf) && strings.HasSuffix(num, u.suf) {
			num, m = num[:len(num)-len(u.suf)], u.m
			break
		}
	}
	if !isDecimal(num) {
		return 0, fmt.Errorf("%w %q: want digits, an optional fraction and a unit (4GB, 512MiB)", ErrBadSize, s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%w %q: %w", ErrBadSize, s, err)
	}
	v := f * m
	if v >= 1<<63 {
		return 0, fmt.Errorf("%w %q: 2^63 bytes or more", ErrBadSize, s)
	}
	return int64(v), nil
}

// isDecimal reports digits with an optional fraction: "12", "1.5".
func isDecimal(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	digits := func(d string) bool {
		for i := 0; i < len(d); i++ {
			if d[i] < '0' || d[i] > '9' {
				return false
			}
		}
		return d != ""
	}
	return digits(whole) && (!dot || digits(frac)) && len(s) <= 40
}
