package ndarray

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// This file is the hook through which another package (reduce, or a user's
// own) adds a fused reduction: an op that evaluates one block of a lazy
// array tile by tile and folds the tiles, so the block never exists in
// memory. The package plans a FusedBlock per input block with
// Builder.FusedBlock, carries it in its own registered op, and in the op's
// Run calls FusedBlock.Fold with a Folder of its own.

// A Span is a run of consecutive elements (C order) of one block, handed to
// a [Folder]: Rows whole or partial rows of the block's last axis, each
// covering the columns [Col0, Col1). Either Rows is 1, or Col0 is 0 and
// Col1 is the length of the last axis. A rank-0 block is one span of one
// row with Col0 0 and Col1 1.
type Span struct {
	// Start is the offset of the span's first element in the block, C order.
	Start int
	// Row is the block-local index of the span's first row: the block's
	// coordinates on every axis but the last, raveled in C order.
	Row int
	// Rows is the number of rows, at least 1.
	Rows int
	// Col0 and Col1 bound the columns of the last axis each row covers.
	Col0, Col1 int
	// Values holds the span's Rows*(Col1-Col0) elements as a typed slice of
	// the block's element type ([]float64, []int16, []bool, ...). It is
	// only valid during the Fold call: the evaluator reuses it for the next
	// span, so a Folder must copy what it keeps.
	Values any

	n int // len(Values)
}

// Len is the number of elements in the span.
func (s *Span) Len() int { return s.n }

// A Folder accumulates the elements of one block for a fused reduction.
//
// [FusedBlock.Fold] calls Fold once per span, in C order, from the
// goroutine that called FusedBlock.Fold, never concurrently; every element
// of the block is in exactly one span and a span holds at most
// [TileElems] elements. The span and its Values are valid only during the
// call. An error returned by Fold stops the evaluation and is returned
// by FusedBlock.Fold unchanged.
type Folder interface {
	// Fold accumulates the elements of span s; s is valid only during the
	// call. An error stops the evaluation.
	Fold(s *Span) error
}

// A SumFolder is a Folder that needs only the sum of the block's elements,
// not the elements themselves (a sum or a mean over every axis). When
// the block is a uniform random generator, [FusedBlock.Fold] generates and
// adds in one pass without a tile buffer and calls FoldSum instead of Fold;
// otherwise it calls Fold as for any Folder. The same contract applies:
// calls come in C order from the caller's goroutine.
type SumFolder interface {
	Folder
	// FoldSum adds sum, the float64 sum of n (at most TileElems) elements
	// of the block. The elements are never NaN.
	FoldSum(sum float64, n int)
}

// A FusedBlock is the fused elementwise program computing one block of a
// lazy array: plain data that encodes to JSON, so an op may carry it as a
// field and run on a remote worker. Its zero value is an empty program,
// which Fold and Check reject. Its methods do not modify it: one
// FusedBlock may be folded by several goroutines at once.
type FusedBlock struct {
	k kernel
}

// FusedBlock returns the program computing block idx of a and the keys of
// its inputs, adding their tasks to b. The op that carries the program
// must list the keys, in order, as its task's inputs and pass the input
// values to Fold. An opaque array (a layer's output) is one input, the
// block itself. It reports a's error, or an error for an index outside a's
// grid or chunks that do not align.
func (b *Builder) FusedBlock(a *Array, idx []int) (FusedBlock, []cluster.Key, error) {
	if err := a.Err(); err != nil {
		return FusedBlock{}, nil, err
	}
	if err := a.grid.CheckIndex(idx); err != nil {
		return FusedBlock{}, nil, err
	}
	if a.expr == nil {
		// An opaque array is the identity program over its block.
		key, err := b.Key(a, idx)
		if err != nil {
			return FusedBlock{}, nil, err
		}
		box := a.grid.BlockBox(idx)
		k := kernel{Lo: box.Lo, Hi: box.Hi, Prog: []instr{{Op: "input", DType: a.dtype, BlockShape: box.Shape()}}}
		return FusedBlock{k: k}, []cluster.Key{key}, nil
	}
	t, err := b.fusedTask(a, idx)
	if err != nil {
		return FusedBlock{}, nil, err
	}
	return FusedBlock{k: t.Op.(*fusedOp).Kernel}, t.Inputs, nil
}

// DType is the element type of the block's values (of every Span's
// Values), 0 for the zero FusedBlock.
func (f FusedBlock) DType() block.DType { return f.k.dtype() }

// Box is the block's region of the array. The caller must not modify it.
func (f FusedBlock) Box() chunk.Box { return f.k.box() }

// Scratch is the memory, in bytes, one Fold holds for its tile buffers:
// what the task carrying the program declares as cluster.Task.Scratch.
func (f FusedBlock) Scratch() int64 { return f.k.scratch() }

// Check reports whether f is well formed: a non-empty program over a valid
// region. A program decoded from the wire may not be; Fold checks too.
func (f FusedBlock) Check() error { return f.k.check() }

// Fold evaluates the block tile by tile from its input blocks in (the
// values of the keys Builder.FusedBlock returned, in order) and feeds every
// span of results to fl (see [Folder] and [SumFolder] for the contract).
// It returns the first error of the program (a *block.CastError naming the
// array-global index of a value out of range, say), of fl, or of ctx,
// which it checks between tiles. It keeps neither in nor fl.
func (f FusedBlock) Fold(ctx context.Context, in []cluster.Value, fl Folder) error {
	if err := f.k.check(); err != nil {
		return err
	}
	if sf, ok := fl.(SumFolder); ok {
		done, err := f.k.generatedSum(ctx, sf.FoldSum)
		if done || err != nil {
			return err
		}
	}
	return f.k.eval(ctx, in, fl.Fold)
}

// MarshalJSON encodes the program (the wire form of the ops that carry it).
func (f FusedBlock) MarshalJSON() ([]byte, error) { return json.Marshal(f.k) }

// UnmarshalJSON decodes a program encoded by MarshalJSON. It does not
// validate the program; Check and Fold do.
func (f *FusedBlock) UnmarshalJSON(b []byte) error {
	var k kernel
	if err := json.Unmarshal(b, &k); err != nil {
		return fmt.Errorf("ndarray: decode fused block: %w", err)
	}
	f.k = k
	return nil
}
