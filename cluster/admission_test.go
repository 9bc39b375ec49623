package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rec is a Recycler value of a declared size that counts its recycling.
type rec struct {
	n        int64
	recycled *atomic.Int64
}

func (r *rec) Nbytes() int64 { return r.n }
func (r *rec) Recycle()      { r.recycled.Add(1) }

var recycled atomic.Int64

type recOp struct{ N int64 }

func (recOp) Kind() string { return "test.rec" }
func (o recOp) Run(context.Context, []Value) (Value, error) {
	return &rec{n: o.N, recycled: &recycled}, nil
}

func init() { Register("test.rec", func() Op { return &recOp{} }) }

// Values persisted in memory are held: a later run counts them against
// the budget, so a task that fits the budget alone but not beside them is
// refused before it runs.
func TestPinnedValuesCountAgainstBudget(t *testing.T) {
	ex := NewLocal(LocalOptions{MemoryBudget: 10000})
	g := NewGraph()
	var keys []Key
	for i := range 6 {
		k := Key(fmt.Sprintf("p%d", i))
		require.NoError(t, g.Add(Task{Key: k, Op: constOp{V: 1, Bytes: 1000}, Bytes: 1000}))
		keys = append(keys, k)
	}
	require.NoError(t, ex.Persist(context.Background(), g, keys))
	require.EqualValues(t, 6000, ex.PinnedBytes())
	g2 := NewGraph()
	require.NoError(t, g2.Add(Task{Key: "big", Op: constOp{V: 2, Bytes: 5000}, Bytes: 5000}))
	_, err := runOne(t, ex, g2, "big")
	assert.ErrorIs(t, err, ErrOverBudget)
	assert.ErrorContains(t, err, "6000 already held")
	ex.Release(keys...)
	got, err := runOne(t, ex, g2, "big")
	require.NoError(t, err)
	assert.Equal(t, 2.0, got)
}

// Without a spill directory, a budgeted Persist that would keep more than
// the budget in memory is refused, before any task runs when the tasks'
// declarations show it, and when they do not, as soon as the values
// arriving pass it.
func TestPersistWithoutSpillRefusesOverBudget(t *testing.T) {
	ex := NewLocal(LocalOptions{Workers: 2, MemoryBudget: 2500})
	g := NewGraph()
	undeclared := NewGraph()
	var keys []Key
	for i := range 10 {
		k := Key(fmt.Sprintf("b%d", i))
		require.NoError(t, g.Add(Task{Key: k, Op: blobOp{N: 1000, V: i}, Bytes: 1000}))
		require.NoError(t, undeclared.Add(Task{Key: k, Op: blobOp{N: 1000, V: i}}))
		keys = append(keys, k)
	}
	err := ex.Persist(context.Background(), g, keys)
	assert.ErrorIs(t, err, ErrOverBudget)
	assert.ErrorContains(t, err, "10000 bytes")
	err = ex.Persist(context.Background(), undeclared, keys)
	assert.ErrorIs(t, err, ErrOverBudget)
	assert.Zero(t, ex.PinnedBytes(), "a refused Persist keeps nothing")
	require.NoError(t, ex.Persist(context.Background(), g, keys[:2]))
	assert.EqualValues(t, 2000, ex.PinnedBytes())
}

// The results a caller keeps (RunOptions.Reserved) count against the
// budget for the whole run; alone over it, the run is refused at once.
func TestReservedResultsCountAgainstBudget(t *testing.T) {
	g, root := tree(t, 16, 1000)
	ex := NewLocal(LocalOptions{Workers: 2, MemoryBudget: 4000})
	var peak int64
	err := ex.RunWith(context.Background(), g, []Key{root}, func(Key, Value) error { return nil },
		RunOptions{Reserved: 1500, Progress: func(p Progress) { peak = max(peak, p.PeakBytes) }})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, peak, int64(1500), "the reservation is counted as held")
	assert.LessOrEqual(t, peak, int64(4000))
	err = ex.RunWith(context.Background(), g, []Key{root}, func(Key, Value) error {
		t.Fatal("a task ran")
		return nil
	}, RunOptions{Reserved: 5000})
	assert.ErrorIs(t, err, ErrOverBudget)
	assert.ErrorContains(t, err, "5000 bytes of results")
	// A per-run budget lowers the executor's.
	err = ex.RunWith(context.Background(), g, []Key{root}, func(Key, Value) error { return nil }, RunOptions{MemoryBudget: 1500})
	assert.ErrorIs(t, err, ErrOverBudget)
}

// With EmitCopies the executor recycles a wanted value as soon as emit is
// done with it; without, emit may keep it and it is never recycled.
func TestEmitCopiesRecyclesWantedValues(t *testing.T) {
	g := NewGraph()
	var want []Key
	for i := range 8 {
		k := Key(fmt.Sprintf("r%d", i))
		require.NoError(t, g.Add(Task{Key: k, Op: recOp{N: 100}, Bytes: 100}))
		want = append(want, k)
	}
	ex := NewLocal(LocalOptions{Workers: 2})
	recycled.Store(0)
	require.NoError(t, ex.Run(context.Background(), g, want, func(Key, Value) error { return nil }))
	assert.Zero(t, recycled.Load(), "values emit may keep were recycled")
	require.NoError(t, ex.RunWith(context.Background(), g, want, func(Key, Value) error { return nil }, RunOptions{EmitCopies: true}))
	assert.EqualValues(t, 8, recycled.Load())
}

// Ops see the executor's budget and may reserve process-wide memory,
// which every later admission counts.
func TestOpReservationsCountAgainstBudget(t *testing.T) {
	ex := NewLocal(LocalOptions{MemoryBudget: 1 << 20})
	g := NewGraph()
	require.NoError(t, g.Add(Task{Key: "res", Op: reserveOp{N: 900 << 10}}))
	_, err := runOne(t, ex, g, "res")
	require.NoError(t, err)
	assert.EqualValues(t, 900<<10, ex.ReservedBytes())
	g2 := NewGraph()
	require.NoError(t, g2.Add(Task{Key: "c", Op: constOp{V: 1, Bytes: 200 << 10}, Bytes: 200 << 10}))
	_, err = runOne(t, ex, g2, "c")
	assert.ErrorIs(t, err, ErrOverBudget)
}

type reserveOp struct{ N int64 }

func (reserveOp) Kind() string { return "test.reserve" }
func (o reserveOp) Run(ctx context.Context, _ []Value) (Value, error) {
	m := MemoryFrom(ctx)
	if m == nil || m.Budget() != 1<<20 {
		return nil, errors.New("no memory accounting in the op's context")
	}
	m.Reserve("test.cache", o.N)
	return num{V: 1, Bytes: 8}, nil
}

func init() { Register("test.reserve", func() Op { return &reserveOp{} }) }

func TestAdmission(t *testing.T) {
	var res Reservations
	a := NewAdmission(1000, &res)
	assert.True(t, a.Fits(5000), "nothing running: one task always starts")
	a.Start(600)
	assert.False(t, a.Fits(500))
	assert.True(t, a.Fits(400))
	a.Finish(600)
	a.Hold(600)
	res.Reserve("cache", 300)
	assert.EqualValues(t, 900, a.InUse())
	a.Start(50)
	assert.False(t, a.Fits(100))
	res.Reserve("cache", 0)
	assert.True(t, a.Fits(100))
	assert.EqualValues(t, 950, a.Peak())
	assert.ErrorIs(t, a.Check("x", 500), ErrOverBudget)
	assert.NoError(t, a.Check("x", 400))
	assert.NoError(t, NewAdmission(0, nil).Check("x", 1<<60))
}

// Declared sizes from a decoded graph may be anything: a negative one
// counts as 0 and sums saturate instead of wrapping below the budget.
func TestHugeDeclarationsRefusedNotWrapped(t *testing.T) {
	assert.EqualValues(t, int64(math.MaxInt64), AddBytes(math.MaxInt64-1, 2))
	assert.EqualValues(t, 5, AddBytes(-7, 5))
	g := NewGraph()
	require.NoError(t, g.Add(Task{Key: "a", Op: constOp{V: 1}, Bytes: math.MaxInt64 - 10, Scratch: 100}))
	require.NoError(t, g.Add(Task{Key: "b", Op: sumOp{Name: "b"}, Inputs: []Key{"a"}, Bytes: 100, Scratch: 100}))
	_, err := runOne(t, NewLocal(LocalOptions{MemoryBudget: 1 << 20}), g, "b")
	assert.ErrorIs(t, err, ErrOverBudget)
}
