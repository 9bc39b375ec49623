package ndarray

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// wireFloats are the float parameters of a fused instruction (a Full
// value, Clip bounds, NanToNum replacements). JSON has no NaN or
// infinities, which these legitimately hold (Where(c, x, NaN), Clip to
// +Inf), so they travel as the strings "NaN", "Inf" and "-Inf"; finite
// values are plain numbers that round-trip exactly.
type wireFloats []float64

// MarshalJSON implements json.Marshaler.
func (w wireFloats) MarshalJSON() ([]byte, error) {
	if w == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, f := range w {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case math.IsNaN(f):
			b.WriteString(`"NaN"`)
		case math.IsInf(f, 1):
			b.WriteString(`"Inf"`)
		case math.IsInf(f, -1):
			b.WriteString(`"-Inf"`)
		default:
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// UnmarshalJSON implements json.Unmarshaler: numbers, or the strings
// "NaN", "Inf" and "-Inf"; anything else is an error.
func (w *wireFloats) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("ndarray: instruction params: %w", err)
	}
	if raw == nil {
		*w = nil
		return nil
	}
	out := make(wireFloats, len(raw))
	for i, r := range raw {
		if len(r) > 0 && r[0] == '"' {
			var s string
			if err := json.Unmarshal(r, &s); err != nil {
				return fmt.Errorf("ndarray: instruction param %d: %w", i, err)
			}
			switch s {
			case "NaN":
				out[i] = math.NaN()
			case "Inf":
				out[i] = math.Inf(1)
			case "-Inf":
				out[i] = math.Inf(-1)
			default:
				return fmt.Errorf("ndarray: instruction param %d: %q is not a number", i, s)
			}
			continue
		}
		if err := json.Unmarshal(r, &out[i]); err != nil {
			return fmt.Errorf("ndarray: instruction param %d: %w", i, err)
		}
	}
	*w = out
	return nil
}
