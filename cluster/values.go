package cluster

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
)

// Values cross the network between processes (a worker sends a block to the
// worker that needs it, a persisted block is handed off before a worker
// stops). A value's concrete type is registered under a name at init time;
// the wire form is the name followed by the value's own encoding.

// ErrUnknownValue reports a value whose type, or wire name, no RegisterValue
// call made known.
var ErrUnknownValue = errors.New("cluster: unregistered value type")

// ErrCorruptValue reports bytes that do not decode to a value.
var ErrCorruptValue = errors.New("cluster: corrupt encoded value")

type valueType struct {
	name string
	typ  reflect.Type // the registered (possibly pointer) type
}

var values = struct {
	sync.RWMutex
	byName map[string]valueType
	byType map[reflect.Type]string
}{byName: map[string]valueType{}, byType: map[reflect.Type]string{}}

// RegisterValue makes the concrete type of proto known under name so that
// EncodeValue and DecodeValue can move it between processes. It is meant to
// be called from init functions and panics on an empty name, a nil proto, or
// a name or type registered twice (programmer errors).
//
// The type encodes itself with encoding.BinaryMarshaler (and decodes with
// encoding.BinaryUnmarshaler on a pointer to a fresh value) when it
// implements them; otherwise with encoding/gob, which needs exported fields.
func RegisterValue(name string, proto Value) {
	if name == "" || proto == nil {
		panic("cluster.RegisterValue: empty name or nil value")
	}
	t := reflect.TypeOf(proto)
	values.Lock()
	defer values.Unlock()
	if _, dup := values.byName[name]; dup {
		panic("cluster.RegisterValue: duplicate value name " + name)
	}
	if old, dup := values.byType[t]; dup {
		panic(fmt.Sprintf("cluster.RegisterValue: type %s already registered as %q", t, old))
	}
	values.byName[name] = valueType{name: name, typ: t}
	values.byType[t] = name
}

// ValueNames lists the registered value names, sorted.
func ValueNames() []string {
	values.RLock()
	defer values.RUnlock()
	out := make([]string, 0, len(values.byName))
	for n := range values.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// EncodeValue encodes v with its registered name. It reports ErrUnknownValue
// for an unregistered type. It does not retain v.
func EncodeValue(v Value) ([]byte, error) {
	if v == nil {
		return nil, fmt.Errorf("%w: nil", ErrUnknownValue)
	}
	t := reflect.TypeOf(v)
	values.RLock()
	name, ok := values.byType[t]
	values.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s (call cluster.RegisterValue in an init function)", ErrUnknownValue, t)
	}
	var body []byte
	if m, ok := v.(encoding.BinaryMarshaler); ok {
		b, err := m.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("cluster: encode %s: %w", name, err)
		}
		body = b
	} else {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(v); err != nil {
			return nil, fmt.Errorf("cluster: encode %s: %w", name, err)
		}
		body = buf.Bytes()
	}
	out := make([]byte, 0, binary.MaxVarintLen64+len(name)+len(body))
	out = binary.AppendUvarint(out, uint64(len(name)))
	out = append(out, name...)
	return append(out, body...), nil
}

// DecodeValue decodes bytes written by EncodeValue. Malformed input gives an
// error wrapping ErrCorruptValue (or ErrUnknownValue for an unknown name),
// never a panic from this package. The result does not alias b.
func DecodeValue(b []byte) (Value, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) || n > 256 {
		return nil, fmt.Errorf("%w: bad name header", ErrCorruptValue)
	}
	name := string(b[w : w+int(n)])
	body := b[w+int(n):]
	values.RLock()
	vt, ok := values.byName[name]
	values.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: name %q", ErrUnknownValue, name)
	}
	// Decode into a fresh value of the registered type: for a pointer type
	// a new element, for a value type a new addressable one.
	var ptr reflect.Value
	if vt.typ.Kind() == reflect.Pointer {
		ptr = reflect.New(vt.typ.Elem())
	} else {
		ptr = reflect.New(vt.typ)
	}
	if u, ok := ptr.Interface().(encoding.BinaryUnmarshaler); ok {
		if err := u.UnmarshalBinary(body); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrCorruptValue, name, err)
		}
	} else if err := gobDecode(body, ptr.Interface()); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCorruptValue, name, err)
	}
	if vt.typ.Kind() == reflect.Pointer {
		return ptr.Interface().(Value), nil
	}
	return ptr.Elem().Interface().(Value), nil
}

func gobDecode(b []byte, into any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("gob: %v", p)
		}
	}()
	return gob.NewDecoder(bytes.NewReader(b)).Decode(into)
}
