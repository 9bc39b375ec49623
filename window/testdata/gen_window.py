#!/usr/bin/python3
"""Golden fixtures for package window, made by xarray (numpy backend).

Run from this directory: /usr/bin/python3 gen_window.py
Writes window_golden.json: input arrays and, per case, what xarray's
DataArray.rolling(...).<reduction>() and .coarsen(...).<reduction>() give.
"""
import json
import warnings

import numpy as np
import xarray as xr

warnings.simplefilter("ignore")
rng = np.random.default_rng(20261202)


def with_nan(a, frac):
    a = a.copy()
    a[rng.random(a.shape) < frac] = np.nan
    return a


arrays = {}
a2 = with_nan(rng.uniform(0.5, 1.5, (41, 3)), 0.15)
a2[10:16, 1] = np.nan  # a run of NaN longer than some windows
arrays["a2"] = a2
arrays["f32"] = with_nan(rng.normal(100, 3, 2500), 0.05).astype("float32")
arrays["i2"] = rng.integers(-50, 50, (24, 4)).astype("int32")
arrays["u8"] = rng.integers(0, 255, (12, 5)).astype("uint8")
arrays["len1"] = with_nan(rng.uniform(0, 1, (1, 5)), 0.2)


def enc(v):
    v = np.asarray(v)
    if v.dtype.kind == "f":
        return [None if np.isnan(x) else float(x) for x in v.ravel()]
    return [int(x) for x in v.ravel()]


def ptp(x, axis):
    return np.nanmax(x, axis=axis) - np.nanmin(x, axis=axis)


REDS = ["sum", "mean", "min", "max", "std", "var", "median", "count", "prod"]

rolling = []


def roll(name, axis, window, center, minp, reds=REDS, ddofs=(0, 1)):
    a = arrays[name]
    dims = [f"d{i}" for i in range(a.ndim)]
    da = xr.DataArray(a, dims=dims)
    r = da.rolling({dims[axis]: window}, center=center, min_periods=minp)
    for red in reds:
        for ddof in (ddofs if red in ("std", "var") else (0,)):
            if red == "custom":
                res = r.reduce(ptp)
            elif red in ("std", "var"):
                res = getattr(r, red)(ddof=ddof)
            else:
                res = getattr(r, red)()
            rolling.append(dict(array=name, axis=axis, window=window, center=center,
                                min_periods=minp or 0, reduction=red, ddof=ddof,
                                dtype=str(res.dtype), want=enc(res.values)))


for w in (1, 4, 7):
    for center in (False, True):
        for minp in (None, 1, 3):
            if minp is not None and minp > w:
                continue
            roll("a2", 0, w, center, minp, REDS + ["custom"])
roll("a2", 1, 2, True, 1)
roll("a2", 1, 3, False, None)
for center in (False, True):
    roll("f32", 0, 7, center, None, ["sum", "mean", "min", "max", "std", "median", "count"], (1,))
    roll("f32", 0, 30, center, 5, ["mean", "max", "var", "median"], (0,))
roll("i2", 0, 5, True, 2)
roll("u8", 1, 3, False, None, ["sum", "mean", "max", "median"])
roll("len1", 0, 1, False, None)
roll("len1", 1, 3, True, 1)

coarsen = []


def coarse(name, factors, boundary, reds=REDS, ddofs=(0, 1)):
    a = arrays[name]
    dims = [f"d{i}" for i in range(a.ndim)]
    da = xr.DataArray(a, dims=dims)
    c = da.coarsen({dims[k]: v for k, v in factors.items()}, boundary=boundary)
    for red in reds:
        for ddof in (ddofs if red in ("std", "var") else (0,)):
            res = getattr(c, red)(ddof=ddof) if red in ("std", "var") else getattr(c, red)()
            coarsen.append(dict(array=name, factors={str(k): v for k, v in factors.items()},
                                boundary=boundary, reduction=red, ddof=ddof,
                                dtype=str(res.dtype), shape=list(res.shape), want=enc(res.values)))


coarse("a2", {0: 4}, "trim")
coarse("a2", {0: 4}, "pad")
coarse("a2", {0: 3, 1: 3}, "pad")
coarse("a2", {0: 41}, "exact")
coarse("f32", {0: 7}, "trim", ["sum", "mean", "max", "std", "median", "count"])
coarse("f32", {0: 9}, "pad", ["mean", "min"])
coarse("i2", {0: 4, 1: 2}, "exact")
coarse("i2", {0: 5}, "pad", ["sum", "mean", "max", "count"])
coarse("u8", {0: 3, 1: 5}, "exact", ["sum", "prod", "min", "max", "mean"])
coarse("len1", {1: 2}, "trim")

out = dict(arrays={k: dict(shape=list(v.shape), dtype=str(v.dtype), data=enc(v)) for k, v in arrays.items()},
           rolling=rolling, coarsen=coarsen)
with open("window_golden.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(len(rolling), "rolling cases,", len(coarsen), "coarsen cases")
