package labelled

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/zarr"
)

// OpenZarr opens the Zarr group at path (v2 with _ARRAY_DIMENSIONS or v3
// with dimension_names, consolidated or not) as a Dataset, as
// xarray.open_zarr does:
//
//   - Data variables are lazy, chunked as zarr's OpenDataset chunks them
//     (the zero chunk.Spec: whole multiples of the stored chunks), with CF
//     packing decoded (scale_factor, add_offset, _FillValue → NaN).
//   - A 1-D variable named for its dimension is that dimension's
//     coordinate, and the variables a data variable lists in its CF
//     "coordinates" attribute are non-dimension coordinates on their dims.
//     Coordinates are read into memory (they become Indexes), as xarray
//     loads index coordinates.
//   - A coordinate with CF time "units" ("days since 2001-01-01") is
//     decoded in its "calendar" (standard when absent) into a TimeIndex;
//     units and calendar move from attrs to the coordinate's encoding. A
//     datetime64 coordinate stored as such is a TimeIndex too.
//
// Errors name the variable: a coordinate that cannot be read or decoded
// (an unknown calendar, unparsable units) fails the open, as xarray's does;
// a data variable of a dtype tessera cannot compute on still opens and
// fails when used.
func OpenZarr(ctx context.Context, s zarr.Store, path string) (*Dataset, error) {
	zds, err := zarr.OpenDataset(ctx, s, path, true)
	if err != nil {
		return nil, err
	}
	vars := make([]sourceVar, 0, len(zds.Vars))
	for _, name := range slices.Sorted(maps.Keys(zds.Vars)) {
		v := zds.Vars[name]
		var cs []string
		if c, ok := v.Attrs["coordinates"].(string); ok {
			cs = strings.Fields(c)
		}
		vars = append(vars, sourceVar{name: name, dims: v.Dims, data: v.Data, attrs: v.Attrs,
			encoding: encodingMap(v.Encoding), coordinates: cs})
	}
	return assemble(ctx, "labelled.OpenZarr", vars, zds.Attrs)
}

// coordsOn are the coordinates whose dims all lie in dims, sorted by name.
func coordsOn(dims []string, coords map[string]*Coord) []*Coord {
	var out []*Coord
	for _, name := range slices.Sorted(maps.Keys(coords)) {
		c := coords[name]
		inside := true
		for _, d := range c.Dims() {
			inside = inside && slices.Contains(dims, d)
		}
		if inside {
			out = append(out, c)
		}
	}
	return out
}

// encodingMap is zarr's Encoding in xarray's encoding keys.
func encodingMap(e zarr.Encoding) map[string]any {
	m := map[string]any{}
	if e.DType != 0 {
		m["dtype"] = e.DType.String()
	}
	if e.ScaleFactor != 0 {
		m["scale_factor"] = e.ScaleFactor
		m["add_offset"] = e.AddOffset
	}
	if e.FillValue != nil {
		m["_FillValue"] = *e.FillValue
	}
	if e.Chunks != nil {
		m["chunks"] = slices.Clone(e.Chunks)
	}
	return m
}

// IndexOf makes the Index of a coordinate's values (flattened, C order),
// decoding CF time: values with a "units" attribute of the form "<unit>
// since <date>" become a TimeIndex in the "calendar" attribute's calendar
// (standard when absent; NaN decodes to NaT), datetime64 values a
// TimeIndex in the standard calendar, strings a StringIndex, integers an
// Int64Index and other numbers a Float64Index. Unknown calendars,
// unparsable units and dtypes without labels (complex, timedelta) are
// errors.
func IndexOf(d *block.Dense, attrs map[string]any) (Index, error) {
	dt := d.DType()
	if units, ok := attrs["units"].(string); ok && strings.Contains(strings.ToLower(units), " since ") && (dt.IsInt() || dt.IsFloat()) {
		calName, _ := attrs["calendar"].(string)
		cal, err := cftime.ParseCalendar(calName)
		if err != nil {
			return nil, err
		}
		u, err := cftime.ParseUnits(units, cal)
		if err != nil {
			return nil, err
		}
		var ts cftime.Times
		if dt.IsInt() {
			c, err := d.AsType(block.Int64, block.CastOptions{Overflow: block.OverflowError})
			if err != nil {
				return nil, err
			}
			ts, err = u.DecodeInts(block.Values[int64](c))
			if err != nil {
				return nil, err
			}
		} else {
			ts, err = u.DecodeFloats(d.Float64s())
			if err != nil {
				return nil, err
			}
		}
		return NewTimeIndex(ts), nil
	}
	switch {
	case dt.IsDateTime():
		tu, _ := dt.Unit()
		unit, err := cftimeUnit(tu)
		if err != nil {
			return nil, err
		}
		counts, err := d.AsType(block.Int64, block.CastOptions{Overflow: block.OverflowError})
		if err != nil {
			return nil, err
		}
		epoch := cftime.MustDate(cftime.ProlepticGregorian, 1970, 1, 1, 0, 0, 0, 0)
		ts, err := cftime.NewTimes(epoch, unit, block.Values[int64](counts))
		if err != nil {
			return nil, err
		}
		return NewTimeIndex(ts), nil
	case dt.IsString():
		return StringIndex(slices.Clone(block.Values[string](d))), nil
	case dt.IsInt() || dt.IsBool():
		c, err := d.AsType(block.Int64, block.CastOptions{Overflow: block.OverflowError})
		if err != nil {
			return nil, err
		}
		return Int64Index(slices.Clone(block.Values[int64](c))), nil
	case dt.IsFloat():
		return Float64Index(d.Float64s()), nil
	}
	return nil, fmt.Errorf("%w: a %s coordinate has no labels", ErrCoord, dt)
}

// cftimeUnit is the cftime unit of a fixed-length datetime64 unit.
func cftimeUnit(u block.TimeUnit) (cftime.Unit, error) {
	name := u.String()
	for _, c := range []struct {
		numpy string
		unit  cftime.Unit
	}{{"D", cftime.Day}, {"h", cftime.Hour}, {"m", cftime.Minute}, {"s", cftime.Second},
		{"ms", cftime.Millisecond}, {"us", cftime.Microsecond}, {"ns", cftime.Nanosecond}} {
		if name == c.numpy {
			return c.unit, nil
		}
	}
	return 0, fmt.Errorf("%w: datetime64[%s] coordinates (units of variable length or finer than ns)", ErrCoord, name)
}
