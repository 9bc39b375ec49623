"""Golden fixtures for labelled's Quantile, Quantiles and Median on arrays,
datasets, groupby and resample, made by xarray (numpy's quantile and
nanquantile underneath).

Run: /usr/bin/python3 labelled/testdata/gen_quantile.py
Writes labelled/testdata/quantile_golden.json.
"""
import json
import os

import cftime
import numpy as np
import pandas as pd
import xarray as xr

rng = np.random.default_rng(20261203)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "quantile_golden.json")


def vals(a):
    out = []
    for v in np.asarray(a).ravel().tolist():
        if isinstance(v, float) and np.isnan(v):
            v = None
        out.append(v)
    return out


def iso(t):
    if isinstance(t, cftime.datetime):
        return t.isoformat()
    return pd.Timestamp(t).isoformat()


def tparts(t):
    if not isinstance(t, cftime.datetime):
        t = pd.Timestamp(t)
    return [t.year, t.month, t.day, t.hour, t.minute, t.second]


inputs, das = {}, {}


def add_input(name, da, calendar=None):
    coords = {}
    for c in da.coords:
        v = da[c].values
        if c == "time":
            coords[c] = {"times": [tparts(t) for t in v]}
        else:
            coords[c] = {"values": vals(v)}
    inputs[name] = {"dims": list(da.dims), "shape": list(da.shape), "dtype": str(da.dtype),
                    "values": vals(da.values), "calendar": calendar, "coords": coords}
    das[name] = da


def with_nan(a, frac=0.1):
    a = a.copy()
    a[rng.random(a.shape) < frac] = np.nan
    return a


# daily noleap (time, y, x), 2 years and 1 day, clouds as NaN, one pixel
# all NaN (an all-NaN slice)
t = xr.cftime_range("2001-01-01", periods=731, freq="D", calendar="noleap")
a = with_nan(rng.normal(0.3, 0.1, (731, 3, 4)))
a[:, 2, 3] = np.nan
add_input("noleap", xr.DataArray(a, dims=("time", "y", "x"),
                                  coords={"time": t, "y": [10.0, 20.0, 30.0], "x": [1.0, 2.0, 3.0, 4.0]}), "noleap")
add_input("noleap_b", xr.DataArray(with_nan(rng.normal(5, 2, (731, 3))), dims=("time", "y"),
                                    coords={"time": t, "y": [10.0, 20.0, 30.0]}), "noleap")
add_input("yonly", xr.DataArray(np.array([3.0, 1.0, 2.0]), dims=("y",), coords={"y": [10.0, 20.0, 30.0]}))
# daily standard float32, March 2000 missing (an empty resample bin)
t = pd.date_range("2000-01-01", "2001-12-31", freq="D")
t = t[~((t.year == 2000) & (t.month == 3))]
add_input("standard", xr.DataArray(with_nan(rng.normal(0, 1, (len(t), 2, 3))).astype("float32"),
                                    dims=("time", "y", "x"), coords={"time": t}), "standard")
# int32 daily noleap
t = xr.cftime_range("2001-01-01", periods=400, freq="D", calendar="noleap")
add_input("ints", xr.DataArray(rng.integers(-5, 20, (400, 2)).astype("int32"), dims=("time", "x"),
                               coords={"time": t}), "noleap")
# a length-1 axis
add_input("one", xr.DataArray(np.array([[1.5, np.nan, -2.0]]), dims=("t", "x")))

cases = []


def result(r):
    r = r.compute()
    labels = {}
    for c in r.coords:
        if r[c].ndim == 1 and c in r.dims:
            v = r[c].values
            if v.dtype.kind == "M" or (v.dtype == object and len(v) and isinstance(v[0], cftime.datetime)):
                labels[c] = [iso(x) for x in v]
            elif v.dtype == object:
                labels[c] = [str(s) for s in v]
            else:
                labels[c] = vals(v)
    out = {"dims": list(r.dims), "shape": list(r.shape), "dtype": str(r.dtype), "values": vals(r.values),
           "labels": labels}
    if "quantile" in r.coords and r["quantile"].ndim == 0:
        out["scalar_q"] = float(r["quantile"])
    return out


def kw(method, skipna):
    k = {}
    if method:
        k["method"] = method
    if skipna is not None:
        k["skipna"] = skipna
    return k


for inp, qs, dims, method, skipna in [
    ("noleap", 0.5, ["time"], None, None),
    ("noleap", [0.1, 0.5, 0.9], ["time"], None, None),
    ("noleap", [0.0, 0.25, 1.0], ["time", "x"], "hazen", None),
    ("noleap", 0.75, [], "nearest", None),
    ("noleap", [0.3], ["y"], "lower", None),
    ("noleap", [0.3, 0.6], ["x"], "median_unbiased", None),
    ("noleap", 0.4, ["time"], "linear", False),
    ("noleap", [0.2, 0.8], ["time"], "weibull", None),
    ("noleap", 0.5, ["time"], "higher", None),
    ("standard", [0.05, 0.95], ["time"], None, None),
    ("standard", 0.5, ["time"], "lower", None),
    ("standard", [0.5], ["y", "x"], "midpoint", None),
    ("ints", [0.25, 0.5], ["time"], None, None),
    ("ints", 0.5, ["time"], "lower", None),
    ("ints", [0.1, 0.9], [], "nearest", None),
    ("one", 0.5, ["t"], None, None),
    ("one", [0.2, 0.7], ["x"], None, None),
]:
    r = das[inp].quantile(qs, dim=dims or None, **kw(method, skipna))
    cases.append({"op": "quantile", "input": inp, "q": qs, "dims": dims, "method": method or "",
                  "skipna": skipna, "result": result(r)})

for inp, dims in [("noleap", ["time"]), ("noleap", []), ("noleap", ["x", "y"]), ("standard", ["time"]),
                  ("ints", ["time"]), ("one", ["t"]), ("one", ["x"])]:
    cases.append({"op": "median", "input": inp, "dims": dims, "result": result(das[inp].median(dim=dims or None))})

ds = xr.Dataset({"a": das["noleap"], "b": das["noleap_b"], "c": das["yonly"]})
for op, qs, dims, method in [("ds_quantile", [0.25, 0.75], ["time"], None), ("ds_quantile", 0.5, ["x"], "nearest"),
                             ("ds_quantile", 0.9, [], None), ("ds_median", None, ["time"], None),
                             ("ds_median", None, ["y"], None)]:
    if op == "ds_median":
        r = ds.median(dim=dims or None)
    else:
        r = ds.quantile(qs, dim=dims or None, **kw(method, None))
    cases.append({"op": op, "input": "noleap,noleap_b,yonly", "q": qs, "dims": dims, "method": method or "",
                  "vars": {k: result(r[k]) for k in r.data_vars}})

for inp, key in [("noleap", "time.season"), ("noleap", "time.month"), ("standard", "time.season"),
                 ("ints", "time.month")]:
    g = das[inp].groupby(key)
    cases.append({"op": "gb_median", "input": inp, "key": key, "result": result(g.median())})
    cases.append({"op": "gb_quantile", "input": inp, "key": key, "q": 0.3, "method": "",
                  "result": result(g.quantile(0.3))})
    cases.append({"op": "gb_quantile", "input": inp, "key": key, "q": [0.1, 0.5, 0.9], "method": "hazen",
                  "result": result(g.quantile([0.1, 0.5, 0.9], method="hazen"))})

for inp, freq in [("noleap", "QS-DEC"), ("noleap", "MS"), ("standard", "MS"), ("standard", "QS-DEC"), ("ints", "MS")]:
    r = das[inp].resample(time=freq)
    cases.append({"op": "rs_median", "input": inp, "freq": freq, "result": result(r.median())})
    cases.append({"op": "rs_quantile", "input": inp, "freq": freq, "q": [0.25, 0.75], "method": "",
                  "result": result(r.quantile([0.25, 0.75]))})

with open(OUT, "w") as f:
    json.dump({"xarray": xr.__version__, "numpy": np.__version__, "inputs": inputs, "cases": cases}, f)
print(OUT, len(cases), "cases")
