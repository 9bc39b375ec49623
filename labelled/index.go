package labelled

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
)

// Index is the in-memory label set of a coordinate: what label selection
// (Sel), alignment, concatenation and the repr need to know of its values.
// Coordinates hold their values in an Index, flattened in C order, as
// xarray loads index coordinates into memory.
//
// The package provides Float64Index, Int64Index and StringIndex. Another
// label type (a CF time coordinate of package cftime, say, holding int64
// counts in one calendar) implements Index with this contract:
//
//   - An Index is immutable and safe for concurrent use.
//   - Len is the number of labels; positions run 0..Len()-1.
//   - Label(i) is the label at i as a Go value (float64, int64, string,
//     or the type's own time value), and Format(i) its text for a repr.
//   - Compare(i, label) is the sign of Label(i) − label (-1, 0, +1) in the
//     index's order. label may be any Go value a user passes to Sel; the
//     index converts what it accepts (a time index takes its time values
//     and date strings such as "2020-01-15") and returns an error wrapping
//     ErrLabelType for the rest. NaN-like labels compare as unordered: they
//     return an error wrapping ErrNotFound.
//   - Distance(i, label) is |Label(i) − label| as a float64 in the unit a
//     tolerance is given in (the label's own unit for numbers; a time index
//     documents its unit, seconds say), or an error wrapping ErrLabelType
//     when labels have no distance (strings).
//   - Key(i) is a comparable value identifying Label(i) for hashing: two
//     labels of one index, or of two indexes of one kind, are the same label
//     exactly when their keys are ==.
//   - Take(positions) is a new Index of the labels at those positions (each
//     in range; the caller checks).
//   - Concat(others) joins this index and others of the same kind, in order,
//     or returns an error wrapping ErrMerge for a different kind.
//
// A label that denotes an interval rather than one value (a partial date,
// "2020-02", on a time index) is supported through the optional upgrade
// IntervalIndex.
type Index interface {
	Len() int
	DType() string
	Label(i int) any
	Format(i int) string
	Compare(i int, label any) (int, error)
	Distance(i int, label any) (float64, error)
	Key(i int) any
	Take(positions []int) Index
	Concat(others ...Index) (Index, error)
}

// IntervalIndex is an optional upgrade of an Index whose labels can be named
// by intervals. Interval(label) reports whether label denotes the half-open
// interval [lo, hi) of labels (lo and hi being labels Compare accepts); Sel
// with such a label, exact, then selects every position whose label lies in
// the interval, keeping the dimension, as xarray does with
// sel(time="2020-02"). It returns ok false, and no error, for an ordinary
// label.
type IntervalIndex interface {
	Index
	Interval(label any) (lo, hi any, ok bool, err error)
}

// Float64Index is an Index of float64 labels. NaN labels are allowed but
// never match.
type Float64Index []float64

// Int64Index is an Index of int64 labels.
type Int64Index []int64

// StringIndex is an Index of string labels, compared bytewise (as numpy
// compares unicode strings of the same code points).
type StringIndex []string

// takeLabels is the labels of x at positions, in a new slice.
func takeLabels[S ~[]E, E any](x S, positions []int) S {
	out := make(S, len(positions))
	for k, p := range positions {
		out[k] = x[p]
	}
	return out
}

func toFloat(label any) (float64, bool) {
	switch v := label.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int8:
		return float64(v), true
	case int16:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint8:
		return float64(v), true
	case uint16:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	case uint:
		return float64(v), true
	}
	return 0, false
}

func floatKey(v float64) any {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return int64(v)
	}
	return v
}

// Len is the number of labels.
func (x Float64Index) Len() int { return len(x) }

// DType is "float64".
func (x Float64Index) DType() string { return "float64" }

// Label is the float64 at i.
func (x Float64Index) Label(i int) any { return x[i] }

// Format prints the label at i as numpy does for float64 (shortest form,
// always with a decimal point or exponent).
func (x Float64Index) Format(i int) string { return formatFloat(x[i]) }

// Compare compares the label at i with a numeric label of any Go number
// type; NaN on either side is ErrNotFound.
func (x Float64Index) Compare(i int, label any) (int, error) {
	f, ok := toFloat(label)
	if !ok {
		return 0, fmt.Errorf("%w: %T on a float64 index", ErrLabelType, label)
	}
	if math.IsNaN(f) || math.IsNaN(x[i]) {
		return 0, fmt.Errorf("%w: NaN", ErrNotFound)
	}
	return cmp.Compare(x[i], f), nil
}

// Distance is |x[i] − label|.
func (x Float64Index) Distance(i int, label any) (float64, error) {
	f, ok := toFloat(label)
	if !ok {
		return 0, fmt.Errorf("%w: %T on a float64 index", ErrLabelType, label)
	}
	return math.Abs(x[i] - f), nil
}

// Key is the label as an int64 when it is a whole number (so float64 and
// int64 indexes of the same values align), else the float64.
func (x Float64Index) Key(i int) any { return floatKey(x[i]) }

// Take returns the labels at positions.
func (x Float64Index) Take(positions []int) Index { return takeLabels(x, positions) }

// Concat joins numeric indexes; an Int64Index among them makes the result a
// Float64Index still.
func (x Float64Index) Concat(others ...Index) (Index, error) {
	out := append(Float64Index(nil), x...)
	for _, o := range others {
		switch o := o.(type) {
		case Float64Index:
			out = append(out, o...)
		case Int64Index:
			for _, v := range o {
				out = append(out, float64(v))
			}
		default:
			return nil, fmt.Errorf("%w: cannot concatenate %s labels to float64 labels", ErrMerge, o.DType())
		}
	}
	return out, nil
}

// Len is the number of labels.
func (x Int64Index) Len() int { return len(x) }

// DType is "int64".
func (x Int64Index) DType() string { return "int64" }

// Label is the int64 at i.
func (x Int64Index) Label(i int) any { return x[i] }

// Format prints the label at i in decimal.
func (x Int64Index) Format(i int) string { return strconv.FormatInt(x[i], 10) }

// Compare compares the label at i with a numeric label: integers exactly,
// floats as float64 (NaN is ErrNotFound).
func (x Int64Index) Compare(i int, label any) (int, error) {
	switch v := label.(type) {
	case int:
		return cmp.Compare(x[i], int64(v)), nil
	case int64:
		return cmp.Compare(x[i], v), nil
	case int32:
		return cmp.Compare(x[i], int64(v)), nil
	}
	f, ok := toFloat(label)
	if !ok {
		return 0, fmt.Errorf("%w: %T on an int64 index", ErrLabelType, label)
	}
	if math.IsNaN(f) {
		return 0, fmt.Errorf("%w: NaN", ErrNotFound)
	}
	return cmp.Compare(float64(x[i]), f), nil
}

// Distance is |x[i] − label| as a float64.
func (x Int64Index) Distance(i int, label any) (float64, error) {
	f, ok := toFloat(label)
	if !ok {
		return 0, fmt.Errorf("%w: %T on an int64 index", ErrLabelType, label)
	}
	return math.Abs(float64(x[i]) - f), nil
}

// Key is the int64 label.
func (x Int64Index) Key(i int) any { return x[i] }

// Take returns the labels at positions.
func (x Int64Index) Take(positions []int) Index { return takeLabels(x, positions) }

// Concat joins int64 indexes; a Float64Index among them gives a
// Float64Index.
func (x Int64Index) Concat(others ...Index) (Index, error) {
	out := append(Int64Index(nil), x...)
	for k, o := range others {
		switch o := o.(type) {
		case Int64Index:
			out = append(out, o...)
		case Float64Index:
			f := make(Float64Index, len(out))
			for i, v := range out {
				f[i] = float64(v)
			}
			return f.Concat(others[k:]...)
		default:
			return nil, fmt.Errorf("%w: cannot concatenate %s labels to int64 labels", ErrMerge, o.DType())
		}
	}
	return out, nil
}

// Len is the number of labels.
func (x StringIndex) Len() int { return len(x) }

// DType is numpy's unicode dtype wide enough for the longest label, "<U3"
// for labels of up to three code points.
func (x StringIndex) DType() string {
	n := 1
	for _, s := range x {
		n = max(n, len([]rune(s)))
	}
	return "<U" + strconv.Itoa(n)
}

// Label is the string at i.
func (x StringIndex) Label(i int) any { return x[i] }

// Format quotes the label at i as numpy prints strings.
func (x StringIndex) Format(i int) string { return "'" + x[i] + "'" }

// Compare compares the label at i with a string label.
func (x StringIndex) Compare(i int, label any) (int, error) {
	s, ok := label.(string)
	if !ok {
		return 0, fmt.Errorf("%w: %T on a string index", ErrLabelType, label)
	}
	return cmp.Compare(x[i], s), nil
}

// Distance is always an ErrLabelType error: strings have no distance, so
// nearest is refused on a string index (as pandas refuses it).
func (x StringIndex) Distance(i int, label any) (float64, error) {
	return 0, fmt.Errorf("%w: strings have no distance for method nearest or a tolerance", ErrLabelType)
}

// Key is the string label.
func (x StringIndex) Key(i int) any { return x[i] }

// Take returns the labels at positions.
func (x StringIndex) Take(positions []int) Index { return takeLabels(x, positions) }

// Concat joins string indexes.
func (x StringIndex) Concat(others ...Index) (Index, error) {
	out := append(StringIndex(nil), x...)
	for _, o := range others {
		s, ok := o.(StringIndex)
		if !ok {
			return nil, fmt.Errorf("%w: cannot concatenate %s labels to string labels", ErrMerge, o.DType())
		}
		out = append(out, s...)
	}
	return out, nil
}

func formatFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	for _, c := range s {
		if c == '.' || c == 'e' {
			return s
		}
	}
	return s + ".0"
}

// MonotonicIndex is an optional upgrade of an Index that reports its own
// order without boxing every label: Monotonic is +1 when the labels never
// decrease, -1 when they never increase (and do decrease somewhere), 0
// otherwise or when an unordered label (NaN) is present. An index of fewer
// than two labels is +1. Without it the order is found with Len−1 calls to
// Compare.
type MonotonicIndex interface {
	Index
	Monotonic() int
}

// Monotonic is the order of the labels (see MonotonicIndex).
func (x Float64Index) Monotonic() int {
	for _, v := range x {
		if math.IsNaN(v) {
			return 0
		}
	}
	return sliceOrder(x)
}

// Monotonic is the order of the labels (see MonotonicIndex).
func (x Int64Index) Monotonic() int { return sliceOrder(x) }

// Monotonic is the order of the labels (see MonotonicIndex).
func (x StringIndex) Monotonic() int { return sliceOrder(x) }

func sliceOrder[T cmp.Ordered](x []T) int {
	inc, dec := true, true
	for i := 0; i+1 < len(x) && (inc || dec); i++ {
		if x[i] > x[i+1] {
			inc = false
		}
		if x[i] < x[i+1] {
			dec = false
		}
	}
	switch {
	case inc:
		return 1
	case dec:
		return -1
	}
	return 0
}

// monotonic reports whether ix is non-decreasing (+1), non-increasing (-1),
// or neither (0); a single label or none counts as increasing. It costs
// O(Len) calls to Compare unless ix is a MonotonicIndex.
func monotonic(ix Index) int {
	if m, ok := ix.(MonotonicIndex); ok {
		return m.Monotonic()
	}
	n := ix.Len()
	inc, dec := true, true
	for i := 0; i+1 < n && (inc || dec); i++ {
		c, err := ix.Compare(i, ix.Label(i+1))
		if err != nil {
			return 0
		}
		if c > 0 {
			inc = false
		}
		if c < 0 {
			dec = false
		}
	}
	switch {
	case inc:
		return 1
	case dec:
		return -1
	}
	return 0
}
