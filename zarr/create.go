package zarr

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// CreateOptions describes a new array.
type CreateOptions struct {
	Format int         // 2 or 3; 0 means 3
	Shape  []int       // required
	DType  block.DType // required
	// Chunks is the chunk shape (inner chunk shape when Shards is set);
	// nil chooses about 16 MiB chunks.
	Chunks []int
	// Shards, v3 only, makes the stored objects shards of this shape holding
	// Chunks-shaped inner chunks (sharding_indexed, index at the end with
	// crc32c).
	Shards []int
	// FillValue is the value of elements never written. nil leaves it
	// undefined, as xarray and zarr-python do for a variable without a
	// _FillValue: v2 writes fill_value null, which xarray does not take
	// as a mask (so integer zeros stay zeros); v3, where null is not
	// allowed, writes the dtype's default 0 (false for bool), which is
	// what zarr-python 3 writes for fill_value=None, and xarray does not
	// mask with a v3 fill_value (it reads _FillValue from the attributes).
	// Chunks of an array with an undefined fill value are always written,
	// even all-zero ones, since zarr-python 2 reads a missing chunk of a
	// null-fill array as uninitialised memory.
	FillValue *float64
	// Order is 'C' (default) or 'F' (v2 only).
	Order byte
	// Separator is "/" or "." (defaults: v3 "/", v2 ".").
	Separator string
	// Codecs, v3: the codec list (array→array, bytes, bytes→bytes; for
	// sharded arrays the inner chunks' list). nil means bytes + zstd.
	Codecs []json.RawMessage
	// Compressor and Filters, v2: numcodecs objects. A nil Compressor means
	// Blosc lz4 clevel 5 with byte shuffle (zarr-python's default); use
	// NoCompressor for none.
	Compressor json.RawMessage
	Filters    []json.RawMessage
	// ByteOrder, v2: stored byte order (default little-endian).
	ByteOrder      binary.ByteOrder
	DimensionNames []string
	Attributes     map[string]any
	// Strings says how a String array is stored: fixed-width
	// {Kind: block.StringUnicode, Width: 3} ("<U3", v3
	// fixed_length_utf32), {Kind: block.StringBytes, Width: 5} ("|S5", v3
	// null_terminated_bytes), or the zero value for variable-length UTF-8
	// (v2 an object array "|O" with the vlen-utf8 filter, v3 "string"
	// with the vlen-utf8 codec). Writing a string longer than a fixed
	// width fails, naming the element. Ignored for other dtypes.
	Strings StringStorage
	// Fill, when set, is the exact fill value for any dtype (a string's
	// Str, a complex number's Value and Imag, a datetime's count in Text
	// or NaN for NaT) and takes the place of FillValue.
	Fill *FillValue
	// Overwrite replaces existing metadata at the path (chunks of the old
	// array that the new one does not overwrite are left in place).
	Overwrite bool
}

// NoCompressor is the Compressor value for uncompressed v2 arrays.
var NoCompressor = json.RawMessage("null")

// ErrExists reports that an array or group already exists at a path.
var ErrExists = errors.New("zarr: node already exists")

func defaultChunks(shape []int, dt block.DType) []int {
	g, err := chunk.Auto().Normalize(shape, dt.Size(), chunk.NormalizeOptions{TargetBytes: 16 << 20})
	if err != nil {
		return shape
	}
	c := g.MaxChunkShape()
	for i := range c {
		c[i] = max(c[i], 1)
	}
	return c
}

// Create writes the metadata of a new array at path and returns it.
func Create(ctx context.Context, s Store, p string, o CreateOptions, opts ...Options) (*Array, error) {
	p, err := cleanPath(p)
	if err != nil {
		return nil, err
	}
	if o.Format == 0 {
		o.Format = 3
	}
	if o.Format != 2 && o.Format != 3 {
		return nil, fmt.Errorf("%w: format %d", ErrMetadata, o.Format)
	}
	if !o.DType.Valid() {
		return nil, fmt.Errorf("%w: invalid dtype", ErrMetadata)
	}
	if err := chunk.CheckShape(o.Shape); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMetadata, err)
	}
	if !o.Overwrite {
		for _, k := range []string{"zarr.json", ".zarray", ".zgroup"} {
			if _, err := s.Get(ctx, joinKey(p, k)); err == nil {
				return nil, fmt.Errorf("%w: %q", ErrExists, p)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	chunks := o.Chunks
	if chunks == nil {
		chunks = defaultChunks(o.Shape, o.DType)
	}
	m := &ArrayMeta{Format: o.Format, Shape: append([]int{}, o.Shape...), Chunks: append([]int{}, chunks...), DType: o.DType,
		ByteOrder: o.ByteOrder, Order: 'C', DimensionNames: o.DimensionNames, Attributes: o.Attributes}
	if m.ByteOrder == nil {
		m.ByteOrder = binary.LittleEndian
	}
	if o.Order != 0 {
		m.Order = o.Order
	}
	if o.Format == 3 {
		m.FillValue = FillValue{Defined: true} // v3 has no null fill value
	}
	if o.FillValue != nil {
		v := *o.FillValue
		if o.DType.IsInt() && (v != math.Trunc(v) || math.IsNaN(v)) {
			return nil, fmt.Errorf("%w: fill value %v for %s", ErrMetadata, v, o.DType)
		}
		m.FillValue = FillValue{Defined: true, Value: v}
	}
	if o.Fill != nil {
		m.FillValue = *o.Fill
	}
	if o.DType == block.String {
		m.Strings = o.Strings
		switch m.Strings.Kind {
		case block.StringUnicode, block.StringBytes:
			if m.Strings.Width < 0 || m.Strings.Width > block.MaxStringWidth {
				return nil, fmt.Errorf("%w: string width %d outside 0..%d", ErrMetadata, m.Strings.Width, block.MaxStringWidth)
			}
		case 0, block.StringObject, block.StringVLen:
			m.Strings = StringStorage{Kind: block.StringVLen}
			if o.Format == 2 {
				m.Strings.Kind = block.StringObject
			}
		default:
			return nil, fmt.Errorf("%w: string kind %q", ErrMetadata, rune(o.Strings.Kind))
		}
	}
	vlen := o.DType == block.String && m.Strings.Width == 0 && m.Strings.Kind != block.StringUnicode && m.Strings.Kind != block.StringBytes
	if o.Format == 3 {
		m.KeyEncoding, m.Separator = "default", "/"
		if o.Separator != "" {
			m.Separator = o.Separator
		}
		if m.Order != 'C' || o.Compressor != nil || o.Filters != nil {
			return nil, fmt.Errorf("%w: order, compressor and filters are v2 options (use Codecs)", ErrMetadata)
		}
		codecs := o.Codecs
		if codecs == nil {
			ab := json.RawMessage(`{"name":"bytes","configuration":{"endian":"little"}}`)
			if vlen {
				ab = json.RawMessage(`{"name":"vlen-utf8","configuration":{}}`)
			}
			codecs = []json.RawMessage{ab, json.RawMessage(`{"name":"zstd","configuration":{"level":0,"checksum":false}}`)}
		}
		if o.Shards != nil {
			if len(o.Shards) != len(o.Shape) {
				return nil, fmt.Errorf("%w: shards %v for rank %d", ErrMetadata, o.Shards, len(o.Shape))
			}
			conf, _ := json.Marshal(map[string]any{
				"chunk_shape": chunks,
				"codecs":      codecs,
				"index_codecs": []json.RawMessage{json.RawMessage(`{"name":"bytes","configuration":{"endian":"little"}}`),
					json.RawMessage(`{"name":"crc32c"}`)},
				"index_location": "end",
			})
			sh, _ := json.Marshal(map[string]any{"name": "sharding_indexed", "configuration": json.RawMessage(conf)})
			codecs = []json.RawMessage{sh}
			m.Chunks = append([]int{}, o.Shards...)
		}
		m.Codecs = codecs
	} else {
		m.KeyEncoding, m.Separator = "v2", "."
		if o.Separator != "" {
			m.Separator = o.Separator
		}
		if o.Codecs != nil || o.Shards != nil {
			return nil, fmt.Errorf("%w: codecs and shards are v3 options", ErrMetadata)
		}
		m.Compressor = o.Compressor
		if m.Compressor == nil {
			m.Compressor = json.RawMessage(`{"id":"blosc","cname":"lz4","clevel":5,"shuffle":1,"blocksize":0}`)
		} else if string(m.Compressor) == "null" {
			m.Compressor = nil
		}
		m.Filters = o.Filters
		if vlen && !hasVLenFilter(m.Filters) {
			m.Filters = append([]json.RawMessage{json.RawMessage(`{"id":"vlen-utf8"}`)}, m.Filters...)
		}
	}
	if err := m.validate(p); err != nil {
		return nil, err
	}
	a, err := newArray(s, p, m, opts)
	if err != nil {
		return nil, err
	}
	if err := a.writeMeta(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Array) writeMeta(ctx context.Context) error {
	if sp, err := SpecOf(a.store); err == nil {
		defer taskArrays.forget(sp.URL, a.path) // tasks built before this change reopen the array
	}
	m := a.meta
	if m.Format == 3 {
		b, err := m.encodeV3()
		if err != nil {
			return err
		}
		return a.store.Set(ctx, joinKey(a.path, "zarr.json"), b)
	}
	za, zattrs, err := m.encodeV2()
	if err != nil {
		return err
	}
	if err := a.store.Set(ctx, joinKey(a.path, ".zarray"), za); err != nil {
		return err
	}
	return a.store.Set(ctx, joinKey(a.path, ".zattrs"), zattrs)
}

// SetAttributes replaces the array's user attributes.
func (a *Array) SetAttributes(ctx context.Context, attrs map[string]any) error {
	a.meta.Attributes = attrs
	return a.writeMeta(ctx)
}

// Resize changes the shape (chunks outside the new shape are not deleted).
func (a *Array) Resize(ctx context.Context, shape []int) error {
	if len(shape) != len(a.meta.Shape) {
		return fmt.Errorf("%w: resize to rank %d from %d", ErrRegion, len(shape), len(a.meta.Shape))
	}
	if err := chunk.CheckShape(shape); err != nil {
		return fmt.Errorf("%w: %w", ErrRegion, err)
	}
	g, err := chunk.NewRegularGrid(shape, a.meta.Chunks)
	if err != nil {
		return err
	}
	a.meta.Shape = append([]int{}, shape...)
	a.grid = g
	return a.writeMeta(ctx)
}

// Append grows the array along axis by d's extent there and writes d into
// the new region (a growing time series). d must match the other axes.
// The data are written first and the metadata (the new shape) after them,
// so a failure part-way leaves the array readable with its old shape.
func (a *Array) Append(ctx context.Context, axis int, d *block.Dense) (int64, error) {
	if d == nil {
		return 0, fmt.Errorf("%w: append of a nil block to %q", ErrRegion, a.path)
	}
	shape := a.Shape()
	if axis < 0 {
		axis += len(shape)
	}
	ds := d.Shape()
	if axis < 0 || axis >= len(shape) || len(ds) != len(shape) {
		return 0, fmt.Errorf("%w: append of %v along axis %d to %v", ErrRegion, ds, axis, shape)
	}
	for i := range shape {
		if i != axis && ds[i] != shape[i] {
			return 0, fmt.Errorf("%w: append of %v along axis %d to %v", ErrRegion, ds, axis, shape)
		}
	}
	if ds[axis] > math.MaxInt-shape[axis] {
		return 0, fmt.Errorf("%w: append of %d to %d along axis %d overflows", ErrRegion, ds[axis], shape[axis], axis)
	}
	lo := make([]int, len(shape))
	lo[axis] = shape[axis]
	shape[axis] += ds[axis]
	grown, err := a.withShape(shape)
	if err != nil {
		return 0, err
	}
	n, err := grown.Write(ctx, chunk.Box{Lo: lo, Hi: append([]int{}, shape...)}, d)
	if err != nil {
		return n, err
	}
	return n, a.Resize(ctx, shape)
}

// hasVLenFilter reports whether a v2 filter list holds the vlen-utf8
// object codec.
func hasVLenFilter(fs []json.RawMessage) bool {
	for _, f := range fs {
		var id struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(f, &id) == nil && id.ID == "vlen-utf8" {
			return true
		}
	}
	return false
}
