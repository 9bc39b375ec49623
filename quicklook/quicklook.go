// Package quicklook renders a 2-D slice of any array (or a raster band) to
// a PNG picture: a colormap (viridis, greys), a percentile stretch, and
// transparency for NaN and nodata, so a user looks at a map rather than at
// numbers.
package quicklook

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// Options tunes Render.
type Options struct {
	// Colormap is "viridis" (default) or "greys".
	Colormap string
	// Lo and Hi are the percentiles mapped to the colormap's ends
	// (defaults 2 and 98); values outside are clipped.
	Lo, Hi float64
	// NoData, when set, is drawn transparent (NaN always is).
	NoData *float64
	// MaxSize bounds the picture's larger side; larger arrays are
	// subsampled (default 1024).
	MaxSize int
}

// ErrRank reports an array that is not 2-D.
var ErrRank = errors.New("quicklook: need a 2-D array")

// anchors of the colormaps, evenly spaced from 0 to 1.
var colormaps = map[string][]color.NRGBA{
	"viridis": {
		{0x44, 0x01, 0x54, 255}, {0x48, 0x28, 0x78, 255}, {0x3e, 0x49, 0x89, 255}, {0x31, 0x68, 0x8e, 255}, {0x26, 0x82, 0x8e, 255},
		{0x1f, 0x9e, 0x89, 255}, {0x35, 0xb7, 0x79, 255}, {0x6e, 0xce, 0x58, 255}, {0xfd, 0xe7, 0x25, 255},
	},
	"greys": {{0, 0, 0, 255}, {255, 255, 255, 255}},
}

// Colormaps lists the names Render accepts.
func Colormaps() []string {
	out := make([]string, 0, len(colormaps))
	for k := range colormaps {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func lookup(cm []color.NRGBA, t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	x := t * float64(len(cm)-1)
	i := int(x)
	if i >= len(cm)-1 {
		return cm[len(cm)-1]
	}
	f := x - float64(i)
	a, b := cm[i], cm[i+1]
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p)*(1-f) + float64(q)*f)) }
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// Render computes a (a lazy 2-D array; use AsType/indexing first for other
// ranks) and draws it. Rows are y (top first), columns x.
func Render(ctx context.Context, a *ndarray.Array, o Options) (*image.NRGBA, error) {
	if err := a.Err(); err != nil {
		return nil, err
	}
	if a.Rank() != 2 {
		return nil, fmt.Errorf("%w: shape %v", ErrRank, a.Shape())
	}
	d, err := a.Compute(ctx)
	if err != nil {
		return nil, err
	}
	return RenderDense(d, o)
}

// RenderDense draws an in-memory 2-D block.
func RenderDense(d *block.Dense, o Options) (*image.NRGBA, error) {
	shape := d.Shape()
	if len(shape) != 2 {
		return nil, fmt.Errorf("%w: shape %v", ErrRank, shape)
	}
	if o.Colormap == "" {
		o.Colormap = "viridis"
	}
	cm, ok := colormaps[o.Colormap]
	if !ok {
		return nil, fmt.Errorf("quicklook: unknown colormap %q (have %v)", o.Colormap, Colormaps())
	}
	if o.Lo == 0 && o.Hi == 0 {
		o.Lo, o.Hi = 2, 98
	}
	if o.Lo < 0 || o.Hi > 100 || o.Lo >= o.Hi {
		return nil, fmt.Errorf("quicklook: percentiles %v..%v", o.Lo, o.Hi)
	}
	if o.MaxSize <= 0 {
		o.MaxSize = 1024
	}
	h, w := shape[0], shape[1]
	step := max(1, (max(h, w)+o.MaxSize-1)/o.MaxSize)
	oh, ow := (h+step-1)/step, (w+step-1)/step
	img := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	if oh == 0 || ow == 0 {
		return img, nil
	}
	valid := func(v float64) bool {
		return !math.IsNaN(v) && (o.NoData == nil || v != *o.NoData)
	}
	// percentiles from the subsampled pixels
	vals := make([]float64, 0, oh*ow)
	for y := 0; y < h; y += step {
		for x := 0; x < w; x += step {
			if v := d.Float64(y*w + x); valid(v) && !math.IsInf(v, 0) {
				vals = append(vals, v)
			}
		}
	}
	lo, hi := 0.0, 1.0
	if len(vals) > 0 {
		slices.Sort(vals)
		pick := func(p float64) float64 { return vals[int(math.Round(p/100*float64(len(vals)-1)))] }
		lo, hi = pick(o.Lo), pick(o.Hi)
	}
	span := hi - lo
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			v := d.Float64(y*step*w + x*step)
			if !valid(v) {
				continue // transparent
			}
			t := 0.5
			if span > 0 {
				t = (v - lo) / span
			} else if v > hi {
				t = 1
			} else if v < lo {
				t = 0
			}
			img.SetNRGBA(x, y, lookup(cm, t))
		}
	}
	return img, nil
}

// WritePNG encodes the picture.
func WritePNG(w io.Writer, img image.Image) error { return png.Encode(w, img) }
