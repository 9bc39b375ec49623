"""Write three NetCDF files that split one dataset along time (named so
that their lexical order is not their time order) and one whose lat
differs, and three runs dated in their file names, and print, as JSON, what xr.open_mfdataset(combine="by_coords")
computes on the three: the reference of labelled's OpenMF tests.

    /usr/bin/python3 xr_mf.py OUTDIR
"""
import json
import os
import sys

import cftime
import numpy as np
import xarray as xr

out = sys.argv[1]
nt, ny, nx = 12, 3, 2
time = np.arange(nt, dtype="f8") + 0.5
full = xr.Dataset(
    {"tas": (("time", "lat", "lon"), (np.arange(nt * ny * nx, dtype="f4").reshape(nt, ny, nx) * 0.5).astype("f4")),
     "orog": (("lat", "lon"), np.arange(ny * nx, dtype="f8").reshape(ny, nx))},
    coords={"time": ("time", time, {"units": "days since 2000-01-01", "calendar": "360_day"}),
            "lat": ("lat", np.array([50.0, 40.0, 30.0])), "lon": ("lon", np.array([0.0, 1.0]))},
    attrs={"title": "mf fixture"},
)
full.tas.values[5, 1, 1] = np.nan
names = {"c.nc": slice(0, 4), "a.nc": slice(4, 8), "b.nc": slice(8, 12)}
enc = {"time": {"_FillValue": None}, "lat": {"_FillValue": None}, "lon": {"_FillValue": None}}
for name, s in names.items():
    full.isel(time=s).to_netcdf(os.path.join(out, name), encoding=enc)
bad = full.isel(time=slice(0, 2)).assign_coords(lat=[51.0, 40.0, 30.0], time=("time", time[:2] + 100, full.time.attrs))
bad.to_netcdf(os.path.join(out, "bad.nc"), encoding=enc)

# Three runs dated by their file names (lexical order is not date order).
runs = {}
for name, month in (("m_x_20200301.nc", 3), ("m_a_20200101.nc", 1), ("m_z_20200201.nc", 2)):
    p = os.path.join(out, name)
    (full.isel(time=slice(0, 4)) + 100.0 * month).to_netcdf(p, encoding=enc)
    runs[month] = p
mf_runs = xr.open_mfdataset([runs[m] for m in sorted(runs)], combine="nested", concat_dim="run")

ds = xr.open_mfdataset(os.path.join(out, "[abc].nc"), combine="by_coords")


def vals(a):
    a = np.asarray(a)
    if a.dtype.kind == "O" and a.size and hasattr(a.ravel()[0], "calendar"):
        return [x.strftime("%Y-%m-%dT%H:%M:%S") for x in a.ravel()]
    return [None if x != x else x for x in a.astype("f8").ravel().tolist()]


def rec(da):
    return {"dims": list(da.dims), "shape": list(da.shape), "dtype": str(da.dtype), "values": vals(da.values)}


res = {"xarray": xr.__version__, "vars": {n: dict(rec(ds[n]), coord=n in ds.coords) for n in ds.variables},
       "cases": [rec(ds.tas.sel(time=slice("2000-01-03", "2000-01-10"))),
                 rec(ds.tas.mean("time")),
                 rec(ds.tas.sel(time=cftime.Datetime360Day(2000, 1, 6, 20), method="nearest")),
                 rec(mf_runs.tas.mean("time"))]}
print(json.dumps(res))
