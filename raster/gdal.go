package raster

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/airbusgeo/godal"

	"github.com/tessera-array/tessera/block"
)

// Sentinel errors. Errors returned by this package wrap one of them where one
// applies, together with the path and GDAL's message.
var (
	// ErrOpen reports a raster GDAL cannot open: missing, corrupt, not a
	// raster, or an unreachable URL.
	ErrOpen = errors.New("raster: cannot open")
	// ErrRead reports a failed read of pixels (a truncated or corrupt tile).
	ErrRead = errors.New("raster: read failed")
	// ErrWrite reports a failed write.
	ErrWrite = errors.New("raster: write failed")
	// ErrDType reports a data type GDAL 3.6 cannot store or this package
	// cannot represent (Int64, Uint64, complex), or bands of mixed types
	// where one type is needed.
	ErrDType = errors.New("raster: unsupported data type")
	// ErrWindow reports a window outside the raster or an empty one.
	ErrWindow = errors.New("raster: window out of range")
	// ErrBand reports a band number outside 1..Bands.
	ErrBand = errors.New("raster: no such band")
	// ErrOptions reports invalid write or read options.
	ErrOptions = errors.New("raster: invalid options")
	// ErrSize reports a raster whose declared size (width × height ×
	// bands × bytes per pixel) overflows or exceeds MaxRasterBytes: a
	// malformed or hostile file, refused before anything plans on it.
	ErrSize = errors.New("raster: declared size too large")
)

// MaxRasterBytes is the largest raster (all bands, decoded) Open and Lazy
// accept: 2^50 bytes (1 PiB), far beyond real rasters and far below a
// size whose plan could not be described.
const MaxRasterBytes = 1 << 50

// checkSize reports ErrSize, naming path and the dimensions, when w × h ×
// bands pixels of es bytes overflow an int64 or exceed MaxRasterBytes.
func checkSize(path string, w, h, bands, es int) error {
	if w < 0 || h < 0 || bands < 0 || es <= 0 {
		return fmt.Errorf("%w: %s is %dx%d with %d band(s) of %d bytes", ErrSize, path, w, h, bands, es)
	}
	n := int64(1)
	for _, f := range []int{w, h, bands, es} {
		if f != 0 && n > MaxRasterBytes/int64(f) {
			return fmt.Errorf("%w: %s is %dx%d with %d band(s) of %d bytes, over %d bytes", ErrSize, path, w, h, bands, es, int64(MaxRasterBytes))
		}
		n *= int64(f)
	}
	return nil
}

var registerOnce sync.Once

func register() {
	registerOnce.Do(func() {
		godal.RegisterAll()
		silenceGDAL()
	})
}

// gdalErr collects the messages GDAL reports during one call. Failures and
// fatal errors become the call's error; warnings and debug messages are
// kept but do not fail the call (so nothing reaches stderr).
type gdalErr struct {
	mu       sync.Mutex
	warnings []string
}

func (g *gdalErr) handler() godal.ErrorHandler {
	return func(ec godal.ErrorCategory, code int, msg string) error {
		if ec <= godal.CE_Warning {
			g.mu.Lock()
			g.warnings = append(g.warnings, msg)
			g.mu.Unlock()
			return nil
		}
		return fmt.Errorf("GDAL error %d: %s", code, strings.TrimSpace(msg))
	}
}

// quiet returns an ErrLogger option that turns failures into errors and
// swallows warnings.
func quiet() interface {
	godal.OpenOption
	godal.CloseOption
	godal.DatasetIOOption
	godal.DatasetCreateOption
	godal.DatasetTranslateOption
	godal.DatasetWarpOption
	godal.BuildOverviewsOption
	godal.SetGeoTransformOption
	godal.SetSpatialRefOption
	godal.SetNoDataOption
	godal.SetScaleOffsetOption
	godal.MetadataOption
	godal.CreateSpatialRefOption
	godal.GetGeoTransformOption
	godal.BoundsOption
	godal.SetDescriptionOption
} {
	return godal.ErrLogger((&gdalErr{}).handler())
}

// strict is quiet, except that warnings fail the call too. Creation calls
// use it: GDAL only warns about a creation option it ignores.
func strict() interface {
	godal.DatasetCreateOption
	godal.DatasetTranslateOption
} {
	return godal.ErrLogger(func(ec godal.ErrorCategory, code int, msg string) error {
		if ec < godal.CE_Warning {
			return nil
		}
		return fmt.Errorf("GDAL: %s", strings.TrimSpace(msg))
	})
}

// gdalType maps a dtype to the GDAL type used to store it and whether it is
// GDAL 3.6's signed byte (Byte + PIXELTYPE=SIGNEDBYTE).
func gdalType(dt block.DType) (godal.DataType, bool, error) {
	switch dt {
	case block.Bool, block.Uint8:
		return godal.Byte, false, nil
	case block.Int8:
		return godal.Byte, true, nil
	case block.Int16:
		return godal.Int16, false, nil
	case block.Uint16:
		return godal.UInt16, false, nil
	case block.Int32:
		return godal.Int32, false, nil
	case block.Uint32:
		return godal.UInt32, false, nil
	case block.Float32:
		return godal.Float32, false, nil
	case block.Float64:
		return godal.Float64, false, nil
	}
	return godal.Unknown, false, fmt.Errorf("%w: %s has no GDAL 3.6 raster type (no Int64/UInt64 bands before GDAL 3.5 drivers support them; AsType first)", ErrDType, dt)
}

// dtypeOf maps a GDAL band type to a dtype.
func dtypeOf(t godal.DataType, signedByte bool) (block.DType, error) {
	switch t {
	case godal.Byte:
		if signedByte {
			return block.Int8, nil
		}
		return block.Uint8, nil
	case godal.Int16:
		return block.Int16, nil
	case godal.UInt16:
		return block.Uint16, nil
	case godal.Int32:
		return block.Int32, nil
	case godal.UInt32:
		return block.Uint32, nil
	case godal.Float32:
		return block.Float32, nil
	case godal.Float64:
		return block.Float64, nil
	}
	return 0, fmt.Errorf("%w: GDAL type %s", ErrDType, t)
}

// ioBuffer returns the slice GDAL reads into or writes from for block d:
// the block's own buffer, or for int8 and bool its bytes seen as []uint8
// (GDAL 3.6 ignores []int8 buffers; signed bytes are stored as Byte).
func ioBuffer(d *block.Dense) any {
	switch v := d.Data().(type) {
	case []int8:
		if len(v) == 0 {
			return []uint8{}
		}
		return unsafe.Slice((*uint8)(unsafe.Pointer(&v[0])), len(v))
	case []bool:
		if len(v) == 0 {
			return []uint8{}
		}
		return unsafe.Slice((*uint8)(unsafe.Pointer(&v[0])), len(v))
	}
	return d.Data()
}
