package labelled

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns wraps one of them (test
// with errors.Is); the typed errors below add what and where.
var (
	// ErrDim reports a dimension name that the array or dataset does not
	// have, a duplicate dimension name, or dims that do not match the data's
	// rank.
	ErrDim = errors.New("labelled: bad dimension")
	// ErrNotFound reports a label that is not in a dimension's index, or not
	// within the tolerance of any label there. A *LabelError names both.
	ErrNotFound = errors.New("labelled: label not found")
	// ErrNotMonotonic reports a label slice, or a method other than exact,
	// on an index that is neither increasing nor decreasing.
	ErrNotMonotonic = errors.New("labelled: index is not monotonic")
	// ErrNoIndex reports label selection on a dimension that has no
	// dimension coordinate.
	ErrNoIndex = errors.New("labelled: dimension has no index")
	// ErrLabelType reports a label whose Go type the index cannot compare
	// with its own labels (a string on a numeric index, say).
	ErrLabelType = errors.New("labelled: label of the wrong type for the index")
	// ErrAlign reports operands that cannot be aligned: indexes that differ
	// under JoinExact, dims of one name but different sizes without an index,
	// an index with duplicate labels, or an empty inner join.
	ErrAlign = errors.New("labelled: arrays do not align")
	// ErrMerge reports a conflict when merging or concatenating: one name
	// with different values, dims or kinds.
	ErrMerge = errors.New("labelled: conflicting values")
	// ErrCoord reports a coordinate whose dims or length do not fit the
	// array or dataset it is attached to.
	ErrCoord = errors.New("labelled: bad coordinate")
	// ErrArgument reports an invalid argument of a public entry point (a nil
	// array, an empty name, a negative tolerance, an unknown reduction).
	ErrArgument = errors.New("labelled: invalid argument")
)

// LabelError is a label selection failure on one dimension: Err is
// ErrNotFound, ErrNotMonotonic, ErrNoIndex or ErrLabelType.
type LabelError struct {
	Dim   string // the dimension selected on
	Label any    // the label (or slice bound) that failed; nil when none applies
	Err   error
}

// Error names the label and the dimension.
func (e *LabelError) Error() string {
	if e.Label == nil {
		return fmt.Sprintf("%v: dim %q", e.Err, e.Dim)
	}
	return fmt.Sprintf("%v: %v (%T) on dim %q", e.Err, e.Label, e.Label, e.Dim)
}

// Unwrap returns Err.
func (e *LabelError) Unwrap() error { return e.Err }

// AlignError is a failure to align operands on one dimension: Err is
// ErrAlign.
type AlignError struct {
	Dim    string // the dimension that does not align
	Detail string // what differs
	Err    error
}

// Error names the dimension and what differs.
func (e *AlignError) Error() string {
	return fmt.Sprintf("%v: dim %q: %s", e.Err, e.Dim, e.Detail)
}

// Unwrap returns Err.
func (e *AlignError) Unwrap() error { return e.Err }

func dimErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrDim}, args...)...)
}

func argErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrArgument}, args...)...)
}
