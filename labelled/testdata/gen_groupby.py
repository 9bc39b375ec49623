"""Golden fixtures for labelled's GroupBy, GroupByBins, Resample, Interp and
InterpolateNA, made by xarray (and numpy for Interp, see below).

Run: /usr/bin/python3 labelled/testdata/gen_groupby.py
Writes labelled/testdata/groupby_golden.json.

interpolate_na(max_gap=...) calls bottleneck.push, which is not installed:
_push below is a numpy forward fill with its semantics, given to xarray as
the module "bottleneck"; everything else is xarray's own code.

Interp: xarray's DataArray.interp needs scipy, which this machine lacks, so
its golden values come from np.interp(x, xp, fp, left=nan, right=nan) along
the dim, which is what xarray's own NumpyInterpolator computes for linear
1-D interpolation. interpolate_na is xarray's (it uses that interpolator).
"""
import json
import os
import sys
import types

import cftime
import numpy as np
import pandas as pd
import xarray as xr



def _push(a, n=None, axis=-1):
    """bottleneck.push (forward fill along axis, at most n steps), which
    xarray's interpolate_na(max_gap=...) calls to measure gaps; bottleneck
    is not installed here, so this numpy version stands in for it."""
    a = np.moveaxis(np.array(a, dtype=float), axis, -1)
    out = a.copy()
    idx = np.where(~np.isnan(a), np.arange(a.shape[-1]), -1)
    idx = np.maximum.accumulate(idx, axis=-1)
    filled = np.take_along_axis(a, np.maximum(idx, 0), axis=-1)
    ok = idx >= 0
    if n is not None:
        ok &= (np.arange(a.shape[-1]) - idx) <= n
    out = np.where(ok, filled, np.nan)
    return np.moveaxis(out, -1, axis)


sys.modules.setdefault("bottleneck", types.SimpleNamespace(push=_push))
np.seterr(over="ignore")
rng = np.random.default_rng(20261202)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "groupby_golden.json")


def vals(a):
    a = np.asarray(a)
    if a.dtype == bool:
        return [bool(v) for v in a.ravel()]
    out = []
    for v in a.ravel().tolist():
        if isinstance(v, float) and np.isnan(v):
            v = None
        elif isinstance(v, float) and np.isinf(v):
            v = "inf" if v > 0 else "-inf"
        out.append(v)
    return out


def tparts(t):
    if isinstance(t, cftime.datetime):
        return [t.year, t.month, t.day, t.hour, t.minute, t.second]
    t = pd.Timestamp(t)
    return [t.year, t.month, t.day, t.hour, t.minute, t.second]


def iso(t):
    if isinstance(t, cftime.datetime):
        return t.isoformat()
    return pd.Timestamp(t).isoformat()


inputs = {}
das = {}


def add_input(name, da, calendar=None):
    coords = {}
    for c in da.coords:
        v = da[c].values
        if calendar is not None and c == "time":
            coords[c] = {"times": [tparts(t) for t in v]}
        else:
            coords[c] = {"values": vals(v)}
    inputs[name] = {"dims": list(da.dims), "shape": list(da.shape), "dtype": str(da.dtype),
                    "values": vals(da.values), "calendar": calendar, "coords": coords}
    das[name] = da


def with_nan(a, frac=0.05):
    a = a.copy()
    a[rng.random(a.shape) < frac] = np.nan
    return a


# daily noleap, 2 years and 1 day (the last year a length-1 group)
t = xr.cftime_range("2001-01-01", periods=731, freq="D", calendar="noleap")
add_input("noleap", xr.DataArray(with_nan(rng.normal(280, 10, (731, 3, 4))), dims=("time", "y", "x"),
                                  coords={"time": t}), "noleap")
# daily standard, 2000-2001 with March 2000 missing (an empty resample bin)
t = pd.date_range("2000-01-01", "2001-12-31", freq="D")
t = t[~((t.year == 2000) & (t.month == 3))]
add_input("standard", xr.DataArray(with_nan(rng.normal(0, 1, (len(t), 2, 3))).astype("float32"),
                                    dims=("time", "y", "x"), coords={"time": t}), "standard")
# 360_day, 2 years
t = xr.cftime_range("2001-01-01", periods=720, freq="D", calendar="360_day")
add_input("d360", xr.DataArray(rng.normal(5, 2, (720, 2, 2)), dims=("time", "y", "x"), coords={"time": t}), "360_day")
# hourly standard, 10 days
t = pd.date_range("2000-01-01", periods=240, freq="H")
add_input("hourly", xr.DataArray(with_nan(rng.normal(0, 1, (240, 2))), dims=("time", "x"), coords={"time": t}), "standard")
# int32 daily noleap
t = xr.cftime_range("2001-01-01", periods=400, freq="D", calendar="noleap")
add_input("ints", xr.DataArray(rng.integers(-5, 20, (400, 2)).astype("int32"), dims=("time", "x"), coords={"time": t}), "noleap")
# numeric coordinate, irregular
x = np.sort(rng.uniform(0, 50, 1200))
x[0] = 0.0
add_input("numeric", xr.DataArray(with_nan(rng.normal(0, 1, (1200, 3))), dims=("x", "y"), coords={"x": x}))
# gappy series for interpolate_na
x = np.cumsum(rng.uniform(0.5, 1.5, 3000))
g = rng.normal(0, 1, (3000, 2))
for lo, n in [(0, 2), (10, 1), (20, 3), (40, 6), (100, 12), (2990, 10)]:
    g[lo:lo + n, 0] = np.nan
g[rng.random(g.shape) < 0.1] = np.nan
add_input("gappy", xr.DataArray(g, dims=("x", "y"), coords={"x": x}))
t = pd.date_range("2000-01-01", periods=3000, freq="D")
add_input("gappy_time", xr.DataArray(g.copy(), dims=("time", "y"), coords={"time": t}), "standard")

cases = []


def result(r, time_labels=False):
    r = r.compute()
    labels = {}
    for c in r.coords:
        if r[c].ndim == 1 and c in r.dims:
            v = r[c].values
            if v.dtype.kind == "M" or v.dtype == object and len(v) and isinstance(v[0], cftime.datetime):
                labels[c] = [iso(t) for t in v]
            elif v.dtype == object:
                labels[c] = [str(s) for s in v]
            else:
                labels[c] = vals(v)
    return {"dims": list(r.dims), "shape": list(r.shape), "dtype": str(r.dtype), "values": vals(r.values), "labels": labels}


def red(obj, name, ddof):
    if name in ("std", "var"):
        return getattr(obj, name)(ddof=ddof)
    return getattr(obj, name)()


for inp in ["noleap", "standard", "d360"]:
    da = das[inp]
    for key in ["time.month", "time.season", "time.year", "time.dayofyear"]:
        reds = ["mean", "sum", "min", "max", "std", "var", "count", "first", "last", "prod"] if key != "time.dayofyear" else ["mean"]
        for r in reds:
            ddof = 1 if r in ("std", "var") else 0
            cases.append({"op": "groupby", "input": inp, "key": key, "reduction": r, "ddof": ddof,
                          "result": result(red(da.groupby(key), r, ddof))})
for r in ["sum", "max", "mean", "any", "all", "count"]:
    cases.append({"op": "groupby", "input": "ints", "key": "time.month", "reduction": r, "ddof": 0,
                  "result": result(red(das["ints"].groupby("time.month"), r, 0))})
cases.append({"op": "groupby", "input": "hourly", "key": "time.hour", "reduction": "mean", "ddof": 0,
              "result": result(das["hourly"].groupby("time.hour").mean())})
cases.append({"op": "groupby", "input": "hourly", "key": "time.dayofweek", "reduction": "max", "ddof": 0,
              "result": result(das["hourly"].groupby("time.dayofweek").max())})

edges = [-10.0, -5.0, 0.0, 5.0, 12.5, 20.0, 60.0]
for right in [True, False]:
    for r in ["mean", "sum", "count", "max", "std"]:
        ddof = 0
        cases.append({"op": "bins", "input": "numeric", "key": "x", "edges": edges, "right": right, "reduction": r, "ddof": 0,
                      "result": result(red(das["numeric"].groupby_bins("x", edges, right=right), r, ddof))})
labels = ["a", "b", "c", "d", "e", "f"]
cases.append({"op": "bins", "input": "numeric", "key": "x", "edges": edges, "right": True, "labels": labels, "reduction": "mean", "ddof": 0,
              "result": result(das["numeric"].groupby_bins("x", edges, labels=labels).mean())})

resamples = {
    "standard": ["D", "3D", "W", "W-WED", "MS", "M", "QS", "QS-DEC", "Q", "AS", "A", "YS", "2MS"],
    "noleap": ["5D", "MS", "M", "QS-DEC", "Q", "AS", "A"],
    "d360": ["D", "MS", "M", "QS", "AS", "A"],
    "hourly": ["6H", "90T", "45min", "D"],
    "ints": ["MS"],
}
for inp, freqs in resamples.items():
    for f in freqs:
        for r in (["mean", "sum", "max", "count", "std"] if f in ("MS", "M") else ["mean"]):
            cases.append({"op": "resample", "input": inp, "freq": f, "reduction": r, "ddof": 0,
                          "result": result(red(das[inp].resample(time=f), r, 0))})

for inp in ["noleap", "standard"]:
    da = das[inp]
    clim = da.groupby("time.month").mean()
    cases.append({"op": "anomaly", "input": inp, "key": "time.month", "result": result(da.groupby("time.month") - clim)})
    cases.append({"op": "anomaly_div", "input": inp, "key": "time.season",
                  "result": result(da.groupby("time.season") / da.groupby("time.season").max())})

# interp (np.interp, as xarray's NumpyInterpolator)
da = das["numeric"]
xt = [-1.0, 0.0, 0.37, 3.0, 17.25, 25.0, float(da.x.values[-1]), 49.99, 50.5, 60.0]
xt = [v for v in xt]
res = np.stack([np.interp(xt, da.x.values, da.values[:, j], left=np.nan, right=np.nan) for j in range(da.shape[1])], axis=1)
cases.append({"op": "interp", "input": "numeric", "targets": xt, "method": "linear",
              "result": {"dims": ["x", "y"], "shape": list(res.shape), "dtype": "float64", "values": vals(res), "labels": {"x": xt}}})
da = das["standard"]
tt = [pd.Timestamp("1999-12-31T12:00"), pd.Timestamp("2000-01-01T00:00"), pd.Timestamp("2000-01-01T06:00"),
      pd.Timestamp("2000-02-28T18:00"), pd.Timestamp("2000-02-29T12:00"), pd.Timestamp("2000-03-15"),
      pd.Timestamp("2001-12-31T00:00"), pd.Timestamp("2002-01-01")]
tn = lambda ts: (np.asarray(ts, dtype="datetime64[ns]") - np.datetime64("2000-01-01")) / np.timedelta64(1, "D")
xp = tn(da.time.values)
flat = da.values.reshape(da.shape[0], -1).astype("float64")
res = np.stack([np.interp(tn(tt), xp, flat[:, j], left=np.nan, right=np.nan) for j in range(flat.shape[1])], axis=1)
res = res.reshape((len(tt),) + da.shape[1:])
cases.append({"op": "interp", "input": "standard", "ttargets": [tparts(t) for t in tt], "method": "linear",
              "result": {"dims": list(da.dims), "shape": list(res.shape), "dtype": "float32", "values": vals(res),
                         "labels": {"time": [iso(t) for t in tt]}}})

for gap in [1.0, 2.5, 7.0, 1e9]:
    cases.append({"op": "interpna", "input": "gappy", "dim": "x", "method": "linear", "maxgap": gap,
                  "result": result(das["gappy"].interpolate_na("x", method="linear", max_gap=gap if gap < 1e9 else None))})
for days in [2, 5]:
    cases.append({"op": "interpna", "input": "gappy_time", "dim": "time", "method": "linear", "maxgap_days": days,
                  "result": result(das["gappy_time"].interpolate_na("time", method="linear", max_gap=pd.Timedelta(days=days)))})

with open(OUT, "w") as f:
    json.dump({"xarray": xr.__version__, "pandas": pd.__version__, "numpy": np.__version__, "inputs": inputs, "cases": cases}, f, allow_nan=False)
print(OUT, len(cases), "cases")
