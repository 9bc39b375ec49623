package quicklook

import (
	"bytes"
	"context"
	"errors"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/ndarray"
)

func ramp(h, w int) *block.Dense {
	d := block.Must(block.Float64, h, w)
	v := block.Values[float64](d)
	for i := range v {
		v[i] = float64(i % w) // x ramp: left dark, right bright
	}
	return d
}

func TestColormapEndpointsAndSize(t *testing.T) {
	x := ndarray.FromDense(ramp(20, 101), chunk.PerAxis(7, 50))
	img, err := Render(context.Background(), x, Options{Lo: 0.0001, Hi: 100})
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 101 || b.Dy() != 20 {
		t.Fatalf("size %v", b)
	}
	if c := img.NRGBAAt(0, 5); c != (color.NRGBA{0x44, 0x01, 0x54, 255}) {
		t.Fatalf("viridis low end %v", c)
	}
	if c := img.NRGBAAt(100, 5); c != (color.NRGBA{0xfd, 0xe7, 0x25, 255}) {
		t.Fatalf("viridis high end %v", c)
	}
	g, _ := RenderDense(ramp(4, 11), Options{Colormap: "greys", Lo: 0.0001, Hi: 100})
	if g.NRGBAAt(0, 0) != (color.NRGBA{0, 0, 0, 255}) || g.NRGBAAt(10, 0) != (color.NRGBA{255, 255, 255, 255}) || g.NRGBAAt(5, 0).R != 128 {
		t.Fatalf("greys %v %v %v", g.NRGBAAt(0, 0), g.NRGBAAt(10, 0), g.NRGBAAt(5, 0))
	}
}

func TestStretchClipsOutliers(t *testing.T) {
	d := ramp(10, 100)
	v := block.Values[float64](d)
	v[0] = 1e9 // one outlier must not wash out the picture
	img, _ := RenderDense(d, Options{Colormap: "greys"})
	if c := img.NRGBAAt(50, 5); c.R < 100 || c.R > 160 {
		t.Fatalf("middle pixel %v: stretch did not ignore the outlier", c)
	}
	if img.NRGBAAt(0, 0).R != 255 {
		t.Fatal("outlier should clip to the top of the colormap")
	}
}

func TestNoDataTransparentAndPNG(t *testing.T) {
	d := ramp(8, 8)
	v := block.Values[float64](d)
	v[3] = math.NaN()
	v[9] = -9999
	nd := -9999.0
	img, err := RenderDense(d, Options{NoData: &nd})
	if err != nil {
		t.Fatal(err)
	}
	if img.NRGBAAt(3, 0).A != 0 || img.NRGBAAt(1, 1).A != 0 || img.NRGBAAt(2, 2).A != 255 {
		t.Fatal("NaN and nodata must be transparent, others opaque")
	}
	var buf bytes.Buffer
	if err := WritePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&buf)
	if err != nil || back.Bounds().Dx() != 8 {
		t.Fatalf("png round trip: %v", err)
	}
}

func TestSubsampleAndErrors(t *testing.T) {
	img, _ := RenderDense(ramp(3000, 2000), Options{MaxSize: 500})
	if b := img.Bounds(); b.Dx() > 500 || b.Dy() > 500 || b.Dy() < 400 {
		t.Fatalf("subsampled size %v", b)
	}
	if _, err := RenderDense(block.Must(block.Float32, 2, 2, 2), Options{}); !errors.Is(err, ErrRank) {
		t.Fatalf("rank: %v", err)
	}
	if _, err := RenderDense(ramp(2, 2), Options{Colormap: "jet"}); err == nil {
		t.Fatal("unknown colormap accepted")
	}
	if _, err := RenderDense(ramp(2, 2), Options{Lo: 50, Hi: 10}); err == nil {
		t.Fatal("bad percentiles accepted")
	}
}
