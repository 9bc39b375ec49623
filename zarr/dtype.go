package zarr

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/codec"
)

// This file is how each dtype beyond the numbers is named in metadata and
// how its fill value is written, in both formats:
//
//	dtype            v2 dtype               v3 data_type                                   fill_value
//	float16          "<f2"                  "float16"                                      number, "NaN", "0x7e00" (v3)
//	complex64/128    "<c8", "<c16"          "complex64", "complex128"                      [re, im], each a float fill
//	datetime64[u]    "<M8[u]"               {"name": "numpy.datetime64",                   int64 count; NaT is -2^63
//	                                         "configuration": {"unit": u, "scale_factor": 1}} (v3 also "NaT")
//	timedelta64[u]   "<m8[u]"               "numpy.timedelta64", likewise                  likewise
//	String, "U"      "<U3", ">U3"           {"name": "fixed_length_utf32",                 a JSON string
//	                                         "configuration": {"length_bytes": 12}}
//	String, "S"      "|S5"                  {"name": "null_terminated_bytes",              base64 of the bytes
//	                                         "configuration": {"length_bytes": 5}}
//	String, vlen     "|O" + vlen-utf8       "string" + the vlen-utf8 codec                 v2: 0, null or a string;
//	                 filter                                                                 v3: a string
//
// The v3 names with configurations are zarr-python 3's (its dtype module).

// ErrDType reports an array whose dtype tessera does not know (a structured
// "|V8", a generic "<M8" without unit). Opening such an array fails with
// an error wrapping both ErrDType and ErrMetadata and naming the array;
// the other arrays of its group open.
var ErrDType = errors.New("zarr: unsupported dtype")

// StringStorage says how a String array is stored.
type StringStorage struct {
	// Kind is block.StringUnicode ("U"), block.StringBytes ("S"),
	// block.StringObject (v2 "|O" with the vlen-utf8 filter) or
	// block.StringVLen (v3 "string").
	Kind block.StringKind
	// Width is the number of characters ("U") or bytes ("S") of a
	// fixed-width string; 0 for variable-length ones.
	Width int
}

// NumpyType is the numpy type of the array as stored: its dtype, byte
// order and, for strings, kind and width. Its Typestr is the v2 dtype
// string ("<U3", "|S5", "<M8[ns]", "|O").
func (m *ArrayMeta) NumpyType() block.NumpyType {
	bo := m.ByteOrder
	if bo == nil {
		bo = binary.LittleEndian
	}
	return block.NumpyType{DType: m.DType, Order: bo, Kind: m.Strings.Kind, Width: m.Strings.Width}
}

// stringCodec is the array→bytes codec of a String array stored with a
// fixed width, or nil for variable-length storage (its codec is in the
// filters or codecs).
func (m *ArrayMeta) stringCodec() codec.ArrayBytesCodec {
	switch m.Strings.Kind {
	case block.StringUnicode, block.StringBytes:
		e := codec.Little
		if m.ByteOrder == binary.BigEndian {
			e = codec.Big
		}
		return codec.FixedString{Kind: m.Strings.Kind, Width: m.Strings.Width, Endian: e}
	}
	return nil
}

// dtypeErr is the error of an array whose dtype cannot be read.
func dtypeErr(key, format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s: %s", ErrMetadata, ErrDType, key, fmt.Sprintf(format, args...))
}

// parseV3DataType reads a v3 data_type: a name, or a named configuration.
func parseV3DataType(key string, raw json.RawMessage) (block.DType, StringStorage, error) {
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] == '"' {
		var name string
		if err := json.Unmarshal(t, &name); err != nil {
			return 0, StringStorage{}, metaErr(key, "data_type %s", t)
		}
		if name == "string" {
			return block.String, StringStorage{Kind: block.StringVLen}, nil
		}
		dt, err := block.ParseDType(name)
		if err != nil || name != dt.ZarrV3() || dt.IsTime() {
			return 0, StringStorage{}, dtypeErr(key, "data_type %q is not supported", name)
		}
		return dt, StringStorage{}, nil
	}
	var nc struct {
		Name          string `json:"name"`
		Configuration struct {
			Unit        *string `json:"unit"`
			ScaleFactor *int64  `json:"scale_factor"`
			LengthBytes *int64  `json:"length_bytes"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(t, &nc); err != nil {
		return 0, StringStorage{}, metaErr(key, "data_type %s: %v", t, err)
	}
	c := nc.Configuration
	switch nc.Name {
	case "numpy.datetime64", "numpy.timedelta64":
		if c.Unit == nil {
			return 0, StringStorage{}, metaErr(key, "data_type %s has no unit", nc.Name)
		}
		u, err := block.ParseTimeUnit(*c.Unit)
		if err != nil {
			return 0, StringStorage{}, dtypeErr(key, "data_type %s unit %q", nc.Name, *c.Unit)
		}
		if c.ScaleFactor != nil && *c.ScaleFactor != 1 {
			return 0, StringStorage{}, dtypeErr(key, "data_type %s scale_factor %d (only 1 is supported)", nc.Name, *c.ScaleFactor)
		}
		if nc.Name == "numpy.datetime64" {
			return block.DateTime64(u), StringStorage{}, nil
		}
		return block.TimeDelta64(u), StringStorage{}, nil
	case "fixed_length_utf32", "null_terminated_bytes":
		if c.LengthBytes == nil || *c.LengthBytes < 0 || *c.LengthBytes > 4*block.MaxStringWidth {
			return 0, StringStorage{}, metaErr(key, "data_type %s needs length_bytes in 0..%d", nc.Name, 4*block.MaxStringWidth)
		}
		if nc.Name == "null_terminated_bytes" {
			if *c.LengthBytes > block.MaxStringWidth {
				return 0, StringStorage{}, metaErr(key, "data_type %s length_bytes %d over %d", nc.Name, *c.LengthBytes, block.MaxStringWidth)
			}
			return block.String, StringStorage{Kind: block.StringBytes, Width: int(*c.LengthBytes)}, nil
		}
		if *c.LengthBytes%4 != 0 {
			return 0, StringStorage{}, metaErr(key, "data_type %s length_bytes %d is not a multiple of 4", nc.Name, *c.LengthBytes)
		}
		return block.String, StringStorage{Kind: block.StringUnicode, Width: int(*c.LengthBytes / 4)}, nil
	}
	return 0, StringStorage{}, dtypeErr(key, "data_type %q is not supported", nc.Name)
}

// v3DataType is the data_type JSON of m.
func (m *ArrayMeta) v3DataType() json.RawMessage {
	var v any = m.DType.ZarrV3()
	switch {
	case m.DType.IsTime():
		u, _ := m.DType.Unit()
		v = map[string]any{"name": m.DType.ZarrV3(), "configuration": map[string]any{"unit": u.String(), "scale_factor": 1}}
	case m.DType == block.String:
		switch m.Strings.Kind {
		case block.StringUnicode:
			v = map[string]any{"name": "fixed_length_utf32", "configuration": map[string]any{"length_bytes": 4 * m.Strings.Width}}
		case block.StringBytes:
			v = map[string]any{"name": "null_terminated_bytes", "configuration": map[string]any{"length_bytes": m.Strings.Width}}
		}
	}
	b, _ := json.Marshal(v)
	return b
}

// parseFillExtra parses the fill values of the dtypes that are not plain
// numbers: strings, complex numbers, datetimes. ok is false for the other
// dtypes (parseFill handles them).
func parseFillExtra(raw json.RawMessage, dt block.DType, st StringStorage, format int, key string) (fv FillValue, ok bool, err error) {
	t := bytes.TrimSpace(raw)
	switch {
	case dt == block.String:
		if len(t) == 0 || string(t) == "null" {
			return FillValue{}, true, nil
		}
		if t[0] != '"' {
			// zarr-python 2 writes 0 for object arrays: no usable fill
			if st.Kind == block.StringObject && string(t) == "0" {
				return FillValue{}, true, nil
			}
			return FillValue{}, true, metaErr(key, "fill_value %s for a string array", t)
		}
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return FillValue{}, true, metaErr(key, "fill_value %s", t)
		}
		if st.Kind == block.StringBytes {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil || len(b) > st.Width {
				return FillValue{}, true, metaErr(key, "fill_value %q is not base64 of at most %d bytes", s, st.Width)
			}
			s = strings.TrimRight(string(b), "\x00")
		}
		return FillValue{Defined: true, Str: s}, true, nil
	case dt.IsComplex():
		if len(t) == 0 || string(t) == "null" {
			return FillValue{}, true, nil
		}
		var parts []json.RawMessage
		if err := json.Unmarshal(t, &parts); err != nil || len(parts) != 2 {
			return FillValue{}, true, metaErr(key, "fill_value %s for %s is not [re, im]", t, dt)
		}
		part := block.Float64
		if dt == block.Complex64 {
			part = block.Float32
		}
		re, err := parseFill(parts[0], part, key)
		if err != nil {
			return FillValue{}, true, err
		}
		im, err := parseFill(parts[1], part, key)
		if err != nil {
			return FillValue{}, true, err
		}
		return FillValue{Defined: true, Value: re.Value, Imag: im.Value}, true, nil
	case dt.IsTime():
		if len(t) == 0 || string(t) == "null" {
			return FillValue{}, true, nil
		}
		if string(t) == `"NaT"` {
			return FillValue{Defined: true, Value: float64(block.NaT), Text: strconv.FormatInt(block.NaT, 10)}, true, nil
		}
		x, err := strconv.ParseInt(string(t), 10, 64)
		if err != nil {
			return FillValue{}, true, metaErr(key, "fill_value %s for %s is not an int64 count", t, dt)
		}
		return FillValue{Defined: true, Value: float64(x), Text: string(t)}, true, nil
	}
	return FillValue{}, false, nil
}

// encodeFillExtra encodes the fill values parseFillExtra parses; ok is
// false for the other dtypes.
func encodeFillExtra(f FillValue, dt block.DType, st StringStorage, format int) (json.RawMessage, bool) {
	switch {
	case dt == block.String:
		if !f.Defined {
			if format == 3 {
				return json.RawMessage(`""`), true
			}
			return json.RawMessage(`null`), true
		}
		s := f.Str
		if st.Kind == block.StringBytes {
			s = base64.StdEncoding.EncodeToString([]byte(s))
		}
		b, _ := json.Marshal(s)
		return b, true
	case dt.IsComplex():
		if !f.Defined {
			if format == 3 {
				return json.RawMessage(`[0, 0]`), true
			}
			return json.RawMessage(`null`), true
		}
		re := encodeFill(FillValue{Defined: true, Value: f.Value}, block.Float64, format)
		im := encodeFill(FillValue{Defined: true, Value: f.Imag}, block.Float64, format)
		return json.RawMessage("[" + string(re) + ", " + string(im) + "]"), true
	case dt.IsTime():
		if !f.Defined {
			if format == 3 {
				return json.RawMessage(`0`), true
			}
			return json.RawMessage(`null`), true
		}
		if f.Text != "" {
			return json.RawMessage(f.Text), true
		}
		if math.IsNaN(f.Value) {
			return json.RawMessage(strconv.FormatInt(block.NaT, 10)), true
		}
		return json.RawMessage(strconv.FormatInt(int64(f.Value), 10)), true
	}
	return nil, false
}

// fillExtra fills d (of m's dtype) with a fill value of the dtypes
// parseFillExtra knows; ok is false for the others.
func (m *ArrayMeta) fillExtra(d *block.Dense) (ok bool, err error) {
	f := m.FillValue
	switch {
	case m.DType == block.String:
		return true, d.FillString(f.Str) // undefined: ""
	case m.DType.IsComplex():
		return true, d.FillComplex(complex(f.Value, f.Imag))
	case m.DType.IsTime():
		if !f.Defined {
			return true, nil
		}
		if f.Text != "" {
			x, err := strconv.ParseInt(f.Text, 10, 64)
			if err != nil {
				return true, fmt.Errorf("%w: fill value %s for %s", ErrMetadata, f.Text, m.DType)
			}
			v := block.Values[int64](d)
			for i := range v {
				v[i] = x
			}
			return true, nil
		}
		return true, d.FillChecked(f.Value)
	}
	return false, nil
}
