// Package t2m writes the synthetic daily 2 m temperature cube that the
// labelled and groupby benchmarks read on both sides: t2m(time, lat, lon)
// float32 in a Zarr v2 store written by labelled's ToZarr, with a
// standard-calendar "days since 2000-01-01" time, a descending lat and an
// increasing lon, as xarray writes such a store.
package t2m

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/cftime"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/labelled"
	"github.com/tessera-array/tessera/ndarray"
	"github.com/tessera-array/tessera/zarr"
)

// Cube is the cube's size and stored chunks.
type Cube struct {
	Days, NLat, NLon int   // time, lat and lon steps
	Chunks           []int // stored chunks of t2m (time, lat, lon)
}

// Params are the synthetic field's parameters, carried in each task.
type Params struct {
	NLat, NLon int
}

func init() {
	ndarray.RegisterBlockFunc("benchmarks.t2m", Block)
}

// Block fills one block of a synthetic daily 2 m temperature (K): a cosine
// of latitude, a seasonal cycle opposite in the two hemispheres, a zonal
// wave and a deterministic ±1.5 K noise from a hash of the global index, so
// that values are reproducible and compress like real data roughly does
// (poorly in the low bits).
func Block(_ context.Context, _ []*block.Dense, p Params, info ndarray.BlockInfo) (*block.Dense, error) {
	box := info.Box
	shape := box.Shape()
	d, err := block.New(block.Float32, shape...)
	if err != nil {
		return nil, err
	}
	v := block.Values[float32](d)
	latStep, lonStep := 180/float64(p.NLat), 360/float64(p.NLon)
	lat := make([]float64, shape[1])
	for j := range lat {
		lat[j] = (90 - latStep/2 - float64(box.Lo[1]+j)*latStep) * math.Pi / 180
	}
	wave := make([]float64, shape[2])
	for k := range wave {
		wave[k] = 3 * math.Sin(3*(-180+lonStep/2+float64(box.Lo[2]+k)*lonStep)*math.Pi/180)
	}
	i := 0
	for t := range shape[0] {
		season := math.Cos(2 * math.Pi * (float64(box.Lo[0]+t) - 15) / 365.2425)
		for j := range shape[1] {
			base := 243 + 55*math.Cos(lat[j]) - 12*season*math.Sin(lat[j])
			g := uint64((box.Lo[0]+t)*p.NLat+box.Lo[1]+j) * uint64(p.NLon)
			for k := range shape[2] {
				h := (g + uint64(box.Lo[2]+k)) * 0x9E3779B97F4A7C15
				h ^= h >> 31
				h *= 0xBF58476D1CE4E5B9
				h ^= h >> 29
				noise := float64(h>>40)/float64(1<<24)*3 - 1.5
				v[i] = float32(base + wave[k] + noise)
				i++
			}
		}
	}
	return d, nil
}

// LatLon are the cube's pixel-centre coordinates: lat descending from
// 90-step/2, lon increasing from -180+step/2.
func LatLon(nlat, nlon int) (labelled.Float64Index, labelled.Float64Index) {
	lat := make(labelled.Float64Index, nlat)
	step := 180 / float64(nlat)
	for i := range lat {
		lat[i] = 90 - step/2 - float64(i)*step
	}
	lon := make(labelled.Float64Index, nlon)
	step = 360 / float64(nlon)
	for i := range lon {
		lon[i] = -180 + step/2 + float64(i)*step
	}
	return lat, lon
}

// done marks a finished store; its content names the generator, so a store
// written by an older generator is rewritten.
const done = "benchmarks.t2m v1"

// Ensure writes the cube at path with labelled's ToZarr unless a finished
// store of the same shape, chunks and generator is there already; it
// reports whether it wrote.
func Ensure(ctx context.Context, path string, c Cube) (bool, error) {
	shape := []int{c.Days, c.NLat, c.NLon}
	if s, err := zarr.NewDirectoryStore(path); err == nil {
		if a, err := zarr.OpenArray(ctx, s, "t2m"); err == nil && slices.Equal(a.Shape(), shape) && slices.Equal(a.Meta().Chunks, c.Chunks) {
			if b, err := os.ReadFile(filepath.Join(path, "DONE")); err == nil && string(b) == done {
				return false, nil
			}
		}
	}
	if err := os.RemoveAll(path); err != nil {
		return false, err
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return false, err
	}
	s, err := zarr.NewDirectoryStore(path)
	if err != nil {
		return false, err
	}
	grid := make([][]int, 3)
	for ax, n := range shape {
		for lo := 0; lo < n; lo += c.Chunks[ax] {
			grid[ax] = append(grid[ax], min(c.Chunks[ax], n-lo))
		}
	}
	data := ndarray.MapBlocks("benchmarks.t2m", nil, block.Float32, grid, Params{NLat: c.NLat, NLon: c.NLon})
	counts := make([]int64, c.Days)
	for i := range counts {
		counts[i] = int64(i)
	}
	ts, err := cftime.NewTimes(cftime.MustDate(cftime.Standard, 2000, 1, 1, 0, 0, 0, 0), cftime.Day, counts)
	if err != nil {
		return false, err
	}
	lat, lon := LatLon(c.NLat, c.NLon)
	t2m := labelled.New(data, []string{"time", "lat", "lon"}, labelled.Name("t2m"),
		labelled.Attrs(map[string]any{"units": "K", "long_name": "2 metre temperature (synthetic)"}),
		labelled.Coords(
			labelled.IndexCoord("time", labelled.NewTimeIndex(ts)).WithEncoding(map[string]any{"units": "days since 2000-01-01", "calendar": "standard"}),
			labelled.IndexCoord("lat", lat).WithAttrs(map[string]any{"units": "degrees_north"}),
			labelled.IndexCoord("lon", lon).WithAttrs(map[string]any{"units": "degrees_east"})))
	ds, err := labelled.NewDataset([]*labelled.Array{t2m}, map[string]any{"title": "tessera benchmark cube"})
	if err != nil {
		return false, err
	}
	err = ds.ToZarr(ctx, s, "", labelled.ZarrOptions{Format: 2,
		Encoding: map[string]map[string]any{"t2m": {"chunks": c.Chunks}},
		Compute:  []ndarray.ComputeOption{ndarray.WithExecutor(cluster.NewLocal(cluster.LocalOptions{MemoryBudget: 2 << 30}))}})
	if err != nil {
		return false, err
	}
	return true, os.WriteFile(filepath.Join(path, "DONE"), []byte(done), 0o644)
}
