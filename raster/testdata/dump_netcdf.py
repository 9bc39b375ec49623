"""Print, as JSON, what netCDF4 and xarray read from a NetCDF file: the
reference raster's multidim tests compare OpenMultidim against.

    /usr/bin/python3 dump_netcdf.py FILE.nc

Per variable: dims, shape, dtype, raw attributes (netCDF4's ncattrs(), with
their numpy dtype), raw values (set_auto_maskandscale(False): no CF
decoding; NaN written as the string "nan"), and the coordinate names
xarray.open_dataset(mask_and_scale=False, decode_times=False) gives.
"""
import json
import sys

import netCDF4
import numpy as np
import xarray as xr


def enc(v):
    if isinstance(v, str):
        return {"type": "str", "value": v}
    a = np.asarray(v)
    vals = [("nan" if isinstance(x, float) and x != x else x) for x in a.ravel().tolist()]
    return {"type": a.dtype.str[1:], "scalar": a.ndim == 0, "value": vals}


path = sys.argv[1]
out = {"attrs": {}, "dims": {}, "vars": {}}
with netCDF4.Dataset(path) as f:
    out["format"] = f.data_model
    out["attrs"] = {k: enc(f.getncattr(k)) for k in f.ncattrs()}
    out["dims"] = {k: len(d) for k, d in f.dimensions.items()}
    for name, v in f.variables.items():
        v.set_auto_maskandscale(False)
        v.set_auto_chartostring(True)
        data = v[...]
        rec = {"dims": list(v.dimensions), "dtype": str(v.dtype), "attrs": {k: enc(v.getncattr(k)) for k in v.ncattrs()}}
        a = np.asarray(data)
        if a.dtype.kind == "S" and a.dtype.itemsize == 1 and a.ndim >= 1:
            a = netCDF4.chartostring(a)  # char array: strings along all but the last dim
        if a.dtype.kind in "OSU":
            rec["strings"] = [x.decode() if isinstance(x, bytes) else str(x) for x in a.ravel().tolist()]
            rec["dims"] = rec["dims"][: a.ndim]
        else:
            rec["values"] = [("nan" if x != x else x) for x in a.astype("f8").ravel().tolist()]
        out["vars"][name] = rec
x = xr.open_dataset(path, mask_and_scale=False, decode_times=False)
out["xarray_coords"] = sorted(x.coords)
out["xarray_data_vars"] = sorted(x.data_vars)
print(json.dumps(out))
