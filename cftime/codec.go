package cftime

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

// DecodeInts decodes integer offsets counted in u.Unit from u.Ref, exactly:
// the Times holds a copy of values with u's unit and reference as its
// epoch, so decoding is a copy and a range check. NaT (math.MinInt64)
// stays missing; a value landing beyond ±MaxYear is an error wrapping
// ErrRange.
func (u Units) DecodeInts(values []int64) (Times, error) {
	if err := u.Unit.validIn(u.Ref.cal); err != nil {
		return Times{}, err
	}
	ts, err := NewTimes(u.Ref, u.Unit, append([]int64(nil), values...))
	if err != nil {
		return Times{}, fmt.Errorf("decoding %q: %w", u, err)
	}
	return ts, nil
}

// DecodeFloats decodes float offsets as cftime's num2date does. If every
// value is a whole number the result counts u.Unit exactly, like
// DecodeInts. Otherwise each offset is scaled to microseconds in 80-bit
// extended precision, rounded to the nearest microsecond (ties to even),
// and, for units of a second or more, a result 1 µs off a whole second is
// taken to that second (cftime's fix for float noise, its issue 187); the
// result counts microseconds (nanoseconds for the nanoseconds unit, which
// cftime lacks and xarray supports). NaN is a missing time (NaT, as
// xarray decodes it); ±Inf and offsets beyond int64 microseconds or
// ±MaxYear wrap ErrRange.
func (u Units) DecodeFloats(values []float64) (Times, error) {
	if err := u.Unit.validIn(u.Ref.cal); err != nil {
		return Times{}, err
	}
	counts := make([]int64, len(values))
	whole := true
	for i, v := range values {
		switch {
		case math.IsNaN(v):
			counts[i] = NaT
		case math.IsInf(v, 0) || v >= 1<<63 || v < -(1<<63):
			return Times{}, fmt.Errorf("%w: decoding %q: value %d is %v", ErrRange, u, i, v)
		case v != math.Trunc(v) || v == -(1<<63):
			// -2^63 is whole but is the NaT count; the scaled path
			// reports it out of range.
			whole = false
		default:
			counts[i] = int64(v)
		}
	}
	if whole {
		ts, err := NewTimes(u.Ref, u.Unit, counts)
		if err != nil {
			return Times{}, fmt.Errorf("decoding %q: %w", u, err)
		}
		return ts, nil
	}
	res, factor := Microsecond, int64(u.Unit/Microsecond)
	adjust := u.Unit >= Second
	if u.Unit < Microsecond {
		res, factor, adjust = Nanosecond, 1, false
	}
	for i, v := range values {
		if math.IsNaN(v) {
			counts[i] = NaT
			continue
		}
		c, ok := cftimeScale(v, factor, adjust)
		if !ok {
			return Times{}, fmt.Errorf("%w: decoding %q: value %d (%v) overflows int64 %v", ErrRange, u, i, v, res)
		}
		counts[i] = c
	}
	ts, err := NewTimes(u.Ref, res, counts)
	if err != nil {
		return Times{}, fmt.Errorf("decoding %q: %w", u, err)
	}
	return ts, nil
}

// Decode decodes one offset as DecodeFloats does; NaN is an error wrapping
// ErrNaT.
func (u Units) Decode(v float64) (Time, error) {
	ts, err := u.DecodeFloats([]float64{v})
	if err != nil {
		return Time{}, err
	}
	t, ok := ts.At(0)
	if !ok {
		return Time{}, fmt.Errorf("%w: decoding NaN in %q", ErrNaT, u)
	}
	return t, nil
}

// cftimeScale returns v*factor as cftime's num2date computes it: the
// product in x87 extended precision (64-bit significand, ties to even),
// then rint, then the issue-187 correction when adjust is set.
func cftimeScale(v float64, factor int64, adjust bool) (int64, bool) {
	neg, m, e := extMul(v, uint64(factor))
	r, fl, ce, ok := roundInt(neg, m, e)
	if !ok {
		return 0, false
	}
	if adjust {
		switch floorMod(r, 1_000_000) {
		case 1:
			r = fl
		case 999_999:
			r = ce
		}
	}
	return r, true
}

// extMul returns |v|*f rounded to a 64-bit significand, as m*2^e, and the
// sign.
func extMul(v float64, f uint64) (neg bool, m uint64, e int) {
	neg = math.Signbit(v)
	frac, exp := math.Frexp(math.Abs(v))
	mant := uint64(frac * (1 << 53)) // exact: frac has 53 significant bits
	e = exp - 53
	hi, lo := bits.Mul64(mant, f)
	if hi == 0 {
		return neg, lo, e
	}
	shift := uint(bits.Len64(hi))
	m = hi<<(64-shift) | lo>>shift
	rem := lo & (1<<shift - 1)
	half := uint64(1) << (shift - 1)
	if rem > half || (rem == half && m&1 == 1) {
		m++
		if m == 0 { // carried out of 64 bits
			m = 1 << 63
			shift++
		}
	}
	return neg, m, e + int(shift)
}

// roundInt returns rint, floor and ceil of ±m*2^e as int64s.
func roundInt(neg bool, m uint64, e int) (r, fl, ce int64, ok bool) {
	var q, rem uint64
	var gtHalf, isHalf bool
	switch {
	case e >= 0:
		if e >= 63 || m > (math.MaxInt64>>uint(e)) {
			return 0, 0, 0, m == 0
		}
		q = m << uint(e)
	case e <= -65:
		q, rem = 0, m // below one half
	case e == -64:
		q, rem = 0, m
		gtHalf, isHalf = m > 1<<63, m == 1<<63
	default:
		s := uint(-e)
		q, rem = m>>s, m&(1<<s-1)
		h := uint64(1) << (s - 1)
		gtHalf, isHalf = rem > h, rem == h
	}
	if q > math.MaxInt64-1 {
		return 0, 0, 0, false
	}
	rq := q
	if gtHalf || (isHalf && q&1 == 1) {
		rq++
	}
	frac := rem != 0
	if !neg {
		c := int64(q)
		if frac {
			c++
		}
		return int64(rq), int64(q), c, true
	}
	f := -int64(q)
	if frac {
		f--
	}
	return -int64(rq), f, -int64(q), true
}

// offset returns t-u.Ref in u.Unit as a whole part and a remainder in
// nanoseconds, 0 <= rem < unit.
func (u Units) offset(t Time) (whole, rem int64, err error) {
	if t.cal != u.Ref.cal && !(t.cal.Real() && u.Ref.cal.Real()) {
		return 0, 0, fmt.Errorf("%w: cannot encode a %s time in %s units", ErrCalendar, t.cal, u.Ref.cal)
	}
	days, ns := t.Between(u.Ref)
	un := int64(u.Unit)
	if un >= nsPerDay {
		dpu := un / nsPerDay
		return floorDiv(days, dpu), floorMod(days, dpu)*nsPerDay + ns, nil
	}
	upd := nsPerDay / un
	if days > math.MaxInt64/upd-1 || days < math.MinInt64/upd+1 {
		return 0, 0, fmt.Errorf("%w: %s is too far from %s to count in %v", ErrRange, t, u.Ref, u.Unit)
	}
	return days*upd + ns/un, ns % un, nil
}

// EncodeInt returns t as a whole count of u.Unit from u.Ref, or an error
// wrapping ErrPrecision if it is not one (ErrRange past int64).
func (u Units) EncodeInt(t Time) (int64, error) {
	w, rem, err := u.offset(t)
	if err != nil {
		return 0, err
	}
	if rem != 0 {
		return 0, fmt.Errorf("%w: %s is not a whole number of %q", ErrPrecision, t, u)
	}
	return w, nil
}

// EncodeFloat returns t's offset from u.Ref in u.Unit as cftime's date2num
// computes it: the exact ratio, correctly rounded to a float64. exact
// reports whether the offset is a whole number of units, as date2num then
// returns an integer.
func (u Units) EncodeFloat(t Time) (v float64, exact bool, err error) {
	w, rem, err := u.offset(t)
	if err != nil {
		return 0, false, err
	}
	return ratio(w, rem, int64(u.Unit)), rem == 0, nil
}

// ratio returns (w*u + rem)/u correctly rounded.
func ratio(w, rem, u int64) float64 {
	if rem == 0 {
		return float64(w)
	}
	if w < math.MaxInt64/u-1 && w > math.MinInt64/u+1 {
		n := w*u + rem
		g := gcd(abs64(n), u)
		n, d := n/g, u/g
		if abs64(n) <= 1<<53 && d <= 1<<53 {
			return float64(n) / float64(d)
		}
	}
	num := new(big.Int).Mul(big.NewInt(w), big.NewInt(u))
	num.Add(num, big.NewInt(rem))
	f, _ := new(big.Rat).SetFrac(num, big.NewInt(u)).Float64()
	return f
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Encoding is a time axis encoded the CF way: its units and either integer
// or float offsets (exactly one of Ints and Floats is set, unless the axis
// is empty).
type Encoding struct {
	// Units the offsets count; Units.String() is the attribute to write.
	Units Units
	// Ints are the offsets when every time is a whole count and none is
	// missing (xarray then writes int64).
	Ints []int64
	// Floats are the offsets otherwise, NaN for a missing time.
	Floats []float64
}

// EncodeOptions says how Encode encodes.
type EncodeOptions struct {
	// Units to encode in; nil infers them as xarray's
	// infer_datetime_units does (see InferUnits).
	Units *Units
	// AllowLossy lets float offsets that do not decode back to the same
	// times (at DecodeFloats' microsecond resolution) through; without it
	// Encode refuses them with ErrPrecision, naming the first.
	AllowLossy bool
}

// Encode encodes an axis as xarray's encode_cf_datetime does: in the
// given or inferred units, as integers when every time is a whole number
// of units and none is missing, else as floats (NaT → NaN), each the
// correctly rounded ratio cftime's date2num returns. Float offsets that
// would not decode to the same times — by cftime's rounding, and for
// standard and proleptic_gregorian times inside datetime64[ns] also by
// the truncation of xarray's pandas path — are refused (ErrPrecision)
// unless opts.AllowLossy.
func Encode(ts Times, opts EncodeOptions) (Encoding, error) {
	var u Units
	if opts.Units != nil {
		u = *opts.Units
		if err := u.Unit.validIn(u.Ref.cal); err != nil {
			return Encoding{}, err
		}
	} else {
		var err error
		if u, err = InferUnits(ts); err != nil {
			return Encoding{}, err
		}
	}
	n := ts.Len()
	ints := make([]int64, n)
	whole := true
	for i := range n {
		t, ok := ts.At(i)
		if !ok {
			whole = false
			break
		}
		w, rem, err := u.offset(t)
		if err != nil {
			return Encoding{}, fmt.Errorf("time %d: %w", i, err)
		}
		if rem != 0 {
			whole = false
			break
		}
		ints[i] = w
	}
	if whole {
		return Encoding{Units: u, Ints: ints}, nil
	}
	floats := make([]float64, n)
	for i := range n {
		t, ok := ts.At(i)
		if !ok {
			floats[i] = math.NaN()
			continue
		}
		v, _, err := u.EncodeFloat(t)
		if err != nil {
			return Encoding{}, fmt.Errorf("time %d: %w", i, err)
		}
		floats[i] = v
		if !opts.AllowLossy {
			back, err := u.Decode(v)
			if err != nil || !back.Equal(t) {
				return Encoding{}, fmt.Errorf("%w: time %d, %s, is %v %q, which decodes to %s", ErrPrecision, i, t, v, u, back)
			}
			if !pandasDecodes(u, t, v) {
				return Encoding{}, fmt.Errorf("%w: time %d, %s, is %v %q, which xarray decodes through pandas to another nanosecond", ErrPrecision, i, t, v, u)
			}
		}
	}
	return Encoding{Units: u, Floats: floats}, nil
}

// pandasDecodes reports whether xarray's pandas path, which it takes for
// standard and proleptic_gregorian times inside datetime64[ns], decodes v
// to t: it truncates v times the unit in nanoseconds, in float64, to an
// int64 and adds it to the reference. Elsewhere xarray decodes with cftime,
// which Decode already matches.
func pandasDecodes(u Units, t Time, v float64) bool {
	if u.Ref.cal != Standard && u.Ref.cal != ProlepticGregorian {
		return true
	}
	ref, err1 := u.Ref.Datetime64()
	tn, err2 := t.Datetime64()
	if err1 != nil || err2 != nil {
		return true
	}
	p := v * float64(u.Unit)
	if p >= 1<<63 || p < -(1<<63) {
		return false
	}
	return ref+int64(p) == tn
}

// InferUnits chooses units for an axis as xarray's infer_datetime_units
// does: the reference is the first time that is not missing (1970-01-01
// if none) and the unit the first of days, hours, minutes, seconds,
// milliseconds, microseconds that divides every offset — then nanoseconds
// for standard and proleptic_gregorian, which xarray decodes through
// numpy, and else seconds (whose float offsets Encode then refuses as
// lossy), as cftime has no nanoseconds.
func InferUnits(ts Times) (Units, error) {
	cal := ts.Calendar()
	ref := Time{cal: cal} // 1970-01-01 of the calendar
	found := false
	for i := range ts.Len() {
		if t, ok := ts.At(i); ok {
			ref, found = t, true
			break
		}
	}
	cands := []Unit{Day, Hour, Minute, Second, Millisecond, Microsecond}
	if cal == Standard || cal == ProlepticGregorian {
		cands = append(cands, Nanosecond)
	}
	if !found {
		return Units{Unit: Day, Ref: ref}, nil
	}
	for _, unit := range cands {
		u := Units{Unit: unit, Ref: ref}
		ok := true
		for i := range ts.Len() {
			t, valid := ts.At(i)
			if !valid {
				continue
			}
			_, rem, err := u.offset(t)
			if err != nil {
				return Units{}, fmt.Errorf("time %d: %w", i, err)
			}
			if rem != 0 {
				ok = false
				break
			}
		}
		if ok {
			return u, nil
		}
	}
	return Units{Unit: Second, Ref: ref}, nil
}
