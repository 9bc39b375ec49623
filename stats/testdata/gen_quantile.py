"""Writes quantile_golden.json: numpy 1.24's quantile, percentile, median
and their nan-variants over arrays of several dtypes, shapes, axes and
methods. Run with /usr/bin/python3 from stats/testdata."""
import json
import warnings

import numpy as np

warnings.simplefilter("ignore")
rng = np.random.default_rng(14)
METHODS = ["linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf",
           "averaged_inverted_cdf", "closest_observation",
           "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
           "normal_unbiased"]
QS = [0.0, 0.1, 0.25, 0.5, 0.7, 0.999, 1.0]


def enc(a):
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return [float(x).hex() for x in a.ravel()]
    return [int(x) for x in a.ravel()]


def data(shape, dtype, nans=0.0, allnan_row=False):
    n = int(np.prod(shape))
    if np.dtype(dtype).kind == "f":
        x = rng.normal(size=n).round(2)  # ties included
        x = x.astype(dtype)
        if nans:
            x[rng.random(n) < nans] = np.nan
        x = x.reshape(shape)
        if allnan_row:
            x[(-1,) * (len(shape) - 1)] = np.nan  # not first: numpy's apply_along_axis would take an all-NaN first slice's float32 as the dtype of every result
        return x
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -1000), min(info.max, 1000)
    if dtype == "int64":
        lo, hi = -(2**62), 2**62  # exact ints beyond float64 precision
    return rng.integers(lo, hi, size=n, dtype=dtype, endpoint=True).reshape(shape)


cases = []


def add(name, x, fn, q=None, method="linear", axis=None, keepdims=False):
    f = getattr(np, fn)
    kw = dict(axis=axis, keepdims=keepdims)
    if fn in ("median", "nanmedian"):
        r = f(x, **kw)
    else:
        r = f(x, q, method=method, **kw)
    r = np.asarray(r)
    cases.append(dict(name=name, func=fn, dtype=str(x.dtype), shape=list(x.shape), data=enc(x),
                      q=q, method=method, axis=None if axis is None else [int(v) for v in np.atleast_1d(axis)],
                      keepdims=keepdims, out_dtype=str(r.dtype), out_shape=list(r.shape), out=enc(r)))


for dt in ["float64", "float32", "int16", "int64", "uint8"]:
    x = data((4, 5, 6), dt)
    for m in METHODS:
        add(f"{dt}-{m}-axis1", x, "quantile", QS, m, axis=1)
    add(f"{dt}-scalarq-all", x, "quantile", 0.3)
    add(f"{dt}-axes02-keep", x, "quantile", [0.2, 0.9], axis=(0, 2), keepdims=True)
    add(f"{dt}-pct", x, "percentile", [5.0, 50.0, 95.0], "hazen", axis=-1)
    add(f"{dt}-median-axis0", x, "median", axis=0)
    add(f"{dt}-median-all", x, "median")
    add(f"{dt}-median-keep", x, "median", axis=2, keepdims=True)
    add(f"{dt}-nanmedian", x, "nanmedian", axis=1)
    add(f"{dt}-len1", data((4, 1), dt), "quantile", QS, axis=1)
    add(f"{dt}-big", data((3, 2500), dt), "quantile", [0.05, 0.5, 0.95], axis=1)
    add(f"{dt}-big-median", data((3001,), dt), "median")
for dt in ["float64", "float32"]:
    x = data((6, 40), dt, nans=0.1, allnan_row=True)
    for m in ["linear", "lower", "nearest", "midpoint", "weibull"]:
        add(f"{dt}-nan-{m}", x, "quantile", QS, m, axis=1)
        add(f"{dt}-nanq-{m}", x, "nanquantile", QS, m, axis=1)
    add(f"{dt}-nanpct", x, "nanpercentile", [10.0, 50.0], axis=1)
    add(f"{dt}-nanmedian-nan", x, "nanmedian", axis=1)
    add(f"{dt}-median-nan", x, "median", axis=1)
    add(f"{dt}-nanmedian-all", x, "nanmedian")
    add(f"{dt}-median-empty", np.zeros((0, 3), dt), "median", axis=0)
    add(f"{dt}-nanq-empty", np.zeros((0, 3), dt), "nanquantile", 0.5, axis=0)
    x = np.array([1.0, np.inf, -np.inf, 3.0, np.inf], dtype=dt)
    add(f"{dt}-inf", x, "quantile", QS)

# the per-pixel median of a (time, y, x) stack; the Go test chunks time
# in 8 blocks, which dask's median refuses
add("float32-stack-median", data((64, 6, 5), "float32"), "median", axis=0)
add("float64-stack-nanmedian", data((64, 6, 5), "float64", nans=0.2), "nanmedian", axis=0)

with open("quantile_golden.json", "w") as f:
    json.dump(dict(numpy=np.__version__, cases=cases), f)
print(len(cases), "cases")
