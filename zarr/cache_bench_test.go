package zarr

import (
	"context"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// BenchmarkReadTask runs one zarr.read task for a 64×64 float64 chunk of
// a v2 array (blosc) in a directory store: through the tasks' cache of open
// arrays, and reopening the store and parsing the metadata as every task
// did before (the naive baseline: a spec without a metadata token is not
// cached).
func BenchmarkReadTask(b *testing.B) {
	ctx := context.Background()
	s, err := NewDirectoryStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	a, err := Create(ctx, s, "a", CreateOptions{Format: 2, Shape: []int{1024, 1024}, Chunks: []int{64, 64}, DType: block.Float64,
		Attributes: map[string]any{"long_name": "surface reflectance", "units": "1", "_ARRAY_DIMENSIONS": []string{"y", "x"}}})
	if err != nil {
		b.Fatal(err)
	}
	d, err := ndarray.Random([]int{64, 64}, chunk.PerAxis(64, 64), 1).Compute(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Write(ctx, chunk.Box{Lo: []int{0, 0}, Hi: []int{64, 64}}, d); err != nil {
		b.Fatal(err)
	}
	spec, err := a.Spec()
	if err != nil {
		b.Fatal(err)
	}
	naive := spec
	naive.Meta = ""
	for _, bc := range []struct {
		name string
		spec ArraySpec
	}{{"cached", spec}, {"reopen-per-task", naive}} {
		b.Run(bc.name, func(b *testing.B) {
			op := &ReadOp{Array: bc.spec, Lo: []int{0, 0}, Hi: []int{64, 64}}
			b.SetBytes(64 * 64 * 8)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := op.Run(ctx, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
