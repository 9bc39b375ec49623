#!/usr/bin/python3
"""Writes sum_accuracy_golden.json: numpy's sums of adversarial data
(cancellation, 10^7 elements) beside the exact sums, for
TestSumAccuracyNotWorseThanNumpy in reduce/accuracy_test.go.

    /usr/bin/python3 reduce/testdata/gen_sum_accuracy.py

The data are not stored: both sides compute them from the element index
with exact integer arithmetic and IEEE-rounded float operations, so Go and
numpy hold the same bits:

    u = (i * 6364136223846793005 + 1442695040888963407) mod 2**64
    x = ((u >> 11) / 2**53 - 0.5) + (+B if bit 40 of u is set else -B)   (float64)
    NaN where i % 1000 == 3 (the nan* cases only)

with B = 1e8 for float64 and the float64 value rounded to float32 with
B = 1e4 for float32. The 1-D cases sum all n values (numpy's pairwise
sum); the 2-D cases are the same values as (n/8, 8), summed over axis 0
(numpy's sequential sum along a non-contiguous axis). "exact" is
math.fsum of the values as float64 (correctly rounded), "numpy" is
np.sum / np.nansum in the array's own dtype, as float64.
"""
import json
import math
import os

import numpy as np

N = 10_000_000


def values(dtype, nan):
    i = np.arange(N, dtype=np.uint64)
    with np.errstate(over="ignore"):
        u = i * np.uint64(6364136223846793005) + np.uint64(1442695040888963407)
    small = (u >> np.uint64(11)).astype(np.float64) / 2.0**53 - 0.5
    big = 1e8 if dtype == "float64" else 1e4
    x = small + np.where((u >> np.uint64(40)) & np.uint64(1) == 1, big, -big)
    if nan:
        x[(i % 1000) == 3] = np.nan
    return x.astype(dtype)


def exact(v):
    return math.fsum(float(t) for t in v if not math.isnan(t))


cases = []
for dtype in ("float64", "float32"):
    for nan in (False, True):
        x = values(dtype, nan)
        f = np.nansum if nan else np.sum
        kind = "nansum" if nan else "sum"
        cases.append({"dtype": dtype, "kind": kind, "shape": [N], "axis": None,
                      "exact": [exact(x)], "numpy": [float(f(x))]})
        x2 = x.reshape(N // 8, 8)
        cases.append({"dtype": dtype, "kind": kind, "shape": [N // 8, 8], "axis": 0,
                      "exact": [exact(x2[:, j]) for j in range(8)],
                      "numpy": [float(t) for t in f(x2, axis=0)]})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sum_accuracy_golden.json")
with open(out, "w") as fh:
    json.dump({"numpy": np.__version__, "n": N, "cases": cases}, fh, indent=1)
    fh.write("\n")
