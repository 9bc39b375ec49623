package chunk

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestNewBox(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi []int
		want   error
	}{
		{"ok", []int{0, 1}, []int{2, 3}, nil},
		{"empty ok", []int{1}, []int{1}, nil},
		{"scalar", nil, nil, nil},
		{"rank", []int{0}, []int{1, 2}, ErrRank},
		{"inverted", []int{3}, []int{2}, ErrShape},
		{"negative", []int{-1}, []int{2}, ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewBox(tc.lo, tc.hi)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("NewBox(%v,%v) err = %v, want %v", tc.lo, tc.hi, err, tc.want)
			}
		})
	}
}

func TestBoxOps(t *testing.T) {
	a := Box{Lo: []int{0, 0}, Hi: []int{4, 6}}
	b := Box{Lo: []int{2, 5}, Hi: []int{10, 8}}
	got, ok := a.Intersect(b)
	if !ok || !got.Equal(Box{Lo: []int{2, 5}, Hi: []int{4, 6}}) {
		t.Fatalf("Intersect = %v %v", got, ok)
	}
	if _, ok := a.Intersect(Box{Lo: []int{4, 0}, Hi: []int{5, 1}}); ok {
		t.Fatal("touching boxes must not intersect")
	}
	if a.Size() != 24 || !reflect.DeepEqual(a.Shape(), []int{4, 6}) {
		t.Fatalf("Size/Shape wrong: %d %v", a.Size(), a.Shape())
	}
	if !a.Contains(got) || a.Contains(b) {
		t.Fatal("Contains wrong")
	}
	if s := got.Translate([]int{2, 5}).String(); s != "[0:2, 0:1]" {
		t.Fatalf("Translate/String = %s", s)
	}
	if (Box{}).Size() != 1 {
		t.Fatal("rank-0 box must hold one element")
	}
}

func TestCheckShape(t *testing.T) {
	if err := CheckShape([]int{3, -1}); !errors.Is(err, ErrShape) {
		t.Fatalf("negative: %v", err)
	}
	if err := CheckShape([]int{1 << 40, 1 << 40}); !errors.Is(err, ErrShape) {
		t.Fatalf("overflow: %v", err)
	}
	if err := CheckShape([]int{0, 1 << 62}); err != nil {
		t.Fatalf("zero-size: %v", err)
	}
}

func TestRegularGrid(t *testing.T) {
	g, err := NewRegularGrid([]int{10, 7}, []int{4, 7})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int{{4, 4, 2}, {7}}; !reflect.DeepEqual(g.Chunks(), want) {
		t.Fatalf("Chunks = %v, want %v", g.Chunks(), want)
	}
	if g.Len() != 3 {
		t.Fatalf("Len = %d", g.Len())
	}
	if b := g.BlockBox([]int{2, 0}); !b.Equal(Box{Lo: []int{8, 0}, Hi: []int{10, 7}}) {
		t.Fatalf("BlockBox = %v", b)
	}
	reg, ok := g.Regular()
	if !ok || !reflect.DeepEqual(reg, []int{4, 7}) {
		t.Fatalf("Regular = %v %v", reg, ok)
	}
	var seen [][]int
	for idx := range g.Blocks() {
		seen = append(seen, append([]int(nil), idx...))
	}
	if want := [][]int{{0, 0}, {1, 0}, {2, 0}}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("Blocks = %v", seen)
	}
	for i := range g.Len() {
		if g.Linear(g.Unlinear(i)) != i {
			t.Fatalf("Linear/Unlinear mismatch at %d", i)
		}
	}
}

func TestGridErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func() error
		want  error
	}{
		{"zero chunk", func() error { _, err := NewRegularGrid([]int{10}, []int{0}); return err }, ErrShape},
		{"negative chunk", func() error { _, err := NewRegularGrid([]int{10}, []int{-3}); return err }, ErrShape},
		{"negative shape", func() error { _, err := NewRegularGrid([]int{-10}, []int{3}); return err }, ErrShape},
		{"rank", func() error { _, err := NewRegularGrid([]int{10, 3}, []int{3}); return err }, ErrRank},
		{"irregular zero", func() error { _, err := NewGrid([][]int{{3, 0, 2}}); return err }, ErrShape},
		{"irregular none", func() error { _, err := NewGrid([][]int{{}}); return err }, ErrShape},
		{"index rank", func() error {
			g, _ := NewRegularGrid([]int{10}, []int{3})
			return g.CheckIndex([]int{0, 0})
		}, ErrRank},
		{"index range", func() error {
			g, _ := NewRegularGrid([]int{10}, []int{3})
			return g.CheckIndex([]int{4})
		}, ErrOutOfBounds},
		{"intersect outside", func() error {
			g, _ := NewRegularGrid([]int{10}, []int{3})
			_, err := g.Intersect(Box{Lo: []int{5}, Hi: []int{11}})
			return err
		}, ErrOutOfBounds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.build(); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestEmptyAxis(t *testing.T) {
	g, err := NewRegularGrid([]int{0, 5}, []int{3, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g.Chunks(), [][]int{{0}, {3, 2}}) || g.Len() != 2 {
		t.Fatalf("Chunks = %v", g.Chunks())
	}
	p, err := g.Intersect(BoxOf([]int{0, 5}))
	if err != nil || len(p) != 0 {
		t.Fatalf("empty intersect = %v, %v", p, err)
	}
}

// randomGrid builds a grid with random irregular chunks.
func randomGrid(r *rand.Rand) *Grid {
	rank := 1 + r.IntN(3)
	chunks := make([][]int, rank)
	for a := range chunks {
		n := 1 + r.IntN(5)
		for range n {
			chunks[a] = append(chunks[a], 1+r.IntN(6))
		}
	}
	g, err := NewGrid(chunks)
	if err != nil {
		panic(err)
	}
	return g
}

// TestIntersectCoversExactlyOnce is the property test: for random grids and
// random boxes, every element of the box is covered by exactly one piece,
// and each piece's source maps back to the same global element.
func TestIntersectCoversExactlyOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 500 {
		g := randomGrid(r)
		shape := g.Shape()
		lo, hi := make([]int, len(shape)), make([]int, len(shape))
		for a, n := range shape {
			lo[a] = r.IntN(n + 1)
			hi[a] = lo[a] + r.IntN(n-lo[a]+1)
		}
		box := Box{Lo: lo, Hi: hi}
		pieces, err := g.Intersect(box)
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		count := make([]int, box.Size())
		bs := box.Shape()
		st := Strides(bs)
		for _, p := range pieces {
			bb := g.BlockBox(p.Block)
			if !BoxOf(g.BlockShape(p.Block)).Contains(p.Src) {
				t.Fatalf("iter %d: src %v outside block %v", iter, p.Src, p.Block)
			}
			for e := range odometer(p.Dst.Shape()) {
				lin := 0
				for a := range e {
					d := p.Dst.Lo[a] + e[a]
					// global coordinate from the destination side
					gd := box.Lo[a] + d
					// and from the source side
					gs := bb.Lo[a] + p.Src.Lo[a] + e[a]
					if gd != gs {
						t.Fatalf("iter %d: piece %v maps %d to %d", iter, p, gd, gs)
					}
					lin += d * st[a]
				}
				count[lin]++
			}
		}
		for i, c := range count {
			if c != 1 {
				t.Fatalf("iter %d: grid %v box %v: element %d covered %d times", iter, g.Chunks(), box, i, c)
			}
		}
	}
}

func TestAxisBlockIrregular(t *testing.T) {
	g, _ := NewGrid([][]int{{3, 1, 4}})
	want := []int{0, 0, 0, 1, 2, 2, 2, 2}
	for x, w := range want {
		if got := g.AxisBlock(0, x); got != w {
			t.Fatalf("AxisBlock(%d) = %d, want %d", x, got, w)
		}
	}
}
