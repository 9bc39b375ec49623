package raster

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/airbusgeo/godal"

	"github.com/tessera-array/tessera/block"
)

// Georef is where a raster sits on Earth: an affine geotransform from
// pixel/line to CRS coordinates, GDAL's order
//
//	X = GT[0] + col*GT[1] + row*GT[2]
//	Y = GT[3] + col*GT[4] + row*GT[5]
//
// and the CRS as WKT (or any string GDAL's SetFromUserInput reads, such as
// "EPSG:32631", when writing).
type Georef struct {
	GeoTransform    [6]float64
	HasGeoTransform bool
	CRS             string
}

// Band describes one band. Scale and Offset decode stored values as
// stored*Scale + Offset (Scale 1, Offset 0 when the file sets none).
type Band struct {
	DType       block.DType
	NoData      float64
	HasNoData   bool
	Scale       float64
	Offset      float64
	Description string
	Metadata    map[string]string `json:",omitempty"`
}

// Info describes a raster. It is a plain value: it holds no GDAL handle.
type Info struct {
	Path   string
	Driver string
	Width  int
	Height int
	// DType is the common type of all bands (promoted when they differ).
	DType block.DType
	// BlockX, BlockY are band 1's natural block size (tile or strip).
	BlockX, BlockY int
	// SourceBlockX, SourceBlockY are, for a mosaic VRT, the largest block
	// of its sources (a VRT's own blocks are nominal). Reads align to
	// them, so that two tasks running at once do not decode the same
	// source tiles twice. Zero for other rasters.
	SourceBlockX, SourceBlockY int `json:",omitempty"`
	Georef
	// Bounds is minX, minY, maxX, maxY in CRS units (pixel units without a
	// geotransform).
	Bounds [4]float64
	// EPSG is the CRS's EPSG code, 0 when it has none.
	EPSG        int
	Bands       []Band
	Metadata    map[string]string `json:",omitempty"`
	SubDatasets []string          `json:",omitempty"`
}

// NumBands is len(i.Bands).
func (i *Info) NumBands() int { return len(i.Bands) }

// Res returns the pixel size (positive in both directions for a north-up
// raster: GT[1] and -GT[5]).
func (i *Info) Res() (x, y float64) { return i.GeoTransform[1], -i.GeoTransform[5] }

// Open opens path with GDAL and describes it. path is anything GDAL opens:
// a file, a VRT, "NETCDF:file.nc:var", a /vsicurl/ URL. A missing,
// truncated or non-raster file is an error wrapping ErrOpen. Open keeps no
// handle open.
func Open(path string) (*Info, error) {
	register()
	ds, err := godal.Open(path, godal.RasterOnly(), quiet())
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrOpen, path, err)
	}
	defer ds.Close(quiet())
	return describe(path, ds)
}

func describe(path string, ds *godal.Dataset) (*Info, error) {
	st := ds.Structure()
	info := &Info{Path: path, Driver: ds.Driver().ShortName(), Width: st.SizeX, Height: st.SizeY,
		Metadata: ds.Metadatas(quiet())}
	if sds := ds.Metadatas(godal.Domain("SUBDATASETS"), quiet()); len(sds) > 0 {
		for i := 1; ; i++ {
			n, ok := sds["SUBDATASET_"+strconv.Itoa(i)+"_NAME"]
			if !ok {
				break
			}
			info.SubDatasets = append(info.SubDatasets, n)
		}
	}
	if gt, err := ds.GeoTransform(quiet()); err == nil {
		info.GeoTransform, info.HasGeoTransform = gt, true
	} else {
		info.GeoTransform = [6]float64{0, 1, 0, 0, 0, 1}
	}
	if ds.Projection() == "" {
		// no CRS
	} else if sr := ds.SpatialRef(); sr != nil {
		if wkt, err := sr.WKT(); err == nil {
			info.CRS = wkt
		}
		info.EPSG = epsgOf(sr)
		sr.Close()
	}
	info.Bounds = boundsOf(info.GeoTransform, info.Width, info.Height)
	if info.Driver == "VRT" {
		info.SourceBlockX, info.SourceBlockY = vrtSourceBlocks(path)
	}
	bands := ds.Bands()
	if len(bands) == 0 && len(info.SubDatasets) == 0 {
		return nil, fmt.Errorf("%w %s: no raster bands", ErrOpen, path)
	}
	for i, b := range bands {
		bs := b.Structure()
		signed := b.Metadata("PIXELTYPE", godal.Domain("IMAGE_STRUCTURE"), quiet()) == "SIGNEDBYTE"
		dt, err := dtypeOf(bs.DataType, signed)
		if err != nil {
			return nil, fmt.Errorf("%s band %d: %w", path, i+1, err)
		}
		if i == 0 {
			info.BlockX, info.BlockY = bs.BlockSizeX, bs.BlockSizeY
			info.DType = dt
		} else if dt != info.DType {
			info.DType = block.Promote(info.DType, dt)
		}
		nd, ok := b.NoData()
		info.Bands = append(info.Bands, Band{DType: dt, NoData: nd, HasNoData: ok, Scale: bs.Scale, Offset: bs.Offset,
			Description: b.Description(), Metadata: b.Metadatas(quiet())})
	}
	if len(bands) > 0 {
		if err := checkSize(path, info.Width, info.Height, len(bands), info.DType.Size()); err != nil {
			return nil, err
		}
	}
	return info, nil
}

func epsgOf(sr *godal.SpatialRef) int {
	for _, target := range []string{"", "PROJCS", "GEOGCS"} {
		if sr.AuthorityName(target) == "EPSG" {
			if n, err := strconv.Atoi(sr.AuthorityCode(target)); err == nil {
				if target == "" || target == "PROJCS" || !sr.Projected() {
					return n
				}
			}
		}
	}
	return 0
}

func boundsOf(gt [6]float64, w, h int) [4]float64 {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, c := range [][2]float64{{0, 0}, {float64(w), 0}, {0, float64(h)}, {float64(w), float64(h)}} {
		x := gt[0] + c[0]*gt[1] + c[1]*gt[2]
		y := gt[3] + c[0]*gt[4] + c[1]*gt[5]
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	return [4]float64{minX, minY, maxX, maxY}
}

// readBlocks is the block size reads align to.
func (i *Info) readBlocks() (bx, by int) {
	bx, by = max(i.BlockX, 1), max(i.BlockY, 1)
	if i.SourceBlockX > 0 && i.SourceBlockY > 0 {
		bx, by = i.SourceBlockX, i.SourceBlockY
	}
	return bx, by
}

// vrtSourceBlocks reads the largest SourceProperties block size of a VRT
// file (0, 0 when it has none or is not a plain file).
func vrtSourceBlocks(path string) (int, int) {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() > 64<<20 {
		return 0, 0
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	bx, by := 0, 0
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "SourceProperties" {
			continue
		}
		for _, a := range se.Attr {
			n, err := strconv.Atoi(a.Value)
			if err != nil || n <= 0 || n > 1<<16 {
				continue
			}
			switch a.Name.Local {
			case "BlockXSize":
				bx = max(bx, n)
			case "BlockYSize":
				by = max(by, n)
			}
		}
	}
	if bx == 0 || by == 0 {
		return 0, 0
	}
	return bx, by
}

// String is a short gdalinfo-like summary.
func (i *Info) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s (%s) %dx%d, %d band(s) %s, blocks %dx%d", i.Path, i.Driver, i.Width, i.Height, len(i.Bands), i.DType, i.BlockX, i.BlockY)
	if i.EPSG != 0 {
		fmt.Fprintf(&sb, ", EPSG:%d", i.EPSG)
	}
	if i.HasGeoTransform {
		fmt.Fprintf(&sb, ", bounds %v, res %g x %g", i.Bounds, i.GeoTransform[1], -i.GeoTransform[5])
	}
	return sb.String()
}
