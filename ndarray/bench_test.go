package ndarray

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// BenchmarkCopyBox copies a sub-box whose rows are rowBytes long out of a
// larger block, beside plain copy() of the same number of bytes as the
// baseline. SetBytes is the bytes moved.
func BenchmarkCopyBox(b *testing.B) {
	for _, rowBytes := range []int{64, 1024, 4096, 32768} {
		cols := rowBytes / 8
		rows := (8 << 20) / rowBytes // 8 MiB moved per op
		src := block.Must(block.Float64, rows, cols+16)
		dst := block.Must(block.Float64, rows+2, cols+8)
		sbox := chunk.Box{Lo: []int{0, 8}, Hi: []int{rows, cols + 8}}
		dbox := chunk.Box{Lo: []int{1, 4}, Hi: []int{rows + 1, cols + 4}}
		b.Run(fmt.Sprintf("row=%dB/copybox", rowBytes), func(b *testing.B) {
			b.SetBytes(int64(rows * rowBytes))
			for b.Loop() {
				if err := block.CopyBox(dst, dbox, src, sbox); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("row=%dB/memcpy", rowBytes), func(b *testing.B) {
			s, d := src.Bytes()[:rows*rowBytes], dst.Bytes()[:rows*rowBytes]
			b.SetBytes(int64(rows * rowBytes))
			for b.Loop() {
				copy(d, s)
			}
		})
	}
}

// BenchmarkAsTypeFloat64Int16 converts 1 Mi reflectance values; SetBytes is
// the float64 input size. A plain Go conversion loop without rounding or
// checks is the naive baseline.
func BenchmarkAsTypeFloat64Int16(b *testing.B) {
	const n = 1 << 20
	r := rand.New(rand.NewPCG(1, 1))
	v := make([]float64, n)
	for i := range v {
		v[i] = r.Float64() * 10000
	}
	src, _ := block.FromSlice(v, n)
	dst := block.Must(block.Int16, n)
	for _, pol := range []block.Overflow{block.OverflowError, block.OverflowClip} {
		b.Run("policy="+pol.String(), func(b *testing.B) {
			b.SetBytes(n * 8)
			for b.Loop() {
				if err := block.CastInto(dst, src, block.CastOptions{Overflow: pol}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("naive-truncating-loop", func(b *testing.B) {
		out := block.Values[int16](dst)
		b.SetBytes(n * 8)
		for b.Loop() {
			for i, x := range v {
				out[i] = int16(x)
			}
		}
	})
}

// BenchmarkFused evaluates fused elementwise expressions over a 4 Mi
// element array (1000x4096 chunks, so tiles cross row boundaries) on one
// worker. SetBytes is the float64 size of the result.
func BenchmarkFused(b *testing.B) {
	shape := []int{1024, 4096}
	x := Random(shape, chunk.PerAxis(1000, 4096), 1)
	y := Random(shape, chunk.PerAxis(1000, 4096), 2)
	i32 := x.Mul(1000).AsType(block.Int32, block.OverflowWrap)
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 1})
	cases := []struct {
		name string
		a    *Array
	}{
		{"x*2+1", Add(Mul(x, 2.0), 1.0)},
		{"sqrt(abs(x-y))", Sqrt(Abs(Sub(x, y)))},
		{"where(x>y,x,y)", Where(Greater(x, y), x, y)},
		{"int32(x*1000)+7", Add(i32, 7)},
		{"float32(x)*float32(y)", Mul(x.AsType(block.Float32, block.OverflowClip), y.AsType(block.Float32, block.OverflowClip))},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(shape[0]*shape[1]) * 8)
			b.ReportAllocs()
			for b.Loop() {
				bl := NewBuilder()
				keys, err := bl.Keys(c.a)
				if err != nil {
					b.Fatal(err)
				}
				if err := ex.Run(ctx, bl.Graph(), keys, func(cluster.Key, cluster.Value) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQADecode evaluates a Landsat QA_PIXEL decode, a fused chain of
// shifts, bitwise ands, comparisons and a Where over a 2048x2048 uint16
// band in 512x512 blocks. SetBytes is the QA bytes read.
func BenchmarkQADecode(b *testing.B) {
	const n = 2048
	raw := block.Must(block.Uint16, n, n)
	for i, v := 0, block.Values[uint16](raw); i < len(v); i++ {
		v[i] = uint16(uint32(i) * 2654435761 >> 16)
	}
	qaD := FromDense(raw, chunk.PerAxis(512, 512))
	ctxB := context.Background()
	refl := Full(block.Float32, 0.25, []int{n, n}, chunk.PerAxis(512, 512))
	cloud := qaD.RightShift(3).And(1).Equal(1).And(qaD.RightShift(8).And(3).GreaterEqual(2))
	bad := cloud.Or(qaD.RightShift(4).And(1).Equal(1)).Or(qaD.RightShift(1).And(1).Equal(1))
	masked := refl.Where(bad.Not(), math.NaN())
	b.SetBytes(n * n * 2)
	for b.Loop() {
		if _, err := masked.Compute(ctxB); err != nil {
			b.Fatal(err)
		}
	}
}
