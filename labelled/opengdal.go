package labelled

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/raster"
)

// NetCDFOptions tune OpenNetCDF. The zero value opens the root group
// decoded, with automatic chunks, as xr.open_dataset(path, chunks={})
// does.
type NetCDFOptions struct {
	// Group is the full name of the group to open ("/grp"); "" is the
	// root group, as xarray's group= argument.
	Group string
	// Chunks are chunk sizes by dimension name (n > 0, -1 for the whole
	// dimension, 0 or absent for automatic), as xarray's chunks= dict;
	// see raster.MultidimOptions.
	Chunks map[string]int
	// ChunkBytes is the automatic chunk target; 0 means 32 MiB.
	ChunkBytes int64
	// Raw keeps stored values: no masking of _FillValue/missing_value and
	// no scale_factor/add_offset, as mask_and_scale=False (coordinates'
	// CF times are decoded either way).
	Raw bool
}

// OpenNetCDF opens a NetCDF file (classic, 64-bit offset or NetCDF-4; any
// file GDAL's multidimensional API reads, HDF5 included) as a Dataset, as
// xr.open_dataset(path, chunks={}) does:
//
//   - Each variable keeps its named dims; data variables are lazy arrays
//     read by raster's multidim read tasks, chunked per o.Chunks.
//   - CF packing is decoded lazily: values equal to _FillValue or
//     missing_value become NaN, scale_factor and add_offset give
//     stored·scale + offset, in xarray's decoded dtype (masked 1- and
//     2-byte integers and scaled float32 give float32, wider or offset
//     integers float64; float data keeps its dtype when only masked).
//     Those attributes move from attrs to the encoding, with the stored
//     "dtype" and, for NetCDF-4, the storage "chunksizes".
//   - A 1-D variable named for its dimension is that dimension's
//     coordinate; the variables a data variable names in its CF
//     "coordinates" attribute are non-dimension coordinates. Coordinates
//     are read into memory as Indexes (IndexOf): CF time "units" are
//     decoded in their "calendar" into a TimeIndex, string and char
//     variables become a StringIndex.
//   - String and char variables are read into memory at open (bounded by
//     raster.MaxStringElements) and, since tessera's lazy arrays do not
//     hold strings, are coordinates on their dims even when xarray lists
//     them as data variables (xarray keeps them in memory too).
//   - Variables of a type tessera cannot represent (compound, complex
//     integers) are left out; raster.OpenMultidim describes them.
//
// Errors wrap raster's (raster.ErrOpen for a missing or unreadable file,
// raster.ErrNoVariable for an unknown group) or this package's, naming
// the variable.
func OpenNetCDF(ctx context.Context, path string, o NetCDFOptions) (*Dataset, error) {
	if ctx == nil {
		return nil, argErr("OpenNetCDF: nil context")
	}
	if path == "" {
		return nil, argErr("OpenNetCDF: empty path")
	}
	rd, err := raster.OpenMultidim(ctx, path, raster.MultidimOptions{Group: o.Group, Chunks: o.Chunks, ChunkBytes: o.ChunkBytes})
	if err != nil {
		return nil, fmt.Errorf("labelled.OpenNetCDF: %w", err)
	}
	return fromRaster(ctx, "labelled.OpenNetCDF", rd, !o.Raw, !o.Raw, nil)
}

// RasterOptions tune OpenRaster.
type RasterOptions struct {
	// Read selects bands and a window and sets chunks (raster.ReadOptions;
	// its MaskNoData, ApplyScale and DType must be unset: use Masked and
	// MaskAndScale).
	Read raster.ReadOptions
	// Masked turns the nodata value into NaN, moving _FillValue to the
	// encoding, as rioxarray's open_rasterio(masked=True), in its dtype
	// (xarray's maybe_promote: float32 for 1- and 2-byte integers,
	// float64 for wider ones, floats kept).
	Masked bool
	// MaskAndScale masks as Masked does and also applies scale_factor and
	// add_offset, as open_rasterio(mask_and_scale=True); bands with
	// different scales or offsets are refused (open them one at a time
	// with Read.Bands).
	MaskAndScale bool
}

// OpenRaster opens a GeoTIFF, VRT or any raster GDAL reads as a Dataset in
// rioxarray's convention (raster.Info.Dataset): the data variable
// band_data(band, y, x), lazy, with dimension coordinates band (1-based
// band numbers), y and x (pixel centres from the geotransform; y
// descends on a north-up raster) and the scalar coordinate spatial_ref
// (0, with the CRS as crs_wkt and the GeoTransform) when the raster is
// georeferenced. Nodata is the _FillValue attribute, or NaN in the data
// with o.Masked; scale_factor/add_offset stay attributes unless
// o.MaskAndScale.
//
// A missing or unreadable file wraps raster.ErrOpen; a rotated
// geotransform raster.ErrRotated; bands of different nodata
// raster.ErrOptions.
func OpenRaster(ctx context.Context, path string, o RasterOptions) (*Dataset, error) {
	if ctx == nil {
		return nil, argErr("OpenRaster: nil context")
	}
	if path == "" {
		return nil, argErr("OpenRaster: empty path")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	info, err := raster.Open(path)
	if err != nil {
		return nil, fmt.Errorf("labelled.OpenRaster: %w", err)
	}
	rd, err := info.Dataset(o.Read)
	if err != nil {
		return nil, fmt.Errorf("labelled.OpenRaster: %w", err)
	}
	if o.MaskAndScale {
		if v, ok := rd.Var(raster.DataVar); ok {
			if _, per := v.Attrs["scales"]; per {
				return nil, argErr("OpenRaster: %s: MaskAndScale on bands of different scales or offsets; open them one at a time with Read.Bands", path)
			}
		}
	}
	return fromRaster(ctx, "labelled.OpenRaster", rd, o.Masked || o.MaskAndScale, o.MaskAndScale, []string{raster.GridMappingVar})
}

// fromRaster turns raster's neutral description into a Dataset: every
// variable CF-decoded (mask, scale) and handed to assemble, string
// variables read with ReadStrings.
func fromRaster(ctx context.Context, op string, rd *raster.Dataset, mask, scale bool, extraCoords []string) (*Dataset, error) {
	vars := make([]sourceVar, 0, len(rd.Vars))
	strs := slices.Clone(extraCoords)
	for k := range rd.Vars {
		rv := &rd.Vars[k]
		sv := sourceVar{name: rv.Name, dims: slices.Clone(rv.Dims), coordinates: slices.Clone(rv.Coordinates)}
		switch {
		case rv.String:
			name := rv.FullName
			vals, err := rd.ReadStrings(ctx, name)
			if err != nil {
				return nil, fmt.Errorf("%s: variable %q: %w", op, rv.Name, err)
			}
			shape, err := stringShape(rv, len(vals))
			if err != nil {
				return nil, fmt.Errorf("%s: variable %q: %w", op, rv.Name, err)
			}
			d, err := block.FromSlice(vals, shape...)
			if err != nil {
				return nil, fmt.Errorf("%s: variable %q: %w", op, rv.Name, err)
			}
			sv.dims = sv.dims[:len(shape)]
			sv.attrs = maps.Clone(rv.Attrs)
			sv.encoding = map[string]any{"dtype": "str"}
			sv.load = func(context.Context) (*block.Dense, error) { return d, nil }
			strs = append(strs, rv.Name)
		case rv.Data.Err() != nil:
			// A type tessera cannot represent (compound, complex
			// integers): left out, as a lazy array cannot hold it.
			continue
		default:
			data, attrs, enc, err := cfDecode(rv.Data, rv.DType, rv.Attrs, mask, scale)
			if err != nil {
				return nil, fmt.Errorf("%s: variable %q: %w", op, rv.Name, err)
			}
			if rv.Blocks != nil {
				enc["chunksizes"] = slices.Clone(rv.Blocks)
			}
			sv.data, sv.attrs, sv.encoding = data, attrs, enc
		}
		vars = append(vars, sv)
	}
	attrs := maps.Clone(rd.Attrs)
	if attrs == nil {
		attrs = map[string]any{}
	}
	return assemble(ctx, op, vars, attrs, strs...)
}

// stringShape is the shape of the n strings ReadStrings gave for v: its
// shape, or, for a char array GDAL presents as strings along all but its
// last dimension, its shape without that dimension.
func stringShape(v *raster.Variable, n int) ([]int, error) {
	if chunk.Size(v.Shape) == int64(n) {
		return slices.Clone(v.Shape), nil
	}
	if len(v.Shape) > 0 && chunk.Size(v.Shape[:len(v.Shape)-1]) == int64(n) {
		return slices.Clone(v.Shape[:len(v.Shape)-1]), nil
	}
	return nil, fmt.Errorf("%w: %d strings for shape %v", ErrCoord, n, v.Shape)
}
