package ndarray

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

// Array is a lazy chunked n-dimensional array: a dtype, a chunk grid and a
// recipe for every block. Nothing is computed until Compute, Persist or a
// sink asks for blocks. Arrays are immutable and safe for concurrent use.
//
// Operations that cannot be built (incompatible shapes, bad arguments) return
// an Array that carries the error; every later operation propagates it and
// Compute returns it, so expressions chain without checks at every step.
// Err reports it early.
type Array struct {
	dtype DType
	grid  *chunk.Grid
	name  string // deterministic token: equal names compute equal blocks
	expr  *node  // elementwise recipe (fused at graph build time), or
	layer Layer  // opaque: blocks are produced by tasks
	err   error
}

// Layer produces the tasks of an opaque array's blocks. Packages that add
// operations (reductions, IO, slicing) implement it. BlockTask returns the
// op, inputs and declared bytes of the task computing block idx; the Key is
// set by the Builder. It may call b.Key to depend on other arrays' blocks.
type Layer interface {
	BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error)
}

// NewArray returns an opaque array whose blocks come from layer. token must
// identify the computation (kind, params and input names): arrays with equal
// tokens and grids share keys and are computed once.
func NewArray(dt DType, grid *chunk.Grid, token string, layer Layer) *Array {
	if !dt.Valid() {
		return Errored(fmt.Errorf("%w: %d", ErrDType, uint8(dt)))
	}
	if grid == nil || layer == nil {
		return Errored(errors.New("ndarray.NewArray: nil grid or layer"))
	}
	return &Array{dtype: dt, grid: grid, name: Token(token, gridToken(grid)), layer: layer}
}

// Errored returns an array that carries err.
func Errored(err error) *Array { return &Array{err: err} }

// Err is the error that building this array met, if any.
func (a *Array) Err() error { return a.err }

// DType is the element type.
func (a *Array) DType() DType { return a.dtype }

// Shape returns the array shape (a copy); nil for an errored array.
func (a *Array) Shape() []int {
	if a.err != nil {
		return nil
	}
	return a.grid.Shape()
}

// Rank is the number of axes.
func (a *Array) Rank() int {
	if a.err != nil {
		return 0
	}
	return a.grid.Rank()
}

// Grid is the chunk grid.
func (a *Array) Grid() *chunk.Grid { return a.grid }

// Chunks is dask's .chunks: the chunk sizes per axis.
func (a *Array) Chunks() [][]int { return a.grid.Chunks() }

// Name is the array's deterministic token.
func (a *Array) Name() string { return a.name }

// Size is the number of elements.
func (a *Array) Size() int64 { return chunk.Size(a.grid.Shape()) }

// Nbytes is the size in bytes of the whole array if it were materialised.
func (a *Array) Nbytes() int64 { return a.Size() * int64(a.dtype.Size()) }

// String summarises the array like dask's repr.
func (a *Array) String() string {
	if a.err != nil {
		return "Array(error: " + a.err.Error() + ")"
	}
	return fmt.Sprintf("Array<%s, shape=%v, chunks=%v, dtype=%s>", a.name, a.grid.Shape(), a.grid.MaxChunkShape(), a.dtype)
}

// BlockKey is the graph key of block idx.
func (a *Array) BlockKey(idx []int) cluster.Key {
	var sb strings.Builder
	sb.WriteString(a.name)
	sb.WriteByte('(')
	for i, x := range idx {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(x))
	}
	sb.WriteByte(')')
	return cluster.Key(sb.String())
}

// Token hashes its parts into a short deterministic name, "kind-hexdigest",
// where kind is the text of parts[0] up to its first space or '('.
func Token(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	kind := "array"
	if len(parts) > 0 {
		kind = parts[0]
		if i := strings.IndexAny(kind, " ({"); i >= 0 {
			kind = kind[:i]
		}
		if len(kind) > 24 {
			kind = kind[:24]
		}
	}
	return kind + "-" + hex.EncodeToString(h.Sum(nil)[:8])
}

func gridToken(g *chunk.Grid) string {
	return fmt.Sprint(g.Chunks())
}

// Builder assembles the task graph for the blocks a computation needs. It
// is used by one goroutine.
type Builder struct {
	g *cluster.Graph
}

// NewBuilder returns a builder with an empty graph.
func NewBuilder() *Builder { return &Builder{g: cluster.NewGraph()} }

// Graph is the graph built so far.
func (b *Builder) Graph() *cluster.Graph { return b.g }

// Key adds the tasks that compute block idx of a (and everything it needs)
// and returns its key. Blocks already added are not added again.
func (b *Builder) Key(a *Array, idx []int) (cluster.Key, error) {
	if a.err != nil {
		return "", a.err
	}
	if err := a.grid.CheckIndex(idx); err != nil {
		return "", fmt.Errorf("ndarray: block of %s: %w", a.name, err)
	}
	k := a.BlockKey(idx)
	if b.g.Has(k) {
		return k, nil
	}
	var t cluster.Task
	var err error
	if a.layer != nil {
		t, err = a.layer.BlockTask(b, a, idx)
	} else {
		t, err = b.fusedTask(a, idx)
	}
	if err != nil {
		return "", err
	}
	t.Key = k
	if err := b.g.Add(t); err != nil {
		return "", err
	}
	return k, nil
}

// Keys adds every block of a and returns their keys in C order.
func (b *Builder) Keys(a *Array) ([]cluster.Key, error) {
	if a.err != nil {
		return nil, a.err
	}
	keys := make([]cluster.Key, 0, a.grid.Len())
	for idx := range a.grid.Blocks() {
		k, err := b.Key(a, idx)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}
