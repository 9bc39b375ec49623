package ndarray

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// ErrUnknownFunc reports a block function name that no RegisterFunc or
// RegisterBlockFunc call made known in this binary.
var ErrUnknownFunc = errors.New("ndarray: unknown block function")

// ErrParams reports block-function parameters that cannot be encoded to
// JSON (at MapBlocks or MapOverlap, on the returned Array) or decoded into
// the parameter type the function was registered with (on the returned
// Array when MapBlocks can tell, else when the task runs). The error is a
// *ParamsError naming the function.
var ErrParams = errors.New("ndarray: bad block function parameters")

// ParamsError is the typed form of ErrParams: Func is the block function,
// Type the Go type its parameters decode into (empty when encoding
// failed), Err the cause from encoding/json.
type ParamsError struct {
	Func string
	Type string
	Err  error
}

// Error says which function's parameters failed and why.
func (e *ParamsError) Error() string {
	if e.Type == "" {
		return fmt.Sprintf("%v: encoding the parameters of %q: %v", ErrParams, e.Func, e.Err)
	}
	return fmt.Sprintf("%v: decoding the parameters of %q into %s: %v", ErrParams, e.Func, e.Type, e.Err)
}

// Unwrap returns the cause.
func (e *ParamsError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrParams) true for a *ParamsError.
func (e *ParamsError) Is(target error) bool { return target == ErrParams }

// BlockInfo tells a block function where its block lies.
type BlockInfo struct {
	// Index is the output block's index in the output grid.
	Index []int
	// Box is the output block's region of the output array (for
	// MapOverlap, the core region without halo).
	Box chunk.Box
	// ArrayShape is the whole output array's shape.
	ArrayShape []int
	// Halo is, for MapOverlap, the halo actually present on each side of
	// each axis of the input block ({before, after}); it is smaller than the
	// depth at the array's edges under BoundaryNone. Nil for MapBlocks.
	Halo [][2]int
	// Params is the JSON encoding of the params given to MapBlocks or
	// MapOverlap (nil when they were nil). Functions registered with
	// RegisterBlockFunc get them decoded as well.
	Params []byte
}

// BlockFunc computes one output block from the matching input blocks. It
// must not modify or retain its inputs, must be safe for concurrent calls,
// and must return a block of the declared dtype and shape (the output
// block's shape; for MapOverlap without NoTrim, the input's halo'd shape).
// Its parameters arrive as JSON in info.Params; RegisterBlockFunc decodes
// them into a typed value instead.
type BlockFunc func(ctx context.Context, in []*block.Dense, info BlockInfo) (*block.Dense, error)

// registered is one entry of the block-function registry: the function
// and, for typed functions, a check that params decode into their type.
type registered struct {
	fn    BlockFunc
	check func(params []byte) error // nil: raw params, anything goes
}

var funcs = struct {
	sync.RWMutex
	m map[string]registered
}{m: map[string]registered{}}

func register(caller, name string, r registered) {
	funcs.Lock()
	defer funcs.Unlock()
	if name == "" || r.fn == nil {
		panic(caller + ": empty name or nil func")
	}
	if _, dup := funcs.m[name]; dup {
		panic(caller + ": duplicate function " + name)
	}
	funcs.m[name] = r
}

// RegisterFunc makes a block function known by name, so that graphs naming
// it run here and on any worker running this binary (bigslice's pattern).
// The function reads its parameters, if any, as JSON from info.Params;
// RegisterBlockFunc is the typed form. Call it from init; it panics on an
// empty name, a nil func, or a name already registered.
func RegisterFunc(name string, fn BlockFunc) {
	register("ndarray.RegisterFunc", name, registered{fn: fn})
}

// RegisterBlockFunc makes a block function with parameters of type P known
// by name, like RegisterFunc. The params value given to MapBlocks or
// MapOverlap travels in the task as JSON and is decoded into a fresh P on
// whichever process runs the task; a nil params value gives P's zero value.
// Parameters that do not decode into P are a *ParamsError (ErrParams) on
// the Array MapBlocks returns, or from the task if a graph built elsewhere
// carries them. Call it from init; it panics on an empty name, a nil func,
// or a name already registered.
func RegisterBlockFunc[P any](name string, fn func(ctx context.Context, in []*block.Dense, p P, info BlockInfo) (*block.Dense, error)) {
	if fn == nil {
		panic("ndarray.RegisterBlockFunc: empty name or nil func")
	}
	decode := func(params []byte) (P, error) {
		var p P
		if len(params) == 0 {
			return p, nil
		}
		if err := json.Unmarshal(params, &p); err != nil {
			return p, &ParamsError{Func: name, Type: fmt.Sprintf("%T", p), Err: err}
		}
		return p, nil
	}
	register("ndarray.RegisterBlockFunc", name, registered{
		fn: func(ctx context.Context, in []*block.Dense, info BlockInfo) (*block.Dense, error) {
			p, err := decode(info.Params)
			if err != nil {
				return nil, err
			}
			return fn(ctx, in, p, info)
		},
		check: func(params []byte) error { _, err := decode(params); return err },
	})
}

func lookup(name string) (registered, error) {
	funcs.RLock()
	r, ok := funcs.m[name]
	funcs.RUnlock()
	if !ok {
		return registered{}, fmt.Errorf("%w %q (register it with ndarray.RegisterFunc or RegisterBlockFunc in an init function)", ErrUnknownFunc, name)
	}
	return r, nil
}

// LookupFunc returns the function registered under name (a typed function
// as the BlockFunc that decodes its parameters), or an error wrapping
// ErrUnknownFunc.
func LookupFunc(name string) (BlockFunc, error) {
	r, err := lookup(name)
	return r.fn, err
}

// FuncNames lists the names of the registered block functions, sorted
// (what a worker binary can run by name); safe for concurrent use.
func FuncNames() []string {
	funcs.RLock()
	defer funcs.RUnlock()
	names := make([]string, 0, len(funcs.m))
	for n := range funcs.m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// encodeParams is the JSON of params for the function name, checked to
// decode into its parameter type: nil for nil params, a *ParamsError when
// they do not encode or decode.
func encodeParams(name string, params any) ([]byte, error) {
	r, err := lookup(name)
	if err != nil {
		return nil, err
	}
	if params == nil {
		return nil, nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, &ParamsError{Func: name, Err: err}
	}
	if r.check != nil {
		if err := r.check(b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// mapBlocksOp runs a registered block function on one block. It is a
// plain struct: the function travels by name, its parameters as JSON.
type mapBlocksOp struct {
	Func       string
	Params     []byte    `json:",omitempty"`
	Index      []int     // output block index
	Box        chunk.Box // output (core) region
	ArrayShape []int
	DType      block.DType
	Shape      []int    // the shape the function must return
	Halo       [][2]int `json:",omitempty"` // MapOverlap: trimmed from the result unless NoTrim
	Trim       bool     `json:",omitempty"`
}

// Kind is the op's registered name, "ndarray.mapblocks".
func (*mapBlocksOp) Kind() string { return "ndarray.mapblocks" }

// UnmarshalJSON decodes the op and refuses an unregistered function name
// (ErrUnknownFunc), so a worker missing the function fails at decode time.
func (o *mapBlocksOp) UnmarshalJSON(b []byte) error {
	type plain mapBlocksOp
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	_, err := LookupFunc(o.Func)
	return err
}

// Run calls the function and checks that it kept its contract: dtype and
// shape as declared (ErrDTypeMismatch, ErrShape otherwise).
func (o *mapBlocksOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	fn, err := LookupFunc(o.Func)
	if err != nil {
		return nil, err
	}
	blocks := make([]*block.Dense, len(in))
	for i, v := range in {
		d, ok := v.(*block.Dense)
		if !ok {
			return nil, fmt.Errorf("ndarray.mapblocks: input %d is %T", i, v)
		}
		blocks[i] = d
	}
	out, err := fn(ctx, blocks, BlockInfo{Index: o.Index, Box: o.Box, ArrayShape: o.ArrayShape, Halo: o.Halo, Params: o.Params})
	if err != nil {
		return nil, fmt.Errorf("block function %s at %v: %w", o.Func, o.Box, err)
	}
	if out == nil {
		return nil, fmt.Errorf("block function %s at %v returned no block", o.Func, o.Box)
	}
	for _, b := range blocks {
		if b == out || block.Overlaps(b, out) {
			b.Share() // the function passed (part of) its input through
		}
	}
	if out.DType() != o.DType {
		return nil, fmt.Errorf("%w: block function %s returned %s, declared %s", block.ErrDTypeMismatch, o.Func, out.DType(), o.DType)
	}
	if !chunk.EqualShape(out.Shape(), o.Shape) {
		return nil, fmt.Errorf("%w: block function %s returned shape %v at %v, expected %v", block.ErrShape, o.Func, out.Shape(), o.Box, o.Shape)
	}
	if o.Trim && len(o.Halo) > 0 {
		box := chunk.Box{Lo: make([]int, len(o.Halo)), Hi: make([]int, len(o.Halo))}
		for i, h := range o.Halo {
			box.Lo[i] = h[0]
			box.Hi[i] = out.Shape()[i] - h[1]
		}
		t, _, err := newBlock(ctx, out.DType(), box.Shape())
		if err != nil {
			return nil, err
		}
		if err := block.CopyBox(t, chunk.BoxOf(t.Shape()), out, box); err != nil {
			return nil, err
		}
		out.Recycle() // the untrimmed result is ours alone unless it shares an input
		return t, nil
	}
	return out, nil
}

// MapBlocks applies the registered function name to matching blocks of
// inputs, which must share one shape (ErrShape); inputs chunked unlike the
// first are rechunked to its chunks. The result has dtype dt and the chunks
// given (nil: the first input's), which must have the same number of blocks
// per axis as the inputs; the function must return blocks of exactly those
// shapes. With no inputs the function is a source: chunks are required and
// give the shape, and the function gets an empty input list. ErrUnknownFunc
// when name is
// not registered; ErrParams (a *ParamsError) when params do not encode
// to JSON or do not decode into the function's parameter type.
//
// params is any value encoding/json encodes (nil for none; a
// json.RawMessage passes through as is, while a []byte becomes a base64
// JSON string as encoding/json makes it); it travels in every task as JSON
// and reaches the function decoded (RegisterBlockFunc) or as
// BlockInfo.Params (RegisterFunc).
func MapBlocks(name string, inputs []*Array, dt block.DType, chunks [][]int, params any) *Array {
	pj, err := encodeParams(name, params)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.MapBlocks: %w", err))
	}
	if !dt.Valid() {
		return Errored(fmt.Errorf("%w: %d", block.ErrDType, uint8(dt)))
	}
	if len(inputs) == 0 {
		if chunks == nil {
			return Errored(fmt.Errorf("%w: MapBlocks with no input needs chunks", ErrOperand))
		}
		g, err := chunk.NewGrid(chunks)
		if err != nil {
			return Errored(fmt.Errorf("ndarray.MapBlocks: %w", err))
		}
		return NewArray(dt, g, fmt.Sprintf("mapblocks %s %s %x", name, dt, pj), &mapLayer{name: name, params: pj})
	}
	ins := make([]*Array, len(inputs))
	tok := fmt.Sprintf("mapblocks %s %s %x %v", name, dt, pj, chunks)
	for i, x := range inputs {
		if x == nil {
			return Errored(fmt.Errorf("%w: nil *Array", ErrOperand))
		}
		if err := x.Err(); err != nil {
			return Errored(err)
		}
		if !chunk.EqualShape(x.grid.Shape(), inputs[0].grid.Shape()) {
			return Errored(fmt.Errorf("%w: MapBlocks inputs of shape %v and %v", block.ErrShape, inputs[0].grid.Shape(), x.grid.Shape()))
		}
		ins[i] = x.rechunkTo(inputs[0].grid)
		if ins[i].err != nil {
			return ins[i]
		}
		tok += " " + ins[i].name
	}
	grid := ins[0].grid
	if chunks != nil {
		g, err := chunk.NewGrid(chunks)
		if err != nil {
			return Errored(fmt.Errorf("ndarray.MapBlocks: %w", err))
		}
		if !chunk.EqualShape(g.NumBlocks(), grid.NumBlocks()) {
			return Errored(fmt.Errorf("%w: MapBlocks output has %v blocks, inputs %v", ErrChunks, g.NumBlocks(), grid.NumBlocks()))
		}
		grid = g
	}
	return NewArray(dt, grid, tok, &mapLayer{name: name, params: pj, srcs: ins})
}

// mapLayer is the layer of MapBlocks and MapOverlap: one mapBlocksOp task
// per output block over the matching blocks of srcs.
type mapLayer struct {
	name   string
	params []byte // JSON, nil for none
	srcs   []*Array
	halo   []axisMap // per axis, for MapOverlap (mapHalo)
	noTrim bool
}

// BlockTask is the mapBlocksOp task of output block idx over block idx
// of every source (the halo'd block for MapOverlap).
func (l *mapLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	keys := make([]cluster.Key, len(l.srcs))
	for i, s := range l.srcs {
		k, err := b.Key(s, idx)
		if err != nil {
			return cluster.Task{}, err
		}
		keys[i] = k
	}
	box := a.grid.BlockBox(idx)
	op := &mapBlocksOp{Func: l.name, Params: l.params, Index: slices.Clone(idx), Box: box, ArrayShape: a.grid.Shape(), DType: a.dtype, Shape: box.Shape()}
	bytes := box.Size() * int64(a.dtype.Size())
	scratch := int64(0)
	if l.halo != nil {
		op.Halo = make([][2]int, len(idx))
		for d, i := range idx {
			m := &l.halo[d]
			lo, hi := box.Lo[d], box.Hi[d]
			from, to := haloRange(lo, hi, m.dep, m.n, m.clip)
			op.Halo[d] = [2]int{lo - from, to - hi}
			_ = i
		}
		if !l.noTrim {
			op.Trim = true
			op.Shape = l.srcs[0].grid.BlockShape(idx)
			scratch = chunk.Size(op.Shape) * int64(a.dtype.Size())
		}
	}
	return cluster.Task{Op: op, Inputs: keys, Bytes: bytes, Scratch: scratch}, nil
}

// Boundary selects how MapOverlap fills the halo beyond the array's edges.
type Boundary uint8

// Boundary modes, dask's names (map_overlap's boundary argument). The
// examples give a halo of 2 beyond the edges of [1 2 3].
const (
	// BoundaryReflect mirrors the array including the edge element (dask's
	// "reflect", numpy's "symmetric"): 2 1 | 1 2 3 | 3 2. It is the zero
	// Boundary.
	BoundaryReflect Boundary = iota
	// BoundaryPeriodic wraps around to the other end of the axis (dask's
	// "periodic", numpy's "wrap"): 2 3 | 1 2 3 | 1 2.
	BoundaryPeriodic
	// BoundaryNearest repeats the edge element (dask's "nearest", numpy's
	// "edge"): 1 1 | 1 2 3 | 3 3.
	BoundaryNearest
	// BoundaryConstant fills the halo with Overlap.Value (dask's
	// "constant"): 0 0 | 1 2 3 | 0 0 for a Value of 0.
	BoundaryConstant
	// BoundaryNone adds no halo at the array's edges (dask's "none"): edge
	// blocks get a smaller input, and BlockInfo.Halo says how much halo
	// each side has.
	BoundaryNone
)

// String is the mode's dask name: "reflect", "periodic", "nearest",
// "constant" or "none" (also for values past BoundaryNone).
func (m Boundary) String() string {
	return [...]string{"reflect", "periodic", "nearest", "constant", "none"}[min(int(m), 4)]
}

// Overlap configures MapOverlap.
type Overlap struct {
	// Depth is the halo width on each side, per axis (0: none).
	Depth []int
	// Boundary fills the halo beyond the array's edges.
	Boundary Boundary
	// Value is the fill of BoundaryConstant; it must fit the dtype.
	Value float64
	// NoTrim makes the function return the core block itself (its output
	// shape is the output block's); by default it returns a block of its
	// input's halo'd shape and the halo is trimmed off (dask's trim=True).
	NoTrim bool
}

// MapOverlap applies the registered function name to each block of a
// extended by a halo of ov.Depth elements per side, taken from the
// neighbouring blocks (only the slabs needed, as tasks of their own) or,
// past the array's edges, made by ov.Boundary; the result is trimmed back
// to the block (unless ov.NoTrim) and has a's chunks and dtype dt. This is
// the focal operation of raster work: a 3x3 mean is depth {1, 1}.
// params is handled as by MapBlocks. Errors: ErrUnknownFunc, ErrParams,
// ErrShape for a depth list of the wrong rank or a negative depth.
func MapOverlap(name string, a *Array, dt block.DType, ov Overlap, params any) *Array {
	pj, err := encodeParams(name, params)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.MapOverlap: %w", err))
	}
	if a == nil || a.err != nil {
		if a == nil {
			return Errored(fmt.Errorf("%w: nil *Array", ErrOperand))
		}
		return a
	}
	if !dt.Valid() {
		return Errored(fmt.Errorf("%w: %d", block.ErrDType, uint8(dt)))
	}
	r := a.Rank()
	if len(ov.Depth) != r {
		return Errored(fmt.Errorf("%w: %d depths for rank %d", block.ErrShape, len(ov.Depth), r))
	}
	if ov.Boundary > BoundaryNone {
		return Errored(fmt.Errorf("ndarray.MapOverlap: unknown boundary %d", ov.Boundary))
	}
	fill := 0.0
	if ov.Boundary == BoundaryConstant {
		if err := block.Must(a.dtype, 1).FillChecked(ov.Value); err != nil {
			return Errored(fmt.Errorf("ndarray.MapOverlap: %w", err))
		}
		fill = ov.Value
	}
	mode := [...]PadMode{PadSymmetric, PadWrap, PadEdge, PadConstant, PadConstant}[ov.Boundary]
	shape := a.grid.Shape()
	clip := ov.Boundary == BoundaryNone
	maps := make([]axisMap, r)
	axes := make([]chunk.Axis, r)
	srcAxis, fixed := make([]int, r), make([]int, r)
	for d := range r {
		dep := ov.Depth[d]
		if dep < 0 {
			return Errored(fmt.Errorf("%w: negative depth %d on axis %d", block.ErrShape, dep, d))
		}
		if dep > (math.MaxInt-shape[d])/2 {
			return Errored(fmt.Errorf("%w: depth %d on axis %d of length %d overflows", block.ErrShape, dep, d, shape[d]))
		}
		srcAxis[d], fixed[d] = d, -1
		maps[d] = axisMap{kind: mapHalo, dep: dep, n: shape[d], mode: mode, clip: clip}
		ax, err := haloAxis(a.grid.Axis(d), dep, shape[d], clip)
		if err != nil {
			return Errored(fmt.Errorf("ndarray.MapOverlap: axis %d: %w", d, err))
		}
		axes[d] = ax
	}
	hg, err := chunk.NewGridAxes(axes)
	if err != nil {
		return Errored(err)
	}
	hl := &oindexLayer{src: a, srcAxis: srcAxis, maps: maps, fixed: fixed, fill: fill, slabs: true}
	ha := NewArray(a.dtype, hg, fmt.Sprint("halo ", ov.Depth, ov.Boundary, ov.Value, " ", a.name), hl)
	tok := fmt.Sprintf("mapoverlap %s %s %x %v %v %v %v %s", name, dt, pj, ov.Depth, ov.Boundary, ov.Value, ov.NoTrim, a.name)
	return NewArray(dt, a.grid, tok, &mapLayer{name: name, params: pj, srcs: []*Array{ha}, halo: maps, noTrim: ov.NoTrim})
}

// haloAxis is the axis of the halo'd blocks: chunk i of ax widened by dep
// on each side (clipped to [0, n) when clip). Every chunk grows by 2*dep
// except, when clip, the chunks within dep of the array's edges, which are
// listed; the rest is mapped run by run (chunkRuns), so a regular axis, a
// concatenation or a unit-step slice of such axes costs O(pieces), and only
// chunks sliced with a step or listed by the user are walked one by one.
// ErrShape when a list would exceed chunk.MaxListChunks.
func haloAxis(ax chunk.Axis, dep, n int, clip bool) (chunk.Axis, error) {
	if n == 0 {
		return chunk.Axis{}, nil
	}
	k := ax.NumChunks()
	size := func(i int) int {
		from, to := haloRange(ax.Start(i), ax.Start(i+1), dep, n, clip)
		return to - from
	}
	list := func(lo, hi int) (chunk.Axis, error) {
		if hi-lo > chunk.MaxListChunks {
			return chunk.Axis{}, fmt.Errorf("%w: %d halo chunks to list, more than %d", block.ErrShape, hi-lo, chunk.MaxListChunks)
		}
		if hi == lo {
			return chunk.Axis{}, nil
		}
		s := make([]int, hi-lo)
		for i := range s {
			s[i] = size(lo + i)
		}
		return chunk.ListAxis(s)
	}
	// Chunks [h, k-t) reach neither edge: they grow by exactly 2*dep.
	h, t := 0, 0
	if clip && dep > 0 {
		h = ax.Block(min(dep, n)-1) + 1 // chunks starting before dep
		t = k - ax.Block(max(n-dep, 0)) // chunks ending after n-dep
	}
	if h+t >= k {
		return list(0, k)
	}
	mid, err := ax.Slice(ax.Start(h), 1, ax.Start(k-t)-ax.Start(h))
	if err != nil {
		return chunk.Axis{}, err
	}
	runs, err := chunkRuns(mid)
	if err != nil {
		return chunk.Axis{}, fmt.Errorf("%w: halo of %v: %w", block.ErrShape, ax, err)
	}
	for i := range runs {
		runs[i].size += 2 * dep
	}
	body, err := axisOfRuns(runs)
	if err != nil {
		return chunk.Axis{}, err
	}
	head, err := list(0, h)
	if err != nil {
		return chunk.Axis{}, err
	}
	tail, err := list(k-t, k)
	if err != nil {
		return chunk.Axis{}, err
	}
	return chunk.ConcatAxes(head, body, tail)
}

func init() {
	cluster.Register("ndarray.mapblocks", func() cluster.Op { return &mapBlocksOp{} })
}
