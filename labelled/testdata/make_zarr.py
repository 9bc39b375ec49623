#!/usr/bin/python3
"""Writes Zarr stores with xarray, the way users get them, and what xarray
computes from them, for labelled's OpenZarr tests.

Run: /usr/bin/python3 make_zarr.py OUTDIR
Writes OUTDIR/cube.zarr (v2, consolidated; t2m(time, lat, lon) packed as
int16 with scale_factor/add_offset/_FillValue, a noleap daily time, a
descending lat, a non-dimension coordinate elev(lat, lon)),
OUTDIR/std.zarr (v2, not consolidated; a standard-calendar hourly time) and
OUTDIR/expected.json (xarray's results; NaN as null; times as ISO strings).
"""
import json
import math
import os
import sys

import numpy as np
import xarray as xr

out = sys.argv[1]
rng = np.random.default_rng(7)

time = xr.cftime_range("2001-01-01", periods=90, freq="D", calendar="noleap")
lat = np.arange(60.0, 20.0, -2.5)        # 16, descending
lon = np.arange(-10.0, 30.0, 2.5)        # 16
data = rng.normal(280.0, 8.0, size=(90, 16, 16)).astype(np.float32)
data[5, 3, 4] = np.nan
elev = xr.DataArray(np.arange(256, dtype=np.float64).reshape(16, 16), dims=("lat", "lon"))
t2m = xr.DataArray(data, dims=("time", "lat", "lon"),
                   coords={"time": time, "lat": lat, "lon": lon, "elev": elev},
                   name="t2m", attrs={"units": "K", "long_name": "2 m temperature"})
ds = xr.Dataset({"t2m": t2m}, attrs={"title": "tessera fixture"})
enc = {"t2m": {"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32768,
               "chunks": (30, 8, 8)},
       "time": {"units": "days since 2001-01-01", "calendar": "noleap", "dtype": "int64"}}
ds.to_zarr(os.path.join(out, "cube.zarr"), mode="w", encoding=enc, consolidated=True)

htime = np.datetime64("2020-03-01", "ns") + np.arange(48) * np.timedelta64(1, "h")
v = xr.DataArray(np.arange(48, dtype=np.float64), dims=("time",), coords={"time": htime}, name="v")
xr.Dataset({"v": v}).to_zarr(os.path.join(out, "std.zarr"), mode="w", consolidated=False,
                            encoding={"time": {"units": "hours since 2020-03-01", "dtype": "int64"}})


def vals(a):
    a = np.asarray(a, dtype=np.float64).ravel()
    return [None if math.isnan(x) else float(x) for x in a]


def result(da):
    coords = {}
    for n, c in da.coords.items():
        if c.dtype.kind in "OM":
            coords[n] = [str(x) if c.dtype.kind == "O" else np.datetime_as_string(x, unit="s") for x in c.values.ravel()]
        else:
            coords[n] = vals(c.values)
    return {"dims": list(da.dims), "shape": list(da.shape), "values": vals(da.values), "coords": coords}


cube = xr.open_zarr(os.path.join(out, "cube.zarr"))
std = xr.open_zarr(os.path.join(out, "std.zarr"), consolidated=False)
expected = {
    "xarray": xr.__version__,
    "cube_dims": dict(cube.sizes),
    "cube_attrs": {k: v for k, v in cube.attrs.items()},
    "t2m_attrs": {k: v for k, v in cube.t2m.attrs.items()},
    "t2m_coords": sorted(cube.t2m.coords),
    "time_first_last": [str(cube.time.values[0]), str(cube.time.values[-1])],
    "cases": {
        "feb_box_mean": result(cube.t2m.sel(time="2001-02", lat=slice(50, 40), lon=slice(0, 10)).mean("time")),
        "nearest_point": result(cube.t2m.sel(lat=41.0, lon=3.1, method="nearest")),
        "spatial_mean": result(cube.t2m.mean(("lat", "lon"))),
        "anomaly_first": result((cube.t2m - cube.t2m.mean("time")).isel(time=0)),
        "std_day": result(std.v.sel(time="2020-03-02")),
        "std_slice": result(std.v.sel(time=slice("2020-03-01T20", "2020-03-02T03"))),
    },
}
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print("wrote", out)
