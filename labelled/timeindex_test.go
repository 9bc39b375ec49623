package labelled_test

import (
	"cmp"
	"fmt"
	"math"
	"time"

	"github.com/tessera-array/tessera/labelled"
)

// secondsIndex is a time index written against the Index contract as the
// cftime package's will be: int64 seconds since 2020-01-01T00:00Z in the
// proleptic Gregorian calendar, labels given as seconds or as date strings.
// Following pandas on an index of day resolution, "2020-02" and "2020" name
// intervals (a month, a year) and full dates are points. It lives in the
// tests so that the contract, and the interval path of Sel, are exercised by
// an index outside the package.
type secondsIndex []int64

var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func (x secondsIndex) Len() int        { return len(x) }
func (x secondsIndex) DType() string   { return "datetime64[s]" }
func (x secondsIndex) Label(i int) any { return x[i] }
func (x secondsIndex) Format(i int) string {
	return epoch.Add(time.Duration(x[i]) * time.Second).Format("2006-01-02T15:04:05")
}

func (x secondsIndex) seconds(label any) (int64, error) {
	switch v := label.(type) {
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	case string:
		for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				return int64(t.Sub(epoch) / time.Second), nil
			}
		}
		return 0, fmt.Errorf("%w: date %q", labelled.ErrLabelType, v)
	}
	return 0, fmt.Errorf("%w: %T on a time index", labelled.ErrLabelType, label)
}

func (x secondsIndex) Compare(i int, label any) (int, error) {
	s, err := x.seconds(label)
	if err != nil {
		return 0, err
	}
	return cmp.Compare(x[i], s), nil
}

func (x secondsIndex) Distance(i int, label any) (float64, error) {
	s, err := x.seconds(label)
	if err != nil {
		return 0, err
	}
	return math.Abs(float64(x[i] - s)), nil
}

func (x secondsIndex) Key(i int) any { return x[i] }

func (x secondsIndex) Take(positions []int) labelled.Index {
	out := make(secondsIndex, len(positions))
	for k, p := range positions {
		out[k] = x[p]
	}
	return out
}

func (x secondsIndex) Concat(others ...labelled.Index) (labelled.Index, error) {
	out := append(secondsIndex(nil), x...)
	for _, o := range others {
		s, ok := o.(secondsIndex)
		if !ok {
			return nil, fmt.Errorf("%w: %s labels onto a time index", labelled.ErrMerge, o.DType())
		}
		out = append(out, s...)
	}
	return out, nil
}

// Interval reads "2006" and "2006-01" as the year and the month.
func (x secondsIndex) Interval(label any) (lo, hi any, ok bool, err error) {
	s, isStr := label.(string)
	if !isStr {
		return nil, nil, false, nil
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return int64(t.Sub(epoch) / time.Second), int64(t.AddDate(0, 1, 0).Sub(epoch) / time.Second), true, nil
	}
	if t, err := time.Parse("2006", s); err == nil {
		return int64(t.Sub(epoch) / time.Second), int64(t.AddDate(1, 0, 0).Sub(epoch) / time.Second), true, nil
	}
	return nil, nil, false, nil
}

var _ labelled.IntervalIndex = secondsIndex(nil)
