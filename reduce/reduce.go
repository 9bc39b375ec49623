package reduce

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// Errors.
var (
	// ErrAxis reports an axis out of range or repeated.
	ErrAxis = errors.New("reduce: invalid axis")
	// ErrEmpty reports a reduction with no identity over an empty set of
	// elements (min, max, argmin, argmax), as numpy raises.
	ErrEmpty = errors.New("reduce: zero-size reduction has no identity")
	// ErrAllNaN reports nanargmin/nanargmax over only NaN values.
	ErrAllNaN = errors.New("reduce: all-NaN slice encountered")
)

// Option configures a reduction.
type Option func(*config)

type config struct {
	axes       []int
	axesSet    bool
	keepDims   bool
	splitEvery int
	ddof       int
}

// Axis reduces over the given axes (negative counts from the end). Without
// it every axis is reduced.
func Axis(axes ...int) Option {
	return func(c *config) { c.axes, c.axesSet = slices.Clone(axes), true }
}

// KeepDims keeps reduced axes with length one, as numpy's keepdims=True.
func KeepDims() Option { return func(c *config) { c.keepDims = true } }

// SplitEvery sets how many partial results one combine task merges
// (default 8; at least 2).
func SplitEvery(n int) Option { return func(c *config) { c.splitEvery = n } }

// DDOF sets the delta degrees of freedom of Var and Std (default 0).
func DDOF(n int) Option { return func(c *config) { c.ddof = n } }

type kind string

const (
	kSum       kind = "sum"
	kNanSum    kind = "nansum"
	kProd      kind = "prod"
	kNanProd   kind = "nanprod"
	kMean      kind = "mean"
	kNanMean   kind = "nanmean"
	kMin       kind = "min"
	kNanMin    kind = "nanmin"
	kMax       kind = "max"
	kNanMax    kind = "nanmax"
	kVar       kind = "var"
	kNanVar    kind = "nanvar"
	kStd       kind = "std"
	kNanStd    kind = "nanstd"
	kCount     kind = "count"
	kNanCount  kind = "nancount"
	kArgMin    kind = "argmin"
	kNanArgMin kind = "nanargmin"
	kArgMax    kind = "argmax"
	kNanArgMax kind = "nanargmax"
	kAny       kind = "any"
	kAll       kind = "all"
)

// family groups kinds that share a partial representation.
func (k kind) family() string {
	switch k {
	case kSum, kNanSum, kProd, kNanProd:
		return strings.TrimPrefix(string(k), "nan")
	case kMean, kNanMean, kCount, kNanCount:
		return "mean"
	case kMin, kNanMin, kMax, kNanMax:
		return "minmax"
	case kVar, kNanVar, kStd, kNanStd:
		return "var"
	case kArgMin, kNanArgMin, kArgMax, kNanArgMax:
		return "arg"
	case kAny, kAll:
		return "anyall"
	}
	return ""
}

func (k kind) skipNaN() bool { return strings.HasPrefix(string(k), "nan") }
func (k kind) isMax() bool   { return strings.HasSuffix(string(k), "max") }

// Sum adds the elements over the reduced axes (every axis without [Axis]):
// bool and signed integers give int64, unsigned integers uint64, floats
// keep their dtype (accumulated in float64 with compensation). Integers
// wrap on overflow. NaN propagates; the sum of nothing is 0.
func Sum(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kSum, a, opts) }

// NanSum is [Sum] treating NaN as zero: a slice of only NaN sums to 0.
func NanSum(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanSum, a, opts) }

// Prod multiplies the elements over the reduced axes, with the result
// dtypes of [Sum]. NaN propagates; the product of nothing is 1.
func Prod(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kProd, a, opts) }

// NanProd is [Prod] treating NaN as one.
func NanProd(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanProd, a, opts) }

// Mean is the arithmetic mean over the reduced axes: float64 for integer
// and bool input, else the input float dtype. NaN propagates; the mean of
// nothing is NaN.
func Mean(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kMean, a, opts) }

// NanMean is [Mean] ignoring NaN: the mean of the values that are not NaN,
// NaN where there are none.
func NanMean(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanMean, a, opts) }

// Min is the smallest element over the reduced axes, in the input dtype.
// NaN propagates (numpy's amin): a slice holding NaN gives NaN. Reducing
// nothing fails with [ErrEmpty].
func Min(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kMin, a, opts) }

// Max is the largest element over the reduced axes, as [Min] (numpy's
// amax).
func Max(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kMax, a, opts) }

// NanMin is [Min] ignoring NaN; an all-NaN slice gives NaN.
func NanMin(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanMin, a, opts) }

// NanMax is [Max] ignoring NaN; an all-NaN slice gives NaN.
func NanMax(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanMax, a, opts) }

// Var is the variance over the reduced axes, sum((x-mean)²)/(n-ddof) with
// [DDOF] (default 0): float64 for integer and bool input, else the input
// float dtype. NaN propagates; n-ddof <= 0 gives NaN.
func Var(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kVar, a, opts) }

// Std is the standard deviation, the square root of [Var].
func Std(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kStd, a, opts) }

// NanVar is [Var] over the values that are not NaN.
func NanVar(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanVar, a, opts) }

// NanStd is [Std] over the values that are not NaN.
func NanStd(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanStd, a, opts) }

// Count is the number of elements reduced, as int64.
func Count(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kCount, a, opts) }

// NanCount is the number of elements reduced that are not NaN, as int64.
func NanCount(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanCount, a, opts) }

// ArgMin is the int64 index of the first smallest element: along the one
// axis given with [Axis], or the flat C-order index when reducing every
// axis (other sets of axes fail with [ErrAxis]). NaN counts as the
// extreme, so the first NaN wins (numpy). Reducing nothing fails with
// [ErrEmpty].
func ArgMin(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kArgMin, a, opts) }

// ArgMax is the int64 index of the first largest element, as [ArgMin].
func ArgMax(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kArgMax, a, opts) }

// NanArgMin is [ArgMin] skipping NaN; an all-NaN slice fails with
// [ErrAllNaN].
func NanArgMin(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanArgMin, a, opts) }

// NanArgMax is [ArgMax] skipping NaN; an all-NaN slice fails with
// [ErrAllNaN].
func NanArgMax(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kNanArgMax, a, opts) }

// Any reports, as bool, whether any element over the reduced axes is true
// (non-zero; NaN is true). Any of nothing is false.
func Any(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kAny, a, opts) }

// All reports, as bool, whether every element over the reduced axes is
// true (non-zero; NaN is true). All of nothing is true.
func All(a *ndarray.Array, opts ...Option) *ndarray.Array { return build(kAll, a, opts) }

// outDType is numpy's result dtype of each reduction.
func outDType(k kind, in block.DType) block.DType {
	switch k.family() {
	case "sum", "prod":
		switch {
		case in.IsFloat():
			return in
		case in.IsUnsigned():
			return block.Uint64
		}
		return block.Int64
	case "mean":
		if k == kCount || k == kNanCount {
			return block.Int64
		}
		fallthrough
	case "var":
		if in.IsFloat() {
			return in
		}
		return block.Float64
	case "minmax":
		return in
	case "arg":
		return block.Int64
	}
	return block.Bool
}

// normAxes validates and sorts the reduced axes.
func normAxes(c *config, rank int, k kind) ([]int, error) {
	if !c.axesSet {
		all := make([]int, rank)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	seen := map[int]bool{}
	out := make([]int, 0, len(c.axes))
	for _, ax := range c.axes {
		a := ax
		if a < 0 {
			a += rank
		}
		if a < 0 || a >= rank {
			return nil, fmt.Errorf("%w: axis %d for an array of rank %d", ErrAxis, ax, rank)
		}
		if seen[a] {
			return nil, fmt.Errorf("%w: axis %d repeated", ErrAxis, ax)
		}
		seen[a] = true
		out = append(out, a)
	}
	slices.Sort(out)
	if k.family() == "arg" && len(out) != 1 && len(out) != rank {
		return nil, fmt.Errorf("%w: %s takes one axis or all of them, got %v", ErrAxis, k, c.axes)
	}
	return out, nil
}

// plan is the geometry of one reduction, shared by its tasks.
type plan struct {
	k        kind
	src      *ndarray.Array
	axes     []int
	reduced  []bool
	split    []int // per axis fan-in of combine tasks (1 on kept axes)
	levels   [][]int
	cfg      config
	token    string
	outDT    block.DType
	outShape []int
	// elemBytes is what one partial element holds (Partial.Nbytes of a
	// one-element partial), declared for the memory budget.
	elemBytes int64
}

func build(k kind, a *ndarray.Array, opts []Option) *ndarray.Array {
	if a == nil {
		return ndarray.Errored(errors.New("reduce: nil array"))
	}
	if err := a.Err(); err != nil {
		return a
	}
	cfg := config{splitEvery: 8}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.splitEvery < 2 {
		return ndarray.Errored(fmt.Errorf("reduce: split_every %d must be at least 2", cfg.splitEvery))
	}
	if cfg.ddof < 0 {
		return ndarray.Errored(fmt.Errorf("reduce: ddof %d must not be negative", cfg.ddof))
	}
	if dt := a.DType(); !dt.IsNumeric() && !(dt.IsTime() && (k == kMin || k == kMax)) {
		return ndarray.Errored(fmt.Errorf("reduce.%s of a %s array: %w: %w", k, dt, ndarray.ErrOpDType, &block.UnsupportedError{Op: string(k), DType: dt}))
	}
	rank := a.Rank()
	axes, err := normAxes(&cfg, rank, k)
	if err != nil {
		return ndarray.Errored(err)
	}
	p := &plan{k: k, src: a, axes: axes, reduced: make([]bool, rank), cfg: cfg, outDT: outDType(k, a.DType()),
		elemBytes: newPartial(k, []int{1}, a.DType()).Nbytes()}
	for _, ax := range axes {
		p.reduced[ax] = true
	}
	// Fan-in per reduced axis so that one combine merges about splitEvery.
	nb := a.Grid().NumBlocks()
	p.split = make([]int, rank)
	per := 2
	if len(axes) > 0 {
		per = max(2, int(math.Floor(math.Pow(float64(cfg.splitEvery), 1/float64(len(axes)))+1e-9)))
	}
	for i := range p.split {
		p.split[i] = 1
		if p.reduced[i] {
			p.split[i] = per
		}
	}
	// Block counts per level along every axis.
	cur := slices.Clone(nb)
	p.levels = [][]int{slices.Clone(cur)}
	for {
		done := true
		for i := range cur {
			if p.reduced[i] && cur[i] > 1 {
				done = false
			}
		}
		if done {
			break
		}
		next := slices.Clone(cur)
		for i := range cur {
			if p.reduced[i] {
				next[i] = (cur[i] + p.split[i] - 1) / p.split[i]
			}
		}
		p.levels = append(p.levels, next)
		cur = next
	}
	// Output grid: kept axes keep their chunks; reduced ones become 1 or go.
	var outAxes []chunk.Axis
	one, _ := chunk.RegularAxis(1, 1)
	shape := a.Shape()
	for i := range rank {
		switch {
		case !p.reduced[i]:
			outAxes = append(outAxes, a.Grid().Axis(i))
			p.outShape = append(p.outShape, shape[i])
		case cfg.keepDims:
			outAxes = append(outAxes, one)
			p.outShape = append(p.outShape, 1)
		}
	}
	grid, err := chunk.NewGridAxes(outAxes)
	if err != nil {
		return ndarray.Errored(err)
	}
	p.token = ndarray.Token(string(k), a.Name(), fmt.Sprint(axes, cfg.keepDims, cfg.splitEvery, cfg.ddof))
	return ndarray.NewArray(p.outDT, grid, p.token, p)
}

// BlockTask builds the combine tree for output block oidx.
func (p *plan) BlockTask(b *ndarray.Builder, out *ndarray.Array, oidx []int) (cluster.Task, error) {
	rank := len(p.reduced)
	// Index of the top level block along every input axis.
	top := make([]int, rank)
	j := 0
	for i := range rank {
		if !p.reduced[i] {
			top[i] = oidx[j]
			j++
		} else if p.cfg.keepDims {
			j++
		}
	}
	// The combine tree of this output block reads every input block along
	// the reduced axes: refuse a tree larger than the builder's room before
	// building any of it.
	need := 1
	for i, n := range p.levels[0] {
		if p.reduced[i] {
			if need > math.MaxInt/n {
				need = math.MaxInt
				break
			}
			need *= n
		}
	}
	if err := b.Reserve(need, fmt.Sprintf("reduce.%s of %s (shape %v)", p.k, p.src.Name(), p.src.Shape())); err != nil {
		return cluster.Task{}, err
	}
	last := len(p.levels) - 1
	key, err := p.levelKey(b, last, top)
	if err != nil {
		return cluster.Task{}, err
	}
	pshape := p.partialShape(top)
	return cluster.Task{
		Op:     &finalizeOp{Reduction: string(p.k), DType: p.outDT, DDOF: p.cfg.ddof, Shape: outBlockShape(pshape, p.reduced, p.cfg.keepDims)},
		Inputs: []cluster.Key{key},
		Bytes:  int64(prod(pshape)) * int64(p.outDT.Size()),
	}, nil
}

func prod(s []int) int {
	n := 1
	for _, x := range s {
		n *= x
	}
	return n
}

func outBlockShape(pshape []int, reduced []bool, keep bool) []int {
	var s []int
	for i, n := range pshape {
		if !reduced[i] || keep {
			s = append(s, n)
		}
	}
	return s
}

// partialShape is the shape of partials for input block index idx (any
// level): kept axes have the block's extent, reduced axes 1.
func (p *plan) partialShape(idx []int) []int {
	s := make([]int, len(idx))
	g := p.src.Grid()
	for i := range idx {
		if p.reduced[i] {
			s[i] = 1
		} else {
			s[i] = g.AxisChunkSize(i, idx[i])
		}
	}
	return s
}

func (p *plan) levelKey(b *ndarray.Builder, level int, idx []int) (cluster.Key, error) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s-l%d(", p.token, level)
	for i, x := range idx {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprint(&sb, x)
	}
	sb.WriteByte(')')
	key := cluster.Key(sb.String())
	g := b.Graph()
	if g.Has(key) {
		return key, nil
	}
	pshape := p.partialShape(idx)
	pbytes := int64(prod(pshape)) * p.elemBytes
	if level == 0 {
		fb, inputs, err := b.FusedBlock(p.src, idx)
		if err != nil {
			return "", err
		}
		op := &partialOp{Reduction: string(p.k), Kernel: fb, Reduced: p.reduced, Shape: p.src.Shape()}
		t := cluster.Task{Key: key, Op: op, Inputs: inputs, Bytes: pbytes, Scratch: fb.Scratch()}
		return key, g.Add(t)
	}
	// children: the previous level's blocks covered by this one
	prev := p.levels[level-1]
	lo := make([]int, len(idx))
	cnt := make([]int, len(idx))
	for i := range idx {
		if p.reduced[i] {
			lo[i] = idx[i] * p.split[i]
			cnt[i] = min(p.split[i], prev[i]-lo[i])
		} else {
			lo[i], cnt[i] = idx[i], 1
		}
	}
	var inputs []cluster.Key
	child := make([]int, len(idx))
	var rec func(a int) error
	rec = func(a int) error {
		if a == len(idx) {
			k, err := p.levelKey(b, level-1, child)
			if err != nil {
				return err
			}
			inputs = append(inputs, k)
			return nil
		}
		for c := range cnt[a] {
			child[a] = lo[a] + c
			if err := rec(a + 1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := rec(0); err != nil {
		return "", err
	}
	t := cluster.Task{Key: key, Op: &combineOp{Reduction: string(p.k)}, Inputs: inputs, Bytes: pbytes}
	return key, g.Add(t)
}
