package ndarray

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
)

type golden struct {
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

func loadGolden(t *testing.T) map[string]golden {
	t.Helper()
	b, err := os.ReadFile("testdata/breadth_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]golden
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// arangeArray is 0..n-1 as float64 reshaped, a literal (rigid) array cut
// into the given explicit chunks.
func arangeArray(shape []int, chunks ...[]int) *Array {
	n := int(chunk.Size(shape))
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i)
	}
	d, _ := block.FromSlice(v, shape...)
	return FromDense(d, chunk.Explicit(chunks...))
}

func wArray(chunks ...[]int) *Array {
	v := make([]float64, 9*11)
	for i := range v {
		v[i] = math.Mod(math.Pow(float64(i), 1.5), 17)
	}
	d, _ := block.FromSlice(v, 9, 11)
	return FromDense(d, chunk.Explicit(chunks...))
}

func checkGolden(t *testing.T, want golden, a *Array) {
	t.Helper()
	if a.Err() != nil {
		t.Fatalf("build: %v", a.Err())
	}
	if !chunk.EqualShape(a.Shape(), want.Shape) {
		t.Fatalf("shape %v, want %v", a.Shape(), want.Shape)
	}
	// Twice on one executor: the second run reuses pooled buffers that
	// hold stale data, so any element an op fails to write shows.
	var d *block.Dense
	for range 2 {
		var err error
		d, err = a.Compute(context.Background(), WithExecutor(sharedEx))
		if err != nil {
			t.Fatalf("compute: %v", err)
		}
		checkValues(t, d, want)
	}
	got := d.Float64s()
	if len(got) != len(want.Values) {
		t.Fatalf("%d values, want %d", len(got), len(want.Values))
	}
	for i := range got {
		if math.Abs(got[i]-want.Values[i]) > 1e-9*max(1, math.Abs(want.Values[i])) {
			t.Fatalf("value %d = %v, want %v", i, got[i], want.Values[i])
		}
	}
	// The graph round-trips through JSON (ops are plain registered structs).
	b := NewBuilder()
	if _, err := b.Keys(a); err != nil {
		t.Fatal(err)
	}
	enc, err := json.Marshal(b.Graph())
	if err != nil {
		t.Fatalf("encode graph: %v", err)
	}
	g2 := cluster.NewGraph()
	if err := json.Unmarshal(enc, g2); err != nil {
		t.Fatalf("decode graph: %v", err)
	}
}

var sharedEx = cluster.NewLocal(cluster.LocalOptions{})

func checkValues(t *testing.T, d *block.Dense, want golden) {
	t.Helper()
	got := d.Float64s()
	if len(got) != len(want.Values) {
		t.Fatalf("%d values, want %d", len(got), len(want.Values))
	}
	for i := range got {
		if math.Abs(got[i]-want.Values[i]) > 1e-9*max(1, math.Abs(want.Values[i])) {
			t.Fatalf("value %d = %v, want %v", i, got[i], want.Values[i])
		}
	}
}

// ewInputs are the inputs of gen_elementwise.py, formula for formula:
// 2x2100 float64 arrays x and y with NaN sprinkled in, a row and a column
// to broadcast, and int64 0..n-1.
func ewInputs() (x, y, row, col, ints *block.Dense) {
	const r, c = 2, 2100
	xs, ys, is := make([]float64, r*c), make([]float64, r*c), make([]int64, r*c)
	for i := range xs {
		xs[i] = float64(i%41-20) / 4
		if i%37 == 0 {
			xs[i] = math.NaN()
		}
		ys[i] = float64((i*7)%29-14) / 3
		if i%53 == 5 {
			ys[i] = math.NaN()
		}
		is[i] = int64(i)
	}
	rs := make([]float64, c)
	for j := range rs {
		rs[j] = float64(j%97) - 40
	}
	return must1(block.FromSlice(xs, r, c)), must1(block.FromSlice(ys, r, c)), must1(block.FromSlice(rs, c)),
		must1(block.FromSlice([]float64{3, -7}, r, 1)), must1(block.FromSlice(is, r, c))
}

// TestElementwiseAgainstNumpy checks fused elementwise expressions against
// numpy (testdata/elementwise_golden.json, made by gen_elementwise.py):
// NaN propagation in maximum and minimum, round half to even, where and
// division with broadcasting, int16 wrapping under weak-scalar promotion.
// The 2x2100 arrays are cut so that blocks span several 2048-element
// tiles: rows split inside (2090 columns, then one of 10) or grouped
// (whole rows of 700 and 1400).
func TestElementwiseAgainstNumpy(t *testing.T) {
	raw, err := os.ReadFile("testdata/elementwise_golden.json")
	require.NoError(t, err)
	var gold map[string]struct {
		Shape  []int      `json:"shape"`
		Values []*float64 `json:"values"` // null is NaN
	}
	require.NoError(t, json.Unmarshal(raw, &gold))
	xd, yd, rd, cd, id := ewInputs()
	for si, cs := range [][2][]int{{{2}, {2090, 10}}, {{1, 1}, {700, 1400}}} {
		spec := chunk.Explicit(cs[0], cs[1])
		x, y, ints := FromDense(xd, spec), FromDense(yd, spec), FromDense(id, spec)
		row := FromDense(rd, chunk.Explicit(cs[1]))
		col := FromDense(cd, chunk.Explicit(cs[0], []int{1}))
		cases := map[string]*Array{
			"ew_maximum":    Maximum(x, y),
			"ew_minimum":    Minimum(x, y),
			"ew_round":      Round(x.Mul(2)),
			"ew_where":      Where(Greater(x, y), x, row),
			"ew_int16":      ints.AsType(block.Int16, block.OverflowWrap).Mul(13),
			"ew_clip_log1p": Log1p(Clip(x, -0.5, 4)),
			"ew_div_bcast":  Add(Div(x, col), row),
		}
		for name, a := range cases {
			t.Run(fmt.Sprintf("spec%d/%s", si, name), func(t *testing.T) {
				want, ok := gold[name]
				require.True(t, ok, "no golden %s", name)
				require.NoError(t, a.Err())
				assert.Equal(t, want.Shape, a.Shape())
				d, err := a.Compute(context.Background(), WithExecutor(sharedEx))
				require.NoError(t, err)
				if name == "ew_int16" {
					assert.Equal(t, block.Int16, d.DType())
				}
				got := d.Float64s()
				require.Len(t, got, len(want.Values))
				for i, w := range want.Values {
					g := got[i]
					if w == nil {
						if !math.IsNaN(g) {
							assert.Failf(t, "mismatch", "value %d = %v, want NaN", i, g)
							return
						}
						continue
					}
					if math.IsNaN(g) || math.Abs(g-*w) > 1e-12*max(1, math.Abs(*w)) {
						assert.Failf(t, "mismatch", "value %d = %v, want %v", i, g, *w)
						return
					}
				}
			})
		}
	}
}

func TestBreadthAgainstNumpy(t *testing.T) {
	g := loadGolden(t)
	x := func() *Array { return arangeArray([]int{6, 7, 5}, []int{1, 3, 2}, []int{3, 3, 1}, []int{2, 3}) }
	y := func() *Array { return arangeArray([]int{5, 4}, []int{2, 3}, []int{3, 1}) }
	z := arangeArray([]int{1, 6, 1}, []int{1}, []int{4, 2}, []int{1})
	cases := map[string]*Array{
		"idx1":     x().Index(Sl(1, 5, 1)),
		"idx2":     x().Index(Sl(None, None, -1), At(2), Sl(None, None, 2)),
		"idx3":     x().Index(At(-1), NewAxis, Sl(1, 6, 3), Ellipsis),
		"idx4":     x().Index(Ellipsis, At(-2)),
		"idx5":     x().Index(Sl(5, 0, -2), Sl(None, None, -3)),
		"idx6":     x().Index(All(), List(6, 0, 3, 3, -1)),
		"idx7":     x().Index(NewAxis, All(), All(), NewAxis, At(1)),
		"idx8":     x().Index(Sl(10, 20, 1)),
		"idx9":     x().Index(All(), Sl(None, None, -1), List(4, 0)),
		"idx10":    x().Index(Sl(-100, 100, 4), Sl(-3, -7, -1), At(4)),
		"T1":       x().Transpose(2, 0, 1),
		"T2":       x().Transpose(),
		"R1":       x().Reshape([]int{42, 5}),
		"R2":       x().Reshape([]int{6, 35}),
		"R3":       x().Reshape([]int{210}),
		"R4":       x().Reshape([]int{3, 2, 7, 5}),
		"R5":       x().Reshape([]int{6, 7, 5, 1}),
		"R6":       x().Reshape([]int{2, 3, 35}),
		"R7":       x().Reshape([]int{-1, 5, 7}),
		"squeeze":  z.Squeeze(),
		"squeeze0": z.Squeeze(0),
		"expand":   y().ExpandDims(-1),
		"take":     y().Take([]int{3, 0, -1, 1}, 1),
		"concat0":  Concatenate([]*Array{y(), y().Mul(2)}, 0),
		"concat1":  Concatenate([]*Array{y(), y().Mul(2).Rechunk(chunk.PerAxis(1, 2)), y().Index(All(), Sl(None, 1, 1))}, 1),
		"stack1":   Stack([]*Array{y(), y().Add(1)}, 1),
	}
	modes := map[string]PadMode{"constant": PadConstant, "edge": PadEdge, "reflect": PadReflect, "symmetric": PadSymmetric, "wrap": PadWrap}
	for name, m := range modes {
		cases["pad_"+name] = y().Pad([][2]int{{2, 3}, {1, 0}}, m, 7)
		cases["padwide_"+name] = y().Pad([][2]int{{6, 0}, {0, 5}}, m, 7)
	}
	bounds := map[string]Boundary{"reflect": BoundaryReflect, "periodic": BoundaryPeriodic, "nearest": BoundaryNearest, "constant": BoundaryConstant, "none": BoundaryNone}
	for name, bd := range bounds {
		cases["focal1_"+name] = MapOverlap("test.windowsum", wArray([]int{4, 5}, []int{3, 3, 5}), block.Float64, Overlap{Depth: []int{1, 1}, Boundary: bd, Value: 3}, 1)
		// depth 2 over chunks of 1: the halo spans several neighbours.
		cases["focal2_"+name] = MapOverlap("test.windowsum", wArray([]int{3, 1, 4, 1}, []int{5, 6}), block.Float64, Overlap{Depth: []int{2, 2}, Boundary: bd, Value: 3}, 2)
		cases["focal1_"+name+"#notrim"] = MapOverlap("test.windowsum.core", wArray([]int{2, 7}, []int{11}), block.Float64, Overlap{Depth: []int{1, 1}, Boundary: bd, Value: 3, NoTrim: true}, 1)
	}
	for name, a := range cases {
		key := name
		if i := len(name) - len("#notrim"); i > 0 && name[i:] == "#notrim" {
			key = name[:i]
		}
		want, ok := g[key]
		if !ok {
			t.Fatalf("no golden %s", key)
		}
		t.Run(name, func(t *testing.T) { checkGolden(t, want, a) })
	}
}

// windowSum sums the (2r+1)^2 window over the cells present in the block
// (params[0] = r); with trim the halo part of the result is dropped.
func windowSum(in *block.Dense, r int, lo, hi [2]int) *block.Dense {
	s := in.Shape()
	v := block.Values[float64](in)
	out := block.Must(block.Float64, hi[0]-lo[0], hi[1]-lo[1])
	o := block.Values[float64](out)
	for i := lo[0]; i < hi[0]; i++ {
		for j := lo[1]; j < hi[1]; j++ {
			sum := 0.0
			for di := -r; di <= r; di++ {
				for dj := -r; dj <= r; dj++ {
					ii, jj := i+di, j+dj
					if ii >= 0 && ii < s[0] && jj >= 0 && jj < s[1] {
						sum += v[ii*s[1]+jj]
					}
				}
			}
			o[(i-lo[0])*(hi[1]-lo[1])+j-lo[1]] = sum
		}
	}
	return out
}

func init() {
	RegisterBlockFunc("test.windowsum", func(_ context.Context, in []*block.Dense, radius int, info BlockInfo) (*block.Dense, error) {
		s := in[0].Shape()
		return windowSum(in[0], radius, [2]int{0, 0}, [2]int{s[0], s[1]}), nil
	})
	RegisterBlockFunc("test.windowsum.core", func(_ context.Context, in []*block.Dense, radius int, info BlockInfo) (*block.Dense, error) {
		s := in[0].Shape()
		h := info.Halo
		return windowSum(in[0], radius, [2]int{h[0][0], h[1][0]}, [2]int{s[0] - h[0][1], s[1] - h[1][1]}), nil
	})
	RegisterFunc("test.affine", func(_ context.Context, in []*block.Dense, info BlockInfo) (*block.Dense, error) {
		out := block.Must(block.Float32, in[0].Shape()...)
		o := block.Values[float32](out)
		for i := range o {
			o[i] = float32(in[0].Float64(i)*2 + in[1].Float64(i) + float64(info.Index[0]))
		}
		return out, nil
	})
}

func TestSliceAllStepsAgainstLoop(t *testing.T) {
	// Every start/stop/step on a short axis with uneven chunks, checked
	// against Python's slice semantics written out as a loop.
	n := 7
	a := arangeArray([]int{n}, []int{3, 1, 3})
	for _, step := range []int{None, 1, 2, 3, -1, -2, -5} {
		for start := -9; start <= 9; start++ {
			for stop := -9; stop <= 9; stop++ {
				for _, st := range []int{start, None} {
					want := pySlice(n, st, stop, step)
					d, err := a.Index(Sl(st, stop, step)).Compute(ctx)
					if err != nil {
						t.Fatal(err)
					}
					got := d.Float64s()
					if len(got) != len(want) {
						t.Fatalf("[%d:%d:%d] gave %v, want %v", st, stop, step, got, want)
					}
					for i := range got {
						if got[i] != float64(want[i]) {
							t.Fatalf("[%d:%d:%d] gave %v, want %v", st, stop, step, got, want)
						}
					}
				}
			}
		}
	}
}

// pySlice lists range(*slice(start, stop, step).indices(n)) by brute force:
// the positions i of the sequence start, start+step, ... (after resolving
// negatives) that lie in [0, n) and before stop.
func pySlice(n, start, stop, step int) []int {
	if step == None {
		step = 1
	}
	var out []int
	if step > 0 {
		s := 0
		if start != None {
			s = start
			if s < 0 {
				s = max(s+n, 0)
			}
		}
		e := n
		if stop != None {
			e = stop
			if e < 0 {
				e += n
			}
		}
		for i := s; i < e; i += step {
			if i >= 0 && i < n {
				out = append(out, i)
			} else if i >= n {
				break
			}
		}
		return out
	}
	s := n - 1
	if start != None {
		s = min(start, n-1)
		if s < 0 {
			s += n
		}
	}
	e := -1
	if stop != None {
		e = stop
		if e < 0 {
			e += n
			if e < 0 {
				e = -1
			}
		}
	}
	for i := s; i > e; i += step {
		if i >= 0 && i < n {
			out = append(out, i)
		} else if i < 0 {
			break
		}
	}
	return out
}

func TestMapBlocks(t *testing.T) {
	a := arangeArray([]int{10}, []int{4, 4, 2})
	b := Arange(0, 10, 1, chunk.Uniform(3)).AsType(block.Float64, block.OverflowWrap) // other chunks: unified
	m := MapBlocks("test.affine", []*Array{a, b}, block.Float32, nil, nil)
	d := mustCompute(t, m)
	want := []float32{0, 3, 6, 9, 13, 16, 19, 22, 26, 29}
	got := block.Values[float32](d)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v want %v", got, want)
		}
	}
	if !chunk.EqualShape(m.Chunks()[0], []int{4, 4, 2}) {
		t.Fatalf("chunks %v", m.Chunks())
	}
}

func TestRechunkPlans(t *testing.T) {
	src := Random([]int{60, 40}, chunk.PerAxis(60, 1), 3).Add(arangeArray([]int{60, 40}, []int{60}, []int{40}).Rechunk(chunk.PerAxis(60, 1)))
	ref := mustCompute(t, src)
	for _, tc := range []struct {
		name   string
		mem    int64
		stages int
	}{
		{"direct", 1 << 20, 1},
		{"two-stage", 12000, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := src.Rechunk(chunk.PerAxis(1, 40), RechunkMemory(tc.mem))
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			plan, err := PlanRechunk(src.Grid(), r.Grid(), 8, tc.mem)
			if err != nil || len(plan.Stages) != tc.stages || plan.MaxBytes > tc.mem {
				t.Fatalf("plan %+v, %v", plan, err)
			}
			d, err := r.Compute(ctx, WithMemoryBudget(1<<20))
			if err != nil {
				t.Fatal(err)
			}
			if !d.Equal(ref) {
				t.Fatal("rechunked values differ")
			}
		})
	}
	r := src.Rechunk(chunk.PerAxis(1, 40), RechunkMemory(100))
	if !errors.Is(r.Err(), ErrRechunkMemory) {
		t.Fatalf("want ErrRechunkMemory, got %v", r.Err())
	}
	t.Log(r.Err())
	// Generators are re-cut without tasks.
	g := Random([]int{60, 40}, chunk.PerAxis(60, 1), 3).Rechunk(chunk.PerAxis(1, 40), RechunkMemory(1))
	if g.Err() != nil || g.expr == nil {
		t.Fatalf("generator rechunk: %v", g.Err())
	}
}

func TestUnifyChunks(t *testing.T) {
	a := arangeArray([]int{10, 6}, []int{3, 7}, []int{6})
	b := arangeArray([]int{10, 6}, []int{5, 5}, []int{2, 4})
	s := Add(a, b.Mul(10))
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	if !chunk.EqualShape(s.Chunks()[0], []int{3, 2, 5}) || !chunk.EqualShape(s.Chunks()[1], []int{2, 4}) {
		t.Fatalf("chunks %v", s.Chunks())
	}
	d := mustCompute(t, s)
	for i, v := range d.Float64s() {
		if v != float64(i)*11 {
			t.Fatalf("element %d = %v", i, v)
		}
	}
	// A generator operand adapts without a rechunk.
	r := Add(a, Ones(block.Float64, []int{10, 6}, chunk.Uniform(4)))
	if !chunk.EqualShape(r.Chunks()[0], []int{3, 7}) {
		t.Fatalf("chunks %v", r.Chunks())
	}
}

func TestBreadthBadInput(t *testing.T) {
	x := arangeArray([]int{4, 5}, []int{2, 2}, []int{5})
	y32 := x.AsType(block.Float32, block.OverflowWrap)
	for _, tc := range []struct {
		name string
		a    *Array
		want error
	}{
		{"int out of range", x.Index(At(4)), ErrIndex},
		{"negative out of range", x.Index(All(), At(-6)), ErrIndex},
		{"list out of range", x.Take([]int{0, 5}, 0), ErrIndex},
		{"too many indices", x.Index(At(0), At(0), At(0)), ErrIndex},
		{"zero step", x.Index(Sl(0, 4, 0)), ErrIndex},
		{"two lists", x.Index(List(0), List(1)), ErrIndex},
		{"bad axis", x.Take([]int{0}, 2), ErrAxis},
		{"transpose repeat", x.Transpose(0, 0), ErrAxis},
		{"reshape size", x.Reshape([]int{3, 7}), block.ErrShape},
		{"reshape two -1", x.Reshape([]int{-1, -1}), block.ErrShape},
		{"squeeze non-1", x.Squeeze(0), block.ErrShape},
		{"concat shapes", Concatenate([]*Array{x, x.Index(All(), Sl(0, 2, 1))}, 0), block.ErrShape},
		{"concat dtypes", Concatenate([]*Array{x, y32}, 0), block.ErrDTypeMismatch},
		{"stack shapes", Stack([]*Array{x, x.Index(Sl(0, 2, 1))}, 0), block.ErrShape},
		{"pad widths", x.Pad([][2]int{{1, 1}}, PadEdge, 0), block.ErrShape},
		{"pad empty", x.Index(Sl(0, 0, 1)).Pad([][2]int{{1, 1}, {0, 0}}, PadReflect, 0), ErrIndex},
		{"pad value", x.AsType(block.Uint8, block.OverflowWrap).Pad([][2]int{{1, 1}, {0, 0}}, PadConstant, 300), block.ErrOverflow},
		{"unknown func", MapBlocks("no.such", []*Array{x}, block.Float64, nil, nil), ErrUnknownFunc},
		{"unknown overlap func", MapOverlap("no.such", x, block.Float64, Overlap{Depth: []int{1, 1}}, nil), ErrUnknownFunc},
		{"overlap depth rank", MapOverlap("test.windowsum", x, block.Float64, Overlap{Depth: []int{1}}, nil), block.ErrShape},
		{"mapblocks chunks", MapBlocks("test.windowsum", []*Array{x}, block.Float64, [][]int{{4}, {5}}, nil), ErrChunks},
		{"rechunk budget", x.Rechunk(chunk.PerAxis(1, 5), RechunkMemory(8)), ErrRechunkMemory},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.a.Err(), tc.want) {
				t.Fatalf("got %v, want %v", tc.a.Err(), tc.want)
			}
		})
	}
	// A function that breaks its contract fails the computation.
	m := MapBlocks("test.affine", []*Array{x, x}, block.Float64, nil, nil) // returns float32
	if _, err := m.Compute(ctx); !errors.Is(err, block.ErrDTypeMismatch) {
		t.Fatalf("want ErrDTypeMismatch, got %v", err)
	}
	// An unregistered name in a serialized graph fails at decode time.
	if _, err := cluster.DecodeTask([]byte(`{"key":"k","kind":"ndarray.mapblocks","params":{"Func":"no.such"}}`)); !errors.Is(err, ErrUnknownFunc) {
		t.Fatalf("decode: %v", err)
	}
}

func TestRegisterFuncDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	RegisterFunc("test.affine", func(context.Context, []*block.Dense, BlockInfo) (*block.Dense, error) { return nil, nil })
}

func TestIndexDTypesAndEdges(t *testing.T) {
	// Bool and int blocks go through the same gather.
	x := arangeArray([]int{5, 3}, []int{2, 3}, []int{2, 1})
	b := Greater(x, 6).Index(Sl(None, None, -1), List(2, 0))
	d := mustCompute(t, b)
	want := []bool{true, true, true, true, true, false, false, false, false, false}
	for i, v := range block.Values[bool](d) {
		if v != want[i] {
			t.Fatalf("bool gather %v", block.Values[bool](d))
		}
	}
	i16 := x.AsType(block.Int16, block.OverflowWrap).Transpose().Index(At(1))
	if got := block.Values[int16](mustCompute(t, i16)); got[4] != 13 {
		t.Fatalf("int16 transpose %v", got)
	}
	// Scalars: integer indices on every axis.
	s := mustCompute(t, x.Index(At(-1), At(-1)))
	if s.Rank() != 0 || s.Float64(0) != 14 {
		t.Fatalf("scalar %v %v", s.Shape(), s.Float64s())
	}
}

func TestMapBlocksSource(t *testing.T) {
	m := MapBlocks("test.iota", nil, block.Int32, [][]int{{2, 3}, {4}}, nil)
	d := mustCompute(t, m)
	want := []int32{0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	for i, v := range block.Values[int32](d) {
		if v != want[i] {
			t.Fatalf("got %v", block.Values[int32](d))
		}
	}
	if e := MapBlocks("test.iota", nil, block.Int32, nil, nil).Err(); !errors.Is(e, ErrOperand) {
		t.Fatalf("no chunks: %v", e)
	}
}

func init() {
	// test.iota numbers the elements of each block from zero.
	RegisterFunc("test.iota", func(_ context.Context, _ []*block.Dense, info BlockInfo) (*block.Dense, error) {
		d := block.Must(block.Int32, info.Box.Shape()...)
		for i := range block.Values[int32](d) {
			block.Values[int32](d)[i] = int32(i)
		}
		return d, nil
	})
}

func TestRechunkUnevenAllPlans(t *testing.T) {
	src := arangeArray([]int{23, 17}, []int{5, 1, 10, 7}, []int{17})
	ref := mustCompute(t, src)
	targets := []chunk.Spec{
		chunk.Explicit([]int{23}, []int{3, 3, 11}),
		chunk.PerAxis(4, 5),
		chunk.PerAxis(1, -1),
		chunk.PerAxis(-1, 1),
	}
	for _, spec := range targets {
		for _, mem := range []int64{1 << 30, 4000, 2000, 1100} {
			r := src.Rechunk(spec, RechunkMemory(mem))
			if errors.Is(r.Err(), ErrRechunkMemory) {
				continue // too tight for this target: checked below
			}
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			// And back again, through the int32 and bool paths too.
			back := r.Rechunk(chunk.Explicit([]int{5, 1, 10, 7}, []int{17}), RechunkMemory(1<<30))
			for _, a := range []*Array{r, back} {
				d, err := a.Compute(ctx, WithExecutor(sharedEx))
				if err != nil {
					t.Fatal(err)
				}
				if !d.Equal(ref) {
					t.Fatalf("rechunk to %v within %d: values differ", spec, mem)
				}
			}
			i := mustCompute(t, r.AsType(block.Int32, block.OverflowWrap).Rechunk(chunk.PerAxis(7, 2)))
			b := mustCompute(t, Greater(r, 100).Rechunk(chunk.PerAxis(7, 2)))
			for k := range ref.Len() {
				if i.Float64(k) != ref.Float64(k) || (b.Float64(k) == 1) != (ref.Float64(k) > 100) {
					t.Fatalf("int32/bool rechunk differs at %d", k)
				}
			}
		}
	}
	// (-1, 1) within 2000 bytes needs the refinement as intermediate.
	to, _ := chunk.PerAxis(-1, 1).Normalize([]int{23, 17}, 8, chunk.NormalizeOptions{})
	if plan, err := PlanRechunk(src.Grid(), to, 8, 2000); err != nil || len(plan.Stages) != 2 || plan.MaxBytes > 2000 {
		t.Fatalf("plan %+v, %v", plan, err)
	}
	// Every plan's projection respects the budget it was made for.
	for _, mem := range []int64{1 << 30, 4000, 2000, 1100} {
		to, _ := chunk.PerAxis(1, -1).Normalize([]int{23, 17}, 8, chunk.NormalizeOptions{})
		plan, err := PlanRechunk(src.Grid(), to, 8, mem)
		if err == nil && plan.MaxBytes > mem {
			t.Fatalf("plan %+v over budget %d", plan, mem)
		}
		if err != nil && !errors.Is(err, ErrRechunkMemory) {
			t.Fatal(err)
		}
	}
}

func TestEmptyAxes(t *testing.T) {
	e := Zeros(block.Float64, []int{0, 3}, chunk.Uniform(2)).Add(arangeArray([]int{0, 3}, []int{0}, []int{3}))
	for name, a := range map[string]*Array{
		"transpose": e.Transpose(),
		"slice":     e.Index(Sl(None, None, -1), List(2, 0)),
		"pad":       e.Pad([][2]int{{1, 2}, {0, 0}}, PadConstant, 4),
		"concat":    Concatenate([]*Array{e, arangeArray([]int{2, 3}, []int{2}, []int{3})}, 0),
		"reshape":   e.Reshape([]int{3, 0}),
		"overlap":   MapOverlap("test.windowsum", e, block.Float64, Overlap{Depth: []int{1, 1}, Boundary: BoundaryReflect}, 1),
		"rechunk":   e.Rechunk(chunk.PerAxis(1, 1)),
	} {
		d, err := a.Compute(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !chunk.EqualShape(d.Shape(), a.Shape()) {
			t.Fatalf("%s: shape %v vs %v", name, d.Shape(), a.Shape())
		}
		if name == "pad" && (d.Len() != 9 || d.Float64(0) != 4) {
			t.Fatalf("pad: %v", d.Float64s())
		}
		if name == "concat" && d.Float64(5) != 5 {
			t.Fatalf("concat: %v", d.Float64s())
		}
	}
}

// TestRecycleStress runs pipelines whose intermediate blocks are recycled
// many times over on one executor with more workers than cores, checking
// every result against a direct computation.
func TestRecycleStress(t *testing.T) {
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 4, MemoryBudget: 1 << 20})
	src := arangeArray([]int{60, 45}, []int{20, 20, 20}, []int{20, 20, 5})
	ref := mustCompute(t, src)
	for i := range 20 {
		there := src.Rechunk(chunk.PerAxis(60, 2)).Rechunk(chunk.PerAxis(20, 20))
		ov := MapOverlap("test.windowsum.core", src.Rechunk(chunk.PerAxis(7, 9)), block.Float64, Overlap{Depth: []int{1, 1}, Boundary: BoundaryPeriodic, NoTrim: true}, 1)
		outs, err := Compute(ctx, []*Array{there, ov, Concatenate([]*Array{there, src.Index(Sl(None, None, -1))}, 0)}, WithExecutor(ex))
		if err != nil {
			t.Fatal(err)
		}
		if !outs[0].Equal(ref) {
			t.Fatalf("run %d: rechunk there and back differs", i)
		}
		v := ref.Float64s()
		for r := range 60 {
			for c := range 45 {
				s := 0.0
				for dr := -1; dr <= 1; dr++ {
					for dc := -1; dc <= 1; dc++ {
						s += v[((r+dr+60)%60)*45+(c+dc+45)%45]
					}
				}
				if outs[1].At(r, c) != s {
					t.Fatalf("run %d: window sum at (%d, %d) = %v, want %v", i, r, c, outs[1].At(r, c), s)
				}
				if outs[2].At(r, c) != v[r*45+c] || outs[2].At(60+r, c) != v[(59-r)*45+c] {
					t.Fatalf("run %d: concatenate differs at (%d, %d)", i, r, c)
				}
			}
		}
	}
}
