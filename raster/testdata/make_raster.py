"""Make GeoTIFFs with GDAL (through rasterio) and print, as JSON, the
rioxarray convention for them as computed by the peers: xarray's
open_rasterio (x/y pixel-centre and band coordinates, nodatavals, scales,
offsets, descriptions), and rioxarray's own formulas spelled out with
rasterio (rioxarray is not installed here): GeoTransform is
" ".join(str(v) for v in transform.to_gdal()), crs_wkt the CRS's WKT.

    /usr/bin/python3 make_raster.py OUTDIR
"""
import json
import os
import sys

import numpy as np
import rasterio
from rasterio.transform import from_origin
import xarray as xr

out = sys.argv[1]
specs = {
    "utm.tif": dict(crs="EPSG:32631", transform=from_origin(499980.0, 5200020.0, 10.0, 10.0), dtype="int16",
                    count=3, width=40, height=30, nodata=-9999, tiled=True, blockxsize=16, blockysize=16,
                    scale=0.5, offset=-3.0, descs=["red", "green", "nir"]),
    "geo.tif": dict(crs="EPSG:4326", transform=from_origin(-10.25, 60.125, 0.25, 0.125), dtype="float32",
                    count=1, width=9, height=7, nodata=-1.5, tiled=False, scale=None, offset=None, descs=[None]),
}
ref = {}
for name, s in specs.items():
    path = os.path.join(out, name)
    prof = dict(driver="GTiff", crs=s["crs"], transform=s["transform"], dtype=s["dtype"], count=s["count"],
                width=s["width"], height=s["height"], nodata=s["nodata"])
    if s["tiled"]:
        prof.update(tiled=True, blockxsize=s["blockxsize"], blockysize=s["blockysize"])
    data = (np.arange(s["count"] * s["height"] * s["width"]) % 251 - 40).reshape(s["count"], s["height"], s["width"]).astype(s["dtype"])
    data[0, 0, 0] = s["nodata"]
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(data)
        if s["scale"] is not None:
            dst.scales = [s["scale"]] * s["count"]
            dst.offsets = [s["offset"]] * s["count"]
        for b, d in enumerate(s["descs"], 1):
            if d:
                dst.set_band_description(b, d)
        dst.update_tags(SENSOR="test", CLOUDS="12", RATIO="0.75")
    with rasterio.open(path) as src:
        gt = " ".join(str(v) for v in src.transform.to_gdal())
        wkt = src.crs.to_wkt()
    da = xr.open_rasterio(path)
    ref[name] = {
        "x": da.x.values.tolist(), "y": da.y.values.tolist(), "band": da.band.values.tolist(),
        "dims": list(da.dims), "nodatavals": list(da.attrs["nodatavals"]), "scales": list(da.attrs["scales"]),
        "offsets": list(da.attrs["offsets"]), "descriptions": [d or "" for d in da.attrs.get("descriptions", ())],
        "GeoTransform": gt, "crs_wkt": wkt, "values": da.values.astype("f8").ravel().tolist(),
    }
print(json.dumps(ref))
