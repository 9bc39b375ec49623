"""Makes elementwise_golden.json, the numpy reference for ndarray's fused
elementwise tests (TestElementwiseAgainstNumpy in breadth_test.go). The
arrays are 2x2100, so the test's blocks span several 2048-element tiles.
Run with Debian's numpy:

    /usr/bin/python3 ndarray/testdata/gen_elementwise.py > ndarray/testdata/elementwise_golden.json

The inputs are formulas the Go test repeats exactly (see ewInputs).
"""
import json
import numpy as np

shape = (2, 2100)
n = shape[0] * shape[1]
i = np.arange(n)
x = ((i % 41) - 20) / 4.0
x[i % 37 == 0] = np.nan
y = ((i * 7) % 29 - 14) / 3.0
y[i % 53 == 5] = np.nan
x, y = x.reshape(shape), y.reshape(shape)
row = (np.arange(shape[1]) % 97) - 40.0
col = np.array([[3.0], [-7.0]])
ints = np.arange(n, dtype=np.int64).reshape(shape)

with np.errstate(all="ignore"):
    cases = {
        "ew_maximum": np.maximum(x, y),
        "ew_minimum": np.minimum(x, y),
        "ew_round": np.round(x * 2),
        "ew_where": np.where(x > y, x, row),
        "ew_int16": ints.astype(np.int16) * np.int16(13),
        "ew_clip_log1p": np.log1p(np.clip(x, -0.5, 4)),
        "ew_div_bcast": x / col + row,
    }


def enc(v):
    """JSON has no NaN: it is null, which the Go test reads back as NaN."""
    v = float(v)
    if v != v:
        return None
    return float("%.15g" % v)


out = {}
for k, v in cases.items():
    out[k] = {"shape": list(v.shape), "values": [enc(e) for e in v.ravel()]}
print(json.dumps(out, separators=(",", ":"), allow_nan=False))
