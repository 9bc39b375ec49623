package labelled

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// DatasetGroupBy is a dataset split into groups along one dim, xarray's
// DatasetGroupBy: built by [Dataset.GroupBy] and [Dataset.Resample]. Every
// data variable that has the grouped dim is grouped as [Array.GroupBy] (or
// [Array.Resample]) would group it, all with the same groups; variables
// without the dim are kept unchanged by the reductions (xarray, without
// flox, broadcasts them along the groups' dim instead; for Mean, Sum,
// Median and the anomaly each of its rows equals the kept variable). A DatasetGroupBy is
// immutable and safe for concurrent use; an errored one (see Err) returns
// its error from every method.
type DatasetGroupBy struct {
	ds     *Dataset
	dim    string
	probe  *GroupBy            // the grouping of the dim's coordinate: groups, name, errors
	groups map[string]*GroupBy // per variable having dim
	err    error
}

// Err is the error that kept the grouping from being built, or nil.
func (g *DatasetGroupBy) Err() error { return g.err }

// Dim is the grouped dim of the dataset.
func (g *DatasetGroupBy) Dim() string { return g.dim }

// Name is the dim the groups form in a reduction's result ("month",
// "season", or the resampled dim), as GroupBy.Name.
func (g *DatasetGroupBy) Name() string {
	if g.probe == nil {
		return ""
	}
	return g.probe.name
}

// Labels is the index of the groups, in the order of the result (nil when
// errored).
func (g *DatasetGroupBy) Labels() Index {
	if g.probe == nil {
		return nil
	}
	return g.probe.labels
}

// GroupBy is xarray's ds.groupby(key): key names a 1-D coordinate of the
// dataset, or a time component of one ("time.month", "time.season"), as
// Array.GroupBy. A key naming no 1-D coordinate, or a bad component, is
// ErrGroup naming the key; an errored variable is an error naming it.
func (ds *Dataset) GroupBy(key string) *DatasetGroupBy {
	if ds == nil {
		return &DatasetGroupBy{err: argErr("groupby on a nil dataset")}
	}
	coordName, _, _ := strings.Cut(key, ".")
	k := slices.IndexFunc(ds.coords, func(c *Coord) bool { return c.name == coordName && len(c.dims) == 1 })
	if k < 0 {
		return &DatasetGroupBy{err: fmt.Errorf("%w: dataset groupby(%q): the dataset has no 1-D coordinate %q", ErrGroup, key, coordName)}
	}
	return ds.group(ds.coords[k], fmt.Sprintf("groupby(%q)", key), func(a *Array) *GroupBy { return a.GroupBy(key) })
}

// Resample is xarray's ds.resample(dim=freq): the time index of dim is
// split into periods of freq as Array.Resample, and every variable having
// dim is resampled alike. A dim the dataset does not have is ErrDim; one
// without a time index, or a bad freq, ErrFrequency.
func (ds *Dataset) Resample(dim, freq string) *DatasetGroupBy {
	if ds == nil {
		return &DatasetGroupBy{err: argErr("resample on a nil dataset")}
	}
	if _, ok := ds.sizes[dim]; !ok {
		return &DatasetGroupBy{err: dimErr("dataset resample over %q: the dataset's dims are %v", dim, ds.dims)}
	}
	k := slices.IndexFunc(ds.coords, func(c *Coord) bool { return c.IsIndex() && c.name == dim })
	if k < 0 {
		return &DatasetGroupBy{err: fmt.Errorf("%w: dataset resample over %q: the dim has no time index", ErrFrequency, dim)}
	}
	return ds.group(ds.coords[k], fmt.Sprintf("resample(%s=%q)", dim, freq), func(a *Array) *GroupBy { return a.Resample(dim, freq) })
}

// group groups c (as a stand-in array of zeros, to resolve the groups and
// their errors once) and every variable along c's dim with mk.
func (ds *Dataset) group(c *Coord, what string, mk func(*Array) *GroupBy) *DatasetGroupBy {
	dim := c.dims[0]
	n := ds.sizes[dim]
	stand := New(ndarray.Zeros(block.Float64, []int{n}, chunk.PerAxis(max(n, 1))), []string{dim}, Coords(c))
	probe := mk(stand)
	if err := probe.Err(); err != nil {
		return &DatasetGroupBy{err: fmt.Errorf("labelled: dataset %s: %w", what, err)}
	}
	g := &DatasetGroupBy{ds: ds, dim: dim, probe: probe, groups: map[string]*GroupBy{}}
	for _, name := range ds.names {
		if !slices.Contains(ds.vars[name].dims, dim) {
			continue
		}
		gv := mk(ds.Var(name))
		if err := gv.Err(); err != nil {
			return &DatasetGroupBy{err: fmt.Errorf("labelled: dataset %s: variable %q: %w", what, name, err)}
		}
		g.groups[name] = gv
	}
	return g
}

// each applies f to the grouping of every variable having the dim; the
// others are kept unchanged.
func (g *DatasetGroupBy) each(what string, f func(*GroupBy) *Array) (*Dataset, error) {
	if g.err != nil {
		return nil, g.err
	}
	out, err := g.ds.Map(func(name string, a *Array) *Array {
		gv, ok := g.groups[name]
		if !ok {
			return a
		}
		return f(gv)
	})
	if err != nil {
		return nil, fmt.Errorf("labelled: dataset groupby %s: %w", what, err)
	}
	return out, nil
}

// Reduce is xarray's ds.groupby(key).reduce(r): every variable having Dim
// reduced per group as GroupBy.Reduce (Dim replaced by Name, labelled by
// the groups; coordinates along Dim dropped), the others kept unchanged.
// Errors as GroupBy.Reduce, naming the variable.
func (g *DatasetGroupBy) Reduce(r Reduction, opts ...ReduceOption) (*Dataset, error) {
	return g.each(fmt.Sprint(r), func(gv *GroupBy) *Array { return gv.Reduce(r, opts...) })
}

// Mean is Reduce(Mean).
func (g *DatasetGroupBy) Mean() (*Dataset, error) { return g.Reduce(Mean) }

// Sum is Reduce(Sum).
func (g *DatasetGroupBy) Sum() (*Dataset, error) { return g.Reduce(Sum) }

// Min is Reduce(Min).
func (g *DatasetGroupBy) Min() (*Dataset, error) { return g.Reduce(Min) }

// Max is Reduce(Max).
func (g *DatasetGroupBy) Max() (*Dataset, error) { return g.Reduce(Max) }

// Count is Reduce(Count).
func (g *DatasetGroupBy) Count() (*Dataset, error) { return g.Reduce(Count) }

// Std is Reduce(Std, opts...) (DDOF for the divisor).
func (g *DatasetGroupBy) Std(opts ...ReduceOption) (*Dataset, error) { return g.Reduce(Std, opts...) }

// Var is Reduce(Var, opts...) (DDOF for the divisor).
func (g *DatasetGroupBy) Var(opts ...ReduceOption) (*Dataset, error) { return g.Reduce(Var, opts...) }

// Median is each grouped variable's GroupBy.Median, the others kept
// unchanged.
func (g *DatasetGroupBy) Median(opts ...QuantileOption) (*Dataset, error) {
	return g.each("median", func(gv *GroupBy) *Array { return gv.Median(opts...) })
}

// Quantile is each grouped variable's GroupBy.Quantile(q), the others kept
// unchanged. Errors (q outside [0, 1]) as Array.Quantile.
func (g *DatasetGroupBy) Quantile(q float64, opts ...QuantileOption) (*Dataset, error) {
	return g.each("quantile", func(gv *GroupBy) *Array { return gv.Quantile(q, opts...) })
}

// Sub is the anomaly ds.groupby(key) - clim: each grouped variable minus
// clim's variable of the same name as GroupBy.Sub (clim's variable on the
// groups' dim Name, a climatology made by Mean, say); a variable without
// Dim minus clim's as [Sub]. As xarray's Dataset arithmetic, only the
// variables in both datasets are kept. A nil clim is ErrArgument; a
// variable that does not fit (clim's on the grouped dim, or an ungrouped
// variable against clim's on Name) ErrDim naming it.
func (g *DatasetGroupBy) Sub(clim *Dataset) (*Dataset, error) {
	if g.err != nil {
		return nil, g.err
	}
	if clim == nil {
		return nil, argErr("dataset groupby subtraction of a nil dataset")
	}
	name := g.Name()
	return g.ds.Map(func(v string, a *Array) *Array {
		if _, ok := clim.vars[v]; !ok {
			return nil
		}
		c := clim.Var(v)
		if gv, ok := g.groups[v]; ok {
			return gv.Sub(c)
		}
		if slices.Contains(c.Dims(), name) {
			return Errored(dimErr("groupby subtraction: variable %q lacks the grouped dim %q but clim's has the groups' dim %q", v, g.dim, name))
		}
		return Sub(a, c)
	})
}
