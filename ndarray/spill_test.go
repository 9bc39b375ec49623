package ndarray

import (
	"errors"
	"os"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

func TestPersistSpillsBlocks(t *testing.T) {
	dir := t.TempDir()
	// 8 blocks of 32 KB with a 96 KB budget: most go to disk.
	ex := cluster.NewLocal(cluster.LocalOptions{MemoryBudget: 96 << 10, SpillDir: dir, SpillDecode: DecodeSpilled})
	src := Random([]int{64, 512}, chunk.PerAxis(8, 512), 5).Mul(3)
	want := mustCompute(t, src)
	p, err := src.Persist(ctx, ex)
	if err != nil {
		t.Fatal(err)
	}
	if ex.PinnedBytes() > 96<<10 || ex.SpilledBytes() == 0 {
		t.Fatalf("pinned %d spilled %d", ex.PinnedBytes(), ex.SpilledBytes())
	}
	// Every block reads back, from memory or disk, with its values.
	for i := range 8 {
		v, ok := ex.Pinned(p.BlockKey([]int{i, 0}))
		if !ok {
			t.Fatalf("block %d not persisted", i)
		}
		ref, err := FromDense(want, chunk.PerAxis(8, 512)).Index(Sl(8*i, 8*i+8, 1)).Compute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !v.(*block.Dense).Equal(ref) {
			t.Fatalf("block %d read back from spill differs", i)
		}
	}
	// A run over spilled blocks loads them within the budget (the results
	// count against it too, so each run computes a small slice).
	for i := range 8 {
		got, err := p.Index(Sl(8*i+6, 8*i+8, 1), Sl(None, None, -1)).Compute(ctx, WithExecutor(ex))
		if err != nil {
			t.Fatal(err)
		}
		ref, err := FromDense(want, chunk.PerAxis(8, 512)).Index(Sl(8*i+6, 8*i+8, 1), Sl(None, None, -1)).Compute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(ref) {
			t.Fatalf("rows %d..%d computed from spilled blocks differ", 8*i+6, 8*i+8)
		}
	}
	p.Release(ex)
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Fatalf("%d spill files left after Release", len(left))
	}
}

func TestSpillCodecRoundTripAndBadInput(t *testing.T) {
	for _, dt := range block.DTypes() {
		d := block.Must(dt, 3, 0, 2)
		e := block.Must(dt, 4, 5)
		e.Fill(1)
		for _, x := range []*block.Dense{d, e, block.Must(dt)} {
			b, err := x.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			v, err := DecodeSpilled(b)
			if err != nil || !v.(*block.Dense).Equal(x) {
				t.Fatalf("%s %v: %v", dt, x.Shape(), err)
			}
		}
	}
	good, _ := block.Must(block.Float64, 2, 2).MarshalBinary()
	for _, bad := range [][]byte{nil, []byte("XXXX\x0a\x01\x02"), good[:len(good)-1], append([]byte("TSB1\x63"), good[5:]...), []byte("TSB1\x0a\x02\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x02")} {
		if _, err := DecodeSpilled(bad); !errors.Is(err, block.ErrCorruptBlock) {
			t.Fatalf("bad input %q: %v", bad, err)
		}
	}
}

func FuzzDecodeSpilled(f *testing.F) {
	good, _ := block.Must(block.Int16, 2, 3).MarshalBinary()
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		_, _ = DecodeSpilled(b)
	})
}
