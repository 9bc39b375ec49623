# Generates tsqr_golden.json: numpy's reduced QR, thin SVD and lstsq of
# seeded random tall matrices, for linalg's TSQR, SVD and Lstsq tests.
# Run with /usr/bin/python3 linalg/testdata/gen_tsqr.py from the module root.
import json, os
import numpy as np

rng = np.random.default_rng(7)
cases = []
for name, (m, n) in [("tall", (300, 7)), ("past tile", (2100, 3)), ("square", (6, 6)), ("one column", (40, 1))]:
    a = rng.standard_normal((m, n))
    b = rng.standard_normal((m, 2))
    q, r = np.linalg.qr(a)
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    x, res, rank, sv = np.linalg.lstsq(a, b, rcond=None)
    x1, res1, _, _ = np.linalg.lstsq(a, b[:, 0], rcond=None)
    cases.append({"name": name, "m": m, "n": n, "a": a.ravel().tolist(), "b": b.ravel().tolist(),
                  "r": r.ravel().tolist(), "s": s.tolist(), "x": x.ravel().tolist(),
                  "residuals": res.tolist(), "rank": int(rank), "x1": x1.tolist(), "residuals1": res1.tolist()})
# rank deficient: column 2 = column 0 + column 1
a = rng.standard_normal((50, 4)); a[:, 2] = a[:, 0] + a[:, 1]
b = rng.standard_normal((50, 2))
x, res, rank, sv = np.linalg.lstsq(a, b, rcond=None)
s = np.linalg.svd(a, compute_uv=False)
cases.append({"name": "rank deficient", "m": 50, "n": 4, "a": a.ravel().tolist(), "b": b.ravel().tolist(),
              "r": None, "s": s.tolist(), "x": x.ravel().tolist(), "residuals": res.tolist(), "rank": int(rank),
              "x1": None, "residuals1": None})
with open(os.path.join(os.path.dirname(__file__), "tsqr_golden.json"), "w") as f:
    json.dump(cases, f)
