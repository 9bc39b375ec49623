package raster

// The small cgo layer over GDAL's multidimensional C API (gdal.h,
// GDALGroup*/GDALMDArray*/GDALAttribute*/GDALDimension*), which godal
// v0.0.18 does not wrap. Every GDAL call made here runs on a goroutine
// locked to its OS thread between pushing and popping an error handler of
// its own (GDAL's handlers are per thread), so GDAL's failures become Go
// errors and nothing is printed.

// #cgo pkg-config: gdal
// #include "mdim.h"
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/tessera-array/tessera/block"
)

// gcall is one stretch of GDAL calls on a locked thread with the package's
// error handler pushed. Make it with beginGDAL and end it with end; err
// reports (and clears) the failures GDAL reported since the last err.
type gcall struct{ e *C.tsrErr }

func beginGDAL() *gcall {
	register()
	runtime.LockOSThread()
	e := (*C.tsrErr)(C.calloc(1, C.size_t(unsafe.Sizeof(C.tsrErr{}))))
	C.tsrPush(e)
	return &gcall{e: e}
}

func (g *gcall) end() {
	C.tsrPop()
	C.free(unsafe.Pointer(g.e))
	runtime.UnlockOSThread()
}

// msg returns GDAL's collected failure messages ("" when none) and clears
// them.
func (g *gcall) msg() string {
	if g.e.failed == 0 {
		return ""
	}
	m := strings.TrimSpace(C.GoString(&g.e.msg[0]))
	g.e.failed = 0
	g.e.msg[0] = 0
	if m == "" {
		m = "GDAL reported a failure without a message"
	}
	return m
}

// orMsg is GDAL's message, or fallback when GDAL gave none.
func (g *gcall) orMsg(fallback string) string {
	if m := g.msg(); m != "" {
		return m
	}
	return fallback
}

// mdOpen opens path in multidimensional mode. The caller closes the handle
// with mdClose.
func (g *gcall) mdOpen(path string) (C.GDALDatasetH, error) {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	ds := C.tsrOpenMD(cp)
	if ds == nil {
		return nil, fmt.Errorf("%w %s: %s", ErrOpen, path, g.orMsg("no GDAL multidimensional driver opens it"))
	}
	g.msg() // open-time failures that GDAL recovered from
	return ds, nil
}

func mdClose(ds C.GDALDatasetH) {
	g := beginGDAL()
	C.GDALClose(ds)
	g.end()
}

// cStrings copies a NULL-terminated C string list (not freed).
func cStrings(p **C.char) []string {
	if p == nil {
		return nil
	}
	var out []string
	for i := 0; ; i++ {
		s := *(**C.char)(unsafe.Pointer(uintptr(unsafe.Pointer(p)) + uintptr(i)*unsafe.Sizeof(p)))
		if s == nil {
			return out
		}
		out = append(out, C.GoString(s))
	}
}

// gdalNumeric maps a numeric GDAL data type to a dtype, or 0 (with a name
// for errors) when tessera has no such type.
func gdalNumeric(t C.GDALDataType) (block.DType, string) {
	switch t {
	case C.GDT_Byte:
		return block.Uint8, "Byte"
	case C.GDT_Int16:
		return block.Int16, "Int16"
	case C.GDT_UInt16:
		return block.Uint16, "UInt16"
	case C.GDT_Int32:
		return block.Int32, "Int32"
	case C.GDT_UInt32:
		return block.Uint32, "UInt32"
	case C.GDT_Int64:
		return block.Int64, "Int64"
	case C.GDT_UInt64:
		return block.Uint64, "UInt64"
	case C.GDT_Float32:
		return block.Float32, "Float32"
	case C.GDT_Float64:
		return block.Float64, "Float64"
	}
	return 0, C.GoString(C.GDALGetDataTypeName(t))
}

// gdalTypeOf is the GDAL data type GDAL reads dtype dt into.
func gdalTypeOf(dt block.DType) (C.GDALDataType, bool) {
	switch dt {
	case block.Uint8:
		return C.GDT_Byte, true
	case block.Int16:
		return C.GDT_Int16, true
	case block.Uint16:
		return C.GDT_UInt16, true
	case block.Int32:
		return C.GDT_Int32, true
	case block.Uint32:
		return C.GDT_UInt32, true
	case block.Int64:
		return C.GDT_Int64, true
	case block.Uint64:
		return C.GDT_UInt64, true
	case block.Float32:
		return C.GDT_Float32, true
	case block.Float64:
		return C.GDT_Float64, true
	}
	return C.GDT_Unknown, false
}

// attrCode is the attrs decoder's code for a GDAL numeric type.
func attrCode(t C.GDALDataType) (block.DType, bool) {
	dt, _ := gdalNumeric(t)
	return dt, dt != 0
}

// readAttrs reads every attribute of a list GDAL returned (and releases
// it). Numeric attributes become typed Go values (see Attrs); string
// attributes string or []string; others (compound, complex) are skipped
// and named in the returned list.
func (g *gcall) readAttrs(list *C.GDALAttributeH, n C.size_t, where string) (map[string]any, []string, error) {
	if list == nil {
		if m := g.msg(); m != "" {
			return nil, nil, fmt.Errorf("%w: attributes of %s: %s", ErrOpen, where, m)
		}
		return map[string]any{}, nil, nil
	}
	defer C.GDALReleaseAttributes(list, n)
	out := make(map[string]any, int(n))
	var skipped []string
	for i := C.size_t(0); i < n; i++ {
		a := C.tsrAttrAt(list, i)
		name := C.GoString(C.GDALAttributeGetName(a))
		total := uint64(C.GDALAttributeGetTotalElementsCount(a))
		if total > MaxAttrElements {
			return nil, nil, fmt.Errorf("%w: attribute %q of %s has %d elements (over %d)", ErrSize, name, where, total, MaxAttrElements)
		}
		edt := C.GDALAttributeGetDataType(a)
		cls := C.GDALExtendedDataTypeGetClass(edt)
		switch cls {
		case C.GEDTC_STRING:
			ss := C.GDALAttributeReadAsStringArray(a)
			vals := cStrings(ss)
			C.CSLDestroy(ss)
			if len(vals) == 1 && C.GDALAttributeGetDimensionCount(a) <= 1 {
				out[name] = vals[0]
			} else {
				out[name] = vals
			}
		case C.GEDTC_NUMERIC:
			dt, ok := attrCode(C.GDALExtendedDataTypeGetNumericDataType(edt))
			if !ok {
				skipped = append(skipped, name)
				break
			}
			if total == 0 {
				v, _ := DecodeAttr(dt, nil, 0)
				out[name] = v
				break
			}
			var size C.size_t
			raw := C.GDALAttributeReadAsRaw(a, &size)
			if raw == nil {
				C.GDALExtendedDataTypeRelease(edt)
				return nil, nil, fmt.Errorf("%w: attribute %q of %s: %s", ErrRead, name, where, g.orMsg("unreadable"))
			}
			b := C.GoBytes(unsafe.Pointer(raw), C.int(size))
			C.GDALAttributeFreeRawResult(a, raw, size)
			v, err := DecodeAttr(dt, b, int(total))
			if err != nil {
				C.GDALExtendedDataTypeRelease(edt)
				return nil, nil, fmt.Errorf("attribute %q of %s: %w", name, where, err)
			}
			out[name] = v
		default:
			skipped = append(skipped, name)
		}
		C.GDALExtendedDataTypeRelease(edt)
	}
	return out, skipped, nil
}
