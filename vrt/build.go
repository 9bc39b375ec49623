package vrt

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/airbusgeo/godal"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/raster"
)

// Errors of Build.
var (
	// ErrCRSMismatch reports inputs in different CRSs (reproject them
	// with Warp first, or set AllowProjectionDifference).
	ErrCRSMismatch = errors.New("vrt: inputs have different CRSs")
	// ErrMismatch reports inputs that cannot share bands: different band
	// counts or data types, rotated geotransforms, no geotransform.
	ErrMismatch = errors.New("vrt: inputs cannot be mosaicked")
	// ErrOptions reports invalid options.
	ErrOptions = errors.New("vrt: invalid options")
)

// Options are gdalbuildvrt's main options.
type Options struct {
	// Resolution is "average" (default), "highest", "lowest" or "user"
	// (-resolution). With XRes and YRes set, "user" is implied (-tr).
	Resolution string
	XRes, YRes float64
	// Extent is minX, minY, maxX, maxY (-te); nil means the union of the
	// inputs.
	Extent *[4]float64
	// SrcNoData overrides the inputs' nodata (-srcnodata, one value or
	// one per band); SrcNoDataNone ignores it (-srcnodata None).
	SrcNoData     []float64
	SrcNoDataNone bool
	// VRTNoData sets the VRT bands' nodata (-vrtnodata); by default it is
	// SrcNoData, else the first input's nodata. VRTNoDataNone sets none.
	VRTNoData     []float64
	VRTNoDataNone bool
	// Separate puts each input's first band into a band of its own
	// (-separate) instead of mosaicking.
	Separate bool
	// AllowProjectionDifference accepts inputs whose CRSs differ, taking
	// the first input's (-allow_projection_difference).
	AllowProjectionDifference bool
}

// Build writes a mosaic (or, with Separate, a band stack) VRT of inputs at
// dst with gdalbuildvrt's semantics: the target extent is the union of the
// inputs (or Extent), the pixel size follows Resolution, each input becomes
// a source placed by its geotransform, and where inputs overlap the last
// one wins. Sources with nodata become ComplexSources that let the sources
// below show through. Inputs inside dst's directory are written relative
// to it. The file is written atomically. Build returns the VRT's
// description as GDAL reads it.
//
// Unlike gdalbuildvrt, which skips inconsistent inputs with a warning,
// Build refuses them: different CRSs (ErrCRSMismatch), band counts or data
// types, or rotated geotransforms (ErrMismatch).
func Build(dst string, inputs []string, o Options) (*raster.Info, error) {
	d, err := Mosaic(dst, inputs, o)
	if err != nil {
		return nil, err
	}
	b, err := d.Marshal()
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(dst, b); err != nil {
		return nil, err
	}
	return raster.Open(dst)
}

// Mosaic computes the VRT that Build writes at dst, without writing it.
func Mosaic(dst string, inputs []string, o Options) (*Dataset, error) {
	if len(inputs) == 0 {
		return nil, fmt.Errorf("%w: no inputs", ErrOptions)
	}
	infos := make([]*raster.Info, len(inputs))
	for i, in := range inputs {
		info, err := raster.Open(in)
		if err != nil {
			return nil, err
		}
		if len(info.Bands) == 0 {
			return nil, fmt.Errorf("%w: %s has no bands", ErrMismatch, in)
		}
		if !info.HasGeoTransform || info.GeoTransform[2] != 0 || info.GeoTransform[4] != 0 || info.GeoTransform[5] >= 0 {
			return nil, fmt.Errorf("%w: %s has no north-up geotransform (%v)", ErrMismatch, in, info.GeoTransform)
		}
		infos[i] = info
	}
	first := infos[0]
	for _, info := range infos[1:] {
		if !o.AllowProjectionDifference {
			same, err := sameCRS(first.CRS, info.CRS)
			if err != nil {
				return nil, err
			}
			if !same {
				return nil, fmt.Errorf("%w: %s (EPSG %d) vs %s (EPSG %d); reproject with vrt.Warp first", ErrCRSMismatch, first.Path, first.EPSG, info.Path, info.EPSG)
			}
		}
		if o.Separate {
			continue
		}
		if len(info.Bands) != len(first.Bands) {
			return nil, fmt.Errorf("%w: %s has %d bands, %s has %d", ErrMismatch, info.Path, len(info.Bands), first.Path, len(first.Bands))
		}
		for b := range info.Bands {
			if info.Bands[b].DType != first.Bands[b].DType {
				return nil, fmt.Errorf("%w: band %d is %s in %s but %s in %s (mixed data types)", ErrMismatch, b+1, info.Bands[b].DType, info.Path, first.Bands[b].DType, first.Path)
			}
		}
	}
	// Resolution.
	strategy := strings.ToLower(o.Resolution)
	if o.XRes != 0 || o.YRes != 0 {
		if strategy != "" && strategy != "user" {
			return nil, fmt.Errorf("%w: -tr with -resolution %s", ErrOptions, o.Resolution)
		}
		strategy = "user"
	}
	var xres, yres float64
	switch strategy {
	case "", "average":
		for _, in := range infos {
			x, y := in.Res()
			xres += x
			yres += y
		}
		xres /= float64(len(infos))
		yres /= float64(len(infos))
	case "highest", "lowest":
		for i, in := range infos {
			x, y := in.Res()
			if i == 0 || strategy == "highest" && x < xres || strategy == "lowest" && x > xres {
				xres = x
			}
			if i == 0 || strategy == "highest" && y < yres || strategy == "lowest" && y > yres {
				yres = y
			}
		}
	case "user":
		xres, yres = o.XRes, math.Abs(o.YRes)
		if !(xres > 0) || !(yres > 0) || math.IsInf(xres+yres, 0) {
			return nil, fmt.Errorf("%w: user resolution %v x %v", ErrOptions, o.XRes, o.YRes)
		}
	default:
		return nil, fmt.Errorf("%w: resolution %q (want highest, lowest, average or user)", ErrOptions, o.Resolution)
	}
	// Extent.
	var minX, minY, maxX, maxY float64
	if o.Extent != nil {
		minX, minY, maxX, maxY = o.Extent[0], o.Extent[1], o.Extent[2], o.Extent[3]
		if !(maxX > minX) || !(maxY > minY) || math.IsInf(minX+minY+maxX+maxY, 0) {
			return nil, fmt.Errorf("%w: extent %v", ErrOptions, *o.Extent)
		}
	} else {
		for i, in := range infos {
			b := in.Bounds
			if i == 0 {
				minX, minY, maxX, maxY = b[0], b[1], b[2], b[3]
				continue
			}
			minX, minY = math.Min(minX, b[0]), math.Min(minY, b[1])
			maxX, maxY = math.Max(maxX, b[2]), math.Max(maxY, b[3])
		}
	}
	fw, fh := 0.5+(maxX-minX)/xres, 0.5+(maxY-minY)/yres
	if fw < 1 || fh < 1 || fw > math.MaxInt32 || fh > math.MaxInt32 {
		return nil, fmt.Errorf("%w: a %.0fx%.0f raster at resolution %g x %g", ErrOptions, fw, fh, xres, yres)
	}
	width, height := int(fw), int(fh)
	d := &Dataset{RasterXSize: width, RasterYSize: height,
		GeoTransform: fmtGeoTransform([6]float64{minX, xres, 0, maxY, 0, -yres})}
	if first.CRS != "" {
		d.SRS = &SRS{Mapping: "1,2", WKT: first.CRS}
	}
	nbands := len(first.Bands)
	if o.Separate {
		nbands = len(infos)
	}
	for b := 0; b < nbands; b++ {
		var dt block.DType
		if o.Separate {
			dt = infos[b].Bands[0].DType
		} else {
			dt = first.Bands[b].DType
		}
		name, md, err := gdalTypeName(dt)
		if err != nil {
			return nil, err
		}
		band := Band{DataType: name, Band: b + 1, Metadata: md, ColorInterp: "Gray"}
		// VRT nodata.
		switch {
		case o.VRTNoDataNone:
		case len(o.VRTNoData) > 0:
			band.NoDataValue = fmtNum(pick(o.VRTNoData, b))
		case len(o.SrcNoData) > 0 && !o.SrcNoDataNone:
			band.NoDataValue = fmtNum(pick(o.SrcNoData, b))
		default:
			src, sb := first, b
			if o.Separate {
				src, sb = infos[b], 0
			}
			if bd := src.Bands[sb]; bd.HasNoData {
				band.NoDataValue = fmtNum(bd.NoData)
			}
		}
		for i, in := range infos {
			sb := b
			if o.Separate {
				if i != b {
					continue
				}
				sb = 0
			}
			src, ok := placeSource(in, xres, yres, minX, minY, maxX, maxY, width, height)
			if !ok {
				continue
			}
			src.SourceFilename = sourceName(dst, in.Path)
			src.SourceBand = sb + 1
			src.SourceProperties = &SourceProperties{RasterXSize: in.Width, RasterYSize: in.Height, DataType: name, BlockXSize: in.BlockX, BlockYSize: in.BlockY}
			src.XMLName = xml.Name{Local: "SimpleSource"}
			var nd float64
			has := false
			switch {
			case o.SrcNoDataNone:
			case len(o.SrcNoData) > 0:
				nd, has = pick(o.SrcNoData, b), true
			default:
				nd, has = in.Bands[sb].NoData, in.Bands[sb].HasNoData
			}
			if has {
				if dt == block.Int8 {
					return nil, fmt.Errorf("%w: %s: nodata on int8 bands is not supported by GDAL 3.6 VRTs", ErrMismatch, in.Path)
				}
				src.XMLName = xml.Name{Local: "ComplexSource"}
				src.NoData = fmtNum(nd)
			}
			band.Sources = append(band.Sources, src)
		}
		d.Bands = append(d.Bands, band)
	}
	return d, nil
}

func pick(v []float64, b int) float64 {
	if b < len(v) {
		return v[b]
	}
	return v[len(v)-1]
}

// placeSource is gdalbuildvrt's GetSrcDstWin: the source window and the
// destination window (fractional) of one input in the target grid.
func placeSource(in *raster.Info, xres, yres, minX, minY, maxX, maxY float64, w, h int) (Source, bool) {
	gt := in.GeoTransform
	if gt[0]+float64(in.Width)*gt[1] <= minX || gt[0] >= maxX || gt[3]+float64(in.Height)*gt[5] >= maxY || gt[3] <= minY {
		return Source{}, false
	}
	var sx, sy, dx, dy float64
	if gt[0] < minX {
		sx = (minX - gt[0]) / gt[1]
	} else {
		dx = (gt[0] - minX) / xres
	}
	if maxY < gt[3] {
		sy = (gt[3] - maxY) / -gt[5]
	} else {
		dy = (maxY - gt[3]) / yres
	}
	sw, sh := float64(in.Width), float64(in.Height)
	if sx > 0 {
		sw -= sx
	}
	if sy > 0 {
		sh -= sy
	}
	kx, ky := gt[1]/xres, -gt[5]/yres
	dw, dh := sw*kx, sh*ky
	if dx+dw > float64(w) {
		dw = float64(w) - dx
		sw = dw / kx
	}
	if dy+dh > float64(h) {
		dh = float64(h) - dy
		sh = dh / ky
	}
	if !(sw > 0 && sh > 0 && dw > 0 && dh > 0) {
		return Source{}, false
	}
	return Source{SrcRect: Rect{Num(sx), Num(sy), Num(sw), Num(sh)}, DstRect: Rect{Num(dx), Num(dy), Num(dw), Num(dh)}}, true
}

// sourceName writes path relative to the VRT's directory when it is inside
// it, absolute otherwise. Non-file paths (/vsicurl/..., NETCDF:...) are
// kept as given.
func sourceName(dst, path string) Filename {
	if strings.HasPrefix(path, "/vsi") || strings.Contains(path, ":") {
		return Filename{Relative: 0, Path: path}
	}
	abs, err1 := filepath.Abs(path)
	dir, err2 := filepath.Abs(filepath.Dir(dst))
	if err1 != nil || err2 != nil {
		return Filename{Path: path}
	}
	if rel, err := filepath.Rel(dir, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return Filename{Relative: 1, Path: filepath.ToSlash(rel)}
	}
	return Filename{Relative: 0, Path: abs}
}

func gdalTypeName(dt block.DType) (string, *Metadata, error) {
	switch dt {
	case block.Uint8:
		return "Byte", nil, nil
	case block.Int8:
		return "Byte", &Metadata{Domain: "IMAGE_STRUCTURE", Items: []MDI{{Key: "PIXELTYPE", Value: "SIGNEDBYTE"}}}, nil
	case block.Int16:
		return "Int16", nil, nil
	case block.Uint16:
		return "UInt16", nil, nil
	case block.Int32:
		return "Int32", nil, nil
	case block.Uint32:
		return "UInt32", nil, nil
	case block.Float32:
		return "Float32", nil, nil
	case block.Float64:
		return "Float64", nil, nil
	}
	return "", nil, fmt.Errorf("%w: %s", raster.ErrDType, dt)
}

// sameCRS compares two WKT CRSs the way GDAL does (OSRIsSame).
func sameCRS(a, b string) (bool, error) {
	if a == b {
		return true, nil
	}
	if a == "" || b == "" {
		return false, nil
	}
	godal.RegisterAll()
	sa, err := godal.NewSpatialRefFromWKT(a, godal.ErrLogger(failOnly))
	if err != nil {
		return false, fmt.Errorf("%w: CRS: %v", ErrMismatch, err)
	}
	defer sa.Close()
	sb, err := godal.NewSpatialRefFromWKT(b, godal.ErrLogger(failOnly))
	if err != nil {
		return false, fmt.Errorf("%w: CRS: %v", ErrMismatch, err)
	}
	defer sb.Close()
	return sa.IsSame(sb), nil
}

func failOnly(ec godal.ErrorCategory, code int, msg string) error {
	if ec <= godal.CE_Warning {
		return nil
	}
	return fmt.Errorf("GDAL error %d: %s", code, strings.TrimSpace(msg))
}

// tempPath is a fresh name in path's directory (so a rename is atomic)
// with path's extension (so GDAL picks the same driver).
func tempPath(path string) string {
	var r [6]byte
	rand.Read(r[:])
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(r[:])+filepath.Ext(path))
}

func writeAtomic(path string, b []byte) error {
	tmp := tempPath(path)
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
