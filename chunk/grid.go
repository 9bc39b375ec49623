package chunk

import (
	"iter"
	"sort"
)

// Grid partitions an array of a given shape into chunks. Along each axis the
// chunk sizes may differ (dask's irregular chunks); a regular grid has one
// size per axis with a possibly smaller last chunk. A Grid is immutable and
// safe for concurrent use.
//
// An axis of length 0 has exactly one chunk of size 0, so that every grid has
// at least one block, as in dask.
type Grid struct {
	shape   []int
	chunks  [][]int // chunk sizes per axis
	offsets [][]int // offsets[a][i] is the start of chunk i on axis a; len = len(chunks[a])+1
	regular []int   // the nominal chunk size per axis when regular, else nil
}

// NewRegularGrid returns the grid of shape cut into chunks of size chunk
// (the last chunk on each axis may be smaller). Chunk sizes must be positive;
// a chunk larger than its axis is clipped to the axis length.
func NewRegularGrid(shape, chunk []int) (*Grid, error) {
	if len(shape) != len(chunk) {
		return nil, errorf(ErrRank, "shape %v has rank %d, chunk %v has rank %d", shape, len(shape), chunk, len(chunk))
	}
	if err := CheckShape(shape); err != nil {
		return nil, err
	}
	sizes := make([][]int, len(shape))
	for a, n := range shape {
		c := chunk[a]
		if c <= 0 {
			return nil, errorf(ErrShape, "axis %d: chunk size %d must be positive", a, c)
		}
		if n == 0 {
			sizes[a] = []int{0}
			continue
		}
		k := (n + c - 1) / c
		s := make([]int, k)
		for i := range s {
			s[i] = min(c, n-i*c)
		}
		sizes[a] = s
	}
	g := newGrid(shape, sizes)
	g.regular = make([]int, len(shape))
	for a := range shape {
		g.regular[a] = min(chunk[a], max(shape[a], 1))
		if shape[a] == 0 {
			g.regular[a] = chunk[a]
		}
	}
	return g, nil
}

// NewGrid returns the grid with explicit chunk sizes per axis. The array
// shape is the per-axis sum. Sizes must be positive, except that an axis may
// be given as the single chunk {0} (an empty axis).
func NewGrid(chunks [][]int) (*Grid, error) {
	shape := make([]int, len(chunks))
	sizes := make([][]int, len(chunks))
	for a, cs := range chunks {
		if len(cs) == 0 {
			return nil, errorf(ErrShape, "axis %d has no chunks", a)
		}
		if len(cs) == 1 && cs[0] == 0 {
			sizes[a] = []int{0}
			continue
		}
		total := 0
		for i, c := range cs {
			if c <= 0 {
				return nil, errorf(ErrShape, "axis %d chunk %d: size %d must be positive", a, i, c)
			}
			total += c
			if total < 0 {
				return nil, errorf(ErrShape, "axis %d: chunk sizes overflow", a)
			}
		}
		shape[a] = total
		sizes[a] = clone(cs)
	}
	if err := CheckShape(shape); err != nil {
		return nil, err
	}
	g := newGrid(shape, sizes)
	g.regular = detectRegular(sizes)
	return g, nil
}

func detectRegular(sizes [][]int) []int {
	reg := make([]int, len(sizes))
	for a, cs := range sizes {
		for i := 0; i < len(cs)-1; i++ {
			if cs[i] != cs[0] {
				return nil
			}
		}
		if cs[len(cs)-1] > cs[0] {
			return nil
		}
		reg[a] = cs[0]
	}
	return reg
}

func newGrid(shape []int, sizes [][]int) *Grid {
	g := &Grid{shape: clone(shape), chunks: sizes, offsets: make([][]int, len(sizes))}
	for a, cs := range sizes {
		off := make([]int, len(cs)+1)
		for i, c := range cs {
			off[i+1] = off[i] + c
		}
		g.offsets[a] = off
	}
	return g
}

// Shape returns the array shape (a copy).
func (g *Grid) Shape() []int { return clone(g.shape) }

// Rank is the number of axes.
func (g *Grid) Rank() int { return len(g.shape) }

// Chunks returns the chunk sizes per axis (a deep copy), dask's .chunks.
func (g *Grid) Chunks() [][]int {
	out := make([][]int, len(g.chunks))
	for a, cs := range g.chunks {
		out[a] = clone(cs)
	}
	return out
}

// AxisChunks returns the chunk sizes along one axis. The caller must not
// modify the returned slice.
func (g *Grid) AxisChunks(axis int) []int { return g.chunks[axis] }

// Regular returns the nominal chunk size per axis and true when every axis
// has equal chunks except possibly a smaller last one (Zarr's regular grid).
func (g *Grid) Regular() ([]int, bool) {
	if g.regular == nil {
		return nil, false
	}
	return clone(g.regular), true
}

// NumBlocks returns the number of chunks along each axis.
func (g *Grid) NumBlocks() []int {
	n := make([]int, len(g.chunks))
	for a, cs := range g.chunks {
		n[a] = len(cs)
	}
	return n
}

// Len is the total number of chunks.
func (g *Grid) Len() int {
	n := 1
	for _, cs := range g.chunks {
		n *= len(cs)
	}
	return n
}

// Equal reports whether two grids have identical shape and chunking.
func (g *Grid) Equal(o *Grid) bool {
	if len(g.chunks) != len(o.chunks) {
		return false
	}
	for a := range g.chunks {
		if !EqualShape(g.chunks[a], o.chunks[a]) {
			return false
		}
	}
	return true
}

// MaxChunkShape is the largest chunk extent along each axis.
func (g *Grid) MaxChunkShape() []int {
	s := make([]int, len(g.chunks))
	for a, cs := range g.chunks {
		for _, c := range cs {
			s[a] = max(s[a], c)
		}
	}
	return s
}

// BlockBox returns the region of the array covered by the chunk at block
// index idx. It panics when idx is out of range (a programmer error; use
// CheckIndex for untrusted input).
func (g *Grid) BlockBox(idx []int) Box {
	if len(idx) != len(g.shape) {
		panic("chunk.Grid.BlockBox: rank mismatch")
	}
	b := Box{Lo: make([]int, len(idx)), Hi: make([]int, len(idx))}
	for a, i := range idx {
		b.Lo[a] = g.offsets[a][i]
		b.Hi[a] = g.offsets[a][i+1]
	}
	return b
}

// BlockShape returns the shape of the chunk at idx.
func (g *Grid) BlockShape(idx []int) []int {
	s := make([]int, len(idx))
	for a, i := range idx {
		s[a] = g.chunks[a][i]
	}
	return s
}

// CheckIndex reports ErrRank or ErrOutOfBounds when idx is not a valid block
// index of g.
func (g *Grid) CheckIndex(idx []int) error {
	if len(idx) != len(g.shape) {
		return errorf(ErrRank, "block index %v has rank %d, grid has rank %d", idx, len(idx), len(g.shape))
	}
	for a, i := range idx {
		if i < 0 || i >= len(g.chunks[a]) {
			return errorf(ErrOutOfBounds, "block index %v: axis %d has %d chunks", idx, a, len(g.chunks[a]))
		}
	}
	return nil
}

// Linear returns the C-order position of block idx among all blocks.
func (g *Grid) Linear(idx []int) int {
	n := 0
	for a, i := range idx {
		n = n*len(g.chunks[a]) + i
	}
	return n
}

// Unlinear is the inverse of Linear.
func (g *Grid) Unlinear(n int) []int {
	idx := make([]int, len(g.chunks))
	for a := len(g.chunks) - 1; a >= 0; a-- {
		k := len(g.chunks[a])
		idx[a] = n % k
		n /= k
	}
	return idx
}

// Blocks iterates over all block indices in C order (last axis fastest).
// The yielded slice is reused between iterations; copy it to keep it.
func (g *Grid) Blocks() iter.Seq[[]int] {
	return odometer(g.NumBlocks())
}

// Indices yields every n-d index in [0, n) in C order (last axis
// fastest). The yielded slice is reused between iterations; copy it to
// keep it. Nothing is yielded when some n[a] is 0.
func Indices(n []int) iter.Seq[[]int] { return odometer(n) }

// odometer yields every index in [0, n) in C order, reusing one slice.
func odometer(n []int) iter.Seq[[]int] {
	return func(yield func([]int) bool) {
		for _, k := range n {
			if k == 0 {
				return
			}
		}
		idx := make([]int, len(n))
		for {
			if !yield(idx) {
				return
			}
			a := len(n) - 1
			for ; a >= 0; a-- {
				idx[a]++
				if idx[a] < n[a] {
					break
				}
				idx[a] = 0
			}
			if a < 0 {
				return
			}
		}
	}
}

// AxisBlock returns the index of the chunk holding coordinate x on axis a.
// x must lie in [0, shape[a]).
func (g *Grid) AxisBlock(a, x int) int {
	off := g.offsets[a]
	if g.regular != nil && g.regular[a] > 0 {
		return x / g.regular[a]
	}
	// first offset > x, minus one
	return sort.SearchInts(off[1:], x+1)
}

// AxisOffset returns the start of chunk i on axis a (i may equal the number
// of chunks, giving the axis length).
func (g *Grid) AxisOffset(a, i int) int { return g.offsets[a][i] }

// Piece is one chunk's share of a box: Block is the chunk's index, Src the
// part of the chunk inside the box in the chunk's own coordinates, and Dst
// the same elements in the coordinates of the box (its low corner is 0).
type Piece struct {
	Block []int
	Src   Box
	Dst   Box
}

// Intersect returns every chunk that box b touches, in C order of block
// index, with the sub-boxes to copy. The pieces tile b exactly: every element
// of b is in exactly one Dst. An empty b yields no pieces. It reports ErrRank
// on a rank mismatch and ErrOutOfBounds when b extends beyond the grid.
func (g *Grid) Intersect(b Box) ([]Piece, error) {
	if b.Rank() != len(g.shape) {
		return nil, errorf(ErrRank, "box %v has rank %d, grid has rank %d", b, b.Rank(), len(g.shape))
	}
	for a := range g.shape {
		if b.Lo[a] < 0 || b.Hi[a] > g.shape[a] || b.Lo[a] > b.Hi[a] {
			return nil, errorf(ErrOutOfBounds, "box %v outside array of shape %v", b, g.shape)
		}
	}
	if b.Empty() {
		return nil, nil
	}
	first := make([]int, len(g.shape))
	count := make([]int, len(g.shape))
	for a := range g.shape {
		first[a] = g.AxisBlock(a, b.Lo[a])
		last := g.AxisBlock(a, b.Hi[a]-1)
		count[a] = last - first[a] + 1
	}
	total := 1
	for _, c := range count {
		total *= c
	}
	pieces := make([]Piece, 0, total)
	for rel := range odometer(count) {
		p := Piece{
			Block: make([]int, len(rel)),
			Src:   Box{Lo: make([]int, len(rel)), Hi: make([]int, len(rel))},
			Dst:   Box{Lo: make([]int, len(rel)), Hi: make([]int, len(rel))},
		}
		for a, r := range rel {
			i := first[a] + r
			p.Block[a] = i
			lo := max(g.offsets[a][i], b.Lo[a])
			hi := min(g.offsets[a][i+1], b.Hi[a])
			p.Src.Lo[a], p.Src.Hi[a] = lo-g.offsets[a][i], hi-g.offsets[a][i]
			p.Dst.Lo[a], p.Dst.Hi[a] = lo-b.Lo[a], hi-b.Lo[a]
		}
		pieces = append(pieces, p)
	}
	return pieces, nil
}
