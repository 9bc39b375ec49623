package ndarray

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// memTargets are the in-process destinations of memSink, by name (a test
// stand-in for a path or URL).
var memTargets = struct {
	sync.Mutex
	m map[string]*block.Dense
}{m: map[string]*block.Dense{}}

// memSink writes blocks into a named in-memory block of the array's shape.
type memSink struct{ Name string }

func (s memSink) WriteOp(box chunk.Box, dt block.DType) (cluster.Op, error) {
	return &memWriteOp{Name: s.Name, Box: box}, nil
}

type memWriteOp struct {
	Name string
	Box  chunk.Box
}

func (*memWriteOp) Kind() string { return "test.memwrite" }
func (o *memWriteOp) Run(_ context.Context, in []cluster.Value) (cluster.Value, error) {
	d := in[0].(*block.Dense)
	memTargets.Lock()
	defer memTargets.Unlock()
	t, ok := memTargets.m[o.Name]
	if !ok {
		return nil, fmt.Errorf("no target %q", o.Name)
	}
	if err := block.CopyBox(t, o.Box, d, chunk.BoxOf(d.Shape())); err != nil {
		return nil, err
	}
	return Written{Bytes: d.Nbytes()}, nil
}

func init() {
	cluster.Register("test.memwrite", func() cluster.Op { return &memWriteOp{} })
}

func TestStoreThroughNewLayers(t *testing.T) {
	x := arangeArray([]int{12, 9}, []int{5, 7}, []int{4, 5})
	a := x.Transpose().Index(Sl(None, None, -2)).Rechunk(chunk.PerAxis(2, 4)).Pad([][2]int{{1, 0}, {0, 2}}, PadEdge, 0)
	want := mustCompute(t, a)
	memTargets.Lock()
	memTargets.m["store-test"] = block.Must(block.Float64, a.Shape()...)
	memTargets.Unlock()
	n, err := Store(ctx, a, memSink{Name: "store-test"})
	require.NoError(t, err)
	memTargets.Lock()
	got := memTargets.m["store-test"]
	memTargets.Unlock()
	assert.Equal(t, a.Nbytes(), n, "bytes stored")
	assert.True(t, got.Equal(want), "stored blocks equal the computed array")
}
