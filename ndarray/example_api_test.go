package ndarray_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/reduce"
)

func ExampleFull() {
	// Creation: nothing is computed until asked for.
	a := ndarray.Full(block.Int16, 7, []int{2, 3}, chunk.PerAxis(1, 2))
	b := ndarray.Arange(0, 1, 0.25, chunk.Uniform(2)) // float64: the step is fractional
	c := ndarray.Linspace(0, 1, 3, true, chunk.Spec{})
	fmt.Println(a.DType(), a.Shape(), a.Chunks())
	fmt.Println(b.DType(), b.Shape(), c.Shape())
	d, _ := a.Compute(context.Background())
	fmt.Println(block.Values[int16](d))
	// Output:
	// int16 [2 3] [[1 1] [2 1]]
	// float64 [4] [3]
	// [7 7 7 7 7 7]
}

func ExampleAdd() {
	// Elementwise with numpy broadcasting, fused into one task per block.
	x, _ := block.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	col, _ := block.FromSlice([]float64{10, 20}, 2, 1)
	a := ndarray.FromDense(x, chunk.PerAxis(1, 3))
	y := ndarray.Add(a.Mul(2), ndarray.FromDense(col, chunk.PerAxis(1, 1)))
	d, _ := y.Compute(context.Background())
	fmt.Println(y.Shape(), block.Values[float64](d))
	// Output: [2 3] [12 14 16 28 30 32]
}

func ExampleArray_Float64() {
	// A scalar result in one call: no 0-d block to unpack.
	a := ndarray.Random([]int{1000, 1000}, chunk.PerAxis(250, 500), 42)
	mean, err := reduce.Mean(a).Float64(context.Background())
	fmt.Printf("%.3f %v\n", mean, err)
	_, err = a.Float64(context.Background()) // a million elements, not one
	fmt.Println(errors.Is(err, block.ErrShape))
	// Output:
	// 0.500 <nil>
	// true
}

func ExampleArray_Int64() {
	a := ndarray.Arange(0, 10, 1, chunk.Uniform(3))
	n, err := reduce.Count(ndarray.Greater(a, 6)).Int64(context.Background())
	fmt.Println(n, err)
	// Output: 10 <nil>
}

func ExampleScalar() {
	a := ndarray.Arange(0, 10, 1, chunk.Uniform(3)) // int64
	s, err := ndarray.Scalar[int64](context.Background(), reduce.Sum(a))
	fmt.Println(s, err)
	// Output: 45 <nil>
}

// clipParams are the typed parameters of "example.clip".
type clipParams struct {
	Lo, Hi float64
}

func init() {
	// RegisterBlockFunc decodes the params given to MapBlocks into P on
	// whichever process runs the task.
	ndarray.RegisterBlockFunc("example.clip", func(_ context.Context, in []*block.Dense, p clipParams, _ ndarray.BlockInfo) (*block.Dense, error) {
		out := in[0].Clone()
		v := block.Values[float64](out)
		for i := range v {
			v[i] = min(max(v[i], p.Lo), p.Hi)
		}
		return out, nil
	})
}

func ExampleRegisterBlockFunc() {
	x := ndarray.Linspace(0, 1, 5, true, chunk.Uniform(2))
	y := ndarray.MapBlocks("example.clip", []*ndarray.Array{x}, block.Float64, nil, clipParams{Lo: 0.3, Hi: 0.6})
	d, err := y.Compute(context.Background())
	fmt.Println(block.Values[float64](d), err)
	bad := ndarray.MapBlocks("example.clip", []*ndarray.Array{x}, block.Float64, nil, "not a clipParams")
	fmt.Println(bad.Err() != nil, errors.Is(bad.Err(), ndarray.ErrParams))
	// Output:
	// [0.3 0.3 0.5 0.6 0.6] <nil>
	// true true
}

func ExampleArray_String() {
	a := ndarray.Random([]int{10000, 10000}, chunk.PerAxis(1000, 1000), 1)
	y := ndarray.Sqrt(a.Add(1))
	// (The names are hashes of the recipe; shown here as NAME.)
	fmt.Println(strings.Replace(y.String(), y.Name(), "NAME", 1))
	// %#v is the one-line form; 3.5e13 tasks count instantly.
	huge := ndarray.Random([]int{1 << 30, 1 << 30}, chunk.PerAxis(1<<15, 1), 1)
	fmt.Println(strings.Replace(fmt.Sprintf("%#v", huge), huge.Name(), "NAME", 1))
	fmt.Printf("%#v\n", ndarray.Errored(os.ErrNotExist))
	// Output:
	// ndarray.Array<NAME, shape=[10000 10000], dtype=float64, chunksize=[1000 1000], chunks=100, tasks=100>
	//           Array          Chunk
	//   Bytes   762.94 MiB     7.63 MiB
	//   Shape   [10000 10000]  [1000 1000]
	//   Count   100 tasks      100 chunks
	//   Type    float64
	// ndarray.Array<NAME, shape=[1073741824 1073741824], dtype=float64, chunksize=[32768 1], chunks=35184372088832, tasks=35184372088832>
	// ndarray.Array<error: file does not exist>
}

// fileSink writes each block's bytes to a file of its own under Dir: the
// op names its target by path, so it runs on any worker that sees Dir.
type fileSink struct{ Dir string }

func (s fileSink) WriteOp(box chunk.Box, _ block.DType) (cluster.Op, error) {
	return &fileWriteOp{Path: filepath.Join(s.Dir, fmt.Sprintf("%v-%v", box.Lo, box.Hi))}, nil
}

type fileWriteOp struct{ Path string }

func (*fileWriteOp) Kind() string { return "example.filewrite" }

func (o *fileWriteOp) Run(_ context.Context, in []cluster.Value) (cluster.Value, error) {
	d := in[0].(*block.Dense)
	if err := os.WriteFile(o.Path, d.Bytes(), 0o600); err != nil {
		return nil, err
	}
	return ndarray.Written{Bytes: d.Nbytes()}, nil
}

func init() {
	cluster.Register("example.filewrite", func() cluster.Op { return &fileWriteOp{} })
}

func ExampleStore() {
	dir, _ := os.MkdirTemp("", "store-example")
	defer os.RemoveAll(dir)
	a := ndarray.Arange(0, 10, 1, chunk.Uniform(4)) // int64, 3 blocks
	n, err := ndarray.Store(context.Background(), a, fileSink{Dir: dir})
	files, _ := os.ReadDir(dir)
	fmt.Println(n, err, len(files))
	// Output: 80 <nil> 3
}
