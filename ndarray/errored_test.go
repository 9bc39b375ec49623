package ndarray

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// neutralArgs returns zero values for the parameters of method m (after the
// receiver), with a live context for context.Context parameters; variadic
// parameters get no values.
func neutralArgs(m reflect.Method) []reflect.Value {
	ctxType := reflect.TypeFor[context.Context]()
	t := m.Type
	n := t.NumIn()
	if t.IsVariadic() {
		n--
	}
	args := make([]reflect.Value, 0, n)
	for i := 1; i < n; i++ {
		switch t.In(i) {
		case ctxType:
			args = append(args, reflect.ValueOf(context.Background()))
			continue
		case reflect.TypeFor[fmt.State]():
			args = append(args, reflect.ValueOf(fmt.State(&state{})))
			continue
		}
		args = append(args, reflect.Zero(t.In(i)))
	}
	return args
}

// state is a fmt.State writing to a buffer, with no flags.
type state struct{ strings.Builder }

func (*state) Width() (int, bool)     { return 0, false }
func (*state) Precision() (int, bool) { return 0, false }
func (*state) Flag(int) bool          { return false }

// TestErroredArrayMethodsNeverPanic calls every exported method of *Array,
// found by reflection so that a method added later is covered too, on
// errored arrays: none panics, every error result is the array's error (or
// an error at all), and every *Array result carries an error.
func TestErroredArrayMethodsNeverPanic(t *testing.T) {
	boom := errors.New("boom")
	arrays := map[string]*Array{
		"errored":      Errored(boom),
		"errored(nil)": Errored(nil),
		"nil":          nil,
		"zero":         {},
	}
	typ := reflect.TypeFor[*Array]()
	require.Greater(t, typ.NumMethod(), 20, "exported methods of *Array")
	errType := reflect.TypeFor[error]()
	arrType := reflect.TypeFor[*Array]()
	for name, a := range arrays {
		for i := range typ.NumMethod() {
			m := typ.Method(i)
			t.Run(name+"/"+m.Name, func(t *testing.T) {
				var out []reflect.Value
				require.NotPanics(t, func() {
					out = m.Func.Call(append([]reflect.Value{reflect.ValueOf(a)}, neutralArgs(m)...))
				})
				for _, v := range out {
					switch {
					case v.Type() == errType:
						if assert.False(t, v.IsNil(), "error result") && name == "errored" {
							assert.ErrorIs(t, v.Interface().(error), boom)
						}
					case v.Type() == arrType && !v.IsNil():
						assert.Error(t, v.Interface().(*Array).Err(), "an *Array result carries the error")
					}
				}
			})
		}
	}
	for name, a := range arrays {
		assert.Nil(t, a.Chunks(), name)
		assert.Nil(t, a.Shape(), name)
		assert.Nil(t, a.Grid(), name)
		assert.Zero(t, a.Size(), name)
		assert.Zero(t, a.Nbytes(), name)
		assert.Error(t, a.Err(), name)
	}
}
