package labelled

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// DataArrayVariable is the name ToZarr gives an unnamed Array's variable,
// the name xarray's DataArray.to_zarr uses, so xarray.open_dataarray
// finds it.
const DataArrayVariable = "__xarray_dataarray_variable__"

// ZarrOptions says how ToZarr, AppendZarr and ToZarrRegion write. The zero
// ZarrOptions writes Zarr v3 with every variable's own encoding.
type ZarrOptions struct {
	// Format is the Zarr format, 2 or 3; 0 means 3 (as zarr.WriteDataset).
	// xarray before 2024 (and zarr-python 2) reads only format 2.
	Format int
	// Encoding overrides, per variable or coordinate name, the encoding it
	// carries, key by key, as xarray's to_zarr(encoding=...): "dtype" (a
	// numpy name or block.DType), "scale_factor", "add_offset",
	// "_FillValue", "chunks" ([]int), and for time coordinates "units"
	// ("days since 2001-01-01") and "calendar". A name that is neither a
	// variable nor a coordinate of the dataset is ErrArgument.
	Encoding map[string]map[string]any
	// Compute are the options of the one graph run that writes the data.
	Compute []ndarray.ComputeOption
}

// ToZarr writes the dataset as a Zarr group at path, as xarray's
// Dataset.to_zarr does, so that xarray.open_zarr (format 2) and OpenZarr
// read back the same dims, coordinates, values and attrs:
//
//   - every data variable, with its attrs and its encoding (packing by
//     "scale_factor"/"add_offset" into "dtype", "_FillValue", "chunks")
//     applied as zarr.WriteDataset applies a zarr.Encoding; a data
//     variable that has non-dimension coordinates (on its dims, or scalar)
//     lists them in its CF "coordinates" attribute, and non-dimension
//     coordinates no variable has are listed in the group's "coordinates"
//     attribute, as xarray writes them;
//   - every coordinate as a variable of its own: numbers as float64 or
//     int64, strings as variable-length UTF-8 strings, and CF times
//     (TimeIndex) encoded through cftime as xarray's encode_cf_datetime
//     does: in the "units" and "calendar" of the coordinate's encoding (or
//     of opts.Encoding) when it has them — which is the case for a
//     coordinate OpenZarr decoded — and else in units inferred as
//     xarray's infer_datetime_units infers them, in the times' own
//     calendar; int64 when every time is a whole number of units and
//     none is missing, else float64 with NaN for NaT — or the encoding's
//     "dtype", where an integer dtype for times that are not whole units
//     is ErrCoord rather than a truncation.
//
// Data variables and numeric coordinates are computed in one graph run
// (ndarray.StoreMany), so a source they share is read once; string
// coordinates, held in memory, are written directly. The group's metadata
// is consolidated when the store can list keys. What is at path is
// overwritten. Errors wrap ErrArgument for bad arguments and name the
// variable or coordinate that cannot be encoded (zarr.ErrDataset, cftime's
// errors), wrapped with %w.
func (ds *Dataset) ToZarr(ctx context.Context, s zarr.Store, path string, opts ZarrOptions) error {
	plan, err := ds.zarrPlan(s, opts, nil)
	if err != nil {
		return err
	}
	if err := zarr.WriteDataset(ctx, s, path, plan.lazy, plan.format, opts.Compute...); err != nil {
		return fmt.Errorf("labelled.ToZarr: %w", err)
	}
	if len(plan.eager) == 0 {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(plan.eager)) {
		v := plan.eager[name]
		a, err := zarr.Create(ctx, s, joinPath(path, name), zarr.CreateOptions{
			Format: plan.format, Shape: v.dense.Shape(), DType: v.dense.DType(),
			Chunks: wholeChunks(v.dense.Shape()), DimensionNames: v.dims,
			Attributes: v.attrs, Overwrite: true,
		})
		if err != nil {
			return fmt.Errorf("labelled.ToZarr: coordinate %q: %w", name, err)
		}
		if _, err := a.WriteAll(ctx, v.dense); err != nil {
			return fmt.Errorf("labelled.ToZarr: coordinate %q: %w", name, err)
		}
	}
	if _, ok := s.(zarr.Lister); ok {
		if err := zarr.Consolidate(ctx, s); err != nil {
			return fmt.Errorf("labelled.ToZarr: %w", err)
		}
	}
	return nil
}

// AppendZarr grows the dataset stored at path along dim with ds, lazily
// and in one graph run, as xarray's to_zarr(append_dim=dim) does (see
// zarr.AppendDataset): every data variable and coordinate of ds that has
// dim is appended to the stored variable of its name, packed as that one
// is stored; time coordinates are encoded in the stored variable's own
// "units" and "calendar", so the appended times decode as ds has them.
// Variables and coordinates without dim are not written. The Format of
// opts is the store's and is ignored. Errors as ToZarr, and
// zarr.ErrDataset when the store's variables do not fit.
func (ds *Dataset) AppendZarr(ctx context.Context, s zarr.Store, path, dim string, opts ZarrOptions) error {
	if ds != nil {
		if _, ok := ds.sizes[dim]; !ok {
			return dimErr("append along %q: the dataset's dims are %v", dim, ds.dims)
		}
	}
	plan, err := ds.zarrPlan(s, opts, storedTimeUnits(ctx, s, path))
	if err != nil {
		return err
	}
	for name, v := range plan.lazy.Vars {
		if !slices.Contains(v.Dims, dim) {
			delete(plan.lazy.Vars, name)
		}
	}
	if err := zarr.AppendDataset(ctx, s, path, dim, plan.lazy, opts.Compute...); err != nil {
		return fmt.Errorf("labelled.AppendZarr: %w", err)
	}
	wrote := false
	for _, name := range slices.Sorted(maps.Keys(plan.eager)) {
		v := plan.eager[name]
		axis := slices.Index(v.dims, dim)
		if axis < 0 {
			continue
		}
		a, err := zarr.OpenArray(ctx, s, joinPath(path, name))
		if err != nil {
			return fmt.Errorf("labelled.AppendZarr: coordinate %q: %w", name, err)
		}
		if _, err := a.Append(ctx, axis, v.dense); err != nil {
			return fmt.Errorf("labelled.AppendZarr: coordinate %q: %w", name, err)
		}
		wrote = true
	}
	if wrote {
		return reconsolidate(ctx, s)
	}
	return nil
}

// ToZarrRegion writes ds into a region of the dataset stored at path,
// lazily and in one graph run, as xarray's to_zarr(region=...) does (see
// zarr.WriteDatasetRegion): region gives the start of the region on each
// named dim (0 for the others), and every data variable and coordinate of
// ds is written there, packed as the stored variable is, time coordinates
// in the stored "units" and "calendar". Every variable must exist in the
// store. Errors as ToZarr and zarr.WriteDatasetRegion.
func (ds *Dataset) ToZarrRegion(ctx context.Context, s zarr.Store, path string, region map[string]int, opts ZarrOptions) error {
	if ds != nil {
		for d := range region {
			if _, ok := ds.sizes[d]; !ok {
				return dimErr("region on %q: the dataset's dims are %v", d, ds.dims)
			}
		}
	}
	plan, err := ds.zarrPlan(s, opts, storedTimeUnits(ctx, s, path))
	if err != nil {
		return err
	}
	if err := zarr.WriteDatasetRegion(ctx, s, path, plan.lazy, region, opts.Compute...); err != nil {
		return fmt.Errorf("labelled.ToZarrRegion: %w", err)
	}
	for _, name := range slices.Sorted(maps.Keys(plan.eager)) {
		v := plan.eager[name]
		a, err := zarr.OpenArray(ctx, s, joinPath(path, name))
		if err != nil {
			return fmt.Errorf("labelled.ToZarrRegion: coordinate %q: %w", name, err)
		}
		lo := make([]int, len(v.dims))
		hi := v.dense.Shape()
		for i, d := range v.dims {
			lo[i] = region[d]
			hi[i] += lo[i]
		}
		if _, err := a.Write(ctx, chunk.Box{Lo: lo, Hi: hi}, v.dense); err != nil {
			return fmt.Errorf("labelled.ToZarrRegion: coordinate %q: %w", name, err)
		}
	}
	return nil
}

// ToZarr writes the array as a one-variable dataset, as xarray's
// DataArray.to_zarr does: the variable is named for the array
// (DataArrayVariable when it has no name), with its coordinates and
// attrs. See Dataset.ToZarr.
func (a *Array) ToZarr(ctx context.Context, s zarr.Store, path string, opts ZarrOptions) error {
	if a == nil {
		return argErr("ToZarr of a nil array")
	}
	if err := a.Err(); err != nil {
		return fmt.Errorf("labelled.ToZarr: %w", err)
	}
	if a.name == "" {
		a = a.WithName(DataArrayVariable)
	}
	ds, err := NewDataset([]*Array{a}, nil)
	if err != nil {
		return err
	}
	return ds.ToZarr(ctx, s, path, opts)
}

// eagerVar is a coordinate written directly from memory (strings, which
// have no literal form in a graph).
type eagerVar struct {
	dims  []string
	dense *block.Dense
	attrs map[string]any
}

// zarrPlan is a dataset in zarr's terms: the variables written in one
// graph run, and the coordinates written from memory.
type zarrPlan struct {
	format int
	lazy   zarr.Dataset
	eager  map[string]eagerVar
}

// timeUnitsFunc gives the units and calendar a stored variable's times
// are encoded in (ok false when it has none).
type timeUnitsFunc func(name string) (units, calendar string, ok bool)

// storedTimeUnits reads the "units" and "calendar" attributes of the
// variables stored under path.
func storedTimeUnits(ctx context.Context, s zarr.Store, path string) timeUnitsFunc {
	return func(name string) (string, string, bool) {
		if s == nil {
			return "", "", false
		}
		a, err := zarr.OpenArray(ctx, s, joinPath(path, name))
		if err != nil {
			return "", "", false
		}
		units, ok := a.Meta().Attributes["units"].(string)
		if !ok {
			return "", "", false
		}
		cal, _ := a.Meta().Attributes["calendar"].(string)
		return units, cal, true
	}
}

func (ds *Dataset) zarrPlan(s zarr.Store, opts ZarrOptions, stored timeUnitsFunc) (*zarrPlan, error) {
	if ds == nil {
		return nil, argErr("ToZarr of a nil dataset")
	}
	if s == nil {
		return nil, argErr("ToZarr to a nil store")
	}
	format := opts.Format
	if format == 0 {
		format = 3
	}
	if format != 2 && format != 3 {
		return nil, argErr("zarr format %d (want 2 or 3)", opts.Format)
	}
	for name := range opts.Encoding {
		_, isVar := ds.vars[name]
		if !isVar && !slices.ContainsFunc(ds.coords, func(c *Coord) bool { return c.name == name }) {
			return nil, argErr("encoding given for %q, which the dataset does not have (variables %v)", name, ds.names)
		}
	}
	plan := &zarrPlan{format: format, lazy: zarr.Dataset{Vars: map[string]zarr.Variable{}, Attrs: maps.Clone(ds.attrs)}, eager: map[string]eagerVar{}}
	used := map[string]bool{}
	for _, name := range ds.names {
		v := ds.vars[name]
		enc := map[string]any{}
		maps.Copy(enc, v.encoding)
		maps.Copy(enc, opts.Encoding[name])
		zenc, err := zarrEncoding(enc)
		if err != nil {
			return nil, fmt.Errorf("labelled.ToZarr: variable %q: %w", name, err)
		}
		attrs := maps.Clone(v.attrs)
		if attrs == nil {
			attrs = map[string]any{}
		}
		data, err := encodeTimeVar(v.data, enc, attrs, zenc.DType != 0 && zenc.DType.IsInt())
		if err != nil {
			return nil, fmt.Errorf("labelled.ToZarr: variable %q: %w", name, err)
		}
		var cs []string
		for _, c := range ds.coords {
			if c.IsIndex() || !dimsWithin(c.dims, v.dims) {
				continue
			}
			cs = append(cs, c.name)
			used[c.name] = true
		}
		if len(cs) > 0 {
			slices.Sort(cs)
			attrs["coordinates"] = strings.Join(cs, " ")
		}
		plan.lazy.Vars[name] = zarr.Variable{Dims: append([]string{}, v.dims...), Data: data, Attrs: attrs, Encoding: zenc}
	}
	var orphans []string
	for _, c := range ds.coords {
		if !c.IsIndex() && !used[c.name] {
			orphans = append(orphans, c.name)
		}
		enc := c.Encoding()
		if enc == nil {
			enc = map[string]any{}
		}
		maps.Copy(enc, opts.Encoding[c.name])
		if stored != nil {
			if u, cal, ok := stored(c.name); ok {
				enc["units"], enc["calendar"] = u, cal
			}
		}
		d, attrs, err := coordValues(c, enc)
		if err != nil {
			return nil, fmt.Errorf("labelled.ToZarr: coordinate %q: %w", c.name, err)
		}
		if d.DType() == block.String {
			plan.eager[c.name] = eagerVar{dims: append([]string{}, c.dims...), dense: d, attrs: attrs}
			continue
		}
		delete(enc, "units")
		delete(enc, "calendar")
		zenc, err := zarrEncoding(enc)
		if err != nil {
			return nil, fmt.Errorf("labelled.ToZarr: coordinate %q: %w", c.name, err)
		}
		if _, isTime := c.values.(TimeIndex); isTime && zenc.DType != 0 && zenc.DType.IsInt() && d.DType().IsFloat() {
			return nil, fmt.Errorf("%w: coordinate %q: times that are not whole %s (or are missing) cannot be stored as %s",
				ErrCoord, c.name, attrs["units"], zenc.DType)
		}
		if zenc.Chunks == nil {
			zenc.Chunks = wholeChunks(d.Shape())
		}
		plan.lazy.Vars[c.name] = zarr.Variable{Dims: append([]string{}, c.dims...), Data: ndarray.FromDense(d, chunk.PerAxis(zenc.Chunks...)), Attrs: attrs, Encoding: zenc}
	}
	if len(orphans) > 0 {
		if plan.lazy.Attrs == nil {
			plan.lazy.Attrs = map[string]any{}
		}
		slices.Sort(orphans)
		plan.lazy.Attrs["coordinates"] = strings.Join(orphans, " ")
	}
	return plan, nil
}

// dimsWithin reports whether every dim of sub is in dims.
func dimsWithin(sub, dims []string) bool {
	for _, d := range sub {
		if !slices.Contains(dims, d) {
			return false
		}
	}
	return true
}

// wholeChunks is one chunk covering shape (at least 1 on each axis).
func wholeChunks(shape []int) []int {
	out := make([]int, len(shape))
	for i, n := range shape {
		out[i] = max(n, 1)
	}
	return out
}

// zarrEncoding is xarray's encoding keys as a zarr.Encoding. Unknown keys
// are ignored, as xarray ignores encodings a backend does not use.
func zarrEncoding(enc map[string]any) (zarr.Encoding, error) {
	var z zarr.Encoding
	switch dt := enc["dtype"].(type) {
	case nil:
	case block.DType:
		z.DType = dt
	case string:
		d, err := block.ParseDType(dt)
		if err != nil {
			return z, fmt.Errorf("%w: encoding dtype %q: %w", ErrArgument, dt, err)
		}
		z.DType = d
	default:
		return z, argErr("encoding dtype of type %T", dt)
	}
	sf, hasSF := encNumber(enc["scale_factor"])
	ao, hasAO := encNumber(enc["add_offset"])
	if (enc["scale_factor"] != nil && !hasSF) || (enc["add_offset"] != nil && !hasAO) {
		return z, argErr("encoding scale_factor %v / add_offset %v are not numbers", enc["scale_factor"], enc["add_offset"])
	}
	if hasSF || hasAO {
		if !hasSF {
			sf = 1
		}
		if sf == 0 || math.IsNaN(sf) || math.IsInf(sf, 0) || math.IsNaN(ao) || math.IsInf(ao, 0) {
			return z, argErr("encoding scale_factor %v, add_offset %v", sf, ao)
		}
		z.ScaleFactor, z.AddOffset = sf, ao
	}
	if raw, ok := enc["_FillValue"]; ok && raw != nil {
		fv, ok := encNumber(raw)
		if !ok {
			return z, argErr("encoding _FillValue %v is not a number", raw)
		}
		z.FillValue = &fv
	}
	switch c := enc["chunks"].(type) {
	case nil:
	case []int:
		z.Chunks = slices.Clone(c)
	default:
		return z, argErr("encoding chunks of type %T (want []int)", c)
	}
	return z, nil
}

// encNumber is a number of any Go numeric type as a float64.
func encNumber(x any) (float64, bool) {
	if x == nil {
		return 0, false
	}
	return toFloat(x)
}

// coordValues is a coordinate's values as a block of its shape, and the
// attrs to store them with: time coordinates CF-encoded (with "units" and
// "calendar" attrs) in the units and calendar of enc, else inferred.
func coordValues(c *Coord, enc map[string]any) (*block.Dense, map[string]any, error) {
	attrs := maps.Clone(c.attrs)
	if attrs == nil {
		attrs = map[string]any{}
	}
	switch ix := c.values.(type) {
	case Float64Index:
		d, err := block.FromSlice(slices.Clone([]float64(ix)), c.shape...)
		return d, attrs, err
	case Int64Index:
		d, err := block.FromSlice(slices.Clone([]int64(ix)), c.shape...)
		return d, attrs, err
	case StringIndex:
		d, err := block.FromSlice(slices.Clone([]string(ix)), c.shape...)
		return d, attrs, err
	case TimeIndex:
		return encodeTimes(ix.Times(), c.shape, attrs, enc)
	}
	return nil, nil, fmt.Errorf("%w: no Zarr form for an index of %s labels (%T)", ErrCoord, c.values.DType(), c.values)
}

// encodeTimes CF-encodes a time axis as xarray does, in enc's units and
// calendar when given (a calendar naming another calendar than the
// times' is ErrCoord), else in inferred units.
func encodeTimes(ts cftime.Times, shape []int, attrs, enc map[string]any) (*block.Dense, map[string]any, error) {
	cal := ts.Calendar()
	calName := cal.String()
	if name, ok := enc["calendar"].(string); ok && name != "" {
		c, err := cftime.ParseCalendar(name)
		if err != nil {
			return nil, nil, err
		}
		if c != cal {
			return nil, nil, fmt.Errorf("%w: encoding calendar %q for times in the %s calendar", ErrCoord, name, cal)
		}
		calName = name
	}
	var eo cftime.EncodeOptions
	if units, ok := enc["units"].(string); ok && units != "" {
		u, err := cftime.ParseUnits(units, cal)
		if err != nil {
			return nil, nil, err
		}
		eo.Units = &u
	}
	e, err := cftime.Encode(ts, eo)
	if err != nil {
		return nil, nil, err
	}
	delete(attrs, "_FillValue")
	attrs["units"] = e.Units.String()
	attrs["calendar"] = calName
	if e.Ints != nil || e.Floats == nil {
		ints := e.Ints
		if ints == nil {
			ints = []int64{}
		}
		d, err := block.FromSlice(ints, shape...)
		return d, attrs, err
	}
	d, err := block.FromSlice(e.Floats, shape...)
	return d, attrs, err
}

// joinPath is the key of name inside the group at path.
func joinPath(path, name string) string {
	path = strings.Trim(path, "/")
	if path == "" {
		return name
	}
	return path + "/" + name
}

// reconsolidate rewrites the store's consolidated metadata when it has
// some, after a write that changed a shape.
func reconsolidate(ctx context.Context, s zarr.Store) error {
	if _, ok := s.(zarr.Lister); !ok {
		return nil
	}
	_, err2 := s.Get(ctx, ".zmetadata")
	b, err3 := s.Get(ctx, "zarr.json")
	if err2 == nil || (err3 == nil && bytes.Contains(b, []byte(`"consolidated_metadata"`))) {
		if err := zarr.Consolidate(ctx, s); err != nil {
			return fmt.Errorf("labelled: %w", err)
		}
	}
	return nil
}
