package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
)

// Key names a task and the value it produces. Keys are deterministic: the
// same computation gets the same key, so identical sub-graphs merge.
type Key string

// Value is what a task produces: a block or a small partial result. Nbytes
// is the memory it holds, used for the executor's memory accounting.
type Value interface {
	// Nbytes is the memory the value holds, in bytes; the executor counts
	// it against its memory budget while the value is held.
	Nbytes() int64
}

// Op is the work of one task. An Op is a plain struct with exported fields
// (its params) that encodes to JSON; Kind names it in the registry. Run must
// not retain or modify its inputs, must honour ctx, and may be called
// concurrently on one Op value.
type Op interface {
	// Kind is the name the op is registered under (Register), e.g.
	// "ndarray.random": a graph names its ops by kind, so it decodes in
	// another process.
	Kind() string
	// Run computes the task's value from its inputs, in the order of
	// Task.Inputs. It must not retain or modify in, must return when ctx
	// ends, and may be called concurrently on one Op value.
	Run(ctx context.Context, in []Value) (Value, error)
}

// Task is one node of a graph.
type Task struct {
	Key    Key
	Op     Op
	Inputs []Key
	// Bytes is the memory the task's output will hold, declared at graph
	// build time (0 when small or unknown). The executor admits work within
	// its memory budget by these declarations.
	Bytes int64
	// Scratch is extra memory the task needs while it runs (tile buffers,
	// decoded chunks), released when it finishes.
	Scratch int64
}

// Graph is a set of tasks keyed by Key. A Graph is built by one goroutine
// and then read; it is safe for concurrent reads once built.
type Graph struct {
	tasks map[Key]*Task
	order []Key // insertion order, for deterministic iteration
}

// NewGraph returns an empty graph.
func NewGraph() *Graph { return &Graph{tasks: map[Key]*Task{}} }

// ErrDuplicateKey reports two different tasks under one key.
var ErrDuplicateKey = errors.New("cluster: duplicate key with a different task")

// Add inserts a task. Adding a task whose key is already present is a no-op
// when both have the same kind and inputs (deduplication of identical
// sub-expressions); otherwise it reports ErrDuplicateKey.
func (g *Graph) Add(t Task) error {
	if t.Key == "" || t.Op == nil {
		return fmt.Errorf("cluster: task %q has no key or op", t.Key)
	}
	if old, ok := g.tasks[t.Key]; ok {
		if old.Op.Kind() != t.Op.Kind() || !slices.Equal(old.Inputs, t.Inputs) {
			return fmt.Errorf("%w: %q (%s vs %s)", ErrDuplicateKey, t.Key, old.Op.Kind(), t.Op.Kind())
		}
		return nil
	}
	tt := t
	g.tasks[t.Key] = &tt
	g.order = append(g.order, t.Key)
	return nil
}

// Has reports whether key is in the graph.
func (g *Graph) Has(k Key) bool { _, ok := g.tasks[k]; return ok }

// Task returns the task for key.
func (g *Graph) Task(k Key) (*Task, bool) { t, ok := g.tasks[k]; return t, ok }

// Len is the number of tasks.
func (g *Graph) Len() int { return len(g.tasks) }

// Keys returns every key in insertion order (a copy).
func (g *Graph) Keys() []Key { return append([]Key(nil), g.order...) }

// Validate checks that every input of every task is in the graph and that
// the graph has no cycle.
func (g *Graph) Validate() error {
	for _, k := range g.order {
		for _, in := range g.tasks[k].Inputs {
			if _, ok := g.tasks[in]; !ok {
				return fmt.Errorf("%w: task %q needs %q", ErrMissingInput, k, in)
			}
		}
	}
	// iterative DFS cycle check
	state := make(map[Key]uint8, len(g.tasks))
	type frame struct {
		k Key
		i int
	}
	for _, root := range g.order {
		if state[root] != 0 {
			continue
		}
		stack := []frame{{root, 0}}
		state[root] = 1
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			ins := g.tasks[f.k].Inputs
			if f.i == len(ins) {
				state[f.k] = 2
				stack = stack[:len(stack)-1]
				continue
			}
			next := ins[f.i]
			f.i++
			switch state[next] {
			case 1:
				return fmt.Errorf("%w: through %q", ErrCycle, next)
			case 0:
				state[next] = 1
				stack = append(stack, frame{next, 0})
			}
		}
	}
	return nil
}

// Cull returns the sub-graph needed to compute want, skipping the inputs of
// keys for which have(k) is true (values already held, such as persisted
// blocks). have may be nil.
func (g *Graph) Cull(want []Key, have func(Key) bool) (*Graph, error) {
	out := NewGraph()
	stack := append([]Key(nil), want...)
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if out.Has(k) {
			continue
		}
		t, ok := g.tasks[k]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrMissingInput, k)
		}
		out.tasks[k] = t
		out.order = append(out.order, k)
		if have != nil && have(k) {
			continue
		}
		stack = append(stack, t.Inputs...)
	}
	return out, nil
}

// Errors about graphs.
var (
	// ErrMissingInput reports a key that a graph does not hold: an input of
	// a task that no task produces (Validate), or a wanted key or one of
	// its inputs that is missing (Cull, and so every executor's Run). The
	// wrapping error names the key.
	ErrMissingInput = errors.New("cluster: task input not in graph")
	// ErrCycle reports, from Validate, a task that depends on itself
	// through its inputs; the wrapping error names a key on the cycle.
	ErrCycle = errors.New("cluster: graph has a cycle")
	// ErrUnknownOp reports a kind that no Register call made known.
	ErrUnknownOp = errors.New("cluster: unknown op kind")
)

var registry = struct {
	sync.RWMutex
	m map[string]func() Op
}{m: map[string]func() Op{}}

// Register makes an op kind known so that graphs naming it decode. It is
// meant to be called from init functions; it panics when kind is empty or
// already registered (two packages claiming one name is a programmer error).
func Register(kind string, newOp func() Op) {
	registry.Lock()
	defer registry.Unlock()
	if kind == "" || newOp == nil {
		panic("cluster.Register: empty kind or nil constructor")
	}
	if _, dup := registry.m[kind]; dup {
		panic("cluster.Register: duplicate op kind " + kind)
	}
	if got := newOp().Kind(); got != kind {
		panic(fmt.Sprintf("cluster.Register: constructor for %q makes an op of kind %q", kind, got))
	}
	registry.m[kind] = newOp
}

// NewOp returns a fresh zero op of the given kind, or an error wrapping
// ErrUnknownOp.
func NewOp(kind string) (Op, error) {
	registry.RLock()
	f, ok := registry.m[kind]
	registry.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q (is the package that defines it linked into this binary?)", ErrUnknownOp, kind)
	}
	return f(), nil
}

// Kinds lists the registered op kinds, sorted.
func Kinds() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.m))
	for k := range registry.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type wireTask struct {
	Key     Key             `json:"key"`
	Kind    string          `json:"kind"`
	Params  json.RawMessage `json:"params"`
	Inputs  []Key           `json:"inputs,omitempty"`
	Bytes   int64           `json:"bytes,omitempty"`
	Scratch int64           `json:"scratch,omitempty"`
}

// EncodeTask encodes one task as JSON.
func EncodeTask(t *Task) ([]byte, error) {
	p, err := json.Marshal(t.Op)
	if err != nil {
		return nil, fmt.Errorf("cluster: encode params of %q (%s): %w", t.Key, t.Op.Kind(), err)
	}
	return json.Marshal(wireTask{Key: t.Key, Kind: t.Op.Kind(), Params: p, Inputs: t.Inputs, Bytes: t.Bytes, Scratch: t.Scratch})
}

// DecodeTask decodes a task encoded by EncodeTask, resolving its kind in the
// registry (ErrUnknownOp when unknown).
func DecodeTask(b []byte) (Task, error) {
	var w wireTask
	if err := json.Unmarshal(b, &w); err != nil {
		return Task{}, fmt.Errorf("cluster: decode task: %w", err)
	}
	op, err := NewOp(w.Kind)
	if err != nil {
		return Task{}, fmt.Errorf("cluster: task %q: %w", w.Key, err)
	}
	if len(w.Params) > 0 && string(w.Params) != "null" {
		if err := json.Unmarshal(w.Params, op); err != nil {
			return Task{}, fmt.Errorf("cluster: task %q: params of %s: %w", w.Key, w.Kind, err)
		}
	}
	return Task{Key: w.Key, Op: op, Inputs: w.Inputs, Bytes: w.Bytes, Scratch: w.Scratch}, nil
}

// MarshalJSON encodes the graph as a JSON array of tasks in insertion order.
func (g *Graph) MarshalJSON() ([]byte, error) {
	out := make([]json.RawMessage, 0, len(g.order))
	for _, k := range g.order {
		b, err := EncodeTask(g.tasks[k])
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes a graph written by MarshalJSON. Op params must be
// pointers to structs registered with Register.
func (g *Graph) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("cluster: decode graph: %w", err)
	}
	*g = Graph{tasks: make(map[Key]*Task, len(raw))}
	for _, r := range raw {
		t, err := DecodeTask(r)
		if err != nil {
			return err
		}
		if err := g.Add(t); err != nil {
			return err
		}
	}
	return nil
}
