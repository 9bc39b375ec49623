package raster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/airbusgeo/godal"
	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/ndarray"
)

// WriteOptions tune Write. The zero value writes a tiled, DEFLATE-compressed
// GeoTIFF with 256×256 tiles and no georeferencing.
type WriteOptions struct {
	// Compress is DEFLATE (default), ZSTD, LZW or NONE.
	Compress string
	// Predictor is 1 (none, default), 2 (horizontal differencing) or 3
	// (floating point).
	Predictor int
	// Level is the DEFLATE (1-9) or ZSTD (1-22) level; 0 is GDAL's default.
	Level int
	// BigTIFF is YES, NO, IF_NEEDED (default) or IF_SAFER.
	BigTIFF string
	// BlockSize is the tile edge (a multiple of 16); 0 means 256 (512 for a
	// COG).
	BlockSize int
	// NoData, when HasNoData, is set on every band.
	NoData    float64
	HasNoData bool
	// Scale and Offset, when Scale is not 0, are set on every band:
	// readers decode stored*Scale + Offset.
	Scale, Offset float64
	// Georef is the geotransform and CRS to write (copy Info.Georef to
	// carry them over from a source).
	Georef
	// Metadata is written in the default domain.
	Metadata map[string]string
	// COG writes a Cloud-Optimized GeoTIFF (GDAL's COG driver) with
	// overviews down to one tile.
	COG bool
	// Overviews are overview factors (2, 4, 8, ...) built into a plain
	// GeoTIFF; ignored for COGs, which get every level.
	Overviews []int
	// Resampling for overviews: NEAREST (default), AVERAGE, BILINEAR, ...
	Resampling string
	// Executor computes the blocks; nil means a local executor on every
	// core.
	Executor cluster.Executor
}

func (o *WriteOptions) creation(dt block.DType, signed bool, cog bool) ([]string, error) {
	comp := strings.ToUpper(o.Compress)
	if comp == "" {
		comp = "DEFLATE"
	}
	switch comp {
	case "DEFLATE", "ZSTD", "LZW", "NONE":
	default:
		return nil, fmt.Errorf("%w: compression %q (want DEFLATE, ZSTD, LZW or NONE)", ErrOptions, o.Compress)
	}
	bs := o.BlockSize
	if bs == 0 {
		bs = 256
		if cog {
			bs = 512
		}
	}
	if bs < 16 || bs%16 != 0 || bs > 1<<15 {
		return nil, fmt.Errorf("%w: block size %d is not a multiple of 16 in 16..32768", ErrOptions, bs)
	}
	co := []string{"COMPRESS=" + comp}
	if cog {
		co = append(co, "BLOCKSIZE="+strconv.Itoa(bs))
	} else {
		co = append(co, "TILED=YES", "BLOCKXSIZE="+strconv.Itoa(bs), "BLOCKYSIZE="+strconv.Itoa(bs))
	}
	// The COG driver names predictors; GTiff numbers them.
	switch o.Predictor {
	case 0, 1:
	case 2:
		co = append(co, map[bool]string{false: "PREDICTOR=2", true: "PREDICTOR=STANDARD"}[cog])
	case 3:
		if !dt.IsFloat() {
			return nil, fmt.Errorf("%w: predictor 3 needs floating point data, not %s", ErrOptions, dt)
		}
		co = append(co, map[bool]string{false: "PREDICTOR=3", true: "PREDICTOR=FLOATING_POINT"}[cog])
	default:
		return nil, fmt.Errorf("%w: predictor %d (want 1, 2 or 3)", ErrOptions, o.Predictor)
	}
	if o.Predictor >= 2 && comp == "NONE" {
		return nil, fmt.Errorf("%w: a predictor needs compression", ErrOptions)
	}
	if o.Level != 0 {
		switch comp {
		case "DEFLATE":
			if o.Level < 1 || o.Level > 9 {
				return nil, fmt.Errorf("%w: DEFLATE level %d (1-9)", ErrOptions, o.Level)
			}
			co = append(co, "LEVEL="+strconv.Itoa(o.Level))
			if !cog {
				co[len(co)-1] = "ZLEVEL=" + strconv.Itoa(o.Level)
			}
		case "ZSTD":
			if o.Level < 1 || o.Level > 22 {
				return nil, fmt.Errorf("%w: ZSTD level %d (1-22)", ErrOptions, o.Level)
			}
			co = append(co, "LEVEL="+strconv.Itoa(o.Level))
			if !cog {
				co[len(co)-1] = "ZSTD_LEVEL=" + strconv.Itoa(o.Level)
			}
		default:
			return nil, fmt.Errorf("%w: level with %s compression", ErrOptions, comp)
		}
	}
	switch b := strings.ToUpper(o.BigTIFF); b {
	case "":
	case "YES", "NO", "IF_NEEDED", "IF_SAFER":
		co = append(co, "BIGTIFF="+b)
	default:
		return nil, fmt.Errorf("%w: BIGTIFF=%q", ErrOptions, o.BigTIFF)
	}
	if signed && !cog {
		co = append(co, "PIXELTYPE=SIGNEDBYTE")
	}
	if cog {
		r := strings.ToUpper(o.Resampling)
		if r == "" {
			r = "NEAREST"
		}
		co = append(co, "OVERVIEW_RESAMPLING="+r)
	}
	return co, nil
}

// Write computes a (a 2-D (y, x) or 3-D (band, y, x) array) and writes it
// to a GeoTIFF at path. Blocks are computed in parallel by the executor; a
// single writer (the executor's emit goroutine) writes them through one
// GDAL handle, so GDAL never sees concurrent writes. The file appears
// atomically: everything is written under a temporary name in the same
// directory, closed (flushing GDAL's caches), converted to a COG when
// asked, and renamed over path. It returns the size of the file written.
//
// Int64 and Uint64 arrays are refused with ErrDType (GDAL 3.6 has no such
// band types); int8 is written as Byte with PIXELTYPE=SIGNEDBYTE, which
// GDAL 3.6 reads back as signed. Blocks aligned to the tile size write
// fastest.
func Write(ctx context.Context, a *ndarray.Array, path string, o WriteOptions) (int64, error) {
	if a == nil || a.Err() != nil {
		if a == nil {
			return 0, fmt.Errorf("%w: nil array", ErrOptions)
		}
		return 0, a.Err()
	}
	shape := a.Shape()
	switch len(shape) {
	case 2:
		shape = []int{1, shape[0], shape[1]}
	case 3:
	default:
		return 0, fmt.Errorf("%w: a raster is (y, x) or (band, y, x), not shape %v", ErrOptions, a.Shape())
	}
	if shape[0] < 1 || shape[1] < 1 || shape[2] < 1 {
		return 0, fmt.Errorf("%w: empty raster shape %v", ErrOptions, a.Shape())
	}
	gt, signed, err := gdalType(a.DType())
	if err != nil {
		return 0, err
	}
	co, err := o.creation(a.DType(), signed, false)
	if err != nil {
		return 0, err
	}
	var cogCO []string
	if o.COG {
		if cogCO, err = o.creation(a.DType(), signed, true); err != nil {
			return 0, err
		}
		// The intermediate file is uncompressed; the COG driver compresses.
		co = []string{"TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=NONE", "BIGTIFF=IF_SAFER"}
		if signed {
			co = append(co, "PIXELTYPE=SIGNEDBYTE")
		}
	}
	register()
	tmp := tempName(path)
	defer os.Remove(tmp)
	ds, err := godal.Create(godal.GTiff, tmp, shape[0], gt, shape[2], shape[1], godal.CreationOption(co...), strict())
	if err != nil {
		return 0, fmt.Errorf("%w: create %s: %v", ErrWrite, path, err)
	}
	if err := setMetadata(ds, o); err != nil {
		ds.Close(quiet())
		return 0, fmt.Errorf("%w: %s: %v", ErrWrite, path, err)
	}
	if err := writeBlocks(ctx, ds, a, o.Executor); err != nil {
		ds.Close(quiet())
		return 0, err
	}
	if len(o.Overviews) > 0 && !o.COG {
		r := strings.ToLower(o.Resampling)
		if r == "" {
			r = "nearest"
		}
		alg, err := resampling(r)
		if err != nil {
			ds.Close(quiet())
			return 0, err
		}
		if err := ds.BuildOverviews(godal.Levels(o.Overviews...), godal.Resampling(alg), quiet()); err != nil {
			ds.Close(quiet())
			return 0, fmt.Errorf("%w: overviews of %s: %v", ErrWrite, path, err)
		}
	}
	if err := ds.Close(quiet()); err != nil {
		return 0, fmt.Errorf("%w: close %s: %v", ErrWrite, path, err)
	}
	final := tmp
	if o.COG {
		cog := tempName(path)
		defer os.Remove(cog)
		if err := translate(tmp, cog, append([]string{"-of", "COG"}, coFlags(cogCO)...)); err != nil {
			return 0, fmt.Errorf("%w: COG %s: %v", ErrWrite, path, err)
		}
		final = cog
	}
	if err := syncFile(final); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrWrite, err)
	}
	if err := os.Rename(final, path); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrWrite, err)
	}
	// Idle handles may be of this file or of VRTs reading it: drop them
	// all so no later read sees the old content.
	CloseIdle()
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func coFlags(co []string) []string {
	var out []string
	for _, c := range co {
		out = append(out, "-co", c)
	}
	return out
}

// translate runs gdal_translate's library form from src to dst, closing
// the derived dataset before its source.
func translate(src, dst string, switches []string) error {
	in, err := godal.Open(src, godal.RasterOnly(), quiet())
	if err != nil {
		return err
	}
	out, err := in.Translate(dst, switches, strict())
	if err != nil {
		in.Close(quiet())
		return err
	}
	err = out.Close(quiet())
	if err2 := in.Close(quiet()); err == nil {
		err = err2
	}
	return err
}

func tempName(path string) string {
	var b [6]byte
	rand.Read(b[:])
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(b[:])+".tif")
}

func syncFile(p string) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if err2 := f.Close(); err == nil {
		err = err2
	}
	return err
}

func setMetadata(ds *godal.Dataset, o WriteOptions) error {
	if o.HasGeoTransform {
		if err := ds.SetGeoTransform(o.GeoTransform, quiet()); err != nil {
			return err
		}
	}
	if o.CRS != "" {
		sr, err := godal.NewSpatialRef(o.CRS, quiet())
		if err != nil {
			return fmt.Errorf("CRS %.60q: %v", o.CRS, err)
		}
		err = ds.SetSpatialRef(sr, quiet())
		sr.Close()
		if err != nil {
			return err
		}
	}
	for _, b := range ds.Bands() {
		if o.HasNoData {
			if err := b.SetNoData(o.NoData, quiet()); err != nil {
				return err
			}
		}
		if o.Scale != 0 {
			if err := b.SetScaleOffset(o.Scale, o.Offset, quiet()); err != nil {
				return err
			}
		}
	}
	for k, v := range o.Metadata {
		if err := ds.SetMetadata(k, v, quiet()); err != nil {
			return err
		}
	}
	return nil
}

// writeBlocks runs a's graph and writes each block as it is emitted. The
// executor emits from one goroutine, so ds is only ever used by it.
func writeBlocks(ctx context.Context, ds *godal.Dataset, a *ndarray.Array, ex cluster.Executor) error {
	if ex == nil {
		ex = cluster.NewLocal(cluster.LocalOptions{})
	}
	b := ndarray.NewBuilder()
	boxes := map[cluster.Key]chunk.Box{}
	var want []cluster.Key
	for idx := range a.Grid().Blocks() {
		k, err := b.Key(a, idx)
		if err != nil {
			return err
		}
		if _, dup := boxes[k]; !dup {
			want = append(want, k)
		}
		boxes[k] = a.Grid().BlockBox(idx)
	}
	rank := a.Rank()
	return ex.Run(ctx, b.Graph(), want, func(k cluster.Key, v cluster.Value) error {
		d, ok := v.(*block.Dense)
		if !ok {
			return fmt.Errorf("%w: task %s produced %T, not a block", ErrWrite, k, v)
		}
		box := boxes[k]
		if d.DType() != a.DType() || int64(d.Len()) != box.Size() {
			return fmt.Errorf("%w: block %s is %s %v, want %s %v", ErrWrite, k, d.DType(), d.Shape(), a.DType(), box.Shape())
		}
		y, x, h, w := box.Lo[rank-2], box.Lo[rank-1], box.Hi[rank-2]-box.Lo[rank-2], box.Hi[rank-1]-box.Lo[rank-1]
		opts := []godal.DatasetIOOption{godal.BandInterleaved(), quiet()}
		if rank == 3 {
			var bands []int
			for bnd := box.Lo[0]; bnd < box.Hi[0]; bnd++ {
				bands = append(bands, bnd) // godal numbers bands from 0
			}
			opts = append(opts, godal.Bands(bands...))
		}
		if err := ds.Write(x, y, ioBuffer(d), w, h, opts...); err != nil {
			return fmt.Errorf("%w: block %v: %v", ErrWrite, box, err)
		}
		return nil
	})
}

// resampling parses a GDAL resampling name (nearest, bilinear, cubic, ...).
func resampling(name string) (godal.ResamplingAlg, error) {
	for a := godal.Nearest; a <= godal.Sum; a++ {
		if strings.EqualFold(a.String(), name) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("%w: resampling %q", ErrOptions, name)
}
