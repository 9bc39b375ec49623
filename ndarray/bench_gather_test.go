package ndarray

import (
	"fmt"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// BenchmarkGather runs the gather kernel alone on one 1000x1000 block of
// each element width: a transpose (element by element), a stepped slice
// of rows (contiguous runs) and a reversal of columns. SetBytes is the
// output's size.
func BenchmarkGather(b *testing.B) {
	const n = 1000
	for _, dt := range []block.DType{block.Uint8, block.Int16, block.Float32, block.Float64} {
		src := block.Must(dt, n, n)
		for i := range n * n {
			block.FillSlice(sliceAt(src, i), float64(i%100))
		}
		a := FromDense(src, chunk.PerAxis(n, n))
		for name, x := range map[string]*Array{
			"transpose": a.Transpose(),
			"rows/2":    a.Index(Sl(None, None, 2)),
			"reverse":   a.Index(All(), Sl(None, None, -1)),
		} {
			bl := NewBuilder()
			key, err := bl.Key(x, []int{0, 0})
			if err != nil {
				b.Fatal(err)
			}
			task, _ := bl.Graph().Task(key)
			if task.Op.Kind() != "ndarray.gather" {
				b.Fatalf("%s is planned as %s, not a gather", name, task.Op.Kind())
			}
			in := []cluster.Value{src}
			b.Run(fmt.Sprintf("%s/%s", dt, name), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(chunk.Size(x.Grid().BlockShape([]int{0, 0}))) * int64(dt.Size()))
				for b.Loop() {
					v, err := task.Op.Run(ctx, in)
					if err != nil {
						b.Fatal(err)
					}
					v.(*block.Dense).Recycle()
				}
			})
		}
	}
}
