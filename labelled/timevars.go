package labelled

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/ndarray"
)

// timeDecodeParams travel in the tasks of a decoded CF time data variable:
// nanoseconds per stored count and the reference time as datetime64[ns].
type timeDecodeParams struct {
	UnitNS int64 `json:"unit_ns"`
	RefNS  int64 `json:"ref_ns"`
}

func init() {
	ndarray.RegisterBlockFunc("labelled.decode_time", decodeTimeBlock)
}

// decodeTimeBlock turns stored counts (any integer or float dtype) into
// datetime64[ns]: ref + v·unit, exactly for integers; for floats v·unit in
// float64 nanoseconds truncated to int64, as xarray's pandas path does, and
// NaN → NaT. A value whose time falls outside datetime64[ns]
// is an error naming it.
func decodeTimeBlock(_ context.Context, in []*block.Dense, p timeDecodeParams, info ndarray.BlockInfo) (*block.Dense, error) {
	if len(in) != 1 || p.UnitNS <= 0 {
		return nil, fmt.Errorf("%w: labelled.decode_time: %d inputs, unit %d ns", ndarray.ErrParams, len(in), p.UnitNS)
	}
	src := in[0]
	out, err := block.New(block.DateTime64(nsUnit), src.Shape()...)
	if err != nil {
		return nil, err
	}
	v := block.Values[int64](out)
	var ints []int64
	if src.DType().IsInt() {
		c, err := src.AsType(block.Int64, block.CastOptions{Overflow: block.OverflowError})
		if err != nil {
			return nil, fmt.Errorf("labelled: time counts of block %v: %w", info.Box, err)
		}
		ints = block.Values[int64](c)
	}
	for i := range v {
		var off int64
		if ints != nil {
			c := ints[i]
			hi, lo := bits.Mul64(uint64(max(c, -c)), uint64(p.UnitNS))
			if hi != 0 || lo > math.MaxInt64 || c == math.MinInt64 {
				return nil, timeRangeErr(src, i, info)
			}
			off = int64(lo)
			if c < 0 {
				off = -off
			}
		} else {
			c := src.Float64(i)
			if math.IsNaN(c) {
				v[i] = block.NaT
				continue
			}
			// As xarray: the offset in float64 nanoseconds, truncated to
			// int64, then added to the reference exactly.
			f := c * float64(p.UnitNS)
			if !(f > math.MinInt64 && f < math.MaxInt64) {
				return nil, timeRangeErr(src, i, info)
			}
			off = int64(f)
		}
		ns := p.RefNS + off
		if (off > 0 && ns < p.RefNS) || (off < 0 && ns > p.RefNS) || ns == block.NaT {
			return nil, timeRangeErr(src, i, info)
		}
		v[i] = ns
	}
	return out, nil
}

func timeRangeErr(src *block.Dense, i int, info ndarray.BlockInfo) error {
	return fmt.Errorf("%w: labelled: time value %v (element %d of block %v) is outside datetime64[ns]", ErrCoord, src.Float64(i), i, info.Box)
}

// nsUnit is datetime64's nanosecond unit.
var nsUnit = func() block.TimeUnit {
	u, err := block.ParseTimeUnit("ns")
	if err != nil {
		panic(err)
	}
	return u
}()

// decodeTimeVar decodes a data variable holding CF times ("days since
// 2000-01-01", time_bnds, say) lazily to datetime64[ns], as xarray does
// for the calendars numpy's datetime64 can hold: standard (reference on or
// after 1582-10-15), gregorian and proleptic_gregorian. units and calendar
// move from attrs to the encoding, as xarray's decode_cf does. Any other
// variable (no "since" units, another calendar, a non-numeric dtype) is
// returned unchanged, with ok false; xarray holds those as cftime objects,
// which a lazy array cannot, so they stay numbers with their units.
func decodeTimeVar(data *ndarray.Array, attrs, enc map[string]any) (_ *ndarray.Array, _, _ map[string]any, ok bool, err error) {
	units, isStr := attrs["units"].(string)
	dt := data.DType()
	if !isStr || !strings.Contains(strings.ToLower(units), " since ") || !(dt.IsInt() || dt.IsFloat()) {
		return data, attrs, enc, false, nil
	}
	calName, _ := attrs["calendar"].(string)
	cal, err := cftime.ParseCalendar(calName)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if cal != cftime.Standard && cal != cftime.ProlepticGregorian {
		return data, attrs, enc, false, nil
	}
	u, err := cftime.ParseUnits(units, cal)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if cal == cftime.Standard && u.Ref.Before(cftime.MustDate(cftime.Standard, 1582, 10, 15, 0, 0, 0, 0)) {
		return data, attrs, enc, false, nil
	}
	ref, err := u.Ref.Datetime64()
	if err != nil {
		return data, attrs, enc, false, nil
	}
	decoded := ndarray.MapBlocks("labelled.decode_time", []*ndarray.Array{data}, block.DateTime64(nsUnit), data.Chunks(),
		timeDecodeParams{UnitNS: int64(u.Unit), RefNS: ref})
	if err := decoded.Err(); err != nil {
		return nil, nil, nil, false, err
	}
	attrs, enc = maps.Clone(attrs), maps.Clone(enc)
	if enc == nil {
		enc = map[string]any{}
	}
	for _, k := range []string{"units", "calendar"} {
		if x, ok := attrs[k]; ok {
			enc[k] = x
			delete(attrs, k)
		}
	}
	return decoded, attrs, enc, true, nil
}

// timeEncodeParams travel in the tasks that CF-encode a datetime64[ns]
// data variable: the unit and reference of the stored counts, and whether
// they are integers (each time must then be a whole number of units).
type timeEncodeParams struct {
	UnitNS int64 `json:"unit_ns"`
	RefNS  int64 `json:"ref_ns"`
	Int    bool  `json:"int"`
}

func init() {
	ndarray.RegisterBlockFunc("labelled.encode_time", encodeTimeBlock)
}

// encodeTimeBlock is decodeTimeBlock's inverse: (t − ref) / unit as int64
// (exact, or an error naming the time that is not a whole number of units
// or is NaT) or as float64 (NaT → NaN).
func encodeTimeBlock(_ context.Context, in []*block.Dense, p timeEncodeParams, info ndarray.BlockInfo) (*block.Dense, error) {
	if len(in) != 1 || p.UnitNS <= 0 || !in[0].DType().IsDateTime() {
		return nil, fmt.Errorf("%w: labelled.encode_time: %d inputs, unit %d ns", ndarray.ErrParams, len(in), p.UnitNS)
	}
	src := block.Values[int64](in[0])
	dt := block.Float64
	if p.Int {
		dt = block.Int64
	}
	out, err := block.New(dt, in[0].Shape()...)
	if err != nil {
		return nil, err
	}
	for i, t := range src {
		if t == block.NaT {
			if p.Int {
				return nil, fmt.Errorf("%w: labelled: NaT (element %d of block %v) cannot be stored as integer time counts", ErrCoord, i, info.Box)
			}
			block.Values[float64](out)[i] = math.NaN()
			continue
		}
		d := t - p.RefNS
		if (t > p.RefNS) != (d > 0) && d != 0 {
			return nil, fmt.Errorf("%w: labelled: time %d ns (element %d of block %v) is too far from the reference", ErrCoord, t, i, info.Box)
		}
		if p.Int {
			if d%p.UnitNS != 0 {
				return nil, fmt.Errorf("%w: labelled: time %d ns (element %d of block %v) is not a whole number of %d ns units", ErrCoord, t, i, info.Box, p.UnitNS)
			}
			block.Values[int64](out)[i] = d / p.UnitNS
			continue
		}
		block.Values[float64](out)[i] = float64(d) / float64(p.UnitNS)
	}
	return out, nil
}

// encodeTimeVar CF-encodes a datetime64 data variable for ToZarr when its
// encoding has "since" units (as OpenZarr leaves a decoded time_bnds): the
// counts in those units and calendar (standard or proleptic_gregorian),
// integers when the encoding's dtype is an integer, else float64, with
// "units" and "calendar" as attrs. Any other variable is returned as is.
func encodeTimeVar(data *ndarray.Array, enc, attrs map[string]any, intDType bool) (*ndarray.Array, error) {
	units, ok := enc["units"].(string)
	if !ok || !data.DType().IsDateTime() || !strings.Contains(strings.ToLower(units), " since ") {
		return data, nil
	}
	if data.DType() != block.DateTime64(nsUnit) {
		return nil, fmt.Errorf("%w: CF-encoding %s times (only datetime64[ns])", ErrCoord, data.DType())
	}
	calName, _ := enc["calendar"].(string)
	cal, err := cftime.ParseCalendar(calName)
	if err != nil {
		return nil, err
	}
	if cal != cftime.Standard && cal != cftime.ProlepticGregorian {
		return nil, fmt.Errorf("%w: datetime64 times in the %s calendar", ErrCoord, cal)
	}
	u, err := cftime.ParseUnits(units, cal)
	if err != nil {
		return nil, err
	}
	ref, err := u.Ref.Datetime64()
	if err != nil {
		return nil, fmt.Errorf("%w: reference of %q: %w", ErrCoord, units, err)
	}
	dt := block.Float64
	if intDType {
		dt = block.Int64
	}
	attrs["units"] = units
	if calName != "" {
		attrs["calendar"] = calName
	}
	return ndarray.MapBlocks("labelled.encode_time", []*ndarray.Array{data}, dt, data.Chunks(),
		timeEncodeParams{UnitNS: int64(u.Unit), RefNS: ref, Int: intDType}), nil
}
