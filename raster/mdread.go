package raster

// #cgo pkg-config: gdal
// #include "mdim.h"
import "C"

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// This file is the read side of OpenMultidim: the task that reads one
// window of a variable, the per-file handle pool it borrows from, and the
// process-wide locks of the drivers whose C libraries are not thread-safe.

func init() {
	cluster.Register("raster.mdread", func() cluster.Op { return &MDReadOp{} })
}

// mdLayer plans one MDReadOp per block of a variable's lazy array. off is
// where the array starts in the variable (nil: at the origin); a Subset
// moves it, so a selection reads only its window.
type mdLayer struct {
	base MDReadOp
	off  []int
}

var _ ndarray.SubsetLayer = mdLayer{}

func (l mdLayer) BlockTask(_ *ndarray.Builder, a *ndarray.Array, idx []int) (cluster.Task, error) {
	box := a.Grid().BlockBox(idx)
	if l.off != nil && len(l.off) != len(box.Lo) {
		return cluster.Task{}, fmt.Errorf("raster: read of %s: offset %v for a block of rank %d", l.base.Array, l.off, len(box.Lo))
	}
	op := l.base
	op.Start = make([]int, len(box.Lo))
	op.Count = make([]int, len(box.Lo))
	for k := range box.Lo {
		op.Start[k] = box.Lo[k]
		if l.off != nil {
			op.Start[k] += l.off[k]
		}
		op.Count[k] = box.Hi[k] - box.Lo[k]
	}
	return cluster.Task{Op: &op, Bytes: box.Size() * int64(a.DType().Size())}, nil
}

// Subset implements ndarray.SubsetLayer: the part box of the variable's
// lazy array is planned as reads of the box's parts, so a selection reads
// only the window it covers.
func (l mdLayer) Subset(a *ndarray.Array, box chunk.Box, _ *chunk.Grid) (ndarray.Layer, bool) {
	if box.Rank() != a.Rank() || (l.off != nil && len(l.off) != box.Rank()) {
		return nil, false
	}
	off := slices.Clone(box.Lo)
	for k := range off {
		if l.off != nil {
			off[k] += l.off[k]
		}
	}
	return mdLayer{base: l.base, off: off}, true
}

// MDReadOp reads a hyper-rectangle of one variable of a multidimensional
// dataset into a block of DType and shape Count. It is plain data: any
// process that can open Path runs it, on a handle of its own borrowed from
// the package's pool, and it is safe to run concurrently (reads through
// the netCDF and HDF5 drivers, whose C libraries are not thread-safe, are
// serialised process-wide).
type MDReadOp struct {
	Path string
	// Driver is the GDAL driver that opens Path ("netCDF"), which tells
	// whether reads must be serialised; "" means identify it again.
	Driver string
	// Array is the variable's full name ("/pr").
	Array string
	// Start and Count are the window, one entry per dimension (empty for
	// a scalar variable).
	Start, Count []int
	DType        block.DType
}

// Kind is "raster.mdread", the name the package registers the op under.
func (*MDReadOp) Kind() string { return "raster.mdread" }

// Run reads the window. Under an executor with a memory budget it first
// bounds GDAL's block cache from that budget (see the package doc).
func (o *MDReadOp) Run(ctx context.Context, _ []cluster.Value) (cluster.Value, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	gt, ok := gdalTypeOf(o.DType)
	if !ok {
		return nil, fmt.Errorf("%w: %s variable %s: read into %s", ErrDType, o.Path, o.Array, o.DType)
	}
	if len(o.Start) != len(o.Count) {
		return nil, fmt.Errorf("%w: %s variable %s: start %v and count %v differ in rank", ErrWindow, o.Path, o.Array, o.Start, o.Count)
	}
	for k := range o.Start {
		if o.Start[k] < 0 || o.Count[k] <= 0 {
			return nil, fmt.Errorf("%w: %s variable %s: start %v count %v", ErrWindow, o.Path, o.Array, o.Start, o.Count)
		}
	}
	if err := checkElems(o.Path+" variable "+o.Array, o.Count, o.DType.Size()); err != nil {
		return nil, err
	}
	boundGDALCache(ctx)
	buf, err := block.New(o.DType, o.Count...)
	if err != nil {
		return nil, err
	}
	err = withArray(o.Path, o.Driver, o.Array, func(g *gcall, a C.GDALMDArrayH) error {
		if err := checkWindow(a, o.Path, o.Array, o.Start, o.Count); err != nil {
			return err
		}
		start, count := cWindow(o.Start, o.Count)
		defer C.free(unsafe.Pointer(start))
		defer C.free(unsafe.Pointer(count))
		p := unsafe.Pointer(unsafe.SliceData(buf.Bytes()))
		if C.tsrRead(a, C.size_t(len(o.Start)), start, count, gt, p) == 0 {
			return fmt.Errorf("%w: %s variable %s start %v count %v: %s", ErrRead, o.Path, o.Array, o.Start, o.Count, g.orMsg("GDALMDArrayRead failed"))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return buf, nil
}

// cWindow copies a window into C memory (the caller frees both).
func cWindow(start, count []int) (*C.GUInt64, *C.size_t) {
	n := max(len(start), 1)
	cs := (*C.GUInt64)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.GUInt64(0)))))
	cc := (*C.size_t)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.size_t(0)))))
	ss := unsafe.Slice(cs, n)
	cn := unsafe.Slice(cc, n)
	for k := range start {
		ss[k] = C.GUInt64(start[k])
		cn[k] = C.size_t(count[k])
	}
	return cs, cc
}

// checkWindow reports ErrWindow when the window does not fit the array.
func checkWindow(a C.GDALMDArrayH, path, name string, start, count []int) error {
	var n C.size_t
	dims := C.GDALMDArrayGetDimensions(a, &n)
	defer func() {
		if dims != nil {
			C.GDALReleaseDimensions(dims, n)
		}
	}()
	if int(n) != len(start) {
		return fmt.Errorf("%w: %s variable %s has %d dimensions, window %d", ErrWindow, path, name, n, len(start))
	}
	for k := range start {
		size := uint64(C.GDALDimensionGetSize(C.tsrDimAt(dims, C.size_t(k))))
		if uint64(start[k]) > size || uint64(count[k]) > size-uint64(start[k]) {
			return fmt.Errorf("%w: %s variable %s axis %d: start %d count %d of %d", ErrWindow, path, name, k, start[k], count[k], size)
		}
	}
	return nil
}

// withArray runs f on variable name of path, opened on a pooled handle,
// under the driver's lock.
func withArray(path, driver, name string, f func(*gcall, C.GDALMDArrayH) error) error {
	if driver == "" {
		driver = identify(path)
	}
	unlock := lockDriver(driver)
	defer unlock()
	g := beginGDAL()
	defer g.end()
	h, key, err := getMD(g, path)
	if err != nil {
		return err
	}
	root := C.GDALDatasetGetRootGroup(h)
	if root == nil {
		C.GDALClose(h)
		return fmt.Errorf("%w %s: no root group: %s", ErrOpen, path, g.orMsg("not multidimensional"))
	}
	cn := C.CString(name)
	a := C.GDALGroupOpenMDArrayFromFullname(root, cn, nil)
	C.free(unsafe.Pointer(cn))
	C.GDALGroupRelease(root)
	if a == nil {
		mdPool.give(key, h)
		return fmt.Errorf("%w: variable %s in %s: %s", ErrNoVariable, name, path, g.orMsg("not found"))
	}
	err = f(g, a)
	C.GDALMDArrayRelease(a)
	if errors.Is(err, ErrRead) {
		C.GDALClose(h) // a handle that failed may be in a bad state
	} else {
		mdPool.give(key, h)
	}
	return err
}

// driverLocks serialise GDAL calls through drivers whose C libraries are
// not thread-safe (Debian's libnetcdf and serial libhdf5).
var driverLocks = map[string]*sync.Mutex{"netCDF": {}, "HDF5": {}, "HDF5Image": {}}

// identify is the short name of the multidim driver GDAL would open path
// with ("" when none), found without opening it (the netCDF driver only
// looks at the file's first bytes), so that the driver's lock is held
// from the open on.
func identify(path string) string {
	g := beginGDAL()
	defer g.end()
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	name := C.GoString(C.tsrIdentify(cp))
	g.msg()
	return name
}

// lockDriver takes driver's lock when it has one and returns the unlock.
func lockDriver(driver string) func() {
	if mu, ok := driverLocks[driver]; ok {
		mu.Lock()
		return mu.Unlock
	}
	return func() {}
}

// mdPool pools multidimensional dataset handles per file, like the raster
// handle pool.
var mdPool = newIdlePool(mdClose)

// getMD returns a multidimensional handle for path owned by the caller
// until mdPool.give(key, h).
func getMD(g *gcall, path string) (C.GDALDatasetH, string, error) {
	key := poolKey(path)
	if h, ok := mdPool.take(key); ok {
		return h, key, nil
	}
	h, err := g.mdOpen(path)
	return h, key, err
}
