package linalg

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// layout says how one block pair of a contraction maps onto batched
// matrix products. Output axes are batch axes, then the free axes of A,
// then those of B; each batch axis names the operand axis feeding it (-1
// when the operand lacks it: it broadcasts, as an extent of 1 does).
type layout struct {
	ABatch, BBatch []int
	AFree, BFree   []int
	AContr, BContr []int
}

// check validates a layout against the operand block shapes and the
// output block shape: every axis used once, extents that agree. It is the
// guard against malformed params from the wire.
func (l *layout) check(ashape, bshape, out []int) error {
	if len(l.ABatch) != len(l.BBatch) || len(l.AContr) != len(l.BContr) {
		return fmt.Errorf("%w: layout lists of unequal length", ErrParams)
	}
	if len(out) != len(l.ABatch)+len(l.AFree)+len(l.BFree) {
		return fmt.Errorf("%w: output rank %d does not match the layout", ErrParams, len(out))
	}
	if err := usesAll(ashape, l.ABatch, l.AFree, l.AContr); err != nil {
		return fmt.Errorf("%w: operand a: %v", ErrParams, err)
	}
	if err := usesAll(bshape, l.BBatch, l.BFree, l.BContr); err != nil {
		return fmt.Errorf("%w: operand b: %v", ErrParams, err)
	}
	for j := range l.ABatch {
		for _, s := range [2]int{ext(ashape, l.ABatch[j]), ext(bshape, l.BBatch[j])} {
			if s != 1 && s != out[j] {
				return fmt.Errorf("%w: batch axis %d has extent %d, output %d", ErrParams, j, s, out[j])
			}
		}
	}
	nb := len(l.ABatch)
	for i, ax := range l.AFree {
		if ashape[ax] != out[nb+i] {
			return fmt.Errorf("%w: free axis %d of a has extent %d, output %d", ErrParams, ax, ashape[ax], out[nb+i])
		}
	}
	for i, ax := range l.BFree {
		if bshape[ax] != out[nb+len(l.AFree)+i] {
			return fmt.Errorf("%w: free axis %d of b has extent %d, output %d", ErrParams, ax, bshape[ax], out[nb+len(l.AFree)+i])
		}
	}
	for i := range l.AContr {
		if ashape[l.AContr[i]] != bshape[l.BContr[i]] {
			return fmt.Errorf("%w: contracted extents %d and %d differ", ErrParams, ashape[l.AContr[i]], bshape[l.BContr[i]])
		}
	}
	return nil
}

func ext(shape []int, ax int) int {
	if ax < 0 {
		return 1
	}
	return shape[ax]
}

// usesAll checks that the lists name every axis of shape exactly once
// (batch entries may be -1).
func usesAll(shape []int, lists ...[]int) error {
	seen := make([]bool, len(shape))
	n := 0
	for _, l := range lists {
		for _, ax := range l {
			if ax == -1 {
				continue
			}
			if ax < 0 || ax >= len(shape) || seen[ax] {
				return fmt.Errorf("axis %d invalid or repeated for rank %d", ax, len(shape))
			}
			seen[ax] = true
			n++
		}
	}
	if n != len(shape) {
		return fmt.Errorf("%d of %d axes placed", n, len(shape))
	}
	return nil
}

// dims returns the extents and strides (in elements) of the listed axes.
func dims(shape, axes []int) (ext, stride []int) {
	st := chunk.Strides(shape)
	ext, stride = make([]int, len(axes)), make([]int, len(axes))
	for i, ax := range axes {
		ext[i], stride[i] = shape[ax], st[ax]
	}
	return ext, stride
}

// gather copies the elements of src at base + Σ idx_i·strides_i, for idx
// running over ext in C order, to dst.
func gather[T block.Float](dst, src []T, base int, ext, strides []int) []T {
	if len(ext) == 0 {
		return append(dst, src[base])
	}
	n, s := ext[0], strides[0]
	if len(ext) == 1 {
		if s == 1 {
			return append(dst, src[base:base+n]...)
		}
		for i := range n {
			dst = append(dst, src[base+i*s])
		}
		return dst
	}
	for i := range n {
		dst = gather(dst, src, base+i*s, ext[1:], strides[1:])
	}
	return dst
}

func prod(s []int) int {
	n := 1
	for _, x := range s {
		n *= x
	}
	return n
}

// gemmAcc adds the contraction of the blocks a (shape ashape) and b to c,
// which has the output block's shape out, in C order: for each batch
// position, C[m, n] += Σ_k A[m, k]·B[k, n] with the free and contracted
// axes of each operand flattened in the order the layout lists them. The
// layout has been checked against the shapes.
func gemmAcc[T block.Float](l *layout, a []T, ashape []int, b []T, bshape []int, c []T, out []int) {
	nb := len(l.ABatch)
	mExt, mStr := dims(ashape, l.AFree)
	nExt, nStr := dims(bshape, l.BFree)
	kaExt, kaStr := dims(ashape, l.AContr)
	_, kbStr := dims(bshape, l.BContr)
	M, N, K := prod(mExt), prod(nExt), prod(kaExt)
	if M == 0 || N == 0 || K == 0 {
		return
	}
	bExt := out[:nb]
	aBStr, bBStr := make([]int, nb), make([]int, nb)
	as, bs := chunk.Strides(ashape), chunk.Strides(bshape)
	for j := range nb {
		if ax := l.ABatch[j]; ax >= 0 && ashape[ax] != 1 {
			aBStr[j] = as[ax]
		}
		if ax := l.BBatch[j]; ax >= 0 && bshape[ax] != 1 {
			bBStr[j] = bs[ax]
		}
	}
	// Pack A as [M][K] and B as [K][N] per batch position. The pack of A
	// walks the free axes, then the contracted ones; of B the contracted,
	// then the free ones.
	aExt := append(append([]int{}, mExt...), kaExt...)
	aStr := append(append([]int{}, mStr...), kaStr...)
	bExt2 := append(append([]int{}, kaExt...), nExt...)
	bStr := append(append([]int{}, kbStr...), nStr...)
	// An operand whose axes already lie in that order (batch, free,
	// contracted for A; batch, contracted, free for B) with no broadcast
	// batch axis is used in place: the common 2-D case copies nothing.
	directA := inOrder(ashape, l.ABatch, l.AFree, l.AContr, out[:nb])
	directB := inOrder(bshape, l.BBatch, l.BContr, l.BFree, out[:nb])
	var pa, pb []T
	if !directA {
		pa = make([]T, 0, M*K)
	}
	if !directB {
		pb = make([]T, 0, K*N)
	}
	idx := make([]int, nb)
	for bi := range prod(bExt) {
		offA, offB := 0, 0
		for j := range nb {
			offA += idx[j] * aBStr[j]
			offB += idx[j] * bBStr[j]
		}
		ma, mb := a[offA:offA+M*K], b[offB:offB+K*N]
		if !directA {
			pa = gather(pa[:0], a, offA, aExt, aStr)
			ma = pa
		}
		if !directB {
			pb = gather(pb[:0], b, offB, bExt2, bStr)
			mb = pb
		}
		cc := c[bi*M*N : (bi+1)*M*N]
		switch any(c).(type) {
		case []float64:
			blas64.Implementation().Dgemm(blas.NoTrans, blas.NoTrans, M, N, K, 1, any(ma).([]float64), K, any(mb).([]float64), N, 1, any(cc).([]float64), N)
		case []float32:
			blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, M, N, K, 1, any(ma).([]float32), K, any(mb).([]float32), N, 1, any(cc).([]float32), N)
		}
		for j := nb - 1; j >= 0; j-- {
			idx[j]++
			if idx[j] < bExt[j] {
				break
			}
			idx[j] = 0
		}
	}
}

// inOrder reports whether the operand's batch axes, then the other two
// lists, name its axes 0, 1, … in order, each batch axis with the
// output's extent (no broadcasting): then each batch position's matrix is
// one contiguous run of its data, in the order gemm reads.
func inOrder(shape, batch, first, second, outBatch []int) bool {
	next := 0
	for j, ax := range batch {
		if ax < 0 {
			if outBatch[j] != 1 {
				return false
			}
			continue
		}
		if ax != next || shape[ax] != outBatch[j] {
			return false
		}
		next++
	}
	for _, l := range [][]int{first, second} {
		for _, ax := range l {
			if ax != next {
				return false
			}
			next++
		}
	}
	return next == len(shape)
}
