package ndarray

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// LayerInputs is an optional interface of a Layer: Inputs lists the arrays
// whose blocks the layer's tasks read. Array.String and Array.Tasks follow
// it to count the tasks of the whole recipe from its layers, without
// building the graph; a layer without it counts as a source.
type LayerInputs interface {
	// Inputs lists the arrays whose blocks the layer's tasks read.
	Inputs() []*Array
}

// LayerTasks is an optional interface of a Layer whose arrays take other
// than one task per block (a tree reduction, a rechunk with intermediate
// tasks): Tasks is the number of tasks the layer adds to compute every
// block of a, not counting its inputs' tasks. It must cost O(rank), not
// O(tasks).
type LayerTasks interface {
	// Tasks is the number of tasks the layer adds to compute every block
	// of a, its inputs' tasks not counted, in O(rank).
	Tasks(a *Array) int64
}

// LayerFusedInputs is an optional interface of a Layer that reads arrays
// through Builder.FusedBlock (a fused reduction, say): the elementwise
// recipes of those arrays run inside the layer's own tasks, so only the
// tasks of their inputs count (an opaque array listed here counts whole).
type LayerFusedInputs interface {
	// FusedInputs lists the arrays the layer's tasks read through
	// Builder.FusedBlock.
	FusedInputs() []*Array
}

// Inputs lists the arrays a MapBlocks or MapOverlap layer reads.
func (l *mapLayer) Inputs() []*Array { return l.srcs }

// Inputs of a persisted array are none: its blocks are held, so its
// computations (and its task count) stop at its own one task per block.
func (l persistLayer) Inputs() []*Array { return nil }

// Inputs is the array a Rechunk reads.
func (l rechunkLayer) Inputs() []*Array { return []*Array{l.src} }

// Inputs is the array a Reshape reads.
func (l reshapeLayer) Inputs() []*Array { return []*Array{l.src} }

// Inputs are the arrays a Concatenate reads.
func (l concatLayer) Inputs() []*Array { return l.srcs }

// Inputs is the array an Index, Take, Transpose or Pad reads.
func (l *oindexLayer) Inputs() []*Array { return []*Array{l.src} }

// Tasks is the number of tasks computing every block of a would build,
// derived from its layers in O(layers), never per task, so a 10^9-task
// array counts instantly: one task per block of each distinct array of
// the recipe (a fused elementwise chain is one array: one task per block),
// following LayerInputs and LayerFusedInputs, with LayerTasks where a
// layer declares its own count. Like dask's count it is the whole recipe's,
// before culling: computing a slice builds fewer. Arrays reached twice count once, as their tasks run once. The
// count saturates at math.MaxInt64; it is 0 for an errored array. Tasks a
// layer adds without declaring them (the halo slabs of MapOverlap, say)
// are not counted, so it is a lower bound for such layers.
func (a *Array) Tasks() int64 {
	if a.Err() != nil {
		return 0
	}
	seen := map[*Array]bool{}
	nodes := map[*node]bool{}
	var total int64
	var visit func(x *Array)
	var walk func(n *node)
	visit = func(x *Array) {
		if x == nil || x.Err() != nil || seen[x] {
			return
		}
		seen[x] = true
		if lt, ok := x.layer.(LayerTasks); ok {
			total = addSat(total, lt.Tasks(x))
		} else {
			total = addSat(total, int64(x.grid.Len()))
		}
		switch {
		case x.expr != nil:
			walk(x.expr)
		case x.layer != nil:
			if li, ok := x.layer.(LayerInputs); ok {
				for _, in := range li.Inputs() {
					visit(in)
				}
			}
			if lf, ok := x.layer.(LayerFusedInputs); ok {
				for _, in := range lf.FusedInputs() {
					if in != nil && in.Err() == nil && in.expr != nil {
						walk(in.expr) // fused: its leaves' tasks only
					} else {
						visit(in)
					}
				}
			}
		}
	}
	walk = func(n *node) {
		if n == nil || nodes[n] {
			return
		}
		nodes[n] = true
		if n.src != nil {
			visit(n.src)
		}
		for _, c := range n.args {
			walk(c)
		}
	}
	visit(a)
	return total
}

// addSat is x+y for non-negative x and y, saturating at math.MaxInt64.
func addSat(x, y int64) int64 {
	if x > math.MaxInt64-y {
		return math.MaxInt64
	}
	return x + y
}

// String describes the array as dask's repr does, without computing
// anything and in O(layers) time: a first line with the name, shape,
// dtype, largest chunk shape, number of chunks and tasks (the %#v form),
// then a table of the bytes and shape of the array and of its largest
// chunk, the counts and the dtype:
//
//	ndarray.Array<random-…, shape=[1000 1000], dtype=float64, chunksize=[250 1000], chunks=4, tasks=4>
//	          Array             Chunk
//	  Bytes   7.63 MiB          1.91 MiB
//	  Shape   [1000 1000]       [250 1000]
//	  Count   4 tasks           4 chunks
//	  Type    float64
//
// An errored array prints "ndarray.Array<error: …>" with its error.
func (a *Array) String() string {
	if a.Err() != nil {
		return a.oneLine()
	}
	cs := a.grid.MaxChunkShape()
	cb := mulSat(sizeSat(cs), int64(a.dtype.Size()))
	rows := [][3]string{
		{"", "Array", "Chunk"},
		{"Bytes", humanBytes(a.Nbytes()), humanBytes(cb)},
		{"Shape", fmt.Sprint(a.grid.Shape()), fmt.Sprint(cs)},
		{"Count", plural(a.Tasks(), "task"), plural(int64(a.grid.Len()), "chunk")},
		{"Type", a.dtype.String(), ""},
	}
	w1 := 0
	for _, r := range rows {
		w1 = max(w1, len(r[1]))
	}
	var sb strings.Builder
	sb.WriteString(a.oneLine())
	for _, r := range rows {
		line := fmt.Sprintf("\n  %-6s  %-*s  %s", r[0], w1, r[1], r[2])
		sb.WriteString(strings.TrimRight(line, " "))
	}
	return sb.String()
}

// oneLine is the %#v form: dask's one-line repr with the counts added.
func (a *Array) oneLine() string {
	if err := a.Err(); err != nil {
		return "ndarray.Array<error: " + err.Error() + ">"
	}
	return fmt.Sprintf("ndarray.Array<%s, shape=%v, dtype=%s, chunksize=%v, chunks=%d, tasks=%d>",
		a.name, a.grid.Shape(), a.dtype, a.grid.MaxChunkShape(), a.grid.Len(), a.Tasks())
}

// Format implements fmt.Formatter: %v and %s print String (several lines),
// %#v the one-line form (its first line: name, shape, dtype, chunk shape,
// chunks and tasks), %q String quoted. Other verbs print the one-line form
// inside fmt's %!verb(…) marker. A nil *Array prints as an errored one.
func (a *Array) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, a.oneLine())
	case verb == 'v' || verb == 's':
		fmt.Fprint(f, a.String())
	case verb == 'q':
		fmt.Fprint(f, strconv.Quote(a.String()))
	default:
		fmt.Fprintf(f, "%%!%c(%s)", verb, a.oneLine())
	}
}

// humanBytes formats n bytes in binary units as dask does: "100 B",
// "7.63 MiB", "1.00 TiB" (two decimals from KiB up to EiB).
func humanBytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n) / 1024
	u := 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + " " + units[u]
}

// sizeSat is the number of elements of shape, saturating at math.MaxInt64.
func sizeSat(shape []int) int64 {
	n := int64(1)
	for _, s := range shape {
		n = mulSat(n, int64(s))
	}
	return n
}

func plural(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.FormatInt(n, 10) + " " + what + "s"
}
