package cluster

import (
	"errors"
	"testing"
)

type gobVal struct {
	A []float64
	S string
}

func (g *gobVal) Nbytes() int64 { return int64(8 * len(g.A)) }

func init() {
	RegisterValue("test.num", num{})
	RegisterValue("test.gobval", &gobVal{})
}

func TestValueRoundTrip(t *testing.T) {
	for _, v := range []Value{num{V: 2.5, Bytes: 8}, &gobVal{A: []float64{1, 2}, S: "x"}} {
		b, err := EncodeValue(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeValue(b)
		if err != nil {
			t.Fatal(err)
		}
		switch w := v.(type) {
		case num:
			if got.(num) != w {
				t.Fatalf("got %v want %v", got, w)
			}
		case *gobVal:
			g := got.(*gobVal)
			if g.S != w.S || len(g.A) != 2 || g.A[1] != 2 {
				t.Fatalf("got %+v", g)
			}
		}
	}
}

func TestValueErrors(t *testing.T) {
	type other struct{ num }
	if _, err := EncodeValue(other{}); !errors.Is(err, ErrUnknownValue) {
		t.Fatalf("unregistered: %v", err)
	}
	for _, b := range [][]byte{nil, {0xff}, {3, 'a'}, {3, 'a', 'b', 'c'}} {
		if _, err := DecodeValue(b); err == nil {
			t.Fatalf("decoded %q", b)
		}
	}
	b, _ := EncodeValue(num{V: 1})
	if _, err := DecodeValue(b[:len(b)-2]); !errors.Is(err, ErrCorruptValue) {
		t.Fatalf("truncated: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("duplicate registration did not panic")
		}
	}()
	RegisterValue("test.num", num{})
}

func FuzzDecodeValue(f *testing.F) {
	b, _ := EncodeValue(num{V: 1, Bytes: 8})
	f.Add(b)
	b, _ = EncodeValue(&gobVal{A: []float64{1}})
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		_, _ = DecodeValue(b)
	})
}
