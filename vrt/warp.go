package vrt

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/airbusgeo/godal"
	"github.com/tessera-array/tessera/raster"
)

// WarpOptions are gdalwarp's main options for a warped VRT.
type WarpOptions struct {
	// CRS is the target CRS (-t_srs: "EPSG:4326", WKT, PROJ string);
	// empty keeps the source's (resampling only).
	CRS string
	// XRes, YRes is the target pixel size (-tr); zero lets GDAL choose.
	XRes, YRes float64
	// Extent is minX, minY, maxX, maxY in the target CRS (-te).
	Extent *[4]float64
	// Resampling is near (default), bilinear, cubic, cubicspline, lanczos,
	// average, mode, min, max, med, q1, q3, sum (-r).
	Resampling string
	// SrcNoData and DstNoData override nodata (-srcnodata, -dstnodata).
	SrcNoData, DstNoData *float64
	// ErrorThreshold is the approximation error in pixels (-et); 0 (the
	// default here, unlike gdalwarp's 0.125) transforms every pixel
	// exactly. Negative means gdalwarp's default.
	ErrorThreshold float64
}

func (o WarpOptions) switches() ([]string, error) {
	sw := []string{"-of", "VRT"}
	if o.CRS != "" {
		sw = append(sw, "-t_srs", o.CRS)
	}
	if o.XRes != 0 || o.YRes != 0 {
		if !(o.XRes > 0) || !(o.YRes > 0) || math.IsInf(o.XRes+o.YRes, 0) {
			return nil, fmt.Errorf("%w: target resolution %v x %v", ErrOptions, o.XRes, o.YRes)
		}
		sw = append(sw, "-tr", fmtNum(o.XRes), fmtNum(o.YRes))
	}
	if e := o.Extent; e != nil {
		if !(e[2] > e[0]) || !(e[3] > e[1]) || math.IsInf(e[0]+e[1]+e[2]+e[3], 0) {
			return nil, fmt.Errorf("%w: extent %v", ErrOptions, *e)
		}
		sw = append(sw, "-te", fmtNum(e[0]), fmtNum(e[1]), fmtNum(e[2]), fmtNum(e[3]))
	}
	if o.Resampling != "" {
		switch r := strings.ToLower(o.Resampling); r {
		case "near", "nearest", "bilinear", "cubic", "cubicspline", "lanczos", "average", "rms", "mode", "min", "max", "med", "q1", "q3", "sum":
			if r == "nearest" {
				r = "near"
			}
			sw = append(sw, "-r", r)
		default:
			return nil, fmt.Errorf("%w: resampling %q", ErrOptions, o.Resampling)
		}
	}
	if o.SrcNoData != nil {
		sw = append(sw, "-srcnodata", fmtNum(*o.SrcNoData))
	}
	if o.DstNoData != nil {
		sw = append(sw, "-dstnodata", fmtNum(*o.DstNoData))
	}
	if o.ErrorThreshold >= 0 {
		sw = append(sw, "-et", strconv.FormatFloat(o.ErrorThreshold, 'g', -1, 64))
	}
	return sw, nil
}

// Warp writes a warped VRT at dst that reprojects and/or resamples src
// (any raster, a mosaic VRT included) as gdalwarp -of VRT does. The VRT is
// computed by GDAL on read, block by block, so reading a window of it
// reprojects only that window. dst is written atomically; Warp returns its
// description.
func Warp(dst, src string, o WarpOptions) (*raster.Info, error) {
	sw, err := o.switches()
	if err != nil {
		return nil, err
	}
	if _, err := raster.Open(src); err != nil {
		return nil, err
	}
	godal.RegisterAll()
	in, err := godal.Open(src, godal.RasterOnly(), godal.ErrLogger(failOnly))
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", raster.ErrOpen, src, err)
	}
	tmp := tempPath(dst)
	out, err := in.Warp(tmp, sw, godal.ErrLogger(failOnly))
	if err != nil {
		in.Close(godal.ErrLogger(failOnly))
		os.Remove(tmp)
		return nil, fmt.Errorf("vrt: warp %s: %w", src, err)
	}
	// The derived VRT first, then its source.
	err = out.Close(godal.ErrLogger(failOnly))
	if err2 := in.Close(godal.ErrLogger(failOnly)); err == nil {
		err = err2
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("vrt: warp %s: %w", src, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return raster.Open(dst)
}
