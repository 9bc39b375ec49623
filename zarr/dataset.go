package zarr

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
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
// is stored as FillValue (xarray's _FillValue: the Zarr fill_value in v2,
// the _FillValue attribute in v3). A nil FillValue takes a numeric
// _FillValue attribute of the variable, else NaN for float dtypes and no
// fill value at all for the others (v2 fill_value null), as xarray
// writes. The zero Encoding stores values as they are.
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

// ErrDataset reports a dataset that cannot be written, appended or read
// as asked: a variable with no data, dims that do not match its rank, an
// append dim missing from the store, sizes that disagree. The error names
// the variable.
var ErrDataset = errors.New("zarr: invalid dataset")

// WriteDataset writes ds as a group at path (format 2 or 3) and
// consolidates its metadata when the store can list keys. Every variable
// is checked and prepared (packed, rechunked to a regular grid) before any
// metadata is written, and all variables are computed in one graph run
// (ndarray.StoreMany), so a source they share is read once.
//
// Fill values follow xarray: a variable with Encoding.FillValue or a
// numeric _FillValue attribute gets that fill value; a float variable
// without one gets NaN (xarray's default _FillValue for floats); any other
// variable gets none, so integer zeros read back as zeros. In v2 the fill
// value is the array's fill_value (null when there is none); in v3 it is
// also written as the _FillValue attribute in xarray's encoding (an
// integer, or for floats the base64 of the little-endian float64), since
// xarray does not take a v3 fill_value as a mask.
//
// Chunks are Encoding.Chunks, or the data's chunks when they are regular,
// or else the data's largest chunk on each axis; the data are rechunked
// to match when needed.
func WriteDataset(ctx context.Context, s Store, path string, ds Dataset, format int, opts ...ndarray.ComputeOption) error {
	if s == nil {
		return fmt.Errorf("%w: nil store", ErrDataset)
	}
	if format == 0 {
		format = 3
	}
	if format != 2 && format != 3 {
		return fmt.Errorf("%w: format %d", ErrMetadata, format)
	}
	names := make([]string, 0, len(ds.Vars))
	for n := range ds.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	type prepared struct {
		name   string
		stored *ndarray.Array
		o      CreateOptions
	}
	var preps []prepared
	for _, name := range names {
		v := ds.Vars[name]
		stored, o, err := prepareVariable(name, v, format)
		if err != nil {
			return err
		}
		preps = append(preps, prepared{name, stored, o})
	}
	if _, err := CreateGroup(ctx, s, path, format, ds.Attrs); err != nil {
		return err
	}
	targets := make([]ndarray.StoreTarget, 0, len(preps))
	for _, p := range preps {
		a, err := Create(ctx, s, joinKey(path, p.name), p.o)
		if err != nil {
			return fmt.Errorf("zarr: variable %q: %w", p.name, err)
		}
		snk, err := a.Sink()
		if err != nil {
			return fmt.Errorf("zarr: variable %q: %w", p.name, err)
		}
		targets = append(targets, ndarray.StoreTarget{Array: p.stored, Sink: snk})
	}
	if _, err := ndarray.StoreMany(ctx, targets, opts...); err != nil {
		return err
	}
	if _, ok := s.(Lister); ok {
		return Consolidate(ctx, s)
	}
	return nil
}

// checkVariable checks a variable's data and dims.
func checkVariable(name string, v Variable) error {
	if v.Data == nil {
		return fmt.Errorf("%w: variable %q has no data", ErrDataset, name)
	}
	if err := v.Data.Err(); err != nil {
		return fmt.Errorf("zarr: variable %q: %w", name, err)
	}
	if len(v.Dims) != v.Data.Rank() {
		return fmt.Errorf("%w: variable %q has %d dims for rank %d", ErrDataset, name, len(v.Dims), v.Data.Rank())
	}
	seen := map[string]bool{}
	for _, d := range v.Dims {
		if d == "" || seen[d] {
			return fmt.Errorf("%w: variable %q has dims %q (names must be distinct and non-empty)", ErrDataset, name, v.Dims)
		}
		seen[d] = true
	}
	return nil
}

// variableFill is the fill value (stored units) a variable is written
// with, and its attributes without _FillValue.
func variableFill(v Variable, dt block.DType) (*float64, map[string]any) {
	attrs := map[string]any{}
	for k, x := range v.Attrs {
		attrs[k] = x
	}
	fill := v.Encoding.FillValue
	if fv, ok := number(attrs["_FillValue"]); ok && fill == nil {
		fill = &fv
	}
	delete(attrs, "_FillValue")
	if fill == nil && dt.IsFloat() {
		nan := math.NaN()
		fill = &nan
	}
	return fill, attrs
}

// encodeStored packs decoded data into the stored dtype dt with the
// encoding's scale and offset, NaN becoming fill (ScaleOffset.Fill).
func encodeStored(data *ndarray.Array, enc Encoding, dt block.DType, fill *float64) *ndarray.Array {
	switch {
	case enc.ScaleFactor != 0:
		var f *float64
		if fill != nil && !math.IsNaN(*fill) {
			f = fill
		}
		return data.Pack(block.ScaleOffset{Scale: enc.ScaleFactor, Offset: enc.AddOffset, Fill: f}, dt, block.OverflowError)
	case fill != nil && !math.IsNaN(*fill) && data.DType().IsFloat() && !dt.IsFloat():
		return data.Pack(block.ScaleOffset{Scale: 1, Fill: fill}, dt, block.OverflowError)
	case dt != data.DType():
		return data.AsType(dt, block.OverflowError)
	}
	return data
}

// prepareVariable checks v and returns its stored (packed, regularly
// chunked) data and the options of its array.
func prepareVariable(name string, v Variable, format int) (*ndarray.Array, CreateOptions, error) {
	if err := checkVariable(name, v); err != nil {
		return nil, CreateOptions{}, err
	}
	enc := v.Encoding
	dt := enc.DType
	if dt == 0 {
		dt = v.Data.DType()
	}
	if !dt.Valid() {
		return nil, CreateOptions{}, fmt.Errorf("%w: variable %q: invalid encoding dtype", ErrDataset, name)
	}
	fill, attrs := variableFill(v, dt)
	if enc.ScaleFactor != 0 {
		attrs["scale_factor"] = enc.ScaleFactor
		attrs["add_offset"] = enc.AddOffset
	}
	if fill != nil && dt.IsInt() && (math.IsNaN(*fill) || *fill != math.Trunc(*fill)) {
		return nil, CreateOptions{}, fmt.Errorf("%w: variable %q: fill value %v for %s", ErrDataset, name, *fill, dt)
	}
	if format == 3 && fill != nil {
		attrs["_FillValue"] = encodeXarrayFill(*fill, dt)
	}
	stored := encodeStored(v.Data, enc, dt, fill)
	if err := stored.Err(); err != nil {
		return nil, CreateOptions{}, fmt.Errorf("zarr: variable %q: %w", name, err)
	}
	chunks := enc.Chunks
	if chunks != nil && len(chunks) != stored.Rank() {
		return nil, CreateOptions{}, fmt.Errorf("%w: variable %q: chunks %v for rank %d", ErrDataset, name, chunks, stored.Rank())
	}
	stored, chunks, err := RegularChunks(stored, chunks)
	if err != nil {
		return nil, CreateOptions{}, fmt.Errorf("zarr: variable %q: %w", name, err)
	}
	o := CreateOptions{Format: format, Shape: stored.Shape(), DType: stored.DType(), DimensionNames: v.Dims, Attributes: attrs, FillValue: fill, Chunks: chunks, Overwrite: true}
	if format == 2 && enc.Compressor != nil {
		o.Compressor = enc.Compressor
	}
	return stored, o, nil
}

// RegularChunks returns x rechunked for a Zarr array of chunks (nil: x's
// chunks when they are regular, else the largest chunk of x on each axis,
// at least 1), and the chunks: every block of the result covers whole
// chunks or reaches the array's edge, as Array.Sink requires. Zarr needs
// a regular chunk grid; this is how ToZarr and WriteDataset make one
// before any metadata is written.
func RegularChunks(x *ndarray.Array, chunks []int) (*ndarray.Array, []int, error) {
	if err := x.Err(); err != nil {
		return nil, nil, err
	}
	if chunks == nil {
		if reg, ok := x.Grid().Regular(); ok {
			chunks = reg
		} else {
			chunks = x.Grid().MaxChunkShape()
		}
		for i := range chunks {
			chunks[i] = max(chunks[i], 1)
		}
	}
	if len(chunks) != x.Rank() {
		return nil, nil, fmt.Errorf("%w: chunks %v for rank %d", ErrMetadata, chunks, x.Rank())
	}
	for _, c := range chunks {
		if c <= 0 {
			return nil, nil, fmt.Errorf("%w: chunks %v", ErrMetadata, chunks)
		}
	}
	if aligned(x.Grid(), make([]int, x.Rank()), x.Shape(), chunks) {
		return x, chunks, nil
	}
	y := x.Rechunk(chunk.PerAxis(chunks...))
	return y, chunks, y.Err()
}

// aligned reports whether every block of g, placed at origin lo in an
// array of shape full, starts on a chunk boundary or the region's start
// and ends on one or the region's end or the array's end, so that no two
// blocks touch one chunk.
func aligned(g *chunk.Grid, lo, full, chunks []int) bool {
	shape := g.Shape()
	for a := range shape {
		off := lo[a]
		for _, n := range g.AxisChunks(a) {
			s, e := off, off+n
			if s != lo[a] && s%chunks[a] != 0 {
				return false
			}
			if e != lo[a]+shape[a] && e != full[a] && e%chunks[a] != 0 {
				return false
			}
			off = e
		}
	}
	return true
}

// encodeXarrayFill is a fill value as xarray writes the _FillValue
// attribute of a v3 array (xarray's FillValueCoder): an integer for
// integer dtypes, a boolean for bool, and for floats the base64 of the
// value as a little-endian float64.
func encodeXarrayFill(v float64, dt block.DType) any {
	switch {
	case dt.IsFloat():
		var b [8]byte
		bits := math.Float64bits(v)
		if math.IsNaN(v) {
			bits = 0x7ff8000000000000 // numpy's NaN, as xarray writes it
		}
		binary.LittleEndian.PutUint64(b[:], bits)
		return base64.StdEncoding.EncodeToString(b[:])
	case dt == block.Bool:
		return v != 0
	}
	return int64(v)
}

// decodeXarrayFill reads a v3 _FillValue attribute as xarray writes it
// (see encodeXarrayFill); a plain number is taken as it is.
func decodeXarrayFill(x any, dt block.DType) (float64, bool) {
	if s, ok := x.(string); ok && dt.IsFloat() {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != 8 {
			return 0, false
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), true
	}
	if b, ok := x.(bool); ok {
		if b {
			return 1, true
		}
		return 0, true
	}
	return number(x)
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
		} else {
			// Raw values: keep the stored fill so WriteDataset writes it back.
			_, fill := storedEncoding(meta)
			v.Encoding = Encoding{DType: meta.DType, FillValue: fill}
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
	// xarray masks with a v2 fill_value (or _FillValue) but, in v3, only
	// with the _FillValue attribute (use_zarr_fill_value_as_mask
	// defaults to False there).
	fill := meta.FillValue
	if meta.Format == 3 {
		fill = FillValue{}
	}
	if raw, ok := attrs["_FillValue"]; ok {
		if fv, ok := decodeXarrayFill(raw, meta.DType); ok {
			fill = FillValue{Defined: true, Value: fv}
			delete(attrs, "_FillValue")
		}
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

// storedEncoding is how an existing array packs decoded values, read from
// its metadata as xarray reads it: scale_factor / add_offset attributes,
// and the fill value (v2: the fill_value or a _FillValue attribute; v3:
// the _FillValue attribute only).
func storedEncoding(meta *ArrayMeta) (Encoding, *float64) {
	enc := Encoding{DType: meta.DType}
	scale, hasScale := number(meta.Attributes["scale_factor"])
	offset, hasOffset := number(meta.Attributes["add_offset"])
	if hasScale || hasOffset {
		if !hasScale {
			scale = 1
		}
		enc.ScaleFactor, enc.AddOffset = scale, offset
	}
	var fill *float64
	if meta.Format == 2 && meta.FillValue.Defined {
		fv := meta.FillValue.Value
		fill = &fv
	}
	if raw, ok := meta.Attributes["_FillValue"]; ok {
		if fv, ok := decodeXarrayFill(raw, meta.DType); ok {
			fill = &fv
		}
	}
	return enc, fill
}

// datasetTargets opens each variable's existing array under path and
// gives the target that writes the variable's data, packed as the array
// packs, at the origin and in the (possibly grown) shape place returns
// (skip leaves the variable out).
func datasetTargets(ctx context.Context, s Store, path string, ds Dataset,
	place func(name string, v Variable, a *Array) (lo, shape []int, grow bool, skip bool, err error)) ([]ndarray.StoreTarget, []*Array, [][]int, error) {
	if s == nil {
		return nil, nil, nil, fmt.Errorf("%w: nil store", ErrDataset)
	}
	names := make([]string, 0, len(ds.Vars))
	for n := range ds.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var targets []ndarray.StoreTarget
	var arrays []*Array
	var shapes [][]int
	for _, name := range names {
		v := ds.Vars[name]
		if err := checkVariable(name, v); err != nil {
			return nil, nil, nil, err
		}
		a, err := OpenArray(ctx, s, joinKey(path, name))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("zarr: variable %q: %w", name, err)
		}
		if got := a.Meta().DimensionNames; got != nil && fmt.Sprint(got) != fmt.Sprint(v.Dims) {
			return nil, nil, nil, fmt.Errorf("%w: variable %q has dims %q, the store's has %q", ErrDataset, name, v.Dims, got)
		}
		lo, shape, grow, skip, err := place(name, v, a)
		if err != nil {
			return nil, nil, nil, err
		}
		if skip {
			continue
		}
		enc, fill := storedEncoding(a.Meta())
		stored := encodeStored(v.Data, enc, a.DType(), fill)
		if err := stored.Err(); err != nil {
			return nil, nil, nil, fmt.Errorf("zarr: variable %q: %w", name, err)
		}
		t, err := a.regionTarget(stored, lo, shape, grow)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("zarr: variable %q: %w", name, err)
		}
		targets = append(targets, t)
		arrays = append(arrays, a)
		shapes = append(shapes, shape)
	}
	return targets, arrays, shapes, nil
}

// reconsolidate rewrites consolidated metadata that exists at the store's
// root, so readers of it (xarray's default) see the new shapes.
func reconsolidate(ctx context.Context, s Store) error {
	if _, ok := s.(Lister); !ok {
		return nil
	}
	if _, err := s.Get(ctx, ".zmetadata"); err == nil {
		return Consolidate(ctx, s)
	}
	if b, err := s.Get(ctx, "zarr.json"); err == nil && bytes.Contains(b, []byte(`"consolidated_metadata"`)) {
		return Consolidate(ctx, s)
	}
	return nil
}

// AppendDataset grows the dataset stored at path along the named dim with
// ds, lazily and in one graph run, as xarray's to_zarr(append_dim=dim)
// does: every variable of ds that has dim is appended to the store's
// variable of that name (which must exist with the same dims, and the
// same sizes on its other dims), packed as the stored variable is
// (scale_factor, add_offset, _FillValue). Variables of ds without dim
// are not written (the store's stay as they are). All variables must add
// the same length. The data of every variable are written first and the
// metadata (the grown shapes) after all of them, then consolidated
// metadata at the root, when there is some, is rewritten; a failure
// part-way leaves every array readable with its old shape.
func AppendDataset(ctx context.Context, s Store, path, dim string, ds Dataset, opts ...ndarray.ComputeOption) error {
	if dim == "" {
		return fmt.Errorf("%w: append along an empty dim name", ErrDataset)
	}
	added := -1
	targets, arrays, shapes, err := datasetTargets(ctx, s, path, ds, func(name string, v Variable, a *Array) ([]int, []int, bool, bool, error) {
		axis := -1
		for i, d := range v.Dims {
			if d == dim {
				axis = i
			}
		}
		if axis < 0 {
			return nil, nil, false, true, nil
		}
		n := v.Data.Shape()[axis]
		if added >= 0 && n != added {
			return nil, nil, false, false, fmt.Errorf("%w: variable %q adds %d along %q, another variable %d", ErrDataset, name, n, dim, added)
		}
		added = n
		shape := a.Shape()
		for i := range shape {
			if i != axis && v.Data.Shape()[i] != shape[i] {
				return nil, nil, false, false, fmt.Errorf("%w: variable %q of shape %v appended along %q to %v", ErrDataset, name, v.Data.Shape(), dim, shape)
			}
		}
		if n > math.MaxInt-shape[axis] {
			return nil, nil, false, false, fmt.Errorf("%w: variable %q: append of %d to %d overflows", ErrDataset, name, n, shape[axis])
		}
		grown := append([]int(nil), shape...)
		grown[axis] += n
		lo := make([]int, len(grown))
		lo[axis] = a.Shape()[axis]
		return lo, grown, true, false, nil
	})
	if err != nil {
		return err
	}
	if added < 0 {
		return fmt.Errorf("%w: no variable of the dataset has dim %q", ErrDataset, dim)
	}
	if _, err := ndarray.StoreMany(ctx, targets, opts...); err != nil {
		return err
	}
	for i, a := range arrays {
		if err := a.Resize(ctx, shapes[i]); err != nil {
			return fmt.Errorf("zarr: variable %q: %w", a.Path(), err)
		}
	}
	return reconsolidate(ctx, s)
}

// WriteDatasetRegion writes ds into a region of the dataset stored at
// path, lazily and in one graph run, as xarray's to_zarr(region=...)
// does: region gives the start of the region on each named dim (a dim not
// named starts at 0), and each variable's data, packed as the stored
// variable is, fills the region of its shape from there. Regions need not
// align with the chunks (see Array.WriteRegion). Every variable is checked
// before anything is written.
func WriteDatasetRegion(ctx context.Context, s Store, path string, ds Dataset, region map[string]int, opts ...ndarray.ComputeOption) error {
	for d, lo := range region {
		if lo < 0 {
			return fmt.Errorf("%w: region start %d on dim %q", ErrDataset, lo, d)
		}
	}
	targets, _, _, err := datasetTargets(ctx, s, path, ds, func(name string, v Variable, a *Array) ([]int, []int, bool, bool, error) {
		lo := make([]int, len(v.Dims))
		for i, d := range v.Dims {
			lo[i] = region[d]
		}
		return lo, a.Shape(), false, false, nil
	})
	if err != nil {
		return err
	}
	_, err = ndarray.StoreMany(ctx, targets, opts...)
	return err
}

// FillForFormat gives the fill value and attributes that carry an array's
// fill value, as xarray reads it, to a copy in format (2 or 3), so that
// xarray masks the same elements of the copy: for v2 the fill_value (nil:
// null) with no _FillValue attribute; for v3 the _FillValue attribute in
// xarray's encoding plus the same fill_value (nil: the v3 default 0);
// within one format, the fill_value and attributes exactly as they are. The
// source's xarray fill is its v2 fill_value or _FillValue attribute, or
// its v3 _FillValue attribute (a v3 fill_value alone is no mask to
// xarray). The returned attributes are a copy; meta is not changed.
func FillForFormat(meta *ArrayMeta, format int) (*float64, map[string]any) {
	attrs := make(map[string]any, len(meta.Attributes))
	for k, v := range meta.Attributes {
		attrs[k] = v
	}
	if meta.Format == format { // the same format: fill_value and attributes as they are
		if !meta.FillValue.Defined {
			return nil, attrs
		}
		fv := meta.FillValue.Value
		return &fv, attrs
	}
	_, fill := storedEncoding(meta)
	delete(attrs, "_FillValue")
	if format == 3 && fill != nil {
		attrs["_FillValue"] = encodeXarrayFill(*fill, meta.DType)
	}
	return fill, attrs
}
