package zarr

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// Variable is one variable of an xarray-style dataset: named dimensions,
// lazily computed values and attributes, plus how to store it.
type Variable struct {
	Dims     []string
	Data     *ndarray.Array // decoded values
	Attrs    map[string]any
	Encoding Encoding
}

// Encoding is how a variable is stored, in CF terms: values are packed as
// stored = round((decoded - AddOffset) / ScaleFactor) into DType, and NaN
// is stored as FillValue (xarray's _FillValue, kept as the Zarr
// fill_value). The zero Encoding stores values as they are.
type Encoding struct {
	DType       block.DType // 0: the data's dtype
	ScaleFactor float64     // 0: no scaling
	AddOffset   float64
	FillValue   *float64
	Chunks      []int // nil: the data's chunks (must be regular)
	Compressor  []byte
}

// Dataset is a group of variables with xarray's Zarr conventions
// (_ARRAY_DIMENSIONS in v2, dimension_names in v3; CF scale_factor,
// add_offset and _FillValue), so xarray.open_zarr reads what tessera
// writes and tessera reads what xarray writes.
type Dataset struct {
	Vars  map[string]Variable
	Attrs map[string]any
}

// WriteDataset writes ds as a group at path (format 2 or 3) and
// consolidates its metadata when the store can list keys.
func WriteDataset(ctx context.Context, s Store, path string, ds Dataset, format int, opts ...ndarray.ComputeOption) error {
	if _, err := CreateGroup(ctx, s, path, format, ds.Attrs); err != nil {
		return err
	}
	names := make([]string, 0, len(ds.Vars))
	for n := range ds.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := ds.Vars[name]
		if v.Data == nil || v.Data.Err() != nil {
			if v.Data == nil {
				return fmt.Errorf("zarr: variable %q has no data", name)
			}
			return fmt.Errorf("zarr: variable %q: %w", name, v.Data.Err())
		}
		if len(v.Dims) != v.Data.Rank() {
			return fmt.Errorf("zarr: variable %q has %d dims for rank %d", name, len(v.Dims), v.Data.Rank())
		}
		enc := v.Encoding
		stored := v.Data
		attrs := map[string]any{}
		for k, x := range v.Attrs {
			attrs[k] = x
		}
		dt := enc.DType
		if dt == 0 {
			dt = v.Data.DType()
		}
		if enc.ScaleFactor != 0 {
			attrs["scale_factor"] = enc.ScaleFactor
			attrs["add_offset"] = enc.AddOffset
			f := ndarray.Mul(ndarray.Sub(stored.AsType(block.Float64, block.OverflowWrap), enc.AddOffset), 1/enc.ScaleFactor)
			if enc.FillValue != nil {
				f = ndarray.Where(ndarray.IsNaN(f), *enc.FillValue, f)
			}
			stored = f.AsType(dt, block.OverflowError)
		} else if enc.FillValue != nil && v.Data.DType().IsFloat() && !dt.IsFloat() {
			stored = ndarray.Where(ndarray.IsNaN(stored), *enc.FillValue, stored).AsType(dt, block.OverflowError)
		} else if dt != v.Data.DType() {
			stored = stored.AsType(dt, block.OverflowError)
		}
		o := CreateOptions{Format: format, DimensionNames: v.Dims, Attributes: attrs, FillValue: enc.FillValue, Chunks: enc.Chunks, Overwrite: true}
		if format == 2 && enc.Compressor != nil {
			o.Compressor = enc.Compressor
		}
		if enc.FillValue == nil && dt.IsFloat() {
			nan := math.NaN()
			o.FillValue = &nan
		}
		if _, _, err := ToZarr(ctx, stored, s, joinKey(path, name), o, opts...); err != nil {
			return fmt.Errorf("zarr: variable %q: %w", name, err)
		}
	}
	if _, ok := s.(Lister); ok {
		return Consolidate(ctx, s)
	}
	return nil
}

// OpenDataset opens the group at path as a dataset. With decode, CF
// packing is undone lazily: fill values become NaN and scale_factor /
// add_offset give float64 values. Each variable is chunked as
// Array.Lazy(chunk.Auto()) chunks it (the zero spec's meaning): whole
// multiples of its Zarr chunks up to chunk.DefaultAutoBytes, as xarray's
// open_zarr(chunks="auto") does.
func OpenDataset(ctx context.Context, s Store, path string, decode bool) (*Dataset, error) {
	g, err := OpenGroup(ctx, s, path)
	if err != nil {
		return nil, err
	}
	ms, err := g.Members(ctx)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{Vars: map[string]Variable{}, Attrs: g.Attributes}
	for _, m := range ms {
		if !m.IsArray {
			continue
		}
		a, err := OpenArray(ctx, s, m.Path)
		if err != nil {
			return nil, err
		}
		meta := a.Meta()
		v := Variable{Dims: meta.DimensionNames, Attrs: map[string]any{}, Data: a.Lazy(chunk.Auto())}
		for k, x := range meta.Attributes {
			v.Attrs[k] = x
		}
		if v.Dims == nil {
			v.Dims = make([]string, len(meta.Shape))
			for i := range v.Dims {
				v.Dims[i] = fmt.Sprintf("dim_%d", i)
			}
		}
		if decode {
			v.Data = decodeCF(v.Data, meta, v.Attrs, &v.Encoding)
		}
		ds.Vars[m.Name] = v
	}
	return ds, nil
}

func number(x any) (float64, bool) {
	switch n := x.(type) {
	case float64:
		return n, true
	case []any:
		if len(n) == 1 {
			return number(n[0])
		}
	}
	return 0, false
}

func decodeCF(x *ndarray.Array, meta *ArrayMeta, attrs map[string]any, enc *Encoding) *ndarray.Array {
	if !meta.DType.IsNumeric() {
		enc.DType = meta.DType
		return x // strings, datetimes, float16, complex: no CF packing to undo here
	}
	scale, hasScale := number(attrs["scale_factor"])
	offset, hasOffset := number(attrs["add_offset"])
	fill := meta.FillValue
	if fv, ok := number(attrs["_FillValue"]); ok {
		fill = FillValue{Defined: true, Value: fv}
		delete(attrs, "_FillValue")
	}
	enc.DType = meta.DType
	if hasScale || hasOffset {
		if !hasScale {
			scale = 1
		}
		enc.ScaleFactor, enc.AddOffset = scale, offset
		delete(attrs, "scale_factor")
		delete(attrs, "add_offset")
	}
	out := x
	masked := fill.Defined && !(meta.DType.IsFloat() && math.IsNaN(fill.Value)) && meta.DType != block.Bool
	if masked {
		fv := fill.Value
		enc.FillValue = &fv
	}
	if hasScale || hasOffset {
		out = ndarray.Add(ndarray.Mul(x.AsType(block.Float64, block.OverflowWrap), scale), offset)
	} else if masked && !meta.DType.IsFloat() {
		out = x.AsType(block.Float64, block.OverflowWrap)
	}
	if masked {
		out = ndarray.Where(ndarray.Equal(x, fill.Value), math.NaN(), out)
	}
	return out
}
