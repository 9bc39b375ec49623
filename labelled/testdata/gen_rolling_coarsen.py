#!/usr/bin/python3
"""Golden fixtures for labelled's Rolling and Coarsen, made by xarray.

Run from this directory: /usr/bin/python3 gen_rolling_coarsen.py
Writes rolling_coarsen_golden.json: the input DataArray (time, x) with a
daily time coordinate, a float x coordinate, non-dimension coordinates on
each dim and attrs, and what xarray's rolling(...) and coarsen(...)
reductions give, coordinates and attrs included. Times are int64
nanoseconds since 1970 (datetime64[ns]).
"""
import json
import warnings

import numpy as np
import pandas as pd
import xarray as xr

warnings.simplefilter("ignore")
rng = np.random.default_rng(7)
v = rng.normal(10, 2, (30, 5))
v[rng.random(v.shape) < 0.1] = np.nan
da = xr.DataArray(
    v, dims=("time", "x"), name="t2m",
    coords={"time": pd.date_range("2000-01-01", periods=30, freq="D"),
            "x": np.linspace(0.5, 4.5, 5),
            "station": ("x", np.arange(100, 105)),
            "doy": ("time", np.arange(1, 31).astype("float64"))},
    attrs={"units": "K"})


def enc(a):
    a = np.asarray(a)
    if a.dtype.kind == "M":
        return [int(x) for x in a.astype("datetime64[ns]").astype("int64")]
    if a.dtype.kind == "f":
        return [None if np.isnan(x) else float(x) for x in a.ravel()]
    return [int(x) for x in a.ravel()]


def out(res):
    return dict(dims=list(res.dims), shape=list(res.shape), dtype=str(res.dtype), values=enc(res.values),
                attrs=dict(res.attrs), coords={k: dict(dims=list(c.dims), values=enc(c.values)) for k, c in res.coords.items()})


cases = []
for kw, red, args in [
    (dict(time=7, center=True), "mean", {}),
    (dict(time=7, center=True, min_periods=3), "std", {"ddof": 1}),
    (dict(time=4, min_periods=1), "max", {}),
    (dict(time=5, center=True, min_periods=2), "median", {}),
    (dict(x=2), "sum", {}),
]:
    dim = [k for k in kw if k in ("time", "x")][0]
    r = da.rolling({dim: kw[dim]}, center=kw.get("center", False), min_periods=kw.get("min_periods"))
    cases.append(dict(kind="rolling", dim=dim, window=kw[dim], center=kw.get("center", False),
                      min_periods=kw.get("min_periods") or 0, reduction=red, ddof=args.get("ddof", 0),
                      result=out(getattr(r, red)(**args))))
for factors, boundary, red in [
    ({"time": 7}, "pad", "mean"),
    ({"time": 7}, "trim", "max"),
    ({"time": 3, "x": 5}, "exact", "sum"),
    ({"time": 4}, "trim", "count"),
]:
    c = da.coarsen(factors, boundary=boundary)
    cases.append(dict(kind="coarsen", factors=factors, boundary=boundary, reduction=red,
                      result=out(getattr(c, red)())))

json.dump(dict(input=out(da), cases=cases), open("rolling_coarsen_golden.json", "w"))
print(len(cases), "cases")
