"""Writes sort_golden.json: numpy 1.24's np.sort / np.argsort (kind="stable")
and dask's da.topk / da.argtopk over arrays of several dtypes, with NaN
and ties for sort, past the 2048-element tile. Run with /usr/bin/python3
from stats/testdata."""
import json

import dask.array as da
import numpy as np

rng = np.random.default_rng(15)


def enc(a):
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return [float(x).hex() for x in a.ravel()]
    return [int(x) for x in a.ravel()]


cases = []


def add(name, x, func, axis, k=0, chunks=None):
    if func == "sort":
        r = np.sort(x, axis=axis, kind="stable")
    elif func == "argsort":
        r = np.argsort(x, axis=axis, kind="stable")
    elif func == "topk":
        r = da.topk(da.from_array(x, chunks=chunks), k, axis=axis).compute()
    else:
        r = da.argtopk(da.from_array(x, chunks=chunks), k, axis=axis).compute()
    cases.append(dict(name=name, func=func, dtype=str(x.dtype), shape=list(x.shape), data=enc(x),
                      axis=axis, k=k, out_dtype=str(r.dtype), out_shape=list(r.shape), out=enc(r)))


for dt in ["float64", "float32", "int16", "uint8", "int64"]:
    if dt.startswith("float"):
        x = rng.normal(size=(5, 7, 9)).round(1).astype(dt)  # ties
        x[rng.random(x.shape) < 0.1] = np.nan
        big = rng.permutation(3000).astype(dt) / 7  # distinct, for top-k
    else:
        x = rng.integers(0, 50, size=(5, 7, 9)).astype(dt)
        big = rng.permutation(3000).astype(dt) if dt != "uint8" else rng.permutation(256).astype(dt)
    for ax in (0, 1, -1):
        add(f"{dt}-sort-ax{ax}", x, "sort", ax)
        add(f"{dt}-argsort-ax{ax}", x, "argsort", ax)
    add(f"{dt}-sort-big", big, "sort", 0)
    ties = rng.integers(0, 10, size=2500).astype(dt)  # stability shows past the insertion-sort sizes
    if dt.startswith("float"):
        ties[rng.random(2500) < 0.05] = np.nan
    add(f"{dt}-argsort-ties", ties, "argsort", 0)
    add(f"{dt}-argsort-big", big, "argsort", 0)
    for k in (5, -5, 1, -1):
        add(f"{dt}-topk{k}", big, "topk", 0, k, chunks=97)
        add(f"{dt}-argtopk{k}", big, "argtopk", 0, k, chunks=97)
    y = big[: 240].reshape(6, 40) if big.size >= 240 else big[:240]
    add(f"{dt}-topk-2d", y, "topk", 1, 7, chunks=(4, 9))
    add(f"{dt}-argtopk-2d", y, "argtopk", 1, -7, chunks=(4, 9))
    add(f"{dt}-topk-all", y, "topk", 0, 6, chunks=(4, 9))

with open("sort_golden.json", "w") as f:
    json.dump(dict(numpy=np.__version__, cases=cases), f)
print(len(cases), "cases")
