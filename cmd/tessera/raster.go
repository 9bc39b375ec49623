package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/raster"
	"github.com/tessera-array/tessera/vrt"
)

func init() {
	// "info" is registered in zarr.go: it describes Zarr stores and hands
	// anything else to rasterInfo.
}

// infoCmd prints a raster's description, as text or (-json) as JSON.
func rasterInfo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v (tessera info [-json] PATH...)", errUsage, err)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: tessera info [-json] PATH...", errUsage)
	}
	for _, p := range fs.Args() {
		info, err := raster.Open(p)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(info); err != nil {
				return err
			}
			continue
		}
		printInfo(stdout, info)
	}
	return nil
}

func printInfo(w io.Writer, i *raster.Info) {
	fmt.Fprintf(w, "%s\n  driver: %s\n  size: %d x %d, %d band(s), %s\n  blocks: %d x %d\n", i.Path, i.Driver, i.Width, i.Height, len(i.Bands), i.DType, i.BlockX, i.BlockY)
	if i.HasGeoTransform {
		fmt.Fprintf(w, "  geotransform: %v\n  bounds: %v\n", i.GeoTransform, i.Bounds)
	}
	if i.CRS != "" {
		name := i.CRS
		if k := strings.IndexByte(name, ','); k > 0 {
			name = name[:k] + "...]"
		}
		fmt.Fprintf(w, "  crs: EPSG:%d %s\n", i.EPSG, name)
	}
	for k, b := range i.Bands {
		fmt.Fprintf(w, "  band %d: %s", k+1, b.DType)
		if b.HasNoData {
			fmt.Fprintf(w, " nodata=%g", b.NoData)
		}
		if b.Scale != 1 || b.Offset != 0 {
			fmt.Fprintf(w, " scale=%g offset=%g", b.Scale, b.Offset)
		}
		if b.Description != "" {
			fmt.Fprintf(w, " %q", b.Description)
		}
		fmt.Fprintln(w)
	}
	if i.Driver == "VRT" {
		if b, err := os.ReadFile(i.Path); err == nil {
			if d, err := vrt.Parse(b); err == nil {
				files := d.Files()
				fmt.Fprintf(w, "  vrt sources: %d file(s)", len(files))
				if len(files) > 0 {
					fmt.Fprintf(w, ", first %s", files[0])
				}
				fmt.Fprintln(w)
			}
		}
	}
	for _, s := range i.SubDatasets {
		fmt.Fprintf(w, "  subdataset: %s\n", s)
	}
	for k, v := range i.Metadata {
		fmt.Fprintf(w, "  metadata: %s=%s\n", k, v)
	}
}

// rasterBand reads one band (1-based) of a raster for quicklook, with the
// band's nodata masked to NaN.
func rasterBand(ctx context.Context, path string, band int) (*block.Dense, error) {
	info, err := raster.Open(path)
	if err != nil {
		return nil, err
	}
	if band < 1 || band > info.NumBands() {
		return nil, fmt.Errorf("band %d: %s has %d bands", band, path, info.NumBands())
	}
	d, err := info.Read(ctx, raster.ReadOptions{Bands: []int{band}, MaskNoData: info.Bands[band-1].HasNoData})
	if err != nil {
		return nil, err
	}
	sh := d.Shape()
	return d.Reshape(sh[1], sh[2])
}
