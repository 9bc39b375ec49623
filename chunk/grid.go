package chunk

import (
	"iter"
	"math"
	"strings"
)

// Grid partitions an array of a given shape into chunks. Along each axis the
// chunk sizes may differ (dask's irregular chunks); a regular grid has one
// size per axis with a possibly smaller last chunk. A Grid is immutable and
// safe for concurrent use.
//
// A Grid costs memory in its rank (and in the explicit lists of irregular
// axes the user gave), never in its number of chunks: every per-axis
// accessor (NumBlocks, AxisChunkSize, AxisOffset, AxisBlock) is O(1) or
// O(log pieces), and BlockBox, Intersect and Blocks cost in the blocks they
// touch. Only Chunks and AxisChunks write out per-chunk lists.
//
// An axis of length 0 has exactly one chunk of size 0, so that every grid has
// at least one block, as in dask.
type Grid struct {
	shape []int
	axes  []Axis
}

// NewRegularGrid returns the grid of shape cut into chunks of size chunk
// (the last chunk on each axis may be smaller). Chunk sizes must be positive;
// a chunk larger than its axis is clipped to the axis length. O(rank).
func NewRegularGrid(shape, chunk []int) (*Grid, error) {
	if len(shape) != len(chunk) {
		return nil, errorf(ErrRank, "shape %v has rank %d, chunk %v has rank %d", shape, len(shape), chunk, len(chunk))
	}
	if err := CheckShape(shape); err != nil {
		return nil, err
	}
	axes := make([]Axis, len(shape))
	for a, n := range shape {
		ax, err := RegularAxis(n, chunk[a])
		if err != nil {
			return nil, errorf(ErrShape, "axis %d: chunk size %d must be positive", a, chunk[a])
		}
		axes[a] = ax
	}
	return NewGridAxes(axes)
}

// NewGrid returns the grid with explicit chunk sizes per axis. The array
// shape is the per-axis sum. Sizes must be positive, except that an axis may
// be given as the single chunk {0} (an empty axis). Lists that are regular
// are stored as regular axes; others cost memory per chunk and may have at
// most MaxListChunks chunks.
func NewGrid(chunks [][]int) (*Grid, error) {
	axes := make([]Axis, len(chunks))
	for a, cs := range chunks {
		ax, err := ListAxis(cs)
		if err != nil {
			return nil, errorf(ErrShape, "axis %d: %v", a, err)
		}
		axes[a] = ax
	}
	return NewGridAxes(axes)
}

// NewGridAxes returns the grid with the given axes. It reports ErrShape when
// the element count or the block count does not fit an int64. O(rank).
func NewGridAxes(axes []Axis) (*Grid, error) {
	shape := make([]int, len(axes))
	blocks := int64(1)
	for a, ax := range axes {
		shape[a] = ax.Len()
		k := int64(ax.NumChunks())
		if blocks > math.MaxInt64/k {
			return nil, errorf(ErrShape, "grid of %v has more than 2^63 blocks", shape)
		}
		blocks *= k
	}
	if err := CheckShape(shape); err != nil {
		return nil, err
	}
	return &Grid{shape: shape, axes: append([]Axis(nil), axes...)}, nil
}

// Shape returns the array shape (a copy).
func (g *Grid) Shape() []int { return clone(g.shape) }

// Rank is the number of axes.
func (g *Grid) Rank() int { return len(g.shape) }

// Axis returns the chunking of axis a (a value: O(1), nothing copied).
func (g *Grid) Axis(a int) Axis { return g.axes[a] }

// Axes returns the chunking of every axis (a new slice of values).
func (g *Grid) Axes() []Axis { return append([]Axis(nil), g.axes...) }

// Chunks returns the chunk sizes per axis (a deep copy), dask's .chunks.
// It costs O(total number of chunks along all axes) time and memory; use
// the per-axis accessors on grids that may be large. It panics when an
// axis has more than MaxListChunks chunks (use Axis.Sizes for an error).
func (g *Grid) Chunks() [][]int {
	out := make([][]int, len(g.axes))
	for a := range g.axes {
		out[a] = g.AxisChunks(a)
	}
	return out
}

// AxisChunks returns the chunk sizes along one axis as a new slice:
// O(number of chunks on the axis). It panics when the axis has more than
// MaxListChunks chunks (use Axis.Sizes for an error).
func (g *Grid) AxisChunks(axis int) []int {
	s, err := g.axes[axis].Sizes()
	if err != nil {
		panic("chunk.Grid.AxisChunks: " + err.Error())
	}
	return s
}

// Regular returns the nominal chunk size per axis and true when every axis
// has equal chunks except possibly a smaller last one (Zarr's regular grid).
func (g *Grid) Regular() ([]int, bool) {
	reg := make([]int, len(g.axes))
	for a, ax := range g.axes {
		c, ok := ax.Regular()
		if !ok {
			return nil, false
		}
		reg[a] = c
	}
	return reg, true
}

// NumBlocks returns the number of chunks along each axis.
func (g *Grid) NumBlocks() []int {
	n := make([]int, len(g.axes))
	for a, ax := range g.axes {
		n[a] = ax.NumChunks()
	}
	return n
}

// Len is the total number of chunks (it fits an int64: NewGridAxes checks).
func (g *Grid) Len() int {
	n := 1
	for _, ax := range g.axes {
		n *= ax.NumChunks()
	}
	return n
}

// Equal reports whether two grids have identical shape and chunking.
func (g *Grid) Equal(o *Grid) bool {
	if len(g.axes) != len(o.axes) {
		return false
	}
	for a := range g.axes {
		if !g.axes[a].Equal(o.axes[a]) {
			return false
		}
	}
	return true
}

// String describes the chunking compactly (Axis.String per axis): equal
// strings mean equal grids. O(pieces).
func (g *Grid) String() string {
	parts := make([]string, len(g.axes))
	for a, ax := range g.axes {
		parts[a] = ax.String()
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// MaxChunkShape is the largest chunk extent along each axis.
func (g *Grid) MaxChunkShape() []int {
	s := make([]int, len(g.axes))
	for a, ax := range g.axes {
		s[a] = ax.MaxSize()
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
		b.Lo[a] = g.axes[a].Start(i)
		b.Hi[a] = g.axes[a].Start(i + 1)
	}
	return b
}

// BlockShape returns the shape of the chunk at idx.
func (g *Grid) BlockShape(idx []int) []int {
	s := make([]int, len(idx))
	for a, i := range idx {
		s[a] = g.axes[a].Size(i)
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
		if k := g.axes[a].NumChunks(); i < 0 || i >= k {
			return errorf(ErrOutOfBounds, "block index %v: axis %d has %d chunks", idx, a, k)
		}
	}
	return nil
}

// Linear returns the C-order position of block idx among all blocks.
func (g *Grid) Linear(idx []int) int {
	n := 0
	for a, i := range idx {
		n = n*g.axes[a].NumChunks() + i
	}
	return n
}

// Unlinear is the inverse of Linear.
func (g *Grid) Unlinear(n int) []int {
	idx := make([]int, len(g.axes))
	for a := len(g.axes) - 1; a >= 0; a-- {
		k := g.axes[a].NumChunks()
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
func (g *Grid) AxisBlock(a, x int) int { return g.axes[a].Block(x) }

// AxisOffset returns the start of chunk i on axis a (i may equal the number
// of chunks, giving the axis length).
func (g *Grid) AxisOffset(a, i int) int { return g.axes[a].Start(i) }

// AxisChunkSize returns the size of chunk i on axis a.
func (g *Grid) AxisChunkSize(a, i int) int { return g.axes[a].Size(i) }

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
			o0, o1 := g.axes[a].Start(i), g.axes[a].Start(i+1)
			lo := max(o0, b.Lo[a])
			hi := min(o1, b.Hi[a])
			p.Src.Lo[a], p.Src.Hi[a] = lo-o0, hi-o0
			p.Dst.Lo[a], p.Dst.Hi[a] = lo-b.Lo[a], hi-b.Lo[a]
		}
		pieces = append(pieces, p)
	}
	return pieces, nil
}
