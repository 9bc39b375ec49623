package stats

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

const minQuantileMemory = 64 << 10

// qParams is what every quantile task carries: plain data that encodes to
// JSON and is checked when decoded (check).
type qParams struct {
	Q       []float64 // in [0, 1]
	Method  string    // numpy's name, or "median"
	SkipNaN bool
	In      block.DType
	Out     block.DType
	method  QuantileMethod
}

// check validates params (from the wire or built here) and resolves the
// method.
func (p *qParams) check() error {
	m := methodMedian
	if p.Method != "median" {
		var err error
		if m, err = ParseQuantileMethod(p.Method); err != nil {
			return err
		}
	}
	p.method = m
	if len(p.Q) == 0 {
		return fmt.Errorf("%w: no q", ErrQuantile)
	}
	for i, q := range p.Q {
		if math.IsNaN(q) || q < 0 || q > 1 {
			return &QuantileError{Func: "quantile task", Index: i, Q: q, Max: 1}
		}
	}
	if !supportedDType(p.In) {
		return fmt.Errorf("%w: input %v", ErrDType, p.In)
	}
	if p.Out != quantileOutDType(m, p.In) && p.Out != block.Float64 && (p.Out != block.Float32 || p.In != block.Float32) {
		return fmt.Errorf("%w: output %v for %v input by %s", ErrDType, p.Out, p.In, p.Method)
	}
	return nil
}

func quantile(fn string, a *ndarray.Array, qs []float64, scale float64, skipNaN, median, scalar bool, opts []QuantileOption) *ndarray.Array {
	cfg := quantileConfig{mem: DefaultQuantileMemory}
	for _, o := range opts {
		o(&cfg)
	}
	if a == nil {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w", fn, ndarray.ErrOperand))
	}
	if err := a.Err(); err != nil {
		return ndarray.Errored(err)
	}
	if !supportedDType(a.DType()) {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w: %v (convert with AsType)", fn, ErrDType, a.DType()))
	}
	q, err := checkQs(fn, qs, scale)
	if err != nil {
		return ndarray.Errored(err)
	}
	m := cfg.method
	if median {
		m = methodMedian
	} else if !m.valid() || m == methodMedian {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w: %v", fn, ErrMethod, m))
	}
	if cfg.mem < minQuantileMemory {
		return ndarray.Errored(fmt.Errorf("stats.%s: memory budget %d bytes is below the %d-byte minimum", fn, cfg.mem, minQuantileMemory))
	}
	src := a
	if a.Rank() == 0 {
		src = a.ExpandDims(0)
	}
	red, err := normAxes(fn, cfg.axes, src.Rank())
	if err != nil {
		return ndarray.Errored(err)
	}
	shape := src.Shape()
	R := int64(1)
	for i, r := range red {
		if r {
			R *= int64(shape[i])
		}
	}
	p := qParams{Q: q, Method: m.String(), SkipNaN: skipNaN, In: a.DType(), Out: quantileOutDType(m, a.DType())}
	if R == 0 {
		switch {
		case !skipNaN && !median:
			return ndarray.Errored(fmt.Errorf("stats.%s: %w: the reduced axes of shape %v hold no element", fn, ErrEmpty, shape))
		case skipNaN && !median:
			p.Out = block.Float64 // numpy: nanmean of nothing
			if a.DType() == block.Float32 {
				p.Out = block.Float32
			}
		}
	}
	if err := p.check(); err != nil {
		return ndarray.Errored(fmt.Errorf("stats.%s: %w", fn, err))
	}
	lay := qLayout{reduced: red, nq: len(q), scalar: scalar, keep: cfg.keepDims}
	isz := int64(a.DType().Size())
	if R*isz <= cfg.mem/4 && !cfg.radix {
		out, err := selectPlan(src, p, lay, R, cfg.mem)
		if err == nil {
			return out
		}
		if !errors.Is(err, ndarray.ErrRechunkMemory) {
			return ndarray.Errored(fmt.Errorf("stats.%s: %w", fn, err))
		}
	}
	return radixPlan(fn, src, p, lay, cfg.mem)
}

// qLayout maps the kept axes of the input to the result's axes.
type qLayout struct {
	reduced []bool
	nq      int
	scalar  bool
	keep    bool
}

// outAxes is the result grid: the q axis (unless scalar), then each kept
// axis with the chunks of kept (the input's axes), reduced axes as length
// one under keep.
func (l qLayout) outAxes(kept []chunk.Axis) ([]chunk.Axis, error) {
	var axes []chunk.Axis
	if !l.scalar {
		ax, err := chunk.RegularAxis(l.nq, l.nq)
		if err != nil {
			return nil, err
		}
		axes = append(axes, ax)
	}
	one, _ := chunk.RegularAxis(1, 1)
	for i, r := range l.reduced {
		switch {
		case !r:
			axes = append(axes, kept[i])
		case l.keep:
			axes = append(axes, one)
		}
	}
	return axes, nil
}

// keptIndex maps an output block index to the per-input-axis index of its
// kept block (0 on reduced axes).
func (l qLayout) keptIndex(oidx []int) []int {
	j := 0
	if !l.scalar {
		j = 1
	}
	idx := make([]int, len(l.reduced))
	for i, r := range l.reduced {
		switch {
		case !r:
			idx[i] = oidx[j]
			j++
		case l.keep:
			j++
		}
	}
	return idx
}

// selectPlan is the in-memory plan: one selection task per block of the
// kept axes, each over every block along the reduced axes. When the kept
// axes' chunks with the reduced axes whole fit mem/4 the input is read as
// it is chunked (no rechunk: a task's inputs are the column of blocks
// along the reduced axes); otherwise the kept chunks are halved until they
// fit and the input is rechunked to them with the reduced axes whole.
func selectPlan(a *ndarray.Array, p qParams, lay qLayout, R, mem int64) (*ndarray.Array, error) {
	g := a.Grid()
	isz := int64(a.DType().Size())
	sizes := make([]int, a.Rank())
	for i, r := range lay.reduced {
		if r {
			sizes[i] = -1
			continue
		}
		ax := g.Axis(i)
		if c, ok := ax.Regular(); ok {
			sizes[i] = c
		} else {
			sizes[i] = ax.MaxSize()
		}
		sizes[i] = max(sizes[i], 1)
	}
	// fits reports whether R values for every element of a block of sizes
	// fit mem/4, multiplying only while the product stays within it.
	fits := func() bool {
		limit, elems := mem/4/isz, R
		for i, s := range sizes {
			if !lay.reduced[i] {
				if elems > limit/int64(s) {
					return false
				}
				elems *= int64(s)
			}
		}
		return elems <= limit
	}
	halved := false
	for !fits() {
		big := -1
		for i, s := range sizes {
			if !lay.reduced[i] && (big < 0 || s > sizes[big]) {
				big = i
			}
		}
		sizes[big] = (sizes[big] + 1) / 2
		halved = true
	}
	// a column of more blocks than one task may read is rechunked too
	column := 1
	for i, r := range lay.reduced {
		if !r {
			continue
		}
		n := max(g.Axis(i).NumChunks(), 1)
		if n > maxSelectInputs/column {
			column = maxSelectInputs + 1
			break
		}
		column *= n
	}
	rc := a
	if halved || column > maxSelectInputs {
		rc = a.Rechunk(chunk.PerAxis(sizes...), ndarray.RechunkMemory(mem))
		if err := rc.Err(); err != nil {
			return nil, err
		}
	}
	axes, err := lay.outAxes(rc.Grid().Axes())
	if err != nil {
		return nil, err
	}
	og, err := chunk.NewGridAxes(axes)
	if err != nil {
		return nil, err
	}
	pj, _ := json.Marshal(p)
	tok := ndarray.Token("stats.select", rc.Name(), string(pj), fmt.Sprint(lay))
	return ndarray.NewArray(p.Out, og, tok, &selectLayer{src: rc, p: p, lay: lay}), nil
}

// splitShape splits shape into its kept and reduced parts.
func splitShape(shape []int, reduced []bool) (kept, red []int) {
	for i, n := range shape {
		if reduced[i] {
			red = append(red, n)
		} else {
			kept = append(kept, n)
		}
	}
	return kept, red
}

// offsets lists the C-order offsets in a block of shape of the elements
// whose coordinates vary over the axes where sel[i] == want (the others
// at 0), in C order of those axes.
func offsets(shape []int, sel []bool, want bool) []int {
	return boxOffsets(shape, nil, nil, sel, want)
}

// boxOffsets is offsets over the coordinates [lo[i], hi[i]) of the chosen
// axes (the whole axis when lo is nil).
func boxOffsets(shape, lo, hi []int, sel []bool, want bool) []int {
	strides := chunk.Strides(shape)
	offs := []int{0}
	for i, n := range shape {
		if sel[i] != want {
			continue
		}
		a, b := 0, n
		if lo != nil {
			a, b = lo[i], hi[i]
		}
		next := make([]int, 0, len(offs)*(b-a))
		for _, o := range offs {
			for j := a; j < b; j++ {
				next = append(next, o+j*strides[i])
			}
		}
		offs = next
	}
	return offs
}

// resultWriter writes results into the (q, kept...) C-order layout.
type resultWriter[T number] struct {
	f []float64
	t []T
	K int
}

func newResultWriter[T number](out *block.Dense, K int) resultWriter[T] {
	w := resultWriter[T]{K: K}
	switch x := out.Data().(type) {
	case []float64:
		w.f = x
	case []T:
		w.t = x
	}
	if w.f != nil {
		// float64 output for float64 input: both views are the same slice
		if t, ok := any(w.f).([]T); ok {
			w.t = t
		}
	}
	return w
}

// put stores result (i, e): the native value v when the output is the
// input dtype and the pick is discrete or a float32 median, else f.
func (w *resultWriter[T]) put(i, e int, f float64, v T, native bool) {
	o := i*w.K + e
	if w.f != nil && (!native || w.t == nil) {
		w.f[o] = f
		return
	}
	if native {
		w.t[o] = v
	} else {
		w.t[o] = T(f)
	}
}

// slicer computes the quantiles of one slice of values, reusing its
// buffers between slices.
type slicer[T number] struct {
	p     *qParams
	picks []qpick
	pickN int64
	idx   []int64
	vals  []T
	pos   []int // for each pick, the positions of lo and hi in idx
}

func newSlicer[T number](p *qParams) *slicer[T] {
	return &slicer[T]{p: p, pickN: -1}
}

// finish writes the quantiles of buf (its non-NaN values; nanCount NaN
// were dropped) for output element e.
func (s *slicer[T]) finish(buf []T, nanCount int, e int, w *resultWriter[T]) {
	n := int64(len(buf))
	if (nanCount > 0 && !s.p.SkipNaN) || n == 0 {
		nan := T(0)
		var z T
		if isFloatT(z) {
			nan = nanOf[T]()
		}
		for i := range s.p.Q {
			w.put(i, e, math.NaN(), nan, isFloatT(z))
		}
		return
	}
	if n != s.pickN {
		s.plan(n)
	}
	orderStats(buf, s.idx, s.vals)
	for i, pk := range s.picks {
		lo, hi := s.vals[s.pos[2*i]], s.vals[s.pos[2*i+1]]
		f, v, native := finishPick(pk, lo, hi)
		w.put(i, e, f, v, native && s.p.Out == s.p.In)
	}
}

func (s *slicer[T]) plan(n int64) {
	s.pickN = n
	s.picks = s.picks[:0]
	s.idx = s.idx[:0]
	for _, q := range s.p.Q {
		pk := planPick(s.p.method, n, q)
		s.picks = append(s.picks, pk)
		s.idx = append(s.idx, pk.lo, pk.hi)
	}
	slices.Sort(s.idx)
	s.idx = slices.Compact(s.idx)
	s.pos = s.pos[:0]
	for _, pk := range s.picks {
		a, _ := slices.BinarySearch(s.idx, pk.lo)
		b, _ := slices.BinarySearch(s.idx, pk.hi)
		s.pos = append(s.pos, a, b)
	}
	s.vals = make([]T, len(s.idx))
}

// finishPick forms one quantile from its order statistics; native says
// the result is v, of the input type.
func finishPick[T number](pk qpick, lo, hi T) (f float64, v T, native bool) {
	switch pk.kind {
	case pickDiscrete:
		return float64(lo), lo, true
	case pickMedian:
		f = medianOf(lo, hi, pk.lo == pk.hi)
		var z T
		if _, ok := any(z).(float32); ok {
			return f, T(f), true
		}
		return f, 0, false
	}
	return lerpOf(lo, hi, pk.g), 0, false
}

func isFloatT[T number](z T) bool {
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

func nanOf[T number]() T {
	var z T
	switch any(z).(type) {
	case float32:
		return any(float32(math.NaN())).(T)
	case float64:
		return any(math.NaN()).(T)
	}
	return z
}
