package raster

// #cgo pkg-config: gdal
// #include "mdim.h"
import "C"

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

// Limits on what a multidimensional file may declare, checked before
// anything is allocated.
const (
	// MaxAttrElements is the most elements one attribute may hold.
	MaxAttrElements = 1 << 20
	// MaxStringElements is the most values ReadStrings reads at once.
	MaxStringElements = 1 << 22
	// MaxStringBytes is the most bytes of text ReadStrings returns.
	MaxStringBytes = 1 << 28
)

// ErrNoVariable reports a variable or group name the file does not have.
var ErrNoVariable = errors.New("raster: no such variable or group")

// Dataset is a neutral description of a multidimensional dataset (a
// NetCDF file, an HDF5 or Zarr group opened through GDAL, or a raster in
// the rioxarray convention): what the labelled layer wraps into an
// xarray-style Dataset. It is a plain value holding no GDAL handle; its
// lazy arrays reopen the file in each read task.
//
// Attributes are the raw, undecoded ones as stored (netCDF4's ncattrs(),
// _FillValue, scale_factor, add_offset, units and calendar included; for
// drivers that turn some into GDAL properties, such as Zarr's fill_value,
// they are put back under their CF names); nothing is CF-decoded here.
// One GDAL 3.6 limitation shows through: a zero-length numeric NetCDF
// attribute (legal, rare) is presented by GDAL as a scalar whose value is
// unspecified, and is returned as such.
type Dataset struct {
	// Path is the file as given to OpenMultidim (or Info.Dataset).
	Path string
	// Driver is GDAL's driver short name ("netCDF", "HDF5", "Zarr",
	// "GTiff"...).
	Driver string
	// Group is the full name of the group described ("/" for the root).
	Group string
	// Groups are the full names of the group's direct sub-groups, which
	// OpenMultidim describes when asked by MultidimOptions.Group.
	Groups []string `json:",omitempty"`
	// Attrs are the group's (the file's global) attributes; see
	// DecodeAttr for the Go types of their values.
	Attrs map[string]any
	// Structural is GDAL's structural information of the group, such as
	// NC_FORMAT=NETCDF4 or NETCDF3_CLASSIC... for NetCDF files.
	Structural map[string]string `json:",omitempty"`
	// Dims are the dimensions the group's variables use, in GDAL's order
	// (the group's own dimensions, then those of parent groups that its
	// variables use).
	Dims []Dimension
	// Vars are the group's variables, coordinate variables included, in
	// GDAL's order.
	Vars []Variable
}

// Dimension is a named axis of a Dataset.
type Dimension struct {
	// Name is the dimension's name within its group ("time").
	Name string
	// FullName is its name from the root ("/time", "/grp/time").
	FullName string
	// Size is its length.
	Size int
	// Coord names its indexing (dimension-coordinate) variable, "" when
	// it has none: a variable of the same name in the same group.
	Coord string `json:",omitempty"`
	// Type and Direction are GDAL's hints ("HORIZONTAL_X", "TEMPORAL";
	// "EAST", "NORTH"), "" when unknown.
	Type      string `json:",omitempty"`
	Direction string `json:",omitempty"`
}

// Variable is one variable of a Dataset.
type Variable struct {
	// Name is the variable's name within its group; FullName its name
	// from the root, which read tasks use.
	Name     string
	FullName string
	// Dims names its dimensions, outermost first; Shape their sizes.
	Dims  []string
	Shape []int
	// DType is the stored element type (GDAL 3.6, which has no Int8,
	// reads NetCDF's signed byte as int16 and its attributes so too:
	// values are exact, the type is wider); 0 when the variable holds
	// strings (String is then true) or a type tessera cannot represent
	// (complex, compound: Data says which).
	DType block.DType
	// String reports a string variable (NetCDF-4 string, or a NetCDF char
	// array, which GDAL presents as strings along all but its last
	// dimension). Read its values with Dataset.ReadStrings.
	String bool `json:",omitempty"`
	// Blocks is the variable's storage chunking (NetCDF-4 chunk sizes),
	// nil when GDAL reports none.
	Blocks []int `json:",omitempty"`
	// Attrs are its raw attributes (see DecodeAttr for the value types).
	Attrs map[string]any
	// Coordinates names its non-dimension coordinate variables (such as
	// lat/lon on a station dimension): those GDAL reports, else those its
	// CF `coordinates` attribute names that exist in the group
	// (CoordinateNames).
	Coordinates []string `json:",omitempty"`
	// Data is the variable's raw (undecoded) values as a lazy array of
	// DType, chunked per MultidimOptions. For a string or unsupported
	// variable it is an errored array wrapping ErrDType and naming the
	// variable.
	Data *ndarray.Array `json:"-"`
}

// Var returns the variable called name (its Name or FullName), or false.
func (d *Dataset) Var(name string) (*Variable, bool) {
	for k := range d.Vars {
		if d.Vars[k].Name == name || d.Vars[k].FullName == name {
			return &d.Vars[k], true
		}
	}
	return nil, false
}

// Dim returns the dimension called name, or false.
func (d *Dataset) Dim(name string) (*Dimension, bool) {
	for k := range d.Dims {
		if d.Dims[k].Name == name || d.Dims[k].FullName == name {
			return &d.Dims[k], true
		}
	}
	return nil, false
}

// MultidimOptions tune OpenMultidim.
type MultidimOptions struct {
	// Group is the full name of the group to describe ("/grp/sub"); ""
	// means the root group. Sub-groups are not walked: their names are
	// listed in Dataset.Groups, as xarray opens one group at a time.
	Group string
	// Chunks are chunk sizes by dimension name, as xarray's chunks=
	// dict: n > 0 elements, -1 the whole dimension; a dimension not
	// named (or 0) is automatic, in whole multiples of the variable's
	// storage chunks where it has some.
	Chunks map[string]int
	// ChunkBytes is the auto chunk target; 0 means 32 MiB.
	ChunkBytes int64
}

// OpenMultidim opens path with GDAL's multidimensional API (NetCDF classic
// and NetCDF-4, HDF5, Zarr and every other GDAL multidim driver) and
// describes one group: its attributes, dimensions with their coordinate
// variables, and variables with their dims, dtype, raw attributes and a
// lazy array of their raw values. No CF decoding is done (times stay
// numbers with their units and calendar attributes).
//
// The lazy arrays' read tasks are MDReadOps (path, variable full name,
// window), plain data that any process able to open path runs. A missing
// or unreadable file wraps ErrOpen; an unknown group ErrNoVariable;
// declared sizes beyond MaxRasterBytes ErrSize. OpenMultidim keeps no
// handle open. It is safe for concurrent use.
func OpenMultidim(ctx context.Context, path string, o MultidimOptions) (*Dataset, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if path == "" {
		return nil, fmt.Errorf("%w: empty path", ErrOpen)
	}
	for d, n := range o.Chunks {
		if n < -1 {
			return nil, fmt.Errorf("%w: chunks for dimension %q: %d (want > 0, 0 for auto or -1 for whole)", ErrOptions, d, n)
		}
	}
	if o.ChunkBytes < 0 {
		return nil, fmt.Errorf("%w: ChunkBytes %d", ErrOptions, o.ChunkBytes)
	}
	ds, err := describeMultidim(ctx, path, o.Group)
	if err != nil {
		return nil, err
	}
	for k := range ds.Vars {
		v := &ds.Vars[k]
		v.Data = lazyVar(ds, v, o)
	}
	return ds, nil
}

func describeMultidim(ctx context.Context, path, group string) (*Dataset, error) {
	unlock := lockDriver(identify(path))
	defer unlock()
	g := beginGDAL()
	defer g.end()
	h, err := g.mdOpen(path)
	if err != nil {
		return nil, err
	}
	defer C.GDALClose(h)
	out := &Dataset{Path: path, Driver: C.GoString(C.GDALGetDriverShortName(C.GDALGetDatasetDriver(h)))}
	root := C.GDALDatasetGetRootGroup(h)
	if root == nil {
		return nil, fmt.Errorf("%w %s: no root group: %s", ErrOpen, path, g.orMsg("driver has no multidimensional view"))
	}
	defer C.GDALGroupRelease(root)
	grp := root
	if group != "" && group != "/" {
		cg := C.CString(group)
		grp = C.GDALGroupOpenGroupFromFullname(root, cg, nil)
		C.free(unsafe.Pointer(cg))
		if grp == nil {
			return nil, fmt.Errorf("%w: group %q in %s: %s", ErrNoVariable, group, path, g.orMsg("not found"))
		}
		defer C.GDALGroupRelease(grp)
	}
	out.Group = C.GoString(C.GDALGroupGetFullName(grp))
	where := path + " group " + out.Group
	var n C.size_t
	if out.Attrs, _, err = g.readAttrs(C.tsrGroupAttrs(grp, &n), n, where); err != nil {
		return nil, err
	}
	for _, kv := range cStrings((**C.char)(unsafe.Pointer(C.GDALGroupGetStructuralInfo(grp)))) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			if out.Structural == nil {
				out.Structural = map[string]string{}
			}
			out.Structural[k] = v
		}
	}
	if names := C.GDALGroupGetGroupNames(grp, nil); names != nil {
		prefix := strings.TrimSuffix(out.Group, "/") + "/"
		for _, s := range cStrings(names) {
			out.Groups = append(out.Groups, prefix+s)
		}
		C.CSLDestroy(names)
	}
	dims := C.GDALGroupGetDimensions(grp, &n, nil)
	if dims != nil {
		for i := C.size_t(0); i < n; i++ {
			d, err := describeDim(C.tsrDimAt(dims, i), out.Group, where)
			if err != nil {
				C.GDALReleaseDimensions(dims, n)
				return nil, err
			}
			out.Dims = append(out.Dims, d)
		}
		C.GDALReleaseDimensions(dims, n)
	}
	names := C.tsrArrayNames(grp)
	arrays := cStrings(names)
	C.CSLDestroy(names)
	for _, name := range arrays {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, vdims, err := g.describeVar(grp, name, out.Group, where)
		if err != nil {
			return nil, err
		}
		for _, d := range vdims {
			if _, ok := out.Dim(d.FullName); !ok {
				out.Dims = append(out.Dims, d)
			}
		}
		out.Vars = append(out.Vars, v)
	}
	for k := range out.Vars {
		v := &out.Vars[k]
		if len(v.Coordinates) == 0 {
			if s, ok := v.Attrs["coordinates"].(string); ok {
				v.Coordinates = CoordinateNames(s, v.Name, func(n string) bool { _, ok := out.Var(n); return ok })
			}
		}
	}
	return out, nil
}

// CoordinateNames parses a CF `coordinates` attribute (variable names
// separated by blanks) of variable self into the names that exist (as
// reported by exists), in order, each once, self excluded, as xarray's
// decode_coords does. It never fails: names that are not variables are
// dropped. A nil exists keeps every name.
func CoordinateNames(attr, self string, exists func(string) bool) []string {
	if exists == nil {
		exists = func(string) bool { return true }
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range strings.Fields(attr) {
		if n == self || seen[n] || !exists(n) {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

func describeDim(d C.GDALDimensionH, group, where string) (Dimension, error) {
	size := uint64(C.GDALDimensionGetSize(d))
	dim := Dimension{
		Name:      C.GoString(C.GDALDimensionGetName(d)),
		FullName:  C.GoString(C.GDALDimensionGetFullName(d)),
		Type:      C.GoString(C.GDALDimensionGetType(d)),
		Direction: C.GoString(C.GDALDimensionGetDirection(d)),
	}
	if size > MaxRasterBytes {
		return dim, fmt.Errorf("%w: %s dimension %q has size %d", ErrSize, where, dim.Name, size)
	}
	dim.Size = int(size)
	if iv := C.GDALDimensionGetIndexingVariable(d); iv != nil {
		full := C.GoString(C.GDALMDArrayGetFullName(iv))
		dim.Coord = shortName(full, group)
		C.GDALMDArrayRelease(iv)
	}
	return dim, nil
}

// shortName is full's name relative to group when full is in group, else
// full itself.
func shortName(full, group string) string {
	prefix := strings.TrimSuffix(group, "/") + "/"
	if rest, ok := strings.CutPrefix(full, prefix); ok && !strings.Contains(rest, "/") {
		return rest
	}
	return full
}

func (g *gcall) describeVar(grp C.GDALGroupH, name, group, where string) (Variable, []Dimension, error) {
	cn := C.CString(name)
	a := C.GDALGroupOpenMDArray(grp, cn, nil)
	C.free(unsafe.Pointer(cn))
	if a == nil {
		return Variable{}, nil, fmt.Errorf("%w: variable %q of %s: %s", ErrOpen, name, where, g.orMsg("cannot open"))
	}
	defer C.GDALMDArrayRelease(a)
	v := Variable{Name: name, FullName: C.GoString(C.GDALMDArrayGetFullName(a)), Dims: []string{}, Shape: []int{}}
	vwhere := where + " variable " + name
	var n C.size_t
	dims := C.GDALMDArrayGetDimensions(a, &n)
	var vdims []Dimension
	for i := C.size_t(0); i < n; i++ {
		d, err := describeDim(C.tsrDimAt(dims, i), group, vwhere)
		if err != nil {
			C.GDALReleaseDimensions(dims, n)
			return v, nil, err
		}
		vdims = append(vdims, d)
		v.Dims = append(v.Dims, d.Name)
		v.Shape = append(v.Shape, d.Size)
	}
	if dims != nil {
		C.GDALReleaseDimensions(dims, n)
	}
	edt := C.GDALMDArrayGetDataType(a)
	switch C.GDALExtendedDataTypeGetClass(edt) {
	case C.GEDTC_NUMERIC:
		dt, tname := gdalNumeric(C.GDALExtendedDataTypeGetNumericDataType(edt))
		if dt == 0 {
			v.Data = ndarray.Errored(fmt.Errorf("%w: %s is %s, which tessera cannot represent", ErrDType, vwhere, tname))
		}
		v.DType = dt
	case C.GEDTC_STRING:
		v.String = true
		v.Data = ndarray.Errored(fmt.Errorf("%w: %s holds strings: read them with Dataset.ReadStrings", ErrDType, vwhere))
	default:
		v.Data = ndarray.Errored(fmt.Errorf("%w: %s is a compound type", ErrDType, vwhere))
	}
	C.GDALExtendedDataTypeRelease(edt)
	if v.DType != 0 {
		if err := checkElems(vwhere, v.Shape, v.DType.Size()); err != nil {
			return v, nil, err
		}
	}
	var nb C.size_t
	if bs := C.GDALMDArrayGetBlockSize(a, &nb); bs != nil {
		blocks := unsafe.Slice((*C.GUInt64)(unsafe.Pointer(bs)), int(nb))
		any := false
		for _, b := range blocks {
			if b > 0 {
				any = true
			}
		}
		if any && int(nb) == len(v.Shape) {
			v.Blocks = make([]int, nb)
			for k, b := range blocks {
				v.Blocks[k] = int(min(uint64(b), uint64(max(v.Shape[k], 1))))
			}
		}
		C.VSIFree(unsafe.Pointer(bs))
	}
	var err error
	if v.Attrs, _, err = g.readAttrs(C.tsrArrayAttrs(a, &n), n, vwhere); err != nil {
		return v, nil, err
	}
	if err := cfFromGDAL(a, &v, vwhere); err != nil {
		return v, nil, err
	}
	if cv := C.GDALMDArrayGetCoordinateVariables(a, &n); cv != nil {
		for i := C.size_t(0); i < n; i++ {
			v.Coordinates = append(v.Coordinates, shortName(C.GoString(C.GDALMDArrayGetFullName(C.tsrArrayAt(cv, i))), group))
		}
		C.GDALReleaseArrays(cv, n)
	}
	g.msg() // failures GDAL recovered from (a missing coordinate variable)
	return v, vdims, nil
}

// cfFromGDAL puts back the CF attributes a driver consumed into GDAL's
// own properties and does not list even with SHOW_ALL (the Zarr driver
// takes units, scale_factor, add_offset and the fill value): units,
// scale_factor and add_offset (float64) and _FillValue (in the variable's
// type), each only when the attributes lack it.
func cfFromGDAL(a C.GDALMDArrayH, v *Variable, where string) error {
	if _, ok := v.Attrs["units"]; !ok {
		if u := C.GoString(C.GDALMDArrayGetUnit(a)); u != "" {
			v.Attrs["units"] = u
		}
	}
	var has C.int
	if _, ok := v.Attrs["scale_factor"]; !ok {
		if s := C.GDALMDArrayGetScale(a, &has); has != 0 {
			v.Attrs["scale_factor"] = float64(s)
		}
	}
	if _, ok := v.Attrs["add_offset"]; !ok {
		if o := C.GDALMDArrayGetOffset(a, &has); has != 0 {
			v.Attrs["add_offset"] = float64(o)
		}
	}
	if _, ok := v.Attrs["_FillValue"]; !ok && v.DType != 0 {
		if p := C.GDALMDArrayGetRawNoDataValue(a); p != nil {
			fv, err := DecodeAttr(v.DType, C.GoBytes(p, C.int(v.DType.Size())), 1)
			if err != nil {
				return fmt.Errorf("fill value of %s: %w", where, err)
			}
			v.Attrs["_FillValue"] = fv
		}
	}
	return nil
}

// checkElems reports ErrSize when shape's elements of es bytes overflow
// or exceed MaxRasterBytes.
func checkElems(where string, shape []int, es int) error {
	n := int64(es)
	for _, s := range shape {
		if s < 0 || (s != 0 && n > MaxRasterBytes/int64(s)) {
			return fmt.Errorf("%w: %s has shape %v of %d-byte elements, over %d bytes", ErrSize, where, shape, es, int64(MaxRasterBytes))
		}
		n *= int64(s)
	}
	return nil
}

// lazyVar builds the lazy array of a numeric variable.
func lazyVar(ds *Dataset, v *Variable, o MultidimOptions) *ndarray.Array {
	if v.Data != nil {
		return v.Data
	}
	sizes := make([]int, len(v.Shape))
	for k, d := range v.Dims {
		sizes[k] = o.Chunks[d]
	}
	target := o.ChunkBytes
	if target == 0 {
		target = 32 << 20
	}
	var prev []int
	if v.Blocks != nil {
		prev = v.Blocks
	}
	var grid *chunk.Grid
	var err error
	if len(v.Shape) == 0 {
		grid, err = chunk.NewGridAxes(nil)
	} else {
		grid, err = chunk.PerAxis(sizes...).Normalize(v.Shape, v.DType.Size(), chunk.NormalizeOptions{TargetBytes: target, Previous: prev})
	}
	if err != nil {
		return ndarray.Errored(fmt.Errorf("raster %s variable %s: %w", ds.Path, v.Name, err))
	}
	op := MDReadOp{Path: ds.Path, Driver: ds.Driver, Array: v.FullName, DType: v.DType}
	tok := ndarray.Token("raster-mdread", ds.Path, v.FullName, v.DType.String(), fmt.Sprint(v.Shape), poolKey(ds.Path))
	return ndarray.NewArray(v.DType, grid, tok, mdLayer{base: op})
}

// ReadStrings reads every value of the string variable name (NetCDF
// string, or a char array that GDAL presents as strings) in C order, at
// most MaxStringElements values and MaxStringBytes bytes (ErrSize beyond).
// H1's string dtypes will let such variables be lazy arrays; until then
// string coordinates (station names, band names) are read eagerly here.
func (d *Dataset) ReadStrings(ctx context.Context, name string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, ok := d.Var(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q in %s", ErrNoVariable, name, d.Path)
	}
	if !v.String {
		return nil, fmt.Errorf("%w: %s variable %s is %s, not strings", ErrDType, d.Path, v.Name, v.DType)
	}
	total := int64(1)
	for _, s := range v.Shape {
		if s != 0 && total > MaxStringElements/int64(s) {
			return nil, fmt.Errorf("%w: %s variable %s has shape %v, over %d strings", ErrSize, d.Path, v.Name, v.Shape, MaxStringElements)
		}
		total *= int64(s)
	}
	if total == 0 {
		return []string{}, nil
	}
	out := make([]string, 0, total)
	err := withArray(d.Path, d.Driver, v.FullName, func(g *gcall, a C.GDALMDArrayH) error {
		start, count := cWindow(make([]int, len(v.Shape)), v.Shape)
		defer C.free(unsafe.Pointer(start))
		defer C.free(unsafe.Pointer(count))
		ptrs := (**C.char)(C.calloc(C.size_t(total), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		defer C.free(unsafe.Pointer(ptrs))
		ok := C.tsrReadStrings(a, C.size_t(len(v.Shape)), start, count, ptrs)
		ps := unsafe.Slice(ptrs, total)
		defer func() {
			for _, p := range ps {
				if p != nil {
					C.VSIFree(unsafe.Pointer(p))
				}
			}
		}()
		if ok == 0 {
			return fmt.Errorf("%w: %s variable %s: %s", ErrRead, d.Path, v.Name, g.orMsg("GDALMDArrayRead failed"))
		}
		bytes := 0
		for _, p := range ps {
			if p == nil {
				out = append(out, "")
				continue
			}
			s := C.GoString(p)
			if bytes += len(s); bytes > MaxStringBytes {
				return fmt.Errorf("%w: %s variable %s holds over %d bytes of text", ErrSize, d.Path, v.Name, MaxStringBytes)
			}
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
