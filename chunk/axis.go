package chunk

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// MaxListChunks bounds the number of chunks an operation may write out as an
// explicit per-chunk list (ListAxis, Axis.Sizes, Axis.Refine, Grid.Chunks):
// 2^22 chunks, 32 MiB of sizes. Regular axes and the axes slicing,
// concatenation and padding derive from them never need such a list.
const MaxListChunks = 1 << 22

// Axis is the chunking of one axis: its length and where its chunks start.
// An Axis is an immutable value, safe for concurrent use, and costs memory
// in the number of pieces it was built from, not in its number of chunks: a
// regular axis, any slice of it (with any step, dask's rule: output chunks
// follow the source's chunk boundaries) and concatenations of such axes are
// a few words. Only an explicit, irregular list of sizes given by the user
// (ListAxis) is stored per chunk.
//
// Every accessor is O(1) or O(log pieces). An axis of length 0 has exactly
// one chunk, of size 0.
//
// The zero Axis is the empty axis with one chunk of size 0.
type Axis struct {
	segs  []seg
	elems []int // elems[i] is the first element of segs[i]; len(segs)+1
	first []int // first[i] is the first chunk of segs[i]; len(segs)+1
	nomin int   // the nominal chunk size of an empty axis (Zarr keeps one)
}

// seg is a run of whole chunks. A strided seg holds n elements at virtual
// positions base + k*step (k in [0, n)), grouped into chunks by
// floor(position / c): a regular run is base 0, step 1; a slice of it with a
// step composes into base and step. Invariants: 0 < |step| < c or
// c == step == 1; 0 <= base < c; n > 0. A list seg (off != nil) holds
// explicit chunks: off[j] is the start of chunk j, off[len-1] == n.
type seg struct {
	c, base, step, n int
	chunks           int
	off              []int
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func ceilDiv(a, b int) int { return -floorDiv(-a, b) }

// newStrided normalises a strided run and counts its chunks. The caller
// guarantees n > 0, step != 0, c > 0 and that every position fits an int.
func newStrided(c, base, step, n int) seg {
	if step >= c || -step >= c {
		// Every element lands in a chunk of its own.
		return seg{c: 1, base: 0, step: 1, n: n, chunks: n}
	}
	q0 := floorDiv(base, c)
	base -= q0 * c
	ql := floorDiv(base+(n-1)*step, c)
	k := ql + 1
	if step < 0 {
		k = 1 - ql
	}
	s := seg{c: c, base: base, step: step, n: n, chunks: k}
	if k == 1 {
		return seg{c: n, base: 0, step: 1, n: n, chunks: 1}
	}
	// A run whose step divides c and whose first chunk is full is a
	// regular run of c/|step|.
	as := step
	if as < 0 {
		as = -as
	}
	if as > 1 && c%as == 0 && s.start(1) == c/as {
		return seg{c: c / as, base: 0, step: 1, n: n, chunks: k}
	}
	return s
}

// start returns the first element (seg-local) of chunk j, j in [0, chunks].
func (s *seg) start(j int) int {
	if s.off != nil {
		return s.off[j]
	}
	if j <= 0 {
		return 0
	}
	if j >= s.chunks {
		return s.n
	}
	var k int
	if s.step > 0 {
		k = ceilDiv(j*s.c-s.base, s.step)
	} else {
		// chunk j holds positions in [q*c, (q+1)*c) with q = -j
		k = floorDiv(s.base-(-j+1)*s.c, -s.step) + 1
	}
	return min(max(k, 0), s.n)
}

// block returns the chunk (seg-local) holding element k in [0, n).
func (s *seg) block(k int) int {
	if s.off != nil {
		return sort.SearchInts(s.off[1:], k+1)
	}
	q := floorDiv(s.base+k*s.step, s.c)
	if s.step < 0 {
		return -q
	}
	return q
}

// maxSize is the largest chunk of the seg.
func (s *seg) maxSize() int {
	if s.off != nil {
		m := 0
		for j := 1; j < len(s.off); j++ {
			m = max(m, s.off[j]-s.off[j-1])
		}
		return m
	}
	m := max(s.start(1), s.n-s.start(s.chunks-1))
	if mid := s.chunks - 2; mid > 0 {
		// Middle chunks hold floor(c/|step|) or one more.
		as := max(s.step, -s.step)
		lo := s.c / as
		total := s.start(s.chunks-1) - s.start(1)
		if total > mid*lo {
			lo++
		}
		m = max(m, lo)
	}
	return m
}

// regular reports whether the seg's chunks are all c but a smaller last.
func (s *seg) regular() bool { return s.off == nil && s.base == 0 && s.step == 1 }

// slice returns the seg-local selection start + j*step, j in [0, count)
// (count > 0, every position inside the seg) as a seg of whole chunks.
func (s *seg) slice(start, step, count int) seg {
	if s.off == nil {
		// |step| may be large; positions stay inside the seg's own
		// virtual range, so only the product step*s.step can overflow.
		if count == 1 {
			return seg{c: 1, base: 0, step: 1, n: 1, chunks: 1}
		}
		if step > math.MaxInt/s.c || -step > math.MaxInt/s.c {
			return seg{c: 1, base: 0, step: 1, n: count, chunks: count}
		}
		return newStrided(s.c, s.base+start*s.step, s.step*step, count)
	}
	// Explicit chunks: count the selected elements per touched chunk.
	var sizes []int
	last := start + (count-1)*step
	b0, b1 := s.block(start), s.block(last)
	walk := func(j int) {
		lo, hi := s.off[j], s.off[j+1]
		var n int
		if step > 0 {
			n = min(ceilDiv(hi-start, step), count) - max(ceilDiv(lo-start, step), 0)
		} else {
			// positions start - i*|step| in [lo, hi)
			as := -step
			n = min(floorDiv(start-lo, as)+1, count) - max(floorDiv(start-hi, as)+1, 0)
		}
		if n > 0 {
			sizes = append(sizes, n)
		}
	}
	if step > 0 {
		for j := b0; j <= b1; j++ {
			walk(j)
		}
	} else {
		for j := b0; j >= b1; j-- {
			walk(j)
		}
	}
	return listSeg(sizes)
}

func listSeg(sizes []int) seg {
	off := make([]int, len(sizes)+1)
	for i, c := range sizes {
		off[i+1] = off[i] + c
	}
	return seg{n: off[len(sizes)], chunks: len(sizes), off: off}
}

// RegularAxis is an axis of length n cut into chunks of c (the last may be
// smaller); c larger than n is clipped to n. It reports ErrShape for a
// negative length or a chunk size that is not positive. O(1).
func RegularAxis(n, c int) (Axis, error) {
	if n < 0 {
		return Axis{}, errorf(ErrShape, "axis length %d is negative", n)
	}
	if c <= 0 {
		return Axis{}, errorf(ErrShape, "chunk size %d must be positive", c)
	}
	if n == 0 {
		return Axis{nomin: c}, nil
	}
	return axisOf([]seg{newStrided(min(c, n), 0, 1, n)}), nil
}

// ListAxis is the axis with the given chunk sizes (dask's explicit chunks).
// Sizes must be positive, except that {0} is the empty axis; their sum must
// fit an int and there may be at most MaxListChunks of them (ErrShape). A
// list that is regular is stored as a regular axis; any other is kept as a
// copy, O(len(sizes)).
func ListAxis(sizes []int) (Axis, error) {
	if len(sizes) == 0 {
		return Axis{}, errorf(ErrShape, "no chunks")
	}
	if len(sizes) == 1 && sizes[0] == 0 {
		return Axis{}, nil
	}
	if len(sizes) > MaxListChunks {
		return Axis{}, errorf(ErrShape, "%d chunks listed, more than %d", len(sizes), MaxListChunks)
	}
	total := 0
	regular := true
	for i, c := range sizes {
		if c <= 0 {
			return Axis{}, errorf(ErrShape, "chunk %d: size %d must be positive", i, c)
		}
		if total > math.MaxInt-c {
			return Axis{}, errorf(ErrShape, "chunk sizes overflow an int")
		}
		total += c
		if (i < len(sizes)-1 && c != sizes[0]) || c > sizes[0] {
			regular = false
		}
	}
	if regular {
		return RegularAxis(total, sizes[0])
	}
	return axisOf([]seg{listSeg(clone(sizes))}), nil
}

// axisOf merges adjacent runs that continue each other and indexes them.
func axisOf(segs []seg) Axis {
	var out []seg
	for _, s := range segs {
		if len(out) > 0 {
			p := &out[len(out)-1]
			if m, ok := mergeSegs(*p, s); ok {
				*p = m
				continue
			}
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return Axis{}
	}
	a := Axis{segs: out, elems: make([]int, len(out)+1), first: make([]int, len(out)+1)}
	for i, s := range out {
		a.elems[i+1] = a.elems[i] + s.n
		a.first[i+1] = a.first[i] + s.chunks
	}
	return a
}

// mergeSegs joins two runs when the second continues the first's virtual
// positions with the same chunking, or both are lists.
func mergeSegs(a, b seg) (seg, bool) {
	if a.off != nil && b.off != nil {
		off := make([]int, 0, len(a.off)+len(b.off)-1)
		off = append(off, a.off...)
		for _, o := range b.off[1:] {
			off = append(off, a.n+o)
		}
		return seg{n: a.n + b.n, chunks: a.chunks + b.chunks, off: off}, true
	}
	if a.off != nil || b.off != nil {
		return seg{}, false
	}
	// Single-chunk runs take the step and chunk of their neighbour when
	// they fill exactly one of its chunks.
	if a.chunks == 1 && b.regular() && a.n == b.c {
		a = seg{c: b.c, base: 0, step: 1, n: a.n, chunks: 1}
	}
	if b.chunks == 1 && a.regular() && a.n%a.c == 0 && b.n <= a.c {
		b = seg{c: a.c, base: 0, step: 1, n: b.n, chunks: 1}
	}
	if a.c != b.c || a.step != b.step {
		return seg{}, false
	}
	if a.n > math.MaxInt/max(a.step, -a.step) {
		return seg{}, false
	}
	next := a.base + a.n*a.step // virtual position after a's last
	last := a.base + (a.n-1)*a.step
	if floorDiv(next, a.c) == floorDiv(last, a.c) { // would join two chunks
		return seg{}, false
	}
	if ((next%a.c)+a.c)%a.c != b.base {
		return seg{}, false
	}
	m := seg{c: a.c, base: a.base, step: a.step, n: a.n + b.n, chunks: a.chunks + b.chunks}
	return m, true
}

// ConcatAxes is the axis of the given axes end to end, each keeping its
// chunks (empty axes contribute nothing). Its cost is in the pieces of its
// parts, not their chunks. It reports ErrShape when the length overflows.
func ConcatAxes(axes ...Axis) (Axis, error) {
	var segs []seg
	total := 0
	for _, a := range axes {
		if total > math.MaxInt-a.Len() {
			return Axis{}, errorf(ErrShape, "concatenated axis length overflows an int")
		}
		total += a.Len()
		segs = append(segs, a.segs...)
	}
	return axisOf(segs), nil
}

// Len is the length of the axis.
func (a Axis) Len() int {
	if len(a.segs) == 0 {
		return 0
	}
	return a.elems[len(a.segs)]
}

// NumChunks is the number of chunks (1 for an empty axis).
func (a Axis) NumChunks() int {
	if len(a.segs) == 0 {
		return 1
	}
	return a.first[len(a.segs)]
}

// segOfChunk returns the seg holding chunk i.
func (a Axis) segOfChunk(i int) int {
	return sort.SearchInts(a.first[1:], i+1)
}

// Start is the first element of chunk i; i == NumChunks() gives Len(). It
// panics when i is out of [0, NumChunks()] (a programmer error).
func (a Axis) Start(i int) int {
	if i < 0 || i > a.NumChunks() {
		panic("chunk.Axis.Start: chunk index out of range")
	}
	if len(a.segs) == 0 {
		return 0
	}
	if i == a.NumChunks() {
		return a.Len()
	}
	s := a.segOfChunk(i)
	return a.elems[s] + a.segs[s].start(i-a.first[s])
}

// Size is the number of elements of chunk i. It panics when i is out of
// [0, NumChunks()) (a programmer error).
func (a Axis) Size(i int) int {
	if i < 0 || i >= a.NumChunks() {
		panic("chunk.Axis.Size: chunk index out of range")
	}
	if len(a.segs) == 0 {
		return 0
	}
	s := a.segOfChunk(i)
	sg := &a.segs[s]
	j := i - a.first[s]
	return sg.start(j+1) - sg.start(j)
}

// Block is the chunk holding element x; x must lie in [0, Len()) (it
// panics otherwise: a programmer error).
func (a Axis) Block(x int) int {
	if x < 0 || x >= a.Len() {
		panic("chunk.Axis.Block: position out of range")
	}
	s := sort.SearchInts(a.elems[1:], x+1)
	return a.first[s] + a.segs[s].block(x-a.elems[s])
}

// MaxSize is the largest chunk (the nominal chunk of an empty axis). O(pieces).
func (a Axis) MaxSize() int {
	if len(a.segs) == 0 {
		return a.nomin
	}
	m := 0
	for i := range a.segs {
		m = max(m, a.segs[i].maxSize())
	}
	return m
}

// Regular returns the nominal chunk size and true when every chunk has that
// size except possibly a smaller last one. An empty axis is regular with
// the chunk size it was made with (0 for ListAxis({0})).
func (a Axis) Regular() (int, bool) {
	switch {
	case len(a.segs) == 0:
		return a.nomin, true
	case len(a.segs) == 1 && a.segs[0].regular():
		return a.segs[0].c, true
	}
	return 0, false
}

// Sizes lists every chunk's size: O(NumChunks()) time and memory, for
// callers that truly need the list. It reports ErrShape when the axis has
// more than MaxListChunks chunks.
func (a Axis) Sizes() ([]int, error) {
	k := a.NumChunks()
	if k > MaxListChunks {
		return nil, errorf(ErrShape, "axis of %d chunks is too many to list (more than %d)", k, MaxListChunks)
	}
	out := make([]int, k)
	for i := range out {
		out[i] = a.Size(i)
	}
	return out, nil
}

// Slice is the axis of the positions start + j*step, j in [0, count), of a
// (numpy's a[start::step] after slice.indices): every output chunk holds
// the selected elements of one source chunk, in order, and source chunks
// with none are dropped — dask's rule. Its cost is in the pieces of a the
// selection crosses. It reports ErrOutOfBounds when a selected position
// lies outside the axis and ErrShape for a zero step.
func (a Axis) Slice(start, step, count int) (Axis, error) {
	if step == 0 {
		return Axis{}, errorf(ErrShape, "slice step cannot be zero")
	}
	if count < 0 {
		return Axis{}, errorf(ErrShape, "slice count %d is negative", count)
	}
	if count == 0 {
		return Axis{nomin: a.MaxSize()}, nil
	}
	n := a.Len()
	if start < 0 || start >= n {
		return Axis{}, errorf(ErrOutOfBounds, "slice start %d outside axis of length %d", start, n)
	}
	// last = start + (count-1)*step, overflow-checked
	span := count - 1
	if span != 0 && (step > math.MaxInt/span || step < -math.MaxInt/span) {
		return Axis{}, errorf(ErrOutOfBounds, "slice of %d steps of %d overflows", count, step)
	}
	last := start + span*step
	if last < 0 || last >= n {
		return Axis{}, errorf(ErrOutOfBounds, "slice end %d outside axis of length %d", last, n)
	}
	var segs []seg
	s0 := sort.SearchInts(a.elems[1:], start+1)
	s1 := sort.SearchInts(a.elems[1:], last+1)
	dir := 1
	if step < 0 {
		dir = -1
	}
	for s := s0; ; s += dir {
		lo, hi := a.elems[s], a.elems[s+1]
		var j0, j1 int // selection indices inside [lo, hi)
		if step > 0 {
			j0, j1 = max(ceilDiv(lo-start, step), 0), min(ceilDiv(hi-start, step), count)
		} else {
			as := -step
			j0, j1 = max(floorDiv(start-hi, as)+1, 0), min(floorDiv(start-lo, as)+1, count)
		}
		if j1 > j0 {
			segs = append(segs, a.segs[s].slice(start+j0*step-lo, step, j1-j0))
		}
		if s == s1 {
			break
		}
	}
	return axisOf(segs), nil
}

// Equal reports whether two axes have the same chunks. Axes built the same
// way compare in O(pieces); others fall back to comparing chunk starts,
// O(NumChunks()).
func (a Axis) Equal(o Axis) bool {
	if a.Len() != o.Len() || a.NumChunks() != o.NumChunks() {
		return false
	}
	if len(a.segs) == 0 {
		return true
	}
	if len(a.segs) == len(o.segs) {
		same := true
		for i := range a.segs {
			if !a.segs[i].same(&o.segs[i]) {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	for i := 1; i < a.NumChunks(); i++ {
		if a.Start(i) != o.Start(i) {
			return false
		}
	}
	return true
}

func (s *seg) same(o *seg) bool {
	if (s.off == nil) != (o.off == nil) || s.n != o.n {
		return false
	}
	if s.off != nil {
		return EqualShape(s.off, o.off)
	}
	return s.c == o.c && s.base == o.base && s.step == o.step
}

// Refine is the axis cut at the chunk boundaries of both a and o (dask's
// common refinement, for unifying chunks): O(NumChunks of both), or
// O(pieces) when one already refines the other regularly. It reports
// ErrShape when the lengths differ or the result would have more than
// MaxListChunks chunks.
func (a Axis) Refine(o Axis) (Axis, error) {
	if a.Len() != o.Len() {
		return Axis{}, errorf(ErrShape, "refine axes of lengths %d and %d", a.Len(), o.Len())
	}
	if a.Equal(o) {
		return a, nil
	}
	ca, ra := a.Regular()
	co, ro := o.Regular()
	if ra && ro {
		if ca%co == 0 {
			return o, nil
		}
		if co%ca == 0 {
			return a, nil
		}
	}
	if a.NumChunks()+o.NumChunks() > MaxListChunks {
		return Axis{}, errorf(ErrShape, "refining axes of %d and %d chunks would list more than %d chunks", a.NumChunks(), o.NumChunks(), MaxListChunks)
	}
	var sizes []int
	i, j, prev, n := 1, 1, 0, a.Len()
	for prev < n {
		x, y := a.Start(min(i, a.NumChunks())), o.Start(min(j, o.NumChunks()))
		next := min(x, y)
		sizes = append(sizes, next-prev)
		prev = next
		if x == next {
			i++
		}
		if y == next {
			j++
		}
	}
	return ListAxis(sizes)
}

// String describes the chunking compactly and deterministically (equal
// strings mean equal chunks; it is used in array tokens): "n/c" for a
// regular axis, and pieces joined by "+" otherwise. O(pieces).
func (a Axis) String() string {
	if len(a.segs) == 0 {
		return "0"
	}
	var sb strings.Builder
	for i, s := range a.segs {
		if i > 0 {
			sb.WriteByte('+')
		}
		switch {
		case s.off != nil:
			sb.WriteByte('(')
			for j := 1; j < len(s.off); j++ {
				if j > 1 {
					sb.WriteByte(',')
				}
				sb.WriteString(strconv.Itoa(s.off[j] - s.off[j-1]))
			}
			sb.WriteByte(')')
		case s.regular():
			sb.WriteString(strconv.Itoa(s.n) + "/" + strconv.Itoa(s.c))
		default:
			sb.WriteString(strconv.Itoa(s.n) + "/" + strconv.Itoa(s.c) + "@" + strconv.Itoa(s.base) + "x" + strconv.Itoa(s.step))
		}
	}
	return sb.String()
}

// Pieces splits the axis into the runs of whole chunks it is stored as, in
// order: ConcatAxes(a.Pieces()...) equals a. Each piece is regular, a slice
// with a step of a regular run, or an explicit list (ListAxis). Callers
// that transform chunk sizes use it to work per piece rather than per
// chunk. An empty axis has no pieces. O(pieces).
func (a Axis) Pieces() []Axis {
	out := make([]Axis, len(a.segs))
	for i := range a.segs {
		out[i] = axisOf(a.segs[i : i+1 : i+1])
	}
	return out
}
