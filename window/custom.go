package window

import "sync"

// Func is a custom rolling reduction: it gets the values of one window in
// order, NaN included (as xarray's Rolling.reduce gives them), and returns
// the window's result. The window is clipped at the array's edges, so it
// may be shorter than the rolling window there. Func must not retain or
// modify its argument and must be safe for concurrent calls. Its result is
// replaced by NaN where the window holds fewer than min_periods valid
// values.
type Func func(window []float64) float64

var funcs = struct {
	sync.RWMutex
	m map[string]Func
}{m: map[string]Func{}}

// RegisterFunc makes a custom rolling reduction known by name, so that
// graphs naming it (Roller.Reduce) run here and on every worker running
// this binary: tasks carry the name, never the function. Call it from
// init; it panics on an empty name, a nil fn or a name registered twice.
func RegisterFunc(name string, fn Func) {
	funcs.Lock()
	defer funcs.Unlock()
	if name == "" || fn == nil {
		panic("window.RegisterFunc: empty name or nil func")
	}
	if _, dup := funcs.m[name]; dup {
		panic("window.RegisterFunc: duplicate function " + name)
	}
	funcs.m[name] = fn
}

func lookupFunc(name string) (Func, error) {
	funcs.RLock()
	fn, ok := funcs.m[name]
	funcs.RUnlock()
	if !ok {
		return nil, errorf(ErrUnknownFunc, "%q (register it with window.RegisterFunc in an init function)", name)
	}
	return fn, nil
}
