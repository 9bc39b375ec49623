package ndarray

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tessera-array/tessera/block"
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
	dtype block.DType
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
	// BlockTask returns the task computing block idx of a (op, inputs,
	// declared bytes; the Builder sets the key), or an error naming why
	// that block cannot be planned.
	BlockTask(b *Builder, a *Array, idx []int) (cluster.Task, error)
}

// NewArray returns an opaque array whose blocks come from layer. token must
// identify the computation (kind, params and input names): arrays with equal
// tokens and grids share keys and are computed once.
func NewArray(dt block.DType, grid *chunk.Grid, token string, layer Layer) *Array {
	if !dt.Valid() {
		return Errored(fmt.Errorf("%w: %d", block.ErrDType, uint8(dt)))
	}
	if grid == nil || layer == nil {
		return Errored(errors.New("ndarray.NewArray: nil grid or layer"))
	}
	return &Array{dtype: dt, grid: grid, name: Token(token, gridToken(grid)), layer: layer}
}

// errNilError is what Errored(nil) carries: an errored array always has an
// error, so Err never reports success for an array without a recipe.
var errNilError = fmt.Errorf("%w: ndarray.Errored(nil)", ErrOperand)

// Errored returns an array that carries err: every method of the result
// returns a zero value or err, and Compute, Store and Persist return err.
// Errored(nil) carries an error wrapping ErrOperand.
func Errored(err error) *Array {
	if err == nil {
		err = errNilError
	}
	return &Array{err: err}
}

// Err is the error that building this array met, if any: nil for an array
// that can be computed. A nil *Array or a zero Array reports an error
// wrapping ErrOperand.
func (a *Array) Err() error {
	switch {
	case a == nil:
		return fmt.Errorf("%w: nil *Array", ErrOperand)
	case a.err != nil:
		return a.err
	case a.grid == nil:
		return fmt.Errorf("%w: zero ndarray.Array (make arrays with the package's constructors)", ErrOperand)
	}
	return nil
}

// DType is the element type (the zero DType for an errored array).
func (a *Array) DType() block.DType {
	if a.Err() != nil {
		return 0
	}
	return a.dtype
}

// Shape returns the array shape (a copy); nil for an errored array.
func (a *Array) Shape() []int {
	if a.Err() != nil {
		return nil
	}
	return a.grid.Shape()
}

// Rank is the number of axes (0 for an errored array).
func (a *Array) Rank() int {
	if a.Err() != nil {
		return 0
	}
	return a.grid.Rank()
}

// Grid is the chunk grid (nil for an errored array). Grids are immutable
// and O(rank) in size whatever the number of chunks.
func (a *Array) Grid() *chunk.Grid {
	if a.Err() != nil {
		return nil
	}
	return a.grid
}

// Chunks is dask's .chunks: the chunk sizes per axis; nil for an errored
// array. It costs O(number of chunks) and panics past chunk.MaxListChunks
// chunks on an axis; use Grid().Axis(i) (O(1) accessors) for arrays that
// may be huge.
func (a *Array) Chunks() [][]int {
	if a.Err() != nil {
		return nil
	}
	return a.grid.Chunks()
}

// Name is the array's deterministic token ("" for an errored array):
// arrays of equal names compute equal blocks.
func (a *Array) Name() string {
	if a.Err() != nil {
		return ""
	}
	return a.name
}

// Size is the number of elements (0 for an errored array).
func (a *Array) Size() int64 {
	if a.Err() != nil {
		return 0
	}
	return chunk.Size(a.grid.Shape())
}

// Nbytes is the size in bytes of the whole array if it were materialised,
// saturating at math.MaxInt64 (an array of more bytes than that is valid
// lazily, but can never be computed into memory); 0 for an errored array.
func (a *Array) Nbytes() int64 {
	if a.Err() != nil {
		return 0
	}
	return mulSat(a.Size(), int64(a.dtype.Size()))
}

// mulSat is n*m for non-negative n and m, saturating at math.MaxInt64.
func mulSat(n, m int64) int64 {
	if m != 0 && n > math.MaxInt64/m {
		return math.MaxInt64
	}
	return n * m
}

// BlockKey is the graph key of block idx: the array's name and the index,
// so equal arrays share keys. It does not check idx against the grid
// (Builder.Key does); an errored array's keys name no task.
func (a *Array) BlockKey(idx []int) cluster.Key {
	var sb strings.Builder
	if a == nil {
		return ""
	}
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

// gridToken names the chunking in O(pieces), never per chunk.
func gridToken(g *chunk.Grid) string { return g.String() }

// ErrTooManyTasks reports a computation whose graph would hold more tasks
// than the Builder's limit (DefaultMaxTasks unless SetMaxTasks changed it):
// the plan is refused before it outgrows memory. Compute a smaller slice,
// or choose larger chunks.
var ErrTooManyTasks = errors.New("ndarray: graph has too many tasks")

// DefaultMaxTasks is the largest graph a Builder builds by default: 2^22
// (4,194,304) tasks, about 2 GB of graph for a reduction. Only the tasks a
// computation needs count: computing a small slice of a huge array builds
// only the blocks that slice reads.
const DefaultMaxTasks = 1 << 22

// Builder assembles the task graph for the blocks a computation needs. It
// is used by one goroutine.
type Builder struct {
	g   *cluster.Graph
	max int
}

// NewBuilder returns a builder with an empty graph and DefaultMaxTasks.
func NewBuilder() *Builder { return &Builder{g: cluster.NewGraph(), max: DefaultMaxTasks} }

// Room is how many more tasks the builder may add (math.MaxInt when it has
// no limit). Layers that know they will need n tasks check n against it to
// refuse a plan before building any of it.
func (b *Builder) Room() int {
	if b.max <= 0 {
		return math.MaxInt
	}
	return max(b.max-b.g.Len(), 0)
}

// Reserve reports an error wrapping ErrTooManyTasks when n more tasks for
// what (a description for the message) would not fit the limit.
func (b *Builder) Reserve(n int, what string) error {
	if n > b.Room() {
		return fmt.Errorf("%w: %s needs %d tasks, room for %d of the limit of %d", ErrTooManyTasks, what, n, b.Room(), b.max)
	}
	return nil
}

// SetMaxTasks sets the most tasks the builder may add (n <= 0: no limit);
// Key returns an error wrapping ErrTooManyTasks past it.
func (b *Builder) SetMaxTasks(n int) { b.max = n }

// Graph is the graph built so far.
func (b *Builder) Graph() *cluster.Graph { return b.g }

// Key adds the tasks that compute block idx of a (and everything it needs)
// and returns its key. Blocks already added are not added again.
func (b *Builder) Key(a *Array, idx []int) (cluster.Key, error) {
	if err := a.Err(); err != nil {
		return "", err
	}
	if err := a.grid.CheckIndex(idx); err != nil {
		return "", fmt.Errorf("ndarray: block of %s: %w", a.name, err)
	}
	k := a.BlockKey(idx)
	if b.g.Has(k) {
		return k, nil
	}
	if b.max > 0 && b.g.Len() >= b.max {
		return "", fmt.Errorf("%w: more than %d tasks to compute %s (shape %v, %d blocks)", ErrTooManyTasks, b.max, a.name, a.grid.Shape(), a.grid.Len())
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
	if err := a.Err(); err != nil {
		return nil, err
	}
	if err := b.Reserve(a.grid.Len(), fmt.Sprintf("every block of %s (shape %v)", a.name, a.grid.Shape())); err != nil {
		return nil, err
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
