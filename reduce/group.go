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

// ErrGroupCodes reports group codes that do not fit a grouped reduction:
// a code count other than the axis length, a code below -1 or not below
// the number of groups, or a negative number of groups.
var ErrGroupCodes = errors.New("reduce: bad group codes")

// GroupKind names a grouped reduction of [GroupReduce]. The "nan" kinds
// skip NaN; the others let it propagate (numpy's rules, as flox).
type GroupKind string

// Grouped reductions.
const (
	GroupSum      GroupKind = "sum"
	GroupNanSum   GroupKind = "nansum"
	GroupProd     GroupKind = "prod"
	GroupNanProd  GroupKind = "nanprod"
	GroupMean     GroupKind = "mean"
	GroupNanMean  GroupKind = "nanmean"
	GroupVar      GroupKind = "var"
	GroupNanVar   GroupKind = "nanvar"
	GroupStd      GroupKind = "std"
	GroupNanStd   GroupKind = "nanstd"
	GroupMin      GroupKind = "min"
	GroupNanMin   GroupKind = "nanmin"
	GroupMax      GroupKind = "max"
	GroupNanMax   GroupKind = "nanmax"
	GroupCount    GroupKind = "count" // values that are not NaN
	GroupFirst    GroupKind = "first"
	GroupNanFirst GroupKind = "nanfirst"
	GroupLast     GroupKind = "last"
	GroupNanLast  GroupKind = "nanlast"
	GroupAny      GroupKind = "any"
	GroupAll      GroupKind = "all"
)

// gfamily is the partial representation a kind uses.
func (k GroupKind) gfamily() string {
	switch k {
	case GroupSum, GroupNanSum, GroupMean, GroupNanMean, GroupCount:
		return "sum"
	case GroupProd, GroupNanProd:
		return "prod"
	case GroupVar, GroupNanVar, GroupStd, GroupNanStd:
		return "var"
	case GroupMin, GroupNanMin, GroupMax, GroupNanMax:
		return "minmax"
	case GroupFirst, GroupNanFirst, GroupLast, GroupNanLast:
		return "firstlast"
	case GroupAny, GroupAll:
		return "anyall"
	}
	return ""
}

func (k GroupKind) skipNaN() bool { return strings.HasPrefix(string(k), "nan") || k == GroupCount }

// groupOutDType is the result dtype: numpy's for the reduction, widened
// to float64 for integer input when some group is empty and the
// reduction has no value for an empty group (NaN, as flox fills).
func groupOutDType(k GroupKind, in block.DType, someEmpty bool) block.DType {
	switch k.gfamily() {
	case "sum", "prod":
		switch {
		case k == GroupCount:
			return block.Int64
		case k == GroupMean || k == GroupNanMean:
			if in.IsFloat() {
				return in
			}
			return block.Float64
		case in.IsFloat():
			return in
		case in.IsUnsigned():
			return block.Uint64
		}
		return block.Int64
	case "var":
		if in.IsFloat() {
			return in
		}
		return block.Float64
	case "minmax", "firstlast":
		if someEmpty && !in.IsFloat() {
			return block.Float64
		}
		return in
	}
	return block.Bool
}

// GroupReduce reduces a along axis by groups, as flox's map-reduce: codes
// holds one group code per position along the axis (-1 drops the
// position) and the result has ngroups entries along that axis, entry g
// reducing the positions whose code is g; other axes keep their chunks.
//
// Each input block is folded, tile by tile, into per-group partials (sums
// with compensation, counts, Welford means and squared deviations,
// extremes, first and last values); the partials of the blocks along the
// axis are merged in a tree of [SplitEvery] inputs, so the data are never
// rechunked and the memory of a task is its block's partial, ngroups times
// the other axes' block extents, whatever the size of a group. Each
// partial task carries only its block's codes.
//
// Results follow numpy per group: sum and prod keep float dtypes and give
// int64 (uint64) for integers, accumulated in float64 (exact to 2^53);
// mean, var and std give float64 for integers; count is int64; min, max,
// first and last keep the dtype; any and all give bool. A group with no
// member gives 0 (sum, count), 1 (prod), false (any), true (all) and NaN
// otherwise, with integer min/max/first/last then widened to float64.
// Var and Std take [DDOF]; n-ddof <= 0 gives NaN.
//
// Errors, on the returned array: [ErrGroupCodes], [ErrAxis], an unknown
// kind (wrapping [ndarray.ErrOpDType] for a non-numeric dtype).
func GroupReduce(a *ndarray.Array, axis int, codes []int, ngroups int, k GroupKind, opts ...Option) *ndarray.Array {
	if a == nil {
		return ndarray.Errored(errors.New("reduce: nil array"))
	}
	if err := a.Err(); err != nil {
		return a
	}
	if k.gfamily() == "" {
		return ndarray.Errored(fmt.Errorf("reduce: unknown grouped reduction %q", k))
	}
	cfg := config{splitEvery: 8}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.splitEvery < 2 {
		return ndarray.Errored(fmt.Errorf("reduce: split_every %d must be at least 2", cfg.splitEvery))
	}
	if cfg.ddof < 0 {
		return ndarray.Errored(fmt.Errorf("reduce: ddof %d must not be negative", cfg.ddof))
	}
	dt := a.DType()
	if !dt.IsNumeric() {
		return ndarray.Errored(fmt.Errorf("reduce.group %s of a %s array: %w: %w", k, dt, ndarray.ErrOpDType, &block.UnsupportedError{Op: string(k), DType: dt}))
	}
	rank := a.Rank()
	ax := axis
	if ax < 0 {
		ax += rank
	}
	if ax < 0 || ax >= rank {
		return ndarray.Errored(fmt.Errorf("%w: axis %d for an array of rank %d", ErrAxis, axis, rank))
	}
	if ngroups < 0 {
		return ndarray.Errored(fmt.Errorf("%w: %d groups", ErrGroupCodes, ngroups))
	}
	shape := a.Shape()
	if len(codes) != shape[ax] {
		return ndarray.Errored(fmt.Errorf("%w: %d codes for axis %d of length %d", ErrGroupCodes, len(codes), ax, shape[ax]))
	}
	seen := make([]bool, ngroups)
	for i, c := range codes {
		if c < -1 || c >= ngroups {
			return ndarray.Errored(fmt.Errorf("%w: code %d at position %d is outside [-1, %d)", ErrGroupCodes, c, i, ngroups))
		}
		if c >= 0 {
			seen[c] = true
		}
	}
	someEmpty := slices.Contains(seen, false)
	p := &groupPlan{k: k, src: a, axis: ax, codes: slices.Clone(codes), ngroups: ngroups, cfg: cfg,
		outDT: groupOutDType(k, dt, someEmpty)}
	n := a.Grid().NumBlocks()[ax]
	p.levels = []int{n}
	for n > 1 {
		n = (n + cfg.splitEvery - 1) / cfg.splitEvery
		p.levels = append(p.levels, n)
	}
	axes := slices.Clone(a.Grid().Axes())
	gax, err := chunk.RegularAxis(ngroups, max(ngroups, 1))
	if err != nil {
		return ndarray.Errored(err)
	}
	axes[ax] = gax
	grid, err := chunk.NewGridAxes(axes)
	if err != nil {
		return ndarray.Errored(err)
	}
	p.token = ndarray.Token("reduce.group", string(k), a.Name(), fmt.Sprint(ax, ngroups, codes, cfg.splitEvery, cfg.ddof))
	return ndarray.NewArray(p.outDT, grid, p.token, p)
}

// groupPlan is the geometry of one grouped reduction.
type groupPlan struct {
	k       GroupKind
	src     *ndarray.Array
	axis    int
	codes   []int
	ngroups int
	cfg     config
	levels  []int // blocks along the axis per tree level
	token   string
	outDT   block.DType
}

// Inputs implements ndarray.LayerFusedInputs.
func (p *groupPlan) FusedInputs() []*ndarray.Array { return []*ndarray.Array{p.src} }

// Tasks implements ndarray.LayerTasks: per output block, one partial per
// input block along the axis, the combine tree, and the finaliser.
func (p *groupPlan) Tasks(a *ndarray.Array) int64 {
	nb := a.Grid().NumBlocks()
	outer := int64(1)
	for i, n := range nb {
		if i != p.axis {
			outer *= int64(n)
		}
	}
	per := int64(1)
	for _, n := range p.levels {
		per += int64(n)
	}
	return outer * per
}

// partialShape is the shape of the partials of input block idx.
func (p *groupPlan) partialShape(idx []int) []int {
	s := p.src.Grid().BlockShape(idx)
	s[p.axis] = p.ngroups
	return s
}

// BlockTask implements ndarray.Layer: the finaliser of output block oidx
// over the root of its combine tree.
func (p *groupPlan) BlockTask(b *ndarray.Builder, out *ndarray.Array, oidx []int) (cluster.Task, error) {
	need := 0
	for _, n := range p.levels {
		need += n
	}
	if err := b.Reserve(need, fmt.Sprintf("reduce.group %s of %s (shape %v)", p.k, p.src.Name(), p.src.Shape())); err != nil {
		return cluster.Task{}, err
	}
	top := slices.Clone(oidx)
	top[p.axis] = 0
	key, err := p.levelKey(b, len(p.levels)-1, top)
	if err != nil {
		return cluster.Task{}, err
	}
	ps := p.partialShape(top)
	return cluster.Task{
		Op:     &groupFinalizeOp{Reduction: string(p.k), DType: p.outDT, DDOF: p.cfg.ddof, Shape: ps},
		Inputs: []cluster.Key{key},
		Bytes:  chunk.Size(ps) * int64(p.outDT.Size()),
	}, nil
}

func (p *groupPlan) levelKey(b *ndarray.Builder, level int, idx []int) (cluster.Key, error) {
	key := cluster.Key(fmt.Sprintf("%s-l%d%v", p.token, level, idx))
	g := b.Graph()
	if g.Has(key) {
		return key, nil
	}
	ps := p.partialShape(idx)
	pbytes := chunk.Size(ps) * 8 * int64(groupFields(p.k))
	if level == 0 {
		fb, inputs, err := b.FusedBlock(p.src, idx)
		if err != nil {
			return "", err
		}
		off := p.src.Grid().AxisOffset(p.axis, idx[p.axis])
		n := p.src.Grid().AxisChunkSize(p.axis, idx[p.axis])
		op := &groupPartialOp{Reduction: string(p.k), Kernel: fb, Axis: p.axis, NGroups: p.ngroups, Codes: slices.Clone(p.codes[off : off+n])}
		return key, g.Add(cluster.Task{Key: key, Op: op, Inputs: inputs, Bytes: pbytes, Scratch: fb.Scratch()})
	}
	lo := idx[p.axis] * p.cfg.splitEvery
	cnt := min(p.cfg.splitEvery, p.levels[level-1]-lo)
	inputs := make([]cluster.Key, 0, cnt)
	child := slices.Clone(idx)
	for c := range cnt {
		child[p.axis] = lo + c
		k, err := p.levelKey(b, level-1, child)
		if err != nil {
			return "", err
		}
		inputs = append(inputs, k)
	}
	return key, g.Add(cluster.Task{Key: key, Op: &groupCombineOp{Reduction: string(p.k)}, Inputs: inputs, Bytes: pbytes})
}

// groupFields is how many float64 slices a partial of k holds.
func groupFields(k GroupKind) int {
	switch k.gfamily() {
	case "sum", "var":
		return 3
	case "minmax", "firstlast":
		return 2
	}
	return 1
}

// checkedProd is the product of s, or an error past MaxInt.
func checkedProd(s []int) (int, error) {
	n := 1
	for _, x := range s {
		if x < 0 || (x > 0 && n > math.MaxInt/x) {
			return 0, fmt.Errorf("reduce.group: shape %v too large", s)
		}
		n *= x
	}
	return n, nil
}
