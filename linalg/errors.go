package linalg

import (
	"errors"
	"fmt"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// Errors of this package. Each is wrapped with the operation and the
// operand or axis at fault; test them with errors.Is.
var (
	// ErrShape reports operands whose shapes do not fit the operation: a
	// contracted axis of a different length in each operand, a matrix
	// operand of rank 0, x values of the wrong length for Polyfit. It
	// wraps block.ErrShape.
	ErrShape = fmt.Errorf("linalg: %w", block.ErrShape)
	// ErrDType reports an operand whose dtype has no linear algebra here
	// (bool, complex, strings, times). Integers are promoted to float64.
	ErrDType = fmt.Errorf("linalg: %w", ndarray.ErrOpDType)
	// ErrAxis reports an axis argument out of range or repeated.
	ErrAxis = fmt.Errorf("linalg: %w", ndarray.ErrAxis)
	// ErrChunking reports an operand chunked in a way the algorithm cannot
	// use: TSQR of a matrix split along its columns, or wider than tall.
	ErrChunking = errors.New("linalg: chunking not supported by the algorithm")
	// ErrMemory reports a step whose one task would hold more than its
	// memory budget (the stacked R factors of TSQR, a whole fit axis of
	// Polyfit).
	ErrMemory = errors.New("linalg: step does not fit the memory budget")
	// ErrDegree reports a negative polynomial degree.
	ErrDegree = errors.New("linalg: bad polynomial degree")
	// ErrParams reports task parameters (usually from the wire) that do
	// not describe a valid task.
	ErrParams = errors.New("linalg: malformed task parameters")
)

// floatOperand checks a's error and dtype and returns it as a float array:
// float32 and float64 unchanged, integers converted to float64 (exactly
// for magnitudes below 2^53). what names the operand in errors.
func floatOperand(op, what string, a *ndarray.Array) (*ndarray.Array, error) {
	if a == nil {
		return nil, fmt.Errorf("linalg.%s: %s: %w: nil *Array", op, what, ndarray.ErrOperand)
	}
	if err := a.Err(); err != nil {
		return nil, fmt.Errorf("linalg.%s: %s: %w", op, what, err)
	}
	dt := a.DType()
	switch {
	case dt == block.Float32 || dt == block.Float64:
		return a, nil
	case dt.IsInt():
		return a.AsType(block.Float64, block.OverflowError), nil
	}
	return nil, fmt.Errorf("%w: linalg.%s: %s has dtype %s (want a float or integer dtype)", ErrDType, op, what, dt)
}
