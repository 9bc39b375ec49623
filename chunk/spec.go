package chunk

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// DefaultAutoBytes is the target chunk size in bytes for "auto" axes when
// NormalizeOptions.TargetBytes is zero, matching dask's array.chunk-size.
const DefaultAutoBytes = 128 << 20

// AxisKind says how one axis of a Spec is chunked. The zero AxisKind is
// invalid.
type AxisKind uint8

const (
	// AxisSize cuts the axis into chunks of Size elements (last may be smaller).
	AxisSize AxisKind = iota + 1
	// AxisWhole makes the whole axis one chunk (dask's -1 or None).
	AxisWhole
	// AxisAuto lets Normalize choose a size to meet the byte target.
	AxisAuto
	// AxisExplicit gives every chunk size; they must sum to the axis length.
	AxisExplicit
	// AxisNative takes the source's own chunk size on the axis
	// (NormalizeOptions.Previous) unchanged: Zarr chunks (shards for
	// sharded arrays), GDAL blocks. Normalize reports ErrSpec when the
	// source has none.
	AxisNative
)

// AxisSpec is the chunking of one axis. Its Kind says which of Size and
// Sizes is read; the zero AxisSpec has no kind and Normalize refuses it.
type AxisSpec struct {
	Kind  AxisKind // how the axis is chunked
	Size  int      // the chunk size, for AxisSize
	Sizes []int    // every chunk size, for AxisExplicit
}

// Spec is a dask-style chunk specification. With All set, one AxisSpec
// applies to every axis ("auto", 100, -1); otherwise Axes has one entry per
// axis. Build Specs with Auto, Native, Uniform, PerAxis, Explicit or
// ParseSpec.
//
// The zero Spec means Auto in every package that takes a Spec: Normalize
// treats it as Auto, so a source with chunks of its own (a Zarr array, a
// tiled GeoTIFF) gets chunks that are whole multiples of them up to the
// byte target, and exactly its chunks where one already exceeds the
// target. Native asks for exactly the source's chunks.
type Spec struct {
	// All, when set, is the chunking of every axis; Axes is then ignored.
	All *AxisSpec
	// Axes is the chunking of each axis, one entry per axis of the array
	// Normalize is given (ErrRank otherwise).
	Axes []AxisSpec
}

// Auto is the spec "auto": every axis sized to meet the byte target,
// in whole multiples of the source's chunks when the source has some
// (NormalizeOptions.Previous). It is what the zero Spec means.
func Auto() Spec { return Spec{All: &AxisSpec{Kind: AxisAuto}} }

// Native is the spec "native": exactly the source's own chunks
// (NormalizeOptions.Previous) on every axis, whatever their size, as
// xarray's open_zarr(chunks={}) gives. Normalize reports ErrSpec for a
// source without chunks of its own (a generator, an in-memory block).
func Native() Spec { return Spec{All: &AxisSpec{Kind: AxisNative}} }

// IsZero reports whether s is the zero Spec (neither All nor Axes set),
// which Normalize reads as Auto.
func (s Spec) IsZero() bool { return s.All == nil && s.Axes == nil }

// Uniform is the spec n: chunks of n along every axis; n == -1 means whole
// axes.
func Uniform(n int) Spec { return Spec{All: intAxis(n)} }

// PerAxis gives one size per axis; -1 means the whole axis and 0 means auto.
func PerAxis(sizes ...int) Spec {
	s := Spec{Axes: make([]AxisSpec, len(sizes))}
	for i, n := range sizes {
		if n == 0 {
			s.Axes[i] = AxisSpec{Kind: AxisAuto}
		} else {
			s.Axes[i] = *intAxis(n)
		}
	}
	return s
}

// Explicit gives every chunk size of every axis, dask's tuple of tuples.
func Explicit(sizes ...[]int) Spec {
	s := Spec{Axes: make([]AxisSpec, len(sizes))}
	for i, cs := range sizes {
		s.Axes[i] = AxisSpec{Kind: AxisExplicit, Sizes: clone(cs)}
	}
	return s
}

func intAxis(n int) *AxisSpec {
	if n == -1 {
		return &AxisSpec{Kind: AxisWhole}
	}
	return &AxisSpec{Kind: AxisSize, Size: n}
}

// String formats the spec in the syntax ParseSpec reads; the zero Spec
// formats as "auto", the meaning Normalize gives it.
func (s Spec) String() string {
	if s.IsZero() {
		return "auto"
	}
	if s.All != nil {
		return s.All.String()
	}
	parts := make([]string, len(s.Axes))
	for i, a := range s.Axes {
		parts[i] = a.String()
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// String formats one axis in the syntax ParseSpec reads: "100", "-1",
// "auto", "native" or a tuple of explicit sizes; "?" for an unknown kind.
func (a AxisSpec) String() string {
	switch a.Kind {
	case AxisNative:
		return "native"
	case AxisSize:
		return strconv.Itoa(a.Size)
	case AxisWhole:
		return "-1"
	case AxisAuto:
		return "auto"
	case AxisExplicit:
		parts := make([]string, len(a.Sizes))
		for i, n := range a.Sizes {
			parts[i] = strconv.Itoa(n)
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return "?"
}

// NormalizeOptions tunes Spec.Normalize.
type NormalizeOptions struct {
	// TargetBytes is the goal for chunk bytes on "auto" axes; 0 means
	// DefaultAutoBytes. It may be set by a byte-size spec such as "64MiB".
	TargetBytes int64
	// Previous, when set, is the chunk shape of the source underneath (a
	// Zarr array's chunks or shards, a raster's GDAL blocks), one entry
	// per axis; an entry <= 0 means the axis has no native chunking. Auto
	// axes then take whole multiples of it (dask's previous_chunks), so
	// no source chunk is split between two array chunks, and native axes
	// take it exactly.
	Previous []int
}

// ParseSpec reads a chunk spec in the forms dask users write:
//
//	auto            every axis automatic
//	64MiB           every axis automatic with that byte target
//	100             chunks of 100 on every axis
//	-1              one chunk per axis
//	native          the source's own chunks on every axis
//	100, -1, auto   one entry per axis (parentheses optional)
//	((10, 10, 5), 20)  explicit sizes on axis 0, 20 on axis 1
//
// The byte target of a size such as "64MiB" is returned in the options.
func ParseSpec(text string) (Spec, NormalizeOptions, error) {
	p := &specParser{s: text}
	var opts NormalizeOptions
	p.skip()
	if p.done() {
		return Spec{}, opts, errorf(ErrSpec, "empty spec")
	}
	// A single bare item (not a tuple) applies to all axes.
	start := p.i
	item, isTuple, err := p.item(&opts)
	p.skip()
	if err == nil && p.done() && !isTuple {
		if item.Kind == AxisExplicit {
			return Spec{}, opts, errorf(ErrSpec, "%q: explicit sizes need one tuple per axis", text)
		}
		return Spec{All: &item}, opts, nil
	}
	// Otherwise a list of axes, possibly wrapped in parentheses.
	p.i = start
	opts = NormalizeOptions{}
	axes, err := p.axisList(&opts)
	if err != nil {
		return Spec{}, opts, err
	}
	return Spec{Axes: axes}, opts, nil
}

type specParser struct {
	s string
	i int
}

func (p *specParser) done() bool { return p.i >= len(p.s) }

func (p *specParser) skip() {
	for p.i < len(p.s) && unicode.IsSpace(rune(p.s[p.i])) {
		p.i++
	}
}

func (p *specParser) fail(msg string) error {
	return errorf(ErrSpec, "%q at offset %d: %s", p.s, p.i, msg)
}

// axisList parses "a, b, c" or "(a, b, c)" up to the end of the input.
func (p *specParser) axisList(opts *NormalizeOptions) ([]AxisSpec, error) {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		// "(a, b)" as the whole input is a wrapped list, but "((1,2),3)"
		// also starts with '('. Decide by parsing the wrapped form first.
		save := p.i
		p.i++
		axes, err := p.items(opts, ')')
		if err == nil {
			p.skip()
			if p.done() {
				return axes, nil
			}
		}
		p.i = save
		*opts = NormalizeOptions{}
	}
	axes, err := p.items(opts, 0)
	if err != nil {
		return nil, err
	}
	if !p.done() {
		return nil, p.fail("unexpected text")
	}
	return axes, nil
}

// items parses comma-separated axis items until close (or end when close==0).
func (p *specParser) items(opts *NormalizeOptions, close byte) ([]AxisSpec, error) {
	var axes []AxisSpec
	for {
		p.skip()
		if close != 0 && p.i < len(p.s) && p.s[p.i] == close && len(axes) > 0 {
			p.i++
			return axes, nil
		}
		it, _, err := p.item(opts)
		if err != nil {
			return nil, err
		}
		axes = append(axes, it)
		if len(axes) > 64 {
			return nil, p.fail("more than 64 axes")
		}
		p.skip()
		if p.done() {
			if close != 0 {
				return nil, p.fail("missing closing parenthesis")
			}
			return axes, nil
		}
		switch c := p.s[p.i]; {
		case c == ',':
			p.i++
		case close != 0 && c == close:
			p.i++
			return axes, nil
		default:
			return nil, p.fail(fmt.Sprintf("unexpected %q", c))
		}
	}
}

// item parses one axis: an int, -1, auto, None, a byte size, or a tuple of
// ints (explicit sizes). isTuple reports a parenthesised item.
func (p *specParser) item(opts *NormalizeOptions) (AxisSpec, bool, error) {
	p.skip()
	if p.done() {
		return AxisSpec{}, false, p.fail("missing item")
	}
	if p.s[p.i] == '(' {
		p.i++
		var sizes []int
		for {
			p.skip()
			if p.i < len(p.s) && p.s[p.i] == ')' && len(sizes) > 0 {
				p.i++
				return AxisSpec{Kind: AxisExplicit, Sizes: sizes}, true, nil
			}
			n, err := p.int()
			if err != nil {
				return AxisSpec{}, true, err
			}
			if n <= 0 {
				return AxisSpec{}, true, p.fail(fmt.Sprintf("explicit chunk size %d must be positive", n))
			}
			sizes = append(sizes, n)
			if len(sizes) > 1<<20 {
				return AxisSpec{}, true, p.fail("too many chunks")
			}
			p.skip()
			if p.done() {
				return AxisSpec{}, true, p.fail("missing closing parenthesis")
			}
			switch p.s[p.i] {
			case ',':
				p.i++
			case ')':
				p.i++
				return AxisSpec{Kind: AxisExplicit, Sizes: sizes}, true, nil
			default:
				return AxisSpec{}, true, p.fail(fmt.Sprintf("unexpected %q in explicit sizes", p.s[p.i]))
			}
		}
	}
	// a word: run of letters, digits, '-', '.', '+'
	j := p.i
	for j < len(p.s) && (isWordByte(p.s[j])) {
		j++
	}
	word := p.s[p.i:j]
	if word == "" {
		return AxisSpec{}, false, p.fail(fmt.Sprintf("unexpected %q", p.s[p.i]))
	}
	p.i = j
	switch strings.ToLower(word) {
	case "auto":
		return AxisSpec{Kind: AxisAuto}, false, nil
	case "native":
		return AxisSpec{Kind: AxisNative}, false, nil
	case "none", "-1":
		return AxisSpec{Kind: AxisWhole}, false, nil
	}
	if n, err := strconv.Atoi(word); err == nil {
		if n <= 0 {
			return AxisSpec{}, false, p.fail(fmt.Sprintf("chunk size %d must be positive (or -1 for the whole axis)", n))
		}
		return AxisSpec{Kind: AxisSize, Size: n}, false, nil
	}
	b, err := ParseBytes(word)
	if err != nil {
		return AxisSpec{}, false, p.fail(fmt.Sprintf("%q is not a chunk size, -1, auto or a byte size", word))
	}
	if opts.TargetBytes != 0 && opts.TargetBytes != b {
		return AxisSpec{}, false, p.fail("two different byte targets")
	}
	opts.TargetBytes = b
	return AxisSpec{Kind: AxisAuto}, false, nil
}

func isWordByte(c byte) bool {
	return c == '-' || c == '.' || c == '+' || c == '_' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func (p *specParser) int() (int, error) {
	j := p.i
	if j < len(p.s) && (p.s[j] == '-' || p.s[j] == '+') {
		j++
	}
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(p.s[p.i:j])
	if err != nil {
		return 0, p.fail("expected an integer")
	}
	p.i = j
	return n, nil
}

var byteUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
	"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12,
}

// ParseBytes reads a byte size such as "128MiB", "1.5 GB" or "4096".
// Decimal units (kB, MB, GB, TB) are powers of 1000, binary ones (KiB, MiB,
// GiB, TiB) powers of 1024, as in dask.utils.parse_bytes.
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	j := 0
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' && j > 0 && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9') {
		j++
	}
	num, unit := s[:j], strings.ToLower(strings.TrimSpace(s[j:]))
	if num == "" {
		num = "1"
		if unit == "" {
			return 0, errorf(ErrSpec, "empty byte size")
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, errorf(ErrSpec, "byte size %q: bad number", s)
	}
	m, ok := byteUnits[unit]
	if !ok {
		return 0, errorf(ErrSpec, "byte size %q: unknown unit %q", s, unit)
	}
	v *= m
	if v < 1 || v > math.MaxInt64/2 || math.IsNaN(v) {
		return 0, errorf(ErrSpec, "byte size %q out of range", s)
	}
	return int64(v), nil
}

// Normalize turns the spec into a Grid for an array of the given shape whose
// elements take itemSize bytes; the zero Spec normalises as Auto.
//
// Auto axes share the byte target left by the other axes. Without
// opts.Previous they share it equally (the per-axis size is the n-th root
// of the element budget), an axis shorter than its share taking its whole
// length. With opts.Previous they follow dask's auto_chunks with
// previous_chunks: every auto axis scales the source chunk by the same
// factor, rounded down to a whole multiple of it, so the chunk keeps the
// source chunk's aspect ratio; an axis whose share reaches its length
// takes the whole axis and the others share what is left; a source chunk
// already over the target is taken as it is (never split: unlike dask,
// which shrinks it, a split source chunk would be read twice). Native
// axes take opts.Previous exactly.
func (s Spec) Normalize(shape []int, itemSize int, opts NormalizeOptions) (*Grid, error) {
	if err := CheckShape(shape); err != nil {
		return nil, err
	}
	if s.IsZero() {
		s = Auto()
	}
	if itemSize <= 0 {
		return nil, errorf(ErrSpec, "item size %d must be positive", itemSize)
	}
	axes := make([]AxisSpec, len(shape))
	if s.All != nil {
		for i := range axes {
			axes[i] = *s.All
		}
		if s.All.Kind == AxisExplicit && len(shape) != 1 {
			return nil, errorf(ErrSpec, "explicit sizes %v given for all %d axes", s.All.Sizes, len(shape))
		}
	} else {
		if len(s.Axes) != len(shape) {
			return nil, errorf(ErrRank, "chunk spec %v has %d axes, array shape %v has %d", s, len(s.Axes), shape, len(shape))
		}
		copy(axes, s.Axes)
	}
	if opts.Previous != nil && len(opts.Previous) != len(shape) {
		return nil, errorf(ErrRank, "previous chunks %v do not match rank %d", opts.Previous, len(shape))
	}
	target := opts.TargetBytes
	if target == 0 {
		target = DefaultAutoBytes
	}
	if target < 0 {
		return nil, errorf(ErrSpec, "target bytes %d must be positive", target)
	}
	sizes := make([]Axis, len(shape))
	fixed := int64(itemSize) // bytes per element times the non-auto chunk extents
	var auto []int
	for a, ax := range axes {
		n := shape[a]
		switch ax.Kind {
		case AxisSize:
			if ax.Size <= 0 {
				return nil, errorf(ErrSpec, "axis %d: chunk size %d must be positive", a, ax.Size)
			}
			sizes[a], _ = RegularAxis(n, ax.Size)
			fixed = satMul(fixed, int64(min(ax.Size, max(n, 1))))
		case AxisWhole:
			sizes[a], _ = RegularAxis(n, max(n, 1))
			fixed = satMul(fixed, int64(max(n, 1)))
		case AxisExplicit:
			for i, c := range ax.Sizes {
				if c <= 0 && !(n == 0 && len(ax.Sizes) == 1 && c == 0) {
					return nil, errorf(ErrSpec, "axis %d chunk %d: size %d must be positive", a, i, c)
				}
			}
			la, err := ListAxis(ax.Sizes)
			if err != nil {
				return nil, errorf(ErrSpec, "axis %d: %v", a, err)
			}
			if la.Len() != n {
				return nil, errorf(ErrSpec, "axis %d: chunk sizes %v sum to %d, not the axis length %d", a, ax.Sizes, la.Len(), n)
			}
			sizes[a] = la
			mx := 1
			for _, c := range ax.Sizes {
				mx = max(mx, c)
			}
			fixed = satMul(fixed, int64(mx))
		case AxisAuto:
			auto = append(auto, a)
		case AxisNative:
			if opts.Previous == nil || opts.Previous[a] <= 0 {
				return nil, errorf(ErrSpec, "axis %d: native chunks asked for, but the source has none", a)
			}
			p := opts.Previous[a]
			sizes[a], _ = RegularAxis(n, p)
			fixed = satMul(fixed, int64(min(p, max(n, 1))))
		default:
			return nil, errorf(ErrSpec, "axis %d: unknown kind %d", a, ax.Kind)
		}
	}
	if len(auto) > 0 {
		chosen := autoSizes(shape, auto, fixed, target, opts.Previous)
		for _, a := range auto {
			sizes[a], _ = RegularAxis(shape[a], chosen[a])
		}
	}
	return NewGridAxes(sizes)
}

// autoSizes picks chunk sizes for the auto axes so that the chunk's bytes
// approach target without passing it. Each auto axis a starts from its
// source chunk p[a] (1 without one) and all are scaled by one factor f,
// the len(left)-th root of target over the bytes of the starting chunk
// (fixedBytes covers the other axes). An axis whose scaled size reaches its
// length takes the whole axis, and f is worked out again for the rest
// (dask's approach); otherwise each takes p[a]*f rounded down to a
// multiple of p[a], and never less than p[a].
func autoSizes(shape []int, auto []int, fixedBytes, target int64, previous []int) map[int]int {
	chosen := map[int]int{}
	prev := func(a int) int {
		if previous != nil && previous[a] > 0 {
			return min(previous[a], max(shape[a], 1))
		}
		return 1
	}
	budget := float64(target) / float64(fixedBytes) // elements left for the auto axes
	left := append([]int(nil), auto...)
	for len(left) > 0 {
		start := 1.0
		for _, a := range left {
			start *= float64(prev(a))
		}
		f := math.Pow(budget/start, 1/float64(len(left)))
		var next []int
		for _, a := range left {
			if n := max(shape[a], 1); float64(prev(a))*f >= float64(n) {
				chosen[a] = n
				budget /= float64(n)
			} else {
				next = append(next, a)
			}
		}
		if len(next) == len(left) {
			for _, a := range next {
				p := prev(a)
				// 1e-9 keeps a product that is exact in reals (8 = ∛512) from
				// rounding down a whole multiple in floating point.
				c := int(math.Min(float64(p)*f*(1+1e-9), float64(math.MaxInt32)))
				c = max(p, c/p*p)
				chosen[a] = max(1, min(c, max(shape[a], 1)))
			}
			break
		}
		left = next
	}
	return chosen
}

func satMul(a, b int64) int64 {
	if b != 0 && a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}
