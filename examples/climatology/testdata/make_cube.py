#!/usr/bin/python3
"""Writes a small daily cube with xarray, as a user's store would be, for
main_test.go's TestOpensXarrayCube (the -store path of the example).

Run: /usr/bin/python3 make_cube.py OUT.zarr
t2m(time, lat, lon) float32: 2 years of daily datetime64 times (standard
calendar) from 2000-01-01, lat descending 85..-85 by 10, lon -175..175 by
10, consolidated Zarr v2.
"""
import sys

import numpy as np
import pandas as pd
import xarray as xr

time = pd.date_range("2000-01-01", periods=731, freq="D")
lat = np.arange(85.0, -90.0, -10.0)
lon = np.arange(-175.0, 180.0, 10.0)
rng = np.random.default_rng(3)
data = (280 + rng.normal(0, 5, size=(time.size, lat.size, lon.size))).astype(np.float32)
ds = xr.Dataset({"t2m": (("time", "lat", "lon"), data, {"units": "K"})},
                coords={"time": time, "lat": lat, "lon": lon})
ds.chunk({"time": 100}).to_zarr(sys.argv[1], mode="w", consolidated=True)
