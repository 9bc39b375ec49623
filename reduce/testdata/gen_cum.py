"""Writes cum_golden.json: numpy 1.24's cumsum/cumprod/nancumsum/nancumprod
on the inputs below. Run: /usr/bin/python3 gen_cum.py (from this folder).
NaN is written as null."""
import json
import numpy as np

rng = np.random.default_rng(14)


def enc(a):
    return [None if (isinstance(x, float) and x != x) else x for x in a.ravel().tolist()]


cases = []


def add(name, a, axis, funcs=("cumsum", "cumprod", "nancumsum", "nancumprod")):
    for f in funcs:
        r = getattr(np, f)(a, axis=axis)
        cases.append(dict(name=f"{name}/{f}", func=f, dtype=str(a.dtype), shape=list(a.shape),
                          axis=axis, data=enc(a.astype(np.float64) if a.dtype == bool else a), want=enc(r), want_dtype=str(r.dtype)))


x = rng.normal(size=5000)
x[[3, 2047, 2048, 4999]] = np.nan
add("f64-nan-5000", x, 0, ("cumsum", "nancumsum"))
p = rng.uniform(0.9, 1.1, size=3000)
p[[10, 2500]] = np.nan
add("f64-prod-3000", p, 0, ("cumprod", "nancumprod"))
m = rng.integers(-50, 50, size=(30, 100)).astype(np.int32)
add("i32-2d-ax0", m, 0, ("cumsum", "cumprod"))
add("i32-2d-ax1", m, 1, ("cumsum",))
add("i32-2d-ax-1", m, -1, ("cumprod",))
add("u8", rng.integers(0, 255, size=300).astype(np.uint8), 0, ("cumsum",))
add("bool", rng.integers(0, 2, size=300).astype(bool), 0, ("cumsum",))
add("f32", rng.uniform(0, 1, size=4100).astype(np.float32), 0, ("cumsum", "nancumsum"))
add("i64-3d-ax1", rng.integers(-9, 9, size=(3, 40, 5)), 1, ("cumsum", "cumprod"))
add("empty", np.zeros((0, 5)), 0, ("cumsum",))
add("empty-other", np.zeros((0, 5)), 1, ("cumsum",))
add("len1", np.array([[2.5, np.nan, 3.0]]), 0, ("cumsum", "nancumprod"))

with open("cum_golden.json", "w") as f:
    json.dump(dict(numpy=np.__version__, cases=cases), f)
