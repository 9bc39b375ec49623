"""Golden fixtures for labelled's Dataset.GroupBy / Dataset.Resample, made
by xarray.

Run: /usr/bin/python3 labelled/testdata/gen_dsgroupby.py
Writes labelled/testdata/dsgroupby_golden.json.

The dataset: a (time, x) float64 with NaN, b (time, x) float32 with NaN,
c (x) only, d (time, x) int32; 800 noleap days (2400 elements per variable, beyond one 2048
tile). The installed xarray (no flox) broadcasts c along the group dim in
these reductions (and in the anomaly, along time); tessera keeps it
unchanged, so the test checks tessera's c against each row of xarray's.
"""
import json
import os

import numpy as np
import xarray as xr

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dsgroupby_golden.json")
rng = np.random.default_rng(20261202)
N, X = 800, 3
time = xr.cftime_range("2001-01-01", periods=N, freq="D", calendar="noleap")
a = rng.normal(10, 3, size=(N, X))
a[rng.random((N, X)) < 0.05] = np.nan
a[31:59, 1] = np.nan  # all of February 2001 in column 1
b = rng.normal(0, 1, size=(N, X)).astype(np.float32)
b[rng.random((N, X)) < 0.05] = np.nan
c = np.array([1.5, -2.0, 4.0])
d = rng.integers(-50, 50, size=(N, X)).astype(np.int32)
ds = xr.Dataset(
    {"a": (("time", "x"), a), "b": (("time", "x"), b), "c": (("x",), c), "d": (("time", "x"), d)},
    coords={"time": time, "x": [10.0, 20.0, 30.0]},
)


def vals(v):
    return [None if np.isnan(e) else float(e) for e in np.asarray(v, dtype=float).ravel()]


def labels(ix):
    out = []
    for v in ix.values:
        if hasattr(v, "year"):
            out.append([v.year, v.month, v.day])
        elif isinstance(v, str):
            out.append(v)
        else:
            out.append(int(v))
    return out


def result(r):
    out = {}
    for n in ("a", "b", "c", "d"):
        if n not in r:
            continue
        v = r[n]
        out[n] = {"dims": list(v.dims), "shape": list(v.shape), "dtype": str(v.dtype), "values": vals(v)}
    gdim = [d for d in r.dims if d != "x"][0]
    return {"dim": gdim, "labels": labels(r[gdim]), "vars": out}


cases = []
clim = ds.groupby("time.month").mean()
cases.append({"op": "groupby", "key": "time.month", "reduction": "mean", "result": result(clim)})
cases.append({"op": "groupby", "key": "time.season", "reduction": "median",
              "result": result(ds.groupby("time.season").median())})
cases.append({"op": "resample", "freq": "MS", "reduction": "sum", "result": result(ds.resample(time="MS").sum())})
anom = ds.groupby("time.month") - clim
r = result(anom)
cases.append({"op": "anomaly", "key": "time.month", "result": r})

json.dump({
    "xarray": xr.__version__,
    "input": {"times": [[t.year, t.month, t.day] for t in time], "x": [10.0, 20.0, 30.0],
              "a": vals(a), "b": vals(b), "c": vals(c), "d": vals(d)},
    "cases": cases,
}, open(OUT, "w"))
