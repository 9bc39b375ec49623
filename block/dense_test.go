package block

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tessera-array/tessera/chunk"
)

func TestNewDenseErrors(t *testing.T) {
	if _, err := New(0, 2); !errors.Is(err, ErrDType) {
		t.Fatalf("invalid dtype: %v", err)
	}
	if _, err := New(Float64, 2, -1); !errors.Is(err, chunk.ErrShape) {
		t.Fatalf("negative: %v", err)
	}
	if _, err := New(Float64, 1<<20, 1<<20); !errors.Is(err, ErrShape) {
		t.Fatalf("huge: %v", err)
	}
	if _, err := FromSlice([]float32{1, 2, 3}, 2, 2); !errors.Is(err, ErrShape) {
		t.Fatalf("FromSlice count: %v", err)
	}
	if _, err := FromBytes(Int16, make([]byte, 5), 3); !errors.Is(err, ErrShape) {
		t.Fatalf("FromBytes count: %v", err)
	}
}

func TestDenseBasics(t *testing.T) {
	d, err := FromSlice([]int16{1, 2, 3, 4, 5, 6}, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if d.DType() != Int16 || d.Nbytes() != 12 || d.Len() != 6 || d.At(1, 2) != 6 {
		t.Fatalf("basics wrong: %v %d %d %v", d.DType(), d.Nbytes(), d.Len(), d.At(1, 2))
	}
	b := d.Bytes()
	if len(b) != 12 || b[0] != 1 || b[1] != 0 || b[10] != 6 {
		t.Fatalf("byte view %v", b)
	}
	b[0] = 9 // zero-copy: writes show through
	if Values[int16](d)[0] != 9 {
		t.Fatal("Bytes is not a view")
	}
	e, err := FromBytes(Int16, b, 3, 2)
	if err != nil || e.At(0, 0) != 9 || e.At(2, 1) != 6 {
		t.Fatalf("FromBytes %v %v", e, err)
	}
	c := d.Clone()
	c.Fill(7)
	if d.At(0, 1) != 2 || c.At(0, 1) != 7 || d.Equal(c) {
		t.Fatal("Clone shares memory or Fill failed")
	}
	r, err := d.Reshape(3, 2)
	if err != nil || r.At(2, 1) != 6 {
		t.Fatalf("Reshape %v", err)
	}
	if _, err := d.Reshape(4, 2); !errors.Is(err, ErrShape) {
		t.Fatalf("bad reshape: %v", err)
	}
	bb, _ := FromBytes(Bool, []byte{0, 1, 7}, 3)
	if bb.Float64s()[2] != 1 {
		t.Fatal("bool byte 7 must read as true")
	}
	if err := d.FillChecked(40000); !errors.Is(err, ErrOverflow) {
		t.Fatalf("FillChecked overflow: %v", err)
	}
	big := Must(Int64, 2)
	if err := big.FillChecked(1 << 62); err != nil || Values[int64](big)[1] != 1<<62 {
		t.Fatalf("FillChecked int64: %v %v", err, Values[int64](big))
	}
	if !math.IsNaN(func() float64 { f := Must(Float32, 1); f.Fill(math.NaN()); return f.At(0) }()) {
		t.Fatal("NaN fill")
	}
}

// naiveCopy is the reference for CopyBox: element by element with At-style
// indexing.
func naiveCopy(dst *Dense, dbox chunk.Box, src *Dense, sbox chunk.Box) {
	shape := dbox.Shape()
	n := int(chunk.Size(shape))
	dv, sv := Values[float64](dst), Values[float64](src)
	for lin := range n {
		idx := chunk.Unravel(lin, shape)
		di, si := 0, 0
		for a := range idx {
			di = di*dst.shape[a] + dbox.Lo[a] + idx[a]
			si = si*src.shape[a] + sbox.Lo[a] + idx[a]
		}
		dv[di] = sv[si]
	}
}

func TestCopyBoxMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := range 400 {
		rank := r.IntN(4)
		sshape, dshape, ext := make([]int, rank), make([]int, rank), make([]int, rank)
		for a := range rank {
			ext[a] = r.IntN(5)
			sshape[a] = ext[a] + r.IntN(3)
			dshape[a] = ext[a] + r.IntN(3)
			if r.IntN(3) == 0 { // whole-axis runs get merged
				sshape[a], dshape[a] = ext[a], ext[a]
			}
		}
		src := Must(Float64, sshape...)
		for i, v := 0, Values[float64](src); i < len(v); i++ {
			v[i] = float64(i + 1)
		}
		slo, dlo := make([]int, rank), make([]int, rank)
		shi, dhi := make([]int, rank), make([]int, rank)
		for a := range rank {
			slo[a] = r.IntN(sshape[a] - ext[a] + 1)
			dlo[a] = r.IntN(dshape[a] - ext[a] + 1)
			shi[a], dhi[a] = slo[a]+ext[a], dlo[a]+ext[a]
		}
		sbox, dbox := chunk.Box{Lo: slo, Hi: shi}, chunk.Box{Lo: dlo, Hi: dhi}
		got, want := Must(Float64, dshape...), Must(Float64, dshape...)
		if err := CopyBox(got, dbox, src, sbox); err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		naiveCopy(want, dbox, src, sbox)
		if !got.Equal(want) {
			t.Fatalf("iter %d: CopyBox %v<-%v shapes %v<-%v\n got %v\nwant %v", iter, dbox, sbox, dshape, sshape, got.Float64s(), want.Float64s())
		}
	}
}

func TestCopyBoxErrors(t *testing.T) {
	a, b := Must(Float64, 4, 4), Must(Float32, 4, 4)
	box := chunk.BoxOf([]int{2, 2})
	if err := CopyBox(a, box, b, box); !errors.Is(err, ErrDTypeMismatch) {
		t.Fatalf("dtype: %v", err)
	}
	c := Must(Float64, 4, 4)
	if err := CopyBox(a, box, c, chunk.BoxOf([]int{3, 2})); !errors.Is(err, ErrShape) {
		t.Fatalf("shape: %v", err)
	}
	if err := CopyBox(a, chunk.Box{Lo: []int{3, 3}, Hi: []int{5, 5}}, c, box); !errors.Is(err, ErrShape) {
		t.Fatalf("outside: %v", err)
	}
	if err := CopyBox(a, chunk.BoxOf([]int{2}), c, chunk.BoxOf([]int{2})); !errors.Is(err, ErrShape) {
		t.Fatalf("rank: %v", err)
	}
}

func TestSubBlockBool(t *testing.T) {
	d, _ := FromSlice([]bool{true, false, false, true}, 2, 2)
	s, err := d.SubBlock(chunk.Box{Lo: []int{1, 0}, Hi: []int{2, 2}})
	if err != nil || s.At(0, 0) != 0 || s.At(0, 1) != 1 {
		t.Fatalf("SubBlock %v %v", s.Float64s(), err)
	}
}
