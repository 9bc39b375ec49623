package linalg

import (
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// Matmul is numpy's matmul (the @ operator) on lazy arrays. Two 2-D
// arrays give their matrix product; arrays of rank above 2 are stacks of
// matrices in their last two axes, and their leading (batch) axes
// broadcast against each other as numpy broadcasts (an axis of length one,
// or a missing one, repeats). A 1-D a is a row vector and a 1-D b a column
// vector whose axis is dropped from the result, as in numpy; rank 0 is an
// error (ErrShape, use ndarray.Mul).
//
// The contracted axes (a's last, b's second to last, or only) must have
// one length (ErrShape naming both); b is rechunked to a's chunks along
// it and along batch axes both have in full. Output block (…, i, j) is
// the tree sum over the contracted blocks k of a[…, i, k]·b[…, k, j]
// computed per block pair by gonum's blas (see FanIn for the order). Each
// task declares its output block and packing scratch.
//
// Dtypes: float32 with float32 gives float32; any other mix of float32,
// float64 and integer dtypes gives float64 (integers are converted,
// unlike numpy, which keeps integer products). Other dtypes are ErrDType.
func Matmul(a, b *ndarray.Array) *ndarray.Array {
	a, b, dt, err := operands("Matmul", a, b)
	if err != nil {
		return ndarray.Errored(err)
	}
	ra, rb := a.Rank(), b.Rank()
	if ra == 0 || rb == 0 {
		return ndarray.Errored(fmt.Errorf("%w: linalg.Matmul: operand of rank 0 (shapes %v and %v); use ndarray.Mul", ErrShape, a.Shape(), b.Shape()))
	}
	var l layout
	// contracted axes
	l.AContr = []int{ra - 1}
	l.BContr = []int{max(rb-2, 0)}
	if ra >= 2 {
		l.AFree = []int{ra - 2}
	}
	if rb >= 2 {
		l.BFree = []int{rb - 1}
	}
	na, nb := max(ra-2, 0), max(rb-2, 0)
	nbatch := max(na, nb)
	l.ABatch, l.BBatch = make([]int, nbatch), make([]int, nbatch)
	for j := range nbatch {
		// right-aligned: output batch axis j is a's axis j-(nbatch-na)
		l.ABatch[j], l.BBatch[j] = j-(nbatch-na), j-(nbatch-nb)
		if l.ABatch[j] < 0 {
			l.ABatch[j] = -1
		}
		if l.BBatch[j] < 0 {
			l.BBatch[j] = -1
		}
	}
	return contract("Matmul", a, b, dt, l)
}

// Dot is numpy's dot: for 1-D arrays the inner product (a 0-d array), for
// 2-D arrays the matrix product, for a 0-d operand the elementwise product
// (ndarray.Mul), and otherwise the sum over the last axis of a and the
// second to last of b (the only one when b is 1-D): Tensordot(a, b,
// [a.Rank()-1], [max(b.Rank()-2, 0)]). Dtypes and errors as Matmul.
func Dot(a, b *ndarray.Array) *ndarray.Array {
	a, b, _, err := operands("Dot", a, b)
	if err != nil {
		return ndarray.Errored(err)
	}
	if a.Rank() == 0 || b.Rank() == 0 {
		return ndarray.Mul(a, b)
	}
	return Tensordot(a, b, []int{a.Rank() - 1}, []int{max(b.Rank()-2, 0)})
}

// Tensordot is numpy's tensordot(a, b, axes=(axesA, axesB)): the sum of
// products over the pairs of axes axesA[i] of a and axesB[i] of b, which
// must have one length each (ErrShape names the pair); negative axes count
// from the end. The result has a's other axes, then b's, in order. b is
// rechunked to a's chunks along the contracted axes; output blocks are
// tree sums over the contracted block grid (FanIn). Dtypes as Matmul.
// Errors: ErrAxis for an axis out of range or repeated, ErrShape for lists
// of unequal length or axes of unequal lengths.
func Tensordot(a, b *ndarray.Array, axesA, axesB []int) *ndarray.Array {
	a, b, dt, err := operands("Tensordot", a, b)
	if err != nil {
		return ndarray.Errored(err)
	}
	if len(axesA) != len(axesB) {
		return ndarray.Errored(fmt.Errorf("%w: linalg.Tensordot: %d axes of a and %d of b", ErrShape, len(axesA), len(axesB)))
	}
	var l layout
	l.ABatch, l.BBatch = []int{}, []int{}
	if l.AContr, err = normAxes("Tensordot", "a", axesA, a.Rank()); err != nil {
		return ndarray.Errored(err)
	}
	if l.BContr, err = normAxes("Tensordot", "b", axesB, b.Rank()); err != nil {
		return ndarray.Errored(err)
	}
	l.AFree = freeAxes(a.Rank(), l.AContr)
	l.BFree = freeAxes(b.Rank(), l.BContr)
	return contract("Tensordot", a, b, dt, l)
}

func normAxes(op, what string, axes []int, rank int) ([]int, error) {
	out := make([]int, len(axes))
	for i, ax := range axes {
		if ax < -rank || ax >= rank {
			return nil, fmt.Errorf("%w: linalg.%s: axis %d of %s (rank %d)", ErrAxis, op, ax, what, rank)
		}
		if ax < 0 {
			ax += rank
		}
		if slices.Contains(out[:i], ax) {
			return nil, fmt.Errorf("%w: linalg.%s: axis %d of %s repeated", ErrAxis, op, ax, what)
		}
		out[i] = ax
	}
	return out, nil
}

func freeAxes(rank int, contr []int) []int {
	free := []int{}
	for ax := range rank {
		if !slices.Contains(contr, ax) {
			free = append(free, ax)
		}
	}
	return free
}

// operands checks both operands and brings them to one float dtype.
func operands(op string, a, b *ndarray.Array) (*ndarray.Array, *ndarray.Array, block.DType, error) {
	a, err := floatOperand(op, "a", a)
	if err != nil {
		return nil, nil, 0, err
	}
	b, err = floatOperand(op, "b", b)
	if err != nil {
		return nil, nil, 0, err
	}
	dt := block.Float64
	if a.DType() == block.Float32 && b.DType() == block.Float32 {
		dt = block.Float32
	}
	if a.DType() != dt {
		a = a.AsType(dt, block.OverflowError)
	}
	if b.DType() != dt {
		b = b.AsType(dt, block.OverflowError)
	}
	return a, b, dt, nil
}

// contract checks the lengths the layout pairs, rechunks b to a's chunks
// where they meet, and returns the lazy contraction.
func contract(op string, a, b *ndarray.Array, dt block.DType, l layout) *ndarray.Array {
	as, bs := a.Shape(), b.Shape()
	for i := range l.AContr {
		if as[l.AContr[i]] != bs[l.BContr[i]] {
			return ndarray.Errored(fmt.Errorf("%w: linalg.%s: contracted axis %d of a has length %d, axis %d of b %d (shapes %v and %v)",
				ErrShape, op, l.AContr[i], as[l.AContr[i]], l.BContr[i], bs[l.BContr[i]], as, bs))
		}
	}
	ga, gb := a.Grid(), b.Grid()
	bAxes := gb.Axes()
	for i := range l.AContr {
		bAxes[l.BContr[i]] = ga.Axis(l.AContr[i])
	}
	var outAxes []chunk.Axis
	for j := range l.ABatch {
		sa, sb := ext(as, l.ABatch[j]), ext(bs, l.BBatch[j])
		switch {
		case sa == sb && sa != 1:
			bAxes[l.BBatch[j]] = ga.Axis(l.ABatch[j])
			outAxes = append(outAxes, ga.Axis(l.ABatch[j]))
		case sa != 1 && sb == 1:
			outAxes = append(outAxes, ga.Axis(l.ABatch[j]))
		case sb != 1 && sa == 1:
			outAxes = append(outAxes, gb.Axis(l.BBatch[j]))
		case sa == 1 && sb == 1:
			if l.ABatch[j] >= 0 {
				outAxes = append(outAxes, ga.Axis(l.ABatch[j]))
			} else {
				outAxes = append(outAxes, gb.Axis(l.BBatch[j]))
			}
		default:
			return ndarray.Errored(fmt.Errorf("%w: linalg.%s: batch axes of lengths %d and %d do not broadcast (shapes %v and %v)",
				ErrShape, op, sa, sb, as, bs))
		}
	}
	for _, ax := range l.AFree {
		outAxes = append(outAxes, ga.Axis(ax))
	}
	for _, ax := range l.BFree {
		outAxes = append(outAxes, gb.Axis(ax))
	}
	if !slices.EqualFunc(bAxes, gb.Axes(), chunk.Axis.Equal) {
		sizes := make([][]int, len(bAxes))
		for i, ax := range bAxes {
			sizes[i] = axisSizes(ax)
		}
		b = b.Rechunk(chunk.Explicit(sizes...))
		if err := b.Err(); err != nil {
			return ndarray.Errored(fmt.Errorf("linalg.%s: rechunking b to a's chunks: %w", op, err))
		}
	}
	grid, err := chunk.NewGridAxes(outAxes)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("linalg.%s: %w", op, err))
	}
	kgrid := make([]int, len(l.AContr))
	for i, ax := range l.AContr {
		kgrid[i] = ga.Axis(ax).NumChunks()
	}
	c := &contraction{a: a, b: b, dt: dt, lay: l, kgrid: kgrid}
	c.token = ndarray.Token("linalg.contract", a.Name(), b.Name(), fmt.Sprint(l))
	return ndarray.NewArray(dt, grid, c.token, c)
}

func axisSizes(a chunk.Axis) []int {
	s := make([]int, a.NumChunks())
	for i := range s {
		s[i] = a.Size(i)
	}
	return s
}
