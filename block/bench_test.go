package block_test

import (
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// BenchmarkCopyBox copies a 256x256 window out of a 1024x1024 float32
// block (strided rows) and a whole-row band (one memmove).
func BenchmarkCopyBox(b *testing.B) {
	src := block.Must(block.Float32, 1024, 1024)
	for _, c := range []struct {
		name   string
		lo, hi []int
	}{
		{"strided256", []int{100, 100}, []int{356, 356}},
		{"rows256", []int{100, 0}, []int{356, 1024}},
	} {
		b.Run(c.name, func(b *testing.B) {
			box, _ := chunk.NewBox(c.lo, c.hi)
			dst := block.Must(block.Float32, box.Shape()...)
			all := chunk.BoxOf(dst.Shape())
			b.SetBytes(dst.Nbytes())
			b.ReportAllocs()
			for b.Loop() {
				if err := block.CopyBox(dst, all, src, box); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAsType converts 1 Mi elements between common dtype pairs.
func BenchmarkAsType(b *testing.B) {
	const n = 1 << 20
	for _, c := range []struct {
		name     string
		from, to block.DType
		pol      block.Overflow
	}{
		{"f64-i16-clip", block.Float64, block.Int16, block.OverflowClip},
		{"i16-f32", block.Int16, block.Float32, block.OverflowError},
		{"u8-f64", block.Uint8, block.Float64, block.OverflowError},
		{"f64-f32", block.Float64, block.Float32, block.OverflowError},
	} {
		b.Run(c.name, func(b *testing.B) {
			src := block.Must(c.from, n)
			src.Fill(3)
			dst := block.Must(c.to, n)
			b.SetBytes(int64(n * c.from.Size()))
			b.ReportAllocs()
			for b.Loop() {
				if err := block.CastInto(dst, src, block.CastOptions{Overflow: c.pol}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSliceKernels measures the untyped kernels ndarray's fused
// loops call per tile.
func BenchmarkSliceKernels(b *testing.B) {
	const n = 4096
	s := block.MakeSlice(block.Int32, n)
	b.Run("FillSlice", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			block.FillSlice(s, 7)
		}
	})
	b.Run("SliceFloat64", func(b *testing.B) {
		b.ReportAllocs()
		var acc float64
		for b.Loop() {
			for i := 0; i < n; i++ {
				acc += block.SliceFloat64(s, i)
			}
		}
		_ = acc
	})
	b.Run("MakeSlice", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = block.MakeSlice(block.Float64, 64)
		}
	})
	b.Run("Wrap", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := block.Wrap(s, 64, 64); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Bytes", func(b *testing.B) {
		d, _ := block.Wrap(s, n)
		b.ReportAllocs()
		for b.Loop() {
			_ = d.Bytes()
		}
	})
}
