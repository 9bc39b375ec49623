"""Makes ufunc_golden.json, the numpy reference for ndarray's ufunc tests
(TestUfuncAgainstNumpy in ufunc_test.go). Run with Debian's numpy 1.24:

    /usr/bin/python3 ndarray/testdata/gen_ufunc.py > ndarray/testdata/ufunc_golden.json

The fixture holds its inputs too, so the Go test builds the same arrays:

- "specials": per dtype, edge values (0, ±1, min, max, shift counts around
  the width, negative counts; for floats ±0, ±inf, nan, the largest finite
  and the smallest subnormal).
- grid cases: op(S[:, None], S[None, :]) over the specials of one dtype (or
  of two, for promotion): every pair, with broadcasting.
- unary cases: op(S).
- big cases: op(X, Y) on 2x1100 arrays (2200 elements, past the 2048
  element tile), and op(X, Y[0]) broadcasting a row.
- chain cases: fused chains of several ops, QA-bit decoding among them.

Where tessera differs from numpy 1.24 on purpose, the script computes what
tessera documents: float results of bool and 8/16-bit integers are float32
(numpy gives float16, which tessera's kernels lack), so those inputs are cast
to float32 first; Trunc of integers keeps the integers (numpy casts them to
float, with the same values).
"""
import json
import warnings

import numpy as np

warnings.simplefilter("ignore")
np.seterr(all="ignore")

INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOATS = ["float32", "float64"]


def specials(dt):
    d = np.dtype(dt)
    if d.kind == "b":
        return [False, True]
    if d.kind in "iu":
        info = np.iinfo(d)
        w = d.itemsize * 8
        vals = [0, 1, 2, 3, 5, 7, w - 1, w, w + 1, info.max, info.max - 1]
        if d.kind == "i":
            vals += [-1, -2, -3, -7, info.min, info.min + 1]
        else:
            vals += [info.max // 2 + 1]
        out = []
        for v in vals:
            if v not in out:
                out.append(v)
        return out
    fi = np.finfo(d)
    return [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 7.0, -7.0, 0.3, -0.75, 1e30, float("inf"),
            float("-inf"), float("nan"), float(fi.max), float(fi.smallest_subnormal)]


def big(dt, which):
    """2x1100 values of dt from a formula, some NaN/inf for floats."""
    n = 2200
    i = np.arange(n)
    d = np.dtype(dt)
    if d.kind == "b":
        v = (i * (3 + which)) % 7 < 3
    elif d.kind in "iu":
        info = np.iinfo(d)
        if which == 0:
            v = (i * 7919) % 65521 - (32000 if d.kind == "i" else 0)
        else:
            v = (i * 31) % 23 - (11 if d.kind == "i" else 0)
        v = np.clip(v, info.min, info.max)
    else:
        if which == 0:
            v = ((i % 41) - 20) / 4.0
            v[i % 37 == 0] = np.nan
            v[i % 101 == 3] = np.inf
        else:
            v = ((i * 7) % 29 - 14) / 3.0
            v[i % 53 == 5] = np.nan
            v[i % 97 == 1] = -np.inf
    return np.asarray(v).astype(d).reshape(2, 1100)


def floaty(a):
    """The input of a float function as tessera computes it."""
    if a.dtype.kind in "biu" and a.dtype.itemsize <= 2:
        return a.astype(np.float32)
    return a


def floaty2(a, b):
    r = np.result_type(a.dtype, b.dtype)
    if r.kind in "biu" and r.itemsize <= 2:
        return a.astype(np.float32), b.astype(np.float32)
    return a, b


BIN = {
    "and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor,
    "left_shift": np.left_shift, "right_shift": np.right_shift,
    "mod": np.remainder, "fmod": np.fmod, "floor_divide": np.floor_divide,
    "fmin": np.fmin, "fmax": np.fmax,
    "arctan2": lambda a, b: np.arctan2(*floaty2(a, b)),
    "hypot": lambda a, b: np.hypot(*floaty2(a, b)),
}
BITWISE = {"and", "or", "xor", "left_shift", "right_shift"}

UN = {
    "not": np.invert, "sign": np.sign, "square": np.square, "isinf": np.isinf,
    "nan_to_num": np.nan_to_num,
    "trunc": lambda a: np.trunc(a) if a.dtype.kind == "f" else a,
}
for name in ["arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "log2", "exp2", "deg2rad", "rad2deg"]:
    UN[name] = (lambda f: lambda a: f(floaty(a)))(getattr(np, name))


def enc(v, kind):
    if kind == "b":
        return bool(v)
    if kind in "iu":
        return int(v)
    v = float(v)
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    return v


def case(name, kind, out, **kw):
    out = np.asarray(out)
    d = dict(name=name, kind=kind, dtype=str(out.dtype), shape=list(out.shape),
             values=[enc(v, out.dtype.kind) for v in out.ravel()])
    d.update(kw)
    return d


cases = []
spec = {}
for dt in ["bool"] + INTS + FLOATS:
    spec[dt] = specials(dt)

for dt in ["bool"] + INTS + FLOATS:
    s = np.array(spec[dt], dtype=dt)
    a, b = s[:, None], s[None, :]
    for op, f in BIN.items():
        if dt in FLOATS and op in BITWISE:
            continue
        cases.append(case(f"grid/{op}/{dt}", "grid", f(a, b), op=op, a=dt, b=dt))
    for op, f in UN.items():
        if dt == "bool" and op == "sign":
            continue
        if dt in FLOATS and op == "not":
            continue
        cases.append(case(f"unary/{op}/{dt}", "unary", f(s), op=op, a=dt))

# Promotion across dtypes.
for op, x, y in [("mod", "uint8", "int8"), ("fmod", "int16", "float32"), ("and", "uint16", "int32"),
                 ("left_shift", "bool", "int8"), ("floor_divide", "int32", "float64"),
                 ("hypot", "uint32", "int64"), ("or", "bool", "bool"), ("fmax", "bool", "bool"),
                 ("right_shift", "uint8", "int16"), ("arctan2", "int8", "uint8")]:
    a = np.array(spec[x], dtype=x)[:, None]
    b = np.array(spec[y], dtype=y)[None, :]
    cases.append(case(f"grid/{op}/{x}-{y}", "grid", BIN[op](a, b), op=op, a=x, b=y))

bigs = {}
for op, dt in [("mod", "int32"), ("floor_divide", "int16"), ("and", "uint16"), ("right_shift", "int64"),
               ("left_shift", "uint8"), ("arctan2", "float32"), ("hypot", "float64"), ("mod", "float64"),
               ("floor_divide", "float32"), ("fmin", "float64"), ("fmax", "float32"), ("fmod", "int8")]:
    x, y = big(dt, 0), big(dt, 1)
    bigs[dt] = [enc(v, x.dtype.kind) for v in x.ravel()], [enc(v, y.dtype.kind) for v in y.ravel()]
    cases.append(case(f"big/{op}/{dt}", "big", BIN[op](x, y), op=op, a=dt))
    cases.append(case(f"bigrow/{op}/{dt}", "bigrow", BIN[op](x, y[0]), op=op, a=dt))
for op, dt in [("sign", "float32"), ("nan_to_num", "float64"), ("tanh", "float32"), ("not", "int16"),
               ("square", "int32"), ("exp2", "uint8")]:
    x = big(dt, 0)
    bigs[dt] = [enc(v, x.dtype.kind) for v in x.ravel()], [enc(v, x.dtype.kind) for v in big(dt, 1).ravel()]
    cases.append(case(f"bigunary/{op}/{dt}", "bigunary", UN[op](x), op=op, a=dt))

# Fused chains (the Go test writes the same expressions).
qa = big("uint16", 0)
bigs["uint16"] = [int(v) for v in qa.ravel()], [int(v) for v in big("uint16", 1).ravel()]
cloud = ((qa >> np.uint16(3)) & np.uint16(1)) == 1
conf = ((qa >> np.uint16(8)) & np.uint16(3)) >= 2
shadow = ((qa >> np.uint16(4)) & np.uint16(1)) == 1
cases.append(case("chain/qa", "chain", (cloud & conf) | shadow, a="uint16"))
cases.append(case("chain/qa_invert", "chain", (~qa & np.uint16(0x00FF)) ^ (qa << np.uint16(2)), a="uint16"))
fx, fy = big("float64", 0), big("float64", 1)
cases.append(case("chain/float", "chain",
                  np.nan_to_num(np.fmod(np.hypot(np.arctan2(fx, fy), np.square(fx)), np.float64(3))) +
                  np.floor_divide(fx, np.float64(-2.5)), a="float64"))

print(json.dumps({"specials": {k: [enc(v, np.dtype(k).kind) for v in vs] for k, vs in spec.items()},
                  "big": bigs, "cases": cases}, separators=(",", ":")))
