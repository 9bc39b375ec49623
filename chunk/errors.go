package chunk

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them so
// callers can test with errors.Is.
var (
	// ErrShape reports an impossible shape or size: negative lengths,
	// zero or negative chunk sizes, overflow of the element count.
	ErrShape = errors.New("chunk: invalid shape")
	// ErrRank reports a rank mismatch between two arguments.
	ErrRank = errors.New("chunk: rank mismatch")
	// ErrSpec reports a chunk specification that cannot be parsed or
	// does not fit the array it is applied to.
	ErrSpec = errors.New("chunk: invalid chunk spec")
	// ErrOutOfBounds reports an index or box outside the grid.
	ErrOutOfBounds = errors.New("chunk: out of bounds")
)

func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
