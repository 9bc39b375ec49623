package labelled

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// Combine is how OpenMF orders the files it concatenates.
type Combine uint8

const (
	// ByCoords orders the files by the first label of the concat dim's
	// index, as open_mfdataset(combine="by_coords"); files whose labels
	// overlap, or that have no index on the dim, are ErrAlign.
	ByCoords Combine = iota
	// Nested keeps the files in the order given (globs expanded in
	// lexical order), as open_mfdataset(combine="nested", concat_dim=dim).
	Nested
)

// MFOptions tune OpenMF.
type MFOptions struct {
	// Combine orders the files; the zero value is ByCoords.
	Combine Combine
	// Labels, with Nested, label the files along dim when dim is a new
	// dimension (one label per file); nil leaves the new dim without an
	// index.
	Labels Index
	// PathLabel, when dim is a new dimension, labels each file from its
	// path (such as a date parsed from the file name, DateFromName): the
	// labels (all strings, all int64, all float64 or all cftime.Time)
	// become dim's index, and with ByCoords the files are ordered by them.
	// It excludes Labels.
	PathLabel func(path string) (any, error)
	// Minimal takes the data variables that lack dim from the first file
	// (data_vars="minimal"); by default they are repeated along dim in
	// every file and concatenated, as xarray's data_vars="all".
	Minimal bool
	// Open opens one file; nil opens it with OpenNetCDF and NetCDF.
	Open func(ctx context.Context, path string) (*Dataset, error)
	// NetCDF are the options of the default opener.
	NetCDF NetCDFOptions
}

// OpenMF opens many files as one Dataset, concatenated along dim, as
// xr.open_mfdataset(paths, combine=..., concat_dim=dim) does, lazily: each
// file is opened (o.Open, OpenNetCDF by default) and every data variable
// is the lazy concatenation (Concat) of the files' variables, so the
// result is one task graph reading each file only when computed.
//
// paths are file names; an entry containing a glob metacharacter (*?[) is
// expanded (filepath.Glob, lexical order), and a pattern that matches
// nothing is ErrArgument. Variables that have dim are concatenated along
// it with their dim coordinates; variables without it are repeated along
// dim in each file (lazily, by broadcasting) and concatenated, as
// xarray's default data_vars="all", or taken from the first file with
// o.Minimal. When no variable has dim it is a new dimension (Nested
// only, labelled by o.Labels). Every file must hold the same data
// variables (ErrMerge naming the file and the variable); other dims must
// have equal indexes (ErrAlign naming the dim) and other coordinates
// equal values (ErrMerge); dtypes are promoted. The attrs are the first
// file's.
func OpenMF(ctx context.Context, paths []string, dim string, o MFOptions) (*Dataset, error) {
	if ctx == nil {
		return nil, argErr("OpenMF: nil context")
	}
	if dim == "" {
		return nil, argErr("OpenMF: empty dim")
	}
	if o.Combine != ByCoords && o.Combine != Nested {
		return nil, argErr("OpenMF: unknown Combine %d", o.Combine)
	}
	files, err := expandPaths(paths)
	if err != nil {
		return nil, err
	}
	open := o.Open
	if open == nil {
		open = func(ctx context.Context, p string) (*Dataset, error) { return OpenNetCDF(ctx, p, o.NetCDF) }
	}
	dss := make([]*Dataset, len(files))
	for k, p := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ds, err := open(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("labelled.OpenMF: %s: %w", p, err)
		}
		if ds == nil {
			return nil, argErr("OpenMF: Open returned no dataset for %s", p)
		}
		dss[k] = ds
	}
	newDim := !slices.Contains(dss[0].Dims(), dim)
	for k, ds := range dss {
		if slices.Contains(ds.Dims(), dim) == newDim {
			return nil, dimErr("OpenMF: %s has dim %q but %s does not (or the other way round)", files[k], dim, files[0])
		}
	}
	if o.Labels != nil && o.PathLabel != nil {
		return nil, argErr("OpenMF: both Labels and PathLabel")
	}
	if o.PathLabel != nil {
		if !newDim {
			return nil, argErr("OpenMF: PathLabel applies to a new dim, and the files have %q", dim)
		}
		ix, err := pathLabels(files, o.PathLabel)
		if err != nil {
			return nil, err
		}
		o.Labels = ix
		if o.Combine == ByCoords {
			order := sortedPositions(ix)
			o.Labels = ix.Take(order)
			dss2, files2 := make([]*Dataset, len(dss)), make([]string, len(dss))
			for k, i := range order {
				dss2[k], files2[k] = dss[i], files[i]
			}
			dss, files = dss2, files2
			for k := 1; k < o.Labels.Len(); k++ {
				if c, err := o.Labels.Compare(k-1, o.Labels.Label(k)); err != nil || c == 0 {
					return nil, &AlignError{Dim: dim, Detail: fmt.Sprintf("combine by coords: %s and %s have the same label %s", files[k-1], files[k], o.Labels.Format(k)), Err: ErrAlign}
				}
			}
		}
	}
	if newDim && o.Combine == ByCoords && o.PathLabel == nil {
		return nil, dimErr("OpenMF: combine by coords along %q, which %s does not have (use Nested or PathLabel)", dim, files[0])
	}
	if o.Labels != nil && !newDim {
		return nil, argErr("OpenMF: Labels apply to a new dim only")
	}
	if o.Combine == ByCoords && !newDim {
		if dss, files, err = sortByCoords(dss, files, dim); err != nil {
			return nil, err
		}
	}
	first := dss[0]
	var arrays []*Array
	for _, name := range first.Names() {
		parts := make([]*Array, len(dss))
		for k, ds := range dss {
			v := ds.Var(name)
			if v == nil || v.Err() != nil {
				return nil, fmt.Errorf("%w: OpenMF: %s has no data variable %q, which %s has", ErrMerge, files[k], name, files[0])
			}
			parts[k] = v
		}
		if !newDim && !slices.Contains(parts[0].Dims(), dim) {
			if o.Minimal {
				arrays = append(arrays, parts[0])
				continue
			}
			for k, ds := range dss {
				if parts[k] = alongDim(parts[k], ds, dim); parts[k].Err() != nil {
					return nil, fmt.Errorf("labelled.OpenMF: %s variable %q: %w", files[k], name, parts[k].Err())
				}
			}
		}
		c := Concat(dim, parts, o.Labels)
		if err := c.Err(); err != nil {
			return nil, fmt.Errorf("labelled.OpenMF: variable %q: %w", name, err)
		}
		arrays = append(arrays, c.WithName(name))
	}
	for k, ds := range dss[1:] {
		if len(ds.Names()) != len(first.Names()) {
			return nil, fmt.Errorf("%w: OpenMF: %s has data variables %v, %s has %v", ErrMerge, files[k+1], ds.Names(), files[0], first.Names())
		}
	}
	out, err := NewDataset(arrays, first.Attrs())
	if err != nil {
		return nil, fmt.Errorf("labelled.OpenMF: %w", err)
	}
	return out, nil
}

// expandPaths expands the glob patterns among paths.
func expandPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == "" {
			return nil, argErr("OpenMF: empty path")
		}
		if !strings.ContainsAny(p, "*?[") {
			out = append(out, p)
			continue
		}
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, argErr("OpenMF: pattern %q: %v", p, err)
		}
		if len(m) == 0 {
			return nil, argErr("OpenMF: pattern %q matches no file", p)
		}
		sort.Strings(m)
		out = append(out, m...)
	}
	if len(out) == 0 {
		return nil, argErr("OpenMF: no paths")
	}
	return out, nil
}

// sortByCoords orders the datasets by the first label of dim's index and
// checks that consecutive files do not overlap.
func sortByCoords(dss []*Dataset, files []string, dim string) ([]*Dataset, []string, error) {
	ixs := make([]Index, len(dss))
	for k, ds := range dss {
		c := dimCoord(ds, dim)
		if c == nil {
			return nil, nil, &AlignError{Dim: dim, Detail: fmt.Sprintf("combine by coords: %s has no index on it", files[k]), Err: ErrAlign}
		}
		if c.Values().Len() == 0 {
			return nil, nil, &AlignError{Dim: dim, Detail: fmt.Sprintf("combine by coords: %s has no labels on it", files[k]), Err: ErrAlign}
		}
		ixs[k] = c.Values()
	}
	order := make([]int, len(dss))
	for k := range order {
		order[k] = k
	}
	var cmpErr error
	sort.SliceStable(order, func(a, b int) bool {
		c, err := ixs[order[a]].Compare(0, ixs[order[b]].Label(0))
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c < 0
	})
	if cmpErr != nil {
		return nil, nil, &AlignError{Dim: dim, Detail: "combine by coords: " + cmpErr.Error(), Err: ErrAlign}
	}
	outD, outF := make([]*Dataset, len(dss)), make([]string, len(dss))
	for k, i := range order {
		outD[k], outF[k] = dss[i], files[i]
	}
	for k := 1; k < len(order); k++ {
		prev, next := ixs[order[k-1]], ixs[order[k]]
		c, err := prev.Compare(prev.Len()-1, next.Label(0))
		if err != nil || c >= 0 {
			return nil, nil, &AlignError{Dim: dim, Detail: fmt.Sprintf("combine by coords: %s and %s overlap (last label %s, first %s)",
				outF[k-1], outF[k], prev.Format(prev.Len()-1), next.Format(0)), Err: ErrAlign}
		}
	}
	return outD, outF, nil
}

// dimCoord is ds's dimension coordinate of dim, nil when it has none.
func dimCoord(ds *Dataset, dim string) *Coord {
	for _, c := range ds.Coords() {
		if c.Name() == dim && c.IsIndex() {
			return c
		}
	}
	return nil
}

// alongDim is a, which lacks dim, repeated along ds's dim (with its
// index), dim first: a broadcast, lazy and in a's dtype.
func alongDim(a *Array, ds *Dataset, dim string) *Array {
	n := ds.Sizes()[dim]
	vals := make([]bool, n)
	for k := range vals {
		vals[k] = true
	}
	d, err := block.FromSlice(vals, n)
	if err != nil {
		return Errored(err)
	}
	var opts []Option
	if c := dimCoord(ds, dim); c != nil {
		opts = append(opts, Coords(c))
	}
	all := New(ndarray.FromDense(d, chunk.Spec{}), []string{dim}, opts...)
	out := Where(all, a, a)
	if err := out.Err(); err != nil {
		return out
	}
	return out.Transpose(append([]string{dim}, a.Dims()...)...).WithName(a.Name()).WithAttrs(a.Attrs())
}

// pathLabels is the Index of the labels label gives the files.
func pathLabels(files []string, label func(string) (any, error)) (Index, error) {
	vals := make([]any, len(files))
	for k, p := range files {
		v, err := label(p)
		if err != nil {
			return nil, fmt.Errorf("%w: OpenMF: label of %s: %w", ErrCoord, p, err)
		}
		vals[k] = v
	}
	switch vals[0].(type) {
	case string:
		return labelsAs[string](vals, files, func(v []string) Index { return StringIndex(v) })
	case int64:
		return labelsAs[int64](vals, files, func(v []int64) Index { return Int64Index(v) })
	case float64:
		return labelsAs[float64](vals, files, func(v []float64) Index { return Float64Index(v) })
	case cftime.Time:
		var ix Index
		var terr error
		_, err := labelsAs[cftime.Time](vals, files, func(v []cftime.Time) Index {
			ts, err := cftime.TimesOf(v)
			if err != nil {
				terr = err
				return nil
			}
			ix = NewTimeIndex(ts)
			return ix
		})
		if err != nil {
			return nil, err
		}
		if terr != nil {
			return nil, fmt.Errorf("%w: OpenMF: file labels: %w", ErrCoord, terr)
		}
		return ix, nil
	}
	return nil, fmt.Errorf("%w: OpenMF: label %v (%T) of %s: want string, int64, float64 or cftime.Time", ErrCoord, vals[0], vals[0], files[0])
}

func labelsAs[T any](vals []any, files []string, mk func([]T) Index) (Index, error) {
	out := make([]T, len(vals))
	for k, v := range vals {
		t, ok := v.(T)
		if !ok {
			return nil, fmt.Errorf("%w: OpenMF: label %v (%T) of %s is not of the first file's type %T", ErrCoord, v, v, files[k], vals[0])
		}
		out[k] = t
	}
	return mk(out), nil
}

// sortedPositions are ix's positions in increasing label order (stable).
func sortedPositions(ix Index) []int {
	order := make([]int, ix.Len())
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool {
		c, _ := ix.Compare(order[a], ix.Label(order[b]))
		return c < 0
	})
	return order
}

// DateFromName is a PathLabel for OpenMF: the date written in a file's
// base name in the Go time layout (such as "20060102" for
// "tas_20200131.nc" or "2006-01" for "pr_2020-02.nc"), found as the first
// run of the layout's length that parses to a date of the standard
// calendar, as a cftime.Time with those fields. A name without such a date is an error naming it.
func DateFromName(layout string) func(path string) (any, error) {
	return func(path string) (any, error) {
		if layout == "" {
			return nil, argErr("DateFromName: empty layout")
		}
		base := filepath.Base(path)
		n := len(layout)
		for i := 0; i+n <= len(base); i++ {
			t, err := time.Parse(layout, base[i:i+n])
			if err != nil {
				continue
			}
			// The fields as written, not the instant: before 1582 the
			// standard calendar is Julian.
			d, err := cftime.Date(cftime.Standard, t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond())
			if err != nil {
				continue // year 0, or a day of the 1582 gap
			}
			return d, nil
		}
		return nil, argErr("DateFromName: no %q date in the name %q", layout, base)
	}
}
