#!/usr/bin/python3
"""Reads a Zarr v2 store that tessera's ToZarr wrote, with xarray, and
prints what xarray sees as JSON, for labelled's TestToZarrXarrayReads.

Run: /usr/bin/python3 read_tozarr.py STORE
Prints {"xarray": version, "sizes", "attrs", "coords": {name: {dims,
dtype, values, attrs}}, "vars": {name: {dims, dtype, values, attrs,
encoding}}}. Times are "YYYY-MM-DD HH:MM:SS" strings with "calendar" the
calendar xarray decoded them in (cftime dates for non-standard calendars,
datetime64 for standard ones); NaN is null.
"""
import json
import math
import sys

import numpy as np
import xarray as xr


def plain(x):
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return None if math.isnan(x) else x
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, np.ndarray):
        return [plain(v) for v in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, bytes):
        return x.decode()
    return x


def values(v):
    a = v.values
    if a.dtype.kind == "M":
        out = []
        for t in a.ravel():
            if np.isnat(t):
                out.append(None)
                continue
            s = str(np.datetime_as_string(t, unit="s"))
            out.append(s.replace("T", " "))
        return out, "standard"
    if a.dtype.kind == "O" and a.size and hasattr(a.ravel()[0], "calendar"):
        out = ["%04d-%02d-%02d %02d:%02d:%02d" % (t.year, t.month, t.day, t.hour, t.minute, t.second)
               for t in a.ravel()]
        return out, a.ravel()[0].calendar
    return [plain(x) for x in a.ravel().tolist()], ""


def describe(v, with_encoding):
    vals, cal = values(v)
    d = {"dims": list(v.dims), "dtype": str(v.dtype), "values": vals,
         "attrs": {k: plain(x) for k, x in v.attrs.items()}}
    if cal:
        d["calendar"] = cal
    if with_encoding:
        d["encoding"] = {k: plain(v.encoding[k]) for k in ("dtype", "scale_factor", "add_offset", "_FillValue")
                         if k in v.encoding}
        if "dtype" in d["encoding"]:
            d["encoding"]["dtype"] = str(v.encoding["dtype"])
    return d


ds = xr.open_zarr(sys.argv[1], use_cftime=None)
print(json.dumps({
    "xarray": xr.__version__,
    "sizes": {k: int(n) for k, n in ds.sizes.items()},
    "attrs": {k: plain(x) for k, x in ds.attrs.items()},
    "coords": {k: describe(c.variable, False) for k, c in ds.coords.items()},
    "vars": {k: describe(v.variable, True) for k, v in ds.data_vars.items()},
}))
