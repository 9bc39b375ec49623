package raster

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"

	"github.com/tessera-array/tessera/block"
)

// DecodeAttr decodes the raw bytes of a numeric attribute of n elements of
// dt, in the machine's byte order, as GDAL returns them: a scalar of the
// element's Go type (uint8, int16, uint16, int32, uint32, int64, uint64,
// float32, float64) when n is 1, a slice of it otherwise, as netCDF4 and
// xarray give a length-1 attribute as a scalar. It fails with ErrDType on a
// dtype it does not decode and ErrSize when raw is not n elements (or n is
// negative or over MaxAttrElements). String attributes are string (one
// value) or []string.
func DecodeAttr(dt block.DType, raw []byte, n int) (any, error) {
	if !dt.Valid() || dt == block.Bool || dt == block.Int8 {
		return nil, fmt.Errorf("%w: attribute of dtype %d", ErrDType, uint8(dt))
	}
	es := dt.Size()
	if n < 0 || n > MaxAttrElements || len(raw) != n*es {
		return nil, fmt.Errorf("%w: attribute of %d %s elements in %d bytes", ErrSize, n, dt, len(raw))
	}
	ne := binary.NativeEndian
	var v any
	switch dt {
	case block.Uint8:
		v = append([]uint8{}, raw...)
	case block.Int16:
		v = decodeN(raw, es, func(b []byte) int16 { return int16(ne.Uint16(b)) })
	case block.Uint16:
		v = decodeN(raw, es, ne.Uint16)
	case block.Int32:
		v = decodeN(raw, es, func(b []byte) int32 { return int32(ne.Uint32(b)) })
	case block.Uint32:
		v = decodeN(raw, es, ne.Uint32)
	case block.Int64:
		v = decodeN(raw, es, func(b []byte) int64 { return int64(ne.Uint64(b)) })
	case block.Uint64:
		v = decodeN(raw, es, ne.Uint64)
	case block.Float32:
		v = decodeN(raw, es, func(b []byte) float32 { return math.Float32frombits(ne.Uint32(b)) })
	case block.Float64:
		v = decodeN(raw, es, func(b []byte) float64 { return math.Float64frombits(ne.Uint64(b)) })
	}
	if n == 1 {
		return scalarOf(v), nil
	}
	return v, nil
}

func decodeN[T any](raw []byte, es int, f func([]byte) T) []T {
	out := make([]T, len(raw)/es)
	for k := range out {
		out[k] = f(raw[k*es : (k+1)*es])
	}
	return out
}

// scalarOf is the only element of a one-element slice.
func scalarOf(v any) any {
	if s := reflect.ValueOf(v); s.Kind() == reflect.Slice && s.Len() == 1 {
		return s.Index(0).Interface()
	}
	return v
}
