package raster

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// ErrRotated reports a raster whose geotransform has rotation or shear
// terms (GT[2] or GT[4] non-zero): its pixel centres are not the product
// of one x axis and one y axis, so it has no (band, y, x) coordinates.
// Warp it north-up first (vrt.Reproject or gdalwarp).
var ErrRotated = errors.New("raster: rotated geotransform has no 1-D x/y coordinates")

// Names of the variables and dimensions Info.Dataset makes, rioxarray's.
const (
	// DataVar is the raster's data variable, as xarray's "rasterio"
	// engine names it.
	DataVar = "band_data"
	// GridMappingVar is the CF grid-mapping variable carrying the CRS.
	GridMappingVar = "spatial_ref"
)

// Dataset describes the raster in the rioxarray convention, the one
// rioxarray.open_rasterio(mask_and_scale=False) and xarray's "rasterio"
// engine produce, so that rasters and Zarr/NetCDF data meet in one model:
//
//   - band_data(band, y, x): the raw stored values (Info.Lazy with o's
//     Bands, Window and Chunks), attrs _FillValue (the nodata value, in
//     the band's dtype where it fits exactly, else float64), scale_factor
//     and add_offset (float64, 1 and 0 when unset, as rioxarray writes
//     them; per-band values that differ are given as "scales" and
//     "offsets" slices instead), long_name (band descriptions, when any),
//     grid_mapping "spatial_ref", and the dataset's and band 1's GDAL
//     metadata (AREA_OR_POINT...) with numeric-looking values as numbers
//     (ParseTag);
//   - band(band) int64: the 1-based band numbers read;
//   - x(x), y(y) float64: pixel centres, x = GT[0] + (col+0.5)·GT[1] and
//     y = GT[3] + (row+0.5)·GT[5] for the window's columns and rows (a
//     descending y on a north-up raster), with CF axis/standard_name/
//     long_name attrs (longitude/latitude for a geographic CRS,
//     projection_x/y_coordinate otherwise); without a geotransform GDAL's
//     identity (col+0.5, row+0.5);
//   - spatial_ref() int64 0 with crs_wkt and spatial_ref (the CRS as
//     WKT1, GDAL 3.6's export; rioxarray writes pyproj's WKT2) and
//     GeoTransform (the six numbers as Python's str() prints them,
//     space-separated), when the raster has a CRS or a geotransform.
//
// Rotated geotransforms fail with ErrRotated (rioxarray then leaves the
// x/y coordinates out; here the caller learns why). Bands whose nodata
// differ fail with ErrOptions naming them (pick bands with o.Bands). The
// description holds raw values: o.MaskNoData, o.ApplyScale and o.DType
// are refused with ErrOptions (CF decoding is the labelled layer's job).
func (i *Info) Dataset(o ReadOptions) (*Dataset, error) {
	if o.MaskNoData || o.ApplyScale || o.DType != 0 {
		return nil, fmt.Errorf("%w: Dataset describes raw values; MaskNoData, ApplyScale and DType do not apply", ErrOptions)
	}
	gt := i.GeoTransform
	if gt[2] != 0 || gt[4] != 0 {
		return nil, fmt.Errorf("%w: %s geotransform %v", ErrRotated, i.Path, gt)
	}
	data := i.Lazy(o)
	if err := data.Err(); err != nil {
		return nil, err
	}
	op, shape, err := i.plan(o)
	if err != nil {
		return nil, err
	}
	nb, h, w := shape[0], shape[1], shape[2]

	attrs := map[string]any{}
	for _, md := range []map[string]string{i.Metadata, i.Bands[op.Bands[0]-1].Metadata} {
		for k, v := range md {
			attrs[k] = ParseTag(v)
		}
	}
	first := i.Bands[op.Bands[0]-1]
	sameScale := true
	scales, offsets := make([]float64, nb), make([]float64, nb)
	var descs []string
	anyDesc := false
	for k, b := range op.Bands {
		bd := i.Bands[b-1]
		if bd.HasNoData != first.HasNoData || (bd.HasNoData && !sameFloat(bd.NoData, first.NoData)) {
			return nil, fmt.Errorf("%w: %s bands %d and %d have different nodata (%v, %v); read them separately with ReadOptions.Bands", ErrOptions, i.Path, op.Bands[0], b, first.NoData, bd.NoData)
		}
		scales[k], offsets[k] = bd.Scale, bd.Offset
		if bd.Scale != first.Scale || bd.Offset != first.Offset {
			sameScale = false
		}
		descs = append(descs, bd.Description)
		anyDesc = anyDesc || bd.Description != ""
	}
	if first.HasNoData {
		attrs["_FillValue"] = fillValueOf(first.NoData, data.DType())
	}
	if sameScale {
		attrs["scale_factor"], attrs["add_offset"] = first.Scale, first.Offset
	} else {
		attrs["scales"], attrs["offsets"] = scales, offsets
	}
	if anyDesc {
		if nb == 1 {
			attrs["long_name"] = descs[0]
		} else {
			attrs["long_name"] = descs
		}
	}
	hasRef := i.CRS != "" || i.HasGeoTransform
	if hasRef {
		attrs["grid_mapping"] = GridMappingVar
	}

	bandVals := make([]int64, nb)
	for k, b := range op.Bands {
		bandVals[k] = int64(b)
	}
	xs, ys := make([]float64, w), make([]float64, h)
	for c := range xs {
		xs[c] = gt[0] + (float64(op.X+c)+0.5)*gt[1]
	}
	for r := range ys {
		ys[r] = gt[3] + (float64(op.Y+r)+0.5)*gt[5]
	}
	xAttrs, yAttrs := map[string]any{"axis": "X"}, map[string]any{"axis": "Y"}
	if strings.HasPrefix(strings.TrimSpace(i.CRS), "GEOGCS") {
		xAttrs["long_name"], xAttrs["standard_name"], xAttrs["units"] = "longitude", "longitude", "degrees_east"
		yAttrs["long_name"], yAttrs["standard_name"], yAttrs["units"] = "latitude", "latitude", "degrees_north"
	} else {
		xAttrs["long_name"], xAttrs["standard_name"] = "x coordinate of projection", "projection_x_coordinate"
		yAttrs["long_name"], yAttrs["standard_name"] = "y coordinate of projection", "projection_y_coordinate"
	}

	ds := &Dataset{Path: i.Path, Driver: i.Driver, Group: "/", Attrs: map[string]any{},
		Dims: []Dimension{
			{Name: "band", FullName: "/band", Size: nb, Coord: "band"},
			{Name: "y", FullName: "/y", Size: h, Coord: "y", Type: "HORIZONTAL_Y"},
			{Name: "x", FullName: "/x", Size: w, Coord: "x", Type: "HORIZONTAL_X"},
		}}
	bx, by := i.readBlocks()
	ds.Vars = append(ds.Vars,
		Variable{Name: DataVar, FullName: "/" + DataVar, Dims: []string{"band", "y", "x"}, Shape: []int{nb, h, w},
			DType: data.DType(), Blocks: []int{1, min(by, max(h, 1)), min(bx, max(w, 1))}, Attrs: attrs, Data: data},
		coordVar("band", block.Int64, bandVals, nil),
		coordVar("x", block.Float64, xs, xAttrs),
		coordVar("y", block.Float64, ys, yAttrs),
	)
	if hasRef {
		ref := map[string]any{"GeoTransform": PyFloats(gt[:])}
		if i.CRS != "" {
			ref["crs_wkt"], ref[GridMappingVar] = i.CRS, i.CRS
		}
		zero := block.Must(block.Int64)
		ds.Vars = append(ds.Vars, Variable{Name: GridMappingVar, FullName: "/" + GridMappingVar, Dims: []string{}, Shape: []int{},
			DType: block.Int64, Attrs: ref, Data: ndarray.FromDense(zero, chunk.Spec{})})
	}
	return ds, nil
}

// coordVar is a 1-D in-memory coordinate variable.
func coordVar[T int64 | float64](name string, dt block.DType, vals []T, attrs map[string]any) Variable {
	d, err := block.FromSlice(vals, len(vals))
	var data *ndarray.Array
	if err != nil {
		data = ndarray.Errored(err)
	} else {
		data = ndarray.FromDense(d, chunk.PerAxis(-1))
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	return Variable{Name: name, FullName: "/" + name, Dims: []string{name}, Shape: []int{len(vals)}, DType: dt, Attrs: attrs, Data: data}
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// fillValueOf is nodata in dtype dt's Go type when it is exactly
// representable there, else nodata as a float64.
func fillValueOf(nd float64, dt block.DType) any {
	if dt.IsFloat() {
		if dt == block.Float32 && (float64(float32(nd)) == nd || math.IsNaN(nd)) {
			return float32(nd)
		}
		return nd
	}
	if nd != math.Trunc(nd) || math.IsInf(nd, 0) || math.IsNaN(nd) {
		return nd
	}
	switch dt {
	case block.Uint8:
		if nd >= 0 && nd <= math.MaxUint8 {
			return uint8(nd)
		}
	case block.Int8:
		if nd >= math.MinInt8 && nd <= math.MaxInt8 {
			return int8(nd)
		}
	case block.Int16:
		if nd >= math.MinInt16 && nd <= math.MaxInt16 {
			return int16(nd)
		}
	case block.Uint16:
		if nd >= 0 && nd <= math.MaxUint16 {
			return uint16(nd)
		}
	case block.Int32:
		if nd >= math.MinInt32 && nd <= math.MaxInt32 {
			return int32(nd)
		}
	case block.Uint32:
		if nd >= 0 && nd <= math.MaxUint32 {
			return uint32(nd)
		}
	}
	return nd
}

// PyFloat formats v as Python's str(float) (repr) does: the shortest
// decimal that reads back as v, positional with a ".0" for integral
// values when 1e-4 <= |v| < 1e16, else exponent form ("1e+16",
// "1.5e-05"); "nan", "inf", "-inf".
func PyFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	a := math.Abs(v)
	if a == 0 || (a >= 1e-4 && a < 1e16) {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(v, 'e', -1, 64)
	// Go writes at least two exponent digits, as Python does.
	return s
}

// PyFloats is the values as Python's " ".join(str(v) for v in vals):
// rioxarray's GeoTransform attribute.
func PyFloats(vals []float64) string {
	parts := make([]string, len(vals))
	for k, v := range vals {
		parts[k] = PyFloat(v)
	}
	return strings.Join(parts, " ")
}

// ParseTag turns a GDAL metadata value into what rioxarray's tag parser
// gives: an int64 when the text is an integer, else a float64 when it is
// a number (nan, inf included), else the text itself. Surrounding blanks
// are ignored for numbers, as Python's int() and float() ignore them.
func ParseTag(s string) any {
	t := strings.TrimSpace(s)
	if t == "" {
		return s
	}
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		return n
	}
	if strings.ContainsAny(t, "xXpP_") {
		// Go accepts hex floats and underscores; Python's float() does not
		// read hex and only reads underscores between digits: keep text.
		return s
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return f
	}
	return s
}
