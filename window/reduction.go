package window

import (
	"fmt"
	"strings"
)

// Reduction names what is computed over each window or coarsening block.
// Its JSON form is its name, so task parameters read as they print.
type Reduction uint8

// The reductions, xarray's names. Over float data NaN is skipped (counted
// against min_periods for rolling), as xarray's rolling (bottleneck's
// move_* functions) and coarsen (skipna for floats) do.
const (
	// Sum adds the valid values.
	Sum Reduction = iota + 1
	// Mean is the mean of the valid values.
	Mean
	// Min is the smallest valid value.
	Min
	// Max is the largest valid value.
	Max
	// Var is the variance of the valid values, with a ddof.
	Var
	// Std is the square root of Var.
	Std
	// Median is the median of the valid values (the mean of the two middle
	// ones for an even count).
	Median
	// Count is the number of valid (non-NaN) values.
	Count
	// Prod multiplies the valid values.
	Prod
	// Custom is a function registered with RegisterFunc (rolling only).
	Custom
)

var reductionNames = [...]string{"", "sum", "mean", "min", "max", "var", "std", "median", "count", "prod", "custom"}

// String is the reduction's xarray name ("mean", "std", …).
func (r Reduction) String() string {
	if r >= 1 && int(r) < len(reductionNames) {
		return reductionNames[r]
	}
	return fmt.Sprintf("Reduction(%d)", uint8(r))
}

// valid reports whether r is one of the constants.
func (r Reduction) valid() bool { return r >= Sum && r <= Custom }

// MarshalText is the reduction's name; an unknown reduction is ErrReduction.
func (r Reduction) MarshalText() ([]byte, error) {
	if !r.valid() {
		return nil, errorf(ErrReduction, "%d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText parses a name made by MarshalText; anything else is
// ErrReduction.
func (r *Reduction) UnmarshalText(b []byte) error {
	for i, n := range reductionNames {
		if i > 0 && n == strings.ToLower(string(b)) {
			*r = Reduction(i)
			return nil
		}
	}
	return errorf(ErrReduction, "%q", b)
}
