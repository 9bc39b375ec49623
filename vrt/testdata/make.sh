#!/bin/sh
# Makes the fuzz seeds: VRTs written by GDAL itself (gdalbuildvrt and
# gdalwarp -of VRT) over two small overlapping tiles made by gdal_create.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
gdal_create -of GTiff -outsize 100 80 -bands 1 -ot Float32 -burn 1 -a_srs EPSG:32631 -a_ullr 500000 4600000 501000 4599200 -a_nodata -9999 "$tmp/a.tif"
gdal_create -of GTiff -outsize 50 40 -bands 1 -ot Int16 -burn 2 -a_srs EPSG:32631 -a_ullr 500500 4599600 501500 4598800 "$tmp/b.tif"
gdalbuildvrt -q "$tmp/mosaic.vrt" "$tmp/a.tif" "$tmp/a.tif"
gdalbuildvrt -q -separate -resolution highest "$tmp/separate.vrt" "$tmp/a.tif" "$tmp/b.tif"
gdalwarp -q -of VRT -t_srs EPSG:4326 "$tmp/a.tif" "$tmp/warped.vrt"
cp "$tmp/mosaic.vrt" gdalbuildvrt-mosaic.vrt
cp "$tmp/separate.vrt" gdalbuildvrt-separate.vrt
cp "$tmp/warped.vrt" gdalwarp.vrt
rm -r "$tmp"
