package labelled

import (
	"fmt"
	"slices"

	"github.com/tessera-array/tessera/ndarray"
)

// Median is xarray's da.groupby(key).median(): each group's median along
// Dim, NaN skipped for float data (QuantileSkipNA to change it), exact for
// any chunking, through ReduceEach (each group gathered, then stats'
// exact median over it in bounded memory). The result is laid out as
// Reduce's: Dim replaced in place by Name, labelled by the groups; groups
// without members (empty bins, empty resample periods) are NaN.
func (g *GroupBy) Median(opts ...QuantileOption) *Array {
	return g.quantile(kindMedian, nil, quantileCfg(opts))
}

// Quantile is xarray's da.groupby(key).quantile(q) with one q: each
// group's q-th quantile along Dim, laid out as Median, with a scalar
// coordinate "quantile" holding q. Method, skipna and errors as
// Array.Quantile.
func (g *GroupBy) Quantile(q float64, opts ...QuantileOption) *Array {
	return g.quantile(kindScalar, []float64{q}, quantileCfg(opts))
}

// Quantiles is xarray's da.groupby(key).quantile(qs) with a list of q: as
// Quantile, with a last dim "quantile" of len(qs) indexed by qs (xarray's
// layout for grouped quantiles).
func (g *GroupBy) Quantiles(qs []float64, opts ...QuantileOption) *Array {
	return g.quantile(kindList, qs, quantileCfg(opts))
}

func (g *GroupBy) quantile(k quantileKind, qs []float64, cfg quantileConfig) *Array {
	if g.err != nil {
		return Errored(g.err)
	}
	src := g.a.v.data
	if k == kindList {
		return g.quantiles(qs, cfg)
	}
	f, err := statsFunc(k, qs, src.DType(), cfg)
	if err != nil {
		return Errored(err)
	}
	name := "median"
	if k == kindScalar {
		name = fmt.Sprintf("quantile(%v)", qs[0])
	}
	out := g.ReduceEach(name, func(x *ndarray.Array, axis int) *ndarray.Array {
		if x.Shape()[axis] == 0 {
			// A group without members: reduce a stand-in position, which
			// maskEmpty turns to NaN, so every group has one dtype and an
			// exact quantile of nothing never fails.
			x = src.Take([]int{0}, axis)
		}
		return f(x, axis)
	})
	if out.Err() != nil {
		return out
	}
	if cfg.keepAttrs {
		out.v.attrs, out.v.encoding = g.a.v.attrs, g.a.v.encoding
	}
	qc, err := quantileCoord(k, qs)
	if err != nil {
		return Errored(err)
	}
	if qc != nil {
		out = out.DropCoords(QuantileDim).WithCoords(qc)
	}
	return out
}

// quantiles is Quantiles: as ReduceEach, but each group's quantiles come
// from one stats call (its passes shared by every q), with the q axis
// moved last.
func (g *GroupBy) quantiles(qs []float64, cfg quantileConfig) *Array {
	src := g.a.v.data
	f, err := statsFunc(kindList, qs, src.DType(), cfg)
	if err != nil {
		return Errored(err)
	}
	if slices.Contains(g.a.v.dims, QuantileDim) {
		return Errored(dimErr("groupby quantile: the array already has a dim %q", QuantileDim))
	}
	ng := g.labels.Len()
	if ng == 0 {
		return Errored(argErr("groupby quantile: no groups"))
	}
	members := make([][]int, ng)
	for i, c := range g.codes {
		if c >= 0 {
			members[c] = append(members[c], i)
		}
	}
	nd := len(g.a.v.dims)
	want := append([]int{len(qs)}, slices.Delete(slices.Clone(src.Shape()), g.axis, g.axis+1)...)
	// perm moves the leading q axis last: (kept..., q).
	perm := make([]int, nd)
	for i := range nd - 1 {
		perm[i] = i + 1
	}
	parts := make([]*ndarray.Array, ng)
	for j, pos := range members {
		if len(pos) == 0 {
			pos = []int{0} // a stand-in, made NaN by maskEmpty, as Median
		}
		r := f(src.Take(pos, g.axis), g.axis)
		if err := r.Err(); err != nil {
			return Errored(fmt.Errorf("labelled: groupby quantile of group %s: %w", g.labels.Format(j), err))
		}
		if !slices.Equal(r.Shape(), want) {
			return Errored(argErr("groupby quantile: shape %v for group %s, want %v", r.Shape(), g.labels.Format(j), want))
		}
		parts[j] = r.Transpose(perm...).ExpandDims(g.axis)
	}
	dims := append(slices.Clone(g.a.v.dims), QuantileDim)
	dims[g.axis] = g.name
	var coords []*Coord
	for _, c := range g.a.coords {
		if !slices.Contains(c.dims, g.dim) && c.name != g.name && c.name != QuantileDim {
			coords = append(coords, c)
		}
	}
	coords = append(coords, IndexCoord(g.name, g.labels), IndexCoord(QuantileDim, Float64Index(slices.Clone(qs))))
	out := g.a.derive(ndarray.Concatenate(parts, g.axis), dims, coords, cfg.keepAttrs)
	if out.Err() != nil {
		return out
	}
	if err := out.checkCoords(); err != nil {
		return Errored(err)
	}
	return g.maskEmpty(out)
}

// Quantile is xarray's ds.quantile(q, dim=dims) with one q: every data
// variable having some of dims (any dim when dims is empty) is reduced
// over those it has, as Array.Quantile; a variable with none of them is
// kept unchanged, as xarray. Dims the dataset does not have are ErrDim;
// an errored variable is an error naming it.
func (ds *Dataset) Quantile(q float64, dims []string, opts ...QuantileOption) (*Dataset, error) {
	return ds.quantile(kindScalar, []float64{q}, dims, quantileCfg(opts))
}

// Quantiles is xarray's ds.quantile(qs, dim=dims) with a list of q, as
// Dataset.Quantile with Array.Quantiles.
func (ds *Dataset) Quantiles(qs []float64, dims []string, opts ...QuantileOption) (*Dataset, error) {
	return ds.quantile(kindList, qs, dims, quantileCfg(opts))
}

// Median is xarray's ds.median(dims): as Dataset.Quantile with
// Array.Median, except that variables that are not numeric are dropped
// (xarray's numeric_only for median).
func (ds *Dataset) Median(dims ...string) (*Dataset, error) {
	return ds.quantile(kindMedian, nil, dims, quantileConfig{})
}

func (ds *Dataset) quantile(k quantileKind, qs []float64, dims []string, cfg quantileConfig) (*Dataset, error) {
	what := "quantile"
	if k == kindMedian {
		what = "median"
	}
	for _, d := range dims {
		if _, ok := ds.sizes[d]; !ok {
			return nil, dimErr("%s over %q: the dataset's dims are %v", what, d, ds.dims)
		}
	}
	return ds.Map(func(_ string, a *Array) *Array {
		if k == kindMedian && !a.DType().IsNumeric() {
			return nil
		}
		var own []string
		for _, d := range a.Dims() {
			if len(dims) == 0 || slices.Contains(dims, d) {
				own = append(own, d)
			}
		}
		if len(own) == 0 && len(a.Dims()) > 0 {
			return a
		}
		return a.quantile(k, qs, own, cfg)
	})
}
