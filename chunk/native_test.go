package chunk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZeroSpecIsAuto(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape []int
		opts  NormalizeOptions
	}{
		{"no source", []int{10000, 7500}, NormalizeOptions{}},
		{"source chunks", []int{1000, 1000}, NormalizeOptions{TargetBytes: 1 << 20, Previous: []int{32, 64}}},
		{"scalar", []int{}, NormalizeOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := Auto().Normalize(tc.shape, 8, tc.opts)
			require.NoError(t, err)
			got, err := Spec{}.Normalize(tc.shape, 8, tc.opts)
			require.NoError(t, err)
			assert.True(t, got.Equal(want), "zero spec %v, auto %v", got.Chunks(), want.Chunks())
		})
	}
	assert.True(t, Spec{}.IsZero())
	assert.False(t, Auto().IsZero())
	assert.Equal(t, "auto", Spec{}.String())
}

// TestAutoMatchesDaskPreviousChunks checks dask's own figures: with
// previous_chunks the auto chunk scales the source chunk by one factor
// (dask.array's test_auto_chunks_h5py: (1000, 1000) float64 stored in
// (32, 64) chunks under a 1 MiB limit gives (256, 512) chunks).
func TestAutoMatchesDaskPreviousChunks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shape  []int
		prev   []int
		target int64
		want   [][]int
	}{
		{"h5py", []int{1000, 1000}, []int{32, 64}, 1 << 20, [][]int{{256, 256, 256, 232}, {512, 488}}},
		{"axis reaches length", []int{100, 100000}, []int{10, 1000}, 8 << 20, [][]int{{100}, {10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000}}},
		{"cube root exact", []int{1000, 1000, 1000}, []int{10, 10, 10}, 8 * 80 * 80 * 80, [][]int{regular(1000, 80), regular(1000, 80), regular(1000, 80)}},
		{"source over target", []int{1000, 1000}, []int{500, 300}, 1 << 10, [][]int{{500, 500}, {300, 300, 300, 100}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Auto().Normalize(tc.shape, 8, NormalizeOptions{TargetBytes: tc.target, Previous: tc.prev})
			require.NoError(t, err)
			assert.Equal(t, tc.want, g.Chunks())
		})
	}
}

func regular(n, c int) []int {
	var out []int
	for ; n > 0; n -= c {
		out = append(out, min(n, c))
	}
	return out
}

func TestNativeSpec(t *testing.T) {
	g, err := Native().Normalize([]int{100, 50}, 8, NormalizeOptions{TargetBytes: 1 << 30, Previous: []int{30, 50}})
	require.NoError(t, err)
	assert.Equal(t, [][]int{{30, 30, 30, 10}, {50}}, g.Chunks())

	// Native on one axis, auto on the other (in multiples of its chunk).
	s, _, err := ParseSpec("native, auto")
	require.NoError(t, err)
	assert.Equal(t, "(native, auto)", s.String())
	g, err = s.Normalize([]int{100, 1000}, 8, NormalizeOptions{TargetBytes: 30 * 200 * 8, Previous: []int{30, 50}})
	require.NoError(t, err)
	assert.Equal(t, []int{30, 200}, g.MaxChunkShape())

	s, _, err = ParseSpec("native")
	require.NoError(t, err)
	assert.Equal(t, Native(), s)

	_, err = Native().Normalize([]int{10}, 8, NormalizeOptions{})
	assert.ErrorIs(t, err, ErrSpec)
	_, err = Native().Normalize([]int{10, 10}, 8, NormalizeOptions{Previous: []int{5, 0}})
	assert.ErrorIs(t, err, ErrSpec)
}
