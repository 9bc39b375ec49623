"""Write a Zarr v2 store with xarray (zarr-python 2.13) into OUTDIR/cube.zarr
and print, as JSON, what xarray reads back raw: the fixture for reading
Zarr through GDAL's multidimensional Zarr driver.

    /usr/bin/python3 make_zarr.py OUTDIR
"""
import json
import os
import sys

import numpy as np
import xarray as xr

path = os.path.join(sys.argv[1], "cube.zarr")
t = np.arange(6, dtype="f8")
ds = xr.Dataset(
    {"v": (("t", "y"), (np.arange(24, dtype="i4").reshape(6, 4) - 7), {"units": "m", "scale_factor": 0.5})},
    coords={"t": ("t", t, {"units": "days since 2001-01-01", "calendar": "360_day"}),
            "y": ("y", np.array([4.0, 3.0, 2.0, 1.0]))},
    attrs={"title": "zarr fixture"},
)
ds.to_zarr(path, mode="w", consolidated=False,
           encoding={"v": {"chunks": (4, 2)}})


def clean(d):
    return {k: ("nan" if isinstance(x, float) and x != x else (x.item() if hasattr(x, "item") else x)) for k, x in d.items()}


back = xr.open_zarr(path, decode_cf=False, consolidated=False)
print(json.dumps({
    "path": path,
    "dims": {k: int(n) for k, n in back.dims.items()},
    "v": back.v.values.ravel().tolist(), "t": back.t.values.tolist(), "y": back.y.values.tolist(),
    "v_attrs": clean(back.v.attrs), "t_attrs": clean(back.t.attrs), "attrs": clean(back.attrs),
}))
