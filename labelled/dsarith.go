package labelled

import (
	"fmt"
	"slices"
)

// datasetBinary applies op to every data variable of ds with y, as
// xarray's Dataset arithmetic: y a *Dataset pairs variables by name and
// keeps those present in both (xarray's default arithmetic_join, "inner",
// applied to the data variables; under WithJoin(JoinOuter) xarray would
// also keep the others, filled with NaN, and labelled does not), each pair
// aligned and broadcast by dim name as op does for arrays (WithJoin
// applies there); y an *Array or a scalar is applied to every
// variable. Variables lose their attrs, and the dataset keeps its own only
// under a scalar, as xarray 2023's arithmetic does. reflected computes
// y op ds instead.
func datasetBinary(name string, op func(x, y any, opts ...OpOption) *Array, ds *Dataset, y any, reflected bool, opts []OpOption) (*Dataset, error) {
	if ds == nil {
		return nil, argErr("Dataset.%s of a nil dataset", name)
	}
	apply := func(a *Array, b any) *Array {
		if reflected {
			return op(b, a, opts...)
		}
		return op(a, b, opts...)
	}
	yd, isDataset := y.(*Dataset)
	if isDataset && yd == nil {
		return nil, argErr("Dataset.%s with a nil dataset", name)
	}
	var attrs map[string]any
	if _, isArray := y.(*Array); !isDataset && !isArray {
		attrs = ds.attrs // xarray keeps a dataset's attrs under a scalar
	}
	var out []*Array
	for _, v := range ds.names {
		other := y
		if isDataset {
			if !slices.Contains(yd.names, v) {
				continue
			}
			other = yd.Var(v)
		}
		r := apply(ds.Var(v), other)
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("labelled: Dataset.%s: variable %q: %w", name, v, err)
		}
		out = append(out, r.WithName(v))
	}
	return NewDataset(out, attrs)
}

// Add is ds + y variable by variable: y a *Dataset (variables paired by
// name, those in both kept), an *Array or a scalar (applied to every
// variable); each pair aligned and broadcast by name as Add does, opts
// (WithJoin) included. As xarray's Dataset arithmetic, variables lose
// their attrs and the dataset keeps its own only when y is a scalar.
func (ds *Dataset) Add(y any, opts ...OpOption) (*Dataset, error) {
	return datasetBinary("Add", Add, ds, y, false, opts)
}

// Sub is ds − y variable by variable, as Add: the anomaly
// ds.Sub(clim) of xarray's ds - ds.mean("time").
func (ds *Dataset) Sub(y any, opts ...OpOption) (*Dataset, error) {
	return datasetBinary("Sub", Sub, ds, y, false, opts)
}

// Mul is ds × y variable by variable, as Add.
func (ds *Dataset) Mul(y any, opts ...OpOption) (*Dataset, error) {
	return datasetBinary("Mul", Mul, ds, y, false, opts)
}

// Div is ds ÷ y variable by variable, as Add.
func (ds *Dataset) Div(y any, opts ...OpOption) (*Dataset, error) {
	return datasetBinary("Div", Div, ds, y, false, opts)
}

// Pow is ds ** y variable by variable, as Add.
func (ds *Dataset) Pow(y any, opts ...OpOption) (*Dataset, error) {
	return datasetBinary("Pow", Pow, ds, y, false, opts)
}

// RSub is y − ds variable by variable (xarray's reflected 1 - ds), as Add.
func (ds *Dataset) RSub(y any, opts ...OpOption) (*Dataset, error) {
	return datasetBinary("RSub", Sub, ds, y, true, opts)
}

// RDiv is y ÷ ds variable by variable (xarray's reflected 1 / ds), as Add.
func (ds *Dataset) RDiv(y any, opts ...OpOption) (*Dataset, error) {
	return datasetBinary("RDiv", Div, ds, y, true, opts)
}
