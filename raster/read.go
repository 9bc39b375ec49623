package raster

import (
	"context"
	"fmt"
	"math"

	"github.com/airbusgeo/godal"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

func init() {
	cluster.Register("raster.read", func() cluster.Op { return &ReadOp{} })
}

// Window is a pixel rectangle: columns X..X+W, rows Y..Y+H.
type Window struct {
	X, Y, W, H int
}

// ReadOptions tune Lazy and Read.
type ReadOptions struct {
	// Bands are the 1-based bands to read, in order; nil means all.
	Bands []int
	// Window restricts the array to a rectangle of the raster; nil means
	// the whole raster.
	Window *Window
	// Chunks is the spec for the (band, y, x) axes, normalised with the
	// file's GDAL blocks (1, blockY, blockX) as the source chunks. Sizes
	// on y and x are rounded up to multiples of the blocks so no block is
	// read by two tasks. The zero spec means chunk.Auto(), as everywhere:
	// whole multiples of the blocks, scaled alike on every axis, up to
	// ChunkBytes per chunk (bands grouped too when a chunk holds all of y
	// and x); chunk.Native() is exactly one block of one band per chunk;
	// chunk.PerAxis(1, 0, 0) is one band per chunk with auto y and x
	// (rioxarray's chunks=True).
	Chunks chunk.Spec
	// ChunkBytes is the auto chunk target; 0 means 32 MiB (smaller than
	// chunk.DefaultAutoBytes: GDAL decodes a chunk's blocks in one call
	// and caches them).
	ChunkBytes int64
	// MaskNoData replaces each band's nodata value with NaN (the result is
	// floating point).
	MaskNoData bool
	// ApplyScale decodes stored*Scale + Offset with each band's scale and
	// offset (the result is floating point).
	ApplyScale bool
	// DType is the result type; 0 means the stored type, or Float64 when
	// MaskNoData or ApplyScale need floats (Float32 when the stored type is
	// Float32 and no scale is applied).
	DType block.DType
}

// ReadOp reads one window of a raster into a (bands, h, w) block. It is
// plain data, so any process that can open Path runs it; it borrows its own
// dataset handle from the package's pool and is safe to run concurrently.
type ReadOp struct {
	Path       string
	Bands      []int
	X, Y, W, H int
	// Stored is the type GDAL reads into (signed bytes are read as Byte),
	// Out the type of the result.
	Stored, Out block.DType
	SignedByte  bool
	// Per band: nodata to mask (when Mask), scale/offset to apply (when
	// Scale).
	Mask      bool
	HasNoData []bool
	NoData    []float64
	Scale     bool
	Scales    []float64
	Offsets   []float64
}

// Kind is "raster.read", the name the package registers the op under with
// cluster.Register, so a graph naming it decodes on any worker.
func (*ReadOp) Kind() string { return "raster.read" }

// Run reads the window. Under an executor with a memory budget it first
// bounds GDAL's block cache from that budget (see the package doc).
func (o *ReadOp) Run(ctx context.Context, _ []cluster.Value) (cluster.Value, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	boundGDALCache(ctx)
	if o.W <= 0 || o.H <= 0 || len(o.Bands) == 0 {
		return nil, fmt.Errorf("%w: %s window %+v of %d bands is empty", ErrWindow, o.Path, Window{o.X, o.Y, o.W, o.H}, len(o.Bands))
	}
	buf, err := block.New(o.Stored, len(o.Bands), o.H, o.W)
	if err != nil {
		return nil, err
	}
	ds, key, err := getRaster(o.Path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrOpen, o.Path, err)
	}
	st := ds.Structure()
	if o.X < 0 || o.Y < 0 || o.X+o.W > st.SizeX || o.Y+o.H > st.SizeY {
		pool.give(key, ds)
		return nil, fmt.Errorf("%w: %s window %+v of a %dx%d raster", ErrWindow, o.Path, Window{o.X, o.Y, o.W, o.H}, st.SizeX, st.SizeY)
	}
	for _, b := range o.Bands {
		if b < 1 || b > st.NBands {
			pool.give(key, ds)
			return nil, fmt.Errorf("%w: %s band %d of %d", ErrBand, o.Path, b, st.NBands)
		}
	}
	zb := make([]int, len(o.Bands)) // godal numbers bands from 0
	for k, b := range o.Bands {
		zb[k] = b - 1
	}
	err = ds.Read(o.X, o.Y, ioBuffer(buf), o.W, o.H, godal.Bands(zb...), godal.BandInterleaved(), quiet())
	if err != nil {
		// A handle that failed may be in a bad state: do not reuse it.
		ds.Close(quiet())
		return nil, fmt.Errorf("%w: %s window %+v: %v", ErrRead, o.Path, Window{o.X, o.Y, o.W, o.H}, err)
	}
	pool.give(key, ds)
	if o.SignedByte {
		if buf, err = block.FromBytes(block.Int8, buf.Bytes(), buf.Shape()...); err != nil {
			return nil, err
		}
	}
	return o.decode(buf)
}

// decode masks nodata and applies scale/offset band by band.
func (o *ReadOp) decode(d *block.Dense) (*block.Dense, error) {
	if !o.Mask && !o.Scale {
		if d.DType() == o.Out {
			return d, nil
		}
		return d.AsType(o.Out, block.CastOptions{Overflow: block.OverflowError})
	}
	f, err := d.AsType(block.Float64, block.CastOptions{})
	if err != nil {
		return nil, err
	}
	v := block.Values[float64](f)
	n := o.W * o.H
	for bi := range o.Bands {
		seg := v[bi*n : (bi+1)*n]
		if o.Mask && bi < len(o.HasNoData) && o.HasNoData[bi] {
			nd := o.NoData[bi]
			for i, x := range seg {
				if x == nd || (math.IsNaN(nd) && math.IsNaN(x)) {
					seg[i] = math.NaN()
				}
			}
		}
		if o.Scale && bi < len(o.Scales) && (o.Scales[bi] != 1 || o.Offsets[bi] != 0) {
			s, off := o.Scales[bi], o.Offsets[bi]
			for i, x := range seg {
				seg[i] = x*s + off
			}
		}
	}
	if o.Out == block.Float64 {
		return f, nil
	}
	return f.AsType(o.Out, block.CastOptions{Overflow: block.OverflowClip})
}

type readLayer struct{ base ReadOp }

func (l readLayer) BlockTask(b *ndarray.Builder, a *ndarray.Array, idx []int) (cluster.Task, error) {
	box := a.Grid().BlockBox(idx)
	op := l.base
	op.Bands = append([]int(nil), l.base.Bands[box.Lo[0]:box.Hi[0]]...)
	op.X += box.Lo[2]
	op.Y += box.Lo[1]
	op.W, op.H = box.Hi[2]-box.Lo[2], box.Hi[1]-box.Lo[1]
	if op.Mask {
		op.HasNoData = l.base.HasNoData[box.Lo[0]:box.Hi[0]]
		op.NoData = l.base.NoData[box.Lo[0]:box.Hi[0]]
	}
	if op.Scale {
		op.Scales = l.base.Scales[box.Lo[0]:box.Hi[0]]
		op.Offsets = l.base.Offsets[box.Lo[0]:box.Hi[0]]
	}
	return cluster.Task{Op: &op, Bytes: box.Size() * int64(a.DType().Size()), Scratch: box.Size() * int64(op.Stored.Size())}, nil
}

var _ ndarray.SubsetLayer = readLayer{}

// Subset implements ndarray.SubsetLayer: the part box (bands, rows,
// columns) of the lazy raster is planned as reads of the window's part,
// so a selection reads only the file blocks it covers.
func (l readLayer) Subset(a *ndarray.Array, box chunk.Box, _ *chunk.Grid) (ndarray.Layer, bool) {
	if box.Rank() != 3 || box.Hi[0] > len(l.base.Bands) {
		return nil, false
	}
	op := l.base
	lo, hi := box.Lo[0], box.Hi[0]
	op.Bands = l.base.Bands[lo:hi:hi]
	op.X += box.Lo[2]
	op.Y += box.Lo[1]
	op.W, op.H = box.Hi[2]-box.Lo[2], box.Hi[1]-box.Lo[1]
	if op.Mask {
		op.HasNoData, op.NoData = l.base.HasNoData[lo:hi:hi], l.base.NoData[lo:hi:hi]
	}
	if op.Scale {
		op.Scales, op.Offsets = l.base.Scales[lo:hi:hi], l.base.Offsets[lo:hi:hi]
	}
	return readLayer{base: op}, true
}

// Lazy returns the raster as a lazy (band, y, x) array. Its read tasks are
// ReadOps: they reopen Path (each on its own pooled handle), so the array
// may be computed by many goroutines or by remote workers that see the same
// path. Lazy checks the options against the description; reads that fail
// later (a truncated tile) fail the computation with an error wrapping
// ErrRead.
func (i *Info) Lazy(o ReadOptions) *ndarray.Array {
	op, shape, err := i.plan(o)
	if err != nil {
		return ndarray.Errored(err)
	}
	target := o.ChunkBytes
	if target == 0 {
		target = 32 << 20
	}
	spec := o.Chunks
	if spec.IsZero() {
		spec = chunk.Auto()
	}
	bx, by := i.readBlocks()
	spec = alignSpec(spec, []int{1, by, bx}, shape)
	// Chunk the whole raster, then cut the window out of that grid, so
	// chunk boundaries fall on the file's block boundaries.
	full := []int{len(op.Bands), i.Height, i.Width}
	fg, err := spec.Normalize(full, op.Out.Size(), chunk.NormalizeOptions{TargetBytes: target, Previous: []int{1, by, bx}})
	if err != nil {
		return ndarray.Errored(fmt.Errorf("raster %s: %w", i.Path, err))
	}
	ay, err := clipAxis(fg.Axis(1), op.Y, op.H)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("raster %s: %w", i.Path, err))
	}
	ax, err := clipAxis(fg.Axis(2), op.X, op.W)
	if err != nil {
		return ndarray.Errored(fmt.Errorf("raster %s: %w", i.Path, err))
	}
	grid, err := chunk.NewGridAxes([]chunk.Axis{fg.Axis(0), ay, ax})
	if err != nil {
		return ndarray.Errored(fmt.Errorf("raster %s: %w", i.Path, err))
	}
	tok := ndarray.Token("raster-read", fmt.Sprintf("%+v", *op), i.fingerprint())
	return ndarray.NewArray(op.Out, grid, tok, readLayer{base: *op})
}

// clipAxis cuts a whole axis's chunking to the window [off, off+n),
// keeping the file-aligned boundaries (O(1), never per chunk).
func clipAxis(a chunk.Axis, off, n int) (chunk.Axis, error) {
	if n == 0 {
		return chunk.Axis{}, nil
	}
	return a.Slice(off, 1, n)
}

// fingerprint identifies the file's content as far as the description
// goes, so arrays of a rewritten file get new names.
func (i *Info) fingerprint() string {
	return fmt.Sprintf("%d %d %v %v", i.Width, i.Height, i.GeoTransform, poolKey(i.Path))
}

// alignSpec rounds explicit sizes up to multiples of the storage blocks.
func alignSpec(s chunk.Spec, blocks, shape []int) chunk.Spec {
	axes := s.Axes
	if s.All != nil {
		axes = make([]chunk.AxisSpec, len(shape))
		for k := range axes {
			axes[k] = *s.All
		}
	}
	if len(axes) != len(shape) {
		return s // Normalize reports the rank error
	}
	out := chunk.Spec{Axes: make([]chunk.AxisSpec, len(axes))}
	for k, a := range axes {
		if a.Kind == chunk.AxisSize && a.Size > 0 && blocks[k] > 1 {
			a.Size = (a.Size + blocks[k] - 1) / blocks[k] * blocks[k]
		}
		out.Axes[k] = a
	}
	return out
}

func (i *Info) plan(o ReadOptions) (*ReadOp, []int, error) {
	if len(i.Bands) == 0 {
		return nil, nil, fmt.Errorf("%w: %s has no bands (open one of its %d subdatasets)", ErrBand, i.Path, len(i.SubDatasets))
	}
	bands := o.Bands
	if bands == nil {
		for b := range i.Bands {
			bands = append(bands, b+1)
		}
	}
	if len(bands) == 0 {
		return nil, nil, fmt.Errorf("%w: empty band list", ErrBand)
	}
	w := Window{0, 0, i.Width, i.Height}
	if o.Window != nil {
		w = *o.Window
		if w.W <= 0 || w.H <= 0 || w.X < 0 || w.Y < 0 || w.W > i.Width-w.X || w.H > i.Height-w.Y {
			return nil, nil, fmt.Errorf("%w: %s window %+v of a %dx%d raster", ErrWindow, i.Path, w, i.Width, i.Height)
		}
	}
	if err := checkSize(i.Path, i.Width, i.Height, len(i.Bands), max(i.DType.Size(), 1)); err != nil {
		return nil, nil, err
	}
	if err := checkSize(i.Path, w.W, w.H, len(bands), 8); err != nil {
		return nil, nil, err
	}
	op := &ReadOp{Path: i.Path, Bands: bands, X: w.X, Y: w.Y, W: w.W, H: w.H, Mask: o.MaskNoData, Scale: o.ApplyScale}
	var stored block.DType
	for k, b := range bands {
		if b < 1 || b > len(i.Bands) {
			return nil, nil, fmt.Errorf("%w: %s band %d of %d", ErrBand, i.Path, b, len(i.Bands))
		}
		bd := i.Bands[b-1]
		if k == 0 {
			stored = bd.DType
		} else if bd.DType != stored {
			if stored == block.Int8 || bd.DType == block.Int8 {
				return nil, nil, fmt.Errorf("%w: %s mixes int8 band %d with %s bands (read them separately)", ErrDType, i.Path, b, stored)
			}
			stored = block.Promote(stored, bd.DType)
		}
		op.HasNoData = append(op.HasNoData, bd.HasNoData)
		op.NoData = append(op.NoData, bd.NoData)
		op.Scales = append(op.Scales, bd.Scale)
		op.Offsets = append(op.Offsets, bd.Offset)
	}
	if !o.MaskNoData {
		op.HasNoData, op.NoData = nil, nil
	}
	if !o.ApplyScale {
		op.Scales, op.Offsets = nil, nil
	}
	for _, nd := range op.NoData {
		if math.IsNaN(nd) || math.IsInf(nd, 0) {
			// JSON cannot carry NaN; NaN nodata in a float band is
			// already NaN, so masking it is a no-op.
			op.HasNoData, op.NoData = maskableOnly(op.HasNoData, op.NoData)
			break
		}
	}
	op.Stored = stored
	op.SignedByte = stored == block.Int8
	if op.SignedByte {
		op.Stored = block.Uint8
	}
	out := o.DType
	if out == 0 {
		out = stored
		if o.ApplyScale || o.MaskNoData {
			out = block.Float64
			if stored == block.Float32 && !o.ApplyScale {
				out = block.Float32
			}
		}
	}
	if !out.Valid() {
		return nil, nil, fmt.Errorf("%w: result dtype %d", ErrOptions, uint8(out))
	}
	if (o.MaskNoData) && !out.IsFloat() {
		return nil, nil, fmt.Errorf("%w: masking nodata needs a float result, not %s", ErrOptions, out)
	}
	op.Out = out
	return op, []int{len(bands), w.H, w.W}, nil
}

func maskableOnly(has []bool, nd []float64) ([]bool, []float64) {
	h2, n2 := make([]bool, len(has)), make([]float64, len(nd))
	for k := range has {
		if has[k] && !math.IsNaN(nd[k]) && !math.IsInf(nd[k], 0) {
			h2[k], n2[k] = true, nd[k]
		}
	}
	return h2, n2
}

// Read reads a window of the raster into memory now (bands, h, w), with the
// same options as Lazy. It is Lazy(o).Compute on a local executor.
func (i *Info) Read(ctx context.Context, o ReadOptions) (*block.Dense, error) {
	a := i.Lazy(o)
	if err := a.Err(); err != nil {
		return nil, err
	}
	return a.Compute(ctx)
}
