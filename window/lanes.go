package window

import (
	"context"

	"github.com/tessera-array/tessera/block"
)

// laneTile is how many neighbouring lanes are gathered together: a lane
// along an outer axis is strided in memory, so lanes are copied laneTile at
// a time from contiguous runs of the innermost positions.
const laneTile = 64

// forLanes runs kernel on every 1-d lane of src along axis: x is the lane
// (as float64, halo included), y the matching lane of out, which is
// shorter by the halo; h0 is the halo before the lane's first output.
func forLanes(ctx context.Context, src, out *block.Dense, axis, h0 int, kernel func(x, y []float64, h0 int)) error {
	shape := src.Shape()
	m := shape[axis]
	c := out.Shape()[axis]
	outer, inner := 1, 1
	for d, s := range shape {
		if d < axis {
			outer *= s
		} else if d > axis {
			inner *= s
		}
	}
	tile := min(laneTile, inner)
	xs := make([]float64, tile*m)
	ys := make([]float64, tile*c)
	for o := range outer {
		if err := ctx.Err(); err != nil {
			return err
		}
		for k0 := 0; k0 < inner; k0 += tile {
			kk := min(tile, inner-k0)
			gather(src, xs, o*m*inner, m, inner, k0, kk)
			for q := range kk {
				kernel(xs[q*m:(q+1)*m], ys[q*c:(q+1)*c], h0)
			}
			scatter(out, ys, o*c*inner, c, inner, k0, kk)
		}
	}
	return nil
}

// gather copies lanes k0..k0+kk of the m rows starting at base (row stride
// inner) into buf, lane after lane.
func gather(src *block.Dense, buf []float64, base, m, inner, k0, kk int) {
	switch s := src.Data().(type) {
	case []float64:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []float32:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []int8:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []int16:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []int32:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []int64:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []uint8:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []uint16:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []uint32:
		gatherT(s, buf, base, m, inner, k0, kk)
	case []uint64:
		gatherT(s, buf, base, m, inner, k0, kk)
	default: // float16 and anything else numeric
		for i := range m {
			for q := range kk {
				buf[q*m+i] = src.Float64(base + i*inner + k0 + q)
			}
		}
	}
}

func gatherT[T block.Number](src []T, buf []float64, base, m, inner, k0, kk int) {
	for i := range m {
		row := src[base+i*inner+k0 : base+i*inner+k0+kk]
		for q, v := range row {
			buf[q*m+i] = float64(v)
		}
	}
}

// scatter writes lanes back: the inverse of gather into out (float32 or
// float64).
func scatter(out *block.Dense, buf []float64, base, c, inner, k0, kk int) {
	switch d := out.Data().(type) {
	case []float64:
		for i := range c {
			row := d[base+i*inner+k0 : base+i*inner+k0+kk]
			for q := range row {
				row[q] = buf[q*c+i]
			}
		}
	case []float32:
		for i := range c {
			row := d[base+i*inner+k0 : base+i*inner+k0+kk]
			for q := range row {
				row[q] = float32(buf[q*c+i])
			}
		}
	}
}
