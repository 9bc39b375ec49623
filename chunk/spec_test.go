package chunk

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in     string
		shape  []int
		item   int
		want   [][]int
		target int64
	}{
		{"100", []int{250, 50}, 8, [][]int{{100, 100, 50}, {50}}, 0},
		{"-1", []int{250, 50}, 8, [][]int{{250}, {50}}, 0},
		{"100, -1", []int{250, 50}, 8, [][]int{{100, 100, 50}, {50}}, 0},
		{"(100, None)", []int{250, 50}, 8, [][]int{{100, 100, 50}, {50}}, 0},
		{"((10, 10, 5), 20)", []int{25, 50}, 8, [][]int{{10, 10, 5}, {20, 20, 10}}, 0},
		{"((10,10,5),(25,25))", []int{25, 50}, 8, [][]int{{10, 10, 5}, {25, 25}}, 0},
		{"((7,),)", []int{7}, 8, [][]int{{7}}, 0},
		{"auto", []int{100, 100}, 8, [][]int{{100}, {100}}, 0},
		{"800B", []int{100, 100}, 8, [][]int{regularSizes(100, 10), regularSizes(100, 10)}, 800},
		{"(auto, 5)", []int{100, 100}, 8, [][]int{regularSizes(100, 20), regularSizes(100, 5)}, 800},
		{"(-1, 1KiB)", []int{16, 1000}, 8, [][]int{{16}, regularSizes(1000, 8)}, 1024},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			spec, opts, err := ParseSpec(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if tc.target != 0 && opts.TargetBytes == 0 {
				opts.TargetBytes = tc.target
			}
			if opts.TargetBytes != tc.target {
				t.Fatalf("target = %d, want %d", opts.TargetBytes, tc.target)
			}
			g, err := spec.Normalize(tc.shape, tc.item, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g.Chunks(), tc.want) {
				t.Fatalf("chunks = %v, want %v", g.Chunks(), tc.want)
			}
			// String must round-trip through ParseSpec.
			again, _, err := ParseSpec(spec.String())
			if err != nil || again.String() != spec.String() {
				t.Fatalf("round trip %q -> %q (%v)", spec.String(), again.String(), err)
			}
		})
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, in := range []string{"", "0", "-2", "abc", "(10, 0)", "((10, -1), 5)", "(10, 20", "10 MiB 20", "((1,2)", "1e400GB", "5QB"} {
		t.Run(in, func(t *testing.T) {
			if _, _, err := ParseSpec(in); !errors.Is(err, ErrSpec) {
				t.Fatalf("ParseSpec(%q) err = %v, want ErrSpec", in, err)
			}
		})
	}
}

func TestNormalizeErrors(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		shape []int
		want  error
	}{
		{"rank", PerAxis(10, 10), []int{10}, ErrRank},
		{"sum", Explicit([]int{3, 3}), []int{7}, ErrSpec},
		{"zero size", PerAxis(0 - 5), []int{7}, ErrSpec},
		{"negative shape", Auto(), []int{-1}, ErrShape},
		{"explicit all", Spec{All: &AxisSpec{Kind: AxisExplicit, Sizes: []int{1}}}, []int{1, 1}, ErrSpec},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.spec.Normalize(tc.shape, 8, NormalizeOptions{}); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestAutoPrefersPreviousMultiples(t *testing.T) {
	// 10000x10000 float64 with 512x512 storage tiles and a 32 MiB target:
	// sqrt(4Mi elements) = 2048, a multiple of 512.
	g, err := Auto().Normalize([]int{10000, 10000}, 8, NormalizeOptions{TargetBytes: 32 << 20, Previous: []int{512, 512}})
	if err != nil {
		t.Fatal(err)
	}
	c := g.MaxChunkShape()
	for a, n := range c {
		if n%512 != 0 {
			t.Fatalf("axis %d chunk %d not a multiple of 512", a, n)
		}
	}
	if got := int64(c[0]) * int64(c[1]) * 8; got > 32<<20 {
		t.Fatalf("auto chunk %v is %d bytes, over target", c, got)
	}
	// Storage chunk already bigger than the target: keep one storage chunk.
	g, _ = Auto().Normalize([]int{10000}, 8, NormalizeOptions{TargetBytes: 800, Previous: []int{300}})
	if c := g.MaxChunkShape(); c[0] != 300 {
		t.Fatalf("chunk %v, want 300", c)
	}
}

func TestDefaultAutoTarget(t *testing.T) {
	// The seed's 10000x7500x100 float64 array under the 128 MiB default.
	g, err := Auto().Normalize([]int{10000, 7500, 100}, 8, NormalizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := g.MaxChunkShape()
	b := int64(c[0]) * int64(c[1]) * int64(c[2]) * 8
	if b > DefaultAutoBytes || b < DefaultAutoBytes/2 {
		t.Fatalf("auto chunk %v = %d bytes, want near 128 MiB", c, b)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"128MiB": 128 << 20, "1 GB": 1e9, "4096": 4096, "1.5kB": 1500, "2KiB": 2048} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Fatalf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"auto", "100", "-1", "(100, -1, auto)", "((10,10,5),20)", "64MiB", "(1KiB, None)", "((1,),)", "(("} {
		f.Add(s, 3, 17)
	}
	f.Fuzz(func(t *testing.T, text string, rank, n int) {
		if len(text) > 1000 {
			return
		}
		spec, opts, err := ParseSpec(text)
		if err != nil {
			if !errors.Is(err, ErrSpec) {
				t.Fatalf("error %v does not wrap ErrSpec", err)
			}
			return
		}
		// A parsed spec must print and parse back to the same thing.
		again, _, err := ParseSpec(spec.String())
		if err != nil || again.String() != spec.String() {
			t.Fatalf("%q: String %q does not round-trip: %v", text, spec.String(), err)
		}
		rank = 1 + abs(rank)%4
		n = abs(n) % 50
		shape := make([]int, rank)
		for i := range shape {
			shape[i] = n + i
		}
		// The same spec on a huge shape: normalised in O(rank), its axes
		// consistent without listing their chunks.
		huge := make([]int, rank)
		for i := range huge {
			huge[i] = (n + 1) << 40 >> (rank - 1)
		}
		if hg, err := spec.Normalize(huge, 4, opts); err == nil {
			for a := range huge {
				ax := hg.Axis(a)
				if ax.Start(ax.NumChunks()) != huge[a] || ax.Len() != huge[a] {
					t.Fatalf("%q: huge axis %d is %s, want length %d", text, a, ax, huge[a])
				}
			}
		}
		g, err := spec.Normalize(shape, 4, opts)
		if err != nil {
			return
		}
		if !reflect.DeepEqual(g.Shape(), shape) {
			t.Fatalf("%q: grid shape %v != %v", text, g.Shape(), shape)
		}
		for a := range shape {
			sum := 0
			for _, c := range g.AxisChunks(a) {
				sum += c
			}
			if sum != shape[a] {
				t.Fatalf("%q: axis %d chunks %v do not sum to %d", text, a, g.AxisChunks(a), shape[a])
			}
		}
	})
}

func abs(x int) int {
	if x < 0 {
		if x == -x {
			return 0
		}
		return -x
	}
	return x
}

func regularSizes(n, c int) []int {
	a, err := RegularAxis(n, c)
	if err != nil {
		panic(err)
	}
	s, err := a.Sizes()
	if err != nil {
		panic(err)
	}
	return s
}
