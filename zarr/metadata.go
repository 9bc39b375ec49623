package zarr

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
)

// ErrMetadata reports malformed or unsupported metadata; the error text
// names the key and the field.
var ErrMetadata = errors.New("zarr: invalid metadata")

func metaErr(key, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrMetadata, key, fmt.Sprintf(format, args...))
}

// FillValue is an array's fill value. Undefined (v2's null) reads as zero.
type FillValue struct {
	Defined bool
	Value   float64 // NaN and ±Inf allowed; exact for integers up to 2^53
	// Text, when non-empty, holds the exact value of a 64-bit integer,
	// datetime64 or timedelta64 fill value as decimal text (beyond 2^53
	// float64 is not exact).
	Text string
	// Str is the fill value of a String array ("" when undefined).
	Str string
	// Imag is the imaginary part of a complex fill value (Value is the
	// real part).
	Imag float64
}

// ArrayMeta is the metadata of one array, in either format.
type ArrayMeta struct {
	Format int         // 2 or 3
	Shape  []int       // array shape
	Chunks []int       // chunk shape (for sharded v3 arrays: the shard shape)
	DType  block.DType // element type
	// Strings says how a String array is stored (fixed-width "U" or "S",
	// v2 object with vlen-utf8, v3 "string"); zero for other dtypes.
	Strings   StringStorage
	ByteOrder binary.ByteOrder
	FillValue FillValue
	// Order is 'C' or 'F' (v2).
	Order byte
	// Separator joins chunk indices in keys: "." or "/".
	Separator string
	// KeyEncoding is "default" (v3 "c/0/0") or "v2" ("0.0").
	KeyEncoding string
	// Codecs is the v3 codec list; for v2 it is built from Filters and
	// Compressor when the pipeline is made.
	Codecs     []json.RawMessage
	Filters    []json.RawMessage
	Compressor json.RawMessage
	// DimensionNames are v3's dimension_names or v2's _ARRAY_DIMENSIONS.
	DimensionNames []string
	Attributes     map[string]any
}

// chunkKey is the store key of chunk idx, relative to the array's path.
func (m *ArrayMeta) chunkKey(idx []int) string {
	parts := make([]string, len(idx))
	for i, x := range idx {
		parts[i] = strconv.Itoa(x)
	}
	sep := m.Separator
	if m.Format == 3 && m.KeyEncoding != "v2" {
		if len(idx) == 0 {
			return "c"
		}
		return "c" + sep + strings.Join(parts, sep)
	}
	if len(idx) == 0 {
		return "0"
	}
	return strings.Join(parts, sep)
}

// MaxRank is the largest number of dimensions an array's metadata may
// declare (numpy's limit).
const MaxRank = 64

// chunksField names the metadata field that holds the chunk shape.
func (m *ArrayMeta) chunksField() string {
	if m.Format == 3 {
		return "chunk_grid.configuration.chunk_shape"
	}
	return "chunks"
}

// blockBytes is the byte size of a block of shape for dt, or an error
// naming field when the element count or the bytes overflow or exceed
// block.MaxBlockBytes (such a block could never be held in memory).
func blockBytes(key, field string, shape []int, dt block.DType) (int64, error) {
	if err := chunk.CheckShape(shape); err != nil {
		return 0, metaErr(key, "%s %v: %v", field, shape, err)
	}
	n, es := chunk.Size(shape), int64(dt.Size())
	if n > block.MaxBlockBytes/es {
		return 0, metaErr(key, "%s %v of %s is over %d bytes, more than one in-memory block (%d bytes)", field, shape, dt, int64(block.MaxBlockBytes), int64(block.MaxBlockBytes))
	}
	return n * es, nil
}

// validate checks every size of the metadata with checked arithmetic: the
// shape (ErrMetadata naming "shape"), the chunk shape and its byte size
// (naming the chunks field), and the number of chunks of the grid.
func (m *ArrayMeta) validate(key string) error {
	if m.DType == 0 || !m.DType.Valid() {
		return metaErr(key, "no data type")
	}
	if len(m.Shape) > MaxRank {
		return metaErr(key, "shape has %d dimensions, more than %d", len(m.Shape), MaxRank)
	}
	if err := chunk.CheckShape(m.Shape); err != nil {
		return metaErr(key, "shape %v: %v", m.Shape, err)
	}
	field := m.chunksField()
	if len(m.Chunks) != len(m.Shape) {
		return metaErr(key, "%s %v do not match shape %v", field, m.Chunks, m.Shape)
	}
	for i, c := range m.Chunks {
		if c <= 0 {
			return metaErr(key, "%s: size %d on axis %d must be positive", field, c, i)
		}
	}
	if _, err := blockBytes(key, field, m.Chunks, m.DType); err != nil {
		return err
	}
	if is := int64(m.NumpyType().ItemSize()); m.DType == block.String && is > 0 && chunk.Size(m.Chunks) > block.MaxBlockBytes/is {
		return metaErr(key, "%s %v of %s stores over %d bytes per chunk", field, m.Chunks, m.NumpyType().Typestr(), int64(block.MaxBlockBytes))
	}
	if _, err := chunk.NewRegularGrid(m.Shape, m.Chunks); err != nil {
		return metaErr(key, "shape %v in %s %v: %v", m.Shape, field, m.Chunks, err)
	}
	if m.Separator != "." && m.Separator != "/" {
		return metaErr(key, "separator %q", m.Separator)
	}
	if m.Order != 'C' && m.Order != 'F' {
		return metaErr(key, "order %q", m.Order)
	}
	if m.DimensionNames != nil && len(m.DimensionNames) != len(m.Shape) {
		return metaErr(key, "%d dimension names for rank %d", len(m.DimensionNames), len(m.Shape))
	}
	return nil
}

// --- fill values ---

func parseFill(raw json.RawMessage, dt block.DType, key string) (FillValue, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return FillValue{}, nil
	}
	switch t[0] {
	case '"':
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return FillValue{}, metaErr(key, "fill_value %s", t)
		}
		switch s {
		case "NaN":
			return FillValue{Defined: true, Value: math.NaN()}, nil
		case "Infinity":
			return FillValue{Defined: true, Value: math.Inf(1)}, nil
		case "-Infinity":
			return FillValue{Defined: true, Value: math.Inf(-1)}, nil
		}
		if strings.HasPrefix(s, "0x") && dt.IsFloat() {
			bits, err := strconv.ParseUint(s[2:], 16, 64)
			if err != nil {
				return FillValue{}, metaErr(key, "fill_value %q", s)
			}
			if dt == block.Float16 {
				if len(s) != 6 {
					return FillValue{}, metaErr(key, "fill_value %q is not 16 bits", s)
				}
				return FillValue{Defined: true, Value: float64(block.Half(bits).Float32())}, nil
			}
			if dt == block.Float32 {
				if len(s) != 10 {
					return FillValue{}, metaErr(key, "fill_value %q is not 32 bits", s)
				}
				return FillValue{Defined: true, Value: float64(math.Float32frombits(uint32(bits)))}, nil
			}
			return FillValue{Defined: true, Value: math.Float64frombits(bits)}, nil
		}
		return FillValue{}, metaErr(key, "fill_value %q", s)
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(t, &b); err != nil {
			return FillValue{}, metaErr(key, "fill_value %s", t)
		}
		if b {
			return FillValue{Defined: true, Value: 1}, nil
		}
		return FillValue{Defined: true, Value: 0}, nil
	}
	v, err := strconv.ParseFloat(string(t), 64)
	if err != nil {
		return FillValue{}, metaErr(key, "fill_value %s", t)
	}
	fv := FillValue{Defined: true, Value: v}
	if dt.IsInt() {
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			fv.Text = string(t)
		} else if _, err := strconv.ParseUint(string(t), 10, 64); err == nil {
			fv.Text = string(t)
		} else if v != math.Trunc(v) {
			return FillValue{}, metaErr(key, "fill_value %s for integer dtype %s", t, dt)
		}
	}
	if dt.IsBool() && v != 0 && v != 1 {
		return FillValue{}, metaErr(key, "fill_value %s for bool", t)
	}
	return fv, nil
}

// encodeFill is the fill_value JSON of m in format 2 or 3.
func (m *ArrayMeta) encodeFill(format int) json.RawMessage {
	if b, ok := encodeFillExtra(m.FillValue, m.DType, m.Strings, format); ok {
		return b
	}
	return encodeFill(m.FillValue, m.DType, format)
}

func encodeFill(f FillValue, dt block.DType, format int) json.RawMessage {
	if !f.Defined {
		if format == 3 {
			return json.RawMessage(`0`)
		}
		return json.RawMessage(`null`)
	}
	v := f.Value
	switch {
	case dt.IsBool():
		if v != 0 {
			return json.RawMessage(`true`)
		}
		return json.RawMessage(`false`)
	case math.IsNaN(v):
		return json.RawMessage(`"NaN"`)
	case math.IsInf(v, 1):
		return json.RawMessage(`"Infinity"`)
	case math.IsInf(v, -1):
		return json.RawMessage(`"-Infinity"`)
	case f.Text != "":
		return json.RawMessage(f.Text)
	case dt.IsInt():
		return json.RawMessage(strconv.FormatInt(int64(v), 10))
	}
	return json.RawMessage(strconv.FormatFloat(v, 'g', -1, 64))
}

// fillChunk returns a chunk of the given shape filled with the fill value.
func (m *ArrayMeta) fillChunk(shape []int) (*block.Dense, error) {
	d, err := block.New(m.DType, shape...)
	if err != nil {
		return nil, err
	}
	if ok, err := m.fillExtra(d); ok {
		return d, err
	}
	if m.FillValue.Defined && (m.FillValue.Value != 0 || m.FillValue.Text != "") {
		if m.FillValue.Text != "" && m.DType.IsInt() {
			if err := fillIntText(d, m.FillValue.Text); err != nil {
				return nil, err
			}
		} else if err := d.FillChecked(m.FillValue.Value); err != nil {
			if m.DType.IsFloat() {
				d.Fill(m.FillValue.Value)
			} else {
				return nil, fmt.Errorf("%w: fill value %v for %s: %v", ErrMetadata, m.FillValue.Value, m.DType, err)
			}
		}
	}
	return d, nil
}

func fillIntText(d *block.Dense, text string) error {
	switch v := d.Data().(type) {
	case []int64:
		x, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return err
		}
		for i := range v {
			v[i] = x
		}
		return nil
	case []uint64:
		x, err := strconv.ParseUint(text, 10, 64)
		if err != nil {
			return err
		}
		for i := range v {
			v[i] = x
		}
		return nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return err
	}
	return d.FillChecked(f)
}

// --- v2 ---

type zarrayJSON struct {
	ZarrFormat         int               `json:"zarr_format"`
	Shape              []int             `json:"shape"`
	Chunks             []int             `json:"chunks"`
	DType              json.RawMessage   `json:"dtype"`
	Compressor         json.RawMessage   `json:"compressor"`
	FillValue          json.RawMessage   `json:"fill_value"`
	Order              string            `json:"order"`
	Filters            []json.RawMessage `json:"filters"`
	DimensionSeparator string            `json:"dimension_separator,omitempty"`
}

func parseV2Array(key string, zarray, zattrs []byte) (*ArrayMeta, error) {
	var z zarrayJSON
	dec := json.NewDecoder(bytes.NewReader(zarray))
	if err := dec.Decode(&z); err != nil {
		return nil, metaErr(key, "%v", err)
	}
	if z.ZarrFormat != 2 {
		return nil, metaErr(key, "zarr_format %d, want 2", z.ZarrFormat)
	}
	var dts string
	if err := json.Unmarshal(z.DType, &dts); err != nil {
		return nil, dtypeErr(key, "structured dtype %s is not supported", z.DType)
	}
	nt, err := block.ParseNumpy(dts)
	if err != nil || len(dts) < 2 || !strings.ContainsAny(dts[:1], "<>|") || nt.Kind == block.StringVLen {
		return nil, dtypeErr(key, "dtype %q: not a supported numpy type string", dts)
	}
	dt, order := nt.DType, nt.Order
	m := &ArrayMeta{Format: 2, Shape: z.Shape, Chunks: z.Chunks, DType: dt, ByteOrder: order, Separator: ".", KeyEncoding: "v2",
		Strings: StringStorage{Kind: nt.Kind, Width: nt.Width}}
	if z.DimensionSeparator != "" {
		m.Separator = z.DimensionSeparator
	}
	switch z.Order {
	case "C", "":
		m.Order = 'C'
	case "F":
		m.Order = 'F'
	default:
		return nil, metaErr(key, "order %q", z.Order)
	}
	if fv, ok, err := parseFillExtra(z.FillValue, dt, m.Strings, 2, key); ok {
		if err != nil {
			return nil, err
		}
		m.FillValue = fv
	} else if m.FillValue, err = parseFill(z.FillValue, dt, key); err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(z.Compressor); len(t) > 0 && string(t) != "null" {
		m.Compressor = z.Compressor
	}
	m.Filters = z.Filters
	if len(zattrs) > 0 {
		if err := json.Unmarshal(zattrs, &m.Attributes); err != nil {
			return nil, metaErr(strings.TrimSuffix(key, ".zarray")+".zattrs", "%v", err)
		}
		if dims, ok := m.Attributes["_ARRAY_DIMENSIONS"].([]any); ok {
			for _, d := range dims {
				s, _ := d.(string)
				m.DimensionNames = append(m.DimensionNames, s)
			}
			delete(m.Attributes, "_ARRAY_DIMENSIONS")
		}
	}
	if err := m.validate(key); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *ArrayMeta) encodeV2() (zarray, zattrs []byte, err error) {
	order := "C"
	if m.Order == 'F' {
		order = "F"
	}
	bo := m.ByteOrder
	if bo == nil {
		bo = binary.LittleEndian
	}
	dts, _ := json.Marshal(m.NumpyType().Typestr())
	comp := m.Compressor
	if comp == nil {
		comp = json.RawMessage("null")
	}
	filters := m.Filters
	if len(filters) == 0 {
		filters = nil // encodes as null, never [] (numcodecs trap)
	}
	z := zarrayJSON{ZarrFormat: 2, Shape: nonNil(m.Shape), Chunks: nonNil(m.Chunks), DType: dts, Compressor: comp,
		FillValue: m.encodeFill(2), Order: order, Filters: filters, DimensionSeparator: m.Separator}
	zarray, err = json.MarshalIndent(z, "", "    ")
	if err != nil {
		return nil, nil, err
	}
	attrs := map[string]any{}
	for k, v := range m.Attributes {
		attrs[k] = v
	}
	if m.DimensionNames != nil {
		attrs["_ARRAY_DIMENSIONS"] = m.DimensionNames
	}
	zattrs, err = json.MarshalIndent(attrs, "", "    ")
	return zarray, zattrs, err
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// --- v3 ---

type namedConfig struct {
	Name          string          `json:"name"`
	Configuration json.RawMessage `json:"configuration,omitempty"`
}

type zarrJSON struct {
	ZarrFormat       int               `json:"zarr_format"`
	NodeType         string            `json:"node_type"`
	Shape            []int             `json:"shape,omitempty"`
	DataType         json.RawMessage   `json:"data_type,omitempty"`
	ChunkGrid        *namedConfig      `json:"chunk_grid,omitempty"`
	ChunkKeyEncoding *namedConfig      `json:"chunk_key_encoding,omitempty"`
	FillValue        json.RawMessage   `json:"fill_value,omitempty"`
	Codecs           []json.RawMessage `json:"codecs,omitempty"`
	Attributes       map[string]any    `json:"attributes,omitempty"`
	DimensionNames   []*string         `json:"dimension_names,omitempty"`
	StorageTransf    []json.RawMessage `json:"storage_transformers,omitempty"`
	Consolidated     json.RawMessage   `json:"consolidated_metadata,omitempty"`
}

func parseV3Array(key string, z *zarrJSON) (*ArrayMeta, error) {
	if z.ZarrFormat != 3 || z.NodeType != "array" {
		return nil, metaErr(key, "not a v3 array (zarr_format %d, node_type %q)", z.ZarrFormat, z.NodeType)
	}
	dt, st, err := parseV3DataType(key, z.DataType)
	if err != nil {
		return nil, err
	}
	m := &ArrayMeta{Format: 3, Shape: z.Shape, DType: dt, Strings: st, ByteOrder: binary.LittleEndian, Order: 'C', Separator: "/", KeyEncoding: "default", Attributes: z.Attributes}
	if m.Shape == nil {
		m.Shape = []int{}
	}
	if z.ChunkGrid == nil || z.ChunkGrid.Name != "regular" {
		return nil, metaErr(key, "chunk_grid must be regular")
	}
	var grid struct {
		ChunkShape []int `json:"chunk_shape"`
	}
	if err := json.Unmarshal(z.ChunkGrid.Configuration, &grid); err != nil {
		return nil, metaErr(key, "chunk_grid: %v", err)
	}
	m.Chunks = grid.ChunkShape
	if m.Chunks == nil {
		m.Chunks = []int{}
	}
	if z.ChunkKeyEncoding != nil {
		var kc struct {
			Separator string `json:"separator"`
		}
		if len(z.ChunkKeyEncoding.Configuration) > 0 {
			if err := json.Unmarshal(z.ChunkKeyEncoding.Configuration, &kc); err != nil {
				return nil, metaErr(key, "chunk_key_encoding: %v", err)
			}
		}
		switch z.ChunkKeyEncoding.Name {
		case "default":
			m.Separator = "/"
		case "v2":
			m.KeyEncoding, m.Separator = "v2", "."
		default:
			return nil, metaErr(key, "chunk_key_encoding %q", z.ChunkKeyEncoding.Name)
		}
		if kc.Separator != "" {
			m.Separator = kc.Separator
		}
	}
	if len(z.StorageTransf) > 0 {
		return nil, metaErr(key, "storage transformers are not supported")
	}
	if fv, ok, err := parseFillExtra(z.FillValue, dt, st, 3, key); ok {
		if err != nil {
			return nil, err
		}
		m.FillValue = fv
	} else if m.FillValue, err = parseFill(z.FillValue, dt, key); err != nil {
		return nil, err
	}
	if !m.FillValue.Defined {
		m.FillValue = FillValue{Defined: true}
	}
	if len(z.Codecs) == 0 {
		return nil, metaErr(key, "no codecs")
	}
	m.Codecs = z.Codecs
	if z.DimensionNames != nil {
		m.DimensionNames = make([]string, len(z.DimensionNames))
		for i, p := range z.DimensionNames {
			if p != nil {
				m.DimensionNames[i] = *p
			}
		}
	}
	if err := m.validate(key); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *ArrayMeta) zarrJSON() *zarrJSON {
	cs, _ := json.Marshal(map[string]any{"chunk_shape": nonNil(m.Chunks)})
	enc := &namedConfig{Name: "default"}
	if m.KeyEncoding == "v2" {
		enc.Name = "v2"
	}
	sep, _ := json.Marshal(map[string]string{"separator": m.Separator})
	enc.Configuration = sep
	z := &zarrJSON{ZarrFormat: 3, NodeType: "array", Shape: nonNil(m.Shape), DataType: m.v3DataType(),
		ChunkGrid: &namedConfig{Name: "regular", Configuration: cs}, ChunkKeyEncoding: enc,
		FillValue: m.encodeFill(3), Codecs: m.Codecs, Attributes: m.Attributes}
	if z.Attributes == nil {
		z.Attributes = map[string]any{}
	}
	if m.DimensionNames != nil {
		for _, n := range m.DimensionNames {
			n := n
			if n == "" {
				z.DimensionNames = append(z.DimensionNames, nil)
			} else {
				z.DimensionNames = append(z.DimensionNames, &n)
			}
		}
	}
	return z
}

func (m *ArrayMeta) encodeV3() ([]byte, error) {
	return json.MarshalIndent(m.zarrJSON(), "", "    ")
}
