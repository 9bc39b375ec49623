package labelled

import (
	"fmt"
	"slices"
)

// Map applies f to every data variable (as Var gives it, with its
// coordinates) and gathers the results, named as the variables, into a new
// dataset with ds's attrs: xarray's Dataset.map. f may return nil to drop
// a variable. An errored result is an error naming the variable.
func (ds *Dataset) Map(f func(name string, a *Array) *Array) (*Dataset, error) {
	var out []*Array
	for _, name := range ds.names {
		r := f(name, ds.Var(name))
		if r == nil {
			continue
		}
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("labelled: Dataset.Map: variable %q: %w", name, err)
		}
		out = append(out, r.WithName(name))
	}
	return NewDataset(out, ds.attrs)
}

// Reduce reduces every data variable over those of dims it has (every dim
// when dims is empty), as xarray's Dataset reductions do: a variable with
// none of the dims is kept unchanged, and, for the numeric reductions
// (everything but Count, Any and All), a variable that is not numeric is
// dropped (xarray's numeric_only). Dims the dataset does not have are
// ErrDim.
func (ds *Dataset) Reduce(r Reduction, dims []string, opts ...ReduceOption) (*Dataset, error) {
	def, ok := reductions[r]
	if !ok {
		return nil, argErr("unknown reduction %v", r)
	}
	for _, d := range dims {
		if _, ok := ds.sizes[d]; !ok {
			return nil, dimErr("%s over %q: the dataset's dims are %v", def.name, d, ds.dims)
		}
	}
	numericOnly := r != Count && r != Any && r != All
	return ds.Map(func(_ string, a *Array) *Array {
		if numericOnly && !a.DType().IsNumeric() && !a.DType().IsBool() {
			return nil
		}
		var own []string
		for _, d := range a.Dims() {
			if len(dims) == 0 || slices.Contains(dims, d) {
				own = append(own, d)
			}
		}
		if len(own) == 0 {
			return a
		}
		return a.Reduce(r, own, opts...)
	})
}

// Mean is Reduce(Mean, dims): ds.mean(dims) in xarray.
func (ds *Dataset) Mean(dims ...string) (*Dataset, error) { return ds.Reduce(Mean, dims) }
