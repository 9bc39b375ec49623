package ndarray

import (
	"context"
	"fmt"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

func gridFor(shape []int, spec chunk.Spec, dt block.DType) (*chunk.Grid, error) {
	if spec.All == nil && spec.Axes == nil {
		spec = chunk.Auto()
	}
	return spec.Normalize(shape, dt.Size(), chunk.NormalizeOptions{})
}

func generator(op string, dt block.DType, shape []int, spec chunk.Spec, f []float64, seed uint64) *Array {
	if err := chunk.CheckShape(shape); err != nil {
		return Errored(fmt.Errorf("ndarray.%s: %w", op, err))
	}
	grid, err := gridFor(shape, spec, dt)
	if err != nil {
		return Errored(fmt.Errorf("ndarray.%s: %w", op, err))
	}
	return exprArray(newNode(op, dt, shape, nil, f, seed, 0, nil), grid)
}

// Random returns uniform [0, 1) float64 values. Each value depends only on
// seed and its element's index in the array (a counter-based generator), so
// the same seed gives the same array for any chunking and any number of
// workers. A zero spec means chunk.Auto(), as everywhere (a generator has no
// chunks of its own to follow).
func Random(shape []int, spec chunk.Spec, seed uint64) *Array {
	return generator("random", block.Float64, shape, spec, nil, seed)
}

// RandomNormal returns standard normal float64 values, chunking-independent
// like Random.
func RandomNormal(shape []int, spec chunk.Spec, seed uint64) *Array {
	return generator("randn", block.Float64, shape, spec, nil, seed)
}

// Full returns an array of value converted to dt. The value must fit dt.
func Full(dt block.DType, value float64, shape []int, spec chunk.Spec) *Array {
	if !dt.Valid() {
		return Errored(fmt.Errorf("%w: %d", block.ErrDType, uint8(dt)))
	}
	probe := block.Must(dt, 1)
	if err := probe.FillChecked(value); err != nil {
		return Errored(fmt.Errorf("ndarray.Full: %w", err))
	}
	return generator("full", dt, shape, spec, []float64{value}, 0)
}

// Zeros returns an array of zeros of dt: Full(dt, 0, shape, spec).
func Zeros(dt block.DType, shape []int, spec chunk.Spec) *Array { return Full(dt, 0, shape, spec) }

// Ones returns an array of ones of dt: Full(dt, 1, shape, spec).
func Ones(dt block.DType, shape []int, spec chunk.Spec) *Array { return Full(dt, 1, shape, spec) }

// Arange returns start, start+step, ... below stop (above it for negative
// steps), numpy's arange: int64 when start and step are integral, float64
// otherwise.
func Arange(start, stop, step float64, spec chunk.Spec) *Array {
	if step == 0 || math.IsNaN(start+stop+step) || math.IsInf(start+stop+step, 0) {
		return Errored(fmt.Errorf("ndarray.Arange: invalid start %v stop %v step %v", start, stop, step))
	}
	steps := math.Ceil((stop - start) / step)
	if steps >= math.MaxInt64 || math.IsNaN(steps) {
		return Errored(fmt.Errorf("%w: ndarray.Arange(%v, %v, %v) has %v elements, more than an int holds", block.ErrShape, start, stop, step, steps))
	}
	n := max(int(steps), 0)
	dt := block.Float64
	if start == math.Trunc(start) && step == math.Trunc(step) && math.Abs(start) < 1<<53 && math.Abs(stop) < 1<<53 {
		dt = block.Int64
	}
	return generator("arange", dt, []int{n}, spec, []float64{start, step}, 0)
}

// Linspace returns num evenly spaced float64 values from start to stop,
// including stop when endpoint is true (numpy's linspace).
func Linspace(start, stop float64, num int, endpoint bool, spec chunk.Spec) *Array {
	if num < 0 {
		return Errored(fmt.Errorf("ndarray.Linspace: negative num %d", num))
	}
	div := float64(num)
	if endpoint {
		div = float64(num - 1)
	}
	step := 0.0
	if div > 0 {
		step = (stop - start) / div
	}
	end := 0.0
	if endpoint && num > 1 {
		end = stop // the last element is exactly stop
	}
	return generator("linspace", block.Float64, []int{num}, spec, []float64{start, step, end, float64(num)}, 0)
}

// FromDense makes a lazy array of an in-memory block, cut by spec. The
// block's data is copied into the graph (one literal task per chunk), so it
// suits small and medium arrays.
func FromDense(d *block.Dense, spec chunk.Spec) *Array {
	grid, err := gridFor(d.Shape(), spec, d.DType())
	if err != nil {
		return Errored(fmt.Errorf("ndarray.FromDense: %w", err))
	}
	if !d.HasBytes() {
		return Errored(fmt.Errorf("ndarray.FromDense: %w", &block.UnsupportedError{Op: "FromDense (a literal in the graph)", DType: d.DType()}))
	}
	h := Token("literal", d.DType().String(), fmt.Sprint(d.Shape()), string(d.Bytes()))
	return NewArray(d.DType(), grid, h, literalLayer{d: d})
}

// literalLayer cuts an in-memory block into one literal task per chunk.
type literalLayer struct{ d *block.Dense }

// BlockTask is a literal task holding the bytes of block idx.
func (l literalLayer) BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error) {
	box := a.grid.BlockBox(idx)
	sub, err := l.d.SubBlock(box)
	if err != nil {
		return cluster.Task{}, err
	}
	return cluster.Task{Op: &literalOp{DType: sub.DType(), Shape: sub.Shape(), Data: sub.Bytes()}, Bytes: sub.Nbytes()}, nil
}

// literalOp produces a block held in the graph itself (the task's JSON
// carries DType, Shape and Data).
type literalOp struct {
	DType block.DType
	Shape []int
	Data  []byte
}

// Kind is the op's registered name, "ndarray.literal".
func (*literalOp) Kind() string { return "ndarray.literal" }

// Run decodes the block; it is an error when Data does not fill Shape.
func (o *literalOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	return block.FromBytes(o.DType, o.Data, o.Shape...)
}

// identityOp passes its single input through (used to give persisted
// blocks keys of their own).
type identityOp struct{}

// Kind is the op's registered name, "ndarray.identity".
func (*identityOp) Kind() string { return "ndarray.identity" }

// Run returns its one input, marked shared so the executor does not
// recycle it under the consumer that still holds it.
func (*identityOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("ndarray.identity: %d inputs", len(in))
	}
	if d, ok := in[0].(*block.Dense); ok {
		d.Share()
	}
	return in[0], nil
}

func init() {
	cluster.Register("ndarray.literal", func() cluster.Op { return &literalOp{} })
	cluster.Register("ndarray.identity", func() cluster.Op { return &identityOp{} })
}
