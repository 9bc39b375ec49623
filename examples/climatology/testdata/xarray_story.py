#!/usr/bin/python3
"""The climatology story in xarray, the lines main.go prints, run on the
cube main.go wrote, for main_test.go's TestXarrayAgrees.

Run: /usr/bin/python3 xarray_story.py CUBE NORTH SOUTH WEST EAST WINTER
Prints JSON: {"sizes", "lat", "lon", "clim", "anom"} (values flattened).
"""
import json
import sys

import xarray as xr

cube = sys.argv[1]
north, south, west, east = (float(v) for v in sys.argv[2:6])
winter = int(sys.argv[6])

ds = xr.open_zarr(cube)
djf = ds.t2m.sel(time=ds.time.dt.season == "DJF")
box = djf.sel(lat=slice(north, south), lon=slice(west, east))
clim = box.mean("time")
anom = box.sel(time=slice("%04d-12" % winter, "%04d-02" % (winter + 1))).mean("time") - clim
print(json.dumps({
    "sizes": {k: int(v) for k, v in box.sizes.items()},
    "lat": box.lat.values.tolist(),
    "lon": box.lon.values.tolist(),
    "clim": clim.values.astype(float).ravel().tolist(),
    "anom": anom.values.astype(float).ravel().tolist(),
}))
