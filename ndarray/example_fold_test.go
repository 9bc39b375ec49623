package ndarray_test

import (
	"context"
	"fmt"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// countAboveOp is a tiny fused reduction: the number of elements of one
// block of a lazy array above a threshold. It carries the block's program
// as plain data (so the task encodes to JSON and runs on any worker) and
// folds it tile by tile: the block itself never exists in memory.
type countAboveOp struct {
	Block ndarray.FusedBlock
	Above float64
}

func init() {
	cluster.Register("example.countabove", func() cluster.Op { return &countAboveOp{} })
}

func (*countAboveOp) Kind() string { return "example.countabove" }

func (o *countAboveOp) Run(ctx context.Context, in []cluster.Value) (cluster.Value, error) {
	f := &countFolder{above: o.Above}
	if err := o.Block.Fold(ctx, in, f); err != nil {
		return nil, err
	}
	return count(f.n), nil
}

// count is the op's result, a cluster.Value.
type count int64

func (count) Nbytes() int64 { return 8 }

// countFolder is the ndarray.Folder: it sees each span of the block once.
type countFolder struct {
	above float64
	n     int64
}

func (f *countFolder) Fold(s *ndarray.Span) error {
	v, ok := s.Values.([]float64)
	if !ok {
		return fmt.Errorf("countabove: %T values, want []float64", s.Values)
	}
	for _, x := range v {
		if x > f.above {
			f.n++
		}
	}
	return nil
}

// ExampleFolder adds a fused reduction through the hook: one task per
// block of 2*arange(0, 2500, 0.5), each folding its block's expression.
func ExampleFolder() {
	ctx := context.Background()
	a := ndarray.Arange(0, 2500, 0.5, chunk.Uniform(2100)).Mul(2) // 5000 elements, 3 blocks
	b := ndarray.NewBuilder()
	var want []cluster.Key
	for i := range a.Grid().NumBlocks()[0] {
		fb, inputs, err := b.FusedBlock(a, []int{i})
		if err != nil {
			fmt.Println(err)
			return
		}
		key := cluster.Key(fmt.Sprintf("countabove(%s,%d)", a.Name(), i))
		t := cluster.Task{Key: key, Op: &countAboveOp{Block: fb, Above: 2000}, Inputs: inputs, Bytes: 8, Scratch: fb.Scratch()}
		if err := b.Graph().Add(t); err != nil {
			fmt.Println(err)
			return
		}
		want = append(want, key)
	}
	var total int64
	err := cluster.NewLocal(cluster.LocalOptions{}).Run(ctx, b.Graph(), want, func(_ cluster.Key, v cluster.Value) error {
		total += int64(v.(count)) // emit is called from one goroutine
		return nil
	})
	fmt.Println(total, err)
	// Output: 2999 <nil>
}
