package window

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error of this package wraps one of them (test with
// errors.Is); the message names the argument, the axis and the value.
var (
	// ErrWindow reports a rolling window below 1 or longer than its axis, a
	// negative min_periods or one above the window, or a negative ddof.
	ErrWindow = errors.New("window: bad rolling window")
	// ErrAxis reports an axis outside the array's rank, or an axis given
	// twice.
	ErrAxis = errors.New("window: bad axis")
	// ErrFactor reports a coarsening factor below 1 (or an empty factor
	// map).
	ErrFactor = errors.New("window: bad coarsening factor")
	// ErrBoundary reports an axis whose length is not a multiple of its
	// coarsening factor under BoundaryExact, or an unknown boundary.
	ErrBoundary = errors.New("window: length is not a multiple of the coarsening factor")
	// ErrDType reports an input dtype the operation does not take (only
	// real numbers are rolled and coarsened).
	ErrDType = errors.New("window: unsupported dtype")
	// ErrReduction reports an unknown reduction.
	ErrReduction = errors.New("window: unknown reduction")
	// ErrUnknownFunc reports a custom rolling function name that no
	// RegisterFunc call made known in this binary.
	ErrUnknownFunc = errors.New("window: unknown rolling function")
	// ErrParams reports task parameters that do not describe a valid
	// operation (a graph built elsewhere, or corrupted on the wire).
	ErrParams = errors.New("window: bad task parameters")
)

func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
