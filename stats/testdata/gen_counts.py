"""Writes counts_golden.json: numpy 1.24's histogram, histogram2d,
bincount, digitize, isin, count_nonzero and unique on the inputs below.
Run: /usr/bin/python3 gen_counts.py (from this folder). NaN is written as
null, bool as 0/1."""
import json
import numpy as np

rng = np.random.default_rng(2026)


def enc(a):
    a = np.asarray(a)
    if a.dtype == bool:
        a = a.astype(np.int64)
    return [None if (isinstance(x, float) and x != x) else x for x in a.ravel().tolist()]


cases = []


def case(name, op, a, want, **kw):
    a = np.asarray(a)
    want = np.asarray(want)
    d = dict(name=name, op=op, dtype=str(a.dtype), shape=list(a.shape), data=enc(a),
             want=enc(want), want_shape=list(want.shape), want_dtype=str(want.dtype))
    for k, v in kw.items():
        if isinstance(v, np.ndarray):
            if k in ("y", "weights"):
                d[k + "_dtype"] = str(v.dtype)
            v = enc(v)
        d[k] = v
    cases.append(d)


def hist(name, a, n=None, rng_=None, edges=None, weights=None, density=False):
    bins = edges if edges is not None else n
    h, e = np.histogram(a, bins=bins, range=rng_, weights=weights, density=density)
    case(name, "histogram", a, h, n=n, range=rng_, edges=edges, weights=weights, density=density, want_edges=e.astype(np.float64).tolist())


x = rng.normal(size=2600)
x[[1, 2047, 2048, 2500]] = np.nan
hist("f64-uniform-nan", x, 10, (-2, 2))
hist("f64-edges", x, edges=[-3, -1, 0, 0.5, 0.5, 2, 3])
w = rng.uniform(0, 2, size=2600)
hist("f64-weights", x, 7, (-1.5, 2.5), weights=w)
hist("f64-density", x, 9, (-3, 3), density=True)
hist("f64-edges-density-weights", x, edges=[-2, -0.5, 0, 1, 2.5], weights=w, density=True)
hist("i16-on-edges", np.arange(-5, 25).astype(np.int16), 10, (0, 20))
hist("i64-int-weights", rng.integers(0, 10, size=3000), 5, (0, 10), weights=rng.integers(0, 4, size=3000))
hist("f32-uniform", rng.uniform(0, 1, size=4100).astype(np.float32), 13, (0.1, 0.9))
hist("f32-tenths", (np.arange(100) / 10).astype(np.float32), 10, (0, 9.9))
hist("u8-2d", rng.integers(0, 255, size=(30, 100)).astype(np.uint8), 16, (0, 256))
hist("bool", rng.integers(0, 2, size=50).astype(bool), 2, (0, 1))
hist("empty", np.zeros(0), 4, (0, 1))
hist("len1", np.array([0.25]), 4, (0, 1))


def hist2d(name, a, b, bx, by, rng_=None, weights=None, density=False):
    h, ex, ey = np.histogram2d(a, b, bins=[bx, by], range=rng_, weights=weights, density=density)
    case(name, "histogram2d", a, h, y=b, bx=bx if np.isscalar(bx) else None, by=by if np.isscalar(by) else None,
         ex=None if np.isscalar(bx) else list(bx), ey=None if np.isscalar(by) else list(by),
         range=rng_, weights=weights, density=density, want_edges=ex.tolist(), want_edges_y=ey.tolist())


y = rng.normal(size=2600)
y[[7, 2300]] = np.nan
hist2d("uniform", x, y, 5, 4, [[-2, 2], [-1.5, 1.5]])
hist2d("edges", x, y, [-2, -1, 0, 2], [-1, 0, 0.5, 1, 3])
hist2d("weights-density", x, y, 6, 3, [[-2, 2], [-2, 2]], weights=w, density=True)
hist2d("f32-int", rng.uniform(0, 4, size=2500).astype(np.float32), rng.integers(0, 5, size=2500), 8, 5, [[0, 4], [0, 5]])

v = rng.integers(0, 50, size=2600).astype(np.int32)
case("i32", "bincount", v, np.bincount(v, minlength=60), length=60)
case("i32-weights", "bincount", v, np.bincount(v, weights=w[:2600], minlength=50), length=50, weights=w[:2600])
bb = rng.integers(0, 2, size=2100).astype(bool)
case("bool", "bincount", bb, np.bincount(bb, minlength=2), length=2)
case("u8-exact", "bincount", v.astype(np.uint8), np.bincount(v.astype(np.uint8)), length=int(v.max()) + 1)
case("empty", "bincount", np.zeros(0, np.int64), np.bincount(np.zeros(0, np.int64), minlength=3), length=3)

inc = [-1.0, 0.0, 0.5, 0.5, 2.0]
for right in (False, True):
    case(f"f64-inc-right={right}", "digitize", x, np.digitize(x, inc, right=right), bins=inc, right=right)
    case(f"f64-dec-right={right}", "digitize", x, np.digitize(x, inc[::-1], right=right), bins=inc[::-1], right=right)
ints = rng.integers(-3, 8, size=(20, 130)).astype(np.int16)
case("i16-2d", "digitize", ints, np.digitize(ints, [0, 1, 5], right=True), bins=[0, 1, 5], right=True)
case("empty-bins", "digitize", np.array([1.0, 2.0]), np.digitize(np.array([1.0, 2.0]), []), bins=[], right=False)

vals = [3, -1, 7, 7, 100]
iv = rng.integers(-3, 10, size=2600)
case("i64", "isin", iv, np.isin(iv, vals), values=vals)
case("i64-invert", "isin", iv, np.isin(iv, vals, invert=True), values=vals, invert=True)
fv = np.round(x * 4) / 4
case("f64-nan", "isin", fv, np.isin(fv, [0.25, -0.5, np.nan]), values=[0.25, -0.5, None])

z = rng.integers(-2, 3, size=(40, 70)).astype(np.int8)
case("i8-all", "count_nonzero", z, np.count_nonzero(z), axis=None)
case("i8-ax0", "count_nonzero", z, np.count_nonzero(z, axis=0), axis=[0])
case("i8-ax1", "count_nonzero", z, np.count_nonzero(z, axis=1), axis=[1])
case("f64-nan", "count_nonzero", np.where(np.abs(x) < 0.5, 0, x), np.count_nonzero(np.where(np.abs(x) < 0.5, 0, x)), axis=None)
case("bool", "count_nonzero", bb, np.count_nonzero(bb), axis=None)
case("empty", "count_nonzero", np.zeros((0, 3)), np.count_nonzero(np.zeros((0, 3)), axis=0), axis=[0])

uv = rng.integers(-20, 20, size=2600).astype(np.int32)
u, c = np.unique(uv, return_counts=True)
case("i32", "unique", uv, u, counts=c.tolist(), counts_dtype=str(c.dtype))
ux = np.round(x * 3) / 3
u, c = np.unique(ux, return_counts=True)
case("f64-nan", "unique", ux, u, counts=c.tolist())
u, c = np.unique(bb, return_counts=True)
case("bool", "unique", bb, u, counts=c.tolist())
u, c = np.unique(np.zeros(0), return_counts=True)
case("empty", "unique", np.zeros(0), u, counts=c.tolist())
uf = np.round(rng.normal(size=(30, 90)), 1).astype(np.float32)
u, c = np.unique(uf, return_counts=True)
case("f32-2d", "unique", uf, u, counts=c.tolist())

with open("counts_golden.json", "w") as f:
    json.dump(dict(numpy=np.__version__, cases=cases), f)
