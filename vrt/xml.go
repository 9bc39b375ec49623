package vrt

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tessera-array/tessera/raster"
)

// ErrFormat reports VRT XML that Parse cannot read or that describes an
// impossible raster.
var ErrFormat = errors.New("vrt: malformed VRT")

// Dataset is the XML of a VRTDataset, as much of it as Build writes.
type Dataset struct {
	XMLName      xml.Name `xml:"VRTDataset"`
	RasterXSize  int      `xml:"rasterXSize,attr"`
	RasterYSize  int      `xml:"rasterYSize,attr"`
	SubClass     string   `xml:"subClass,attr,omitempty"`
	SRS          *SRS     `xml:"SRS,omitempty"`
	GeoTransform string   `xml:"GeoTransform,omitempty"`
	Bands        []Band   `xml:"VRTRasterBand"`
}

// SRS is the dataset's CRS as WKT.
type SRS struct {
	Mapping string `xml:"dataAxisToSRSAxisMapping,attr,omitempty"`
	WKT     string `xml:",chardata"`
}

// Band is one VRTRasterBand.
type Band struct {
	DataType    string    `xml:"dataType,attr"`
	Band        int       `xml:"band,attr"`
	Metadata    *Metadata `xml:"Metadata,omitempty"`
	NoDataValue string    `xml:"NoDataValue,omitempty"`
	ColorInterp string    `xml:"ColorInterp,omitempty"`
	Sources     []Source  `xml:",any"`
}

// Metadata is a metadata domain.
type Metadata struct {
	Domain string `xml:"domain,attr,omitempty"`
	Items  []MDI  `xml:"MDI"`
}

// MDI is one metadata item.
type MDI struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// Source is a SimpleSource or ComplexSource (XMLName says which).
type Source struct {
	XMLName          xml.Name
	SourceFilename   Filename          `xml:"SourceFilename"`
	SourceBand       int               `xml:"SourceBand"`
	SourceProperties *SourceProperties `xml:"SourceProperties,omitempty"`
	SrcRect          Rect              `xml:"SrcRect"`
	DstRect          Rect              `xml:"DstRect"`
	NoData           string            `xml:"NODATA,omitempty"`
}

// Filename is a source path; Relative means relative to the VRT's
// directory.
type Filename struct {
	Relative int    `xml:"relativeToVRT,attr"`
	Path     string `xml:",chardata"`
}

// SourceProperties caches a source's size, type and blocks so GDAL need
// not open it to plan reads.
type SourceProperties struct {
	RasterXSize int    `xml:"RasterXSize,attr"`
	RasterYSize int    `xml:"RasterYSize,attr"`
	DataType    string `xml:"DataType,attr"`
	BlockXSize  int    `xml:"BlockXSize,attr"`
	BlockYSize  int    `xml:"BlockYSize,attr"`
}

// Rect is a window with fractional offsets and sizes, as gdalbuildvrt
// writes them.
type Rect struct {
	XOff  Num `xml:"xOff,attr"`
	YOff  Num `xml:"yOff,attr"`
	XSize Num `xml:"xSize,attr"`
	YSize Num `xml:"ySize,attr"`
}

// Num is a float written like GDAL writes rectangle values (%.15g).
type Num float64

// MarshalXMLAttr formats n with 15 significant digits.
func (n Num) MarshalXMLAttr(name xml.Name) (xml.Attr, error) {
	return xml.Attr{Name: name, Value: fmtNum(float64(n))}, nil
}

// UnmarshalXMLAttr parses a finite number.
func (n *Num) UnmarshalXMLAttr(a xml.Attr) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(a.Value), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%w: %s=%q is not a finite number", ErrFormat, a.Name.Local, a.Value)
	}
	*n = Num(f)
	return nil
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', 15, 64) }

func fmtGeoTransform(gt [6]float64) string {
	parts := make([]string, 6)
	for i, v := range gt {
		parts[i] = fmt.Sprintf("%24.16e", v)
	}
	return strings.Join(parts, ",")
}

// GeoTransformValues parses the GeoTransform element.
func (d *Dataset) GeoTransformValues() ([6]float64, bool, error) {
	var gt [6]float64
	if strings.TrimSpace(d.GeoTransform) == "" {
		return gt, false, nil
	}
	parts := strings.Split(d.GeoTransform, ",")
	if len(parts) != 6 {
		return gt, false, fmt.Errorf("%w: GeoTransform has %d values", ErrFormat, len(parts))
	}
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return gt, false, fmt.Errorf("%w: GeoTransform value %q", ErrFormat, p)
		}
		gt[i] = f
	}
	return gt, true, nil
}

// Marshal encodes d as indented XML.
func (d *Dataset) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// maxVRTBytes bounds what Parse accepts.
const maxVRTBytes = 64 << 20

// gdalTypeBytes is the bytes per pixel of each GDAL type name.
var gdalTypeBytes = map[string]int{"Byte": 1, "Int8": 1, "UInt16": 2, "Int16": 2, "UInt32": 4, "Int32": 4,
	"Float32": 4, "Float64": 8, "CInt16": 4, "CInt32": 8, "CFloat32": 8, "CFloat64": 16, "Int64": 8, "UInt64": 8}

var gdalTypeNames = map[string]bool{"Byte": true, "Int8": true, "UInt16": true, "Int16": true, "UInt32": true, "Int32": true,
	"Float32": true, "Float64": true, "CInt16": true, "CInt32": true, "CFloat32": true, "CFloat64": true, "Int64": true, "UInt64": true}

// Parse reads a VRT's XML and checks it: positive sizes, known band types,
// bands numbered 1..n, sources with a file name, a positive source band and
// non-negative rectangles. Elements Build does not write (warped VRTs'
// GDALWarpOptions, pixel functions) are ignored, not errors.
func Parse(b []byte) (*Dataset, error) {
	if len(b) > maxVRTBytes {
		return nil, fmt.Errorf("%w: %d bytes is over the %d byte limit", ErrFormat, len(b), maxVRTBytes)
	}
	var d Dataset
	if err := xml.Unmarshal(b, &d); err != nil {
		if errors.Is(err, ErrFormat) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if d.RasterXSize <= 0 || d.RasterYSize <= 0 {
		return nil, fmt.Errorf("%w: raster size %dx%d", ErrFormat, d.RasterXSize, d.RasterYSize)
	}
	if _, _, err := d.GeoTransformValues(); err != nil {
		return nil, err
	}
	for i, bd := range d.Bands {
		if bd.Band != i+1 {
			return nil, fmt.Errorf("%w: band %d numbered %d", ErrFormat, i+1, bd.Band)
		}
		if !gdalTypeNames[bd.DataType] {
			return nil, fmt.Errorf("%w: band %d data type %q", ErrFormat, i+1, bd.DataType)
		}
		var srcs []Source
		for _, s := range bd.Sources {
			switch s.XMLName.Local {
			case "SimpleSource", "ComplexSource":
			default:
				continue // other band children (Offset, Scale, Histograms...)
			}
			if strings.TrimSpace(s.SourceFilename.Path) == "" {
				return nil, fmt.Errorf("%w: band %d: %s without SourceFilename", ErrFormat, i+1, s.XMLName.Local)
			}
			if s.SourceBand < 1 {
				return nil, fmt.Errorf("%w: band %d: source band %d", ErrFormat, i+1, s.SourceBand)
			}
			for _, r := range []Rect{s.SrcRect, s.DstRect} {
				if r.XOff < 0 || r.YOff < 0 || r.XSize < 0 || r.YSize < 0 {
					return nil, fmt.Errorf("%w: band %d: negative rectangle %+v", ErrFormat, i+1, r)
				}
			}
			srcs = append(srcs, s)
		}
		d.Bands[i].Sources = srcs
	}
	// Declared size: checked arithmetic against raster's stated limit.
	total := int64(0)
	for _, bd := range d.Bands {
		px := int64(d.RasterXSize)
		if px > raster.MaxRasterBytes/int64(d.RasterYSize) {
			return nil, fmt.Errorf("%w: %w: raster size %dx%d", ErrFormat, raster.ErrSize, d.RasterXSize, d.RasterYSize)
		}
		px *= int64(d.RasterYSize)
		es := int64(gdalTypeBytes[bd.DataType])
		if px > (raster.MaxRasterBytes-total)/es {
			return nil, fmt.Errorf("%w: %w: raster size %dx%d with %d band(s) is over %d bytes", ErrFormat, raster.ErrSize, d.RasterXSize, d.RasterYSize, len(d.Bands), int64(raster.MaxRasterBytes))
		}
		total += px * es
	}
	return &d, nil
}

// Files lists the distinct source files of d, in order of first use, as
// written (relative ones relative to the VRT's directory).
func (d *Dataset) Files() []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range d.Bands {
		for _, s := range b.Sources {
			if p := s.SourceFilename.Path; !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}
