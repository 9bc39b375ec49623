#!/usr/bin/python3
"""Makes dsarith_golden.json: xarray's Dataset arithmetic on two small
datasets, for labelled's TestDatasetArithmeticAgainstXarray.

    /usr/bin/python3 labelled/testdata/gen_dsarith.py

Inputs and results are written as dims, shapes, flat values (NaN as null),
coords and attrs.
"""
import json
import math
import os

import numpy as np
import xarray as xr


def enc(v):
    return [None if (isinstance(x, float) and math.isnan(x)) else x for x in np.asarray(v, dtype=float).ravel().tolist()]


def ds_json(ds):
    return {
        "vars": {k: {"dims": list(v.dims), "shape": list(v.shape), "values": enc(v.values), "attrs": dict(v.attrs)} for k, v in ds.data_vars.items()},
        "coords": {k: np.asarray(v.values).tolist() for k, v in ds.coords.items()},
        "attrs": dict(ds.attrs),
    }


t = np.arange(12, dtype=float).reshape(4, 3) * 1.5 - 4
t[1, 2] = np.nan
a = xr.Dataset(
    {"t": (("time", "x"), t, {"units": "K"}),
     "p": (("time", "x"), np.arange(12, dtype=float).reshape(4, 3) % 5 + 1),
     "h": (("x",), np.array([100.0, 200.0, 300.0]))},
    coords={"time": [0, 1, 2, 3], "x": [10.0, 20.0, 30.0]}, attrs={"title": "a"})
b = xr.Dataset(
    {"t": (("x",), np.array([1.0, 2.0, 4.0])), "q": (("x",), np.array([5.0, 5.0, 5.0]))},
    coords={"x": [20.0, 30.0, 40.0]}, attrs={"title": "b"})

cases = {
    "a-b": a - b,
    "a-mean": a - a.mean("time"),
    "a*2": a * 2,
    "1-a": 1 - a,
    "2/a": 2 / a,
    "a/a.p": a / a.p,
    "a**2": a ** 2,
}
with xr.set_options(arithmetic_join="outer"):
    # labelled pairs data variables by name whatever the join (the join
    # aligns coordinates within a pair), so only the variables in both are
    # compared here; xarray fills the others with NaN under "outer".
    cases["a+b outer"] = (a + b)[["t"]]

out = {"a": ds_json(a), "b": ds_json(b), "cases": {k: ds_json(v) for k, v in cases.items()}}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dsarith_golden.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
print("wrote", path)
