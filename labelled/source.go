package labelled

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// sourceVar is one variable of a file as an opener hands it to assemble:
// its data already CF-decoded (lazily), its attrs apart from encoding.
type sourceVar struct {
	name     string
	dims     []string
	data     *ndarray.Array
	attrs    map[string]any
	encoding map[string]any
	// coordinates are the variables its CF "coordinates" attribute (or the
	// driver) names; assemble keeps those that exist.
	coordinates []string
	// load reads the values of a coordinate into memory; nil computes data.
	load func(ctx context.Context) (*block.Dense, error)
}

// assemble makes the Dataset of an opened file, the step every opener
// shares (xarray's decode_cf + Dataset constructor): a 1-D variable named
// for its dimension, a variable another lists in its "coordinates"
// attribute and a variable named in extraCoords are coordinates, read
// into memory and indexed with IndexOf (CF time decoded in its calendar;
// units and calendar move to the coordinate's encoding); the others are
// lazy data variables with the coordinates on their dims. op names the
// opener in errors.
func assemble(ctx context.Context, op string, vars []sourceVar, attrs map[string]any, extraCoords ...string) (*Dataset, error) {
	byName := map[string]*sourceVar{}
	for k := range vars {
		byName[vars[k].name] = &vars[k]
	}
	isCoord := map[string]bool{}
	for _, v := range vars {
		if len(v.dims) == 1 && v.dims[0] == v.name {
			isCoord[v.name] = true
		}
		for _, n := range v.coordinates {
			if _, ok := byName[n]; ok && n != v.name {
				isCoord[n] = true
			}
		}
	}
	for _, n := range extraCoords {
		if _, ok := byName[n]; ok {
			isCoord[n] = true
		}
	}
	coords := map[string]*Coord{}
	for _, name := range slices.Sorted(maps.Keys(isCoord)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := loadCoord(ctx, byName[name])
		if err != nil {
			return nil, fmt.Errorf("%s: coordinate %q: %w", op, name, err)
		}
		coords[name] = c
	}
	var arrays []*Array
	add := func(v *sourceVar) error {
		a := maps.Clone(v.attrs)
		delete(a, "coordinates")
		data, enc := v.data, v.encoding
		if data != nil {
			var err error
			if data, a, enc, _, err = decodeTimeVar(data, a, enc); err != nil {
				return fmt.Errorf("%s: variable %q: %w", op, v.name, err)
			}
		}
		vr, err := NewVariable(v.dims, data, a, enc)
		if err != nil {
			return fmt.Errorf("%s: variable %q: %w", op, v.name, err)
		}
		arrays = append(arrays, FromVariable(v.name, vr, coordsOn(v.dims, coords)...))
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		if !isCoord[name] {
			if err := add(byName[name]); err != nil {
				return nil, err
			}
		}
	}
	if len(arrays) == 0 {
		// A file of coordinates only: each coordinate is a variable (but
		// strings, which only coordinates hold).
		var held []string
		for _, name := range slices.Sorted(maps.Keys(isCoord)) {
			if byName[name].data == nil {
				held = append(held, name)
				continue
			}
			if err := add(byName[name]); err != nil {
				return nil, err
			}
		}
		if len(arrays) == 0 && len(held) > 0 {
			return nil, fmt.Errorf("%s: %w: the file holds only string variables %q, which a Dataset holds as coordinates of data variables", op, ErrCoord, held)
		}
	}
	ds, err := NewDataset(arrays, attrs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return ds, nil
}

// loadCoord reads a coordinate variable and makes its Index.
func loadCoord(ctx context.Context, v *sourceVar) (*Coord, error) {
	var d *block.Dense
	var err error
	if v.load != nil {
		d, err = v.load(ctx)
	} else {
		d, err = v.data.Compute(ctx)
	}
	if err != nil {
		return nil, err
	}
	attrs := maps.Clone(v.attrs)
	delete(attrs, "coordinates")
	ix, err := IndexOf(d, attrs)
	if err != nil {
		return nil, err
	}
	enc := map[string]any{}
	if _, ok := ix.(TimeIndex); ok {
		// How the times were stored: ToZarr writes them back in these.
		for _, k := range []string{"units", "calendar"} {
			if x, ok := attrs[k]; ok {
				enc[k] = x
				delete(attrs, k)
			}
		}
	}
	c, err := NewCoord(v.name, v.dims, d.Shape(), ix, attrs)
	if err != nil {
		return nil, err
	}
	if len(enc) > 0 {
		c = c.WithEncoding(enc)
	}
	return c, nil
}

// cfDecode undoes CF packing of raw, a lazy array of stored dtype dt with
// raw attributes attrs, as xarray's mask_and_scale does: values equal to
// _FillValue or missing_value (a number or a list of numbers) become NaN,
// then scale_factor and add_offset give stored·scale + offset. The
// decoded dtype is xarray's (decodedDType). The attributes used move from the returned attrs to the
// returned encoding (with "dtype", the stored dtype). Non-numeric data is
// returned as is. A fill attribute that is not numeric is an ErrCoord
// naming it.
func cfDecode(raw *ndarray.Array, dt block.DType, attrs map[string]any, mask, scale bool) (*ndarray.Array, map[string]any, map[string]any, error) {
	attrs = maps.Clone(attrs)
	if attrs == nil {
		attrs = map[string]any{}
	}
	enc := map[string]any{}
	if dt != 0 {
		enc["dtype"] = dt.String()
	}
	if !dt.IsNumeric() || dt == block.Bool {
		return raw, attrs, enc, nil
	}
	var fills []float64
	if mask {
		for _, key := range []string{"_FillValue", "missing_value"} {
			x, ok := attrs[key]
			if !ok {
				continue
			}
			fs, ok := attrFloats(x)
			if !ok {
				return nil, nil, nil, fmt.Errorf("%w: attribute %s = %v (%T) is not a number", ErrCoord, key, x, x)
			}
			for _, f := range fs {
				if !math.IsNaN(f) && !slices.Contains(fills, f) {
					fills = append(fills, f)
				}
			}
			enc[key] = x
			delete(attrs, key)
		}
	}
	sf, hasScale := 1.0, false
	off, hasOffset := 0.0, false
	if scale {
		if x, ok := attrs["scale_factor"]; ok {
			fs, ok := attrFloats(x)
			if !ok || len(fs) != 1 {
				return nil, nil, nil, fmt.Errorf("%w: attribute scale_factor = %v (%T) is not one number", ErrCoord, x, x)
			}
			sf, hasScale = fs[0], true
			enc["scale_factor"] = x
			delete(attrs, "scale_factor")
		}
		if x, ok := attrs["add_offset"]; ok {
			fs, ok := attrFloats(x)
			if !ok || len(fs) != 1 {
				return nil, nil, nil, fmt.Errorf("%w: attribute add_offset = %v (%T) is not one number", ErrCoord, x, x)
			}
			off, hasOffset = fs[0], true
			enc["add_offset"] = x
			delete(attrs, "add_offset")
		}
	}
	packed := hasScale || hasOffset
	dec := decodedDType(dt, len(fills) > 0, packed, hasOffset)
	out := raw
	if dec != dt {
		out = raw.AsType(dec, block.OverflowWrap)
	}
	if packed {
		out = ndarray.Add(ndarray.Mul(out, sf), off)
		if out.DType() != dec {
			out = out.AsType(dec, block.OverflowWrap)
		}
	}
	for _, f := range fills {
		nan := any(math.NaN())
		if dec == block.Float32 {
			nan = float32(math.NaN())
		}
		out = ndarray.Where(ndarray.Equal(raw, f), nan, out)
	}
	return out, attrs, enc, nil
}

// decodedDType is the dtype xarray decodes stored dtype dt to: masking
// promotes integers to float32 (1- and 2-byte) or float64 (wider), as
// xarray's maybe_promote; scaling then keeps float32 and gives float32
// for 1- and 2-byte integers without an offset, float64 otherwise, as
// its _choose_float_dtype.
func decodedDType(dt block.DType, masked, packed, hasOffset bool) block.DType {
	cur := dt
	if masked && cur.IsInt() {
		cur = block.Float64
		if dt.Size() <= 2 {
			cur = block.Float32
		}
	}
	if packed {
		switch {
		case cur.IsFloat() && cur.Size() <= 4:
			cur = block.Float32
		case cur.IsInt() && cur.Size() <= 2 && !hasOffset:
			cur = block.Float32
		default:
			cur = block.Float64
		}
	}
	return cur
}

// attrFloats is a numeric attribute value (a Go number or a slice of
// them, as raster.DecodeAttr and JSON give) as float64s.
func attrFloats(x any) ([]float64, bool) {
	switch v := x.(type) {
	case float64:
		return []float64{v}, true
	case float32:
		return []float64{float64(v)}, true
	case int:
		return []float64{float64(v)}, true
	case int8:
		return []float64{float64(v)}, true
	case int16:
		return []float64{float64(v)}, true
	case int32:
		return []float64{float64(v)}, true
	case int64:
		return []float64{float64(v)}, true
	case uint8:
		return []float64{float64(v)}, true
	case uint16:
		return []float64{float64(v)}, true
	case uint32:
		return []float64{float64(v)}, true
	case uint64:
		return []float64{float64(v)}, true
	case []float64:
		return slices.Clone(v), true
	case []float32:
		return convertFloats(v), true
	case []int16:
		return convertFloats(v), true
	case []int32:
		return convertFloats(v), true
	case []int64:
		return convertFloats(v), true
	case []uint8:
		return convertFloats(v), true
	case []uint16:
		return convertFloats(v), true
	case []uint32:
		return convertFloats(v), true
	case []uint64:
		return convertFloats(v), true
	case []any:
		out := make([]float64, 0, len(v))
		for _, e := range v {
			f, ok := attrFloats(e)
			if !ok || len(f) != 1 {
				return nil, false
			}
			out = append(out, f[0])
		}
		return out, true
	case string:
		return nil, false
	}
	return nil, false
}

func convertFloats[T int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32](v []T) []float64 {
	out := make([]float64, len(v))
	for k, e := range v {
		out[k] = float64(e)
	}
	return out
}
