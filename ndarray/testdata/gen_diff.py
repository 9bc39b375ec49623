"""Writes diff_golden.json: numpy 1.24's diff and gradient (edge_order=1)
on the inputs below. Run: /usr/bin/python3 gen_diff.py (from this folder).
NaN is written as null; bool data as 0/1."""
import json
import numpy as np

rng = np.random.default_rng(7)


def enc(a):
    if a.dtype == bool:
        a = a.astype(np.int64)
    return [None if (isinstance(x, float) and x != x) else x for x in a.ravel().tolist()]


cases = []


def diff(name, a, n, axis):
    r = np.diff(a, n=n, axis=axis)
    cases.append(dict(name=name, op="diff", n=n, axis=axis, dtype=str(a.dtype), shape=list(a.shape),
                      data=enc(a), want=enc(r), want_shape=list(r.shape), want_dtype=str(r.dtype)))


def grad(name, a, axis, h=None, coords=None):
    if coords is not None:
        r = np.gradient(a, coords, axis=axis)
    elif h is not None:
        r = np.gradient(a, h, axis=axis)
    else:
        r = np.gradient(a, axis=axis)
    cases.append(dict(name=name, op="gradient", axis=axis, h=h, coords=None if coords is None else coords.tolist(),
                      dtype=str(a.dtype), shape=list(a.shape), data=enc(a), want=enc(r),
                      want_shape=list(r.shape), want_dtype=str(r.dtype)))


x = rng.normal(size=2600)
x[[0, 2047, 2048, 2599]] = np.nan
for n in (1, 2, 3):
    diff(f"f64-nan-n{n}", x, n, 0)
m = rng.integers(-3000, 3000, size=(20, 150)).astype(np.int16)
diff("i16-ax0", m, 1, 0)
diff("i16-ax1-n2", m, 2, 1)
diff("i16-ax-1", m, 1, -1)
diff("u8-wrap", rng.integers(0, 255, size=400).astype(np.uint8), 1, 0)
b = rng.integers(0, 2, size=300).astype(bool)
diff("bool-n1", b, 1, 0)
diff("bool-n2", b, 2, 0)
diff("n-past-length", np.array([1.0, 2.0, 4.0]), 5, 0)
diff("n0", np.array([1.0, 2.0, 4.0]), 0, 0)
diff("empty", np.zeros((0, 4)), 1, 1)
diff("len1", np.ones((1, 5)), 1, 0)
diff("f32", rng.normal(size=3000).astype(np.float32), 1, 0)

grad("f64-h", x, 0, h=0.5)
grad("i32-2d-ax0", rng.integers(-100, 100, size=(50, 60)).astype(np.int32), 0)
grad("f32", rng.normal(size=3000).astype(np.float32), 0, h=2.0)
c = np.cumsum(rng.uniform(0.1, 2.0, size=2300))
grad("coords-2300", rng.normal(size=2300), 0, coords=c)
grad("coords-2d-ax1", rng.normal(size=(30, 40)), 1, coords=np.cumsum(rng.uniform(0.5, 1.5, size=40)))
grad("coords-f32", rng.normal(size=100).astype(np.float32), 0, coords=np.cumsum(rng.uniform(0.5, 1.5, size=100)))
grad("two", np.array([1.0, 4.0]), 0)
grad("two-coords", np.array([[1.0, 4.0], [2.0, 0.0]]), 1, coords=np.array([0.0, 3.0]))

with open("diff_golden.json", "w") as f:
    json.dump(dict(numpy=np.__version__, cases=cases), f)
