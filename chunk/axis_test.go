package chunk

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// naiveSlice is dask's slicing rule on an explicit list: the selected
// positions grouped by the source chunk they fall in.
func naiveSlice(sizes []int, start, step, count int) []int {
	if count == 0 {
		return []int{0}
	}
	blockOf := func(x int) int {
		off := 0
		for i, c := range sizes {
			if x < off+c {
				return i
			}
			off += c
		}
		panic("out of range")
	}
	var out []int
	prev := -1
	for j := range count {
		b := blockOf(start + j*step)
		if b != prev || len(out) == 0 {
			out = append(out, 0)
			prev = b
		}
		out[len(out)-1]++
	}
	return out
}

// checkAxis compares every accessor of a against the explicit list sizes.
func checkAxis(t *testing.T, a Axis, sizes []int) {
	t.Helper()
	got, err := a.Sizes()
	require.NoError(t, err)
	require.Equal(t, sizes, got, "sizes of %s", a)
	require.Equal(t, len(sizes), a.NumChunks())
	off, mx := 0, 0
	for i, c := range sizes {
		require.Equal(t, off, a.Start(i), "start %d of %s", i, a)
		require.Equal(t, c, a.Size(i))
		for x := off; x < off+c; x++ {
			require.Equal(t, i, a.Block(x), "block of %d in %s", x, a)
		}
		off += c
		mx = max(mx, c)
	}
	require.Equal(t, off, a.Len())
	require.Equal(t, off, a.Start(a.NumChunks()))
	if off > 0 {
		require.Equal(t, mx, a.MaxSize(), "max of %s", a)
	}
	l, err := ListAxis(sizes)
	require.NoError(t, err)
	assert.True(t, a.Equal(l), "%s equal to list %v", a, sizes)
	assert.True(t, l.Equal(a))
}

func TestAxisSliceMatchesDask(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var a Axis
		var sizes []int
		switch rng.IntN(3) {
		case 0:
			n, c := rng.IntN(60), 1+rng.IntN(12)
			a, _ = RegularAxis(n, c)
			sizes, _ = a.Sizes()
		case 1:
			k := 1 + rng.IntN(6)
			for range k {
				sizes = append(sizes, 1+rng.IntN(9))
			}
			var err error
			a, err = ListAxis(sizes)
			require.NoError(t, err)
		default: // a concatenation of regular parts
			var parts []Axis
			for range 1 + rng.IntN(3) {
				p, _ := RegularAxis(rng.IntN(20), 1+rng.IntN(6))
				parts = append(parts, p)
				ps, _ := p.Sizes()
				if p.Len() > 0 {
					sizes = append(sizes, ps...)
				}
			}
			var err error
			a, err = ConcatAxes(parts...)
			require.NoError(t, err)
			if len(sizes) == 0 {
				sizes = []int{0}
			}
		}
		checkAxis(t, a, sizes)
		n := a.Len()
		if n == 0 {
			continue
		}
		// Slice twice, checking each against the naive rule.
		cur, curSizes := a, sizes
		for range 2 {
			n = cur.Len()
			if n == 0 {
				break
			}
			step := 1 + rng.IntN(7)
			if rng.IntN(2) == 0 {
				step = -step
			}
			start := rng.IntN(n)
			var count int
			if step > 0 {
				count = 1 + rng.IntN((n-1-start)/step+1)
			} else {
				count = 1 + rng.IntN(start/(-step)+1)
			}
			s, err := cur.Slice(start, step, count)
			require.NoError(t, err)
			want := naiveSlice(curSizes, start, step, count)
			checkAxis(t, s, want)
			cur, curSizes = s, want
		}
	}
}

func TestAxisConcatMergesRegularParts(t *testing.T) {
	a, _ := RegularAxis(3000, 1000)
	b, _ := RegularAxis(2500, 1000)
	c, err := ConcatAxes(a, b)
	require.NoError(t, err)
	cs, ok := c.Regular()
	assert.True(t, ok)
	assert.Equal(t, 1000, cs)
	assert.Equal(t, 6, c.NumChunks())
	assert.Len(t, c.segs, 1)
}

func TestAxisHugeIsConstantSize(t *testing.T) {
	// A regular axis of 2^40 chunks, sliced with a step and concatenated,
	// stays a few words and answers in O(1).
	a, err := RegularAxis(1<<40, 1)
	require.NoError(t, err)
	assert.Equal(t, 1<<40, a.NumChunks())
	b, err := RegularAxis(1e12, 1000)
	require.NoError(t, err)
	s, err := b.Slice(5, 3, (1e12-10)/3)
	require.NoError(t, err)
	assert.Equal(t, int(1e9), s.NumChunks())
	assert.Equal(t, 332, s.Size(0)) // positions 5..998
	assert.Equal(t, 334, s.MaxSize())
	c, err := ConcatAxes(a, s, a)
	require.NoError(t, err)
	assert.Equal(t, 2<<40+int(1e9), c.NumChunks())
	assert.Equal(t, 1<<40, c.Block(1<<40))
	assert.LessOrEqual(t, len(c.segs), 3)
	_, err = c.Sizes()
	assert.ErrorIs(t, err, ErrShape)
	x2, _ := RegularAxis(1<<40, 2)
	x3, _ := RegularAxis(1<<40, 3)
	_, err = x2.Refine(x3)
	assert.ErrorIs(t, err, ErrShape)
}

func TestAxisSliceErrors(t *testing.T) {
	a, _ := RegularAxis(10, 3)
	_, err := a.Slice(0, 0, 1)
	assert.ErrorIs(t, err, ErrShape)
	_, err = a.Slice(10, 1, 1)
	assert.ErrorIs(t, err, ErrOutOfBounds)
	_, err = a.Slice(0, 4, 4)
	assert.ErrorIs(t, err, ErrOutOfBounds)
	_, err = a.Slice(9, math.MaxInt, 2)
	assert.ErrorIs(t, err, ErrOutOfBounds)
	e, err := a.Slice(3, 1, 0)
	require.NoError(t, err)
	assert.Equal(t, 0, e.Len())
	assert.Equal(t, 1, e.NumChunks())
}

func TestAxisRefine(t *testing.T) {
	a, _ := RegularAxis(10, 4)
	b, _ := RegularAxis(10, 3)
	r, err := a.Refine(b)
	require.NoError(t, err)
	got, _ := r.Sizes()
	assert.Equal(t, []int{3, 1, 2, 2, 1, 1}, got)
	c, _ := RegularAxis(10, 2)
	r, err = a.Refine(c)
	require.NoError(t, err)
	assert.True(t, r.Equal(c))
}

func TestRegularGridCostsOrderRank(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g, err := NewRegularGrid([]int{1 << 40}, []int{1})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<16))
	assert.Equal(t, 1<<40, g.Len())
	pieces, err := g.Intersect(Box{Lo: []int{1<<40 - 3}, Hi: []int{1 << 40}})
	require.NoError(t, err)
	assert.Len(t, pieces, 3)
	assert.Equal(t, []int{1<<40 - 1}, pieces[2].Block)
	assert.Equal(t, "[1099511627776/1]", g.String())
}

func TestGridBlockCountOverflow(t *testing.T) {
	// An empty axis makes the element count 0, but the block count of the
	// others would still overflow.
	_, err := NewRegularGrid([]int{0, 1 << 62, 1 << 62}, []int{1, 1, 1})
	assert.ErrorIs(t, err, ErrShape)
}

// FuzzAxis builds axes from fuzzed parts and slices, checking every
// accessor against the explicit lists (dask's rule), and feeds huge and
// overflowing sizes to the constructors: errors are ErrShape or
// ErrOutOfBounds, never a panic.
func FuzzAxis(f *testing.F) {
	f.Add(60, 7, 3, 5, 2, 11, -3, 4)
	f.Add(1<<40, 1, 7, 1<<39, 3, 1, 1, 1)
	f.Add(math.MaxInt, math.MaxInt, -1, 0, math.MaxInt, math.MaxInt, math.MinInt, 2)
	f.Fuzz(func(t *testing.T, n1, c1, n2, c2, start, step, start2, step2 int) {
		// Huge values: constructors and slices must not panic.
		if a, err := RegularAxis(n1, c1); err == nil {
			_, _ = a.Slice(start, step, n2)
			b, _ := RegularAxis(abs(n2), max(abs(c2), 1))
			_, _ = ConcatAxes(a, b)
			_ = a.MaxSize()
			if a.Len() > 0 {
				_ = a.Block(abs(start) % a.Len())
			}
		} else if !errors.Is(err, ErrShape) {
			t.Fatalf("RegularAxis error %v", err)
		}
		// Small values: exact comparison with lists.
		n1, c1, n2, c2 = abs(n1)%40, 1+abs(c1)%9, abs(n2)%40, 1+abs(c2)%9
		a, _ := RegularAxis(n1, c1)
		b, _ := RegularAxis(n2, c2)
		cat, err := ConcatAxes(a, b)
		if err != nil {
			t.Fatal(err)
		}
		sa, _ := a.Sizes()
		sb, _ := b.Sizes()
		var sizes []int
		if n1 > 0 {
			sizes = append(sizes, sa...)
		}
		if n2 > 0 {
			sizes = append(sizes, sb...)
		}
		if len(sizes) == 0 {
			sizes = []int{0}
		}
		checkAxis(t, cat, sizes)
		cur, curSizes := cat, sizes
		for _, sl := range [][2]int{{start, step}, {start2, step2}} {
			n := cur.Len()
			if n == 0 {
				return
			}
			st := abs(sl[0]) % n
			sp := abs(sl[1])%9 + 1
			if sl[1] < 0 {
				sp = -sp
			}
			cnt := (n-1-st)/sp + 1
			if sp < 0 {
				cnt = st/(-sp) + 1
			}
			s, err := cur.Slice(st, sp, cnt)
			if err != nil {
				t.Fatalf("slice %d:%d x%d of %s: %v", st, sp, cnt, cur, err)
			}
			want := naiveSlice(curSizes, st, sp, cnt)
			checkAxis(t, s, want)
			cur, curSizes = s, want
		}
	})
}

// TestAxisPieces: Pieces splits an axis into its stored runs, which
// concatenate back to the axis; an empty axis has none.
func TestAxisPieces(t *testing.T) {
	reg := func(n, c int) Axis {
		a, err := RegularAxis(n, c)
		require.NoError(t, err)
		return a
	}
	list, err := ListAxis([]int{3, 1, 4})
	require.NoError(t, err)
	stepped, err := reg(100, 10).Slice(1, 3, 30)
	require.NoError(t, err)
	a, err := ConcatAxes(reg(25, 10), list, stepped, reg(7, 7))
	require.NoError(t, err)
	p := a.Pieces()
	require.Len(t, p, 4)
	assert.True(t, p[1].Equal(list))
	assert.True(t, p[2].Equal(stepped))
	back, err := ConcatAxes(p...)
	require.NoError(t, err)
	assert.True(t, back.Equal(a))
	assert.Equal(t, a.String(), back.String())
	assert.Empty(t, Axis{}.Pieces())
	assert.Len(t, reg(1e12, 3).Pieces(), 1)
}
