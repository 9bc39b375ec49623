package codec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ParseFunc builds a ready codec from its JSON configuration: the Zarr v3
// "configuration" object (or nil when absent), or for numcodecs ids the whole
// numcodecs object including its "id" key.
type ParseFunc func(config json.RawMessage) (Codec, error)

var (
	v3Registry        = map[string]ParseFunc{}
	numcodecsRegistry = map[string]ParseFunc{}
)

// Register adds a Zarr v3 codec name. It is meant to be called from init
// functions and panics when the name is empty or already registered.
func Register(name string, parse ParseFunc) {
	if name == "" || parse == nil {
		panic("codec: Register with empty name or nil parser")
	}
	if _, dup := v3Registry[name]; dup {
		panic("codec: Register called twice for " + name)
	}
	v3Registry[name] = parse
}

// RegisterNumcodecs adds a numcodecs id (Zarr v2 "compressor" and "filters"
// entries). It also registers the Zarr v3 name "numcodecs.<id>", which
// zarr-python writes for numcodecs codecs in v3 metadata, unless that name is
// already taken. It panics on duplicates.
func RegisterNumcodecs(id string, parse ParseFunc) {
	if id == "" || parse == nil {
		panic("codec: RegisterNumcodecs with empty id or nil parser")
	}
	if _, dup := numcodecsRegistry[id]; dup {
		panic("codec: RegisterNumcodecs called twice for " + id)
	}
	numcodecsRegistry[id] = parse
	if _, taken := v3Registry["numcodecs."+id]; !taken {
		v3Registry["numcodecs."+id] = parse
	}
}

// Names lists the registered Zarr v3 names, sorted.
func Names() []string { return slices.Sorted(maps.Keys(v3Registry)) }

// NumcodecsIDs lists the registered numcodecs ids, sorted.
func NumcodecsIDs() []string { return slices.Sorted(maps.Keys(numcodecsRegistry)) }

// ParseV3 parses one Zarr v3 codec entry: {"name": ..., "configuration":
// {...}} or the bare-string short form "name". Unknown names give a *Error
// wrapping ErrUnknownCodec.
func ParseV3(data []byte) (Codec, error) {
	data = bytes.TrimSpace(data)
	var name string
	var conf json.RawMessage
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &name); err != nil {
			return nil, errf("?", "parse", ErrConfig, "%v", err)
		}
	} else {
		var entry map[string]json.RawMessage
		if err := json.Unmarshal(data, &entry); err != nil {
			return nil, errf("?", "parse", ErrConfig, "%v", err)
		}
		for k := range entry {
			if k != "name" && k != "configuration" && k != "must_understand" {
				return nil, errf("?", "parse", ErrConfig, "unknown key %q in codec entry", k)
			}
		}
		if err := json.Unmarshal(entry["name"], &name); err != nil || name == "" {
			return nil, errf("?", "parse", ErrConfig, "codec entry without a name")
		}
		conf = entry["configuration"]
	}
	parse, ok := v3Registry[name]
	if !ok {
		return nil, errf(name, "parse", ErrUnknownCodec, "")
	}
	if bytes.Equal(bytes.TrimSpace(conf), []byte("null")) {
		conf = nil
	}
	return parse(conf)
}

// ParseNumcodecs parses one numcodecs configuration object, {"id": ...,
// ...}, as found in Zarr v2 .zarray "compressor" and "filters".
func ParseNumcodecs(data []byte) (Codec, error) {
	var head struct {
		ID *string `json:"id"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, errf("?", "parse", ErrConfig, "%v", err)
	}
	if head.ID == nil {
		return nil, errf("?", "parse", ErrConfig, "numcodecs object without an id")
	}
	parse, ok := numcodecsRegistry[*head.ID]
	if !ok {
		return nil, errf(*head.ID, "parse", ErrUnknownCodec, "")
	}
	return parse(data)
}

// Parse accepts either form: a numcodecs object (has "id") or a Zarr v3
// entry (has "name", or is a bare string).
func Parse(data []byte) (Codec, error) {
	t := bytes.TrimSpace(data)
	if len(t) > 0 && t[0] == '{' {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(t, &probe); err != nil {
			return nil, errf("?", "parse", ErrConfig, "%v", err)
		}
		if _, ok := probe["id"]; ok {
			return ParseNumcodecs(t)
		}
	}
	return ParseV3(t)
}

// ParseList parses a JSON array of codec entries in either form (a Zarr v3
// "codecs" list, or v2 filters followed by the compressor).
func ParseList(data []byte) ([]Codec, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, errf("?", "parse", ErrConfig, "codec list: %v", err)
	}
	out := make([]Codec, 0, len(raw))
	for _, r := range raw {
		c, err := Parse(r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// decodeConfig unmarshals a configuration object into v, refusing keys not
// in allowed (the Zarr v3 rule: unknown keys make metadata invalid). A nil
// or empty config leaves v at its defaults.
func decodeConfig(name string, config json.RawMessage, v any, allowed ...string) error {
	if len(bytes.TrimSpace(config)) == 0 {
		return nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(config, &keys); err != nil {
		return errf(name, "parse", ErrConfig, "%v", err)
	}
	for k := range keys {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return errf(name, "parse", ErrConfig, "unknown key %q (allowed: %s)", k, strings.Join(allowed, ", "))
		}
	}
	if err := json.Unmarshal(config, v); err != nil {
		return errf(name, "parse", ErrConfig, "%v", err)
	}
	return nil
}

// configErr is a short form for configuration errors.
func configErr(name string, format string, args ...any) error {
	return errf(name, "parse", ErrConfig, "%s", fmt.Sprintf(format, args...))
}
